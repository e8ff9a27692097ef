"""Engines and sessions for SQLite (embedded default) and PostgreSQL.

SQLite gets WAL mode, a busy timeout and enforced foreign keys on every
connection, so concurrent pulse submissions wait for each other instead of
failing with "database is locked". Writing sessions (:func:`session_scope`, the
default) take the write lock at BEGIN; reading sessions (:func:`read_session`)
start a deferred transaction, which in WAL mode never waits for a writer.
"""

from __future__ import annotations

import glob
import sqlite3
import time
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import CursorResult, Engine, Result, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DisconnectionError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import StaticPool

from research.errors import FrontlineError
from research.settings import Settings

READ_ONLY = "frontline_read_only"
"""Execution option marking a connection's transactions as reads: on SQLite they BEGIN deferred, refusing writes."""


class DatabaseUnavailable(FrontlineError):
    """The database URL is malformed or the server cannot be reached."""


def safe_url(url: str) -> str:
    """The URL with any password hidden, for messages and logs."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "<unparseable URL>"


def make_engine(url: str, *, busy_timeout_ms: int = 5000) -> Engine:
    """Create an engine for ``url`` with the pragmas Frontline relies on.

    Raises:
        DatabaseUnavailable: the URL cannot be parsed or names an unknown driver.
    """
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise DatabaseUnavailable(f"database URL {url!r} is not a valid SQLAlchemy URL") from None
    if parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    kwargs: dict = {}
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database or ""
        if database in ("", ":memory:"):
            kwargs.update(poolclass=StaticPool, connect_args={"check_same_thread": False})
        else:
            Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
            kwargs.update(connect_args={"timeout": busy_timeout_ms / 1000, "check_same_thread": False})
    else:
        # A web replica may have fifty agents sending at once; SQLAlchemy's default 5 + 10 connections left
        # bursts queueing for the pool behind a moment's slowness (see the pulse load test).
        kwargs.update(pool_pre_ping=True, pool_size=10, max_overflow=20, connect_args={"connect_timeout": 5})
    try:
        engine = create_engine(parsed, **kwargs)
    except (ArgumentError, ImportError) as exc:
        raise DatabaseUnavailable(f"database URL {safe_url(url)}: {exc}") from None
    if engine.dialect.name == "sqlite":
        _install_sqlite_pragmas(engine, busy_timeout_ms)
    return engine


def _install_sqlite_pragmas(engine: Engine, busy_timeout_ms: int) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):  # pragma: no cover - exercised by every SQLite test
        # Take over transaction control so BEGIN IMMEDIATE works (see begin below).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cursor.execute("PRAGMA foreign_keys=ON")
        # Erased comments and withdrawn interviews are overwritten, not left readable in free pages.
        cursor.execute("PRAGMA secure_delete=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):  # pragma: no cover - exercised by every SQLite test
        # query_only is per connection, not per transaction: set it at every BEGIN, both ways, so a pooled
        # connection never carries a reader's refusal into a writer's transaction.
        if conn.get_execution_options().get(READ_ONLY):
            # A deferred reader reads the last commit from the WAL while a writer works, without waiting.
            conn.exec_driver_sql("PRAGMA query_only=ON")
            conn.exec_driver_sql("BEGIN")
        else:
            # Writers take the lock at BEGIN, so two writers queue on the busy
            # timeout instead of deadlocking when both upgrade a read lock.
            conn.exec_driver_sql("PRAGMA query_only=OFF")
            conn.exec_driver_sql("BEGIN IMMEDIATE")


def engine_from_settings(settings: Settings) -> Engine:
    return make_engine(settings.resolved_database_url, busy_timeout_ms=settings.sqlite_busy_timeout_ms)


def check_connection(engine: Engine) -> None:
    """Raise :class:`DatabaseUnavailable` with a one-line reason if the database cannot be reached.

    The probe only reads, so on SQLite it does not queue behind a long write and report a busy database
    as an unreachable one.
    """
    try:
        with engine.connect() as conn:
            conn.execution_options(**{READ_ONLY: True})
            conn.execute(text("SELECT 1"))
    except (OperationalError, InterfaceError) as exc:
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
        raise DatabaseUnavailable(
            f"cannot reach the database at {safe_url(engine.url.render_as_string(False))}: {reason}"
        ) from None


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """A session that commits when the block ends and rolls back on error.

    It is the default for anything that may write: on SQLite it takes the write
    lock at BEGIN (BEGIN IMMEDIATE), so a second writer waits on the busy timeout
    rather than failing at once when its read lock cannot be upgraded.
    """
    factory = make_session_factory(engine)
    with factory() as session:
        with session.begin():
            yield session


@contextmanager
def read_session(engine: Engine) -> Iterator[Session]:
    """A session for work that only reads: the dashboard, the findings, the lists a page shows.

    On SQLite it starts a deferred transaction (plain BEGIN), which in WAL mode
    reads the last commit and never waits for a writer, so an executive's page does
    not queue behind pulse submissions or an analysis saving its results. It
    cannot write: a deferred transaction that reads and then writes fails at once
    with "database is locked" when another writer committed meanwhile, busy timeout
    or not, so SQLite refuses any write in it (``PRAGMA query_only``) instead of
    letting one fail only under load. Work that writes uses :func:`session_scope`.
    On PostgreSQL it is an ordinary session.
    """
    factory = make_session_factory(engine)
    with factory() as session:
        with session.begin():
            # Procure the connection now, with the option set before its BEGIN runs.
            session.connection(execution_options={READ_ONLY: True})
            yield session


# What a lost server, network or exhausted connection pool raises, as opposed to a refused statement.
CONNECTION_LOST = (OperationalError, InterfaceError, DisconnectionError, PoolTimeout)

UNREACHABLE = ("the database cannot be reached just now (it may be restarting): nothing was changed; "
               "try again in a minute")


@contextmanager
def reachable_session(engine: Engine) -> Iterator[Session]:
    """:func:`session_scope` for the app: a lost connection becomes :class:`DatabaseUnavailable`.

    Pages already show a :class:`FrontlineError` as a message and keep what the
    user typed, so a database restart reads as "try again", not as a traceback.
    Constraint violations and other errors pass through unchanged.
    """
    with _reachable(session_scope(engine)) as session:
        yield session


@contextmanager
def reachable_read_session(engine: Engine) -> Iterator[Session]:
    """:func:`read_session` for the app's pages: a lost connection becomes :class:`DatabaseUnavailable`."""
    with _reachable(read_session(engine)) as session:
        yield session


