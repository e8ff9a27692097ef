"""Workers: processes that take analysis jobs from the jobs table, on any number of machines.

A worker *claims* a job in one transaction: the oldest job that is queued, or
running under a lease that has expired because its worker died. On PostgreSQL
the claim locks the row with ``FOR UPDATE SKIP LOCKED``, so concurrent claimers
each get a different job without waiting for one another; on SQLite the write
lock taken at ``BEGIN IMMEDIATE`` (see :mod:`research.store.engine`) makes
claimers take turns.

A claim is the pair (worker id, attempt number). While the job runs, a
heartbeat thread keeps pushing its lease forward; every later write of the job,
progress included, names the claim in its ``WHERE`` clause. A worker that lost
its lease (it stalled and another worker took the job over) therefore finds its
writes refused: the final transaction marks the job succeeded and inserts the
results only if it still owns the claim, so each job's results are written
exactly once, and results of earlier jobs are never touched.

Lease times are compared with the workers' clocks, so machines running workers
should keep their clocks synchronised (NTP) to well within a lease.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Engine, Row, and_, delete, exists, or_, select, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from interviews.codebook import analysis_codebook
from interviews.corpus import coded_examples
from research.analysis.embeddings import backend_of
from research.analysis.gap_steps import record_gap_groups
from research.analysis.pipeline import analyze_texts
from research.analysis.retention import Retention, prune_machine_data
from research.errors import FrontlineError
from research.pulse.comment_codes import coded_comment_examples
from research.settings import load_settings
from research.store.engine import rows_changed, session_scope
from research.store.models import AnalysisJob, PulseAnswer, PulseQuestion, TextAnalysis, TopicSummary, utcnow

log = logging.getLogger("frontline.worker")

DEFAULT_LEASE_SECONDS = 60.0
DEFAULT_POLL_SECONDS = 2.0
MAX_ATTEMPTS = 3
"""Claims a job may have before a worker dying on it once more fails it instead of retrying it for ever."""


class ClaimLost(FrontlineError):
    """This worker's claim on a job has ended: another worker took the job over after the lease expired."""


@dataclass(frozen=True)
class ClaimedJob:
    """A worker's hold on one job: the job, who holds it, which attempt this is and the lease length."""

    job_id: int
    worker_id: str
    attempt: int
    lease_seconds: float


def default_worker_id() -> str:
    """``hostname:pid``, unique across the machines sharing a queue."""
    return f"{socket.gethostname()}:{os.getpid()}"


def stored_comments(*, session: Session) -> Sequence[Row[uuid.UUID, str | None]]:
    """(answer id, text) of every pulse free-text answer, in a stable order."""
    return session.execute(
        select(PulseAnswer.id, PulseAnswer.value_text)
        .join(PulseQuestion, PulseQuestion.id == PulseAnswer.question_id)
        .where(PulseQuestion.kind == "text", PulseAnswer.value_text.is_not(None), PulseAnswer.value_text != "")
        .order_by(PulseAnswer.id)
    ).all()


def _claimable(now: datetime):
    # A running job without a lease was started before leases existed; its process is long gone.
    expired = or_(AnalysisJob.lease_expires_at.is_(None), AnalysisJob.lease_expires_at < now)
    return or_(AnalysisJob.status == "queued", and_(AnalysisJob.status == "running", expired))


def _owned(claim: ClaimedJob):
    return and_(AnalysisJob.id == claim.job_id, AnalysisJob.claimed_by == claim.worker_id,
                AnalysisJob.attempts == claim.attempt, AnalysisJob.status == "running")


def has_claimable_job(engine: Engine, *, now: datetime | None = None) -> bool:
    """Whether a job is waiting for a worker (read only: lets a worker load its models only when needed)."""
    with session_scope(engine) as session:
        return bool(session.scalar(select(exists().where(_claimable(now or utcnow())))))


