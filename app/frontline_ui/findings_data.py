"""Cached reads for the findings pages: a short time-to-live, so new responses show within a minute.

Each function opens its own session and returns plain data, so Streamlit can
cache it; everything returned has passed the reporting thresholds already.
"""

from __future__ import annotations

from typing import Literal

import pandas as pd
import streamlit as st

from frontline_ui import resources
from research.analysis.jobs import analysis_source, current_results_job
from research.findings import gap_data
from research.findings.gap_data import analysed_comments, gap_table
from research.findings.representative import representative_wave, up_to_wave
from research.findings.topic_explorer import TopicOverview, topic_overview
from research.privacy.reporting import Thresholds
from research.pulse.retention import latest_erasure

TTL = 60


def thresholds() -> Thresholds:
    return Thresholds.from_settings(resources.settings())


_SEEN_ERASURE: dict[str, int | None] = {}


def results_job() -> int | None:
    """The newest succeeded analysis, read on every run (one indexed query) so that a finished analysis shows at
    once; what is computed from it is cached by its id.

    Comments erased since (by the command, in another process) take their words and the figures they were in
    out of every cache: an insider review saw an erased comment's words as a topic's label for the cache's ten
    minutes.
    """
    with resources.db_read() as session:
        job_id = current_results_job(session=session)
        erasure = latest_erasure(session=session)
    if _SEEN_ERASURE.setdefault("id", erasure) != erasure:
        st.cache_data.clear()
        _SEEN_ERASURE["id"] = erasure
    return job_id


@st.cache_data(ttl=TTL, show_spinner=False)
def gaps(job_id: int, scores: int, comments: int, wave_id: int | None = None) -> pd.DataFrame:
    """The gaps of every analysed wave up to ``wave_id`` (all when None); no comment text is read."""
    with resources.db_read() as session:
        found = gap_table(session=session, job_id=job_id, thresholds=Thresholds(scores=scores, comments=comments))
        return up_to_wave(session=session, frame=found, wave_id=wave_id)


def representative() -> int | None:
    """The wave the executive pages read up to (:func:`research.findings.representative.representative_wave`)."""
    with resources.db_read() as session:
        return representative_wave(session=session, thresholds=thresholds())


@st.cache_data(ttl=TTL, show_spinner=False)
def gaps_and_quotes(job_id: int, wave_id: int | None, scores: int, comments: int):
    """The gaps up to ``wave_id`` and the comments that may be quoted from the latest of them: the text of no
    other comment is read (or cached)."""
    with resources.db_read() as session:
        return gap_data.gaps_and_quotes(session=session, job_id=job_id, wave_id=wave_id,
                                        thresholds=Thresholds(scores=scores, comments=comments))


@st.cache_data(ttl=TTL, show_spinner=False)
def comments(job_id: int, wave_id: int | None = None) -> pd.DataFrame:
    """Every analysed comment with its text up to ``wave_id`` (all when None), for the topics (which quote every
    wave)."""
    with resources.db_read() as session:
        return up_to_wave(session=session, frame=analysed_comments(session=session, job_id=job_id), wave_id=wave_id)


# A job's results never change, so its topic labels (rebuilt from the quotable comments) are computed once per
# job and thresholds, not on every click.
@st.cache_data(ttl=600, show_spinner=False)
def topics(job_id: int, scores: int, comment_limit: int, wave_id: int | None = None) -> TopicOverview:
    """The job's topics up to ``wave_id`` as the Topic explorer shows them: labels built only from teams at the
    comment threshold ("words withheld" for a topic mostly from smaller ones)."""
    found = comments(job_id, wave_id)
    with resources.db_read() as session:
        return topic_overview(session=session, job_id=job_id, thresholds=Thresholds(scores, comment_limit),
                              comments=found)


def require_results() -> int:
    """The job whose results the pages show; stops the page with a plain explanation when there is none."""
    job_id = results_job()
    if job_id is None:
        st.info("No analysis has run yet. A researcher starts one on the Analysis page; the findings appear here "
                "when it finishes.")
        st.stop()
    st.caption(analysis_caption(job_id))
    return job_id


def analysis_caption(job_id: int) -> str:
    """Which analysis the page shows, and that a re-run rewrites it: an executive comparing a saved briefing with
    the page sees why they differ."""
    with resources.db_read() as session:
        source = analysis_source(session=session, job_id=job_id)
    return (f"From {source}. When researchers change the codebook and run it again, these themes change, "
            "earlier waves' included.")


def kpi_delta(change: float | None, digits: int) -> tuple[str | None, Literal["auto", "off"]]:
    """A headline figure's change as ``st.metric`` shows it, and its arrow: none for no change, where
    Streamlit drew "↑ +0.00" and an executive read a rise."""
    rounded = None if change is None else (round(change, digits) or 0.0)  # no "-0.00"
    if rounded is None:
        return None, "auto"
    return ("no change", "off") if rounded == 0 else (f"{rounded:+.{digits}f}", "auto")
