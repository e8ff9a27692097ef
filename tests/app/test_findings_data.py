"""Findings pages cache what they read; an erasure made by the command, in another process, empties them."""

from datetime import timedelta

import streamlit as st
from sqlalchemy import func, select

from research.pulse.retention import erase_comments
from research.settings import load_settings
from research.store.engine import make_engine, session_scope
from research.store.models import PulseResponse


def test_an_erasure_in_another_process_empties_the_pages_caches(app_db, tmp_path):
    """An insider saw an erased comment's words as a topic's label for the cache's ten minutes."""
    from frontline_ui import findings_data

    computed = []

    @st.cache_data
    def read(key):
        computed.append(key)
        return key

    findings_data.results_job()
    read("topics")
    findings_data.results_job()
    read("topics")
    assert computed == ["topics"]  # no erasure: the cached copy serves

    engine = make_engine(app_db)
    with session_scope(engine) as session:
        oldest = session.scalar(select(func.min(PulseResponse.submitted_on)))
        erase_comments(session=session, before=oldest + timedelta(days=1), actor="cli:root",
                       settings=load_settings({"FRONTLINE_DATA_DIR": str(tmp_path)}))
    engine.dispose()
    findings_data.results_job()
    read("topics")
    assert computed == ["topics", "topics"]