def _take(session, job: AnalysisJob, *, worker_id: str, lease_seconds: float, now: datetime) -> ClaimedJob:
    if job.status == "running":
        # Results are only written by the final, claim-guarded transaction, so there should be none;
        # clearing them anyway keeps a re-run's rows the only rows of its job.
        session.execute(delete(TextAnalysis).where(TextAnalysis.job_id == job.id))
        session.execute(delete(TopicSummary).where(TopicSummary.job_id == job.id))
    job.status, job.claimed_by, job.attempts = "running", worker_id, (job.attempts or 0) + 1
    job.lease_expires_at = now + timedelta(seconds=lease_seconds)
    job.started_at = job.heartbeat_at = now
    job.stage, job.done, job.total, job.error, job.finished_at = "claimed", 0, 0, "", None
    session.flush()
    return ClaimedJob(job.id, worker_id, job.attempts, lease_seconds)


def claim_next_job(engine: Engine, *, worker_id: str, lease_seconds: float = DEFAULT_LEASE_SECONDS,
                   now: datetime | None = None, max_attempts: int = MAX_ATTEMPTS) -> ClaimedJob | None:
    """Claim the oldest queued job, or the oldest running job whose lease has expired; None if there is none.

    A job whose worker died ``max_attempts`` times is marked failed instead of being claimed again, so a
    job that kills its worker (running out of memory, say) cannot take every worker down in turn.
    """
    now = now or utcnow()
    with session_scope(engine) as session:
        while True:
            # SKIP LOCKED: a job another worker is claiming right now is passed over, not waited for.
            # SQLAlchemy renders no FOR UPDATE on SQLite, where BEGIN IMMEDIATE already serialises claimers.
            job = session.scalar(select(AnalysisJob).where(_claimable(now)).order_by(AnalysisJob.id)
                                 .limit(1).with_for_update(skip_locked=True))
            if job is None:
                return None
            if job.status == "running" and (job.attempts or 0) >= max_attempts:
                job.status, job.finished_at, job.lease_expires_at = "failed", now, None
                job.error = f"its worker stopped answering on each of {job.attempts} attempts"
                session.flush()
                continue
            return _take(session, job, worker_id=worker_id, lease_seconds=lease_seconds, now=now)


def claim_job(engine: Engine, job_id: int, *, worker_id: str, lease_seconds: float = DEFAULT_LEASE_SECONDS,
              now: datetime | None = None) -> ClaimedJob:
    """Claim one particular queued job (``frontline analyze --db --job N``).

    Raises:
        FrontlineError: there is no such job, or it is not queued.
    """
    with session_scope(engine) as session:
        job = session.get(AnalysisJob, job_id, with_for_update=True)
        if job is None:
            raise FrontlineError(f"no analysis job {job_id}")
        if job.status != "queued":
            raise FrontlineError(f"analysis job {job_id} is {job.status}, not queued")
        return _take(session, job, worker_id=worker_id, lease_seconds=lease_seconds, now=now or utcnow())


def extend_lease(engine: Engine, claim: ClaimedJob, *, now: datetime | None = None) -> bool:
    """Push the claim's lease ``lease_seconds`` past ``now``; False when the claim has been lost."""
    now = now or utcnow()
    with session_scope(engine) as session:
        return rows_changed(session.execute(update(AnalysisJob).where(_owned(claim)).values(
            lease_expires_at=now + timedelta(seconds=claim.lease_seconds), heartbeat_at=now))) == 1


def release_claim(engine: Engine, claim: ClaimedJob) -> bool:
    """Give a job back to the queue untouched (the worker is stopping); False if it was no longer ours."""
    with session_scope(engine) as session:
        return rows_changed(session.execute(update(AnalysisJob).where(_owned(claim)).values(
            status="queued", claimed_by="", lease_expires_at=None, stage="", done=0, total=0))) == 1


