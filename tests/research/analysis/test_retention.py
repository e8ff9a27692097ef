"""Retention of machine data: finished jobs beyond the newest N go with their results; what pages show stays."""

import itertools
import logging
from datetime import date, timedelta

import pandas as pd
import pytest
from sqlalchemy import func, select

from research.analysis import worker as worker_module
from research.analysis.jobs import enqueue_job
from research.analysis.pipeline import AnalysisResult
from research.analysis.retention import SHOWN_GRACE, Retention, prunable_jobs, prune_job_results
from research.analysis.topics import TopicResult
from research.analysis.worker import work
from research.cli import main
from research.store.engine import session_scope
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

SECRET_COMMENT = "my supervisor never backs us up"
LONG_AGO = utcnow() - timedelta(days=30)
WAVE_NUMBERS = itertools.count(1)


def store_comments(engine, texts) -> list:
    """One wave with a free-text question and one response per text; returns the answer ids."""
    with session_scope(engine) as session:
        wave = PulseWave(title=f"W{next(WAVE_NUMBERS)}", opens_on=date(2026, 6, 1), closes_on=date(2026, 6, 12))
        wave.questions = [PulseQuestion(position=1, key="one_thing", kind="text", prompt="One thing?")]
        wave.segments = [PulseSegment(team="A")]
        session.add(wave)
        session.flush()
        answers = [PulseAnswer(question_id=wave.questions[0].id, value_text=text) for text in texts]
        for answer in answers:
            session.add(PulseResponse(wave_id=wave.id, segment_id=wave.segments[0].id, submitted_on=wave.opens_on,
                                      answers=[answer]))
        session.flush()
        return [a.id for a in answers]


def add_jobs(engine, statuses, *, finished_at=LONG_AGO) -> list[int]:
    """Jobs with these statuses, oldest first; each succeeded one holds a result per comment and one topic."""
    answers = store_comments(engine, ["the CRM freezes", SECRET_COMMENT])
    with session_scope(engine) as session:
        ids = []
        for status in statuses:
            job = AnalysisJob(status=status, finished_at=finished_at if status in ("succeeded", "failed") else None)
            session.add(job)
            session.flush()
            if status == "succeeded":
                session.add_all(TextAnalysis(job_id=job.id, answer_id=a, theme="tools", topic=0, sentiment=0.0)
                                for a in answers)
                session.add(TopicSummary(job_id=job.id, topic=0, label="tools", size=2, words=["crm"]))
            ids.append(job.id)
        return ids


def remaining(engine) -> dict[int, tuple[str, int, int]]:
    """Each job left: its status and how many comment results and topics it still holds."""
    with session_scope(engine) as session:
        results = dict(session.execute(select(TextAnalysis.job_id, func.count()).group_by(TextAnalysis.job_id)).all())
        topics = dict(session.execute(select(TopicSummary.job_id, func.count()).group_by(TopicSummary.job_id)).all())
        return {job_id: (status, results.get(job_id, 0), topics.get(job_id, 0))
                for job_id, status in session.execute(select(AnalysisJob.id, AnalysisJob.status)).all()}


def test_exactly_the_newest_n_finished_jobs_keep_their_results_and_unfinished_jobs_stay(engine):
    ids = add_jobs(engine, ["succeeded"] * 6 + ["failed", "running", "queued"])
    pruned = prune_job_results(engine, keep=3)
    assert (pruned.jobs, pruned.comment_results, pruned.topics) == (4, 8, 4)
    assert remaining(engine) == {ids[4]: ("succeeded", 2, 1), ids[5]: ("succeeded", 2, 1), ids[6]: ("failed", 0, 0),
                                 ids[7]: ("running", 0, 0), ids[8]: ("queued", 0, 0)}
    assert prune_job_results(engine, keep=3).jobs == 0  # idempotent


def test_the_newest_succeeded_job_stays_however_many_runs_failed_after_it(engine):
    ids = add_jobs(engine, ["succeeded", "succeeded", "failed", "failed", "running"])
    prune_job_results(engine, keep=1)
    assert remaining(engine) == {ids[1]: ("succeeded", 2, 1), ids[3]: ("failed", 0, 0), ids[4]: ("running", 0, 0)}


