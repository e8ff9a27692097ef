"""Which wave and study the executive pages open on, and like-for-like change."""

from datetime import date

import pytest
from pulse_builders import add_wave, answers

from research.findings.overview import overview, wave_trend
from research.findings.representative import (
    like_for_like,
    marked_trend,
    representative_study,
    representative_wave,
    wave_statuses,
)
from research.privacy.reporting import Thresholds
from research.store.engine import session_scope
from research.store.models import Interview, Participant, Study

FIVE = Thresholds(scores=5, comments=10)
TODAY = date(2026, 12, 2)
TEAMS = ("Alpha", "Beta", "Gamma", "Delta")


@pytest.fixture
def waves_with_pilot(engine):
    """Two closed waves of four teams of ten; then an open one-team pilot of eleven very unhappy answers."""
    with session_scope(engine) as session:
        july = add_wave(session, "July", date(2026, 7, 13), {t: answers(10, enps=9) for t in TEAMS})
        october = add_wave(session, "October", date(2026, 10, 5),
                           {"Alpha": answers(10, enps=10), "Beta": answers(10, enps=3),
                            "Gamma": answers(10, enps=8), "Delta": answers(10, enps=9)})
        pilot = add_wave(session, "Pilot", date(2026, 11, 28), {"Beta": answers(11, enps=0)})
    return july, october, pilot


def test_a_one_team_pilot_is_never_the_default_and_is_marked(engine, waves_with_pilot):
    _, october, pilot = waves_with_pilot
    with session_scope(engine) as session:
        chosen = representative_wave(session=session, thresholds=FIVE, today=TODAY)
        statuses = {s.wave_id: s for s in wave_statuses(session=session, thresholds=FIVE, today=TODAY)}
    assert chosen == october
    assert statuses[pilot].label == "pilot: 1 of 4 teams reportable"
    assert statuses[october].label == ""


def test_the_trend_names_a_drawn_wave_that_is_not_representative_by_its_kind(engine, waves_with_pilot):
    """An outside walk read an open two-team wave, unmarked on the start page's chart, as a cliff in every score."""
    with session_scope(engine) as session:
        trend = wave_trend(session=session, thresholds=FIVE)
        statuses = wave_statuses(session=session, thresholds=FIVE, today=TODAY)
    named, marked = marked_trend(trend, statuses)
    assert list(named["wave"]) == ["July", "October", "Pilot (pilot)"] and marked
    assert named.drop(columns="wave").equals(trend.drop(columns="wave"))  # the figures themselves are untouched
    named, marked = marked_trend(trend[trend["wave"] != "Pilot"], statuses)
    assert list(named["wave"]) == ["July", "October"] and not marked


def test_a_wave_just_opened_that_several_teams_are_answering_is_in_progress_not_a_pilot(engine, waves_with_pilot):
    """An outside walk read "pilot: 0 of 8 teams reportable" on the demo's open wave, which every team was
    answering; a wave asking one team stays a pilot."""
    with session_scope(engine) as session:
        started = add_wave(session, "November", date(2026, 11, 30), {t: answers(2) for t in TEAMS})
        statuses = {s.wave_id: s for s in wave_statuses(session=session, thresholds=FIVE, today=TODAY)}
        closed = {s.wave_id: s for s in wave_statuses(session=session, thresholds=FIVE, today=date(2027, 6, 1))}
    assert statuses[started].label == "in progress: 0 of 4 teams reportable so far"
    assert (statuses[started].kind, closed[started].kind) == ("in progress", "partial")
    assert closed[started].label == "partial: 0 of 4 teams reportable"
    assert statuses[waves_with_pilot[2]].label == "pilot: 1 of 4 teams reportable"


def test_a_wave_of_fewer_teams_than_the_widest_counts_its_own_teams(engine, waves_with_pilot):
    """A walk's new wave of two teams read "in progress: 1 of 8 teams reportable", as if seven were missing."""
    with session_scope(engine) as session:
        small = add_wave(session, "Two desks", date(2026, 11, 30), {TEAMS[0]: answers(6), TEAMS[1]: answers(6)})
        status = {s.wave_id: s for s in wave_statuses(session=session, thresholds=FIVE, today=TODAY)}[small]
    assert status.label == "in progress: 2 of the 2 teams it asks reportable so far, against 4 in the widest wave"


def test_an_open_wave_with_most_teams_is_used_only_when_no_closed_one_has(engine):
    with session_scope(engine) as session:
        open_wave = add_wave(session, "Open", date(2026, 11, 28), {t: answers(6) for t in TEAMS})
        assert representative_wave(session=session, thresholds=FIVE, today=TODAY) == open_wave
        assert representative_wave(session=session, thresholds=FIVE, today=date(2027, 1, 1)) == open_wave


