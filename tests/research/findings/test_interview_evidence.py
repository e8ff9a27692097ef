"""Interview quotes shown to executives are k-anonymous on the attributes beside them (k = the score threshold).

The attacker knows every participant's industry, role and channel and the
release rule; grouping the shown quotes by what is shown beside them must never
leave a group of fewer than k participants.
"""

from datetime import date

import pandas as pd
import pytest
from sqlalchemy import select

from interviews.codebook import code_choices
from interviews.coding import code_quote
from interviews.notes import save_note, start_interview
from interviews.studies import (
    GuideItem,
    ParticipantRef,
    add_participant,
    create_study,
    set_guide,
    withdraw_participant,
)
from research.demo import seed_demo
from research.findings.interview_evidence import (
    QUOTE_COLUMNS,
    evidence_studies,
    interview_evidence,
    released_participants,
)
from research.privacy.k_anonymity import WITHHELD, k_anonymous_attributes, smallest_group
from research.privacy.reporting import Thresholds
from research.store.engine import make_engine, session_scope
from research.store.migrate import upgrade
from research.store.models import Participant

ATTRIBUTES = QUOTE_COLUMNS[1:]  # Industry, Role, Channel


def truth(session, study_id) -> pd.DataFrame:
    """What the attacker knows: every counted participant's real attributes."""
    rows = session.execute(select(Participant.code, Participant.industry, Participant.role, Participant.channel)
                           .where(Participant.study_id == study_id, Participant.withdrawn_on.is_(None))).all()
    return pd.DataFrame(rows, columns=["code", *ATTRIBUTES])


def matching(people: pd.DataFrame, shown: dict) -> int:
    """Participants whose real attributes agree with every attribute shown (a blank is no constraint)."""
    mask = pd.Series(True, index=people.index)
    for column, value in shown.items():
        if value != WITHHELD:
            mask &= people[column] == value
    return int(mask.sum())


def assert_k_anonymous(session, study_id, quotes: pd.DataFrame, k: int) -> None:
    people = truth(session, study_id)
    released = released_participants(session=session, study_id=study_id, thresholds=Thresholds(scores=k))
    assert len(people) >= k, "the test needs a study of at least k participants"
    for shown, _ in quotes.groupby(ATTRIBUTES, dropna=False):
        shown = dict(zip(ATTRIBUTES, shown))
        assert matching(people, shown) >= k, shown
        # Stronger: even knowing the rule, the speaker is one of the >= k people released with these values.
        same = (released[ATTRIBUTES] == pd.Series(shown)).all(axis=1)
        assert int(same.sum()) >= k, shown


@pytest.fixture(scope="module")
def demo_engine(tmp_path_factory):
    engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('evidence') / 'demo.db'}")
    upgrade(engine)
    with session_scope(engine) as session:
        seed_demo(session=session)
    yield engine
    engine.dispose()


@pytest.mark.parametrize("k", [2, 3, 4, 5, 7])
def test_every_combination_shown_on_the_demo_is_shared_by_k_participants(demo_engine, k):
    with session_scope(demo_engine) as session:
        study_id = next(iter(evidence_studies(session=session)))
        everything = []
        for theme in code_choices(session=session):
            evidence = interview_evidence(session=session, study_id=study_id, theme=theme,
                                          thresholds=Thresholds(scores=k), quotes=50)
            assert list(evidence.quotes.columns) == QUOTE_COLUMNS
            assert_k_anonymous(session, study_id, evidence.quotes, k)
            # the breakdown beside the quotes uses groups of at least k participants too
            assert (evidence.by_industry["participants"] >= k).all()
            # whole steps of k interviewed agents only: the last 24 % k are never counted
            assert evidence.by_industry["participants"].sum() == evidence.participants == 24 // k * k
            everything.append(evidence.quotes)
        # grouping the quotes of every theme together finds no small group either
        assert_k_anonymous(session, study_id, pd.concat(everything), k)
        people = truth(session, study_id)
    # the demo is the case that motivated this: 20 of 24 agents are unique on the three attributes
    assert (people.groupby(ATTRIBUTES).size() == 1).sum() == 20


