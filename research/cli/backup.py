"""``frontline backup`` and ``frontline restore``: the whole database as a portable archive."""

from __future__ import annotations

import argparse
from pathlib import Path

from research.audit import cli_actor, record
from research.cli.common import engine
from research.settings import Settings
from research.store.backup import backup as write_backup
from research.store.backup import restore as load_backup
from research.store.engine import safe_url, session_scope


def backup(args: argparse.Namespace, settings: Settings) -> int:
    connected = engine(settings)
    summary = write_backup(connected, Path(args.out))
    with session_scope(connected) as session:  # after the archive is complete: it records a backup that exists
        record(session=session, actor=cli_actor(), action="backup", subject=f"{summary.total} rows to {summary.path}")
    print(f"wrote {summary.total} rows from {len(summary.rows)} tables (schema {summary.revision}) to {summary.path}; "
          "it holds every answer and password hash: keep it as safe as the database")
    return 0


def restore(args: argparse.Namespace, settings: Settings) -> int:
    connected = engine(settings)
    summary = load_backup(connected, Path(args.archive))
    with session_scope(connected) as session:
        record(session=session, actor=cli_actor(), action="restore",
               subject=f"{summary.total} rows from {summary.path} (schema {summary.revision})")
    print(f"restored {summary.total} rows into {len(summary.rows)} tables at "
          f"{safe_url(connected.url.render_as_string(False))} from schema {summary.revision}")
    return 0
