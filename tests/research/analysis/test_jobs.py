import socket
from datetime import date

import pytest
from pulse_builders import SEALER
from sqlalchemy import func, select

from research.analysis.jobs import (
    JobProgress,
    current_results_job,
    enqueue_job,
    latest_job,
    run_job,
    start_inline_worker,
    start_worker_process,
)
from research.errors import FrontlineError
from research.privacy.redaction import Redactor
from research.privacy.reporting import Thresholds
from research.pulse.inbox import release_ready
from research.pulse.links import create_links
from research.pulse.submit import submit_response
from research.pulse.waves_admin import SegmentSpec, create_wave
from research.settings import Settings
from research.store.engine import session_scope
from research.store.models import AnalysisJob, TextAnalysis, TopicSummary

COMMENTS = ["the CRM freezes on refunds", "my supervisor never backs us up", "understaffed every evening",
            "parking is impossible", "the knowledge base is out of date", "great team"]


@pytest.fixture
def stored(engine):
    with session_scope(engine) as session:
        wave = create_wave(session=session, title="W", opens_on=date(2026, 1, 1), closes_on=date(2026, 12, 31),
                           question_keys=["morale", "one_thing"], segments=[SegmentSpec(team="A", headcount=8)])
        token = create_links(session=session, segment=wave.segments[0], kind="open")[0]
    for text in COMMENTS:
        with session_scope(engine) as session:
            submit_response(session=session, token=token, answers={"morale": 3, "one_thing": text},
                            today=date(2026, 6, 1), redactor=Redactor(), sealer=SEALER)
    # All six are released together, scores and comments, as they would be with five-person steps.
    release_ready(engine=engine, wave_id=wave.id, steps=Thresholds(5, 5), today=date(2026, 6, 1),
                  sealer=SEALER)
    return engine


def new_job(engine):
    with session_scope(engine) as session:
        return enqueue_job(session=session, requested_by="tester")


def test_a_job_stores_one_result_per_comment_and_its_topics(stored, model, scorer):
    job_id = new_job(stored)
    run_job(stored, job_id, model=model, scorer=scorer)
    with session_scope(stored) as session:
        job = session.get(AnalysisJob, job_id)
        assert (job.status, job.stage, job.done, job.total) == ("succeeded", "done", 6, 6)
        assert session.scalar(select(func.count()).select_from(TextAnalysis)) == 6
        assert session.scalar(select(func.count()).select_from(TopicSummary)) >= 1
        assert current_results_job(session=session) == job_id


def test_a_failed_job_says_why_and_leaves_the_previous_results(stored, model, scorer):
    good = new_job(stored)
    run_job(stored, good, model=model, scorer=scorer)

    class Broken:
        def encode(self, *args, **kwargs):
            raise RuntimeError("model file is corrupt")

    bad = new_job(stored)
    with pytest.raises(RuntimeError):
        run_job(stored, bad, model=Broken(), scorer=scorer)
    with session_scope(stored) as session:
        job = session.get(AnalysisJob, bad)
        assert job.status == "failed" and job.error == "model file is corrupt"
        assert current_results_job(session=session) == good
        progress = latest_job(session=session)
    # the page gets plain values, still readable after the session closed
    assert progress == JobProgress(id=bad, status="failed", stage=progress.stage, done=progress.done,
                                   total=progress.total, error="model file is corrupt")
    with pytest.raises(FrontlineError, match="is failed, not queued"):
        run_job(stored, bad, model=model, scorer=scorer)


def test_the_app_starts_a_worker_that_runs_the_queued_job_and_exits(stored, tmp_path, monkeypatch):
    monkeypatch.setenv("FRONTLINE_DATABASE_URL", stored.url.render_as_string(False))
    monkeypatch.setenv("FRONTLINE_DATA_DIR", str(tmp_path / "data"))
    job_id = new_job(stored)
    process = start_worker_process(log_dir=tmp_path / "logs")
    assert process.wait(timeout=300) == 0, (tmp_path / "logs" / "worker.log").read_text()[-2000:]
    with session_scope(stored) as session:
        job = session.get(AnalysisJob, job_id)
        assert (job.status, job.attempts, job.claimed_by) == ("succeeded", 1, f"{socket.gethostname()}:{process.pid}")
    assert f"job {job_id} attempt 1: succeeded" in (tmp_path / "logs" / "worker.log").read_text()


def test_with_separate_workers_a_job_is_only_enqueued(engine, tmp_path, monkeypatch):
    started = []
    monkeypatch.setattr("research.analysis.jobs.subprocess.Popen", lambda *args, **kwargs: started.append(args))
    job_id = new_job(engine)
    assert start_inline_worker(settings=Settings(data_dir=tmp_path, workers="separate")) is None
    assert started == []
    with session_scope(engine) as session:
        job = session.get(AnalysisJob, job_id)
        assert (job.status, job.claimed_by, job.attempts) == ("queued", "", 0)
    start_inline_worker(settings=Settings(data_dir=tmp_path, workers="inline"))  # the default: as before
    assert [args[0][-2:] for args in started] == [["worker", "--once"]]
