"""Schema migrations, run through Alembic from code rather than an alembic.ini.

The app and the CLI refuse to work on a database whose schema is not at the
newest revision; `frontline db upgrade` brings it there, copying a SQLite file
aside first so a failed upgrade never costs data.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

from research.errors import FrontlineError
from research.store.engine import check_connection, copy_sqlite, safe_url, upgrade_copy

MIGRATIONS_DIR = Path(__file__).with_name("migrations")


class DatabaseNotMigrated(FrontlineError):
    """The schema is missing or older than this version of Frontline expects."""


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    if head is None:  # only if the package lost its migration scripts
        raise FrontlineError(f"no database migrations found in {MIGRATIONS_DIR}")
    return head


def current_revision(engine: Engine) -> str | None:
    check_connection(engine)
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def ensure_migrated(engine: Engine) -> None:
    """Raise :class:`DatabaseNotMigrated` unless the schema is at head."""
    current = current_revision(engine)
    head = head_revision()
    if current != head:
        state = "has no Frontline schema" if current is None else f"is at schema revision {current}"
        raise DatabaseNotMigrated(
            f"the database at {safe_url(engine.url.render_as_string(False))} {state}, "
            f"this version needs {head}: run `frontline db upgrade`"
        )


def _backup_sqlite(engine: Engine, revision: str) -> Path | None:
    target = upgrade_copy(engine, revision, datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ"))
    if target is None or not target.with_name(Path(engine.url.database or "").name).exists():
        return None
    copy_sqlite(engine, target)
    return target


def upgrade(engine: Engine, revision: str = "head") -> Path | None:
    """Migrate the schema to ``revision``; return the SQLite backup made first, if any."""
    current = current_revision(engine)
    backup = None
    if current is not None and current != head_revision():
        backup = _backup_sqlite(engine, current)
    _migrate(engine, command.upgrade, revision)
    return backup


def move_schema(engine: Engine, revision: str) -> None:
    """Run the migrations up or down to ``revision``, without the SQLite copy :func:`upgrade` makes
    first: for a database known to hold no data, such as a restore's target."""
    current = current_revision(engine)
    if current == revision:
        return
    script = ScriptDirectory.from_config(alembic_config())
    older = current is not None and revision in {r.revision for r in script.iterate_revisions(current, "base")}
    _migrate(engine, command.downgrade if older else command.upgrade, revision)


def _migrate(engine: Engine, action, revision: str) -> None:
    """One Alembic command on ``engine``, in one transaction."""
    config = alembic_config()
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        action(config, revision)
