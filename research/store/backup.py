"""Portable backups: every table in one zip that restores on SQLite or PostgreSQL.

A backup is a zip holding ``manifest.json`` and one JSON Lines file per table.
The manifest names the schema revision, and for every table its columns with a
portable type, its row count and the SHA-256 of its file. Values are written
as JSON (datetimes as ISO 8601 in UTC, UUIDs as hex, JSON columns as JSON), so
an archive made from the embedded SQLite file restores into PostgreSQL, which
is how a team moves from a laptop to a server.

Restore checks the whole archive (checksums and row counts) before it writes
anything, refuses a database that already holds data, checks every line as it
loads, and loads every table in one transaction, so a failed restore leaves no
data behind. An archive from an older revision is loaded at that revision and
then migrated to this version's schema.

An archive holds everything the database holds, password hashes and every
answer included: the file is created readable by its owner only.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from alembic.script import ScriptDirectory
from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    DateTime,
    Engine,
    Float,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    Uuid,
    func,
    inspect,
    select,
    text,
)
from sqlalchemy.exc import DBAPIError
from sqlalchemy.types import TypeEngine

from research.errors import FrontlineError
from research.store.backup_values import decode, encode, portable_type
from research.store.engine import copy_sqlite, make_engine
from research.store.migrate import alembic_config, ensure_migrated, head_revision, move_schema
from research.store.models import Base

FORMAT = "frontline-backup"
FORMAT_VERSION = 1
BATCH = 1000

# Portable type names, one per SQLAlchemy type the models use.
_TYPES: dict[str, type[TypeEngine[Any]] | TypeEngine[Any]] = {
    "integer": Integer, "float": Float, "string": String, "text": Text, "boolean": Boolean,
    "datetime": DateTime(timezone=True), "date": Date, "uuid": Uuid, "json": JSON}


class BackupError(FrontlineError):
    """The archive cannot be written or restored; the message says why and what to do."""


@dataclass(frozen=True)
class BackupSummary:
    path: Path
    revision: str
    rows: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.rows.values())


def backup(engine: Engine, out: Path) -> BackupSummary:
    """Write every table of the (fully migrated) database to a new archive at ``out``.

    Raises:
        BackupError: ``out`` exists or its folder does not.
        DatabaseNotMigrated: the schema is not at this version's head.
    """
    out = Path(out)
    if out.exists():
        raise BackupError(f"{out} already exists; choose a new file so no backup is overwritten")
    if not out.parent.is_dir():
        raise BackupError(f"folder {out.parent} does not exist")
    ensure_migrated(engine)
    revision = head_revision()
    tables, rows = [], {}
    # Created owner-only before anything is written to it.
    try:
        descriptor = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except OSError as exc:
        raise BackupError(f"cannot create {out}: {exc.strerror}") from None
    try:
        with os.fdopen(descriptor, "wb") as raw, zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED) as archive:
            with _snapshot(engine, out.parent) as conn:
                for table in Base.metadata.sorted_tables:
                    entry = _write_table(conn, table, archive)
                    tables.append(entry)
                    rows[table.name] = entry["rows"]
            manifest = {"format": FORMAT, "format_version": FORMAT_VERSION, "schema_revision": revision,
                        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
                        "source": engine.dialect.name, "tables": tables}
            archive.writestr("manifest.json", json.dumps(manifest, indent=2))
    except BaseException:
        out.unlink(missing_ok=True)
        raise
    return BackupSummary(out, revision, rows)


@contextmanager
def _snapshot(engine: Engine, scratch: Path) -> Iterator:
    """A connection that sees every table as of one moment, without holding up anyone writing meanwhile.

    PostgreSQL: one REPEATABLE READ transaction. SQLite: Frontline's connections take the write lock when
    they begin, so the file is first copied with SQLite's online backup API (a consistent copy, made in
    a moment) into a private folder, and read from there.
    """
    if engine.dialect.name == "postgresql":
        with engine.connect() as conn:
            conn = conn.execution_options(isolation_level="REPEATABLE READ")
            with conn.begin():
                yield conn
        return
    with tempfile.TemporaryDirectory(dir=scratch, prefix=".frontline-backup-") as folder:
        copy_path = Path(folder) / "snapshot.db"
        copy_sqlite(engine, copy_path)
        copy_engine = make_engine(f"sqlite:///{copy_path}")
        try:
            with copy_engine.connect() as conn, conn.begin():
                yield conn
        finally:
            copy_engine.dispose()


def _write_table(conn, table: Table, archive: zipfile.ZipFile) -> dict:
    columns = [(c.name, portable_type(c)) for c in table.columns]
    digest, count = hashlib.sha256(), 0
    member = f"tables/{table.name}.jsonl"
    order = list(table.primary_key.columns)
    result = conn.execution_options(stream_results=True, yield_per=BATCH).execute(select(table).order_by(*order))
    names = [name for name, _ in columns]
    converted = [(i, kind) for i, (_, kind) in enumerate(columns) if kind in ("datetime", "date", "uuid")]
    dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    with archive.open(member, "w") as fh:
        for partition in result.partitions():
            lines = []
            for row in partition:
                values = list(row)
                for i, kind in converted:
                    values[i] = encode(values[i], kind)
                lines.append(dumps(dict(zip(names, values))))
            chunk = ("\n".join(lines) + "\n").encode()
            digest.update(chunk)
            fh.write(chunk)
            count += len(lines)
    return {"name": table.name, "file": member, "rows": count, "sha256": digest.hexdigest(),
            "columns": [{"name": n, "type": k} for n, k in columns]}


def read_manifest(path: Path) -> dict:
    """The manifest of the archive at ``path``, checked for format and revision, and every table file verified.

    Raises:
        BackupError: not a Frontline backup, damaged, or from a newer Frontline.
    """
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"{path} is not a file")
    try:
        with zipfile.ZipFile(path) as archive:
            manifest = _load_manifest(path, archive)
            for entry in manifest["tables"]:
                _verify_table(path, archive, entry)
    except zipfile.BadZipFile:
        raise BackupError(f"{path} is not a Frontline backup (not a zip archive)") from None
    return manifest


def _load_manifest(path: Path, archive: zipfile.ZipFile) -> dict:
    try:
        manifest = json.loads(archive.read("manifest.json"))
    except KeyError:
        raise BackupError(f"{path} is not a Frontline backup (it has no manifest.json)") from None
    except (ValueError, zipfile.BadZipFile) as exc:
        raise BackupError(f"{path}: manifest.json is damaged ({exc})") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"{path} is not a Frontline backup (its manifest names another format)")
    version = manifest.get("format_version")
    if not isinstance(version, int) or version > FORMAT_VERSION:
        raise BackupError(f"{path} was written in backup format {version!r}, newer than this Frontline reads "
                          f"({FORMAT_VERSION}): restore it with the version that wrote it")
    revision = manifest.get("schema_revision")
    known = {script.revision for script in ScriptDirectory.from_config(alembic_config()).walk_revisions()}
    if revision not in known:
        raise BackupError(f"{path} holds schema revision {revision!r}, which this Frontline does not know "
                          f"(it knows up to {head_revision()}): restore it with a Frontline at least as new "
                          "as the one that wrote it")
    if not isinstance(manifest.get("tables"), list):
        raise BackupError(f"{path}: manifest.json lists no tables; the archive is damaged")
    for entry in manifest["tables"]:
        if not isinstance(entry, dict) or not {"name", "file", "rows", "sha256", "columns"} <= entry.keys():
            raise BackupError(f"{path}: manifest.json lists a table without its name, file, rows and checksum")
        unknown = {c.get("type") for c in entry["columns"]} - _TYPES.keys()
        if unknown:
            raise BackupError(f"{path}: table {entry['name']} has columns of unknown type {sorted(unknown)}")
    return manifest


def _verify_table(path: Path, archive: zipfile.ZipFile, entry: dict) -> None:
    """Check a table file against its checksum and row count; its lines are parsed when it is loaded."""
    digest, count = hashlib.sha256(), 0
    try:
        with archive.open(entry["file"]) as fh:
            while chunk := fh.read(1 << 20):
                digest.update(chunk)
                count += chunk.count(b"\n")
    except KeyError:
        raise BackupError(f"{path} is incomplete: {entry['file']} is missing") from None
    except (zipfile.BadZipFile, EOFError, OSError) as exc:
        raise BackupError(f"{path}: {entry['file']} is damaged ({exc})") from None
    if digest.hexdigest() != entry["sha256"] or count != entry["rows"]:
        raise BackupError(f"{path}: {entry['file']} does not match its checksum ({count} rows, the manifest "
                          f"says {entry['rows']}): the archive is damaged, nothing was restored")


def _records(archive: zipfile.ZipFile, entry: dict, source: Path) -> Iterator[list[dict]]:
    """The table's rows in batches, decoded to Python values; a line that does not fit refuses the archive."""
    names = {c["name"] for c in entry["columns"]}
    converted = [(c["name"], c["type"]) for c in entry["columns"]
                 if c["type"] in ("datetime", "date", "uuid", "float")]
    batch = []
    with archive.open(entry["file"]) as fh:
        for number, raw in enumerate(fh, start=1):
            try:
                record = json.loads(raw.decode("utf-8"))
                if not isinstance(record, dict) or record.keys() != names:
                    raise ValueError("it does not hold the table's columns")
                for name, kind in converted:
                    record[name] = decode(record[name], kind)
            except (ValueError, TypeError, AttributeError) as exc:  # UnicodeDecodeError is a ValueError
                raise BackupError(f"{source}: line {number} of {entry['file']} cannot be read ({exc}); "
                                  "nothing was restored") from None
            batch.append(record)
            if len(batch) == BATCH:
                yield batch
                batch = []
    if batch:
        yield batch


