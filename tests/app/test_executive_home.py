"""The executive start page and interview evidence open on representative data, never on a pilot."""

import re
import sqlite3
from datetime import date, timedelta
from pathlib import Path

import pytest
from pulse_builders import add_wave, answers
from sqlalchemy import select

from research.findings.overview import overview
from research.privacy.reporting import Thresholds
from research.store.engine import make_engine, session_scope
from research.store.models import Interview, Participant, PulseWave, Study

WAVE_3 = "Pulse wave 3 (Customer Service Week, October 2026)"


def shown(elements) -> list[str]:
    """The texts as a reader sees them (the page escapes typed text for Markdown)."""
    return [re.sub(r"\\(.)", r"\1", e.value) for e in elements]


def test_a_one_team_pilot_is_not_the_default_and_is_compared_like_for_like(make_app, app_db):
    engine = make_engine(app_db)
    with session_scope(engine) as session:
        add_wave(session, "Pilot", date.today() - timedelta(days=2), {
            ("Retail Care", "Leeds", "phone", "retail"): answers(11, enps=0)})
    engine.dispose()
    at = make_app("executive", "executive").run()
    assert not at.exception
    assert at.selectbox[0].value == WAVE_3
    assert not at.warning
    at.selectbox[0].select("Pilot").run()
    assert any("pilot: 1 of 8 teams reportable" in w for w in shown(at.warning))
    assert any("like for like over the 1 team reportable in both" in c for c in shown(at.caption))
    enps = next(m for m in at.metric if m.label == "eNPS")
    assert enps.value == "-100"
    # The change is Retail Care's own since wave 3, not the pilot against the whole of wave 3.
    engine = make_engine(app_db)
    with session_scope(engine) as session:
        wave_3 = session.scalar(select(PulseWave.id).where(PulseWave.title == WAVE_3))
        before = overview(session=session, wave_id=wave_3, thresholds=Thresholds(), segment={"team": "Retail Care"})
        whole = overview(session=session, wave_id=wave_3, thresholds=Thresholds())
    engine.dispose()
    team, everyone = (next(k.value for k in o.kpis if k.key == "enps") for o in (before, whole))
    assert round(team) != round(everyone)
    assert enps.delta == f"{round(-100 - team):+d}"
    at.switch_page("views/findings_heatmap.py").run()  # an outside walk saw the heatmap open on an open wave
    assert at.selectbox[0].value == WAVE_3


def test_interview_evidence_opens_on_the_finished_study_not_a_newer_small_one(make_app, app_db):
    engine = make_engine(app_db)
    with session_scope(engine) as session:
        study = Study(title="Winter follow-up", starts_on=date.today(), ends_on=None)
        session.add(study)
        session.flush()
        for number in range(3):
            person = Participant(study_id=study.id, code=f"P{number:02d}")
            session.add(person)
            session.flush()
            session.add(Interview(study_id=study.id, participant_id=person.id))
    engine.dispose()
    at = make_app("executive", "executive").run()
    at.switch_page("views/findings_evidence.py").run()
    assert not at.exception
    assert at.selectbox[0].value != "Winter follow-up"
    assert not at.warning
    at.selectbox[0].select(study.id).run()
    assert any("in progress: 3 interviewed" in w for w in shown(at.warning))


def test_without_a_pdf_renderer_the_page_says_so_and_still_offers_the_html_briefing(make_app, monkeypatch):
    from research.findings import briefing_pdf

    monkeypatch.setattr(briefing_pdf, "CANDIDATES", ("no-such-frontline-renderer",))
    at = make_app("executive", "executive").run()
    next(b for b in at.button if b.label == "Prepare briefing").click().run()
    assert not at.exception
    assert [b.proto.label for b in at.get("download_button")] == ["Download HTML briefing",
                                                                  "Download tables (CSV, zip)"]
    assert any(w.startswith("No PDF renderer is installed on this server") for w in shown(at.warning))


@pytest.fixture
def analysed_home(analysed_demo, tmp_path, use_database):
    """The executive start page over a copy of the analysed demo."""
    from streamlit.testing.v1 import AppTest

    from frontline_ui.auth import USER_KEY, SessionUser

    demo, _ = analysed_demo
    path = tmp_path / "frontline.db"
    with sqlite3.connect(demo.url.database) as source, sqlite3.connect(path) as copy:
        source.backup(copy)  # the WAL included
    use_database(f"sqlite:///{path}")
    with sqlite3.connect(path) as connection:
        (executive,) = connection.execute(
            "SELECT username FROM users WHERE role = 'executive' AND is_active").fetchone()
    at = AppTest.from_file(str(Path(__file__).resolve().parents[2] / "app" / "main.py"), default_timeout=60)
    at.session_state[USER_KEY] = SessionUser(executive, "executive")
    return at.run()


