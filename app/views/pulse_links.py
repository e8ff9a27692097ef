"""Researcher page: invite and open links per segment, and the roster of names to redact."""

from datetime import UTC, date, datetime

import pandas as pd
import streamlit as st

from frontline_ui import resources
from frontline_ui.auth import require_page
from frontline_ui.exports import download_table
from frontline_ui.forms import clear_form, flash, form_key, retract_flash, show_flash, submission_key
from frontline_ui.kept_text import KeptBoxes
from frontline_ui.markdown import plain
from frontline_ui.pickers import pick_wave
from frontline_ui.times import local_time
from interviews.codebook import slugify
from interviews.sandbox import parse_upload
from research.accounts.confirm import password_problem
from research.audit import claim_submission, record
from research.errors import AlreadySubmitted, FrontlineError
from research.figure_text import counted
from research.privacy.roster import replace_roster, roster_names
from research.pulse.link_copies import forget_closed, forget_links, keep_links, kept_batches, open_links
from research.pulse.links import link_url, open_link_full
from research.pulse.waves_admin import (
    create_segment_links,
    headcount_note,
    parse_headcount,
    parse_invite_count,
    segment_summaries,
    set_headcount,
    wave_shape,
)

me = require_page("pulse_links")
st.title("Pulse links")
wave_id = pick_wave("Create a pulse wave first.")
with resources.db_session() as session:
    wave_title = wave_shape(session=session, wave_id=wave_id).title
    summaries = segment_summaries(session=session, wave_id=wave_id, step=resources.settings().min_group_size)
    segments = {s.label: s.id for s in summaries}
    capacity = pd.DataFrame(  # an unset headcount said in words, not "None" (an outside walk)
        [(s.label, "not set" if s.headcount is None else f"{s.headcount:,}", s.places_taken) for s in summaries],
        columns=["Segment", "Headcount", "Invites and open-link answers (those in steps)"],
    )
    full_from_open = open_link_full(session=session, wave_id=wave_id)

if saved := st.session_state.pop("pulse_links_saved", None):
    st.success(saved)
limits = resources.settings()
st.caption("Never more answers than people: a segment's invites plus the answers taken through its open links "
           "never exceed its headcount, and links need one. Only an admin sets headcounts. Answers join the "
           f"results in steps: a segment's scores once {limits.min_group_size} of its people have answered since "
           f"the last step, its comments once {limits.min_comment_group_size} have written. Until then they are "
           "saved but counted nowhere, these pages included: the table counts open-link answers in whole steps "
           f"of {limits.min_group_size}, rounded up. The steps count answers, not who gave them: anyone "
           "who answers links in agents' place fills a step with answers they know and can read the one real "
           "agent's by subtraction. Hand out every link and answer none; who created which links is audited.")
st.dataframe(capacity, hide_index=True, width="stretch")
for label in full_from_open:
    st.warning(f"{plain(label)}: its open link alone has taken as many answers as the team has people. "
               "They may not all come from different people.")
if me.role == "admin":
    shown_headcount = show_flash("headcount")
    headcount_form = form_key("headcount")
    with st.form(headcount_form):
        head_segment = st.selectbox("Segment", list(segments), key="headcount_segment")
        # Typed text, not a number box: the box rounded 3.5 to 3 in the browser, and the page never knew.
        people_text = st.text_input("People in this segment", placeholder="a whole number, such as 12",
                                    key=f"{headcount_form}_people")
        if st.form_submit_button("Set headcount"):
            try:
                people = parse_headcount(people_text)
                with resources.db_session() as session:
                    set_headcount(session=session, segment_id=segments[head_segment], headcount=people,
                                  step=resources.settings().min_group_size)
                    record(session=session, actor=me.username, action="headcount_set",
                           subject=f"{head_segment} in {wave_title}: {people}")
            except FrontlineError as exc:
                retract_flash("headcount", shown_headcount)  # no green "set to" above the red refusal
                st.error(plain(str(exc)))
            else:
                flash("headcount", f"Headcount of {plain(head_segment)} set to {people}.")
                note = headcount_note(people, min_group_size=limits.min_group_size,
                                      min_comment_group_size=limits.min_comment_group_size)
                if note:
                    flash("headcount", note, kind="warning")
                clear_form("headcount")
                st.rerun()
