"""Backups: an archive of the embedded SQLite file restores into PostgreSQL with every figure unchanged."""

import hashlib
import json
import stat
import zipfile
from datetime import date

import pandas as pd
import pytest
from alembic.script import ScriptDirectory
from conftest import backends
from sqlalchemy import inspect, select, text

from research.findings.actions import create_action
from research.findings.briefing import build_briefing
from research.privacy.reporting import Thresholds
from research.pulse.waves import latest_reportable_wave
from research.store.backup import BackupError, backup, read_manifest, restore
from research.store.engine import make_engine, session_scope
from research.store.migrate import alembic_config, current_revision, head_revision, upgrade
from research.store.models import Code, Study

FIVE = Thresholds(scores=5, comments=10)


@pytest.fixture(params=backends())
def empty_target(request, tmp_path):
    """A database with no schema at all, on each backend, as a team creates for a restore."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'restored.db'}"
    else:
        url = request.getfixturevalue("pg_databases").create()
    engine = make_engine(url)
    yield engine
    engine.dispose()


def figures(engine, job_id):
    """Every table the executive briefing shows, the same functions as the dashboard pages."""
    with session_scope(engine) as session:
        wave = latest_reportable_wave(session=session, threshold=FIVE.scores)
        return build_briefing(session=session, wave_id=wave, job_id=job_id, thresholds=FIVE).tables


def member_checksums(path):
    return {t["name"]: (t["rows"], t["sha256"]) for t in read_manifest(path)["tables"]}


def test_sqlite_backup_restores_with_identical_dashboard_figures(analysed_demo, empty_target, tmp_path):
    demo, job_id = analysed_demo
    with session_scope(demo) as session:
        create_action(session=session, theme="tools", title="Billing system fix", owner="IT", due_on=date(2026, 12, 1),
                      published=True, created_by="exec")
    archive = tmp_path / "frontline-backup.zip"
    made = backup(demo, archive)
    assert stat.S_IMODE(archive.stat().st_mode) == 0o600
    assert made.rows["pulse_answers"] > 1000 and made.rows["text_analyses"] > 100 and made.rows["actions"] >= 1

    loaded = restore(empty_target, archive)
    assert loaded.rows == made.rows
    assert current_revision(empty_target) == head_revision()
    before, after = figures(demo, job_id), figures(empty_target, job_id)
    assert before.keys() == after.keys()
    assert {"kpis", "trend", "heatmap_team", "gaps", "topics", "actions"} <= before.keys()
    for name in before:
        pd.testing.assert_frame_equal(before[name], after[name], obj=name)

    # Back again from the restored database: every table's file is byte for byte the same.
    again = tmp_path / "again.zip"
    backup(empty_target, again)
    assert member_checksums(again) == member_checksums(archive)


def test_restored_postgresql_takes_new_rows_after_the_restored_ids(engine, empty_target, tmp_path):
    with session_scope(engine) as session:
        for title in ("Week one", "Week two", "Week three"):
            session.add(Study(title=title))
    backup(engine, tmp_path / "b.zip")
    restore(empty_target, tmp_path / "b.zip")
    with session_scope(empty_target) as session:
        session.add(Study(title="After the move"))
    with session_scope(empty_target) as session:
        assert [s.title for s in session.scalars(select(Study).order_by(Study.id))] == [
            "Week one", "Week two", "Week three", "After the move"]


def test_a_code_whose_parent_was_created_after_it_keeps_its_parent(engine, empty_target, tmp_path):
    with session_scope(engine) as session:
        child = Code(key="queue_tool", name="Queue tool", position=90)
        session.add(child)
        session.flush()
        parent = Code(key="systems", name="Systems", position=91)
        session.add(parent)
        session.flush()
        child.parent_id = parent.id
    backup(engine, tmp_path / "codes.zip")
    restore(empty_target, tmp_path / "codes.zip")
    with session_scope(empty_target) as session:
        child = session.scalar(select(Code).where(Code.key == "queue_tool"))
        assert session.get(Code, child.parent_id).key == "systems"
    with session_scope(engine) as source, session_scope(empty_target) as restored:
        assert sorted(source.scalars(select(Code.key))) == sorted(restored.scalars(select(Code.key)))


def test_text_survives_byte_for_byte(engine, empty_target, tmp_path):
    odd = "Zoë’s <script>alert(1)</script> [link](javascript:x) '; DROP TABLE studies; -- \u2028 😀\n\ttab"
    with session_scope(engine) as session:
        session.add(Study(title=odd, purpose="naïve\r\nline"))
    backup(engine, tmp_path / "t.zip")
    restore(empty_target, tmp_path / "t.zip")
    with session_scope(empty_target) as session:
        assert session.scalar(select(Study.title)) == odd


def test_an_existing_archive_is_never_overwritten(engine, tmp_path):
    target = tmp_path / "taken.zip"
    target.write_bytes(b"yesterday's backup")
    with pytest.raises(BackupError, match="already exists"):
        backup(engine, target)
    assert target.read_bytes() == b"yesterday's backup"


def test_a_database_with_data_is_refused_and_left_alone(engine, tmp_path):
    with session_scope(engine) as session:
        session.add(Study(title="Kept"))
    backup(engine, tmp_path / "b.zip")
    with pytest.raises(BackupError, match=r"already holds data \(studies\).*new, empty database"):
        restore(engine, tmp_path / "b.zip")
    with session_scope(engine) as session:
        assert [s.title for s in session.scalars(select(Study))] == ["Kept"]


def rewrite(source, target, change):
    """Copy an archive, passing each member's bytes through ``change(name, data)``."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for name in old.namelist():
            data = change(name, old.read(name))
            if data is not None:
                new.writestr(name, data)


