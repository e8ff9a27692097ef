import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from research.store.engine import make_engine
from research.store.migrate import DatabaseNotMigrated, current_revision, ensure_migrated, head_revision, upgrade
from research.store.models import Base


def test_empty_database_is_refused_until_upgraded(empty_db_url):
    engine = make_engine(empty_db_url)
    with pytest.raises(DatabaseNotMigrated, match="run `frontline db upgrade`"):
        ensure_migrated(engine)
    upgrade(engine)
    ensure_migrated(engine)
    assert current_revision(engine) == head_revision()
    tables = set(inspect(engine).get_table_names())
    assert {"users", "studies", "guide_questions", "participants", "interviews", "interview_notes",
            "pulse_waves", "pulse_questions", "pulse_segments", "pulse_responses", "pulse_answers"} <= tables
    engine.dispose()


def test_upgrade_twice_changes_nothing(engine):
    before = current_revision(engine)
    upgrade(engine)
    assert current_revision(engine) == before == head_revision()


def test_migrations_match_the_models(engine):
    """A model changed without a migration would show up here as a difference."""
    with engine.connect() as conn:
        diffs = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata)
    assert diffs == []


def test_sqlite_backup_before_upgrade_holds_the_data(tmp_path):
    from research.store.engine import session_scope
    from research.store.migrate import _backup_sqlite
    from research.store.models import Study

    engine = make_engine(f"sqlite:///{tmp_path / 'f.db'}")
    upgrade(engine)
    with session_scope(engine) as session:
        session.add(Study(title="kept"))
    backup = _backup_sqlite(engine, "0001")
    assert backup is not None and backup.name.startswith("f.db.0001.")
    copy = make_engine(f"sqlite:///{backup}")
    with session_scope(copy) as session:
        assert [s.title for s in session.query(Study)] == ["kept"]
