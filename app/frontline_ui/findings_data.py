"""Cached reads for the findings pages: a short time-to-live, so new responses show within a minute.

Each function opens its own session and returns plain data, so Streamlit can
cache it; everything returned has passed the reporting thresholds already.
"""

from __future__ import annotations

import streamlit as st

from frontline_ui import resources
from research.analysis.gaps import analysed_comments, theme_gaps
from research.analysis.jobs import current_results_job
from research.privacy.reporting import Thresholds

TTL = 60


def thresholds() -> Thresholds:
    return Thresholds.from_settings(resources.settings())


def results_job() -> int | None:
    """The newest succeeded analysis, read on every run (one indexed query) so that a finished analysis shows at
    once; what is computed from it is cached by its id."""
    with resources.db_read() as session:
        return current_results_job(session=session)


@st.cache_data(ttl=TTL, show_spinner=False)
def gaps_and_comments(job_id: int, scores: int, comments: int):
    with resources.db_read() as session:
        limits = Thresholds(scores=scores, comments=comments)
        comments = analysed_comments(session=session, job_id=job_id)
        return theme_gaps(session=session, job_id=job_id, thresholds=limits, comments=comments), comments


def require_results() -> int:
    """The job whose results the pages show; stops the page with a plain explanation when there is none."""
    job_id = results_job()
    if job_id is None:
        st.info("No analysis has run yet. A researcher starts one on the Analysis page; the findings appear here "
                "when it finishes.")
        st.stop()
    return job_id