def test_the_demo_at_the_default_threshold_shows_no_attribute_a_reader_of_every_step_could_narrow(demo_engine):
    with session_scope(demo_engine) as session:
        study_id = next(iter(evidence_studies(session=session)))
        evidence = interview_evidence(session=session, study_id=study_id, theme="tools", thresholds=Thresholds())
    # four agents per industry is too few to show an industry; twelve agents would show a role now, but no step
    # of five holds five people of one role, so a role shown now would narrow a quote first seen after an earlier
    # step to the two or three of that role released with it (tests/.../test_interview_evidence_over_time.py)
    assert len(evidence.quotes) == 6
    assert (evidence.quotes[["Industry", "Role", "Channel"]] == WITHHELD).all().all()
    assert not evidence.quotes.apply(lambda row: row.str.fullmatch(r"P\d+")).any().any()  # no participant codes


def crafted_study(session, groups: list[tuple[str, str, str, int]]) -> tuple[int, dict[str, list[ParticipantRef]]]:
    """A study whose participants each gave one distinct quote coded "tools"; returns (id, {industry: people})."""
    study = create_study(session=session, title="Crafted study", purpose="Tools")
    question = set_guide(session=session, study_id=study.id, items=[GuideItem("Do you have the tools you need?")])[0].id
    people: dict[str, list[ParticipantRef]] = {}
    for industry, role, channel, count in groups:
        for _ in range(count):
            p = add_participant(session=session, study_id=study.id, industry=industry, role=role, channel=channel,
                                site="Leeds", consent_given=True)
            interview = start_interview(session=session, study_id=study.id, participant_id=p.id,
                                        interviewer="ana", held_on=None)
            body = f"The screen {p.code} uses freezes every morning."
            note = save_note(session=session, interview_id=interview.id, editor="ana", guide_question_id=question,
                             body=body).note_id
            code_quote(session=session, note_id=note, quote=body, codes=["tools"], coder="ana")
            people.setdefault(industry, []).append(p)
    session.flush()
    return study.id, people


def quote_of(evidence, participant: ParticipantRef) -> dict:
    row = evidence.quotes[evidence.quotes["Quote"] == f"The screen {participant.code} uses freezes every morning."]
    assert len(row) == 1
    return row.iloc[0].to_dict()


def test_a_unique_participant_is_quoted_without_identifying_attributes(session):
    study_id, people = crafted_study(session, [("telecommunications", "agent", "phone", 6),
                                               ("banking", "team lead", "e-mail", 1),
                                               ("retail", "agent", "chat", 8)])
    evidence = interview_evidence(session=session, study_id=study_id, theme="tools", thresholds=Thresholds(),
                                  quotes=20)
    assert len(evidence.quotes) == 15  # everyone is still quoted (15 interviewed: three whole steps of 5)
    unique = quote_of(evidence, people["banking"][0])
    assert {unique[c] for c in ATTRIBUTES} == {WITHHELD}
    # each step shows what all its five share: the first is five telecoms agents on the phone, the third five
    # retail agents on chat; the second (a telecoms agent, the banking team lead, three retail agents) nothing,
    # as a quote first seen after it is one of those five, and "retail" would narrow it to three
    assert [quote_of(evidence, p)["Industry"] for p in people["telecommunications"]] == [
        "telecommunications"] * 5 + [WITHHELD]
    assert quote_of(evidence, people["retail"][0]) == {
        "Quote": "The screen P08 uses freezes every morning.", "Industry": WITHHELD, "Role": WITHHELD,
        "Channel": WITHHELD}
    assert quote_of(evidence, people["retail"][-1]) == {
        "Quote": "The screen P15 uses freezes every morning.", "Industry": "retail", "Role": "agent",
        "Channel": "chat"}
    assert dict(zip(evidence.by_industry["industry"], evidence.by_industry["participants"])) == {
        "other industries": 5, "retail": 5, "telecommunications": 5}
    assert_k_anonymous(session, study_id, evidence.quotes, 5)


