"""Retention for machine data: old analysis jobs' results and unused cache entries go, so neither grows for ever.

Every run of the analysis writes one row per comment and one per topic under its job; pages only ever read
the newest succeeded job's. The worker therefore prunes after each job it finishes (and ``frontline worker
--prune`` does it once): the results and rows of finished jobs beyond the newest
``FRONTLINE_KEEP_JOB_RESULTS``, and the embedding cache's entries not used for
``FRONTLINE_CACHE_UNUSED_DAYS`` days. Jobs still queued or running, the newest succeeded job (the one the
pages show), and the one the pages showed until a moment ago are never pruned. What was pruned is logged as
counts only: nothing here ever names a comment. The same pass deletes the sealed link copies of closed waves
(:mod:`research.pulse.link_copies`), which would otherwise wait for someone to open the Pulse links page.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Engine, delete, select
from sqlalchemy.orm import Session

from research.pulse.link_copies import forget_closed
from research.settings import Settings
from research.store.embedding_cache import EmbeddingCache
from research.store.engine import rows_changed, session_scope
from research.store.models import AnalysisJob, TextAnalysis, TopicSummary, utcnow

log = logging.getLogger("frontline.worker")

FINISHED = ("succeeded", "failed")
SHOWN_GRACE = timedelta(minutes=10)
"""How long the succeeded job a newer one replaced is kept anyway: a page that looked up the newest job just
before the replacement may still be reading its results."""


@dataclass(frozen=True)
class Retention:
    """How much machine data a worker keeps: results of the newest ``keep_job_results`` finished jobs, and
    cache entries used within ``cache_unused_days`` days."""

    keep_job_results: int = 5
    cache_unused_days: int = 90

    @classmethod
    def from_settings(cls, settings: Settings) -> Retention:
        return cls(keep_job_results=settings.keep_job_results, cache_unused_days=settings.cache_unused_days)


@dataclass(frozen=True)
class PrunedJobs:
    """How many finished jobs were pruned, with how many per-comment results and topics they held."""

    jobs: int = 0
    comment_results: int = 0
    topics: int = 0


def prunable_jobs(*, session: Session, keep: int, now: datetime | None = None) -> list[int]:
    """Ids of the finished jobs beyond the newest ``keep`` (by id, the order pages use), oldest first.

    Never listed: a queued or running job, the newest succeeded job, and the succeeded job before it while
    the newest finished less than :data:`SHOWN_GRACE` ago.
    """
    if keep < 1:
        raise ValueError("keep at least the newest finished job")  # a programming error: settings say >= 1
    now = now or utcnow()
    succeeded = session.scalars(select(AnalysisJob.id).where(AnalysisJob.status == "succeeded")
                                .order_by(AnalysisJob.id.desc()).limit(2)).all()
    protected = set(succeeded[:1])
    if len(succeeded) == 2 and session.scalar(select(AnalysisJob.id).where(
            AnalysisJob.id == succeeded[0], AnalysisJob.finished_at > now - SHOWN_GRACE)) is not None:
        protected.add(succeeded[1])
    finished = session.scalars(select(AnalysisJob.id).where(AnalysisJob.status.in_(FINISHED))
                               .order_by(AnalysisJob.id.desc()).offset(keep)).all()
    return sorted(set(finished) - protected)


def prune_job_results(engine: Engine, *, keep: int, now: datetime | None = None) -> PrunedJobs:
    """Delete the finished jobs :func:`prunable_jobs` lists, with their results, in one transaction.

    Each delete also names the job's status, so a job cannot be deleted if it were somehow queued again.
    """
    jobs = results = topics = 0
    with session_scope(engine) as session:
        ids = prunable_jobs(session=session, keep=keep, now=now)
        for start in range(0, len(ids), 500):  # well under every database's parameter limit
            chunk = ids[start:start + 500]
            results += rows_changed(session.execute(delete(TextAnalysis).where(TextAnalysis.job_id.in_(chunk))))
            topics += rows_changed(session.execute(delete(TopicSummary).where(TopicSummary.job_id.in_(chunk))))
            jobs += rows_changed(session.execute(delete(AnalysisJob).where(
                AnalysisJob.id.in_(chunk), AnalysisJob.status.in_(FINISHED))))
    return PrunedJobs(jobs=jobs, comment_results=results, topics=topics)


def prune_machine_data(engine: Engine, *, retention: Retention, cache: EmbeddingCache | None,
                       now: datetime | None = None) -> tuple[PrunedJobs, int]:
    """Prune old jobs' results and evict unused cache entries; log the counts. Returns (jobs, cache rows).

    ``cache`` is None where the worker keeps none (tests, or no cache file yet), and then only jobs are pruned.
    """
    pruned = prune_job_results(engine, keep=retention.keep_job_results, now=now)
    with session_scope(engine) as session:  # sealed link copies outlive no wave, even one nobody opens again
        copies = forget_closed(session=session, today=(now or utcnow()).date())
    if copies:
        log.info("retention: deleted %d sealed link cop%s of closed waves", copies, "y" if copies == 1 else "ies")
    evicted = cache.evict_unused(retention.cache_unused_days) if cache is not None else 0
    if pruned.jobs or evicted:
        log.info("retention: pruned %d finished job(s) with %d comment result(s) and %d topic(s); "
                 "evicted %d cache entr%s unused for %d days", pruned.jobs, pruned.comment_results, pruned.topics,
                 evicted, "y" if evicted == 1 else "ies", retention.cache_unused_days)
    return pruned, evicted