def test_a_focus_area_says_how_many_of_its_comments_are_negative_not_a_share_of_all_the_comments(analysed_home):
    """"16 % of comments, 16 % negative" read as mostly positive when nearly all of those 16 % were negative."""
    areas = [c for c in shown(analysed_home.caption) if " gap · " in c]
    assert areas
    for caption in areas:
        found = re.fullmatch(r"(Tooling|Morale) gap · (\d+) % of comments in .+ raise it; (\d+) % of those negative",
                             caption)
        assert found, caption
        assert 0 < int(found[2]) and int(found[3]) <= 100
    assert any(int(re.search(r"(\d+) % of those", c)[1]) > 50 for c in areas)  # the demo's gaps are complaints


def test_a_headline_figure_that_did_not_move_says_so_with_no_arrow():
    from frontline_ui.findings_data import kpi_delta

    assert kpi_delta(0.001, 2) == ("no change", "off") and kpi_delta(-0.004, 2) == ("no change", "off")
    assert kpi_delta(-0.3, 0) == ("no change", "off")  # rounds to the whole point shown
    assert kpi_delta(0.126, 2) == ("+0.13", "auto") and kpi_delta(-4.4, 0) == ("-4", "auto")
    assert kpi_delta(None, 2) == (None, "auto")


@pytest.mark.parametrize("page", ["findings_gaps", "findings_topics", "findings"])
def test_theme_pages_say_which_analysis_they_show_and_that_a_rerun_changes_it(analysed_home, page):
    """A re-run after a codebook change rewrites earlier waves too; the executive is told where figures come from
    (the start page's focus areas too: an outside walk saw their trend change between two analyses unannounced)."""
    analysed_home.switch_page(f"views/{page}.py").run()
    said = shown(analysed_home.caption)
    assert any(re.search(r"From the analysis finished \d\d \w{3} \d{4} at \d\d:\d\d UTC \(job \d+\)\. When "
                            r"researchers change the codebook and run it again, these themes change, earlier "
                            r"waves' included\.", c) for c in said), said


def test_the_trend_chart_has_a_heading_naming_the_group_it_shows(analysed_home):
    """An outside walk found the start page's trend chart with no title."""
    assert "Scores by wave" in [h.value for h in analysed_home.subheader]
    assert "Everyone: the mean answer (1 to 5) in each wave with figures to show." in shown(analysed_home.caption)


def test_the_gaps_page_says_how_many_comments_fit_no_code(analysed_home):
    """A walk found a wave's comments in "other" mentioned nowhere on the gaps page."""
    analysed_home.switch_page("views/findings_gaps.py").run()
    assert "Not ranked as gaps" in [h.value for h in analysed_home.header]
    listed = analysed_home.table[-1].value
    assert listed["Theme"].iloc[-1] == "Other" and listed["Raised in"].iloc[-1].endswith("%"), listed


def test_each_gap_list_names_the_codes_ranked_in_it(analysed_home):
    """A walk asked why "Career growth and training" was a tooling gap: each list says which codes it ranks."""
    analysed_home.switch_page("views/findings_gaps.py").run()
    said = shown(analysed_home.caption)
    tooling = next(c for c in said if c.startswith("Ranked here") and "Tools and systems" in c)
    assert "Career growth and training" in tooling and "Pay" not in tooling
    assert any(c.startswith("Ranked here") and "Pay" in c and "Tools and systems" not in c for c in said)


def test_an_action_for_one_team_is_followed_on_that_team_and_one_for_all_on_everyone(analysed_home):
    """An executive walk read "Hire four more agents for Tech Support L1" credited with the organisation's move."""
    analysed_home.switch_page("views/findings_actions.py").run()
    assert not analysed_home.exception
    said = shown(analysed_home.caption)
    retention = [c for c in said if "Telecom Retention" in c and c.startswith(("Since the action", "Manager"))]
    assert retention and all("of Telecom Retention's comments" in c or "in Telecom Retention cannot be compared" in c
                             for c in retention), said
    assert not [c for c in said if "all teams' comments" in c and "Telecom Retention" in c]
    assert any(t.value.startswith("Tools and systems · All teams ·") for t in analysed_home.text)
    assert any(t.value.startswith("Manager and leadership · Telecom Retention ·") for t in analysed_home.text)
