"""Researcher page: read a wave's comments (teams at the comment threshold only) and reply anonymously."""

from datetime import UTC, datetime

import streamlit as st

from frontline_ui import resources
from frontline_ui.auth import require_page
from frontline_ui.exports import download_file
from frontline_ui.forms import clear_form, flash, form_key, show_flash, submission_key
from frontline_ui.kept_text import keep_while_typing, kept_text_area, my_drafts
from frontline_ui.markdown import plain
from frontline_ui.pickers import pick_by_title, pick_wave
from frontline_ui.suggested import suggested_caption
from interviews.codebook import analysis_codebook, slugify
from research.accounts.drafts import REPLIES, forget_text, reply_place
from research.errors import AlreadySubmitted, FrontlineError
from research.pulse.comment_codes import code_comment, comment_codes, suggestions
from research.pulse.comments_qdpx import export_comments_qdpx
from research.pulse.replies import (
    add_reply,
    comments_for_reply,
    newest_wave_with_comments,
)
from research.pulse.retention import latest_erasure
from research.pulse.waves import wave_choices

user = require_page("pulse_replies")
st.title("Comments and replies")
threshold = resources.settings().min_comment_group_size
if "replies_first_wave" not in st.session_state:  # where the page opens: worked out once a visit, not every click
    with resources.db_read() as session:
        st.session_state["replies_first_wave"] = newest_wave_with_comments(session=session, threshold=threshold)
wave_id = pick_wave("No pulse waves yet.", prefer=st.session_state["replies_first_wave"])
with resources.db_session() as session:
    comments = comments_for_reply(session=session, wave_id=wave_id, threshold=threshold)
st.caption(f"Only teams where at least {threshold} people wrote are shown. "
           "Agents read replies with their receipt code.")
if comments.empty:
    step = resources.settings().min_group_size
    # A walk's team of 12 had 11 writers and read "no team has 10 people who wrote": answers join in steps.
    st.info(f"No comments to show yet: no team has {threshold} people whose comments have joined the results. "
            f"A team's answers join in steps of {step} people (the last few wait for the next step to fill, and "
            f"when the team has no more people to answer, they stay saved and counted nowhere), and its comments "
            f"once {threshold} of the people who joined have written.")
    st.stop()
teams = sorted(comments["team"].unique())
# In the address like the wave (a team is named by staff), so a reload opens the team whose reply was being typed.
team = teams[pick_by_title("Team", dict(enumerate(teams)), "", key="team", in_address=True)]
shown = comments[comments["team"] == team]
with resources.db_session() as session:
    codes = {c.key: c.name for c in analysis_codebook(session=session)}
    suggested, unfit = suggestions(session=session, answer_ids=list(shown["answer_id"]))
    given = comment_codes(session=session, answer_ids=list(shown["answer_id"]))
if suggested:
    st.caption("Each comment shows the code the last analysis suggests. Accept it, or pick another: what you "
               "choose teaches the next analysis, like the excerpts coded in interviews.")
else:
    st.caption("No analysis has suggested codes for these comments yet (run it on the Analysis page). You can code "
               "them now: what you choose teaches the next analysis, like the excerpts coded in interviews.")
if outcome := st.session_state.pop("pulse_replies_coded", None):
    (st.success if outcome[0] == "ok" else st.error)(outcome[1])
# Keyed, so it stays open through the rerun of "Prepare" (a walk found it folded shut over its Download button when
# a message above it came or went), and drawn open while this wave's file is ready.
ready = st.session_state.get("comments_qdpx")
with st.expander("Export this wave's comments and their codes (.qdpx)", key="comments_qdpx_export",
                 expanded=bool(ready and ready[0][0] == wave_id)):
    st.caption("Every team shown on this page, one document each, with each coded comment marked with its code: "
               "for NVivo, ATLAS.ti, MAXQDA or QualCoder, beside a study's export (the codes are the same).")
    with resources.db_read() as session:
        erasure = latest_erasure(session=session)  # a copy made before an erasure still held the erased words
        if st.button("Prepare the .qdpx"):
            st.session_state["comments_qdpx"] = (
                (wave_id, erasure), export_comments_qdpx(session=session, wave_id=wave_id, threshold=threshold),
                f"{slugify(wave_choices(session=session)[wave_id])}-comments.qdpx")
    prepared = st.session_state.get("comments_qdpx")
    if prepared and prepared[0] == (wave_id, erasure):
        download_file("Download comments and codes (.qdpx)", prepared[1], what=f"comments and codes of wave {wave_id}"
                      " (.qdpx)", file_name=prepared[2], mime="application/zip")


