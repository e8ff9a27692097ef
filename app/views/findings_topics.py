"""Executive page: emergent topics, including issues the codebook lacks, with their trend, sentiment and quotes."""

import streamlit as st

from frontline_ui import findings_data, resources
from frontline_ui.auth import require_page
from frontline_ui.charts import show_chart
from frontline_ui.exports import text_table
from research.findings.topic_explorer import (
    cached_embedder,
    topic_barchart,
    topic_quotes,
    topics_over_time_figure,
)
from research.privacy.reporting import Thresholds


# Each topic's quotes (which embed its comments) are computed once per job and thresholds, not on every click.
@st.cache_data(ttl=600, show_spinner="Choosing typical comments…")
def quotes_of(job_id: int, topic: int, scores: int, comment_limit: int, wave_id: int | None) -> list[str]:
    comments = findings_data.comments(job_id, wave_id)
    settings = resources.settings()
    embed = cached_embedder(settings.embedding_cache_path, settings.embedding_model,
                            [settings.embedding_backend, "torch"])
    with resources.db_read() as session:
        return topic_quotes(session=session, job_id=job_id, topic=topic, thresholds=Thresholds(scores, comment_limit),
                            comments=comments, embed=embed)


require_page("findings_topics")
st.title("Topic explorer")
job_id = findings_data.require_results()
limits = findings_data.thresholds()
wave_id = findings_data.representative()
overview = findings_data.topics(job_id, limits.scores, limits.comments, wave_id)
if overview.table.empty:
    st.info("The analysis found no topics yet.")
    st.stop()
st.caption("Up to the latest representative analysed wave, as on the overview and the gaps page (a pilot or a "
           "wave just opened is left out). A mean sentiment is left blank where fewer than "
           f"{limits.scores} people raised the topic (in the latest wave, for that column).")
(st.success if (overview.stability or 0) >= 0.6 else st.warning)(overview.stability_note)
show_chart(topics_over_time_figure(overview), width="stretch")
show_chart(topic_barchart(overview), width="stretch")
TOPIC_COLUMNS = {"label": "Topic", "comments": "Comments", "share": "Share of comments",
                 "mean_sentiment": "Mean sentiment", "latest_sentiment": "Mean sentiment in latest wave",
                 "first": "Share in first wave", "latest": "Share in latest wave", "change": "Change in points"}
table = overview.table.drop(columns=["topic"]).rename(columns=TOPIC_COLUMNS)
# The points between the shares as shown: "4 % → 4 %, +1" read as a contradiction (an outside walk). + 0.0: no "-0".
shown_points = (100 * table["Share in latest wave"]).round() - (100 * table["Share in first wave"]).round()
table["Change in points"] = shown_points.where(table["Change in points"].notna()) + 0.0
# The CSV holds the figures as shown, not 0.019704433497536946: shares to a hundredth of a point, tone to 2
# places. A tenth of a point rounded twice: 0.0349 became 0.035, shown "4 %" here and "3 %" in the briefing.
table = table.round({"Share of comments": 4, "Share in first wave": 4, "Share in latest wave": 4, "Mean sentiment": 2,
                     "Mean sentiment in latest wave": 2})
text_table(
    table, what=f"topics, analysis {job_id} (CSV)", file_name="topics.csv", height=400,
    formats={"Share of comments": "{:.0%}", "Share in first wave": "{:.0%}", "Share in latest wave": "{:.0%}",
             "Change in points": "{:+.0f}", "Mean sentiment": "{:+.2f}", "Mean sentiment in latest wave": "{:+.2f}"},
)
labels = dict(zip(overview.table["topic"], overview.table["label"]))
topic = st.selectbox("Quotes for topic", list(labels), format_func=labels.__getitem__)
quotes = quotes_of(job_id, int(topic), limits.scores, limits.comments, wave_id)
if quotes:
    st.caption("The topic's most typical comments: in its dominant tone, closest to its centre, from teams with "
               f"at least {limits.comments} people in that wave.")
else:
    st.caption(f"No team with at least {limits.comments} people raised this topic in any wave.")
for quote in quotes:
    st.text(f"“{quote}”")
