"""``frontline worker``: a process that runs queued analysis jobs until stopped (or the queue is empty)."""

from __future__ import annotations

import argparse
import logging
import signal
import sys
from contextlib import ExitStack

from research.analysis.worker import default_worker_id, work
from research.cli.common import migrated_engine
from research.cli.tools import analysis_tools
from research.errors import FrontlineError
from research.settings import Settings
from research.store.engine import safe_url


def _stop_on_sigterm(signum, frame) -> None:
    raise KeyboardInterrupt  # the same clean stop as Ctrl-C


def _logger() -> logging.Logger:
    logger = logging.getLogger("frontline.worker")  # only the worker's lines, not every library's INFO
    if not logger.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(asctime)s %(message)s"))
        logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False
    return logger


def run(args: argparse.Namespace, settings: Settings) -> int:
    if args.lease <= 0 or args.poll <= 0:
        raise FrontlineError("--lease and --poll are numbers of seconds above 0")
    worker_id = args.id or default_worker_id()
    engine = migrated_engine(settings)
    logger = _logger()
    signal.signal(signal.SIGTERM, _stop_on_sigterm)
    logger.info("worker %s: taking jobs from %s (lease %g s%s)", worker_id,
                safe_url(engine.url.render_as_string(False)), args.lease,
                ", until the queue is empty" if args.once else "")
    with ExitStack() as stack:
        try:
            ran = work(engine, tools=lambda: stack.enter_context(analysis_tools(settings)), worker_id=worker_id,
                       lease_seconds=args.lease, poll_seconds=args.poll, once=args.once)
        except KeyboardInterrupt:
            logger.info("worker %s: stopped", worker_id)
            return 0
    logger.info("worker %s: queue empty after %d job(s)", worker_id, ran)
    return 0
