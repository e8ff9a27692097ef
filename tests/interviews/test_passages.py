"""The answer cut into coded passages, as the coding page marks them inline."""

from interviews.coding import code_quote
from interviews.notes import save_note
from interviews.passages import PassageCode, cut_passages, note_passages

TOOLS, PAY = PassageCode("Tools and systems", "#1f77b4"), PassageCode("Pay", "#ff7f0e")


def test_overlapping_codes_split_the_answer_so_each_passage_names_exactly_the_codes_on_it():
    body = "The CRM freezes. We are underpaid. Fine otherwise."
    passages = cut_passages(body, [(0, 16, TOOLS), (4, 34, PAY)])
    assert [(p.text, [c.name for c in p.codes]) for p in passages] == [
        ("The ", ["Tools and systems"]),
        ("CRM freezes.", ["Pay", "Tools and systems"]),
        (" We are underpaid.", ["Pay"]),
        (" Fine otherwise.", []),
    ]
    assert "".join(p.text for p in passages) == body  # nothing dropped or repeated


def test_each_excerpts_codes_are_named_once_where_it_ends():
    """An excerpt nested in another cuts the outer one in three pieces; the outer code is named once, at its end."""
    body = "The CRM freezes and we are underpaid for it. Fine."
    passages = cut_passages(body, [(0, 43, TOOLS), (19, 36, PAY)])
    assert [(p.text, [c.name for c in p.ends]) for p in passages] == [
        ("The CRM freezes and", []),
        (" we are underpaid", ["Pay"]),
        (" for it", ["Tools and systems"]),
        (". Fine.", []),
    ]


def test_an_excerpt_no_longer_in_the_text_marks_nothing():
    assert cut_passages("Short now.", [(-1, -1, TOOLS), (5, 40, PAY)]) == cut_passages("Short now.", [])


def test_a_coded_quote_is_marked_where_it_sits_in_the_stored_note(session, study):
    body = "The CRM freezes during busy hours.\nMy manager never answers escalations."
    note_id = save_note(session=session, interview_id=study["interview"].id, editor="ana",
                        guide_question_id=study["guide"][0].id, body=body).note_id
    code_quote(session=session, note_id=note_id, quote="My manager never answers", codes=["tools"], coder="rita")
    passages = note_passages(session=session, note_id=note_id)
    marked = [p for p in passages if p.codes]
    assert [p.text for p in marked] == ["My manager never answers"]
    assert [c.name for c in marked[0].codes] == ["Tools and systems"]
    assert "".join(p.text for p in passages) == body
