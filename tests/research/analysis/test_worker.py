"""Workers sharing the jobs table: claims, leases, takeovers, and each job's results written exactly once."""

import os
import signal
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import func, select

from research.analysis.jobs import enqueue_job
from research.analysis.pipeline import AnalysisResult
from research.analysis.topics import TopicResult
from research.analysis.worker import (
    ClaimedJob,
    claim_job,
    claim_next_job,
    extend_lease,
    has_claimable_job,
    record_failure,
    record_success,
    release_claim,
    run_claimed_job,
    work,
)
from research.errors import FrontlineError
from research.store.engine import make_engine, session_scope
from research.store.models import (
    AnalysisJob,
    PulseAnswer,
    PulseQuestion,
    PulseResponse,
    PulseSegment,
    PulseWave,
    TextAnalysis,
    TopicSummary,
    utcnow,
)

COMMENTS = ["the CRM freezes on refunds", "my supervisor never backs us up", "understaffed every evening",
            "parking is impossible", "the knowledge base is out of date", "great team"]
LEASE = 60


def store_comments(engine, texts) -> list:
    """One wave with a free-text question and one response per text; returns the answer ids."""
    with session_scope(engine) as session:
        wave = PulseWave(title="W", opens_on=date(2026, 6, 1), closes_on=date(2026, 6, 12))
        wave.questions = [PulseQuestion(position=1, key="one_thing", kind="text", prompt="One thing?")]
        wave.segments = [PulseSegment(team="A")]
        session.add(wave)
        session.flush()
        answers = []
        for text in texts:
            answer = PulseAnswer(question_id=wave.questions[0].id, value_text=text)
            session.add(PulseResponse(wave_id=wave.id, segment_id=wave.segments[0].id, submitted_on=wave.opens_on,
                                      answers=[answer]))
            answers.append(answer)
        session.flush()
        return [a.id for a in answers]


def enqueue(engine, n=1) -> list[int]:
    with session_scope(engine) as session:
        return [enqueue_job(session=session, requested_by="tester") for _ in range(n)]


def job(engine, job_id) -> AnalysisJob:
    with session_scope(engine) as session:
        return session.get(AnalysisJob, job_id)


def result_counts(engine, job_id) -> tuple[int, int]:
    with session_scope(engine) as session:
        return (session.scalar(select(func.count()).select_from(TextAnalysis).where(TextAnalysis.job_id == job_id)),
                session.scalar(select(func.count()).select_from(TopicSummary).where(TopicSummary.job_id == job_id)))


def fake_result(answer_ids) -> AnalysisResult:
    """What the analysis would hand the final write: every comment in topic 0."""
    rows = pd.DataFrame({"text": ["x"] * len(answer_ids), "theme": ["tools"] * len(answer_ids),
                         "theme_confidence": [0.9] * len(answer_ids), "theme2": [""] * len(answer_ids),
                         "theme2_confidence": [float("nan")] * len(answer_ids), "topic": [0] * len(answer_ids),
                         "topic_label": ["t"] * len(answer_ids),
                         "sentiment": [0.0] * len(answer_ids)})
    return AnalysisResult(rows, TopicResult(topics=[0] * len(answer_ids), labels={0: "tools"}, words={0: ["crm"]}))


def test_two_claims_get_two_different_jobs_and_then_none(engine):
    first, second = enqueue(engine, 2)
    a = claim_next_job(engine, worker_id="a", lease_seconds=LEASE)
    b = claim_next_job(engine, worker_id="b", lease_seconds=LEASE)
    assert (a.job_id, a.worker_id, a.attempt) == (first, "a", 1)
    assert (b.job_id, b.worker_id, b.attempt) == (second, "b", 1)
    assert claim_next_job(engine, worker_id="c", lease_seconds=LEASE) is None
    assert not has_claimable_job(engine)
    claimed = job(engine, first)
    assert (claimed.status, claimed.claimed_by, claimed.attempts) == ("running", "a", 1)
    assert claimed.started_at is not None and claimed.lease_expires_at is not None


def test_a_job_is_claimable_again_only_once_its_lease_has_expired(engine):
    (job_id,) = enqueue(engine)
    start = utcnow()
    a = claim_next_job(engine, worker_id="a", lease_seconds=LEASE, now=start)
    almost = start + timedelta(seconds=LEASE - 1)
    assert not has_claimable_job(engine, now=almost)
    assert claim_next_job(engine, worker_id="b", lease_seconds=LEASE, now=almost) is None
    expired = start + timedelta(seconds=LEASE + 1)
    assert has_claimable_job(engine, now=expired)
    b = claim_next_job(engine, worker_id="b", lease_seconds=LEASE, now=expired)
    assert (b.job_id, b.attempt) == (a.job_id, 2)
    assert (job(engine, job_id).claimed_by, job(engine, job_id).attempts) == ("b", 2)


