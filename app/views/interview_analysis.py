"""Researcher page: what the coding says - codes by participant attribute, co-occurrence, quotes, agreement."""

import plotly.express as px
import streamlit as st

from frontline_ui import resources
from frontline_ui.auth import require_page
from frontline_ui.charts import show_chart
from frontline_ui.exports import text_table
from frontline_ui.forms import sticky_tabs
from frontline_ui.markdown import plain
from frontline_ui.pickers import pick_study
from interviews.agreement import (
    agreement_table,
    coders,
    disagreements_table,
    kappas_side_by_side,
    study_agreement,
)
from interviews.code_reports import code_cooccurrence, code_frequencies, code_quotes
from interviews.codebook import code_choices
from interviews.studies import participant_attributes
from research.analysis.suggestions import MODEL_CODER, held_out_matcher, model_agreement
from research.errors import FrontlineError
from research.findings.figures import inert_figure

require_page("interview_analysis")
st.title("Interview analysis")
study_id = pick_study("No studies yet: create one on the Interview studies page.")
with resources.db_session() as session:
    people_coding = coders(session=session, study_id=study_id)
    attributes = participant_attributes(session=session, study_id=study_id)
    codes = code_choices(session=session)
if not people_coding:
    st.info("Nothing is coded in this study yet: code excerpts on the Coding page.")
    st.stop()
coder = st.selectbox("Coding by", ["", *people_coding], format_func=lambda c: c or "everyone")

freq_tab, co_tab, quote_tab, agree_tab = sticky_tabs(["Codes by attribute", "Co-occurrence", "Quotes", "Agreement"],
                                                     key="analysis_tab")
with freq_tab:
    by = st.selectbox("Break down by", attributes, format_func=lambda a: a.replace("_", " "))
    with resources.db_session() as session:
        frequencies = code_frequencies(session=session, study_id=study_id, by=by, coder=coder or None)
    st.caption("Participants whose interviews carry each code (a participant counts once however often they "
               "raised it); 'Participants' is the size of each group.")
    text_table(frequencies, what=f"codes by {by}, study {study_id} (CSV)", file_name="codes-by-attribute.csv",
               index=True)
    if frequencies.shape[1] > 1:
        show_chart(inert_figure(px.imshow(frequencies.drop(columns=["Participants"]), text_auto=True,
                                               aspect="auto", color_continuous_scale="Blues")), width="stretch")
with co_tab:
    with resources.db_session() as session:
        matrix = code_cooccurrence(session=session, study_id=study_id, coder=coder or None)
    st.caption("How often two codes apply to the same words (one excerpt, or overlapping excerpts). The diagonal "
               "is how many excerpts carry each code.")
    text_table(matrix, what=f"code co-occurrence, study {study_id} (CSV)", file_name="code-cooccurrence.csv",
               index=True)
    if not matrix.empty:
        show_chart(inert_figure(px.imshow(matrix, text_auto=True, aspect="auto",
                                               color_continuous_scale="Purples")), width="stretch")
with quote_tab:
    key = st.selectbox("Code", list(codes), format_func=codes.__getitem__, key="quotes_code")
    with resources.db_session() as session:
        quotes = code_quotes(session=session, study_id=study_id, code_key=key, coder=coder or None)
    st.caption(f"{len(quotes)} quote(s), with who said them (by participant code and attributes).")
    text_table(quotes, what=f"quotes coded {key}, study {study_id} (CSV)", file_name="code-quotes.csv", height=500)
with agree_tab:
    human = None
    if len(people_coding) < 2:
        st.info("Agreement needs two researchers who coded the same interviews independently.")
    else:
        left, right = st.columns(2)
        coder_a = left.selectbox("First coder", people_coding, index=0)
        coder_b = right.selectbox("Second coder", people_coding, index=1)
        try:
            with resources.db_session() as session:
                report = study_agreement(session=session, study_id=study_id, coder_a=coder_a, coder_b=coder_b)
                disagreements = disagreements_table(session=session, report=report)
        except FrontlineError as exc:
            st.error(plain(exc))
        else:
            if report.units == 0:
                st.info("These two have not coded any of the same interviews yet.")
            else:
                human = report
                m1, m2, m3 = st.columns(3)
                m1.metric("Cohen's kappa (codes either used)",
                          "n/a" if report.overall_kappa is None else f"{report.overall_kappa:.2f}")
                m2.metric("Percent agreement", f"{report.overall_percent:.1f} %")
                m3.metric("Segments compared", report.units)
                st.caption("Segments are the sentences either coder coded; text neither coded, and codes neither "
                           "used, are left out of the overall figures so they cannot inflate agreement. Kappa is "
                           "n/a for a code with no variation.")
                text_table(agreement_table(report.per_code, names=codes, coder_a=coder_a, coder_b=coder_b),
                           what=f"agreement of {coder_a} and {coder_b}, study {study_id} (CSV)",
                           file_name="agreement.csv")
                st.subheader(f"{len(disagreements)} segment(s) to resolve")
                text_table(disagreements, what=f"disagreements of {coder_a} and {coder_b}, study {study_id} (CSV)",
                           file_name="disagreements.csv", height=500)

    st.subheader("The model beside each researcher")
    st.caption("Cohen's kappa per code between each researcher's coding and the model's suggested code for the "
               "same sentences, beside the two researchers above. For each researcher the model is taught by "
               "everyone's excerpts except theirs, so it is not repeating what it was shown.")
    if st.button("Compare every researcher with the model", key="model_agreement_run"):
        with st.spinner(f"Suggesting codes for the sentences {len(people_coding)} researcher(s) coded..."):
            with resources.db_session() as session:
                versus = [model_agreement(session=session, study_id=study_id, coder=person, embed=resources.embed,
                                          matcher=held_out_matcher(session=session, embed=resources.embed,
                                                                   coder=person))
                          for person in people_coding]
        st.session_state["model_agreement"] = (study_id, versus)
    kept = st.session_state.get("model_agreement")
    if kept and kept[0] == study_id:
        reports = ([human] if human is not None else []) + kept[1]
        st.caption(plain("Kappa n/a: a code with no variation (used by neither, or on every sentence). A kappa "
                         "marked 'never gave it' is 0 because one side never used the code, however often the "
                         "other did. Re-run after more coding."))
        text_table(kappas_side_by_side(reports, names=codes, coder_names={MODEL_CODER: "the model"}),
                   what=f"agreement of each researcher and the model, study {study_id} (CSV)",
                   file_name="model-agreement.csv")