form = form_key("links")
# Enter in the count box does not create links: a walk pressed it to move on, before choosing the segment.
with st.form(form, enter_to_submit=False):
    segment_label = st.selectbox("Segment", list(segments), key=f"{form}_segment")
    kinds = {"Single-use invites": "invite", "One open link (kiosk, team chat)": "open"}
    kind = kinds[st.radio("Kind", list(kinds), horizontal=True, key=f"{form}_kind")]
    # Typed text, as the headcount: a number box refused 0 or -3 with only a red mark, and the click did nothing.
    count_text = st.text_input("How many invites", value="10", key=f"{form}_count",
                               help="Only for single-use invites; an open link is always one.")
    password = st.text_input("Your password, to keep a copy you can open again until the wave closes (optional)",
                             type="password", key=f"{form}_password",
                             help="The copy is sealed with it: no one else, administrators included, can open it.")
    make = st.form_submit_button("Create links", type="primary")
if make:
    base = resources.settings().public_url  # before the save: nothing between its commit and keeping the links
    try:
        count = parse_invite_count(count_text) if kind == "invite" else 1
        if password:
            with resources.db_session() as session:  # committed either way: a wrong password counts
                problem = password_problem(session=session, username=me.username, password=password,
                                           what="wrong password when sealing pulse links")
            if problem:
                raise FrontlineError(f"{problem} No links were created.")
        with resources.db_session() as session:
            # A double click's second submit carries the same one-time key and creates nothing: a second batch,
            # never shown, would hold places of the team's headcount that no one could hand out.
            claim_submission(session=session, key=submission_key("links"), actor=me.username, action="links_created")
            tokens = create_segment_links(session=session, segment_id=segments[segment_label],
                                          count=count, kind=kind, today=date.today())
            links = [link_url(base, t) for t in tokens]
            if password:  # in the same transaction: links kept are exactly the links created
                keep_links(session=session, sealer=resources.sealer(), username=me.username, password=password,
                           wave_id=wave_id, segment_label=segment_label, kind=kind,
                           links=links, now=datetime.now(UTC))
            record(session=session, actor=me.username, action="links_created",
                   subject=f"{len(tokens)} {kind} link(s) for {segment_label} in {wave_title}")
    except AlreadySubmitted:
        st.session_state["pulse_links_saved"] = "The second click created nothing: the links were created once."
        clear_form("links")
        st.rerun()
    except FrontlineError as exc:
        st.error(plain(str(exc)))
    else:
        copy_note = " A copy sealed with your password is kept below." if password else ""
        st.session_state["pulse_links_saved"] = plain(f"Created {len(tokens)} {kind} link(s) for {segment_label} "
                                                      f"in {wave_title}.{copy_note}")
        # Added to the batches already on screen for this wave, not in their place: an outside walk made a second
        # batch before downloading the first, whose links were then gone while their places stayed taken.
        earlier = st.session_state.get("pulse_links_shown")
        kept = earlier[1] if earlier and earlier[0] == wave_id else []
        st.session_state["pulse_links_shown"] = (wave_id, [*kept, (segment_label, kind, links)])
        clear_form("links")
        st.rerun()  # the table above counts them

with resources.db_session() as session:
    forget_closed(session=session, today=date.today())
    batches = kept_batches(session=session, sealer=resources.sealer, username=me.username, wave_id=wave_id,
                           today=date.today())
shown = st.session_state.get("pulse_links_shown")
if shown and shown[0] == wave_id:
    st.warning("These links are on screen in this tab only, until you hide them: the survey stores only their "
               "hashes. Download them before leaving, or keep a sealed copy (your password, when creating them).")
    for number, (label, link_kind, links) in enumerate(shown[1]):
        what = f"{len(links)} pulse link(s) for {label}"
        st.markdown(f"**{plain(counted(len(links), link_kind + ' link'))} for {plain(label)}**")
        download_table("Download links (CSV)", pd.DataFrame({"wave": wave_title, "segment": label, "kind": link_kind,
                                                             "link": links}),
                       what=f"{what} (CSV)", file_name=f"pulse-links-{slugify(wave_title)}-{slugify(label)}.csv",
                       key=f"links_download_{number}")
        st.code("\n".join(links), language=None)
    if st.button("Hide these links"):
        st.session_state.pop("pulse_links_shown", None)
        st.rerun()

