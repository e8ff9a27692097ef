"""The segment-by-question heatmap: scores per team, site, channel or industry, small groups hidden."""

from datetime import date

import pandas as pd
import pytest
from pulse_builders import NEUTRAL
from pulse_builders import add_wave as add_july_wave
from sqlalchemy import select

from research.demo import seed_demo
from research.demo.seed import WAVES as DEMO_WAVES
from research.errors import FrontlineError
from research.findings.heatmap import heatmap, heatmap_figure
from research.privacy.reporting import Thresholds
from research.store.engine import session_scope
from research.store.models import PulseWave

FIVE = Thresholds(scores=5, comments=10)
COLUMNS = ["Morale", "eNPS", "Tools", "Management support", "Workload", "Recovery share", "Feedback loop"]


def add_wave(session, groups):
    """A July wave with the whole library; ``groups`` maps (team, site) to lists of answer dicts."""
    return add_july_wave(session, "July", date(2026, 7, 13),
                         {(team, site, "phone", "utilities"): sets for (team, site), sets in groups.items()})


@pytest.fixture
def july(engine):
    """Teams of 1, 4, 5 and 9 responses on one site; the small teams answer at the extremes."""
    with session_scope(engine) as session:
        return add_wave(session, {
            ("One", "Cardiff"): [{**NEUTRAL, "morale": 1, "enps": 0}],
            ("Four", "Cardiff"): [{**NEUTRAL, "morale": 5, "enps": 10}] * 4,
            ("Five", "Cardiff"): [{**NEUTRAL, "morale": 4, "recovery_share": 80}] * 5,
            ("Nine", "Cardiff"): [{**NEUTRAL, "enps": 10, "recovery_share": 20}] * 8 + [{**NEUTRAL, "enps": 5}],
        })


def test_small_teams_rows_are_hidden_and_hold_no_number(engine, july):
    with session_scope(engine) as session:
        table = heatmap(session=session, wave_id=july, dimension="team", thresholds=FIVE)
    assert table.hidden == ["Four", "One"]
    assert table.values.loc[["Four", "One"]].isna().all().all()
    assert table.responses[["Four", "One"]].isna().all()
    assert table.note == "fewer than 5 responses"
    assert table.responses[["Five", "Nine"]].tolist() == [5, 9]


def test_shown_rows_hold_each_questions_mean_in_question_order(engine, july):
    with session_scope(engine) as session:
        table = heatmap(session=session, wave_id=july, dimension="team", thresholds=FIVE)
    assert list(table.values.columns) == COLUMNS
    assert table.values.index.name == "team"
    five, nine = table.values.loc["Five"], table.values.loc["Nine"]
    assert (five["Morale"], five["Tools"], five["Recovery share"]) == (4.0, 3.0, 80.0)
    assert five["eNPS"] == 0.0  # all passives (8)
    # Nine: 8 promoters and 1 detractor = 100 * 7 / 9 points; recovery share (8 * 20 + 40) / 9.
    assert nine["eNPS"] == pytest.approx(700 / 9)
    assert nine["Recovery share"] == pytest.approx(200 / 9)


def test_a_dimension_with_one_value_shows_the_whole_wave(engine, july):
    with session_scope(engine) as session:
        table = heatmap(session=session, wave_id=july, dimension="site", thresholds=FIVE)
    assert table.hidden == [] and table.responses.tolist() == [19]
    assert table.values.loc["Cardiff", "Morale"] == pytest.approx((1 + 4 * 5 + 5 * 4 + 9 * 3) / 19)


def test_the_figure_marks_suppressed_cells_and_colours_the_others(engine, july):
    with session_scope(engine) as session:
        table = heatmap(session=session, wave_id=july, dimension="team", thresholds=FIVE)
    figure = heatmap_figure(table)
    cells = {(a.y, a.x): a.text for a in figure.layout.annotations}
    assert {cells["One", c] for c in COLUMNS} == {"–"}
    assert {cells["Four", c] for c in COLUMNS} == {"–"}
    assert (cells["Five", "Morale"], cells["Nine", "eNPS"], cells["Five", "Recovery share"]) == ("4.0", "+78", "80%")
    shade = pd.DataFrame(figure.data[0].z, index=figure.data[0].y, columns=figure.data[0].x)
    assert shade.loc[["One", "Four"]].isna().all().all()
    # Morale 4 of 1-5 is three quarters good; a higher recovery share is worse, so it shades lower.
    assert shade.loc["Five", "Morale"] == pytest.approx(0.75)
    assert shade.loc["Five", "Recovery share"] < shade.loc["Nine", "Recovery share"]


def test_an_unknown_dimension_is_refused(engine, july):
    with session_scope(engine) as session, pytest.raises(FrontlineError, match="unknown segment dimension 'shift'"):
        heatmap(session=session, wave_id=july, dimension="shift", thresholds=FIVE)


def test_the_demo_shows_utilities_billing_tools_falling(engine):
    with session_scope(engine) as session:
        seed_demo(session=session)
        tools = []
        for title, _, _ in DEMO_WAVES:
            wave_id = session.scalar(select(PulseWave.id).where(PulseWave.title == title))
            table = heatmap(session=session, wave_id=wave_id, dimension="team", thresholds=FIVE)
            assert table.hidden == [] and table.responses["Utilities Billing"] == 27
            tools.append(table.values.loc["Utilities Billing", "Tools"])
    # The billing system gets worse wave by wave: the planted story, visible in the heatmap.
    assert tools[0] > tools[1] > tools[2]
    assert tools[0] - tools[2] > 0.5


def test_team_names_typed_as_markup_show_as_text_in_the_figure(engine):
    import json
    import re

    link = '<a href="http://127.0.0.1:9/bonus">Nine</a>'
    with session_scope(engine) as session:
        wave = add_wave(session, {(link, "Cardiff"): [NEUTRAL] * 9, ("<img src=x>", "Cardiff"): [NEUTRAL] * 1,
                                  ("Five", "Cardiff"): [NEUTRAL] * 5})
        table = heatmap(session=session, wave_id=wave, dimension="team", thresholds=FIVE)
    sent = json.loads(heatmap_figure(table).to_json())  # what the browser receives
    sent.get("layout", {}).pop("template", None)
    texts = re.findall(r'"((?:[^"\\]|\\.)*)"', json.dumps(sent))
    shown = [json.loads(f'"{t}"') for t in texts]
    assert [s for s in shown if "<" in re.sub(r"<(br|extra|/extra)>", "", s)] == []
    rows = list(heatmap_figure(table).data[0].y)
    assert '&lt;a href="http://127.0.0.1:9/bonus"&gt;Nine&lt;/a&gt;' in rows  # Plotly draws it as the typed text
    assert "&lt;img src=x&gt;" in rows
