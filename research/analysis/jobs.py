"""Analysis of stored comments as jobs recorded in the jobs table.

The app only enqueues a job and, unless workers run as services of their own
(``FRONTLINE_WORKERS=separate``), starts a ``frontline worker --once`` process;
it then polls the job's status and progress. Workers (:mod:`research.analysis.worker`)
claim and run the jobs. Results are written under the job's id and become
visible only when the job succeeds, so a failed or killed run leaves the
previous results in place and says why.
"""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from research.analysis.worker import (
    DEFAULT_LEASE_SECONDS,
    AfterSuccess,
    claim_job,
    default_worker_id,
    run_claimed_job,
)
from research.errors import FrontlineError
from research.settings import Settings
from research.store.models import AnalysisJob, TopicSummary


def enqueue_job(*, session: Session, requested_by: str = "") -> int:
    job = AnalysisJob(status="queued", requested_by=requested_by)
    session.add(job)
    session.flush()
    return job.id


@dataclass(frozen=True)
class JobProgress:
    """Where one job stands, read inside the session, for the page that polls it."""

    id: int
    status: str
    stage: str
    done: int
    total: int
    error: str


def latest_job(*, session: Session) -> JobProgress | None:
    """The newest job's status and progress, or None before any job."""
    row = session.execute(
        select(AnalysisJob.id, AnalysisJob.status, AnalysisJob.stage, AnalysisJob.done, AnalysisJob.total,
               AnalysisJob.error).order_by(AnalysisJob.id.desc()).limit(1)
    ).first()
    return None if row is None else JobProgress(*row)


def current_results_job(*, session: Session) -> int | None:
    """The newest job that succeeded: the one whose results the pages show."""
    return session.scalar(select(AnalysisJob.id).where(AnalysisJob.status == "succeeded")
                          .order_by(AnalysisJob.id.desc()).limit(1))


def run_job(engine: Engine, job_id: int, *, model, scorer, cache=None, seed: int = 42,
            worker_id: str | None = None, lease_seconds: float | None = None,
            after_success: AfterSuccess | None = None) -> None:
    """Run one queued job to the end in this process, recording progress; on failure record why and re-raise.

    This is ``frontline analyze --db --job N``: the job is claimed exactly as a worker claims it, with a
    lease kept alive while it runs, so if this process dies a worker takes the job over. ``after_success``:
    see :func:`research.analysis.worker.run_claimed_job`.

    Raises:
        FrontlineError: the job does not exist, is not queued, or was taken over by a worker
            because this process stopped renewing its lease.
    """
    claim = claim_job(engine, job_id, worker_id=worker_id or default_worker_id(),
                      lease_seconds=lease_seconds or DEFAULT_LEASE_SECONDS)
    if not run_claimed_job(engine, claim, model=model, scorer=scorer, cache=cache, seed=seed,
                           after_success=after_success):
        raise FrontlineError(f"analysis job {job_id} was taken over by a worker; its results are that worker's")


def start_worker_process(*, log_dir: Path) -> subprocess.Popen:
    """Start ``frontline worker --once`` detached from the caller, which never runs analysis itself.

    On one machine this gets a just-enqueued job done; where workers already run, the extra worker
    shares the queue with them, or finds it empty and exits without loading any model.
    """
    log_dir.mkdir(parents=True, exist_ok=True)
    log = open(log_dir / "worker.log", "ab")  # noqa: SIM115 - handed to the child process
    try:
        return subprocess.Popen(
            [sys.executable, "-m", "research.cli", "worker", "--once"],
            stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True,
            env=os.environ.copy(),
        )
    finally:
        log.close()  # the child holds its own copy


def start_inline_worker(*, settings: Settings) -> subprocess.Popen | None:
    """Start a worker for a job just enqueued when workers run inline; None when they run separately.

    Where ``frontline worker`` runs as a service (``FRONTLINE_WORKERS=separate``), a worker started by a web
    replica would load the model beside the app and compete with the services for its memory, so the job
    only waits in the queue for them. Call it after the enqueuing transaction has committed.
    """
    if settings.workers == "separate":
        return None
    return start_worker_process(log_dir=settings.data_dir / "logs")


def topics_table(*, session: Session, job_id: int):
    """The topics of a job as a DataFrame (topic, label, size), largest first."""
    import pandas as pd

    rows = session.execute(
        select(TopicSummary.topic, TopicSummary.label, TopicSummary.size)
        .where(TopicSummary.job_id == job_id).order_by(TopicSummary.size.desc(), TopicSummary.topic)
    ).all()
    return pd.DataFrame(rows, columns=["Topic", "Label", "Comments"])


def themes_table(*, session: Session, job_id: int):
    """The codebook themes of a job, largest first: how many comments each was the primary theme of, and the
    second theme of, with their mean sentiment; every code of the codebook is listed (a code no comment took
    shows 0), so a researcher who added or reworded one sees at once what the run made of it."""
    import pandas as pd
    from sqlalchemy import func

    from research.analysis.gaps import theme_names
    from research.codebook import NO_CODE
    from research.store.models import TextAnalysis

    primary = dict((theme, (n, mean)) for theme, n, mean in session.execute(
        select(TextAnalysis.theme, func.count(), func.avg(TextAnalysis.sentiment))
        .where(TextAnalysis.job_id == job_id).group_by(TextAnalysis.theme)).all())
    second = dict(session.execute(select(TextAnalysis.theme2, func.count())
                                  .where(TextAnalysis.job_id == job_id, TextAnalysis.theme2 != "")
                                  .group_by(TextAnalysis.theme2)).all())
    names, _ = theme_names(session=session)
    total = sum(n for n, _ in primary.values()) or 1
    rows = []
    for key in [*names, *(k for k in primary if k not in names)]:
        count, mean = primary.get(key, (0, None))
        rows.append((names.get(key, key) if key != NO_CODE else "Other (fits no code)", count, count / total,
                     second.get(key, 0), None if mean is None else round(float(mean), 2)))
    table = pd.DataFrame(rows, columns=["Theme", "Comments", "Share", "As second theme", "Mean sentiment"])
    return table.sort_values(["Comments", "Theme"], ascending=[False, True], ignore_index=True)


def finished_at(*, session: Session, job_id: int):
    """When a job finished (UTC), or None."""
    return session.scalar(select(AnalysisJob.finished_at).where(AnalysisJob.id == job_id))


def analysis_source(*, session: Session, job_id: int) -> str:
    """Which analysis a page or briefing shows, as a reader says it: a re-run after a codebook change rewrites
    earlier waves too, so two briefings of one day can differ, and this is how a reader tells them apart. The
    phrase ("the analysis finished … (job 7)") is framed by each caller."""
    finished = finished_at(session=session, job_id=job_id)
    when = f" finished {finished:%d %b %Y at %H:%M} UTC" if finished else ""
    return f"the analysis{when} (job {job_id})"