if batches:
    st.subheader("Your sealed copies for this wave")
    st.caption("Sealed with your password when you created them, and deleted when the wave closes. Opening them "
               "is recorded in the audit trail; the links keep working whether or not you keep a copy.")
    for batch in reversed(batches):
        what = f"{batch.count} pulse link(s) for {batch.segment_label}"
        left, right = st.columns([3, 1])
        left.markdown(f"{plain(counted(batch.count, batch.kind + ' link'))} for {plain(batch.segment_label)}, "
                      f"created {plain(local_time(datetime.fromisoformat(batch.created)))}")
        if right.button("Delete this copy", key=f"links_forget_{batch.id}"):
            st.session_state["links_forget_asked"] = batch.id
            st.rerun()
        if st.session_state.get("links_forget_asked") == batch.id:  # no undo: asked once more
            st.warning("Delete this copy? Its links keep working, but can no longer be shown or downloaded again.")
            yes, no = st.columns(2)
            if no.button("Keep it", key=f"links_keep_{batch.id}"):
                st.session_state.pop("links_forget_asked", None)
                st.rerun()
            if yes.button("Yes, delete the copy", key=f"links_forget_yes_{batch.id}", type="primary"):
                st.session_state.pop("links_forget_asked", None)
                with resources.db_session() as session:
                    if forget_links(session=session, username=me.username, copy_id=batch.id):
                        record(session=session, actor=me.username, action="links_copy_deleted",
                               subject=f"{what} in {wave_title}")
                st.session_state["pulse_links_saved"] = plain(f"Your copy of {what} is deleted; the links keep "
                                                              "working.")
                st.rerun()
    open_form = form_key("links_open")
    with st.form(open_form):
        typed = st.text_input("Your password", type="password", key=f"{open_form}_password")
        if st.form_submit_button("Open my copies"):
            with resources.db_session() as session:  # committed either way: a wrong password counts
                problem = password_problem(session=session, username=me.username, password=typed,
                                           what="wrong password when opening pulse links")
            opened = [] if problem else [
                (batch.segment_label, batch.kind, opened_links) for batch in batches
                if (opened_links := open_links(batch, username=me.username, wave_id=wave_id,
                                               password=typed)) is not None]
            if problem or not opened:
                st.error(plain(problem or "Your password opens none of these copies: each is sealed with the "
                                          "password you had when you created it."))
            else:
                with resources.db_session() as session:
                    record(session=session, actor=me.username, action="links_opened",
                           subject=f"{sum(len(o[2]) for o in opened)} pulse link(s) in {wave_title}")
                st.session_state["pulse_links_shown"] = (wave_id, opened)
                clear_form("links_open")
                st.rerun()

st.subheader("Names to redact")
st.caption("Names of agents, supervisors and managers, one per line. They are removed from every comment before "
           "it is stored, with e-mails, phone numbers, account numbers and links. Comments stored before a name was "
           "added keep it until an administrator runs `frontline pulse redact-again --yes`.")
with resources.db_session() as session:
    current = roster_names(session=session)
upload = st.file_uploader("Upload a roster (text or CSV, one name per line or in the first column)",
                          type=["txt", "csv"], max_upload_size=2, key=form_key("roster_upload"))
if upload is not None:
    try:
        uploaded = parse_upload("roster", upload.name, upload.getvalue())  # read in a limited child process only
    except FrontlineError as exc:
        st.error(plain(exc))
    else:
        st.caption(f"{len(uploaded)} name(s) in {plain(upload.name)}. Nothing is saved until you replace the roster.")
        if st.button("Replace the roster with this file", type="primary"):
            with resources.db_session() as session:
                kept = replace_roster(session=session, names=uploaded, actor=me.username)
            st.session_state["pulse_links_saved"] = f"Roster replaced from {plain(upload.name)}: {kept} names."
            clear_form("roster_upload")
            st.rerun()
show_flash("roster")
roster_form = form_key("roster")
boxes = KeptBoxes(me.username, "roster", roster_form)
with st.form(roster_form):
    text = boxes.text_area("Roster", "names", saved="\n".join(current), height=160)
    if st.form_submit_button("Save roster"):
        with resources.db_session() as session:
            kept = replace_roster(session=session, names=text.splitlines(), actor=me.username)
            boxes.forget(session)
        # The box is drawn afresh from what was stored (trimmed, one name a line, duplicates gone).
        flash("roster", f"Roster saved: {counted(kept, 'name')}.")
        clear_form("roster")
        st.rerun()
boxes.keep()
