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


def test_0017_gives_interviewed_participants_places_in_the_order_of_their_first_notes(empty_db_url):
    """Interview evidence's order, read from first-note ids until 0017, is kept as each participant's place."""
    from datetime import date

    from sqlalchemy import select

    from research.store.models import Interview, InterviewNote, Participant, Study

    engine = make_engine(empty_db_url)
    upgrade(engine, "0016")
    person = {"industry": "", "role": "", "tenure_band": "", "channel": "", "site": "", "attributes": {},
              "consent_given": True}
    with engine.begin() as conn:
        conn.execute(Study.__table__.insert(), [{"id": 1, "title": "A", "purpose": ""},
                                                {"id": 2, "title": "B", "purpose": ""}])
        conn.execute(Participant.__table__.insert(), [
            {"id": 1, "study_id": 1, "code": "P01", **person},
            {"id": 2, "study_id": 1, "code": "P02", **person},
            {"id": 3, "study_id": 1, "code": "P03", **person},  # recruited, never interviewed
            {"id": 4, "study_id": 1, "code": "P04", **person, "withdrawn_on": date(2026, 12, 1)},  # notes erased
            {"id": 5, "study_id": 2, "code": "P01", **person},
        ])
        conn.execute(Interview.__table__.insert(), [{"id": i, "study_id": s, "participant_id": p, "interviewer": ""}
                                                    for i, s, p in [(1, 1, 1), (2, 1, 2), (3, 2, 5), (4, 1, 1)]])
        conn.execute(InterviewNote.__table__.insert(), [{"id": n, "interview_id": i, "position": 0, "body": "x"}
                                                        for n, i in [(10, 2), (11, 1), (12, 3), (13, 4), (9, 4)]])
    upgrade(engine)
    with engine.connect() as conn:
        places = dict(conn.execute(select(Participant.id, Participant.evidence_place)).all())
    # P01's second interview holds the study's first note (id 9), so P01 comes first; each study counts from 1
    assert places == {1: 1, 2: 2, 3: None, 4: None, 5: 1}
    engine.dispose()


def test_0018_freezes_the_attributes_of_participants_who_hold_a_place(empty_db_url):
    """Evidence showed current attributes until 0018: those of placed participants become the frozen copy."""
    from datetime import date

    from sqlalchemy import select

    from research.store.models import Base, Participant

    engine = make_engine(empty_db_url)
    upgrade(engine, "0017")
    person = {"industry": "banking", "role": "agent", "tenure_band": "1-2", "channel": "chat", "site": "Leeds",
              "attributes": {}, "consent_given": True, "evidence_place": None, "withdrawn_on": None}
    with engine.begin() as conn:
        conn.execute(Base.metadata.tables["studies"].insert(), [{"id": 1, "title": "A", "purpose": ""}])
        conn.execute(Base.metadata.tables["participants"].insert(), [
            {"id": 1, "study_id": 1, "code": "P01", **person, "evidence_place": 1},
            {"id": 2, "study_id": 1, "code": "P02", **person, "industry": "", "evidence_place": 2},
            {"id": 3, "study_id": 1, "code": "P03", **person},  # not interviewed: no place, nothing frozen
            {"id": 4, "study_id": 1, "code": "P04",  # withdrew: attributes erased, nothing frozen
             **{**person, "industry": "", "role": "", "channel": "", "evidence_place": 3,
                "withdrawn_on": date(2026, 12, 1)}},
        ])
    upgrade(engine)
    with engine.connect() as conn:
        rows = conn.execute(select(Participant.id, Participant.evidence_attributes)).all()
    frozen: dict[int, dict | None] = {row[0]: row[1] for row in rows}
    # 0023 then adds the site to each frozen copy
    assert frozen == {1: {"industry": "banking", "role": "agent", "channel": "chat", "site": "Leeds"},
                      2: {"industry": "", "role": "agent", "channel": "chat", "site": "Leeds"}, 3: None, 4: None}
    engine.dispose()
