"""Every `frontline` command, its options and the function that runs it.

A command names its function as ``"module:function"`` in this package (the
``handler`` default), so building the parser imports no command's module and
:func:`research.cli.main` imports only the one that runs.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from research.settings import setting_variables

if TYPE_CHECKING:
    Commands = argparse._SubParsersAction[argparse.ArgumentParser]


def build_parser() -> argparse.ArgumentParser:
    """The whole `frontline` command line, with the settings' variables in the help's epilogue."""
    env_help = "\n".join(f"  {name}: {text}" for name, text in setting_variables().items())
    parser = argparse.ArgumentParser(
        prog="frontline",
        description="Agent-experience research toolkit for contact centres.",
        epilog="settings (environment variables):\n" + env_help,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for add in (_add_serve, _add_demo, _add_db, _add_audit, _add_backup, _add_pulse, _add_analyze, _add_worker,
                _add_users):
        add(commands)
    return parser


def _add_serve(commands: Commands) -> None:
    serve = commands.add_parser("serve", help="serve the web app (Streamlit, headless, no usage statistics)")
    serve.add_argument("--port", type=int, default=8501)
    serve.add_argument("--address", default="127.0.0.1", help="interface to listen on (default 127.0.0.1)")
    serve.set_defaults(handler="serve:run")


def _add_demo(commands: Commands) -> None:
    demo = commands.add_parser("demo", help="seed the Customer Service Week demo data and accounts")
    demo.add_argument("--if-empty", action="store_true", help="only seed a database with no studies or waves")
    demo.add_argument("--analyse", action="store_true",
                      help="then analyse the comments, unless an analysis has already succeeded, so the findings "
                           "pages open on results (a minute or two the first time)")
    demo.set_defaults(handler="demo:seed")


def _add_db(commands: Commands) -> None:
    db = commands.add_parser("db", help="database schema: upgrade, current")
    actions = db.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    actions.add_parser("upgrade", help="migrate the schema to the newest revision").set_defaults(
        handler="db:upgrade")
    actions.add_parser("current", help="show the schema revision").set_defaults(handler="db:current")


def _add_audit(commands: Commands) -> None:
    audit = commands.add_parser("audit", help="show the audit trail of staff actions, newest first")
    audit.add_argument("--actor", help="only this username (or cli:ACCOUNT)")
    audit.add_argument("--action", help="only this action, e.g. export, sign_in_failed, backup")
    audit.add_argument("--since", help="only events from this day on (YYYY-MM-DD, UTC)")
    audit.add_argument("--limit", type=int, default=1000, help="at most this many events (default 1000)")
    audit.add_argument("--csv", help="write them to this new CSV file instead")
    audit.set_defaults(handler="audit:show")


def _add_backup(commands: Commands) -> None:
    backup = commands.add_parser("backup", help="write every table to a portable archive (SQLite or PostgreSQL)")
    backup.add_argument("out", help="the new archive file (.zip); an existing file is never overwritten")
    backup.set_defaults(handler="backup:backup")
    restore = commands.add_parser("restore", help="load a backup archive into a new, empty database, then upgrade it")
    restore.add_argument("archive", help="an archive written by `frontline backup`")
    restore.set_defaults(handler="backup:restore")


def _add_pulse(commands: Commands) -> None:
    pulse = commands.add_parser("pulse", help="pulse surveys: links, import, erase-comments, redact-again")
    actions = pulse.add_subparsers(dest="pulse_command", metavar="ACTION", required=True)
    erase = actions.add_parser(
        "erase-comments", help="erase the comments (and replies, receipts) of responses before a day; keep scores")
    erase.add_argument("--before", required=True, help="responses submitted before this day (YYYY-MM-DD)")
    erase.add_argument("--yes", action="store_true", help="erase them; without it, only say how many would go")
    erase.set_defaults(handler="pulse:erase")
    again = actions.add_parser(
        "redact-again", help="redact every stored comment again with today's rules and roster (after saving one)")
    again.add_argument("--yes", action="store_true", help="change them; without it, only say how many would change")
    again.set_defaults(handler="pulse:redact_again")
    links = actions.add_parser("links", help="create invite links (single-use) or an open link for a segment")
    links.add_argument("wave", help="wave id or exact title")
    links.add_argument("--segment", required=True, help="the segment's team (or its full label)")
    links.add_argument("--count", type=int, default=1, help="how many single-use invite links (default 1)")
    links.add_argument("--open", action="store_true", help="one open link for a kiosk or team chat instead")
    links.add_argument("--csv", help="write the links to this new CSV file instead of printing them")
    links.set_defaults(handler="pulse:links")
    headcount = actions.add_parser(
        "headcount", help="set how many people a segment has: the cap on its invites and open-link answers")
    headcount.add_argument("wave", help="wave id or exact title")
    headcount.add_argument("--segment", required=True, help="the segment's team (or its full label)")
    headcount.add_argument("--people", type=int, required=True, help="how many people the segment has")
    headcount.set_defaults(handler="pulse:headcount")
    imports = actions.add_parser("import", help="import responses from another survey tool's CSV export")
    imports.add_argument("csv", help="the CSV file (UTF-8, header row)")
    imports.add_argument("--wave", required=True, help="wave id or exact title")
    imports.add_argument("--map", action="append", metavar="KEY=COLUMN",
                         help="question key and the CSV column holding its answers (repeat for each question)")
    where = imports.add_mutually_exclusive_group()
    where.add_argument("--segment", help="the team every row belongs to")
    where.add_argument("--segment-column", help="the column holding each row's team")
    imports.add_argument("--date-column", help="column with the submission date (YYYY-MM-DD); time is dropped")
    imports.set_defaults(handler="pulse:imports")


def _add_analyze(commands: Commands) -> None:
    analyze = commands.add_parser("analyze", help="themes, topics and sentiment for a CSV of comments")
    analyze.add_argument("input", nargs="?", help="CSV file (UTF-8, header row)")
    analyze.add_argument("--db", action="store_true", help="analyse the stored pulse comments as a job instead")
    analyze.add_argument("--job", type=int, help="with --db: run this queued job now, in this process")
    analyze.add_argument("--text-column", help='column with the comments (default: the column named "text")')
    analyze.add_argument("--id-column", help="column to copy into the output's id (default: the column called id, "
                                             "in any case, else the 0-based row number)")
    analyze.add_argument("--time-column", help="column with a date or period, for trends in the report")
    analyze.add_argument("--segment-column", help="column with a team or site")
    analyze.add_argument("--out", help="output CSV: id, theme, theme_confidence, theme2, theme2_confidence, topic, "
                                       "topic_label, sentiment")
    analyze.add_argument("--codebook", help="codebook CSV (the Codebook page's export, or just name,description)")
    analyze.add_argument("--examples", help="CSV of labelled examples (columns text, code) that teach the themes")
    analyze.add_argument("--report", help="also write a self-contained HTML report here")
    analyze.set_defaults(handler="analyze:run")


def _add_worker(commands: Commands) -> None:
    worker = commands.add_parser(
        "worker", help="run queued analysis jobs; start any number, on any machines sharing the database")
    worker.add_argument("--once", action="store_true", help="exit when no job is waiting instead of polling")
    worker.add_argument("--lease", type=float, default=60.0, metavar="SECONDS",
                        help="how long a job stays claimed without a heartbeat before another worker may "
                             "take it over (default 60; renewed every third of it)")
    worker.add_argument("--poll", type=float, default=2.0, metavar="SECONDS",
                        help="how often an idle worker looks for jobs (default 2)")
    worker.add_argument("--id", metavar="NAME", help="this worker's name in the jobs table (default hostname:pid)")
    worker.add_argument("--prune", action="store_true",
                        help="only prune old job results and unused cache entries, once, then exit (workers "
                             "also do it after each job; see FRONTLINE_KEEP_JOB_RESULTS, FRONTLINE_CACHE_UNUSED_DAYS)")
    worker.set_defaults(handler="worker:run")


def _add_users(commands: Commands) -> None:
    users = commands.add_parser("users", help="staff accounts: add, list, disable, enable, passwd, unlock")
    actions = users.add_subparsers(dest="users_command", metavar="ACTION", required=True)
    add = actions.add_parser("add", help="create an account")
    add.add_argument("--username", required=True)
    add.add_argument("--role", required=True, help="admin, researcher or executive")
    add.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    add.set_defaults(handler="users:add")
    actions.add_parser("list", help="list accounts").set_defaults(handler="users:show")
    for name in ("disable", "enable"):
        sub = actions.add_parser(name, help=f"{name} an account")
        sub.add_argument("username")
        sub.set_defaults(handler=f"users:{name}")
    passwd = actions.add_parser("passwd", help="set a new password and end any sign-in pause")
    passwd.add_argument("username")
    passwd.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    passwd.set_defaults(handler="users:passwd")
    unlock = actions.add_parser("unlock", help="end a sign-in pause after wrong passwords; keeps the password")
    unlock.add_argument("username")
    unlock.set_defaults(handler="users:unlock")
