"""``frontline worker``: a process that runs queued analysis jobs until stopped (or the queue is empty).

After each job it prunes old results and unused cache entries; ``--prune`` does only that, once (for cron
where workers rarely run).
"""

from __future__ import annotations

import argparse
import logging
import signal
import sys
from contextlib import ExitStack
from functools import partial

from research.analysis.retention import Retention, prune_machine_data
from research.analysis.worker import default_worker_id, work
from research.cli.common import migrated_engine
from research.cli.tools import analysis_tools
from research.errors import FrontlineError
from research.findings.topic_labels import store_topic_labels
from research.privacy.reporting import Thresholds
from research.settings import Settings
from research.store.embedding_cache import EmbeddingCache
from research.store.engine import safe_url


def _stop_on_sigterm(signum, frame) -> None:
    raise KeyboardInterrupt  # the same clean stop as Ctrl-C


class _CurrentStderr(logging.StreamHandler):
    """Writes to ``sys.stderr`` as it is when a line is logged, not as it was when the worker first started in
    this process: a second in-process run (a test's captured stream, a redirected one) gets its own lines."""

    @property
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, value) -> None:
        pass


def _logger() -> logging.Logger:
    logger = logging.getLogger("frontline.worker")  # only the worker's lines, not every library's INFO
    if not logger.handlers:
        handler = _CurrentStderr()
        handler.setFormatter(logging.Formatter("%(asctime)s %(message)s"))
        logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False
    return logger


def _prune_once(settings: Settings) -> int:
    """``--prune``: the retention a worker applies after each job, without loading any model."""
    engine = migrated_engine(settings)
    _logger()
    path = settings.embedding_cache_path
    cache = EmbeddingCache(path, settings.embedding_model) if path.exists() else None
    try:
        pruned, evicted = prune_machine_data(engine, retention=Retention.from_settings(settings), cache=cache)
    finally:
        if cache is not None:
            cache.close()
    print(f"pruned {pruned.jobs} finished analysis job(s) ({pruned.comment_results} comment results, "
          f"{pruned.topics} topics); evicted {evicted} cache entries unused for {settings.cache_unused_days} days")
    return 0


def run(args: argparse.Namespace, settings: Settings) -> int:
    if args.prune:
        return _prune_once(settings)
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
                       lease_seconds=args.lease, poll_seconds=args.poll, once=args.once,
                       retention=Retention.from_settings(settings),
                       after_success=partial(store_topic_labels, engine, thresholds=Thresholds.from_settings(settings)))
        except KeyboardInterrupt:
            logger.info("worker %s: stopped", worker_id)
            return 0
    logger.info("worker %s: queue empty after %d job(s)", worker_id, ran)
    return 0
