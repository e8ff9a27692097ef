"""Executive page: emergent topics, including issues the codebook lacks, with their trend, sentiment and quotes."""

import streamlit as st

from frontline_ui import findings_data, resources
from frontline_ui.auth import require_page
from research.findings.topic_explorer import topic_barchart, topic_overview, topic_quotes, topics_over_time_figure

require_page("findings_topics")
st.title("Topic explorer")
job_id = findings_data.require_results()
limits = findings_data.thresholds()
_, comments = findings_data.gaps_and_comments(job_id, limits.scores, limits.comments)
with resources.db_session() as session:
    overview = topic_overview(session=session, job_id=job_id, thresholds=limits, comments=comments)
if overview.table.empty:
    st.info("The analysis found no topics yet.")
    st.stop()
(st.success if (overview.stability or 0) >= 0.6 else st.warning)(overview.stability_note)
st.plotly_chart(topics_over_time_figure(overview), width="stretch")
st.plotly_chart(topic_barchart(overview), width="stretch")
st.dataframe(
    overview.table.drop(columns=["topic"]), hide_index=True, width="stretch",
    column_config={
        "share": st.column_config.NumberColumn("share", format="percent"),
        "first": st.column_config.NumberColumn("first wave", format="percent"),
        "latest": st.column_config.NumberColumn("latest wave", format="percent"),
        "change": st.column_config.NumberColumn("change", format="percent"),
        "mean_sentiment": st.column_config.NumberColumn("sentiment", format="%.2f"),
    },
)
labels = dict(zip(overview.table["topic"], overview.table["label"]))
topic = st.selectbox("Quotes for topic", list(labels), format_func=labels.get)
with resources.db_session() as session:
    quotes = topic_quotes(session=session, job_id=job_id, topic=int(topic), thresholds=limits, comments=comments)
if not quotes:
    st.caption(f"No team with at least {limits.comments} comments raised this topic in the latest wave.")
for quote in quotes:
    st.text(f"“{quote}”")
