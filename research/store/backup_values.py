"""How each column's values travel in a backup: as JSON values any database reads back the same.

A backup made on SQLite restores into PostgreSQL and back, so datetimes go as UTC ISO strings, dates as
ISO dates and UUIDs as hex, whatever the source database handed over.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

from sqlalchemy import JSON, Boolean, Column, Date, DateTime, Float, Integer, String, Text, Uuid


def portable_type(column: Column) -> str:
    for name, kind in (("boolean", Boolean), ("datetime", DateTime), ("date", Date), ("uuid", Uuid),
                       ("json", JSON), ("float", Float), ("integer", Integer), ("text", Text),
                       ("string", String)):
        if isinstance(column.type, kind):
            return name
    raise TypeError(f"{column.table.name}.{column.name}: no portable type for {column.type!r}")  # a model bug


def encode(value, kind: str):
    if value is None:
        return None
    if kind == "datetime":
        if value.tzinfo is None:  # SQLite hands back the UTC wall time without its zone
            value = value.replace(tzinfo=UTC)
        return value.astimezone(UTC).isoformat()
    if kind == "date":
        return value.isoformat()
    if kind == "uuid":
        return value.hex
    return value


def decode(value, kind: str):
    if value is None:
        return None
    if kind == "datetime":
        return datetime.fromisoformat(value).astimezone(UTC)
    if kind == "date":
        return date.fromisoformat(value)
    if kind == "uuid":
        return uuid.UUID(value)
    if kind == "float" and isinstance(value, int):
        return float(value)
    return value