def test_a_heartbeat_keeps_the_job_its_own(engine):
    (job_id,) = enqueue(engine)
    start = utcnow()
    claim = claim_next_job(engine, worker_id="a", lease_seconds=LEASE, now=start)
    assert extend_lease(engine, claim, now=start + timedelta(seconds=LEASE - 1))
    assert claim_next_job(engine, worker_id="b", lease_seconds=LEASE, now=start + timedelta(seconds=LEASE + 1)) is None


def test_a_stale_workers_writes_are_refused_and_store_nothing(engine):
    answer_ids = store_comments(engine, COMMENTS)
    (job_id,) = enqueue(engine)
    start = utcnow()
    stale = claim_next_job(engine, worker_id="a", lease_seconds=LEASE, now=start)
    fresh = claim_next_job(engine, worker_id="b", lease_seconds=LEASE, now=start + timedelta(seconds=LEASE + 1))
    comments = [(answer_id, text) for answer_id, text in zip(answer_ids, COMMENTS)]

    assert not record_success(engine, stale, comments=comments, result=fake_result(answer_ids))
    assert not record_failure(engine, stale, "too late")
    assert not extend_lease(engine, stale)
    assert not release_claim(engine, stale)
    assert result_counts(engine, job_id) == (0, 0)
    assert (job(engine, job_id).status, job(engine, job_id).claimed_by) == ("running", "b")

    assert record_success(engine, fresh, comments=comments, result=fake_result(answer_ids))
    assert result_counts(engine, job_id) == (len(COMMENTS), 1)
    assert not record_success(engine, fresh, comments=comments, result=fake_result(answer_ids))
    assert result_counts(engine, job_id) == (len(COMMENTS), 1)
    assert job(engine, job_id).status == "succeeded"


def test_a_reclaimed_job_starts_from_no_results(engine):
    answer_ids = store_comments(engine, COMMENTS[:2])
    (job_id,) = enqueue(engine)
    start = utcnow()
    claim_next_job(engine, worker_id="a", lease_seconds=LEASE, now=start)
    with session_scope(engine) as session:  # rows a writer outside the claim guard might have left
        session.add(TextAnalysis(job_id=job_id, answer_id=answer_ids[0], theme="tools", topic=0, sentiment=0.0))
    claim_next_job(engine, worker_id="b", lease_seconds=LEASE, now=start + timedelta(seconds=LEASE + 1))
    assert result_counts(engine, job_id) == (0, 0)


def test_a_job_whose_worker_keeps_dying_fails_instead_of_looping(engine):
    failing, waiting = enqueue(engine, 2)
    now = utcnow()
    for attempt in range(1, 4):  # oldest first: the expired job comes before the queued one
        claim = claim_next_job(engine, worker_id=f"w{attempt}", lease_seconds=LEASE, now=now, max_attempts=3)
        assert (claim.job_id, claim.attempt) == (failing, attempt)
        now += timedelta(seconds=LEASE + 1)
    claim = claim_next_job(engine, worker_id="w4", lease_seconds=LEASE, now=now, max_attempts=3)
    assert claim.job_id == waiting
    given_up = job(engine, failing)
    assert (given_up.status, given_up.attempts) == ("failed", 3)
    assert "stopped answering on each of 3 attempts" in given_up.error


def test_a_particular_job_is_claimed_only_while_queued(engine):
    (job_id,) = enqueue(engine)
    claim = claim_job(engine, job_id, worker_id="cli", lease_seconds=LEASE)
    assert claim == ClaimedJob(job_id, "cli", 1, LEASE)
    with pytest.raises(FrontlineError, match="is running, not queued"):
        claim_job(engine, job_id, worker_id="cli", lease_seconds=LEASE)
    with pytest.raises(FrontlineError, match="no analysis job 999"):
        claim_job(engine, 999, worker_id="cli", lease_seconds=LEASE)


class LeaseWatchingModel:
    """The real model, but its first encode returns only once the job's lease has been pushed forward."""

    def __init__(self, model, engine, job_id):
        self.model, self.engine, self.job_id = model, engine, job_id
        self.renewed = False

    def encode(self, *args, **kwargs):
        if not self.renewed:
            first = job(self.engine, self.job_id).lease_expires_at
            deadline = time.monotonic() + 30
            while job(self.engine, self.job_id).lease_expires_at == first and time.monotonic() < deadline:
                time.sleep(0.05)
            self.renewed = job(self.engine, self.job_id).lease_expires_at != first
        return self.model.encode(*args, **kwargs)

    def __getattr__(self, name):
        return getattr(self.model, name)


