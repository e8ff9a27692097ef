"""Executive start page: headline KPIs of the newest representative wave, like-for-like change, the focus
areas (each top gap with its worst team, quotes, interviews, trend and actions), the trend and the briefing."""

from datetime import date
from typing import Literal

import streamlit as st

from frontline_ui import findings_data, resources
from frontline_ui.auth import require_page
from frontline_ui.charts import show_chart
from frontline_ui.exports import download_file
from frontline_ui.markdown import plain
from frontline_ui.pickers import pick_by_title
from frontline_ui.quotes import show_quote
from interviews.codebook import slugify
from research.findings.actions import actions_table, due_note
from research.findings.briefing import briefing_csv_zip, build_briefing
from research.findings.briefing_pdf import BriefingPdfError, briefing_pdf
from research.findings.figures import trend_figure
from research.findings.focus import focus_areas
from research.findings.overview import LOWER_IS_BETTER, overview, segment_options, wave_closes_on, wave_trend
from research.findings.representative import (
    like_for_like,
    marked_trend,
    pick_representative,
    representative_study,
    wave_statuses,
)
from research.privacy.reporting import Thresholds
from research.pulse.links import open_link_full

require_page("findings")
st.title("Findings overview")
limits = findings_data.thresholds()
with resources.db_read() as session:
    statuses = wave_statuses(session=session, thresholds=limits)
default = pick_representative(statuses)
# Options stay the plain titles (tests and bookmarks pick by title); a partial wave is marked once chosen.
wave_id = pick_by_title("Wave", {s.wave_id: s.title for s in statuses},
                        "No pulse waves yet. Researchers create waves and share invite links with agents.",
                        prefer=default)
status = next(s for s in statuses if s.wave_id == wave_id)
if status.kind == "in progress":
    st.warning(f"This wave is still being answered ({plain(status.label)}), so it is not the default: until most "
               "teams can be shown, its figures describe only the agents who have answered so far.")
elif status.label:
    st.warning(f"This wave is not representative ({plain(status.label)}), so it is not the default: its figures "
               "describe a different group of agents from the waves before.")
with resources.db_read() as session:
    options = segment_options(session=session, wave_id=wave_id, thresholds=limits)
choices = {"": "Everyone"} | {f"{dim}={value}": f"{dim.title()}: {value}"
                             for dim, values in options.items() for value in values}
picked = st.selectbox("Segment", list(choices), format_func=choices.__getitem__,
                      help=f"Only groups with at least {limits.scores} responses can be chosen, and none whose "
                           "figures could be worked out from the others.")
segment = dict([picked.split("=", 1)]) if picked else None


@st.cache_data(ttl=findings_data.TTL, show_spinner=False)
def cached_overview(wave_id: int, picked: str, scores: int, comments: int):
    with resources.db_read() as session:
        return overview(session=session, wave_id=wave_id, thresholds=Thresholds(scores=scores, comments=comments),
                        segment=dict([picked.split("=", 1)]) if picked else None)


@st.cache_data(ttl=findings_data.TTL, show_spinner=False)
def cached_comparison(wave_id: int, scores: int, comments: int):
    with resources.db_read() as session:
        return like_for_like(session=session, wave_id=wave_id, thresholds=Thresholds(scores=scores, comments=comments))


@st.cache_data(ttl=findings_data.TTL, show_spinner=False)
def cached_focus(job_id: int, wave_id: int, scores: int, comments: int, actions: str,
                 notes: tuple[tuple[str, str], ...] = ()):
    """``actions`` (the actions table as JSON) is only a cache key: a new or changed action shows at once.
    ``notes``: (title, why) of each wave that is not representative, so its trends say they are not like for like."""
    limits = Thresholds(scores=scores, comments=comments)
    with resources.db_read() as session:
        study_id = representative_study(session=session, thresholds=limits)
        return focus_areas(session=session, job_id=job_id, thresholds=limits, wave_id=wave_id, study_id=study_id,
                           wave_notes=dict(notes))


@st.cache_data(ttl=findings_data.TTL, show_spinner=False)
def cached_trend(picked: str, scores: int, comments: int):
    with resources.db_read() as session:
        return wave_trend(session=session, thresholds=Thresholds(scores=scores, comments=comments),
                          segment=dict([picked.split("=", 1)]) if picked else None)


result = cached_overview(wave_id, picked, limits.scores, limits.comments)
# Everyone: the change is like for like, over the teams reportable in both waves; one segment is its own match.
comparison = None if picked else cached_comparison(wave_id, limits.scores, limits.comments)
with resources.db_read() as session:
    still_open = wave_closes_on(session=session, wave_id=wave_id) >= date.today()
    padded = open_link_full(session=session, wave_id=wave_id, min_headcount=limits.scores)
if still_open:
    st.caption(f"This wave is still open. Its figures move in steps: a group's numbers change only once at least "
               f"{limits.scores} more people in it have answered, and its comments once {limits.comments} more "
               "have written, so no single answer can be read from the difference.")
for label in padded:
    st.warning(f"{plain(label)}: its open link alone has taken as many answers as the team has people, so they "
               "may not all come from different people. Read its figures with care.")
if result.note:
    st.warning(f"This group has {result.note}: no figures are shown for it.")
else:
    rate = f" · response rate {result.response_rate:.0%}" if result.response_rate is not None else ""
    since = f" · change since {plain(result.previous_title)}" if result.previous_title else ""
    if comparison is not None and comparison.note:
        since = f" · {plain(comparison.note)}"
    st.caption(f"{result.responses} responses{rate}{since}")
