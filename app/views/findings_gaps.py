"""Executive page: the ranked morale and tooling gaps, each in one line with its trend, phrases and quotes."""

import streamlit as st

from frontline_ui import findings_data, resources
from frontline_ui.auth import require_page
from frontline_ui.charts import show_chart
from frontline_ui.exports import text_table
from frontline_ui.markdown import plain
from research.figure_text import share_text
from research.findings.figures import gap_trend_figure
from research.findings.gap_findings import KINDS, gap_findings, more_gaps, ranked_among, unranked_themes


def share_table(themes) -> None:
    """A table of themes with their shares written as the page writes them ("<1 %" for a sliver)."""
    shares = ["Raised in", "Negative (share of all)"]
    text_table(themes.assign(**{c: themes[c].map(share_text) for c in shares}), what="", file_name="", download=False)


require_page("findings_gaps")
st.title("Morale and tooling gaps")
job_id = findings_data.require_results()
limits = findings_data.thresholds()
wave_id = findings_data.representative()
gaps, comments = findings_data.gaps_and_quotes(job_id, wave_id, limits.scores, limits.comments)
st.caption(f"From the latest representative analysed wave (a pilot or a wave just opened is left out). Quotes "
           f"and phrases come only from teams with at least "
           f"{limits.comments} comments; comparisons need {limits.scores} responses on each side. \"Agents who "
           "raised it score eNPS N points lower than the others\" compares the eNPS of the agents whose comment "
           "raised the theme with that of the wave's other respondents: a link, not a cause. It is left out too "
           f"where a re-run of the analysis moved fewer than {limits.scores} agents in or out of either group since "
           "one already shown, as the difference would then describe those few.")
for kind, heading in KINDS.items():
    st.header(heading)
    with resources.db_read() as session:
        findings = gap_findings(session=session, job_id=job_id, thresholds=limits, kind=kind, gaps=gaps,
                                comments=comments)
        members = ranked_among(session=session, kind=kind)
    if members:
        st.caption(f"Ranked here, as the codebook sets it (\"Ranked among\" on the Codebook page): "
                   f"{', '.join(plain(m) for m in members)}.")
    if not findings:
        st.info(f"No {heading.lower()} to show: the waves analysed so far are below the reporting thresholds.")
    for rank, finding in enumerate(findings, start=1):
        with st.container(border=True):
            st.subheader(f"{rank}\\. {plain(finding.name)}")
            st.text(finding.sentence)
            left, right = st.columns([3, 2])
            show_chart(gap_trend_figure(finding.trend), where=left, width="stretch",
                       key=f"trend_{kind}_{finding.theme}")
            right.metric("Negative comments (share of all)", f"{finding.negative_share:.0%}")
            right.metric("Mean sentiment", f"{finding.mean_sentiment:+.2f}")
            if finding.phrases:
                right.caption("Key phrases: " + ", ".join(plain(p) for p in finding.phrases))
            with st.expander("What agents said (redacted)"):
                if not finding.quotes:
                    st.caption(finding.no_quote_note)
                for quote in finding.quotes:
                    st.text(f"“{quote}”")
    more = more_gaps(gaps, kind=kind)
    if not more.empty:
        with st.expander(f"{len(more)} more {heading.lower()} raised in this wave, by negative comments"):
            share_table(more)
unranked = unranked_themes(gaps)
if not unranked.empty:
    st.header("Not ranked as gaps")
    st.caption("Themes its comments on balance praise (mean sentiment zero or above: no gap), themes whose code "
               "feeds neither list, and \"Other\": comments that fit no code of the codebook. "
               "A large share there may be a theme the codebook lacks; a researcher can add it on the Codebook "
               "page and re-run the analysis.")
    share_table(unranked)