def record_success(engine: Engine, claim: ClaimedJob, *, comments: Sequence[tuple], result,
                   step: int | None = None) -> bool:
    """Mark the job succeeded and insert its results, in one transaction, only if the claim still holds.

    The same transaction records which gap comparisons the job may show (:mod:`research.analysis.gap_steps`),
    in steps of ``step`` people (the score threshold of the settings when not given), so no page reads the
    results before that is decided.

    Returns False, having written nothing, when another worker has taken the job over.
    """
    step = load_settings().min_group_size if step is None else step
    with session_scope(engine) as session:
        won = rows_changed(session.execute(update(AnalysisJob).where(_owned(claim)).values(
            status="succeeded", stage="done", finished_at=utcnow(), lease_expires_at=None,
            stability=result.topics.stability)))
        if won != 1:
            return False
        session.add_all(
            TextAnalysis(job_id=claim.job_id, answer_id=answer_id, theme=row.theme, topic=int(row.topic),
                         sentiment=float(row.sentiment), theme_confidence=_number(row.theme_confidence),
                         theme2=row.theme2, theme2_confidence=_number(row.theme2_confidence))
            for (answer_id, _), row in zip(comments, result.rows.itertuples(index=False))
        )
        session.add_all(
            TopicSummary(job_id=claim.job_id, topic=topic, label=label[:300],
                         size=result.topics.sizes.get(topic, 0), words=result.topics.words.get(topic, []))
            for topic, label in result.topics.labels.items()
        )
        session.flush()
        record_gap_groups(session=session, job_id=claim.job_id, step=step)
    return True


def _number(value) -> float | None:
    return None if value is None or value != value else float(value)


def record_failure(engine: Engine, claim: ClaimedJob, reason: str) -> bool:
    """Mark the job failed with a one-line reason if the claim still holds; False otherwise."""
    with session_scope(engine) as session:
        return rows_changed(session.execute(update(AnalysisJob).where(_owned(claim)).values(
            status="failed", error=reason[:2000], finished_at=utcnow(), lease_expires_at=None))) == 1


def _record_progress(engine: Engine, claim: ClaimedJob, stage: str, done: int, total: int) -> None:
    with session_scope(engine) as session:
        if rows_changed(session.execute(update(AnalysisJob).where(_owned(claim)).values(
                stage=stage, done=done, total=total, heartbeat_at=utcnow()))) != 1:
            raise ClaimLost(f"analysis job {claim.job_id} was taken over by another worker")


class _Heartbeat:
    """A thread extending the claim's lease every third of the lease while the job runs."""

    def __init__(self, engine: Engine, claim: ClaimedJob):
        self._engine, self._claim = engine, claim
        self._stop = threading.Event()
        self.lost = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"lease-{claim.job_id}", daemon=True)

    def _run(self) -> None:
        while not self._stop.wait(self._claim.lease_seconds / 3):
            try:
                if not extend_lease(self._engine, self._claim):
                    self.lost.set()
                    return
            except DBAPIError as exc:  # the database is briefly away: try again next beat
                log.warning("job %s: could not extend the lease: %s", self._claim.job_id, _one_line(exc))

    def __enter__(self) -> _Heartbeat:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


AfterSuccess = Callable[[int], object]
"""Called with a job's id once its results are stored, for what is derived from them once per job rather than
on every page (the CLI passes :func:`research.findings.topic_labels.store_topic_labels`)."""


def run_claimed_job(engine: Engine, claim: ClaimedJob, *, model, scorer, cache=None, seed: int = 42,
                    after_success: AfterSuccess | None = None) -> bool:
    """Run the analysis of a claimed job, keeping its lease alive, and store the results.

    Returns True when this worker stored the results, False when another worker took the job over
    (this worker's results are then discarded). An error in the analysis is recorded on the job and
    re-raised. An interruption (Ctrl-C, or SIGTERM turned into one) gives the job back to the queue and
    re-raises: results are written only in the final transaction, so nothing is left half-written.
    ``after_success`` runs once the results are stored; if it fails, that is logged and the job stays
    succeeded (what it derives is then derived by whoever needs it).
    """
    try:
        with _Heartbeat(engine, claim) as heartbeat:
            with session_scope(engine) as session:
                comments = stored_comments(session=session)
                exemplars = coded_examples(session=session)
                for key, texts in coded_comment_examples(session=session).items():  # pulse comments coded too
                    exemplars.setdefault(key, []).extend(t for t in texts if t not in exemplars[key])
                codebook = analysis_codebook(session=session)

            def progress(stage: str, done: int, total: int) -> None:
                if heartbeat.lost.is_set():
                    raise ClaimLost(f"analysis job {claim.job_id} was taken over by another worker")
                _record_progress(engine, claim, stage, done, total)

            progress("loading", 0, len(comments))
            texts = [text or "" for _, text in comments]  # the query leaves out empty answers
            result = analyze_texts(texts, model=model, scorer=scorer, cache=cache,
                                   seed=seed, codebook=codebook, exemplars=exemplars, progress=progress)
            stored = record_success(engine, claim, comments=comments, result=result)
    except ClaimLost:
        return False
    except Exception as exc:
        if not record_failure(engine, claim, _one_line(exc)):
            return False
        raise
    except BaseException:
        release_claim(engine, claim)
        raise
    if stored and after_success is not None:
        _after(after_success, claim.job_id)
    return stored