def holds_data(engine: Engine) -> list[str]:
    """Tables of ``engine`` that hold rows a restore would overwrite (the seeded codebook does not count)."""
    with engine.connect() as conn:
        return _busy_tables(conn)


def _busy_tables(conn) -> list[str]:
    from research.codebook import DEFAULT_CODEBOOK

    busy = []
    for name in sorted(set(inspect(conn).get_table_names()) - {"alembic_version"}):
        table = Table(name, MetaData(), autoload_with=conn)
        if name == "codes":
            keys = set(conn.execute(select(table.c.key)).scalars())
            # Any release's seeded codebook counts as empty: 0004 seeded "pay_benefits", which 0009 renames.
            if keys - {c.key for c in DEFAULT_CODEBOOK} - {"pay_benefits"}:
                busy.append(name)
        elif conn.execute(select(func.count()).select_from(table)).scalar_one():
            busy.append(name)
    return busy


def _refuse_if_busy(busy: list[str]) -> None:
    if busy:
        raise BackupError("the database already holds data (" + ", ".join(busy) + "): restore into a new, "
                          "empty database so nothing in it is overwritten")


def restore(engine: Engine, source: Path) -> BackupSummary:
    """Load the archive at ``source`` into the empty database behind ``engine``, then migrate it to head.

    The rows load in one transaction: a refused restore leaves no data in the target (whose
    schema may by then have been created or moved to the archive's revision).

    Raises:
        BackupError: the archive is not a sound Frontline backup, or the database already holds data.
    """
    source = Path(source)
    manifest = read_manifest(source)
    _refuse_if_busy(holds_data(engine))
    revision = manifest["schema_revision"]
    move_schema(engine, revision)
    schema = MetaData()
    tables = {entry["name"]: Table(entry["name"], schema, *[
        Column(c["name"], _TYPES[c["type"]]) for c in entry["columns"]]) for entry in manifest["tables"]}
    target = inspect(engine)
    missing = sorted(set(tables) - set(target.get_table_names()))
    if missing:
        raise BackupError(f"{source}: tables {missing} are not in schema revision {revision}; the archive is damaged")
    for name, table in tables.items():
        unknown = sorted(set(table.columns.keys()) - {c["name"] for c in target.get_columns(name)})
        if unknown:
            raise BackupError(f"{source}: table {name} has columns {unknown} that schema revision {revision} "
                              "lacks; the archive is damaged")
    rows = {}
    try:
        with zipfile.ZipFile(source) as archive, engine.begin() as conn:
            _refuse_if_busy(_busy_tables(conn))  # again, inside the transaction: nothing written meanwhile is lost
            if "codes" in tables:
                conn.execute(tables["codes"].delete())  # the codebook the migration seeded; the archive has its own
            for entry in manifest["tables"]:
                rows[entry["name"]] = _load_table(conn, tables[entry["name"]], archive, entry, source)
            if conn.dialect.name == "postgresql":
                _advance_sequences(conn, manifest["tables"])
    except DBAPIError as exc:  # e.g. a value SQLite accepted that PostgreSQL's column length refuses
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else type(exc).__name__
        raise BackupError(f"{source}: the database refused a row ({reason}); nothing was restored") from None
    if revision != head_revision():
        move_schema(engine, head_revision())
    return BackupSummary(source, revision, rows)


