"""The agent's anonymous pulse page: no login, reached through an invite or open link.

It reads only the link token from the URL; it never reads headers, cookies or
the client's address. Every text an agent typed is shown back as plain text.

The receipt survives a reload of the thank-you page because this browser tab
keeps it in ``sessionStorage`` (never in the URL, a cookie or the server; see
:mod:`frontline_ui.browser_store` for the trade-off on shared devices). The
answers being reviewed are kept there the same way until they are sent, so a
reload of the review step does not lose them.
"""

import hashlib
import json
import time
from datetime import UTC, datetime

import streamlit as st

from frontline_ui import browser_store, resources
from frontline_ui.a11y import phone_friendly_form
from frontline_ui.copy_button import copy_button
from frontline_ui.markdown import plain
from frontline_ui.pulse_draft import (
    ANSWERS_ITEM,
    DRAFT_ITEM,
    MAX_SHARE_CHARS,
    RECEIPT_ITEM,
    answers_from_draft,
    draft_from_answers,
    input_name,
    question_label,
    scale_meaning,
)
from research.errors import FrontlineError
from research.findings.actions import published_actions
from research.findings.anonymity_preview import anonymity_preview, preview_sentences
from research.privacy.redaction import PLACEHOLDERS
from research.privacy.reporting import Thresholds
from research.privacy.roster import roster_redactor
from research.pulse.links import LINK_FULL, view_link
from research.pulse.replies import LookupThrottle, conversation_for_receipt, receipt_code
from research.pulse.submit import MAX_TEXT_LENGTH, answer_problems, send_response, validate_answers
from research.pulse.waves import wave_questions
from research.store.engine import DatabaseUnavailable

STATE = "pulse_page"


def link_fingerprint(token: str) -> str:
    """Which link a kept receipt belongs to, without keeping the link token itself in the tab."""
    return hashlib.sha256(token.encode()).hexdigest()[:16]


def kept_answers(kept: str | None, token: str) -> dict:
    """The answers this tab kept at the review step for this link, or {} (none, another link's, or unreadable)."""
    fingerprint, _, answers = (kept or "").partition(":")
    if fingerprint != link_fingerprint(token):
        return {}
    try:
        value = json.loads(answers)
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def today():
    return datetime.now(UTC).date()


def show_replies_lookup() -> None:
    st.subheader("Read replies to your comment", anchor=False)
    throttle = st.session_state.setdefault("receipt_throttle", LookupThrottle())
    with st.form("receipt"):
        code = st.text_input("Receipt code", placeholder="XXXXX-XXXXX-XXXXX")
        if st.form_submit_button("Show replies"):
            try:
                receipt_code(code)  # a mistyped code is told so without using up a lookup
            except FrontlineError as exc:
                st.error(plain(str(exc)))
                return
            wait = throttle.wait(time.monotonic())
            if wait:
                st.error(f"Too many lookups from this page. Please wait {wait:.0f} seconds and try again.")
                return
            try:
                with resources.db_session() as session:
                    conversation = conversation_for_receipt(session=session, code=code, sealer=resources.sealer())
            except FrontlineError as exc:
                st.error(plain(str(exc)))
            else:
                for comment in conversation.comments:
                    st.caption("You wrote")
                    st.text(comment)
                if conversation.comments and not conversation.replies:
                    st.info("No reply yet. Check again later with the same code.")
                elif not conversation.replies:  # the same for a code that matches nothing, as it must be
                    st.info("Nothing to show for this code yet. If you wrote a comment, it and any reply to it "
                            "show here once enough people in your group have written one. Check again later "
                            "with the same code.")
                for day, body in conversation.replies:
                    st.caption(f"Reply from the research team, {day:%d %B %Y}")
                    st.text(body)


def show_actions(actions) -> None:
    """Published actions as plain text: what staff typed must not render as Markdown or HTML."""
    for action in actions:
        due = f", due {action.due_on:%d %B %Y}" if action.due_on else ""
        team = f" ({action.team})" if action.team else ""
        st.text(f"{action.theme_name}{team}: {action.title}\n{action.status.capitalize()}{due}")