@contextmanager
def _reachable(scope: AbstractContextManager[Session]) -> Iterator[Session]:
    try:
        with scope as session:
            yield session
    except CONNECTION_LOST:
        raise DatabaseUnavailable(UNREACHABLE) from None


def copy_sqlite(engine: Engine, target: Path) -> None:
    """Copy the SQLite database behind ``engine`` to ``target`` with SQLite's online backup API.

    The copy is a consistent snapshot, WAL included, taken without stopping writers for longer
    than the copy itself.
    """
    raw = engine.raw_connection()
    try:
        source = raw.driver_connection
        if not isinstance(source, sqlite3.Connection):
            raise TypeError(f"not a SQLite (sqlite3) connection: {type(source).__name__}")
        copy = sqlite3.connect(target)
        try:
            source.backup(copy)
        finally:
            copy.close()
    finally:
        raw.close()


def rows_changed(result: Result[Any]) -> int:
    """How many rows an UPDATE or DELETE statement changed.

    ``Session.execute`` is typed to return a plain ``Result``; for a DML statement it is a ``CursorResult``,
    the only kind that carries ``rowcount``.
    """
    if not isinstance(result, CursorResult):
        raise TypeError(f"not the result of an UPDATE or DELETE: {type(result).__name__}")
    return result.rowcount


def flush_erasure(engine: Engine, *, attempts: int = 2, pause_s: float = 0.25) -> bool:
    """After an erasure has committed, write SQLite's log back into the database file and empty it.

    ``secure_delete`` zeroes the freed pages, but in WAL mode the zeroed pages sit in the log until a checkpoint,
    and the database file keeps the old ones: with the server running, an insider review (2026-12-07) read all
    326 erased comments from ``frontline.db`` after ``erase-comments``. A TRUNCATE checkpoint copies every page
    back and cuts the log to nothing; a reader in the middle of a transaction holds it back, and SQLite waits
    the busy timeout (5 s) for it, once more after a pause. Returns whether it completed (always True for other
    databases, which keep no such log). The copies ``frontline db upgrade`` made of the file go too
    (:func:`remove_upgrade_copies`).
    """
    if engine.dialect.name != "sqlite":
        return True
    remove_upgrade_copies(engine)
    for attempt in range(attempts):
        raw = engine.raw_connection()  # outside any transaction: a checkpoint cannot run inside one
        try:  # (blocked, frames in the log, frames copied back)
            blocked, logged, copied = raw.cursor().execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        finally:
            raw.close()
        if blocked == 0 and logged == copied:
            return True
        if attempt + 1 < attempts:
            time.sleep(pause_s)
    return False



def _sqlite_file(engine: Engine) -> Path | None:
    database = engine.url.database
    if engine.dialect.name != "sqlite" or not database or database == ":memory:":
        return None
    return Path(database)


def upgrade_copy(engine: Engine, revision: str, stamp: str) -> Path | None:
    """Where ``frontline db upgrade`` copies the SQLite file before migrating it from ``revision`` (None for a
    database that is no SQLite file)."""
    source = _sqlite_file(engine)
    return None if source is None else source.with_name(f"{source.name}.{revision}.{stamp}.bak")


def remove_upgrade_copies(engine: Engine) -> list[Path]:
    """Delete every copy :func:`upgrade_copy` made beside the SQLite file: each holds what an erasure has just
    taken out of the file (an insider review, 2026-12-07, pointed at them); returns the files removed."""
    source = _sqlite_file(engine)
    if source is None:
        return []
    copies = sorted(p for p in source.parent.glob(f"{glob.escape(source.name)}.*.*.bak") if p.is_file())
    for copy in copies:
        copy.unlink(missing_ok=True)
    return copies
