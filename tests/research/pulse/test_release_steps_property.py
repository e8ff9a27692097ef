"""Property: an observer who sees every release can never single out one respondent.

Hypothesis draws team layouts (sites, headcounts), thresholds and sequences of
submissions, sends them through ``send_response`` and looks after every one.
Every group a figure can be shown for (each team, each site, the wave) must
move only by at least the score threshold of people at once, its comments only
by at least the comment threshold of people, and nothing confirmed may be lost.
"""

from __future__ import annotations

import itertools
from collections import Counter
from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pulse_builders import SEALER
from sqlalchemy import distinct, func, select

from research.privacy.reporting import Thresholds
from research.pulse.links import create_links
from research.pulse.submit import send_response
from research.pulse.waves_admin import SegmentSpec, create_wave
from research.store.engine import make_engine, session_scope
from research.store.migrate import upgrade
from research.store.models import PulseAnswer, PulseInbox, PulseResponse, PulseSegment

TODAY = date(2026, 11, 22)
_titles = itertools.count()


@pytest.fixture(scope="module")
def sqlite_engine(tmp_path_factory):
    """One migrated SQLite file for every example: each example makes a wave of its own."""
    engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('steps') / 'frontline.db'}")
    upgrade(engine)
    yield engine
    engine.dispose()

layouts = st.lists(st.tuples(st.integers(0, 2), st.integers(1, 14)), min_size=2, max_size=5)


@st.composite
def scenarios(draw):
    teams = draw(layouts)
    scores = draw(st.integers(3, 5))
    steps = Thresholds(scores, scores + draw(st.sampled_from([0, 1, 3])))
    sends = draw(st.lists(st.tuples(st.integers(0, len(teams) - 1), st.booleans()), max_size=36))
    return teams, steps, sends


def observe(session, wave_id) -> dict[str, tuple[int, int]]:
    """Per group (team, site, wave): people whose scores are released, and people whose comments are."""
    people = dict(session.execute(select(PulseResponse.segment_id, func.count())
                                  .where(PulseResponse.wave_id == wave_id).group_by(PulseResponse.segment_id)).all())
    writers = dict(session.execute(
        select(PulseResponse.segment_id, func.count(distinct(PulseAnswer.response_id)))
        .join(PulseAnswer, PulseAnswer.response_id == PulseResponse.id)
        .where(PulseResponse.wave_id == wave_id, PulseAnswer.value_text.is_not(None))
        .group_by(PulseResponse.segment_id)).all())
    groups: Counter = Counter()
    for segment in session.scalars(select(PulseSegment).where(PulseSegment.wave_id == wave_id)):
        for group in (f"team {segment.team}", f"site {segment.site}", "wave"):
            groups[group, "scores"] += people.get(segment.id, 0)
            groups[group, "comments"] += writers.get(segment.id, 0)
    return groups


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(scenario=scenarios())
def test_every_group_moves_only_by_a_whole_step_of_people(sqlite_engine, scenario):
    teams, steps, sends = scenario
    with session_scope(sqlite_engine) as session:
        wave = create_wave(
            session=session, title=f"Property wave {next(_titles)}", opens_on=TODAY - timedelta(days=1),
            closes_on=TODAY + timedelta(days=5), question_keys=["morale", "tools", "one_thing"],
            segments=[SegmentSpec(team=f"T{i}", site=f"S{site}", headcount=n) for i, (site, n) in enumerate(teams)])
        wave_id = wave.id
        invites = [create_links(session=session, segment=s, count=s.headcount) for s in wave.segments]
    sent = 0
    with session_scope(sqlite_engine) as session:
        before = observe(session, wave_id)
    for team, writes in sends:
        if not invites[team]:
            continue  # the team has answered in full
        send_response(engine=sqlite_engine, token=invites[team].pop(), today=TODAY, steps=steps, sealer=SEALER,
                      answers={"morale": 1 + sent % 5, "tools": 3, "one_thing": f"comment {sent}" if writes else ""})
        sent += 1
        with session_scope(sqlite_engine) as session:
            after = observe(session, wave_id)
            waiting = session.scalar(select(func.count()).select_from(PulseInbox).where(PulseInbox.wave_id == wave_id))
        for (group, kind), n in after.items():
            step = steps.scores if kind == "scores" else steps.comments
            moved = n - before[group, kind]
            assert moved == 0 or moved >= step, f"{group} {kind} moved by {moved} (step {step})"
            assert n == 0 or n >= step, f"{group} shows {kind} of {n} people (threshold {step})"
        assert after["wave", "scores"] + waiting == sent  # nothing confirmed is lost
        before = after