SHARE_PLACEHOLDER = "a number from 0 to 100"


def question_widget(question, previous, problem=None):
    """One input per question, pre-filled with what the agent already gave (nothing typed is lost),
    with what is wrong with it, if anything, right above it.

    The question, worded by staff, is shown escaped as its own line; the input's own label is collapsed and
    holds the wording as typed, because Streamlit also makes that label the input's accessible name, where
    escapes would be read aloud (see :func:`frontline_ui.markdown.widget_name`); a scale's also says what its
    ends mean (:func:`frontline_ui.pulse_draft.input_name`).
    """
    if problem:
        st.error(plain(problem))
    st.markdown(plain(question_label(question)))
    name = input_name(question)
    if question.kind in ("scale", "enps"):
        options = list(range(question.scale_min, question.scale_max + 1))
        index = options.index(int(previous)) if previous is not None else None
        choice = st.radio(name, options, index=index, horizontal=True, label_visibility="collapsed")
        st.caption(scale_meaning(question))
        return choice
    if question.kind == "percent":  # typed, not a number box: that one silently turned "abc" or 12.5 into a number
        shown = "" if previous is None else f"{previous:g}" if isinstance(previous, int | float) else str(previous)
        return st.text_input(name, value=shown, max_chars=MAX_SHARE_CHARS, placeholder=SHARE_PLACEHOLDER,
                             label_visibility="collapsed")
    # No max_chars: Streamlit drops a whole change that would pass it, so a long paste vanished without a word.
    # The review says how long it is and what the limit is, and the words stay in the box to shorten.
    return st.text_area(name, value=previous or "", label_visibility="collapsed",
                        placeholder=f"Names, e-mails and numbers are removed. Up to {MAX_TEXT_LENGTH:,} characters.")


st.title("Anonymous pulse", anchor=False)  # no "link to heading" anchors: 16-pixel targets a reader announces
phone_friendly_form(SHARE_PLACEHOLDER)
token = st.query_params.get("t", "")
state = st.session_state.setdefault(STATE, {"stage": "answer", "token": token})
if state.get("token") != token:
    state.clear()
    state.update(stage="answer", token=token)

if not token:
    st.write("This page needs the link from your invitation. If you already answered, you can read replies here.")
    show_replies_lookup()
    st.stop()

if state["stage"] != "done":
    if state.get("forget_receipt"):  # a new response on a shared device: the last person's code is erased
        browser_store.keep_in_tab("receipt_tab", RECEIPT_ITEM, None)
    else:  # a reload of the thank-you page: this tab still has the code
        kept = browser_store.read_from_tab("receipt_tab", RECEIPT_ITEM)
        fingerprint, _, code = (kept or "").partition(":")
        if code and fingerprint == link_fingerprint(token):
            state.update(stage="done", receipt=code, answers={})
            st.rerun()
    if state["stage"] == "answer" and not state.get("answers") and not state.get("refused_kept"):
        # A reload of the review: its answers come back (once refused as invalid, never offered again).
        reviewed = kept_answers(browser_store.read_from_tab("answers_tab", ANSWERS_ITEM), token)
        if reviewed:
            state.update(stage="confirm", answers=reviewed, problems={}, restored=True)
            st.rerun()

