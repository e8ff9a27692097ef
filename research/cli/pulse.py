"""``frontline pulse``: links, headcounts, imports from other survey tools, and erasing old comments."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

import pandas as pd

from research.audit import cli_actor, record
from research.cli.common import migrated_engine
from research.csv_input import read_csv_file
from research.errors import FrontlineError
from research.privacy.reporting import Thresholds
from research.privacy.roster import roster_redactor
from research.pulse.importer import import_responses
from research.pulse.links import create_links, link_url
from research.pulse.redact_again import redact_stored_comments
from research.pulse.retention import erase_comments
from research.pulse.waves_admin import find_segment, find_wave, set_headcount
from research.settings import Settings
from research.spreadsheets import to_csv
from research.store.engine import flush_erasure, session_scope


def redact_again(args: argparse.Namespace, settings: Settings) -> int:
    engine = migrated_engine(settings)
    with session_scope(engine) as session:
        result = redact_stored_comments(session=session, redactor=roster_redactor(session=session),
                                        actor=cli_actor(), settings=settings, dry_run=not args.yes)
    if result.changed and not flush_erasure(engine):
        print("warning: the database's log still holds the old words' pages, as another connection is reading; "
              "run `frontline pulse redact-again --yes` again once the app is quiet, or stop it first",
              file=sys.stderr)
    if result.changed:
        drafts = f" and the quotes of them in {result.drafts} staff draft(s)" if result.drafts else ""
        print(f"redacted {result.comments} comment(s) again{drafts}; run the analysis again to refresh topic labels")
    else:
        print(f"{result.comments} comment(s) would change" + ("; run again with --yes to change them"
                                                               if result.comments else ""))
    return 0


def erase(args: argparse.Namespace, settings: Settings) -> int:
    try:
        before = date.fromisoformat(args.before)
    except ValueError:
        raise FrontlineError(f"--before {args.before!r}: write a date as YYYY-MM-DD") from None
    if before > date.today():
        raise FrontlineError(f"--before {before}: that day has not come yet; comments are erased only once old")
    engine = migrated_engine(settings)
    with session_scope(engine) as session:
        result = erase_comments(session=session, before=before, actor=cli_actor(), settings=settings,
                                dry_run=not args.yes)
    if result.erased and not flush_erasure(engine):
        print("warning: the database's log still holds the erased words' old pages, as another connection is "
              "reading; run `frontline pulse erase-comments` again once the app is quiet, or stop it first",
              file=sys.stderr)
    what = (f"{result.comments} comment(s), {result.replies} reply(ies) and {result.receipts} receipt(s) of "
            f"responses submitted before {before}")
    if result.erased:
        print(f"erased {what}; their scores are kept")
    else:
        print(f"would erase {what} (scores are kept); run again with --yes to erase them")
    return 0


def headcount(args: argparse.Namespace, settings: Settings) -> int:
    with session_scope(migrated_engine(settings)) as session:
        wave = find_wave(session=session, ref=args.wave)
        segment = find_segment(wave=wave, team=args.segment)
        before = segment.headcount
        set_headcount(session=session, segment_id=segment.id, headcount=args.people, step=settings.min_group_size)
        record(session=session, actor=cli_actor(), action="headcount_set",
               subject=f"{segment.label} in {wave.title}: {before} to {args.people}")
        print(f"{segment.label} in {wave.title}: headcount {args.people}")
    return 0


def links(args: argparse.Namespace, settings: Settings) -> int:
    kind = "open" if args.open else "invite"
    if args.open and args.count != 1:
        raise FrontlineError("an open link serves a whole segment: leave out --count with --open")
    with session_scope(migrated_engine(settings)) as session:
        wave = find_wave(session=session, ref=args.wave)
        segment = find_segment(wave=wave, team=args.segment)
        tokens = create_links(session=session, segment=segment, count=args.count, kind=kind)
        label = segment.label
        record(session=session, actor=cli_actor(), action="links_created",
               subject=f"{len(tokens)} {kind} link(s) for {label} in {wave.title}")
    urls = [link_url(settings.public_url, t) for t in tokens]
    if args.csv:
        out = Path(args.csv)
        if out.exists():
            raise FrontlineError(f"{out} already exists; choose a new file so no links are overwritten")
        table = pd.DataFrame([(wave.title, label, kind, url) for url in urls],
                             columns=["wave", "segment", "kind", "link"])
        with out.open("xb") as fh:  # the one export function: a team named "=HYPERLINK(...)" stays text
            fh.write(to_csv(table))
        print(f"wrote {len(urls)} {kind} link(s) for {label} to {out}")
    else:
        print("\n".join(urls))
    return 0


def _mapping(items: list[str] | None) -> dict[str, str]:
    """``--map KEY=COLUMN`` options as a dict of question key to CSV column."""
    mapping = {}
    for item in items or []:
        key, sep, column = item.partition("=")
        if not sep or not key.strip() or not column.strip():
            raise FrontlineError(f"--map {item!r}: write QUESTION_KEY=COLUMN, e.g. --map morale=Q1")
        mapping[key.strip()] = column.strip()
    if not mapping:
        raise FrontlineError("give at least one --map QUESTION_KEY=COLUMN")
    return mapping


def imports(args: argparse.Namespace, settings: Settings) -> int:
    mapping = _mapping(args.map)
    table = read_csv_file(Path(args.csv))
    with session_scope(migrated_engine(settings)) as session:
        wave = find_wave(session=session, ref=args.wave)
        report = import_responses(
            session=session, wave=wave, rows=table.records(), mapping=mapping,
            redactor=roster_redactor(session=session), default_day=min(date.today(), wave.closes_on),
            segment_column=args.segment_column, segment=args.segment, date_column=args.date_column,
            lines=table.lines, steps=Thresholds.from_settings(settings),
        )
        if report.imported:  # in the trail like links and headcounts: imports are the other way answers arrive
            record(session=session, actor=cli_actor(), action="responses_imported",
                   subject=f"{report.imported} response(s) into {wave.title} from {Path(args.csv).name}")
    print(f"imported {report.imported} response(s); rejected {len(report.rejected)}")
    for line, reason in report.rejected:
        print(f"  line {line}: {reason}")
    return 0