def bump_revision(name, data):
    if name != "manifest.json":
        return data
    manifest = json.loads(data)
    manifest["schema_revision"] = "9999_from_the_future"
    return json.dumps(manifest)


@pytest.mark.parametrize("change, message", [
    (lambda name, data: data.replace(b"Kept", b"Kep!") if name == "tables/studies.jsonl" else data,
     "does not match its checksum"),
    (lambda name, data: None if name == "tables/studies.jsonl" else data,
     "incomplete: tables/studies.jsonl is missing"),
    (lambda name, data: None if name == "manifest.json" else data, "has no manifest.json"),
    (bump_revision, "schema revision '9999_from_the_future', which this Frontline does not know"),
])
def test_a_damaged_or_foreign_archive_changes_nothing(engine, empty_target, tmp_path, change, message):
    with session_scope(engine) as session:
        session.add(Study(title="Kept"))
    backup(engine, tmp_path / "good.zip")
    rewrite(tmp_path / "good.zip", tmp_path / "bad.zip", change)
    with pytest.raises(BackupError, match=message):
        restore(empty_target, tmp_path / "bad.zip")
    assert current_revision(empty_target) is None


def forge(good, bad, table, lines, rename=None):
    """A hand-made archive: ``table``'s file replaced by ``lines`` with a matching checksum and row count."""
    with zipfile.ZipFile(good) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    body = "".join(line + "\n" for line in lines(members[f"tables/{table}.jsonl"].decode().splitlines()))
    members[f"tables/{table}.jsonl"] = body.encode()
    manifest = json.loads(members["manifest.json"])
    entry = next(t for t in manifest["tables"] if t["name"] == table)
    entry.update(sha256=hashlib.sha256(body.encode()).hexdigest(), rows=body.count("\n"))
    for column in entry["columns"]:
        column["name"] = (rename or {}).get(column["name"], column["name"])
    members["manifest.json"] = json.dumps(manifest).encode()
    with zipfile.ZipFile(bad, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)


EVIL = 'title" FROM studies; DROP TABLE users; --'


@pytest.mark.parametrize("lines, rename, message", [
    (lambda lines: [json.dumps({EVIL if k == "title" else k: v for k, v in json.loads(line).items()})
                    for line in lines], {"title": EVIL}, "table studies has columns .* that schema revision .* lacks"),
    (lambda lines: lines + ["this is not JSON"], None, "line 2 of tables/studies.jsonl cannot be read"),
    (lambda lines: lines + ['{"id": 9}'], None, "line 2 of tables/studies.jsonl cannot be read"),
    (lambda lines: [line.replace('"created_at":"', '"created_at":"yesterday') for line in lines], None,
     "line 1 of tables/studies.jsonl cannot be read"),
])
def test_a_hand_made_archive_is_refused_and_nothing_is_stored(engine, empty_target, tmp_path, lines, rename,
                                                               message):
    """Checksums prove an archive is intact, not honest: names and values are checked as they load."""
    with session_scope(engine) as session:
        session.add(Study(title="Kept"))
    backup(engine, tmp_path / "good.zip")
    forge(tmp_path / "good.zip", tmp_path / "evil.zip", "studies", lines, rename)
    with pytest.raises(BackupError, match=message):
        restore(empty_target, tmp_path / "evil.zip")
    with empty_target.connect() as conn:
        assert conn.execute(text("SELECT COUNT(*) FROM users")).scalar() == 0  # still there, and empty
        assert conn.execute(text("SELECT COUNT(*) FROM studies")).scalar() == 0


