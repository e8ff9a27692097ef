"""``frontline demo``: the Customer Service Week demo data and accounts."""

from __future__ import annotations

import argparse

from research.analysis.jobs import current_results_job, enqueue_job, latest_job
from research.cli import worker
from research.cli.common import migrated_engine
from research.cli.parser import build_parser
from research.demo import seed_demo
from research.pulse.links import link_url
from research.settings import Settings
from research.store.engine import session_scope


def seed(args: argparse.Namespace, settings: Settings) -> int:
    engine = migrated_engine(settings)
    with session_scope(engine) as session:
        result = seed_demo(session=session, if_empty=args.if_empty)
    print(result.message + (": " + ", ".join(f"{v} {k}" for k, v in result.counts.items()) if result.counts else ""))
    if result.try_token:
        print(f"try the agent's pulse page (open link, Retail Care): {link_url(settings.public_url, result.try_token)}")
    if result.new_passwords:
        print("demo accounts (passwords are shown only now; change them with `frontline users passwd`):")
        for username, password in result.new_passwords.items():
            print(f"  {username:<12} {password}")
    if args.analyse:
        return _analyse(engine, settings)
    return 0


def _analyse(engine, settings: Settings) -> int:
    """Queue the demo's analysis and run it here, as a worker that stops when the queue is empty.

    Without it an executive's first look at the demo is "no analysis has run yet" on every findings page.
    """
    with session_scope(engine) as session:
        if current_results_job(session=session) is not None:
            return 0
        waiting = latest_job(session=session)
        if waiting is None or waiting.status not in ("queued", "running"):
            enqueue_job(session=session, requested_by="demo")
    print("analysing the demo comments (themes, topics, sentiment) so the findings pages open on results")
    return worker.run(build_parser().parse_args(["worker", "--once"]), settings)  # the worker's own defaults
