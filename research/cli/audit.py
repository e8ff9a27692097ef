"""``frontline audit``: the trail of staff actions, printed or exported."""

from __future__ import annotations

import argparse
from datetime import UTC, datetime
from pathlib import Path

from research.audit import audit_events, cli_actor, record
from research.cli.common import migrated_engine
from research.errors import FrontlineError
from research.settings import Settings
from research.spreadsheets import inert
from research.store.engine import session_scope


def _since(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        return datetime.fromisoformat(text).replace(tzinfo=UTC)
    except ValueError:
        raise FrontlineError(f"--since {text!r}: write a date as YYYY-MM-DD") from None


def _new_csv(name: str | None) -> Path | None:
    out = Path(name) if name else None
    if out is not None and out.exists():
        raise FrontlineError(f"{out} already exists; choose a new file")
    if out is not None and not out.parent.is_dir():
        raise FrontlineError(f"--csv {out}: folder {out.parent} does not exist")
    return out


def show(args: argparse.Namespace, settings: Settings) -> int:
    if args.limit < 1:
        raise FrontlineError("--limit is a number of events, 1 or more")
    since = _since(args.since)
    out = _new_csv(args.csv)
    with session_scope(migrated_engine(settings)) as session:
        events = audit_events(session=session, actor=args.actor, action=args.action, since=since,
                              limit=args.limit)
        if out is not None:
            inert(events).to_csv(out, index=False)
            record(session=session, actor=cli_actor(), action="export", subject=f"audit trail (CSV) to {out}")
    if out is not None:
        print(f"wrote {len(events)} event(s) to {out}")
    elif events.empty:
        print("no events match")
    else:
        for row in events.itertuples(index=False):
            print(f"{row[0]:%Y-%m-%d %H:%M:%S}  {row[1]:<24} {row[2]:<16} {row[4]}")
    return 0