def test_withdrawn_participants_never_count_or_show_and_take_their_step_with_them(session):
    study_id, people = crafted_study(session, [("telecommunications", "agent", "phone", 5),
                                               ("retail", "agent", "chat", 12)])
    # A withdrawal as the app does it (interviews and attributes erased) ...
    withdraw_participant(session=session, participant_id=people["retail"][0].id, actor="ana")
    # ... and one recorded as withdrawn whose attributes are still there
    session.get(Participant, people["telecommunications"][0].id).withdrawn_on = date(2026, 11, 1)
    session.flush()
    evidence = interview_evidence(session=session, study_id=study_id, theme="tools", thresholds=Thresholds(),
                                  quotes=20)
    # 17 places make three steps of 5; the two withdrawn keep theirs (P16 and P17, waiting, do not move up),
    # and the first two steps, each now four people, leave the evidence: the third is shown whole
    assert evidence.participants == 5 and evidence.raised == 5
    assert set(evidence.quotes["Quote"]) == {f"The screen P{n:02} uses freezes every morning." for n in range(11, 16)}
    assert list(evidence.by_industry["industry"]) == ["retail"]
    assert_k_anonymous(session, study_id, evidence.quotes, 5)


def test_a_study_smaller_than_k_shows_no_quote_and_no_count(session):
    # A quote with no attributes still names its speaker when the reader knows who the three were, and
    # "1 of 1 raised it" names them without any quote (tests/research/findings/test_interview_evidence_steps.py).
    study_id, _ = crafted_study(session, [("retail", "agent", "chat", 3)])
    evidence = interview_evidence(session=session, study_id=study_id, theme="tools", thresholds=Thresholds(),
                                  quotes=20)
    assert evidence.withheld and evidence.quotes.empty and evidence.by_industry.empty
    assert (evidence.participants, evidence.raised) == (0, 0)


def test_the_release_rule_on_its_own():
    people = pd.DataFrame({
        "Industry": ["a"] * 6 + ["b"] * 6 + ["c"],
        "Role": ["x"] * 5 + ["y"] + ["x"] * 6 + ["z"],
        "Channel": [None] * 13,
    })
    shown = k_anonymous_attributes(people, ["Industry", "Role", "Channel"], 5)
    assert list(shown.index) == list(people.index)
    assert smallest_group(shown) >= 5
    # c (1) is withheld with the smaller of its siblings (a, then b on a tie); b stays
    assert list(shown["Industry"]) == [WITHHELD] * 6 + ["b"] * 6 + [WITHHELD]
    # within b everyone is x; within the withheld pool x has 5 and y, z are too few: hidden with x
    assert list(shown["Role"]) == [WITHHELD] * 6 + ["x"] * 6 + [WITHHELD]
    assert (shown["Channel"] == WITHHELD).all()
    assert smallest_group(k_anonymous_attributes(people, ["Industry", "Role"], 14)) == 13  # fewer than k in all
    assert (k_anonymous_attributes(people, ["Industry", "Role"], 14) == WITHHELD).all().all()
    assert (k_anonymous_attributes(people, ["Industry", "Role"], 1) == people[["Industry", "Role"]]).all().all()


def test_quotes_alike_are_shown_once():
    """An outside walk read "When the score drops we get a huddle about tone, even when customers were angry about
    the billing system / the core [industry] screen / the ticketing tool" as one quote three times."""
    from research.findings.interview_evidence import QUOTE_COLUMNS, InterviewEvidence

    said = ["When the score drops we get a huddle about tone, even when customers were angry about the billing system.",
            "A customer swore at me for ten minutes and nobody stepped in.",
            "When the score drops we get a huddle about tone, even when customers were angry about the ticketing tool."]
    quotes = pd.DataFrame({"Quote": said, **{c: ["retail", "", ""] for c in QUOTE_COLUMNS[1:]}})
    evidence = InterviewEvidence("Study", "Abusive or difficult customers", pd.DataFrame(), quotes, 10, 3, 5)
    assert evidence.quote_table["Quote"].tolist() == said[:2]
