"""The executive overview: headline KPIs, change, response rate and trend, and what the thresholds hide."""

from datetime import date

import pandas as pd
import pytest
from pulse_builders import NEUTRAL, add_wave, answers
from sqlalchemy import event

from research.errors import FrontlineError
from research.findings.overview import (
    DIMENSIONS,
    KPI_KEYS,
    overview,
    segment_options,
    wave_trend,
)
from research.privacy.reporting import Thresholds, hidden_groups
from research.store.engine import session_scope

FIVE = Thresholds(scores=5, comments=10)
@pytest.fixture
def crafted(engine):
    """April: four teams of 10. July: teams of 1, 4, 5 and 9 responses (the privacy acceptance wave)."""
    with session_scope(engine) as session:
        april = add_wave(session, "April", date(2026, 4, 13),
                         {team: answers(10, morale=2) for team in ("One", "Four", "Five", "Nine")})
        july = add_wave(session, "July", date(2026, 7, 13), {
            "One": answers(1, morale=1, enps=0, tools=1),
            "Four": answers(4, morale=5, enps=10, tools=5),
            "Five": answers(5, morale=4),
            "Nine": answers(9, morale=3),
        })
    return april, july


def numbers(result):
    """Every number an overview carries, KPI by KPI."""
    found = [result.responses, result.headcount, result.response_rate]
    for kpi in result.kpis:
        found += [kpi.value, kpi.previous, kpi.change, kpi.responses, kpi.low, kpi.high]
    return [n for n in found if n is not None]


@pytest.mark.parametrize("team", ["One", "Four"])
def test_a_team_under_the_threshold_shows_no_number_anywhere(engine, crafted, team):
    _, july = crafted
    with session_scope(engine) as session:
        result = overview(session=session, wave_id=july, thresholds=FIVE, segment={"team": team})
    assert numbers(result) == []
    assert result.note == "fewer than 5 responses"
    assert [k.note for k in result.kpis] == ["fewer than 5 responses"] * len(KPI_KEYS)
    assert result.wave_title == "July" and result.previous_title == "April"


def test_filters_offer_only_the_teams_complementary_suppression_lets_out(engine, crafted):
    _, july = crafted
    # 1 and 4 are under 5; together they pool 5 responses, so no third team has to be hidden.
    assert hidden_groups({"One": 1, "Four": 4, "Five": 5, "Nine": 9}, 5) == {"One", "Four"}
    with session_scope(engine) as session:
        options = segment_options(session=session, wave_id=july, thresholds=FIVE)
        five = overview(session=session, wave_id=july, thresholds=FIVE, segment={"team": "Five"})
        nine = overview(session=session, wave_id=july, thresholds=FIVE, segment={"team": "Nine"})
        everyone = overview(session=session, wave_id=july, thresholds=FIVE)
    assert options == {"team": ["Five", "Nine"], "site": ["Cardiff"], "channel": ["phone"], "industry": ["utilities"]}
    assert five.responses == 5 and five.kpis[1].value == 4.0
    assert nine.responses == 9 and nine.kpis[1].value == 3.0
    # What subtraction can reveal is the pooled 1 + 4 teams: (19 * mean - 5 * 4 - 9 * 3) / 5 = 4.2, 5 people.
    assert everyone.responses == 19
    assert everyone.kpis[1].value == pytest.approx((1 + 4 * 5 + 5 * 4 + 9 * 3) / 19)


def test_a_team_at_the_threshold_is_hidden_when_it_is_the_only_complement(engine):
    with session_scope(engine) as session:
        wave = add_wave(session, "July", date(2026, 7, 13),
                        {"One": answers(1), "Five": answers(5), "Nine": answers(9)})
        options = segment_options(session=session, wave_id=wave, thresholds=FIVE)
        five = overview(session=session, wave_id=wave, thresholds=FIVE, segment={"team": "Five"})
    # The team of 1 alone is under 5, so the next smallest (5) is hidden with it: 6 pooled.
    assert hidden_groups({"One": 1, "Five": 5, "Nine": 9}, 5) == {"One", "Five"}
    assert options["team"] == ["Nine"]
    assert numbers(five) == [] and five.note == "fewer than 5 responses"


