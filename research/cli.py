"""The `frontline` command.

Every failure caused by input or environment is printed as one line on stderr
with exit status 2; tracebacks are for bugs only.
"""

from __future__ import annotations

import argparse
import os
import sys
from contextlib import contextmanager
from pathlib import Path

from research.audit import cli_actor
from research.errors import FrontlineError
from research.settings import Settings, load_settings, setting_variables

APP_MAIN = Path(__file__).resolve().parent.parent / "app" / "main.py"


def _engine(settings: Settings):
    from research.store.engine import check_connection, engine_from_settings

    engine = engine_from_settings(settings)
    check_connection(engine)
    return engine


def _migrated_engine(settings: Settings):
    from research.store.migrate import ensure_migrated

    engine = _engine(settings)
    ensure_migrated(engine)
    return engine


def cmd_db_upgrade(args: argparse.Namespace, settings: Settings) -> int:
    from research.store.migrate import current_revision, head_revision, upgrade

    engine = _engine(settings)
    before = current_revision(engine)
    backup = upgrade(engine)
    after = current_revision(engine)
    if before == after:
        print(f"database already at revision {after}")
    else:
        print(f"database upgraded from {before or 'empty'} to {after} (head {head_revision()})")
    if backup:
        print(f"backup of the previous database: {backup}")
    return 0


def cmd_db_current(args: argparse.Namespace, settings: Settings) -> int:
    from research.store.migrate import current_revision, head_revision

    engine = _engine(settings)
    print(f"current: {current_revision(engine) or 'none'}; head: {head_revision()}")
    return 0


def cmd_backup(args: argparse.Namespace, settings: Settings) -> int:
    from research.audit import record
    from research.store.backup import backup
    from research.store.engine import session_scope

    engine = _engine(settings)
    summary = backup(engine, Path(args.out))
    with session_scope(engine) as session:  # after the archive is complete: it records a backup that exists
        record(session=session, actor=cli_actor(), action="backup", subject=f"{summary.total} rows to {summary.path}")
    print(f"wrote {summary.total} rows from {len(summary.rows)} tables (schema {summary.revision}) to {summary.path}; "
          "it holds every answer and password hash: keep it as safe as the database")
    return 0


def cmd_audit(args: argparse.Namespace, settings: Settings) -> int:
    from datetime import datetime, timezone

    from research.audit import audit_events, record
    from research.spreadsheets import inert
    from research.store.engine import session_scope

    if args.limit < 1:
        raise FrontlineError("--limit is a number of events, 1 or more")
    since = None
    if args.since:
        try:
            since = datetime.fromisoformat(args.since).replace(tzinfo=timezone.utc)
        except ValueError:
            raise FrontlineError(f"--since {args.since!r}: write a date as YYYY-MM-DD") from None
    out = Path(args.csv) if args.csv else None
    if out is not None and out.exists():
        raise FrontlineError(f"{out} already exists; choose a new file")
    if out is not None and not out.parent.is_dir():
        raise FrontlineError(f"--csv {out}: folder {out.parent} does not exist")
    with session_scope(_migrated_engine(settings)) as session:
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


def cmd_pulse_erase(args: argparse.Namespace, settings: Settings) -> int:
    from datetime import date

    from research.pulse.retention import erase_comments
    from research.store.engine import session_scope

    try:
        before = date.fromisoformat(args.before)
    except ValueError:
        raise FrontlineError(f"--before {args.before!r}: write a date as YYYY-MM-DD") from None
    if before > date.today():
        raise FrontlineError(f"--before {before}: that day has not come yet; comments are erased only once old")
    with session_scope(_migrated_engine(settings)) as session:
        result = erase_comments(session=session, before=before, actor=cli_actor(), settings=settings,
                                dry_run=not args.yes)
    what = (f"{result.comments} comment(s), {result.replies} reply(ies) and {result.receipts} receipt(s) of "
            f"responses submitted before {before}")
    if result.erased:
        print(f"erased {what}; their scores are kept")
    else:
        print(f"would erase {what} (scores are kept); run again with --yes to erase them")
    return 0


