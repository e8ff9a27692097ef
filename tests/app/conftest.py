"""AppTest fixtures: the real app script against a migrated, seeded database."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from research.accounts import create_user
from research.demo import seed_demo
from research.store.engine import make_engine, session_scope

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "app"))
APP = str(REPO / "app" / "main.py")
PASSWORD = "correct horse battery"


@pytest.fixture
def app_db(monkeypatch, tmp_path, db_url):
    engine = make_engine(db_url)
    with session_scope(engine) as session:
        seed_demo(session=session)
        create_user(session=session, username="exec-tester", role="executive", password=PASSWORD)
    engine.dispose()
    monkeypatch.setenv("FRONTLINE_DATABASE_URL", db_url)
    monkeypatch.setenv("FRONTLINE_DATA_DIR", str(tmp_path / "data"))
    st.cache_resource.clear()
    yield db_url
    st.cache_resource.clear()


@pytest.fixture
def make_app(app_db):
    def _make(username: str | None = None, role: str | None = None, script: str | None = None) -> AppTest:
        """The app (or one page script run on its own) with ``username`` signed in."""
        from frontline_ui.auth import USER_KEY, SessionUser

        at = AppTest.from_file(str(REPO / "app" / script) if script else APP, default_timeout=30)
        if username:
            at.session_state[USER_KEY] = SessionUser(username, role)
        return at

    return _make
