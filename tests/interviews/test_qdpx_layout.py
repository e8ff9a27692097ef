"""The text layout a .qdpx export writes is read back into the same notes, guide and dates."""

from datetime import date

from interviews.qdpx_layout import guide_text, iso_date, note_head, note_parts, read_guide


def _written(notes: list[tuple[str | None, str]]) -> str:
    return "".join(f"{note_head(question)}{body}\n\n" for question, body in notes)


def test_notes_come_back_with_their_questions_blank_lines_and_all():
    notes = [("What slows you down?", "The CRM.\n\nAnd the knowledge base."), (None, "Rota changed."),
             ("Anything else?", ""), ("A question\nover two lines", "Yes.\n")]
    text = _written(notes)
    parts = note_parts(text, [])
    assert [(p.question, text[p.start:p.end]) for p in parts] == [
        ("What slows you down?", "The CRM.\n\nAnd the knowledge base."), (None, "Rota changed."),
        ("Anything else?", ""), ("A question over two lines", "Yes.\n")]


def test_a_text_not_written_as_notes_or_coded_across_two_of_them_stays_whole():
    assert note_parts("Notes from the call.\n\nQ: What slows you down?\nThe CRM.\n\n", []) is None
    text = _written([("First?", "one two"), ("Second?", "three")])
    across = (text.index("two"), text.index("three") + 5)
    assert note_parts(text, [across]) is None
    inside = (text.index("three"), text.index("three") + 5)
    assert len(note_parts(text, [inside])) == 2


def test_the_guide_and_dates_come_back_and_prose_is_not_taken_for_a_guide():
    written = guide_text([("What slows you down?", ["Which screen?", " "]), ("Who\nbacks you up?", [])],
                         date(2026, 10, 5), None)
    guide = read_guide(written)
    assert guide.questions == (("What slows you down?", ("Which screen?",)), ("Who backs you up?", ()))
    assert (guide.starts_on, guide.ends_on) == (date(2026, 10, 5), None)
    assert read_guide("We asked about shifts first, then swaps.") is None
    assert read_guide("") is None


def test_impossible_dates_are_dropped_and_said_not_refused():
    guide = read_guide("Starts: 2026-02-30\nEnds: 2026-10-01\n1. Why?\n")
    assert (guide.starts_on, guide.ends_on) == (None, date(2026, 10, 1)) and guide.questions == (("Why?", ()),)
    assert guide.problems == ("line 1, 'Starts: 2026-02-30', is not a date written YYYY-MM-DD",)
    backwards = read_guide("Starts: 2026-10-09\nEnds: 2026-10-01\n1. Why?\n")
    assert (backwards.starts_on, backwards.ends_on) == (None, None)
    assert backwards.problems == ("the study ends (2026-10-01) before it starts (2026-10-09), so it has no dates",)


def test_a_guide_edited_by_hand_keeps_every_line_it_can_read_and_names_the_rest():
    guide = read_guide("Starts: 2026-11-01\n   - a probe before any question\n1. What slows you down?\n"
                       "   - Which screen?\n2) Who backs you up?\n1. What slows you down?\n7.\nSee you!\n")
    assert guide.starts_on == date(2026, 11, 1)
    assert guide.questions == (("What slows you down?", ("Which screen?",)), ("Who backs you up?", ()))
    assert guide.problems == (
        "line 2, '- a probe before any question', is not a question, a probe under one or a date",
        "line 6 repeats the question 'What slows you down?'; it is kept once",
        "line 7, '7.', is not a question, a probe under one or a date",
        "line 8, 'See you!', is not a question, a probe under one or a date")
    assert iso_date("2026-10-06T09:00:00Z") == date(2026, 10, 6) and iso_date("6 Oct") is None
