"""The heatmap's caption names hidden teams as typed: a team named like an image or a link stays text."""

import json
import re
from datetime import date

from pulse_builders import add_wave, answers

from research.store.engine import make_engine, session_scope

WAVE = "Hostile names"
IMAGE = "![x](http://127.0.0.1:9/p.png)"  # rendered, the executive's browser would fetch this
LINK = "[Click for bonus](http://127.0.0.1:9/bonus)"
HTML = '<a href="http://127.0.0.1:9/a">Nine</a>'
URL = "www.bonus.example.com/claim"
GFM_URL = re.compile(r"(https?://|www(?=\.))([-.\w]+)([^ \t\r\n]*)", re.I)


def test_hidden_team_names_typed_as_markup_are_shown_as_text(make_app, app_db):
    engine = make_engine(app_db)
    with session_scope(engine) as session:
        add_wave(session, WAVE, date(2026, 11, 1), {
            (IMAGE, "Swansea", "chat", "retail"): answers(1, morale=1),
            (LINK, "Swansea", "chat", "retail"): answers(2, morale=2),
            (URL, "Swansea", "chat", "retail"): answers(3, morale=2),
            (HTML, "Swansea", "chat", "retail"): answers(9, morale=3),
            ("Five", "Swansea", "chat", "retail"): answers(5, morale=4),
        })
    engine.dispose()
    at = make_app("executive", "executive").run()
    at.switch_page("views/findings_heatmap.py").run()
    at.selectbox[0].select(WAVE).run()
    assert not at.exception
    caption = next(c.value for c in at.caption if "fewer than 5 responses" in c.value)
    read = re.sub(r"\\(.)", r"\1", caption).replace("\u2060", "")  # what the executive reads
    assert all(name in read for name in (IMAGE, LINK, URL))  # each hidden team is named, as typed
    assert not re.search(r"(?<!\\)!?(?<!\\)\[[^\]]*(?<!\\)\]\(", caption)  # no image, no link
    assert not GFM_URL.search(re.sub(r"\\(.)", r"\1", caption))  # no bare address for Markdown to link
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    rows = spec["data"][0]["y"]
    assert '&lt;a href="http://127.0.0.1:9/a"&gt;Nine&lt;/a&gt;' in rows and HTML not in rows
