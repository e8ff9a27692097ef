"""``frontline db``: the schema's revision and its upgrade."""

from __future__ import annotations

import argparse

from research.cli.common import engine
from research.settings import Settings
from research.store.migrate import current_revision, head_revision
from research.store.migrate import upgrade as upgrade_schema


def upgrade(args: argparse.Namespace, settings: Settings) -> int:
    connected = engine(settings)
    before = current_revision(connected)
    backup = upgrade_schema(connected)
    after = current_revision(connected)
    if before == after:
        print(f"database already at revision {after}")
    else:
        print(f"database upgraded from {before or 'empty'} to {after} (head {head_revision()})")
    if backup:
        print(f"backup of the previous database: {backup}")
    return 0


def current(args: argparse.Namespace, settings: Settings) -> int:
    connected = engine(settings)
    print(f"current: {current_revision(connected) or 'none'}; head: {head_revision()}")
    return 0
