"""AppTest fixtures: the real app script against a migrated, seeded database."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest
import streamlit as st
from pulse_builders import demo_invite
from streamlit.testing.v1 import AppTest

from research.accounts import create_user
from research.demo import seed_demo
from research.store.engine import make_engine, session_scope
from research.store.migrate import upgrade

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "app"))
APP = str(REPO / "app" / "main.py")
PASSWORD = "correct horse battery"


@pytest.fixture(scope="session")
def seeded_template(tmp_path_factory) -> Path:
    """A migrated SQLite file with the demo and one extra executive, built once per run.

    The pages are storage-agnostic (the storage tests cover PostgreSQL), so the
    UI tests copy this file instead of re-seeding for each test.
    """
    path = tmp_path_factory.mktemp("app-template") / "frontline.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    with session_scope(engine) as session:
        seed_demo(session=session)
        create_user(session=session, username="exec-tester", role="executive", password=PASSWORD, actor="admin")
    engine.dispose()  # closing the last connection checkpoints the WAL into the file
    return path


@pytest.fixture
def use_database(monkeypatch, tmp_path):
    """Point the app at ``url`` with empty caches (engines, and the findings pages' minute of data)."""
    def _use(url: str) -> str:
        monkeypatch.setenv("FRONTLINE_DATABASE_URL", url)
        monkeypatch.setenv("FRONTLINE_DATA_DIR", str(tmp_path / "data"))
        st.cache_resource.clear()
        st.cache_data.clear()
        return url

    yield _use
    st.cache_resource.clear()
    st.cache_data.clear()


@pytest.fixture
def app_db(tmp_path, seeded_template, use_database):
    path = tmp_path / "frontline.db"
    shutil.copy(seeded_template, path)
    return use_database(f"sqlite:///{path}")


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


@pytest.fixture
def open_pulse(make_app):
    """The agent's pulse page as a link with ``token`` opens it, nobody signed in."""
    def _open(token: str) -> AppTest:
        at = make_app()
        at.query_params["t"] = token
        at.run()
        at.switch_page("views/pulse.py").run()
        return at

    return _open




@pytest.fixture
def invite(app_db):
    """A fresh single-use invite into the open demo wave (Retail Care); the page opens today."""
    engine = make_engine(app_db)
    with session_scope(engine) as session:
        token = demo_invite(session)
    engine.dispose()
    return token