def test_a_running_job_renews_its_lease_and_stores_its_results_once(engine, model, scorer):
    store_comments(engine, COMMENTS)
    (job_id,) = enqueue(engine)
    claim = claim_next_job(engine, worker_id="a", lease_seconds=0.6)
    watching = LeaseWatchingModel(model, engine, job_id)
    assert run_claimed_job(engine, claim, model=watching, scorer=scorer)
    assert watching.renewed
    done = job(engine, job_id)
    assert (done.status, done.stage, done.done, done.total, done.lease_expires_at) == (
        "succeeded", "done", len(COMMENTS), len(COMMENTS), None)
    assert result_counts(engine, job_id)[0] == len(COMMENTS)


def test_the_step_after_a_job_runs_once_it_is_stored_and_cannot_fail_it(engine, model, scorer, caplog):
    store_comments(engine, COMMENTS)
    first, second = enqueue(engine, 2)
    seen = []

    def after(job_id):
        seen.append((job_id, job(engine, job_id).status, result_counts(engine, job_id)[0]))
        if job_id == second:
            raise RuntimeError("labels could not be built")

    for job_id in (first, second):
        claim = claim_job(engine, job_id, worker_id="a", lease_seconds=LEASE)
        assert run_claimed_job(engine, claim, model=model, scorer=scorer, after_success=after)
    assert seen == [(first, "succeeded", len(COMMENTS)), (second, "succeeded", len(COMMENTS))]
    assert job(engine, second).status == "succeeded"
    assert f"job {second}: stored, but the step after it failed (RuntimeError" in caplog.text


def test_a_job_taken_over_mid_run_is_left_to_its_new_worker(engine, model, scorer):
    store_comments(engine, COMMENTS)
    (job_id,) = enqueue(engine)
    claim = claim_next_job(engine, worker_id="a", lease_seconds=LEASE)

    class TakenOverModel:
        def encode(self, *args, **kwargs):
            later = utcnow() + timedelta(seconds=LEASE + 1)
            claim_next_job(engine, worker_id="b", lease_seconds=LEASE, now=later)
            return model.encode(*args, **kwargs)

        def __getattr__(self, name):
            return getattr(model, name)

    after = []
    assert not run_claimed_job(engine, claim, model=TakenOverModel(), scorer=scorer, after_success=after.append)
    assert result_counts(engine, job_id) == (0, 0) and after == []
    taken = job(engine, job_id)
    assert (taken.status, taken.claimed_by, taken.attempts) == ("running", "b", 2)


def test_an_interrupted_job_goes_back_to_the_queue_untouched(engine, scorer):
    store_comments(engine, COMMENTS)
    (job_id,) = enqueue(engine)
    claim = claim_next_job(engine, worker_id="a", lease_seconds=LEASE)

    class Interrupted:
        def encode(self, *args, **kwargs):
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run_claimed_job(engine, claim, model=Interrupted(), scorer=scorer)
    back = job(engine, job_id)
    assert (back.status, back.claimed_by, back.lease_expires_at) == ("queued", "", None)
    assert result_counts(engine, job_id) == (0, 0)


def test_a_worker_with_nothing_to_do_loads_no_model(engine):
    def tools():
        raise AssertionError("models loaded with an empty queue")

    assert work(engine, tools=tools, worker_id="idle", once=True) == 0


def test_a_worker_runs_every_queued_job_and_survives_a_failing_one(engine, model, scorer):
    store_comments(engine, COMMENTS)
    first, second = enqueue(engine, 2)
    loads = []

    class FailsOnce:
        calls = 0

        def encode(self, *args, **kwargs):
            FailsOnce.calls += 1
            if FailsOnce.calls == 1:
                raise RuntimeError("model file is corrupt")
            return model.encode(*args, **kwargs)

        def __getattr__(self, name):
            return getattr(model, name)

    def tools():
        loads.append(1)
        return FailsOnce(), scorer, None

    assert work(engine, tools=tools, worker_id="w", once=True) == 2
    assert loads == [1]
    assert (job(engine, first).status, job(engine, first).error) == ("failed", "model file is corrupt")
    assert job(engine, second).status == "succeeded"
    assert result_counts(engine, first) == (0, 0) and result_counts(engine, second)[0] == len(COMMENTS)


# --- The done-when test: two worker processes on PostgreSQL, one killed mid-job. ---

