"""Analysis of stored comments as a job in its own process, recorded in the jobs table.

The app only enqueues a job and starts ``frontline analyze --db --job N`` as a
separate process, then polls the job's status and progress. Results are
written under the job's id and become visible only when the job succeeds, so
a failed or killed run leaves the previous results in place and says why.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import Engine, select, update
from sqlalchemy.orm import Session

from interviews.corpus import coded_examples
from research.analysis.pipeline import analyze_texts
from research.errors import FrontlineError
from research.store.engine import session_scope
from research.store.models import AnalysisJob, PulseAnswer, PulseQuestion, TextAnalysis, TopicSummary, utcnow


def enqueue_job(*, session: Session, requested_by: str = "") -> int:
    job = AnalysisJob(status="queued", requested_by=requested_by)
    session.add(job)
    session.flush()
    return job.id


def latest_job(*, session: Session) -> AnalysisJob | None:
    return session.scalar(select(AnalysisJob).order_by(AnalysisJob.id.desc()).limit(1))


def current_results_job(*, session: Session) -> int | None:
    """The newest job that succeeded: the one whose results the pages show."""
    return session.scalar(select(AnalysisJob.id).where(AnalysisJob.status == "succeeded")
                          .order_by(AnalysisJob.id.desc()).limit(1))


def stored_comments(*, session: Session) -> list[tuple]:
    """(answer id, text) of every pulse free-text answer, in a stable order."""
    return session.execute(
        select(PulseAnswer.id, PulseAnswer.value_text)
        .join(PulseQuestion, PulseQuestion.id == PulseAnswer.question_id)
        .where(PulseQuestion.kind == "text", PulseAnswer.value_text.is_not(None), PulseAnswer.value_text != "")
        .order_by(PulseAnswer.id)
    ).all()


def _set(engine: Engine, job_id: int, **values) -> None:
    with session_scope(engine) as session:
        session.execute(update(AnalysisJob).where(AnalysisJob.id == job_id).values(heartbeat_at=utcnow(), **values))


def run_job(engine: Engine, job_id: int, *, model, scorer, cache=None, seed: int = 42) -> None:
    """Run a queued job to the end, recording progress; on failure record why and re-raise."""
    with session_scope(engine) as session:
        job = session.get(AnalysisJob, job_id)
        if job is None:
            raise FrontlineError(f"no analysis job {job_id}")
        if job.status != "queued":
            raise FrontlineError(f"analysis job {job_id} is {job.status}, not queued")
        job.status, job.started_at, job.stage = "running", utcnow(), "loading"
    try:
        with session_scope(engine) as session:
            comments = stored_comments(session=session)
            exemplars = coded_examples(session=session)

        def progress(stage: str, done: int, total: int) -> None:
            _set(engine, job_id, stage=stage, done=done, total=total)

        result = analyze_texts([text for _, text in comments], model=model, scorer=scorer, cache=cache, seed=seed,
                               exemplars=exemplars, progress=progress)
        with session_scope(engine) as session:
            session.add_all(
                TextAnalysis(job_id=job_id, answer_id=answer_id, theme=row.theme, topic=int(row.topic),
                             sentiment=float(row.sentiment))
                for (answer_id, _), row in zip(comments, result.rows.itertuples(index=False))
            )
            session.add_all(
                TopicSummary(job_id=job_id, topic=topic, label=label[:300], size=result.topics.sizes.get(topic, 0),
                             words=result.topics.words.get(topic, []))
                for topic, label in result.topics.labels.items()
            )
            session.execute(update(AnalysisJob).where(AnalysisJob.id == job_id).values(
                status="succeeded", stage="done", finished_at=utcnow(), stability=result.topics.stability))
    except BaseException as exc:
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        _set(engine, job_id, status="failed", error=reason[:2000], finished_at=utcnow())
        raise


def start_job_process(job_id: int, *, log_dir: Path) -> subprocess.Popen:
    """Start ``frontline analyze --db --job N`` detached from the caller (the app never runs analysis itself)."""
    log_dir.mkdir(parents=True, exist_ok=True)
    log = open(log_dir / f"analysis-job-{job_id}.log", "ab")  # noqa: SIM115 - handed to the child process
    return subprocess.Popen(
        [sys.executable, "-m", "research.cli", "analyze", "--db", "--job", str(job_id)],
        stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True, env=os.environ.copy(),
    )


def topics_table(*, session: Session, job_id: int):
    """The topics of a job as a DataFrame (topic, label, size), largest first."""
    import pandas as pd

    rows = session.execute(
        select(TopicSummary.topic, TopicSummary.label, TopicSummary.size)
        .where(TopicSummary.job_id == job_id).order_by(TopicSummary.size.desc(), TopicSummary.topic)
    ).all()
    return pd.DataFrame(rows, columns=["Topic", "Label", "Comments"])