def cmd_restore(args: argparse.Namespace, settings: Settings) -> int:
    from research.audit import record
    from research.store.backup import restore
    from research.store.engine import safe_url, session_scope

    engine = _engine(settings)
    summary = restore(engine, Path(args.archive))
    with session_scope(engine) as session:
        record(session=session, actor=cli_actor(), action="restore",
               subject=f"{summary.total} rows from {summary.path} (schema {summary.revision})")
    print(f"restored {summary.total} rows into {len(summary.rows)} tables at "
          f"{safe_url(engine.url.render_as_string(False))} from schema {summary.revision}")
    return 0


def _read_password(args: argparse.Namespace) -> str:
    if not args.password_stdin:
        raise FrontlineError("give the password on standard input with --password-stdin (never as an argument)")
    password = sys.stdin.readline()
    return password.rstrip("\r\n")


def cmd_users_add(args: argparse.Namespace, settings: Settings) -> int:
    from research.accounts import create_user
    from research.store.engine import session_scope

    password = _read_password(args)
    with session_scope(_migrated_engine(settings)) as session:
        user = create_user(session=session, username=args.username, role=args.role, password=password,
                           actor=cli_actor())
    print(f"created {user.role} {user.username}")
    return 0


def cmd_users_list(args: argparse.Namespace, settings: Settings) -> int:
    from research.accounts import list_users
    from research.store.engine import session_scope

    with session_scope(_migrated_engine(settings)) as session:
        users = list_users(session=session)
    if not users:
        print("no users yet: add one with `frontline users add --username NAME --role admin --password-stdin`")
        return 0
    print(f"{'username':<24} {'role':<11} {'status':<9} last login")
    for user in users:
        status = "active" if user.is_active else "disabled"
        last = user.last_login_at.strftime("%Y-%m-%d %H:%M UTC") if user.last_login_at else "never"
        print(f"{user.username:<24} {user.role:<11} {status:<9} {last}")
    return 0


def _set_active(args: argparse.Namespace, settings: Settings, active: bool) -> int:
    from research.accounts import set_active
    from research.store.engine import session_scope

    with session_scope(_migrated_engine(settings)) as session:
        user = set_active(session=session, username=args.username, active=active, actor=cli_actor())
    print(f"{'enabled' if active else 'disabled'} {user.username}")
    return 0


def cmd_users_passwd(args: argparse.Namespace, settings: Settings) -> int:
    from research.accounts import set_password
    from research.store.engine import session_scope

    password = _read_password(args)
    with session_scope(_migrated_engine(settings)) as session:
        user = set_password(session=session, username=args.username, password=password, actor=cli_actor())
    print(f"password changed and lock cleared for {user.username}")
    return 0


def cmd_users_unlock(args: argparse.Namespace, settings: Settings) -> int:
    """End a sign-in pause without changing the password: how an admin gets back in while a stranger guesses."""
    from research.accounts import unlock_user
    from research.store.engine import session_scope

    with session_scope(_migrated_engine(settings)) as session:
        user = unlock_user(session=session, username=args.username, actor=cli_actor())
    print(f"sign-in pause cleared for {user.username}")
    return 0


def cmd_demo(args: argparse.Namespace, settings: Settings) -> int:
    from research.demo import seed_demo
    from research.store.engine import session_scope

    with session_scope(_migrated_engine(settings)) as session:
        result = seed_demo(session=session, if_empty=args.if_empty)
    print(result.message + (": " + ", ".join(f"{v} {k}" for k, v in result.counts.items()) if result.counts else ""))
    if result.try_token:
        from research.pulse.links import link_url

        print(f"try the agent's pulse page (open link, Retail Care): {link_url(settings.public_url, result.try_token)}")
    if result.new_passwords:
        print("demo accounts (passwords are shown only now; change them with `frontline users passwd`):")
        for username, password in result.new_passwords.items():
            print(f"  {username:<12} {password}")
    return 0


def cmd_pulse_headcount(args: argparse.Namespace, settings: Settings) -> int:
    from research.audit import record
    from research.pulse.waves_admin import find_segment, find_wave, set_headcount
    from research.store.engine import session_scope

    with session_scope(_migrated_engine(settings)) as session:
        wave = find_wave(session=session, ref=args.wave)
        segment = find_segment(wave=wave, team=args.segment)
        before = segment.headcount
        set_headcount(session=session, segment_id=segment.id, headcount=args.people)
        record(session=session, actor=cli_actor(), action="headcount_set",
               subject=f"{segment.label} in {wave.title}: {before} to {args.people}")
        print(f"{segment.label} in {wave.title}: headcount {args.people}")
    return 0