if state["stage"] == "done":
    browser_store.keep_in_tab("receipt_tab", RECEIPT_ITEM, f"{link_fingerprint(token)}:{state['receipt']}")
    browser_store.keep_in_tab("answers_tab", ANSWERS_ITEM, None)  # sent: the answers leave the tab
    browser_store.keep_in_tab("draft_erase", DRAFT_ITEM, None)
    browser_store.mirror_form("draft_mirror", None)
    sent_config = resources.settings()
    # The thank-you opens where the review's button was, its first lines off the top (an outside walk).
    browser_store.scroll_to("thanks_scroll", '[data-testid="stAlert"]', once=state["receipt"])
    st.success("Thank you. Your answers are saved anonymously. Your scores join the results together with at "
               f"least {sent_config.min_group_size - 1} other people's from your group, never on their own; a "
               f"comment is read only once at least {sent_config.min_comment_group_size} people in your group "
               "have written one.")
    st.write("Your receipt code. If you wrote a comment, keep it to read the research team's replies to it; "
             "nobody else can link it to you:")
    # A heading, not st.code: that loads a 1.5 MB syntax highlighter first, and on a slow phone connection the
    # code stayed a blank grey bar for 10 to 30 seconds (an outside walk).
    st.subheader(state["receipt"], anchor=False)
    copy_button(state["receipt"], key="copy_receipt")
    if state.get("single_use", True):
        # The page cannot say whether this invitation was used before (whoever holds it would learn that too),
        # so it says what happens if it was: an outside walk sent twice and took the second code for the one.
        st.caption("If this invitation had been used before, the answers first sent with it stand, and only the "
                   "code given then reads replies.")
    try:
        with resources.db_read() as session:
            actions = published_actions(session=session)
    except FrontlineError:
        actions = []  # the answers are saved; what management did can be read another time
    if actions:
        st.subheader("What management has done about what you said", anchor=False)
        show_actions(actions)
    show_replies_lookup()
    if not state.get("single_use", True):
        st.caption("This link is shared by your team. Is someone else answering on this device?")
        if st.button("Start a new response for someone else"):
            state.clear()
            state.update(stage="answer", token=token, forget_receipt=True)
            st.rerun()
    st.stop()

config = resources.settings()
try:  # only reads: on SQLite the form never waits behind a writer (a release, an analysis saving its results)
    with resources.db_read() as session:
        target = view_link(session=session, token=token, today=today())
        questions = wave_questions(session=session, wave_id=target.wave_id)
        statuses = anonymity_preview(session=session, segment_id=target.segment_id, threshold=config.min_group_size)
        redactor = roster_redactor(session=session)
        wave_title, segment_label = target.wave_title, target.segment_label
        state["single_use"] = target.single_use
        actions = published_actions(session=session)
except DatabaseUnavailable:
    kept = " Your answers are kept on this page." if state.get("answers") else ""
    st.error(("Not saved: " if state["stage"] == "confirm" else "")
             + f"the survey cannot be reached just now.{kept} Please try again in a minute.")
    st.button("Try again", type="primary")
    st.stop()
except FrontlineError as exc:
    st.error(plain(str(exc)))  # a refusal may name a team or wave, typed by staff
    show_replies_lookup()
    st.stop()

if target.full and state["stage"] == "answer" and not state.get("answers"):
    st.error(LINK_FULL)  # before any answer is given; one already given is kept, and Send says it is not saved
    show_replies_lookup()
    st.stop()
st.caption(f"{plain(wave_title)} · {plain(segment_label)}")
st.info(
    "**Your answers are anonymous.** Frontline does not ask for or store your name, e-mail, IP address, browser "
    "or the time of day: only your group (as shown above) and the day. Management sees scores only as figures "
    f"of groups where at least {config.min_group_size} people have answered. Comments are read by the research "
    f"team, and quoted to management, only once at least {config.min_comment_group_size} people in your group "
    "have written one. Names, e-mail addresses, phone, account and card numbers and links in what you write are "
    "removed before it is saved, and you will see exactly what is kept."
)
if state.get("single_use"):
    st.caption("This invitation is yours alone. If you have already answered with it, your answers are saved "
               "and sending again adds nothing.")
with st.expander("Where your answers will count"):  # closed: on a phone it pushed the first question two screens down
    for line in preview_sentences(statuses, config.min_group_size):
        st.text(line)
    # Which groups show is not when: a review read "will only count in the industry total" as counting at once.
    st.text(f"Wherever they count, your answers join the results only together with at least "
            f"{config.min_group_size - 1} other people's from your own group (the same team, site, channel and "
            "industry); until then they are saved and counted nowhere.")
if actions:
    with st.expander("What changed after earlier pulses"):
        show_actions(actions)

if state["stage"] == "confirm" and state.pop("restored", False):
    try:  # what the tab kept is checked again, as anything from the browser is
        state["answers"] = validate_answers(questions, state["answers"])
    except FrontlineError:
        state.update(stage="answer", answers={}, refused_kept=True)

