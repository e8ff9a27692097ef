"""Researcher page: run the analysis as a background job and follow its progress."""

import math

import streamlit as st

from frontline_ui import findings_data, resources
from frontline_ui.auth import require_page
from frontline_ui.markdown import plain
from research.analysis.jobs import (
    current_results_job,
    enqueue_job,
    latest_job,
    start_inline_worker,
    themes_table,
    topics_table,
)
from research.findings.topic_labels import WITHHELD

user = require_page("analysis")
st.title("Analysis")
st.caption("Themes from the codebook, emergent topics and sentiment over every pulse comment. The analysis runs "
           "in a worker process; this page only follows it.")


@st.fragment(run_every=2)
def job_status() -> None:
    """The latest job's progress, polled; when a newer result is ready, the whole page reruns to show it."""
    with resources.db_session() as session:
        job = latest_job(session=session)
        newest = current_results_job(session=session)
    if newest != st.session_state.get("analysis_shown_job"):
        st.rerun()  # the results below the fragment are the previous job's: redraw the page with the new ones
    busy = job is not None and job.status in ("queued", "running")
    separate = resources.settings().workers == "separate"
    if job is None:
        st.info("No analysis has run yet.")
    elif job.status == "queued" and separate:
        st.info(f"Job {job.id} is queued for the analysis workers; its progress shows here once one takes it.")
    elif busy:
        st.progress(job.done / job.total if job.total else 0.0,
                    text=f"Job {job.id}: {job.status}, {job.stage or 'waiting for a worker'}")
    elif job.status == "failed":
        st.error(f"Job {job.id} failed: {plain(job.error)}. The previous results are still shown.")
    else:
        st.success(f"Job {job.id} finished.")
    if st.button("Run analysis", type="primary", disabled=busy):
        with resources.db_session() as session:
            enqueue_job(session=session, requested_by=user.username)
        start_inline_worker(settings=resources.settings())  # with separate workers, the job only waits for them
        st.rerun(scope="fragment")


with resources.db_session() as session:
    current = current_results_job(session=session)
    topics = topics_table(session=session, job_id=current) if current else None
    themes = themes_table(session=session, job_id=current) if current else None
st.session_state["analysis_shown_job"] = current
job_status()
if themes is not None:
    st.subheader(f"Codebook themes (job {current})")
    st.caption("Every code of the codebook and the comments whose main theme it is; a code added or reworded "
               "since shows here after the next run.")
    # A code no comment took has no mean to show: said in words, not as "None".
    feeling = ["no comments" if v is None or math.isnan(v) else f"{v:+.2f}" for v in themes["Mean sentiment"]]
    st.dataframe(themes.assign(**{"Mean sentiment": feeling}), hide_index=True, width="stretch",
                 column_config={"Share": st.column_config.NumberColumn(format="percent")})
if topics is not None and current is not None:
    st.subheader(f"Emergent topics (job {current})")
    # Labelled as the Topic explorer labels them: the label the job stored reads every comment, small teams'
    # too, which an insider review read as words of a team under the comment threshold.
    limits = findings_data.thresholds()
    shown = findings_data.topics(current, limits.scores, limits.comments).table
    labels = dict(zip(shown["topic"].astype(int), shown["label"]))
    topics = topics.assign(Label=[labels.get(int(t), WITHHELD) for t in topics["Topic"]])
    st.dataframe(topics, hide_index=True, width="stretch")