def cmd_pulse_links(args: argparse.Namespace, settings: Settings) -> int:
    import csv

    from research.audit import record
    from research.pulse.links import create_links, link_url
    from research.pulse.waves_admin import find_segment, find_wave
    from research.store.engine import session_scope

    kind = "open" if args.open else "invite"
    if args.open and args.count != 1:
        raise FrontlineError("an open link serves a whole segment: leave out --count with --open")
    with session_scope(_migrated_engine(settings)) as session:
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
        with out.open("w", newline="", encoding="utf-8") as fh:
            writer = csv.writer(fh)
            writer.writerow(["wave", "segment", "kind", "link"])
            writer.writerows([wave.title, label, kind, url] for url in urls)
        print(f"wrote {len(urls)} {kind} link(s) for {label} to {out}")
    else:
        print("\n".join(urls))
    return 0


def cmd_pulse_import(args: argparse.Namespace, settings: Settings) -> int:
    from datetime import date

    from research.privacy.roster import roster_redactor
    from research.csv_input import read_csv_rows
    from research.pulse.importer import import_responses
    from research.pulse.waves_admin import find_wave
    from research.store.engine import session_scope

    mapping = {}
    for item in args.map or []:
        key, sep, column = item.partition("=")
        if not sep or not key.strip() or not column.strip():
            raise FrontlineError(f"--map {item!r}: write QUESTION_KEY=COLUMN, e.g. --map morale=Q1")
        mapping[key.strip()] = column.strip()
    if not mapping:
        raise FrontlineError("give at least one --map QUESTION_KEY=COLUMN")
    rows = read_csv_rows(Path(args.csv))
    with session_scope(_migrated_engine(settings)) as session:
        wave = find_wave(session=session, ref=args.wave)
        report = import_responses(
            session=session, wave=wave, rows=rows, mapping=mapping, redactor=roster_redactor(session=session),
            default_day=min(date.today(), wave.closes_on), segment_column=args.segment_column,
            segment=args.segment, date_column=args.date_column,
        )
    print(f"imported {report.imported} response(s); rejected {len(report.rejected)}")
    for line, reason in report.rejected:
        print(f"  line {line}: {reason}")
    return 0


@contextmanager
def _analysis_tools(settings: Settings):
    """The embedding model, the sentiment scorer and the cache beside the data, closed afterwards."""
    from research.analysis.embeddings import EmbeddingCache, load_embedding_model
    from research.analysis.sentiment import SentimentScorer

    model = load_embedding_model(settings.embedding_model)
    cache = EmbeddingCache(settings.embedding_cache_path, settings.embedding_model)
    try:
        yield model, SentimentScorer(settings.nltk_data_dir), cache
    finally:
        cache.close()


def cmd_analyze_db(args: argparse.Namespace, settings: Settings) -> int:
    from research.analysis.jobs import enqueue_job, run_job
    from research.store.engine import session_scope

    engine = _migrated_engine(settings)
    job_id = args.job
    if job_id is None:
        with session_scope(engine) as session:
            job_id = enqueue_job(session=session, requested_by="cli")
    with _analysis_tools(settings) as (model, scorer, cache):
        run_job(engine, job_id, model=model, scorer=scorer, cache=cache)
    print(f"analysis job {job_id} succeeded")
    return 0


def _stop_on_sigterm(signum, frame) -> None:
    raise KeyboardInterrupt  # the same clean stop as Ctrl-C


def cmd_worker(args: argparse.Namespace, settings: Settings) -> int:
    import logging
    import signal
    from contextlib import ExitStack

    from research.analysis.worker import default_worker_id, work
    from research.store.engine import safe_url

    if args.lease <= 0 or args.poll <= 0:
        raise FrontlineError("--lease and --poll are numbers of seconds above 0")
    worker_id = args.id or default_worker_id()
    engine = _migrated_engine(settings)
    logger = logging.getLogger("frontline.worker")  # only the worker's lines, not every library's INFO
    if not logger.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(asctime)s %(message)s"))
        logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False
    signal.signal(signal.SIGTERM, _stop_on_sigterm)
    logger.info("worker %s: taking jobs from %s (lease %g s%s)", worker_id,
                safe_url(engine.url.render_as_string(False)), args.lease,
                ", until the queue is empty" if args.once else "")
    with ExitStack() as stack:
        try:
            ran = work(engine, tools=lambda: stack.enter_context(_analysis_tools(settings)), worker_id=worker_id,
                       lease_seconds=args.lease, poll_seconds=args.poll, once=args.once)
        except KeyboardInterrupt:
            logger.info("worker %s: stopped", worker_id)
            return 0
    logger.info("worker %s: queue empty after %d job(s)", worker_id, ran)
    return 0


