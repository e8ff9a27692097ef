"""Researcher page: code excerpts of interview answers, write memos on them, and search the notes."""

import hashlib

import streamlit as st

from frontline_ui import resources
from frontline_ui.auth import require_page
from frontline_ui.forms import clear_form, flash, form_key, show_flash
from frontline_ui.kept_text import KeptBoxes, keep_while_typing, kept_text_area
from frontline_ui.markdown import plain
from frontline_ui.memos import remove_own_memo
from frontline_ui.passages import show_passages
from frontline_ui.pickers import id_in_address, keep_id_in_address, pick_by_title, pick_interview, pick_study
from frontline_ui.suggested import suggested_caption
from interviews.agreement import sentence_spans
from interviews.codebook import code_choices
from interviews.coding import (
    add_memo,
    code_excerpt,
    code_quote,
    code_sentences,
    delete_excerpt,
    excerpt_code_keys,
    memos_table,
    note_excerpts,
    search,
    set_excerpt_codes,
)
from interviews.notes import interview_slots
from interviews.passages import note_passages
from research.accounts.drafts import CODING_BOXES, coding_words_box, excerpt_memo_place, forget_text
from research.analysis.suggestions import build_matcher, note_suggestions
from research.errors import FrontlineError
from research.figure_text import clipped, counted

user = require_page("coding")
st.title("Coding")
study_id = pick_study("No studies yet: create one on the Interview studies page.")

with st.expander("Search notes, excerpts and memos"):
    query = st.text_input("Words to find", key="coding_search")
    if query:
        try:
            with resources.db_session() as session:
                found = search(session=session, query=query, study_id=study_id)
        except FrontlineError as exc:
            st.error(plain(exc))
        else:
            st.caption(f"{len(found)} match(es).")
            st.dataframe(found.drop(columns=["interview_id", "note_id"]), hide_index=True, width="stretch")

with resources.db_session() as session:
    codes = code_choices(session=session)
interview_id = pick_interview(study_id, "This study has no interviews yet: take notes on the Interview notes page "
                              "or import them.", key=f"coding_interview_{study_id}")
with resources.db_session() as session:
    slots = [s for s in interview_slots(session=session, interview_id=interview_id) if s.note_id and s.body]
if not slots:
    st.info("This interview has no notes yet.")
    st.stop()
by_note = {s.note_id: s for s in slots if s.note_id is not None}
moved_on = st.session_state.get("coding_shown_interview") not in (None, interview_id)  # the picker, not a link
st.session_state["coding_shown_interview"] = interview_id
if (asked := id_in_address("answer")) is not None and asked not in by_note and not moved_on:
    # an outside walk followed a stale link and accepted suggestions on the answer opened in its place
    st.warning("The address names an answer this interview does not have; its first answer is open below.")
note_id = pick_by_title("Answer", {n: s.question for n, s in by_note.items()}, "This interview has no notes yet.",
                        key=f"coding_note_{interview_id}", prefer=id_in_address("answer"))
keep_id_in_address("answer", note_id)  # a reload codes the same answer
body = by_note[note_id].body
with resources.db_read() as session:
    passages = note_passages(session=session, note_id=note_id)
if any(p.codes for p in passages):
    show_passages(passages)  # coded passages marked where they sit, in their codes' colours
else:
    st.text(body)
show_flash("coding")

sentences = sentence_spans(body)
# The form remembers which answer it was drawn for: if the answer shown has changed by the time "Code excerpt"
# arrives, the choices belonged to other text, so nothing is stored and the researcher is told.
drawn_for = st.session_state.get("coding_form_note")
form = form_key("code_excerpt")
boxes = KeptBoxes(user.username, CODING_BOXES, form)
with st.form(form):
    chosen = st.multiselect("Sentences to code", range(len(sentences)), key=f"{form}_sentences_{note_id}",
                            format_func=lambda i: body[sentences[i][0]:sentences[i][1]])
    words = boxes.text_input("…or paste the exact words to code", coding_words_box(note_id),
                             help="Copy them from the answer above.")
    keys = st.multiselect("Codes", list(codes), format_func=codes.__getitem__, key=f"{form}_codes_{note_id}")
    submitted = st.form_submit_button("Code excerpt", type="primary")
st.session_state["coding_form_note"] = note_id
if submitted:
    place = f"{st.session_state[f'coding_interview_{study_id}']}, {clipped(by_note[note_id].question)}"
    try:
        if drawn_for is not None and drawn_for != note_id:
            raise FrontlineError("The answer shown changed before your choice arrived, so nothing was coded. "
                                 "Choose the sentences and codes again for the answer shown.")
        with resources.db_session() as session:
            if words.strip():
                saved = [code_quote(session=session, note_id=note_id, quote=words, codes=keys,
                                    coder=user.username)]
            else:
                saved = code_sentences(session=session, note_id=note_id, sentences=chosen, codes=keys,
                                       coder=user.username)
            boxes.forget(session)
        texts = [e.text for e in saved]
    except FrontlineError as exc:
        st.error(plain(exc))
    else:
        quoted = "; ".join(f"'{clipped(t)}'" for t in texts)
        named = ", ".join(codes[k] for k in keys)
        flash("coding", plain(f"Coded {counted(len(texts), 'excerpt')} as {named} in {place}: {quoted}."))
        clear_form("code_excerpt")
        st.rerun()
boxes.keep()

st.subheader("Suggested codes")
st.caption("The model suggests a code for each sentence you have not coded yet, from the codebook and the "
           "excerpts coded so far. Accept a suggestion, or pick the right code first: either way it is saved as "
           "your coded excerpt and teaches the next suggestions and the pulse analysis.")
