"""Executive page: emergent topics, including issues the codebook lacks, with their trend, sentiment and quotes."""

import streamlit as st

from frontline_ui import findings_data, resources
from frontline_ui.auth import require_page
from frontline_ui.exports import text_table
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
text_table(
    overview.table.drop(columns=["topic"]).rename(columns={"first": "first wave", "latest": "latest wave",
                                                           "mean_sentiment": "sentiment"}),
    what=f"topics, analysis {job_id} (CSV)", file_name="topics.csv", height=400,
    formats={"share": "{:.0%}", "first wave": "{:.0%}", "latest wave": "{:.0%}", "change": "{:+.0%}",
             "sentiment": "{:+.2f}"},
)
labels = dict(zip(overview.table["topic"], overview.table["label"]))
topic = st.selectbox("Quotes for topic", list(labels), format_func=labels.get)
with resources.db_session() as session:
    quotes = topic_quotes(session=session, job_id=job_id, topic=int(topic), thresholds=limits, comments=comments,
                          embed=resources.embed)
if quotes:
    st.caption("The topic's most typical comments: in its dominant tone, closest to its centre, from teams with "
               f"at least {limits.comments} people in that wave.")
else:
    st.caption(f"No team with at least {limits.comments} people raised this topic in any wave.")
for quote in quotes:
    st.text(f"“{quote}”")