def test_a_site_is_withdrawn_when_it_minus_a_shown_team_isolates_a_small_team(engine):
    """Cardiff = Billing (27) + Tech Support (3): showing both Cardiff and Billing would reveal Tech Support."""
    groups = {
        ("Billing", "Cardiff", "phone", "utilities"): answers(27),
        ("Tech Support", "Cardiff", "chat", "technical support"): answers(3, morale=1),
        ("Retail", "Leeds", "phone", "retail"): answers(27),
        ("Email", "Leeds", "e-mail", "retail"): answers(27),
        ("Banking", "Glasgow", "phone", "banking"): answers(27),
        ("Telecom", "Glasgow", "chat", "telecommunications"): answers(27),
    }
    with session_scope(engine) as session:
        wave = add_wave(session, "July", date(2026, 7, 13), groups)
        options = segment_options(session=session, wave_id=wave, thresholds=FIVE)
        cardiff = overview(session=session, wave_id=wave, thresholds=FIVE, segment={"site": "Cardiff"})
        billing = overview(session=session, wave_id=wave, thresholds=FIVE, segment={"team": "Billing"})
    assert "Tech Support" not in options["team"]
    assert not ("Cardiff" in options["site"] and "Billing" in options["team"])
    assert cardiff.responses is None or billing.responses is None
    # Per team alone, complementary suppression would have hidden Tech Support and Banking (the
    # alphabetically first team of 27), leaving Billing beside Cardiff.
    assert hidden_groups({"Billing": 27, "Tech Support": 3, "Retail": 27, "Email": 27, "Banking": 27,
                          "Telecom": 27}, 5) == {"Tech Support", "Banking"}


def test_enps_and_its_interval_match_the_hand_computation(engine):
    scores = [10, 10, 10, 9, 9, 8, 7, 6, 2, 0]
    with session_scope(engine) as session:
        wave = add_wave(session, "July", date(2026, 7, 13), {"Billing": [{**NEUTRAL, "enps": s} for s in scores]})
        enps = overview(session=session, wave_id=wave, thresholds=FIVE).kpis[0]
    # 5 promoters (9-10) and 3 detractors (0-6) of 10: 100 * (0.5 - 0.3) = 20 points.
    # Per-respondent variance 0.5 + 0.3 - 0.2**2 = 0.76; half-width 1.96 * sqrt(0.76 / 10) * 100 = 54.03.
    assert (enps.key, enps.label, enps.unit, enps.responses) == ("enps", "eNPS", "points", 10)
    assert enps.value == pytest.approx(20.0)
    assert enps.low == pytest.approx(20 - 54.0335, abs=1e-3)
    assert enps.high == pytest.approx(20 + 54.0335, abs=1e-3)


def test_the_enps_interval_is_clipped_to_the_scale(engine):
    with session_scope(engine) as session:
        wave = add_wave(session, "July", date(2026, 7, 13),
                        {"Billing": answers(4, enps=10) + answers(1, enps=8)})
        enps = overview(session=session, wave_id=wave, thresholds=FIVE).kpis[0]
    # 4 promoters, 1 passive: 80 points; variance 0.8 - 0.64 = 0.16; half-width 1.96 * sqrt(0.032) * 100 = 35.06.
    assert enps.value == pytest.approx(80.0)
    assert enps.low == pytest.approx(80 - 35.0616, abs=1e-3)
    assert enps.high == 100.0


def test_each_kpi_reports_its_mean_and_change_since_the_previous_wave(engine):
    with session_scope(engine) as session:
        # Created out of order: "previous" means the latest wave that opened earlier, not the last id.
        october = add_wave(session, "October", date(2026, 10, 5),
                           {"Billing": answers(6, morale=4, tools=2, recovery_share=55, enps=10),
                            "Chat": answers(6, morale=4, tools=4, recovery_share=45, enps=10)})
        add_wave(session, "April", date(2026, 4, 13), {"Billing": answers(10, morale=1), "Chat": answers(10)})
        add_wave(session, "July", date(2026, 7, 13),
                 {"Billing": answers(6, tools=4, recovery_share=30, enps=5), "Chat": answers(5)})
        everyone = overview(session=session, wave_id=october, thresholds=FIVE)
        billing = overview(session=session, wave_id=october, thresholds=FIVE, segment={"team": "Billing"})
    kpis = {k.key: k for k in everyone.kpis}
    assert [k.key for k in everyone.kpis] == list(KPI_KEYS)
    assert everyone.previous_title == "July"
    assert (kpis["morale"].value, kpis["morale"].previous, kpis["morale"].change) == (4.0, 3.0, 1.0)
    assert kpis["morale"].unit == "/5" and kpis["recovery_share"].unit == "%"
    assert kpis["recovery_share"].value == pytest.approx(50.0)
    # July: 6 at 30 % and 5 at 40 % = 380 / 11 = 34.5 %; October 50 %.
    assert kpis["recovery_share"].change == pytest.approx(50 - 380 / 11)
    # July eNPS: 6 detractors (5) and 5 passives (8) of 11 = -54.5; October all promoters = +100.
    assert kpis["enps"].previous == pytest.approx(-600 / 11)
    assert kpis["enps"].change == pytest.approx(100 + 600 / 11)
    billing_kpis = {k.key: k for k in billing.kpis}
    assert (billing_kpis["tools"].value, billing_kpis["tools"].previous, billing_kpis["tools"].change) == (2, 4, -2)


def test_the_previous_figure_of_a_team_too_small_then_is_not_shown(engine):
    with session_scope(engine) as session:
        add_wave(session, "July", date(2026, 7, 13), {"Billing": answers(20), "Chat": answers(3, morale=1)})
        october = add_wave(session, "October", date(2026, 10, 5), {"Billing": answers(20), "Chat": answers(8)})
        chat = overview(session=session, wave_id=october, thresholds=FIVE, segment={"team": "Chat"})
    morale = chat.kpis[1]
    assert morale.value == 3.0 and morale.previous is None and morale.change is None and morale.note == ""


