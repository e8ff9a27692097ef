"""Whatever people typed is shown as text: no Markdown link, image, formatting or HTML of theirs is rendered.

Every free-text field of an analysed demo database is overwritten with markup
(a script tag, a javascript: link, a tracking image, bold text and an SQL
fragment), then every page is run for a role that may open it. Wherever the
markup appears in an element that Streamlit renders as Markdown (headings,
captions, alerts, labels, radio options, expander and tab labels), it must be
escaped; plain-text elements (st.text, tables, inputs) may show it raw.
"""

import sqlite3
from datetime import date, timedelta

import pandas as pd
import pytest
from sqlalchemy import select, text
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1 import element_tree as et

from frontline_ui.auth import PAGE_ROLES, SessionUser, USER_KEY
from research.pulse.links import create_links
from research.store.engine import make_engine, session_scope
from research.store.models import PulseWave

from conftest import REPO

APP = str(REPO / "app" / "main.py")

LINK = "[c](javascript:alert(1))"
PAYLOAD = (f"<script>alert('x')</script> {LINK} ![p](http://127.0.0.1:9/p.png) **bold** "
           "'; DROP TABLE users; --")
# What must never reach a Markdown renderer unescaped.
RAW = ("[c](", "![p](", "**bold**", "<script>")

UPDATES = [
    "UPDATE pulse_answers SET value_text = :payload WHERE value_text IS NOT NULL",
    "UPDATE pulse_replies SET body = :payload",
    "UPDATE pulse_waves SET title = :link || ' ' || title",
    "UPDATE pulse_segments SET team = :link || team",
    "UPDATE studies SET title = :link || ' ' || title, purpose = :payload",
    "UPDATE guide_questions SET text = :payload || ' ' || text",
    "UPDATE participants SET site = :link, role = :link",
    "UPDATE interview_notes SET label = :payload",
    "UPDATE memos SET body = :payload",
    "UPDATE codes SET name = :link || ' ' || name, description = :payload",
    "UPDATE actions SET title = :payload, owner = :link",
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
            conn.execute(text(statement), {"payload": PAYLOAD, "link": LINK})
        users = dict(conn.execute(text("SELECT role, username FROM users WHERE is_active")).all())
        conn.execute(text("UPDATE pulse_waves SET opens_on = :day WHERE title LIKE '%open now%'"),
                     {"day": date.today() - timedelta(days=1)})
    with session_scope(engine) as session:
        wave = session.scalar(select(PulseWave).where(PulseWave.title.like("%open now%")))
        users["visitor"] = create_links(session=session, segment=wave.segments[0])[0]
    engine.dispose()
    use_database(f"sqlite:///{path}")
    return users


def rendered_as_markdown(node) -> list[str]:
    """The strings of ``node`` and its children that Streamlit renders as Markdown."""
    found = []
    if isinstance(node, (et.Markdown, et.AlertBase)):
        found.append(node.value)
    if isinstance(node, et.Widget) and getattr(node, "label", None):
        found.append(node.label)
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
    at.switch_page("pages/pulse.py").run()
    assert not at.exception, at.exception
    assert LINK in shown(at._tree)  # the marked-up wave, team and questions are on the page
    assert [s for s in rendered_as_markdown(at._tree) if any(raw in s for raw in RAW)] == []


@pytest.mark.parametrize("page", PAGE_ROLES)
def test_typed_markup_is_never_rendered(marked_up_app, page):
    role = "admin" if "admin" in PAGE_ROLES[page] else PAGE_ROLES[page][0]
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state[USER_KEY] = SessionUser(marked_up_app[role], role)
    at.run()
    at.switch_page(f"pages/{page}.py").run()
    assert not at.exception, at.exception
    unsafe = [s for s in rendered_as_markdown(at._tree) if any(raw in s for raw in RAW)]
    assert unsafe == []
    if page not in ("users", "account", "interview_import"):  # pages that show nothing people typed
        assert LINK in shown(at._tree), "the page should show some marked-up text"
