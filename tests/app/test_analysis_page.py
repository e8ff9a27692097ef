import os
import subprocess
import threading
import time

import streamlit as st
from sqlalchemy import func, select

from research.store.engine import make_engine, session_scope
from research.store.models import AnalysisJob, TextAnalysis


def test_run_analysis_starts_a_worker_and_the_page_shows_its_topics(make_app, app_db):
    at = make_app("researcher", "researcher").run()
    at.switch_page("views/analysis.py").run()
    assert at.info[0].value == "No analysis has run yet."
    at.button[0].click().run()
    engine = make_engine(app_db)
    deadline = time.monotonic() + 300
    status = None
    while time.monotonic() < deadline:
        with session_scope(engine) as session:
            job = session.query(AnalysisJob).one()
            status, requested_by, claimed_by = job.status, job.requested_by, job.claimed_by
        if status in ("succeeded", "failed"):
            break
        time.sleep(1)
    engine.dispose()
    assert (status, requested_by) == ("succeeded", "researcher")
    assert claimed_by and not claimed_by.endswith(f":{os.getpid()}"), "the page must not run the analysis itself"
    at = make_app("researcher", "researcher").run()
    at.switch_page("views/analysis.py").run()
    assert at.success[0].value == "Job 1 finished."
    assert [h.value for h in at.subheader] == ["Codebook themes (job 1)", "Emergent topics (job 1)"]
    themes, topics = (frame.value for frame in at.dataframe)
    assert len(topics) >= 5
    # Every code is listed, with what the run made of it: the researcher sees a new or reworded code at once.
    from interviews.codebook import code_choices

    engine = make_engine(app_db)
    with session_scope(engine) as session:
        names = set(code_choices(session=session).values())
        analysed = session.scalar(select(func.count()).select_from(TextAnalysis).where(TextAnalysis.job_id == 1))
    engine.dispose()
    assert names <= set(themes["Theme"]) and themes["Comments"].sum() == analysed
    # Topics are labelled as the Topic explorer labels them, from teams at the comment threshold only: the label
    # a job stores reads every comment, which showed a small team's words (insider review).
    from research.findings.gap_data import analysed_comments
    from research.findings.topic_explorer import topic_overview
    from research.findings.topic_labels import WITHHELD
    from research.privacy.reporting import Thresholds
    from research.store.models import TopicSummary

    engine = make_engine(app_db)
    with session_scope(engine) as session:
        explorer = topic_overview(session=session, job_id=1, thresholds=Thresholds(),
                                  comments=analysed_comments(session=session, job_id=1)).table
        # What a job stores is built from every comment: stand in a small team's words for one stored label.
        session.query(TopicSummary).filter_by(job_id=1, topic=int(topics["Topic"].iloc[0])).update(
            {"label": "Night desk softphone drops"})
    engine.dispose()
    expected = dict(zip(explorer["topic"].astype(int), explorer["label"]))
    at = make_app("researcher", "researcher").run()
    at.switch_page("views/analysis.py").run()
    topics = at.dataframe[1].value
    assert list(topics["Label"]) == [expected.get(int(t), WITHHELD) for t in topics["Topic"]]
    assert "Night desk softphone drops" not in set(topics["Label"])
    assert list(themes["Comments"]) == sorted(themes["Comments"], reverse=True) and themes["Comments"].iloc[0] > 0
    # A code added after the run took no comment: its mean sentiment is said in words, not shown as "None".
    from interviews.codebook import add_code

    engine = make_engine(app_db)
    with session_scope(engine) as session:
        add_code(session=session, name="Parking", description="Car parks and permits")
    engine.dispose()
    at = make_app("researcher", "researcher").run()
    at.switch_page("views/analysis.py").run()
    themes = at.dataframe[0].value.set_index("Theme")
    assert themes.loc["Parking", "Comments"] == 0 and themes.loc["Parking", "Mean sentiment"] == "no comments"
    assert all(f"{float(v):+.2f}" == v for v in themes["Mean sentiment"] if v != "no comments")


def test_with_separate_workers_run_analysis_only_queues_the_job(make_app, app_db, monkeypatch):
    monkeypatch.setenv("FRONTLINE_WORKERS", "separate")
    st.cache_resource.clear()  # the settings are read once per server
    started = []
    monkeypatch.setattr(subprocess, "Popen", lambda *args, **kwargs: started.append(args))
    at = make_app("researcher", "researcher").run()
    at.switch_page("views/analysis.py").run()
    at.button[0].click().run()
    engine = make_engine(app_db)
    with session_scope(engine) as session:
        job = session.query(AnalysisJob).one()
        assert (job.status, job.requested_by, job.claimed_by, job.attempts) == ("queued", "researcher", "", 0)
    engine.dispose()
    assert started == [], "no worker process is started when workers run separately"
    assert not [t.name for t in threading.enumerate() if t.name.startswith("lease-")], "nor a worker thread"
    at = make_app("researcher", "researcher").run()
    at.switch_page("views/analysis.py").run()
    assert at.info[0].value.startswith("Job 1 is queued for the analysis workers")