def _after(after_success: AfterSuccess, job_id: int) -> None:
    try:
        after_success(job_id)
    except Exception as exc:  # the results are stored either way; what it derives a page can derive itself
        log.warning("job %s: stored, but the step after it failed (%s: %s)", job_id, type(exc).__name__,
                    _one_line(exc))


AnalysisTools = Callable[[], tuple]
"""Returns (model, scorer, cache); called once, when a worker first finds a job."""


def prune_after_job(engine: Engine, *, retention: Retention, cache, worker_id: str) -> None:
    """Apply ``retention`` (see :mod:`research.analysis.retention`) after a job; a failure is logged, not raised,
    because the job is already recorded and the next job prunes again."""
    try:
        prune_machine_data(engine, retention=retention, cache=cache)
    except (DBAPIError, FrontlineError) as exc:
        log.warning("worker %s: pruning old results failed (%s); the next job tries again", worker_id,
                    type(exc).__name__)


def work(engine: Engine, *, tools: AnalysisTools, worker_id: str | None = None,
         lease_seconds: float = DEFAULT_LEASE_SECONDS, poll_seconds: float = DEFAULT_POLL_SECONDS,
         once: bool = False, stop: threading.Event | None = None, max_attempts: int = MAX_ATTEMPTS,
         retention: Retention | None = None, after_success: AfterSuccess | None = None) -> int:
    """Claim and run jobs until ``stop`` is set (or, with ``once``, until no job is waiting).

    The models come from ``tools`` and are loaded only when there is a job, so an idle worker (or one
    started just in case) stays light. One line per job is logged. After each job, with ``retention``,
    old jobs' results and unused cache entries are pruned. ``after_success``: see :func:`run_claimed_job`.
    Returns the number of jobs run.
    """
    worker_id = worker_id or default_worker_id()
    stop = stop or threading.Event()
    loaded: tuple | None = None
    ran = 0
    while not stop.is_set():
        try:
            waiting = has_claimable_job(engine)
            if waiting and loaded is None:
                loaded = tools()
                log.info("worker %s: embeddings run on %s", worker_id, backend_of(loaded[0]))
            claim = claim_next_job(engine, worker_id=worker_id, lease_seconds=lease_seconds,
                                   max_attempts=max_attempts) if waiting else None
        except DBAPIError as exc:
            if once:
                raise
            log.warning("worker %s: database unavailable (%s); retrying in %s s", worker_id, _one_line(exc),
                        poll_seconds)
            stop.wait(poll_seconds)
            continue
        if claim is None:
            if once and not waiting:
                break
            # Nothing waiting: poll. A job waiting but not won: another worker is claiming it; look again soon.
            stop.wait(poll_seconds if not waiting else min(poll_seconds, 0.2))
            continue
        if loaded is None:  # a claim is only tried once the tools are loaded
            raise RuntimeError("a job was claimed before the analysis tools were loaded")
        model, scorer, cache = loaded
        started = time.monotonic()
        try:
            stored = run_claimed_job(engine, claim, model=model, scorer=scorer, cache=cache,
                                     after_success=after_success)
        except Exception as exc:  # recorded on the job by run_claimed_job; the worker goes on
            log.info("job %s attempt %s: failed after %.1f s: %s", claim.job_id, claim.attempt,
                     time.monotonic() - started, _one_line(exc))
        else:
            outcome = "succeeded" if stored else "taken over by another worker; results discarded"
            log.info("job %s attempt %s: %s after %.1f s", claim.job_id, claim.attempt, outcome,
                     time.monotonic() - started)
        if retention is not None:
            prune_after_job(engine, retention=retention, cache=cache, worker_id=worker_id)
        ran += 1
    return ran
