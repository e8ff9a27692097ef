"""The guide as one block of text: written from the saved guide, read back exactly, bad lines refused by number."""

import pytest
from sqlalchemy import select

from interviews.guide_text import EXAMPLE, MAX_LINE, guide_text, parse_guide
from interviews.notes import save_note
from interviews.studies import GuideItem, guide_items, set_guide
from research.errors import FrontlineError
from research.store.models import InterviewNote


def test_the_saved_guide_is_written_as_text_and_read_back_unchanged(session, study):
    saved = guide_items(session=session, study_id=study["study"].id)
    text = guide_text(saved)
    assert text == "Do you have the tools you need? | Which system?\nHow does management support you?"
    assert parse_guide(text) == [GuideItem(q.text, q.probes) for q in saved]


def test_probes_follow_a_bar_separated_by_semicolons_and_blank_lines_and_spaces_are_dropped():
    text = "\n  Your tools?  |  Which one? ;; What breaks?  \n\n\tYour manager?\n   \n"
    assert parse_guide(text) == [GuideItem("Your tools?", ("Which one?", "What breaks?")),
                                 GuideItem("Your manager?")]
    assert guide_text(parse_guide(text)) == "Your tools? | Which one?; What breaks?\nYour manager?"
    assert [i.text for i in parse_guide(EXAMPLE)] == ["Do you have the tools you need?",
                                                      "What one thing would make your job easier?"]


@pytest.mark.parametrize("text, message", [
    ("Your tools?\n | Which one?", r"^Line 2 has probes but no question"),
    ("Your tools?\n\nyour   TOOLS?", r"^Line 3 asks the question of line 1 again \('your   TOOLS\?'\)"),
    ("Your tools?\n" + "x" * (MAX_LINE + 1), rf"^Line 2 is {MAX_LINE + 1:,} characters; at most {MAX_LINE:,}"),
    (" \n\n", r"^The guide needs at least one question"),
])
def test_a_bad_line_is_refused_by_its_number_and_nothing_is_saved(text, message):
    with pytest.raises(FrontlineError, match=message) as refused:
        parse_guide(text)
    assert "nothing was saved" in str(refused.value)


def test_notes_stay_with_a_question_whose_line_moved_and_whose_probes_changed(session, study):
    first = study["guide"][0]
    save_note(session=session, interview_id=study["interview"].id, body="The CRM freezes.", editor="ana",
              guide_question_id=first.id)
    edited = ("A new opening question?\nHow does management support you?\n"
              "Do you have the tools you need? | Who fixes it?")
    saved = set_guide(session=session, study_id=study["study"].id, items=parse_guide(edited))
    assert [(q.text, q.probes) for q in saved][2] == ("Do you have the tools you need?", ("Who fixes it?",))
    assert saved[2].id == first.id
    assert session.scalars(select(InterviewNote.guide_question_id)).one() == first.id
    assert guide_text(guide_items(session=session, study_id=study["study"].id)) == edited