columns = st.columns(3)
for index, kpi in enumerate(result.kpis):
    column = columns[index % 3]
    if kpi.value is None:
        column.metric(kpi.label, "—", help=kpi.note or None)
        column.caption(kpi.note)
        continue
    shown = f"{kpi.value:+.0f}" if kpi.unit == "points" else (f"{kpi.value:.0f} %" if kpi.unit == "%"
                                                              else f"{kpi.value:.2f} /5")
    digits = 0 if kpi.unit in ("points", "%") else 2
    raw = comparison.changes.get(kpi.key) if comparison is not None else kpi.change
    delta, arrow = findings_data.kpi_delta(raw, digits)
    colour: Literal["off", "inverse", "normal"] = (
        "off" if arrow == "off" else ("inverse" if kpi.key in LOWER_IS_BETTER else "normal"))
    column.metric(kpi.label, shown, delta, delta_color=colour, help=plain(kpi.meaning), delta_arrow=arrow)
    if kpi.low is not None:
        column.caption(f"95 % interval {kpi.low:+.0f} to {kpi.high:+.0f}, {kpi.responses} responses")


def percent(share: float) -> str:
    return f"{share:.0%}".replace("%", " %")


def show_focus_area(rank: int, area) -> None:
    with st.container(border=True):
        st.subheader(f"{rank}\\. {plain(area.name)}")
        # negative_share counts against all the wave's comments, as on the gaps page; said here as a share of
        # the comments raising it, since "16 % of comments, 16 % negative" read as mostly positive.
        negative = f"; {percent(area.negative_share / area.share)} of those negative" if area.share else ""
        st.caption(f"{area.kind.capitalize()} gap · {percent(area.share)} of comments in {plain(area.wave)} raise "
                   f"it{negative}")
        left, right = st.columns([3, 2])
        if area.worst_team:
            left.text(f"Worst in: {area.worst_team} ({percent(area.worst_share)} of its comments)")
        else:
            left.text(f"Worst in: no team has {limits.comments} or more commenters to show")
        left.text(f"Trend: {area.trend_text}")
        left.text(f"Interviews: {area.interview_text}")
        for number, quote in enumerate(area.quotes):
            show_quote(right, quote, key=f"quote_{rank}_{number}")
        if not area.quotes:
            right.caption(f"No quotes: no team with {limits.comments} or more commenters raised it.")
        if area.actions.empty:
            left.text("Actions: none recorded yet")
        for action in area.actions.head(3).itertuples(index=False):
            due = due_note(action.Due, action.Status)
            left.text(f"Action ({action.Status}): {action.What} · {action.Owner}" + (f" · {due}" if due else ""))
        left.page_link("views/findings_actions.py", label=f"Record an action on {plain(area.name)}",
                       icon=":material/add_task:", query_params={"theme": area.theme})


job_id = findings_data.results_job()
st.header("Focus areas")
if job_id is None:
    st.info("No analysis has run yet: the top gaps appear here when a researcher's analysis finishes.")
else:
    with resources.db_read() as session:
        recorded = actions_table(session=session).to_json(date_format="iso")
    areas = cached_focus(job_id, wave_id, limits.scores, limits.comments, recorded,
                         tuple((s.title, s.label) for s in statuses if s.label))
    scope = "Everyone in the wave, whatever segment is chosen above: the" if picked else "The"
    st.caption(f"{scope} gaps with the most negative comments. Teams and quotes come only from teams with at "
               f"least {limits.comments} people commenting; quotes are redacted. "
               + findings_data.analysis_caption(job_id))
    if not areas:
        st.info("No gaps to show: the waves analysed up to this one are below the reporting thresholds.")
    for rank, area in enumerate(areas, start=1):
        show_focus_area(rank, area)

# The KPIs are on screen before the slower all-waves trend is read.
trend, marked = marked_trend(cached_trend(picked, limits.scores, limits.comments), statuses)
chart = trend_figure(trend)
if chart is not None:
    st.subheader("Scores by wave")
    st.caption(f"{plain(choices[picked])}: the mean answer (1 to 5) in each wave with figures to show"
               + ("; a wave marked in progress, partial or pilot covers only some teams." if marked else "."))
    show_chart(chart, width="stretch")

st.subheader("Briefing")
st.caption("A self-contained HTML briefing of the whole wave (charts embedded, nothing fetched; the segment "
           "chosen above does not narrow it), the same briefing as an A4 PDF printed on this server, and the "
           "aggregated tables as CSV; all pass the same reporting thresholds as these pages.")
if st.button("Prepare briefing"):
    with st.spinner("Preparing the briefing…"):
        with resources.db_read() as session:
            briefing = build_briefing(session=session, wave_id=wave_id, job_id=job_id,
                                      thresholds=limits)
        try:
            pdf, problem = briefing_pdf(briefing.html), ""
        except BriefingPdfError as error:
            pdf, problem = b"", str(error)
    st.session_state["briefing"] = (wave_id, briefing.html.encode("utf-8"), briefing_csv_zip(briefing.tables),
                                    pdf, problem)
prepared = st.session_state.get("briefing")
if prepared and prepared[0] == wave_id:
    _, html_file, tables, pdf, problem = prepared
    wave_name = slugify(status.title)  # briefings of several waves saved side by side must not overwrite each other
    left, middle, right = st.columns(3)
    download_file("Download HTML briefing", html_file, what=f"HTML briefing, wave {wave_id}",
                  file_name=f"frontline-briefing-{wave_name}.html", mime="text/html", container=left)
    if pdf:
        download_file("Download briefing (PDF)", pdf, what=f"briefing (PDF), wave {wave_id}",
                      file_name=f"frontline-briefing-{wave_name}.pdf", mime="application/pdf", container=middle)
    download_file("Download tables (CSV, zip)", tables, what=f"briefing tables, wave {wave_id}",
                  file_name=f"frontline-tables-{wave_name}.zip", mime="application/zip", container=right)
    if problem:
        st.warning(plain(problem))
