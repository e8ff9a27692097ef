"""The agent's answers as typed, kept in the browser tab before they are reviewed, so a reload loses nothing.

The pulse form sends nothing to the server until "Review my answers": Streamlit's
form holds every value in the page. A small script (:func:`browser_store.mirror_form`)
copies what the form shows into the tab's ``sessionStorage`` on every change, named
by each input's accessible name (the question as labelled), a radio by its place in
the scale. After a reload the page reads that copy back (:func:`answers_from_draft`)
to fill the form again. What comes back is only a starting point: it came from the
browser, so anything that does not fit a question is dropped, and it is checked like
any answer when reviewed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from frontline_ui.markdown import widget_name

DRAFT_ITEM = "frontline.draft_answers"
RECEIPT_ITEM = "frontline.receipt"
ANSWERS_ITEM = "frontline.reviewed_answers"
AGENT_ITEMS = (RECEIPT_ITEM, ANSWERS_ITEM, DRAFT_ITEM)
"""What an agent's tab keeps (the receipt, the reviewed answers, the answers as typed): every Frontline page but
the pulse link's erases them, so a shared PC's tab that moved on holds none of them (an insider review read a
whole unsent comment from a tab left on the sign-in page)."""
MAX_SHARE_CHARS = 40
"""What the share box takes: enough for "about half" to reach the check and be refused by name."""
KEPT_TEXT_CHARS = 20_000
"""What a reload gives back of a text box: more than an answer may be (the review then says how much to cut, as
the box has no limit of its own, which threw a whole over-long paste away), less than would burden a page."""


def question_label(question) -> str:
    """The question as its input is labelled: optional questions and the share's scale say so."""
    label = question.prompt + ("" if question.required else " (optional)")
    return label + (" (0-100 %)" if question.kind == "percent" else "")


def is_choice(question) -> bool:
    return question.kind in ("scale", "enps")


def scale_meaning(question, joiner: str = " · ") -> str:
    """What a scale's two ends mean: "1 = strongly disagree · 5 = strongly agree" for a statement, "1 = very low
    · 5 = very high" for a question ("How is your morale?"), which "strongly disagree" did not answer."""
    if question.kind == "enps":
        low, high = "not at all likely", "extremely likely"
    elif question.prompt.rstrip().endswith("?"):
        low, high = "very low", "very high"
    else:
        low, high = "strongly disagree", "strongly agree"
    return f"{question.scale_min} = {low}{joiner}{question.scale_max} = {high}"


def input_name(question) -> str:
    """The input's accessible name: the question as labelled and, for a scale, what its ends mean.

    A screen reader names a scale's choices only "1" to "5"; the caption saying which end is which is read after
    them, if at all (an outside walk), so the meaning is part of the group's name.
    """
    label = question_label(question)
    return widget_name(f"{label} ({scale_meaning(question, '; ')})" if is_choice(question) else label)


def answers_from_draft(questions: Sequence, draft: Mapping) -> dict:
    """The answers a tab's copy holds, by question key: a radio's place as its score, typed text as typed (no
    longer than its box takes); a value of the wrong kind or out of range is left out."""
    answers: dict = {}
    for question in questions:
        value = draft.get(input_name(question))
        if is_choice(question):
            places = question.scale_max - question.scale_min
            if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= places:
                answers[question.key] = question.scale_min + value
        elif isinstance(value, str) and value:
            answers[question.key] = value[:MAX_SHARE_CHARS if question.kind == "percent" else KEPT_TEXT_CHARS]
    return answers


def draft_from_answers(questions: Sequence, answers: Mapping) -> dict:
    """The tab's copy of ``answers`` (as :func:`answers_from_draft` reads it), for going back to edit them."""
    draft: dict = {}
    for question in questions:
        value = answers.get(question.key)
        if value is None or value == "":
            continue
        name = input_name(question)
        if is_choice(question):
            draft[name] = int(value) - question.scale_min
        elif question.kind == "percent" and isinstance(value, int | float):
            draft[name] = f"{value:g}"
        else:
            draft[name] = str(value)
    return draft
