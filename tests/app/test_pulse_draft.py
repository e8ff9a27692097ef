"""The tab's copy of a pulse form before review reads back as the answers it showed, and nothing else."""

from frontline_ui.pulse_draft import KEPT_TEXT_CHARS, answers_from_draft, draft_from_answers, input_name
from research.pulse.library import QUESTION_LIBRARY

QUESTIONS = [q for q in QUESTION_LIBRARY if q.kind in ("scale", "enps", "percent", "text")]


def by_kind(kind: str):
    return next(q for q in QUESTIONS if q.kind == kind)


def test_answers_written_to_the_tab_read_back_the_same():
    answers = {by_kind("scale").key: 2, by_kind("enps").key: 0, by_kind("percent").key: 35,
               by_kind("text").key: "The rota app loses my swaps"}
    back = answers_from_draft(QUESTIONS, draft_from_answers(QUESTIONS, answers))
    assert back == {**answers, by_kind("percent").key: "35"}  # the share as it was typed, checked at review


def test_what_the_browser_sends_that_fits_no_question_is_left_out():
    scale, enps, share, text = (by_kind(k) for k in ("scale", "enps", "percent", "text"))
    draft = {input_name(scale): 99, input_name(enps): True, input_name(share): 35,
             input_name(text): "x" * (KEPT_TEXT_CHARS + 500), "<img src=x>": "y", "__proto__": 1}
    assert answers_from_draft(QUESTIONS, draft) == {text.key: "x" * KEPT_TEXT_CHARS}
    assert answers_from_draft(QUESTIONS, {}) == {}