def _fixed(value) -> str:
    return "" if value is None or value != value else f"{value:.3f}"


def _analysis_codebook(args: argparse.Namespace):
    """The codebook (``--codebook``, else the default) and labelled examples (``--examples``) for a CSV run."""
    from interviews.codebook import codebook_from_csv
    from research.analysis.examples import examples_from_csv
    from research.codebook import DEFAULT_CODEBOOK

    codebook = list(DEFAULT_CODEBOOK)
    if args.codebook:
        codebook = codebook_from_csv(_read_file(args.codebook, "--codebook"))
    examples = None
    if args.examples:
        examples = examples_from_csv(_read_file(args.examples, "--examples"), codebook)
    return codebook, examples


def _read_file(name: str, flag: str) -> bytes:
    path = Path(name)
    if not path.is_file():
        raise FrontlineError(f"{flag} {name}: no such file")
    if path.stat().st_size > 10 * 1024 * 1024:
        raise FrontlineError(f"{flag} {name}: larger than 10 MB")
    return path.read_bytes()


def cmd_analyze(args: argparse.Namespace, settings: Settings) -> int:
    import csv

    if args.db:
        if args.input:
            raise FrontlineError("give either an INPUT file or --db, not both")
        return cmd_analyze_db(args, settings)
    if not args.input or not args.text_column or not args.out:
        raise FrontlineError("analyze needs INPUT --text-column COL --out OUT.csv (or --db for stored comments)")

    from research.analysis.pipeline import analyze_texts
    from research.csv_input import CsvInputError, read_csv_rows, require_columns

    source, out = Path(args.input), Path(args.out)
    rows = read_csv_rows(source)
    require_columns(source, rows, args.text_column, args.id_column, args.time_column, args.segment_column)
    texts = [row.get(args.text_column) or "" for row in rows]
    if not any(t.strip() for t in texts):
        raise CsvInputError(f"{source}: column {args.text_column!r} has no text in any row")
    if not out.parent.is_dir():
        raise FrontlineError(f"--out {out}: folder {out.parent} does not exist")

    codebook, examples = _analysis_codebook(args)

    def progress(stage: str, done: int, total: int) -> None:
        print(f"{stage}: {done}/{total}", file=sys.stderr, flush=True)

    with _analysis_tools(settings) as (model, scorer, cache):
        result = analyze_texts(texts, model=model, scorer=scorer, cache=cache, codebook=codebook,
                               exemplars=examples, progress=progress)
    ids = [row.get(args.id_column, "") for row in rows] if args.id_column else list(range(len(rows)))
    with out.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["id", "theme", "theme_confidence", "theme2", "theme2_confidence", "topic", "topic_label",
                         "sentiment"])
        for ident, row in zip(ids, result.rows.itertuples(index=False)):
            writer.writerow([ident, row.theme, _fixed(row.theme_confidence), row.theme2,
                             _fixed(row.theme2_confidence), row.topic, row.topic_label, f"{row.sentiment:.4f}"])
    print(f"wrote {len(rows)} rows to {out}", file=sys.stderr)
    if args.report:
        from research.analysis.report import render_report

        frame = result.rows
        if args.time_column:
            frame[args.time_column] = [row.get(args.time_column, "") for row in rows]
        Path(args.report).write_text(render_report(result, title=f"Frontline analysis of {source.name}",
                                                   time_column=args.time_column, codebook=codebook),
                                     encoding="utf-8")
        print(f"wrote report to {args.report}", file=sys.stderr)
    return 0


