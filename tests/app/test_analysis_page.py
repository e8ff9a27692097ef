import os
import time

from research.store.engine import make_engine, session_scope
from research.store.models import AnalysisJob


def test_run_analysis_starts_a_worker_and_the_page_shows_its_topics(make_app, app_db):
    at = make_app("researcher", "researcher").run()
    at.switch_page("pages/analysis.py").run()
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
    at.switch_page("pages/analysis.py").run()
    assert at.success[0].value == "Job 1 finished."
    assert len(at.dataframe[0].value) >= 5