def save_code(answer_id, code_key: str) -> None:
    """Store the code (a button's callback, so the page then shows it at once)."""
    try:
        with resources.db_session() as session:
            name = code_comment(session=session, answer_id=answer_id, code_key=code_key, coder=user.username,
                                today=datetime.now(UTC).date())
    except FrontlineError as exc:
        st.session_state["pulse_replies_coded"] = ("error", plain(str(exc)))
    else:
        st.session_state["pulse_replies_coded"] = ("ok", f"Coded {plain(name)}: it teaches the next analysis.")
        st.session_state[f"code_popover_{answer_id}"] = False  # closed on the comment just coded


drafts = my_drafts(user.username, REPLIES)
for row in shown.itertuples():
    with st.container(border=True):
        st.text(row.comment)
        suggestion = suggested.get(row.answer_id)
        left, right = st.columns([3, 2])
        if row.answer_id in given:
            left.caption(f"Coded: {plain(codes.get(given[row.answer_id], given[row.answer_id]))}")
        elif suggestion is not None:
            left.caption(suggested_caption(codes.get(suggestion.code_key, suggestion.code_key), suggestion.confidence))
            left.button("Accept", key=f"accept_{row.answer_id}", on_click=save_code,
                        args=(row.answer_id, suggestion.code_key))
        elif row.answer_id in unfit:
            left.caption("No suggestion: the analysis found no code that fits it. Code it yourself, or add a code "
                         "for it on the Codebook page.")
        # Keyed by comment: unkeyed, a popover is known by its place in the list, and when a coded comment moved
        # the one open was drawn open again over the comment that took its place (an outside walk). Its open
        # state is then the page's to close once the code is saved (Streamlit keeps it only with a rerun).
        with right.popover("Choose another code" if row.answer_id in given or suggestion else "Code it",
                           key=f"code_popover_{row.answer_id}", on_change="rerun"):
            picked = st.selectbox("Code", list(codes), format_func=lambda k: codes[k], key=f"code_{row.answer_id}",
                                  index=None, placeholder="Choose a code")
            st.button("Save code", key=f"save_{row.answer_id}", disabled=picked is None, on_click=save_code,
                      args=(row.answer_id, picked))
        # A sent reply reruns the page (the count moves on, the form is drawn empty), so a second click on the
        # old form stores nothing: it used to keep the text and store each click again.
        # One box per comment, not per person: two comments of one response never share a thread or a key.
        name, place = f"reply_{row.answer_id}", reply_place(row.response_id, row.answer_id)
        # A draft kept from before this visit is drawn open, where it is seen: a closed popover hid it until
        # clicked. Decided once a visit, so a box does not change from popover to expander under the typing.
        drafted = st.session_state.setdefault(f"{name}_drafted", place in drafts) and place in drafts
        with (st.expander(f"Reply ({row.replies} so far): your unsent draft", expanded=True) if drafted
              else st.popover(f"Reply ({row.replies} so far)", key=f"reply_popover_{row.answer_id}")):
            for author, day, text in row.sent:  # this comment's own thread
                st.caption(f"{plain(author)} replied on {day:%d %b %Y}:")
                st.text(text)
            form = form_key(name)
            with st.form(form):
                body = kept_text_area(user.username, place, "Your reply (the agent sees it with their receipt code)",
                                      key=f"{form}_body", drafts=drafts)
                if st.form_submit_button("Send reply"):
                    try:
                        with resources.db_session() as session:
                            add_reply(session=session, response_id=row.response_id, author=user.username, body=body,
                                      today=datetime.now(UTC).date(), submission=submission_key(name),
                                      answer_id=row.answer_id)
                            forget_text(session=session, username=user.username, place=place)
                    except AlreadySubmitted:  # the second of a double click: the first sent it
                        flash(name, "The second click sent nothing: the reply was sent once.", "info")
                        clear_form(name)
                        st.rerun()
                    except FrontlineError as exc:
                        st.error(plain(str(exc)))
                    else:
                        flash(name, "Reply sent: the agent reads it with their receipt code.")
                        clear_form(name)
                        st.rerun()
            keep_while_typing(user.username, place, key=f"{form}_body")
        show_flash(name)