def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    if not APP_MAIN.exists():
        raise FrontlineError(f"the Streamlit app is missing at {APP_MAIN}: install Frontline from its source tree")
    _migrated_engine(settings)
    if not 1 <= args.port <= 65535:
        raise FrontlineError(f"--port {args.port} is not a TCP port (1-65535)")
    command = [
        sys.executable, "-m", "streamlit", "run", str(APP_MAIN),
        "--server.headless", "true",
        "--server.port", str(args.port),
        "--server.address", args.address,
        "--browser.gatherUsageStats", "false",
        "--server.fileWatcherType", "none",
        "--client.toolbarMode", "minimal",
        "--server.enableXsrfProtection", "true",
        # Tracebacks and exception messages go to the server's log, never to a browser.
        "--client.showErrorDetails", "none",
        # Tables' own toolbar download bypasses the audited, inert export: every download is a button.
        "--client.disableDataExport", "true",
    ]
    print(f"serving Frontline on http://{args.address}:{args.port}", flush=True)
    os.execv(sys.executable, command)
    return 0  # pragma: no cover - execv does not return


def build_parser() -> argparse.ArgumentParser:
    env_help = "\n".join(f"  {name}: {text}" for name, text in setting_variables().items())
    parser = argparse.ArgumentParser(
        prog="frontline",
        description="Agent-experience research toolkit for contact centres.",
        epilog="settings (environment variables):\n" + env_help,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    serve = commands.add_parser("serve", help="serve the web app (Streamlit, headless, no usage statistics)")
    serve.add_argument("--port", type=int, default=8501)
    serve.add_argument("--address", default="127.0.0.1", help="interface to listen on (default 127.0.0.1)")
    serve.set_defaults(func=cmd_serve)

    demo = commands.add_parser("demo", help="seed the Customer Service Week demo data and accounts")
    demo.add_argument("--if-empty", action="store_true", help="only seed a database with no studies or waves")
    demo.set_defaults(func=cmd_demo)

    db = commands.add_parser("db", help="database schema: upgrade, current")
    db_commands = db.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    db_commands.add_parser("upgrade", help="migrate the schema to the newest revision").set_defaults(
        func=cmd_db_upgrade)
    db_commands.add_parser("current", help="show the schema revision").set_defaults(func=cmd_db_current)

    audit = commands.add_parser("audit", help="show the audit trail of staff actions, newest first")
    audit.add_argument("--actor", help="only this username (or cli:ACCOUNT)")
    audit.add_argument("--action", help="only this action, e.g. export, sign_in_failed, backup")
    audit.add_argument("--since", help="only events from this day on (YYYY-MM-DD, UTC)")
    audit.add_argument("--limit", type=int, default=1000, help="at most this many events (default 1000)")
    audit.add_argument("--csv", help="write them to this new CSV file instead")
    audit.set_defaults(func=cmd_audit)

    backup = commands.add_parser("backup", help="write every table to a portable archive (SQLite or PostgreSQL)")
    backup.add_argument("out", help="the new archive file (.zip); an existing file is never overwritten")
    backup.set_defaults(func=cmd_backup)
    restore = commands.add_parser("restore", help="load a backup archive into a new, empty database, then upgrade it")
    restore.add_argument("archive", help="an archive written by `frontline backup`")
    restore.set_defaults(func=cmd_restore)

    pulse = commands.add_parser("pulse", help="pulse surveys: links, import, erase-comments")
    pulse_commands = pulse.add_subparsers(dest="pulse_command", metavar="ACTION", required=True)
    erase = pulse_commands.add_parser(
        "erase-comments", help="erase the comments (and replies, receipts) of responses before a day; keep scores")
    erase.add_argument("--before", required=True, help="responses submitted before this day (YYYY-MM-DD)")
    erase.add_argument("--yes", action="store_true", help="erase them; without it, only say how many would go")
    erase.set_defaults(func=cmd_pulse_erase)
    links = pulse_commands.add_parser("links", help="create invite links (single-use) or an open link for a segment")
    links.add_argument("wave", help="wave id or exact title")
    links.add_argument("--segment", required=True, help="the segment's team (or its full label)")
    links.add_argument("--count", type=int, default=1, help="how many single-use invite links (default 1)")
    links.add_argument("--open", action="store_true", help="one open link for a kiosk or team chat instead")
    links.add_argument("--csv", help="write the links to this new CSV file instead of printing them")
    links.set_defaults(func=cmd_pulse_links)
    headcount = pulse_commands.add_parser(
        "headcount", help="set how many people a segment has: the cap on its invites and open-link answers")
    headcount.add_argument("wave", help="wave id or exact title")
    headcount.add_argument("--segment", required=True, help="the segment's team (or its full label)")
    headcount.add_argument("--people", type=int, required=True, help="how many people the segment has")
    headcount.set_defaults(func=cmd_pulse_headcount)
    imports = pulse_commands.add_parser("import", help="import responses from another survey tool's CSV export")
    imports.add_argument("csv", help="the CSV file (UTF-8, header row)")
    imports.add_argument("--wave", required=True, help="wave id or exact title")
    imports.add_argument("--map", action="append", metavar="KEY=COLUMN",
                         help="question key and the CSV column holding its answers (repeat for each question)")
    where = imports.add_mutually_exclusive_group()
    where.add_argument("--segment", help="the team every row belongs to")
    where.add_argument("--segment-column", help="the column holding each row's team")
    imports.add_argument("--date-column", help="column with the submission date (YYYY-MM-DD); time is dropped")
    imports.set_defaults(func=cmd_pulse_import)

    analyze = commands.add_parser("analyze", help="themes, topics and sentiment for a CSV of comments")
    analyze.add_argument("input", nargs="?", help="CSV file (UTF-8, header row)")
    analyze.add_argument("--db", action="store_true", help="analyse the stored pulse comments as a job instead")
    analyze.add_argument("--job", type=int, help="with --db: run this queued job now, in this process")
    analyze.add_argument("--text-column")
    analyze.add_argument("--id-column", help="column to copy into the output's id (default: 0-based row number)")
    analyze.add_argument("--time-column", help="column with a date or period, for trends in the report")
    analyze.add_argument("--segment-column", help="column with a team or site")
    analyze.add_argument("--out", help="output CSV: id, theme, theme_confidence, theme2, theme2_confidence, topic, "
                                       "topic_label, sentiment")
    analyze.add_argument("--codebook", help="codebook CSV (the Codebook page's export, or just name,description)")
    analyze.add_argument("--examples", help="CSV of labelled examples (columns text, code) that teach the themes")
    analyze.add_argument("--report", help="also write a self-contained HTML report here")
    analyze.set_defaults(func=cmd_analyze)

    worker = commands.add_parser(
        "worker", help="run queued analysis jobs; start any number, on any machines sharing the database")
    worker.add_argument("--once", action="store_true", help="exit when no job is waiting instead of polling")
    worker.add_argument("--lease", type=float, default=60.0, metavar="SECONDS",
                        help="how long a job stays claimed without a heartbeat before another worker may "
                             "take it over (default 60; renewed every third of it)")
    worker.add_argument("--poll", type=float, default=2.0, metavar="SECONDS",
                        help="how often an idle worker looks for jobs (default 2)")
    worker.add_argument("--id", metavar="NAME", help="this worker's name in the jobs table (default hostname:pid)")
    worker.set_defaults(func=cmd_worker)

    users = commands.add_parser("users", help="staff accounts: add, list, disable, enable, passwd, unlock")
    user_commands = users.add_subparsers(dest="users_command", metavar="ACTION", required=True)
    add = user_commands.add_parser("add", help="create an account")
    add.add_argument("--username", required=True)
    add.add_argument("--role", required=True, help="admin, researcher or executive")
    add.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    add.set_defaults(func=cmd_users_add)
    user_commands.add_parser("list", help="list accounts").set_defaults(func=cmd_users_list)
    for name, active in (("disable", False), ("enable", True)):
        sub = user_commands.add_parser(name, help=f"{name} an account")
        sub.add_argument("username")
        sub.set_defaults(func=lambda a, s, active=active: _set_active(a, s, active))
    passwd = user_commands.add_parser("passwd", help="set a new password and end any sign-in pause")
    passwd.add_argument("username")
    passwd.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    passwd.set_defaults(func=cmd_users_passwd)
    unlock = user_commands.add_parser("unlock", help="end a sign-in pause after wrong passwords; keeps the password")
    unlock.add_argument("username")
    unlock.set_defaults(func=cmd_users_unlock)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        settings = load_settings()
        return args.func(args, settings)
    except FrontlineError as exc:
        print(f"frontline: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
