"""Upgrading a database that an older Frontline created, with rows in every table, loses nothing.

For each older revision, the schema is built revision by revision up to it, and
every table is given rows as soon as the revision that creates it has run.
Then the database is upgraded to head, and every row is read back with every
value it was written with; columns added later hold their defaults.
"""

import uuid
from datetime import UTC, date, datetime

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    Uuid,
    inspect,
    select,
)

from research.codebook import DEFAULT_CODEBOOK
from research.store.engine import make_engine
from research.store.migrate import alembic_config, current_revision, head_revision, upgrade
from research.store.models import Base

REVISIONS = [r.revision for r in reversed(list(ScriptDirectory.from_config(alembic_config()).walk_revisions()))]

# Values the tables' check constraints allow; every other column gets a value made from its type.
ALLOWED = {
    ("users", "role"): "researcher",
    ("pulse_questions", "kind"): "scale",
    ("pulse_links", "kind"): "invite",
    ("analysis_jobs", "status"): "succeeded",
    ("actions", "status"): "planned",
    ("memos", "excerpt_id"): None,  # a memo is on exactly one of an excerpt, an interview or a code
    ("memos", "code_id"): None,
}
TEXT = "Zoë said: “the billing tool freezes” <b>twice</b>\nsecond line ' OR 1=1 --"


def value_for(column, n: int, parents: dict[str, list[dict]]):
    """A value of the column's type for row ``n``; a foreign key points at a row already written."""
    key = (column.table.name, column.name)
    if key in ALLOWED:
        return ALLOWED[key]
    for fk in column.foreign_keys:
        target = fk.column
        rows = parents.get(target.table.name)
        if target.table.name == column.table.name:
            return None  # self-references (a code's parent) stay empty
        return rows[n % len(rows)][target.name]
    kind = column.type
    if isinstance(kind, Boolean):
        return n % 2 == 0
    if isinstance(kind, Uuid):
        return uuid.uuid4()
    if isinstance(kind, DateTime):
        return datetime(2026, 3, 1 + n, 9, 30, 15, 123456, tzinfo=UTC)
    if isinstance(kind, Date):
        return date(2026, 3, 1 + n)
    if isinstance(kind, JSON):
        return {"probe": [TEXT, n]} if column.name == "attributes" else [TEXT, n]
    if isinstance(kind, Float):
        return 0.1 * n + 1 / 3
    if isinstance(kind, Integer):
        return 1000 + n if column.primary_key else n + 1
    if isinstance(kind, Text):
        return f"{TEXT} {n}"
    if isinstance(kind, String):
        if column.name == "colour":
            return "#12ab9f"
        return f"{column.name}-{n}-é"[: kind.length or 64]
    raise AssertionError(f"no test value for {column.table.name}.{column.name} of type {kind!r}")


def columns_at_revision(conn, model: Table) -> Table:
    """The model's table cut down to the columns the database has now, with the models' types."""
    present = {c["name"] for c in inspect(conn).get_columns(model.name)}
    return Table(model.name, MetaData(), *[Column(c.name, c.type, primary_key=c.primary_key)
                                         for c in model.columns if c.name in present])


def add_rows(engine, written: dict[str, list[dict]]) -> None:
    """Two rows in every table that exists and has none of ours yet."""
    with engine.begin() as conn:
        existing = set(inspect(conn).get_table_names())
        for model in Base.metadata.sorted_tables:
            if model.name not in existing or model.name in written:
                continue
            table = columns_at_revision(conn, model)
            rows = []
            for n in range(2):
                row = {}
                for column in table.columns:
                    column_model = model.c[column.name]
                    row[column.name] = value_for(column_model, n, written)
                rows.append(row)
            conn.execute(table.insert(), rows)
            written[model.name] = rows


def same(a, b) -> bool:
    if isinstance(a, datetime) and isinstance(b, datetime):
        as_utc = [v if v.tzinfo else v.replace(tzinfo=UTC) for v in (a, b)]
        return as_utc[0] == as_utc[1]
    return a == b


@pytest.mark.parametrize("start", REVISIONS[:-1])
def test_upgrading_from_an_older_revision_keeps_every_row(empty_db_url, start):
    engine = make_engine(empty_db_url)
    written: dict[str, list[dict]] = {}
    for revision in REVISIONS[: REVISIONS.index(start) + 1]:
        upgrade(engine, revision)
        add_rows(engine, written)
    assert current_revision(engine) == start

    upgrade(engine)
    assert current_revision(engine) == head_revision()
    with engine.connect() as conn:
        for name, rows in written.items():
            model = Base.metadata.tables[name]
            keys = [c.name for c in model.primary_key.columns]
            for row in rows:
                stored = conn.execute(select(model).where(*[model.c[k] == row[k] for k in keys])).mappings().one()
                changed = {k: (v, stored[k]) for k, v in row.items() if not same(v, stored[k])}
                assert not changed, f"{name}: {changed}"
                for column in model.columns:  # added after this row was written
                    if column.name not in row and not column.nullable:
                        assert stored[column.name] is not None, f"{name}.{column.name} has no default"
    assert {c.key for c in DEFAULT_CODEBOOK} <= _seeded(engine)  # the codebook 0004 seeds, beside any rows
    engine.dispose()


def _seeded(engine) -> set[str]:
    codes = Base.metadata.tables["codes"]
    with engine.connect() as conn:
        return set(conn.execute(select(codes.c.key)).scalars())
