"""The pulse preview promises what the dashboard shows: the same release decision, and never a count."""

import re
from datetime import date

import pytest
from pulse_builders import add_wave, answers
from sqlalchemy import select

from research.demo import seed_demo
from research.findings.anonymity_preview import LEVELS, anonymity_preview, preview_sentences
from research.findings.overview import overview, segment_options
from research.privacy.reporting import Thresholds
from research.store.engine import make_engine, session_scope
from research.store.migrate import upgrade
from research.store.models import PulseSegment, PulseWave

SITE = ("Cardiff", "phone", "utilities")


def dashboard_shows(session, wave, level, value, threshold) -> bool:
    """Whether the executive dashboard shows the group: offered as a filter, and its overview has figures."""
    limits = Thresholds(scores=threshold)
    offered = value in segment_options(session=session, wave_id=wave.id, thresholds=limits)[level]
    figures = overview(session=session, wave_id=wave.id, thresholds=limits, segment={level: value})
    assert offered == (figures.responses is not None)
    return offered


def statuses_of(session, wave, team, threshold):
    segment = session.scalars(select(PulseSegment).where(PulseSegment.wave_id == wave.id,
                                                         PulseSegment.team == team)).one()
    return anonymity_preview(session=session, segment_id=segment.id, threshold=threshold)


def assert_no_count(lines, threshold, names=()):
    text = " ".join(lines)
    for name in names:
        text = text.replace(name, "")
    assert not re.search(r"\d", text.replace(str(threshold), "")), text


@pytest.mark.parametrize("threshold", [5, 7])
def test_a_team_with_enough_responses_hidden_beside_a_small_one_is_not_promised(engine, threshold):
    # Small is under the threshold, so the next smallest sibling (Mid, which has enough) is withheld with it:
    # otherwise the site total minus Mid and Big would give Small's answers.
    with session_scope(engine) as session:
        wave_id = add_wave(session, "Crafted wave", date(2026, 11, 1), {
            ("Small", *SITE): answers(2), ("Mid", *SITE): answers(threshold + 1),
            ("Big", *SITE): answers(threshold + 4)})
    with session_scope(engine) as session:
        wave = session.get(PulseWave, wave_id)
        mid, big = statuses_of(session, wave, "Mid", threshold), statuses_of(session, wave, "Big", threshold)
        small = statuses_of(session, wave, "Small", threshold)
        assert not dashboard_shows(session, wave, "team", "Mid", threshold)
        assert dashboard_shows(session, wave, "team", "Big", threshold)
        for level in ("site", "channel", "industry"):
            assert dashboard_shows(session, wave, level, dict(zip(("site", "channel", "industry"), SITE))[level],
                                   threshold)
    assert [(s.level, s.shown) for s in mid] == [
        ("team", False), ("site", True), ("channel", True), ("industry", True), ("wave", True)]
    assert [(s.level, s.shown) for s in big] == [
        ("team", True), ("site", True), ("channel", True), ("industry", True), ("wave", True)]
    mid_lines, big_lines = preview_sentences(mid, threshold), preview_sentences(big, threshold)
    assert mid_lines[0].startswith("Your team (Mid): its scores will not be shown on their own for now")
    assert mid_lines[0].endswith("your scores will only count in the site total.")
    assert big_lines[0] == "Your team (Big) is shown on its own: your scores count in its results."
    # Mid has enough responses, yet its agents read exactly what Small's read: not why, and no count.
    assert mid_lines == [line.replace("(Small)", "(Mid)") for line in preview_sentences(small, threshold)]
    assert "at least" not in mid_lines[0]
    assert_no_count(mid_lines + big_lines, threshold)


def test_nothing_is_promised_while_the_whole_wave_is_small(engine):
    with session_scope(engine) as session:
        wave_id = add_wave(session, "Quiet wave", date(2026, 11, 1), {("Alone", *SITE): answers(3)})
    with session_scope(engine) as session:
        wave = session.get(PulseWave, wave_id)
        statuses = statuses_of(session, wave, "Alone", 5)
        assert not dashboard_shows(session, wave, "team", "Alone", 5)
    assert not any(s.shown for s in statuses)
    lines = preview_sentences(statuses, 5)
    assert lines[0].endswith("and no figure that includes your answers is published yet.")
    assert lines[-1] == ("The whole wave has fewer than 5 responses so far: no figure that includes your answers "
                         "is published until it does.")
    assert_no_count(lines, 5)


@pytest.fixture(scope="module")
def demo_engine(tmp_path_factory):
    engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('preview') / 'demo.db'}")
    upgrade(engine)
    with session_scope(engine) as session:
        seed_demo(session=session)
    yield engine
    engine.dispose()


@pytest.mark.parametrize("latest", [True, False], ids=["latest wave", "every other wave"])
def test_the_preview_agrees_with_the_dashboard_for_every_demo_team(demo_engine, latest):
    threshold = 5
    with session_scope(demo_engine) as session:
        waves = list(session.scalars(select(PulseWave).order_by(PulseWave.opens_on.desc(), PulseWave.id.desc())))
        checked = 0
        for wave in waves[:1] if latest else waves[1:]:
            shown_overall = overview(session=session, wave_id=wave.id,
                                     thresholds=Thresholds(scores=threshold)).responses is not None
            for segment in wave.segments:
                statuses = anonymity_preview(session=session, segment_id=segment.id, threshold=threshold)
                by_level = {s.level: s for s in statuses}
                for level, _ in LEVELS:
                    if getattr(segment, level):
                        assert by_level[level].shown == dashboard_shows(
                            session, wave, level, getattr(segment, level), threshold), (wave.title, segment.label)
                assert by_level["wave"].shown == shown_overall
                lines = preview_sentences(statuses, threshold)
                assert_no_count(lines, threshold, [getattr(segment, level) for level, _ in LEVELS])
                checked += 1
    assert checked >= 1
