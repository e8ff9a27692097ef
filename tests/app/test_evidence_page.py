"""The executive's interview evidence page on the demo: quotes carry only attributes k participants share."""

import re

import pandas as pd
from sqlalchemy import select

from interviews.codebook import code_choices
from research.store.engine import make_engine, session_scope
from research.store.models import Participant


def test_quotes_show_no_codes_and_only_combinations_five_agents_share(make_app, app_db):
    engine = make_engine(app_db)
    with session_scope(engine) as session:
        people = pd.DataFrame(session.execute(select(Participant.industry, Participant.role, Participant.channel)
                                              .where(Participant.withdrawn_on.is_(None))).all(),
                              columns=["Industry", "Role", "Channel"])
        themes = list(code_choices(session=session))
    engine.dispose()
    at = make_app("executive", "executive").run()
    at.switch_page("views/findings_evidence.py").run()
    assert not at.exception
    assert at.title[0].value == "Interview evidence"
    assert any("at least 5 interviewed agents" in c.value for c in at.caption)
    checked = 0
    for key in themes:
        at.selectbox[1].set_value(key).run()
        assert not at.exception
        if not at.table:  # drawn without Streamlit's unaudited toolbar download
            continue
        quotes = at.table[0].value.map(lambda v: re.sub(r"\\(.)", r"\1", v))  # cells are Markdown-escaped
        checked += len(quotes)
        assert list(quotes.columns) == ["Quote", "Industry", "Role", "Channel"]
        for _, row in quotes.iterrows():
            shown = {c: row[c] for c in ("Industry", "Role", "Channel") if row[c]}
            sharing = people[(people[list(shown)] == pd.Series(shown)).all(axis=1)] if shown else people
            assert len(sharing) >= 5, shown
    assert checked >= 30  # most themes have quotes in the demo
