"""A quote's attributes, compared between the looks after each step of interviews, never narrow its speaker
below the threshold.

The attacker: an executive who knows the interview calendar and everyone's industry, role and channel, and reads
the evidence page after every step. They know a quote's speaker is among those released by the step that first
showed it, and combine every value ever shown beside it ("" after step one, "senior agent" after step three).
Each look must leave at least k of those first people matching, and, at one time, every shown row must be shared
by at least k people. The demo's study is the worked case: released afresh at every step, 10 of its 20 speakers
were narrowed below 5 this way.
"""

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from research.demo import seed_demo
from research.privacy.k_anonymity import WITHHELD, k_anonymous_attributes, k_anonymous_over_steps, smallest_group
from research.store.engine import make_engine, session_scope
from research.store.migrate import upgrade
from research.store.models import Participant

COLUMNS = ["Industry", "Role", "Channel"]


def narrowed_by_comparing(people: pd.DataFrame, k: int, release) -> list:
    """The people a reader of every step's look narrows below ``k``; ``release(n)`` is the look at n people."""
    looks = [release(n) for n in range(k, len(people) + 1, k)]
    narrowed = []
    for person in people.index[:len(looks[-1])]:
        first = next(i for i, look in enumerate(looks) if person in look.index)
        them = people.iloc[:len(looks[first])]
        mask = pd.Series(True, index=them.index)
        for look in looks[first:]:
            for column in COLUMNS:
                if look.at[person, column] != WITHHELD:
                    mask &= them[column] == look.at[person, column]
        if mask.sum() < k:
            narrowed.append(person)
    return narrowed


def over_steps(people: pd.DataFrame, k: int):
    return lambda n: k_anonymous_over_steps(people.iloc[:n], COLUMNS, k, [i // k for i in range(n)])


def demo_people(tmp_path) -> pd.DataFrame:
    engine = make_engine(f"sqlite:///{tmp_path / 'demo.db'}")
    upgrade(engine)
    with session_scope(engine) as session:
        seed_demo(session=session)
        rows = session.execute(select(Participant.industry, Participant.role, Participant.channel)
                               .where(Participant.evidence_place.is_not(None))
                               .order_by(Participant.evidence_place)).all()
    engine.dispose()
    return pd.DataFrame(rows, columns=COLUMNS)


def test_the_demo_study_compared_step_by_step_narrows_nobody_below_k(tmp_path):
    people, k = demo_people(tmp_path), 5
    afresh = narrowed_by_comparing(people, k, lambda n: k_anonymous_attributes(people.iloc[:n], COLUMNS, k))
    assert len(afresh) >= 5  # the attack works on a release made afresh at every step
    assert narrowed_by_comparing(people, k, over_steps(people, k)) == []


people_frames = st.integers(1, 30).flatmap(lambda n: st.builds(
    lambda columns: pd.DataFrame(dict(zip(COLUMNS, columns))),
    st.tuples(*(st.lists(st.sampled_from(values), min_size=n, max_size=n)
                for values in (["a", "b", "c"], ["x", "y", None], ["voice", "chat"])))))


@settings(max_examples=60, deadline=None)
@given(people=people_frames, k=st.integers(2, 5))
def test_any_study_stays_k_anonymous_at_each_step_and_across_steps(people, k):
    release = over_steps(people, k)
    if len(people) >= k:
        assert narrowed_by_comparing(people, k, release) == []
    for n in range(k, len(people) + 1, k):
        look = release(n)
        assert list(look.index) == list(people.index[:n])
        assert smallest_group(look) >= k
        shown = look != WITHHELD
        own = people.iloc[:n].astype(object).where(shown, WITHHELD)
        assert (look == own).all().all()  # a value shown is the person's own


def test_people_released_together_who_share_values_keep_them_shown():
    people = pd.DataFrame({"Industry": ["retail"] * 5 + ["banking"] * 5, "Role": ["agent"] * 10,
                           "Channel": ["voice"] * 5 + ["chat", "voice", "chat", "voice", "chat"]})
    look = k_anonymous_over_steps(people, COLUMNS, 5, [0] * 5 + [1] * 5)
    assert list(look["Industry"]) == list(people["Industry"]) and list(look["Role"]) == ["agent"] * 10
    assert list(look["Channel"]) == ["voice"] * 5 + [WITHHELD] * 5  # banking's channels split 3 to 2
