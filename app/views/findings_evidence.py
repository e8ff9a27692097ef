"""Executive page: what interviews say about each theme, beside the pulse numbers."""

import streamlit as st

from frontline_ui import resources
from frontline_ui.auth import require_page
from frontline_ui.charts import show_chart
from frontline_ui.exports import text_table
from frontline_ui.markdown import plain
from interviews.codebook import code_choices, slugify
from research.findings.figures import evidence_figure
from research.findings.interview_evidence import evidence_studies, interview_evidence
from research.findings.representative import representative_study, study_statuses
from research.privacy.reporting import Thresholds

require_page("findings_evidence")
st.title("Interview evidence")
limits = Thresholds.from_settings(resources.settings())
with resources.db_read() as session:
    studies = evidence_studies(session=session)
    codes = code_choices(session=session)
    statuses = {s.study_id: s for s in study_statuses(session=session, thresholds=limits)}
    default = representative_study(session=session, thresholds=limits)
if not studies:
    st.info("No interview studies yet.")
    st.stop()
left, right = st.columns(2)
# Opens on a finished study with enough interviewed agents, never on one of three in progress.
study_id = left.selectbox("Study", list(studies), format_func=studies.__getitem__,
                          index=list(studies).index(default) if default in studies else 0)
theme = right.selectbox("Theme", list(codes), format_func=codes.__getitem__, index=list(codes).index("tools")
                        if "tools" in codes else 0)
with resources.db_read() as session:
    evidence = interview_evidence(session=session, study_id=study_id, theme=theme,
                                  thresholds=limits)
if study_id in statuses and statuses[study_id].label:
    st.warning(f"This study is {plain(statuses[study_id].label)}: read its shares with care, they change as more "
               f"agents are interviewed, {limits.scores} at a time.")
if evidence.withheld:  # under the threshold of interviewed agents: no count, chart or quote at all
    st.info(plain(evidence.sentence))
    st.stop()
st.subheader(plain(evidence.sentence))
if evidence.raised:
    show_chart(evidence_figure(evidence.by_industry), width="stretch")
st.caption("Notes were pseudonymised when saved. " + evidence.note)
if evidence.quotes.empty:
    st.info("No counted interview has an excerpt coded with this theme yet: either nobody raised it, or the notes "
            "that do are not coded with it.")
else:
    if list(evidence.quote_table.columns) == ["Quote"]:
        st.caption(f"No industry, role or channel is shown beside these quotes: no value is shared by everyone "
                   f"interviewed in the same step of {evidence.threshold} as a speaker.")
    text_table(evidence.quote_table, what=f"interview quotes on {theme}, study {study_id} (CSV)",
               file_name=f"interview-quotes-{slugify(theme)}.csv", height=500)