def test_response_rate_needs_a_headcount_for_every_segment_in_scope(engine):
    with session_scope(engine) as session:
        full = add_wave(session, "April", date(2026, 4, 13), {"Billing": answers(27), "Chat": answers(20)},
                        headcount={"Billing": 34, "Chat": 25})
        partial = add_wave(session, "July", date(2026, 7, 13), {"Billing": answers(27), "Chat": answers(20)},
                           headcount={"Billing": 34})
        counted = overview(session=session, wave_id=full, thresholds=FIVE)
        uncounted = overview(session=session, wave_id=partial, thresholds=FIVE)
        billing = overview(session=session, wave_id=partial, thresholds=FIVE, segment={"team": "Billing"})
    assert (counted.responses, counted.headcount) == (47, 59)
    assert counted.response_rate == pytest.approx(47 / 59)
    assert uncounted.responses == 47 and uncounted.headcount is None and uncounted.response_rate is None
    assert billing.response_rate == pytest.approx(27 / 34)


def test_a_question_answered_by_too_few_is_suppressed_on_its_own(engine):
    skipped = [{k: v for k, v in NEUTRAL.items() if k != "workload"} for _ in range(6)]
    with session_scope(engine) as session:
        wave = add_wave(session, "July", date(2026, 7, 13), {"Billing": skipped + answers(4, workload=5)})
        result = overview(session=session, wave_id=wave, thresholds=FIVE)
    kpis = {k.key: k for k in result.kpis}
    assert result.responses == 10 and kpis["morale"].value == 3.0
    assert kpis["workload"].value is None and kpis["workload"].responses is None
    assert kpis["workload"].note == "fewer than 5 responses"


def test_a_wave_without_responses_is_suppressed_and_bad_requests_are_explained(engine):
    with session_scope(engine) as session:
        wave = add_wave(session, "Open now", date(2026, 11, 20), {"Billing": []}, headcount={"Billing": 34})
        empty = overview(session=session, wave_id=wave, thresholds=FIVE)
        assert numbers(empty) == [] and empty.note == "fewer than 5 responses"
        assert segment_options(session=session, wave_id=wave, thresholds=FIVE) == {d: [] for d in DIMENSIONS}
        with pytest.raises(FrontlineError, match="unknown segment dimension 'manager'"):
            overview(session=session, wave_id=wave, thresholds=FIVE, segment={"manager": "Sam"})
        with pytest.raises(FrontlineError, match="one of team, site"):
            overview(session=session, wave_id=wave, thresholds=FIVE, segment={"team": "Billing", "site": "Cardiff"})
        with pytest.raises(FrontlineError, match="no pulse wave with id 999"):
            overview(session=session, wave_id=999, thresholds=FIVE)


def test_trend_has_a_row_per_wave_with_gaps_where_a_wave_is_too_small(engine):
    with session_scope(engine) as session:
        add_wave(session, "July", date(2026, 7, 13), {"Billing": answers(10, morale=2), "Chat": answers(3)})
        add_wave(session, "April", date(2026, 4, 13), {"Billing": answers(4), "Chat": answers(0)})
        add_wave(session, "October", date(2026, 10, 5), {"Billing": answers(8, morale=4), "Chat": answers(8)})
        trend = wave_trend(session=session, thresholds=FIVE)
        billing = wave_trend(session=session, thresholds=FIVE, segment={"team": "Billing"})
    assert list(trend.columns) == ["wave_id", "wave", "opens_on", "responses", *KPI_KEYS]
    assert trend["wave"].tolist() == ["April", "July", "October"]
    assert trend["responses"].dtype == "Int64"
    assert pd.isna(trend.loc[0, "responses"]) and trend.loc[0, list(KPI_KEYS)].isna().all()
    assert trend["responses"].tolist()[1:] == [13, 16]
    assert trend.loc[1, "morale"] == pytest.approx((10 * 2 + 3 * 3) / 13)
    # July's Chat (3) is under 5, so Billing is hidden with it: the July total would reveal Chat otherwise.
    assert pd.isna(billing.loc[1, "morale"]) and pd.isna(billing.loc[1, "responses"])
    assert billing.loc[2, "morale"] == 4.0 and billing.loc[2, "responses"] == 8


def test_answers_are_aggregated_in_the_database_not_loaded(engine, crafted):
    _, july = crafted
    statements = []

    def record(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        with session_scope(engine) as session:
            overview(session=session, wave_id=july, thresholds=FIVE, segment={"team": "Nine"})
            wave_trend(session=session, thresholds=FIVE)
    finally:
        event.remove(engine, "before_cursor_execute", record)
    touching_answers = [s for s in statements if "pulse_answers" in s]
    assert touching_answers and all("GROUP BY" in s for s in touching_answers)
    assert all("count(" in s.lower() for s in touching_answers)