def test_no_wave_means_no_default(engine):
    with session_scope(engine) as session:
        assert representative_wave(session=session, thresholds=FIVE) is None


def test_the_pilot_is_compared_only_with_the_same_team_of_the_wave_before(engine, waves_with_pilot):
    _, _, pilot = waves_with_pilot
    with session_scope(engine) as session:
        plain = overview(session=session, wave_id=pilot, thresholds=FIVE)
        fair = like_for_like(session=session, wave_id=pilot, thresholds=FIVE)
    enps = next(k for k in plain.kpis if k.key == "enps")
    # Against the whole of October (eNPS +25) the pilot looks like a collapse of 125 points ...
    assert enps.value == -100 and round(enps.change) == -125
    # ... but Beta already stood at -100 in October: like for like, nothing moved.
    assert fair.teams == ("Beta",) and not fair.all_teams
    assert fair.changes["enps"] == 0
    assert fair.note == "change since October, like for like over the 1 team reportable in both"


def test_with_the_same_teams_like_for_like_is_the_plain_change(engine, waves_with_pilot):
    _, october, _ = waves_with_pilot
    with session_scope(engine) as session:
        plain = overview(session=session, wave_id=october, thresholds=FIVE)
        fair = like_for_like(session=session, wave_id=october, thresholds=FIVE)
    assert fair.all_teams and fair.note == "change since July"
    for kpi in plain.kpis:
        assert fair.changes[kpi.key] == pytest.approx(kpi.change)


def test_a_team_below_the_threshold_in_either_wave_is_left_out_of_the_comparison(engine):
    with session_scope(engine) as session:
        add_wave(session, "A", date(2026, 7, 1), {"One": answers(10, morale=2), "Two": answers(10, morale=2),
                                                  "Three": answers(3, morale=5)})
        later = add_wave(session, "B", date(2026, 8, 1), {"One": answers(10, morale=4), "Two": answers(10, morale=4),
                                                          "Three": answers(3, morale=1)})
        fair = like_for_like(session=session, wave_id=later, thresholds=FIVE)
    # Three is hidden, and with it a sibling (complementary suppression): only one team is compared.
    assert "Three" not in fair.teams and len(fair.teams) >= 1
    assert fair.changes["morale"] == pytest.approx(2)


def _study(session, title, starts, ends, interviewed, withdrawn=0):
    study = Study(title=title, starts_on=starts, ends_on=ends)
    session.add(study)
    session.flush()
    for number in range(interviewed + withdrawn):
        person = Participant(study_id=study.id, code=f"P{number:02d}",
                             withdrawn_on=date(2026, 11, 1) if number >= interviewed else None)
        session.add(person)
        session.flush()
        session.add(Interview(study_id=study.id, participant_id=person.id))
    session.flush()
    return study.id


def test_interview_evidence_opens_on_a_finished_study_with_enough_agents(engine):
    with session_scope(engine) as session:
        finished = _study(session, "Autumn", date(2026, 10, 1), date(2026, 10, 9), 12)
        _study(session, "Winter, in progress", date(2026, 11, 30), None, 3)
        _study(session, "Tiny", date(2026, 11, 1), date(2026, 11, 2), 4, withdrawn=8)
        assert representative_study(session=session, thresholds=FIVE, today=TODAY) == finished


def test_without_a_finished_study_the_largest_one_is_opened(engine):
    with session_scope(engine) as session:
        _study(session, "Small", date(2026, 11, 1), None, 3)
        larger = _study(session, "Larger", date(2026, 10, 1), None, 7)
        assert representative_study(session=session, thresholds=FIVE, today=TODAY) == larger


def test_rows_of_waves_after_the_one_read_are_left_out(engine, waves_with_pilot):
    """The topics and actions pages read up to the representative wave, as the overview does."""
    import pandas as pd

    from research.findings.representative import up_to_wave

    july, october, pilot = waves_with_pilot
    frame = pd.DataFrame({"opens_on": [date(2026, 7, 13), date(2026, 10, 5), date(2026, 11, 28)], "x": [1, 2, 3]})
    with session_scope(engine) as session:
        assert up_to_wave(session=session, frame=frame, wave_id=october)["x"].tolist() == [1, 2]
        assert up_to_wave(session=session, frame=frame, wave_id=None)["x"].tolist() == [1, 2, 3]
        assert up_to_wave(session=session, frame=frame, wave_id=representative_wave(
            session=session, thresholds=FIVE, today=TODAY))["x"].tolist() == [1, 2]