if state["stage"] == "answer" and not state.get("answers") and not state.get("refused_kept"):
    # A reload before review: what the form showed comes back from this tab's copy of it.
    state["answers"] = answers_from_draft(
        questions, kept_answers(browser_store.read_from_tab("draft_tab", DRAFT_ITEM), token))
if state["stage"] == "answer" and state.pop("editing", False):
    # Back from the review: a reload now opens these answers to edit, not the review of the old ones.
    browser_store.keep_in_tab("answers_erase", ANSWERS_ITEM, None)
    seed = json.dumps(draft_from_answers(questions, state["answers"]))
    browser_store.keep_in_tab("draft_seed", DRAFT_ITEM, f"{link_fingerprint(token)}:{seed}")

if state["stage"] == "answer":
    browser_store.mirror_form("draft_mirror", DRAFT_ITEM, f"{link_fingerprint(token)}:")
    problems = state.get("problems", {})
    if problems:  # the message quotes the question, whose wording staff typed
        # The message itself is beside the answer; said here too it read twice (an outside walk).
        st.error(f"Please check the {len(problems)} answers marked below. Everything else you gave is kept."
                 if len(problems) > 1 else "Please check the answer marked below. Everything else you gave is kept.")
    # Enter in the share box would otherwise run the review: a phone's keyboard shows Enter as "Go".
    with st.form("pulse", enter_to_submit=False):
        previous = state.get("answers", {})
        answers = {q.key: question_widget(q, previous.get(q.key), problems.get(q.key)) for q in questions}
        review = st.form_submit_button("Review my answers", type="primary")
    if problems:
        browser_store.scroll_to("problem_scroll", '[data-testid="stForm"] [data-testid="stAlert"]',
                                once=str(state.get("reviews", 0)))
    if review:
        state["reviews"] = state.get("reviews", 0) + 1
        state["answers"] = {k: v for k, v in answers.items() if v not in (None, "")}
        state["problems"] = answer_problems(questions, answers)
        if not state["problems"]:
            state["answers"] = validate_answers(questions, answers)
            state["stage"] = "confirm"
        st.rerun()

if state["stage"] == "confirm":
    browser_store.keep_in_tab("answers_tab", ANSWERS_ITEM, f"{link_fingerprint(token)}:{json.dumps(state['answers'])}")
    browser_store.mirror_form("draft_mirror", None)
    st.subheader("Check before sending", anchor=False)
    browser_store.scroll_to("review_scroll", "h3", once=f"review-{state.get('reviews', 0)}")
    texts = {q.key: q.prompt for q in questions if q.kind == "text"}
    scores = [q.prompt + (" " if q.prompt.rstrip().endswith(("?", ":")) else ": ")  # not "these days?: 4"
              + f"{state['answers'][q.key]:g}" + (" %" if q.kind == "percent" else "")
              for q in questions if q.kind != "text" and q.key in state["answers"]]
    if scores:
        st.text("\n".join(scores))
    for key, value in state["answers"].items():
        if key in texts:
            redacted = redactor.redact(value)
            st.caption(plain(texts[key]) + (" (this is what will be saved)" if redacted.changed else ""))
            st.text(redacted.text)
            if redacted.changed:
                # Named as the text shows them ("[link]"), not by the redactor's kinds ("url").
                removed = {PLACEHOLDERS.get(r.kind, r.kind) for r in redacted.replacements}
                st.caption("Removed: " + ", ".join(sorted(removed)))
    left, right = st.columns(2)
    if left.button("Edit my answers"):
        state.update(stage="answer", editing=True)
        st.rerun()
    if right.button("Send anonymously", type="primary"):
        try:
            receipt = send_response(engine=resources.engine(), token=token, answers=state["answers"], today=today(),
                                    steps=Thresholds.from_settings(config), sealer=resources.sealer())
        except FrontlineError as exc:  # the answers stay in the form, so nothing the agent typed is lost
            st.error(f"Not saved: {plain(exc)}")
        else:
            state.update(stage="done", receipt=receipt.code, answers={})
            st.rerun()
