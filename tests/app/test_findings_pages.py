"""The executive pages on a wave crafted with teams of 1, 4, 5 and 9 responses: no small group leaks."""

import re
from datetime import date

import pytest
from pulse_builders import add_wave, answers

from research.store.engine import make_engine, session_scope

CRAFTED = "Crafted wave (teams of 1, 4, 5 and 9)"


@pytest.fixture
def crafted(app_db):
    engine = make_engine(app_db)
    with session_scope(engine) as session:
        add_wave(session, CRAFTED, date(2026, 11, 1), {
            ("One", "Swansea", "chat", "retail"): answers(1, morale=1, enps=0, recovery_share=97),
            ("Four", "Swansea", "chat", "retail"): answers(4, morale=5, enps=10, recovery_share=93),
            ("Five", "Swansea", "chat", "retail"): answers(5, morale=2, recovery_share=60),
            ("Nine", "Swansea", "chat", "retail"): answers(9, morale=3, recovery_share=40),
        })
    engine.dispose()


def test_the_segment_filter_never_offers_a_small_team(make_app, crafted):
    at = make_app("executive", "executive").run()
    at.selectbox[0].select(CRAFTED).run()
    options = at.selectbox[1].options
    assert "Team: One" not in options and "Team: Four" not in options
    assert "Team: Nine" in options
    # The whole wave (19 responses) is reported; its recovery share is the mean over everyone.
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Recovery share"] == f"{round((97 + 4 * 93 + 5 * 60 + 9 * 40) / 19)} %"


def test_the_heatmap_marks_small_teams_and_carries_no_number_for_them(make_app, crafted):
    import base64

    import numpy as np
    import plotly.io

    at = make_app("executive", "executive").run()
    at.switch_page("views/findings_heatmap.py").run()
    at.selectbox[0].select(CRAFTED).run()
    assert not at.exception
    assert any("Four, One" in c.value and "fewer than 5 responses" in c.value for c in at.caption)
    figure = plotly.io.from_json(at.get("plotly_chart")[0].proto.spec)  # what the browser receives
    rows, z = list(figure.data[0].y), figure.data[0].z
    if isinstance(z, dict):  # plotly ships numeric arrays base64-encoded
        z = np.frombuffer(base64.b64decode(z["bdata"]), dtype=z["dtype"]).reshape(
            [int(n) for n in str(z["shape"]).split(",")])
    hover = figure.data[0].customdata
    labels = {(a.y, a.x): a.text for a in figure.layout.annotations}
    for team in ("One", "Four"):
        index = rows.index(team)
        assert all(value is None or value != value for value in z[index])  # no colour (None or NaN)
        assert set(hover[index]) == {""}  # no response count on hover
        assert {text for (row, _), text in labels.items() if row == team} == {"–"}
    assert labels[("Nine", "Recovery share")] == "40%"


def test_a_heatmap_with_every_row_hidden_says_so_instead_of_drawing_dashes(make_app, app_db):
    engine = make_engine(app_db)
    with session_scope(engine) as session:
        add_wave(session, "Just opened", date(2026, 11, 2), {
            ("One", "Swansea", "chat", "retail"): answers(1), ("Three", "Swansea", "chat", "retail"): answers(3)})
    engine.dispose()
    at = make_app("executive", "executive").run()
    at.switch_page("views/findings_heatmap.py").run()
    at.selectbox[0].select("Just opened").run()
    assert not at.exception
    assert not at.get("plotly_chart")
    assert any("No team in this wave can be shown yet: each has fewer than 5 responses" in i.value for i in at.info)


def test_every_headline_figure_and_heatmap_column_says_what_agents_were_asked(make_app, crafted):
    at = make_app("executive", "executive").run()
    at.selectbox[0].select(CRAFTED).run()
    helps = {m.label: re.sub(r"\\(.)", r"\1", m.help) for m in at.metric}  # Markdown-escaped
    assert helps["Recovery share"].startswith("Agents were asked: “") and helps["Recovery share"].endswith(
        "Lower is better.")
    assert "share answering 9 or 10 minus the share answering 0 to 6" in helps["eNPS"]
    at.switch_page("views/findings_heatmap.py").run()
    at.selectbox[0].select(CRAFTED).run()
    asked = re.sub(r"\\(.)", r"\1", at.expander[0].markdown[0].value)
    assert "**Recovery share** (0 to 100 %): “" in asked and "**eNPS** (-100 to 100 points): “" in asked


def test_a_researcher_records_an_action_the_executive_then_sees(make_app, app_db):
    at = make_app("researcher", "researcher").run()
    at.switch_page("views/actions_record.py").run()
    at.selectbox[0].select("tools")
    at.text_area[0].input("Fix the billing system's search")
    at.text_input[0].input("Head of billing")
    at.button[0].click().run()
    assert not at.exception and not at.error
    executive = make_app("executive", "executive").run()
    executive.switch_page("views/findings_actions.py").run()
    assert "Fix the billing system's search" in [t.value for t in executive.text]
    empty = make_app("researcher", "researcher").run()
    empty.switch_page("views/actions_record.py").run()
    assert empty.selectbox[0].value is None  # the next action starts with no theme
    empty.selectbox[0].select("tools")
    empty.text_input[0].input("Someone")
    empty.button[0].click().run()
    assert empty.error[0].value.replace("\\", "") == "Say what will be done: the action needs a description."
    assert empty.text_input[0].value == "Someone"  # what was typed stays


def test_the_executive_overview_of_an_open_wave_does_not_move_with_one_answer(make_app, app_db):
    """An executive reloads the overview after each agent's answer: it changes only with a whole step."""
    import streamlit as st
    from pulse_builders import DEMO_OPEN_WAVE, NEUTRAL, SEALER, demo_invite

    from research.privacy.reporting import Thresholds
    from research.pulse.submit import send_response

    engine = make_engine(app_db)

    def answer(morale):
        with session_scope(engine) as session:
            token = demo_invite(session)
        send_response(engine=engine, token=token, answers={**NEUTRAL, "morale": morale}, today=date.today(),
                      steps=Thresholds(5, 10), sealer=SEALER)

    def look():
        st.cache_data.clear()  # as after the page's minute of caching
        at = make_app("executive", "executive").run()
        at.selectbox[0].select(DEMO_OPEN_WAVE).run()
        return [e.value for e in (*at.caption, *at.metric, *at.warning, *at.info)]

    for morale in (1, 2, 3, 4, 5):
        answer(morale)
    before = look()
    for morale in (1, 1, 1, 1):
        answer(morale)
        assert look() == before
    answer(1)
    assert look() != before
    engine.dispose()


def contrast_on_white(colour: str) -> float:
    """WCAG contrast ratio of a #rrggbb text colour against white."""
    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (channel(int(colour[i:i + 2], 16) / 255) for i in (1, 3, 5))
    return 1.05 / (0.2126 * r + 0.7152 * g + 0.0722 * b + 0.05)


def test_chart_text_is_dark_enough_to_read(make_app, crafted):
    """Streamlit's chart theme greys axis and legend text to 3.7:1; WCAG AA asks 4.5:1 of text."""
    import plotly.io

    at = make_app("executive", "executive").run()
    at.switch_page("views/findings_heatmap.py").run()
    at.selectbox[0].select(CRAFTED).run()
    [chart] = at.get("plotly_chart")
    assert chart.proto.theme == ""  # not Streamlit's theme, which would restyle the text in the browser
    layout = plotly.io.from_json(chart.proto.spec).layout
    assert contrast_on_white(layout.template.layout.font.color) >= 4.5
    assert layout.font.color is None or contrast_on_white(layout.font.color) >= 4.5