FRONTLINE = Path(sys.executable).with_name("frontline")


def demo_comments(n):
    from research.demo.seed import generate_responses

    return [r.text for r in generate_responses() if r.text][:n]


def start_worker(name, url, tmp_path):
    log = tmp_path / f"{name}.log"
    env = {**os.environ, "FRONTLINE_DATABASE_URL": url, "FRONTLINE_DATA_DIR": str(tmp_path / "data"),
           "NUMBA_CACHE_DIR": str(tmp_path / "numba")}
    with log.open("wb") as out:
        process = subprocess.Popen([str(FRONTLINE), "worker", "--id", name, "--lease", "4", "--poll", "0.5"],
                                   stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env)
    return process, log


def running_job_of(engine, worker_id):
    with session_scope(engine) as session:
        return session.scalar(select(AnalysisJob.id).where(AnalysisJob.status == "running",
                                                           AnalysisJob.claimed_by == worker_id))


def test_two_workers_on_postgresql_one_killed_mid_job_every_job_completes_exactly_once(pg_url, tmp_path):
    engine = make_engine(pg_url)
    answer_ids = store_comments(engine, demo_comments(150))
    jobs = enqueue(engine, 3)
    workers = {name: start_worker(name, pg_url, tmp_path) for name in ("worker-a", "worker-b")}

    def logs() -> str:
        return "\n".join(f"--- {name}\n{log.read_text()[-3000:]}" for name, (_, log) in workers.items())

    try:
        # Freeze a worker seen running a job, confirm it still holds the job (a frozen process writes
        # nothing), then kill it: the job is now certainly half-done by a dead worker.
        victim = killed_job = None
        deadline = time.monotonic() + 240
        while victim is None:
            assert time.monotonic() < deadline, "no worker started a job:\n" + logs()
            for name, (process, _) in workers.items():
                assert process.poll() is None, f"{name} exited early:\n" + logs()
                if running_job_of(engine, name) is None:
                    continue
                process.send_signal(signal.SIGSTOP)
                killed_job = running_job_of(engine, name)
                if killed_job is None:
                    process.send_signal(signal.SIGCONT)
                    continue
                process.kill()
                process.wait(timeout=30)
                victim = name
                break
            else:
                time.sleep(0.05)
        survivor = next(name for name in workers if name != victim)

        deadline = time.monotonic() + 240
        while True:
            with session_scope(engine) as session:
                statuses = dict(session.execute(select(AnalysisJob.id, AnalysisJob.status)).all())
            if all(status == "succeeded" for status in statuses.values()):
                break
            assert "failed" not in statuses.values(), f"{statuses}\n" + logs()
            assert workers[survivor][0].poll() is None, "the surviving worker exited:\n" + logs()
            assert time.monotonic() < deadline, f"jobs not done: {statuses}\n" + logs()
            time.sleep(0.2)

        with session_scope(engine) as session:
            for job_id in jobs:
                answers = session.scalars(select(TextAnalysis.answer_id).where(TextAnalysis.job_id == job_id)).all()
                assert sorted(answers) == sorted(answer_ids), f"job {job_id}"
                topics = session.execute(select(TopicSummary.topic, TopicSummary.size)
                                         .where(TopicSummary.job_id == job_id)).all()
                assert len({t for t, _ in topics}) == len(topics) >= 1
                assert sum(size for _, size in topics) == len(answer_ids), f"job {job_id}"
            taken_over = session.get(AnalysisJob, killed_job)
            assert (taken_over.attempts, taken_over.claimed_by) == (2, survivor), logs()

        # Each job's success was logged once, by whichever worker finished it. A worker logs it just after the
        # commit the loop above saw, so wait a moment for every job's line before counting them.
        def logged_successes() -> list[str]:
            return [line for _, log in workers.values() for line in log.read_text().splitlines()
                    if ": succeeded after" in line]

        deadline = time.monotonic() + 30
        while (any(not any(f"job {j} attempt " in line for line in logged_successes()) for j in jobs)
               and time.monotonic() < deadline):
            time.sleep(0.2)
        successes = logged_successes()
        for job_id in jobs:
            assert sum(f"job {job_id} attempt " in line for line in successes) == 1, "\n".join(successes)
        assert f"job {killed_job} attempt 2: succeeded" in workers[survivor][1].read_text()

        process = workers[survivor][0]
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=60) == 0, logs()
        assert "stopped" in workers[survivor][1].read_text()
    finally:
        for process, _ in workers.values():
            if process.poll() is None:
                process.kill()
                process.wait(timeout=30)
        engine.dispose()