def test_the_job_the_pages_showed_until_a_moment_ago_is_kept_for_a_grace_period(engine):
    now = utcnow()
    older = add_jobs(engine, ["succeeded"])
    newest = add_jobs(engine, ["succeeded"], finished_at=now - timedelta(minutes=1))
    with session_scope(engine) as session:
        assert prunable_jobs(session=session, keep=1, now=now) == []  # a page may still be reading the older
        assert prunable_jobs(session=session, keep=1, now=now + SHOWN_GRACE) == older
    prune_job_results(engine, keep=1, now=now + SHOWN_GRACE)
    assert set(remaining(engine)) == set(newest)


def fake_analysis(texts, **kwargs) -> AnalysisResult:
    """What the analysis would hand the final write, without loading a model: every comment in topic 0."""
    n = len(texts)
    rows = pd.DataFrame({"text": texts, "theme": ["tools"] * n, "theme_confidence": [0.9] * n, "theme2": [""] * n,
                         "theme2_confidence": [float("nan")] * n, "topic": [0] * n, "topic_label": ["t"] * n,
                         "sentiment": [0.0] * n})
    return AnalysisResult(rows, TopicResult(topics=[0] * n, labels={0: "tools"}, words={0: ["crm"]}))


class FakeCache:
    """Records the evictions a worker asks for."""

    def __init__(self):
        self.evictions: list[int] = []

    def evict_unused(self, days: int) -> int:
        self.evictions.append(days)
        return 3


def test_a_worker_prunes_after_each_job_and_logs_counts_only(engine, monkeypatch, caplog):
    monkeypatch.setattr(worker_module, "analyze_texts", fake_analysis)
    store_comments(engine, ["the CRM freezes", SECRET_COMMENT])
    with session_scope(engine) as session:
        ids = [enqueue_job(session=session, requested_by="tester") for _ in range(4)]
    cache = FakeCache()
    with caplog.at_level(logging.INFO, logger="frontline.worker"):
        ran = work(engine, tools=lambda: (None, None, cache), worker_id="w", once=True,
                   retention=Retention(keep_job_results=1, cache_unused_days=30))
    assert ran == 4 and cache.evictions == [30] * 4
    # The newest, and the one shown until it finished a moment ago; the first two were pruned along the way.
    assert remaining(engine) == {ids[2]: ("succeeded", 2, 1), ids[3]: ("succeeded", 2, 1)}
    lines = [r.getMessage() for r in caplog.records if r.getMessage().startswith("retention:")]
    assert lines and all("evicted 3 cache entries unused for 30 days" in line for line in lines)
    assert "pruned 1 finished job(s) with 2 comment result(s) and 1 topic(s)" in lines[-1]
    assert SECRET_COMMENT not in caplog.text


def test_frontline_worker_prune_runs_once_without_a_model(engine, monkeypatch, tmp_path, capsys):
    ids = add_jobs(engine, ["succeeded"] * 3)
    monkeypatch.setenv("FRONTLINE_DATABASE_URL", engine.url.render_as_string(False))
    monkeypatch.setenv("FRONTLINE_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("FRONTLINE_KEEP_JOB_RESULTS", "2")
    monkeypatch.setattr("research.cli.tools.load_embedding_model", pytest.fail)  # no model for pruning
    assert main(["worker", "--prune"]) == 0
    assert set(remaining(engine)) == set(ids[1:])
    assert capsys.readouterr().out.startswith("pruned 1 finished analysis job(s) (2 comment results, 1 topics)")


def test_the_retention_pass_deletes_sealed_link_copies_of_closed_waves_only(engine):
    """A copy of links outlives no wave, even when nobody opens the Pulse links page again."""
    from cryptography.fernet import Fernet

    from research.analysis.retention import prune_machine_data
    from research.pulse.link_copies import keep_links
    from research.pulse.sealing import Sealer
    from research.store.models import PulseLinkCopy, User

    today = date(2026, 12, 5)
    with session_scope(engine) as session:
        session.add(User(username="rita", role="researcher", password_hash="x"))
        waves = [PulseWave(title=title, opens_on=today - timedelta(days=20), closes_on=closes)
                 for title, closes in (("closed", today - timedelta(days=1)), ("open", today))]
        session.add_all(waves)
        session.flush()
        for wave in waves:
            keep_links(session=session, sealer=Sealer(Fernet.generate_key()), username="rita", password="pw",
                       wave_id=wave.id, segment_label="Billing", kind="invite", links=["l"], now=utcnow())
        open_id = waves[1].id
    prune_machine_data(engine, retention=Retention(), cache=None,
                       now=utcnow().replace(year=2026, month=12, day=5))
    with session_scope(engine) as session:
        assert session.scalars(select(PulseLinkCopy.wave_id)).all() == [open_id]