def _self_references(conn, name: str) -> list[str]:
    """Columns of table ``name`` that point at the same table, loaded after every row exists."""
    return [fk["constrained_columns"][0] for fk in inspect(conn).get_foreign_keys(name)
            if fk["referred_table"] == name and len(fk["constrained_columns"]) == 1]


def _load_table(conn, table: Table, archive: zipfile.ZipFile, entry: dict, source: Path) -> int:
    later = _self_references(conn, table.name)
    # The primary key, to update the self-references once every row exists (none to update: not needed).
    key: str = inspect(conn).get_pk_constraint(table.name)["constrained_columns"][0] if later else ""
    pending, count = [], 0
    for batch in _records(archive, entry, source):
        for record in batch:
            for column in later:
                if record[column] is not None:
                    pending.append((record[key], column, record[column]))
                    record[column] = None
        conn.execute(table.insert(), batch)
        count += len(batch)
    for ident, column, value in pending:
        conn.execute(table.update().where(table.c[key] == ident).values({column: value}))
    return count


def _advance_sequences(conn, entries: list[dict]) -> None:
    """Move each serial id's sequence past the restored ids, so the next insert does not collide."""
    for entry in entries:
        for column in entry["columns"]:
            sequence = conn.execute(text("SELECT pg_get_serial_sequence(:t, :c)"),
                                    {"t": entry["name"], "c": column["name"]}).scalar()
            if sequence:
                conn.execute(text(f'SELECT setval(:s, COALESCE((SELECT MAX("{column["name"]}") FROM '
                                  f'"{entry["name"]}"), 0) + 1, false)'), {"s": sequence})
