"""Executive page: what interviews say about each theme, beside the pulse numbers."""

import streamlit as st

from frontline_ui import resources
from frontline_ui.auth import require_page
from frontline_ui.exports import text_table
from frontline_ui.markdown import plain
from interviews.codebook import code_choices
from research.findings.figures import evidence_figure
from research.findings.interview_evidence import evidence_studies, interview_evidence
from research.privacy.reporting import Thresholds

require_page("findings_evidence")
st.title("Interview evidence")
with resources.db_session() as session:
    studies = evidence_studies(session=session)
    codes = code_choices(session=session)
if not studies:
    st.info("No interview studies yet.")
    st.stop()
left, right = st.columns(2)
study_id = left.selectbox("Study", list(studies), format_func=studies.get)
theme = right.selectbox("Theme", list(codes), format_func=codes.get, index=list(codes).index("tools")
                        if "tools" in codes else 0)
with resources.db_session() as session:
    evidence = interview_evidence(session=session, study_id=study_id, theme=theme,
                                  thresholds=Thresholds.from_settings(resources.settings()))
st.subheader(plain(evidence.sentence))
if evidence.participants:
    st.plotly_chart(evidence_figure(evidence.by_industry), width="stretch")
st.caption("Notes were pseudonymised when saved. " + evidence.note)
if evidence.quotes.empty:
    st.info("No coded excerpts for this theme in this study yet.")
else:
    text_table(evidence.quotes, what=f"interview quotes on {theme}, study {study_id} (CSV)",
               file_name="interview-quotes.csv", height=500)
