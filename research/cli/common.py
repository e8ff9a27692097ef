"""The database connection every command opens, checked before anything is read or written."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.engine import Engine

from research.errors import FrontlineError
from research.settings import Settings
from research.store.engine import check_connection, engine_from_settings
from research.store.migrate import ensure_migrated


def engine(settings: Settings) -> Engine:
    """An engine for the configured database, after one round trip shows the database answers."""
    connected = engine_from_settings(settings)
    check_connection(connected)
    return connected


def migrated_engine(settings: Settings) -> Engine:
    """As :func:`engine`, refusing a database whose schema is not at the newest revision."""
    connected = engine(settings)
    ensure_migrated(connected)
    return connected


def read_file(name: str, flag: str) -> bytes:
    """The bytes of a file named on the command line (at most 10 MB); ``flag`` names the option in errors."""
    path = Path(name)
    if not path.is_file():
        raise FrontlineError(f"{flag} {name}: no such file")
    if path.stat().st_size > 10 * 1024 * 1024:
        raise FrontlineError(f"{flag} {name}: larger than 10 MB")
    return path.read_bytes()