suggested_key = f"suggestions_{note_id}"
left_key = f"left_uncoded_{note_id}"  # sentences the researcher chose to leave uncoded: not offered again here
if st.button("Suggest codes for my uncoded sentences", key=f"suggest_{note_id}"):
    with resources.db_session() as session:
        matcher = build_matcher(session=session, embed=resources.embed)
        offered = note_suggestions(session=session, note_id=note_id, coder=user.username, matcher=matcher,
                                   embed=resources.embed)
    st.session_state[suggested_key] = [s for s in offered
                                       if (s.start, s.end) not in st.session_state.get(left_key, set())]
pending = st.session_state.get(suggested_key)
if pending is not None and not pending:
    st.caption("Nothing left to suggest: every sentence of this answer is coded by you"
               + (" or left uncoded." if st.session_state.get(left_key) else "."))
choosable = ["other", *codes]
shown = pending or []
for suggestion in shown:
    with st.container(border=True):
        st.text(suggestion.text)
        label = codes.get(suggestion.code, "no code fits (other)")
        st.caption(suggested_caption(label, suggestion.confidence))
        pick = st.selectbox("Code as", choosable, index=choosable.index(suggestion.code)
                            if suggestion.code in choosable else 0,
                            format_func=lambda k: codes.get(k, "(leave uncoded)"),
                            key=f"suggestion_code_{note_id}_{suggestion.start}")
        action = "Leave uncoded" if pick == "other" else ("Accept" if pick == suggestion.code else "Save my correction")
        if st.button(action, key=f"suggestion_save_{note_id}_{suggestion.start}", type="primary"):
            if pick != "other":
                try:
                    with resources.db_session() as session:
                        code_excerpt(session=session, note_id=note_id, start=suggestion.start, end=suggestion.end,
                                     codes=[pick], coder=user.username)
                except FrontlineError as exc:
                    st.error(plain(str(exc)))
                    continue
                flash("coding", plain(f"Coded '{clipped(suggestion.text)}' as {codes[pick]}."))
            else:  # said, as a code is: the sentence went from the list, and an outside walk saw no reason why
                st.session_state.setdefault(left_key, set()).add((suggestion.start, suggestion.end))
                flash("coding", plain(f"Left '{clipped(suggestion.text)}' uncoded: it is not suggested again on this "
                                      "visit."), "info")
            st.session_state[suggested_key] = [s for s in shown if s.start != suggestion.start]
            st.rerun()

with resources.db_session() as session:
    excerpts = note_excerpts(session=session, note_id=note_id)
st.subheader("Excerpts in this answer")
if excerpts.empty:
    st.caption("Nothing coded here yet.")
else:
    st.dataframe(excerpts.drop(columns=["id"]), hide_index=True, width="stretch")
    own = excerpts[excerpts["Coder"] == user.username]
    # Named by its words and coder, not its codes: recoding an excerpt must not rename the one being edited. The
    # picker is drawn anew when the excerpts themselves change (one removed), so what the box shows and what the
    # forms below edit are always the same excerpt.
    labels = {int(r["id"]): f"{r['Excerpt'][:80]} ({r['Coder']})" for r in excerpts.to_dict("records")}
    excerpt_set = hashlib.sha256(repr(sorted(labels)).encode()).hexdigest()[:12]
    excerpt_id = pick_by_title("Excerpt", labels, "", key=f"coding_excerpt_{note_id}_{excerpt_set}")
    excerpt_words = clipped(labels[excerpt_id].rsplit(" (", 1)[0])
    with resources.db_session() as session:
        memos = memos_table(session=session, excerpt_id=excerpt_id)
    if not memos.empty:
        st.dataframe(memos, hide_index=True, width="stretch")
    remove_own_memo(user.username, place="coding", excerpt_id=excerpt_id)
    if excerpt_id in set(own["id"]):
        with resources.db_session() as session:
            current = excerpt_code_keys(session=session, excerpt_id=excerpt_id)
        with st.form(f"recode_{excerpt_id}"):
            recoded = st.multiselect("Codes of this excerpt", list(codes), default=current,
                                     format_func=codes.__getitem__,
                                     key=f"recode_{excerpt_id}_codes_{'_'.join(current)}")
            if st.form_submit_button("Save codes"):
                try:
                    with resources.db_session() as session:
                        set_excerpt_codes(session=session, excerpt_id=excerpt_id, codes=recoded)
                except FrontlineError as exc:
                    st.error(plain(exc) + " To remove every code, remove the excerpt.")
                else:
                    flash("coding", plain(f"The excerpt '{excerpt_words}' now carries "
                                          f"{', '.join(codes[k] for k in recoded)}."))
                    st.rerun()
    memo_form, memo_place = form_key(f"memo_excerpt_{excerpt_id}"), excerpt_memo_place(excerpt_id)
    with st.form(memo_form):
        memo = kept_text_area(user.username, memo_place, "Memo on this excerpt", key=f"{memo_form}_body")
        left, right = st.columns(2)
        if left.form_submit_button("Add memo"):
            try:
                with resources.db_session() as session:
                    add_memo(session=session, author=user.username, body=memo, excerpt_id=excerpt_id)
                    forget_text(session=session, username=user.username, place=memo_place)
            except FrontlineError as exc:
                st.error(plain(exc))
            else:
                flash("coding", "Memo added to the excerpt.")
                clear_form(f"memo_excerpt_{excerpt_id}")
                st.rerun()
        if excerpt_id in set(own["id"]) and right.form_submit_button("Remove this excerpt"):
            with resources.db_session() as session:
                delete_excerpt(session=session, excerpt_id=excerpt_id)
            flash("coding", plain(f"Removed the excerpt '{excerpt_words}'."))
            st.rerun()
    keep_while_typing(user.username, memo_place, key=f"{memo_form}_body")
