import threading
from datetime import date

import pytest
from pulse_builders import add_wave, answers
from sqlalchemy import func, select, text
from sqlalchemy.exc import OperationalError

from research.findings.overview import overview
from research.findings.representative import wave_statuses
from research.privacy.reporting import Thresholds
from research.store.engine import (
    DatabaseUnavailable,
    check_connection,
    make_engine,
    read_session,
    safe_url,
    session_scope,
)
from research.store.models import PulseWave

HOLD = 10.0
"""Longest a test's writer keeps its transaction open: the test releases it sooner; this only ends a failed run."""


def test_sqlite_runs_in_wal_mode_with_busy_timeout_and_foreign_keys(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'nested' / 'f.db'}", busy_timeout_ms=4321)
    with engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA busy_timeout")).scalar() == 4321
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
    assert (tmp_path / "nested" / "f.db").exists()


def test_postgresql_is_selected_by_url():
    engine = make_engine("postgresql://someone@127.0.0.1:5432/test")
    assert engine.dialect.name == "postgresql"
    assert engine.dialect.driver == "psycopg"


def test_malformed_url_is_a_clear_error():
    with pytest.raises(DatabaseUnavailable, match="not a valid SQLAlchemy URL"):
        make_engine("not a url")


def test_unreachable_server_is_a_one_line_error_without_the_password():
    engine = make_engine("postgresql://user:s3cret@127.0.0.1:1/x")
    with pytest.raises(DatabaseUnavailable) as info:
        check_connection(engine)
    message = str(info.value)
    assert "cannot reach the database" in message
    assert "s3cret" not in message
    assert "\n" not in message


def test_safe_url_hides_password():
    assert "s3cret" not in safe_url("postgresql://u:s3cret@h/db")


def _in_thread(target, errors: list) -> threading.Thread:
    def run():
        try:
            target()
        except Exception as exc:  # noqa: BLE001 - reported by the test, not lost in the thread
            errors.append(exc)
    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


def test_a_dashboard_read_does_not_wait_for_a_long_write(engine):
    with session_scope(engine) as session:
        april = add_wave(session, "April", date(2026, 4, 13), {team: answers(6) for team in ("North", "South")})
    writing, release, committed = threading.Event(), threading.Event(), threading.Event()
    errors: list[Exception] = []

    def long_write():
        with session_scope(engine) as session:  # BEGIN IMMEDIATE on SQLite: holds the write lock from here
            add_wave(session, "Held back", date(2026, 7, 13), {"North": answers(6)})
            writing.set()
            release.wait(HOLD)
        committed.set()

    writer = _in_thread(long_write, errors)
    assert writing.wait(HOLD)
    with read_session(engine) as session:  # what the overview page reads first, then its KPIs
        titles = [s.title for s in wave_statuses(session=session, thresholds=Thresholds(scores=5, comments=5))]
        result = overview(session=session, wave_id=april, thresholds=Thresholds(scores=5, comments=5))
    finished_while_writing = not committed.is_set()
    release.set()
    writer.join(HOLD)
    assert not errors
    assert finished_while_writing  # the read did not queue behind the writer's lock
    assert titles == ["April"]  # and it read the last commit, not the write in progress
    assert result.responses == 12
    with read_session(engine) as session:
        assert session.scalar(select(func.count()).select_from(PulseWave)) == 2


def test_two_writers_that_read_first_both_succeed(engine):
    """Each writer reads, then writes: the lock upgrade that fails at once in a deferred transaction."""
    first_read, second_read = threading.Event(), threading.Event()
    counted: dict[str, int | None] = {}
    errors: list[Exception] = []

    def writer(name: str, before: threading.Event | None, after: threading.Event):
        if before is not None:
            assert before.wait(HOLD)
        with session_scope(engine) as session:
            counted[name] = session.scalar(select(func.count()).select_from(PulseWave))
            after.set()
            if before is None:
                # A deferred second writer would read the same snapshot now; an IMMEDIATE one waits in BEGIN,
                # so this wait runs out and the first writer commits while the second is still queued.
                second_read.wait(1.0)
            session.add(PulseWave(title=name, opens_on=date(2026, 4, 13), closes_on=date(2026, 4, 24)))

    threads = [_in_thread(lambda: writer("first", None, first_read), errors),
               _in_thread(lambda: writer("second", first_read, second_read), errors)]
    for thread in threads:
        thread.join(HOLD * 2)
    assert not errors  # in particular no "database is locked"
    with read_session(engine) as session:
        assert sorted(session.scalars(select(PulseWave.title))) == ["first", "second"]
    assert counted["first"] == 0
    if engine.dialect.name == "sqlite":
        assert counted["second"] == 1  # its transaction began only after the first writer committed


def test_a_read_session_cannot_write_and_leaves_its_connection_writable(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'f.db'}")
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE t (x INTEGER)"))
    with pytest.raises(OperationalError, match="readonly"):
        with read_session(engine) as session:
            session.execute(text("INSERT INTO t VALUES (1)"))
    with session_scope(engine) as session:  # the same pooled connection, now writing
        session.execute(text("INSERT INTO t VALUES (2)"))
    with read_session(engine) as session:
        assert session.scalars(text("SELECT x FROM t")).all() == [2]
    engine.dispose()