def test_a_file_that_is_not_a_zip_is_named(empty_target, tmp_path):
    junk = tmp_path / "notes.zip"
    junk.write_text("these are my notes")
    with pytest.raises(BackupError, match="not a Frontline backup \\(not a zip archive\\)"):
        restore(empty_target, junk)


def as_written_by(revision, good, old, tmp_path):
    """Rewrite an archive as the release at ``revision`` would have written it: only its tables and columns."""
    scratch = make_engine(f"sqlite:///{tmp_path / 'schema-then.db'}")
    upgrade(scratch, revision)
    schema = inspect(scratch)
    then = {name: {c["name"] for c in schema.get_columns(name)} for name in schema.get_table_names()}
    scratch.dispose()
    with zipfile.ZipFile(good) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    manifest = json.loads(members.pop("manifest.json"))
    manifest["schema_revision"] = revision
    kept = []
    for table in manifest["tables"]:
        body = members.pop(table["file"]).decode()
        if table["name"] not in then:
            continue
        columns = then[table["name"]]
        table["columns"] = [c for c in table["columns"] if c["name"] in columns]
        body = "".join(json.dumps({k: v for k, v in json.loads(line).items() if k in columns}) + "\n"
                       for line in body.splitlines())
        table["sha256"] = hashlib.sha256(body.encode()).hexdigest()
        members[table["file"]] = body.encode()
        kept.append(table)
    manifest["tables"] = kept
    with zipfile.ZipFile(old, "w") as archive:
        archive.writestr("manifest.json", json.dumps(manifest))
        for name, data in members.items():
            archive.writestr(name, data)


def test_an_archive_from_the_previous_release_is_restored_and_upgraded(engine, empty_target, tmp_path):
    with session_scope(engine) as session:
        session.add(Study(title="From last year"))
    backup(engine, tmp_path / "now.zip")
    previous = ScriptDirectory.from_config(alembic_config()).get_revision(head_revision()).down_revision
    as_written_by(previous, tmp_path / "now.zip", tmp_path / "old.zip", tmp_path)
    assert read_manifest(tmp_path / "old.zip")["schema_revision"] == previous

    restore(empty_target, tmp_path / "old.zip")
    assert current_revision(empty_target) == head_revision()
    with session_scope(empty_target) as session:
        assert session.scalar(select(Study.title)) == "From last year"


def test_a_backup_in_progress_does_not_hold_up_writers(db_url, tmp_path):
    """Agents keep submitting while a backup reads: the snapshot holds no lock a writer waits on."""
    from research.store.backup import _snapshot

    impatient = make_engine(db_url, busy_timeout_ms=200)
    with session_scope(impatient) as session:
        session.add(Study(title="Before"))
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    with _snapshot(impatient, scratch) as conn:
        assert conn.execute(select(Study.title)).scalars().all() == ["Before"]
        with session_scope(impatient) as session:  # would wait out the timeout and fail under a held write lock
            session.add(Study(title="During"))
        assert conn.execute(select(Study.title)).scalars().all() == ["Before"]  # the snapshot does not move
    assert list(scratch.iterdir()) == []  # the SQLite copy is gone
    impatient.dispose()


def test_a_value_sqlite_let_through_but_postgresql_refuses_stops_the_restore_cleanly(tmp_path, pg_url):
    """SQLite does not enforce VARCHAR lengths; PostgreSQL does. The move is refused whole, with the reason."""
    source = make_engine(f"sqlite:///{tmp_path / 'laptop.db'}")
    upgrade(source)
    with session_scope(source) as session:
        session.add(Study(title="Short"))
        session.add(Study(title="x" * 250))  # the column is 200 characters
    backup(source, tmp_path / "move.zip")
    source.dispose()
    target = make_engine(pg_url)
    with pytest.raises(BackupError, match=r"the database refused a row \(value too long.*nothing was restored"):
        restore(target, tmp_path / "move.zip")
    with session_scope(target) as session:
        assert session.scalars(select(Study.title)).all() == []
    target.dispose()
