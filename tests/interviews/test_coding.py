"""Coding excerpts, memos and full-text search."""

import pytest

from interviews.coding import (
    add_memo,
    code_excerpt,
    code_quote,
    excerpt_code_keys,
    find_quote,
    memos_table,
    note_excerpts,
    own_memos,
    remove_memo,
    search,
    set_excerpt_codes,
)
from interviews.notes import save_note
from research.errors import FrontlineError


@pytest.fixture
def note_id(session, study):
    return save_note(session=session, interview_id=study["interview"].id, editor="ana",
                     guide_question_id=study["guide"][0].id,
                     body="The CRM freezes during busy hours.\nMy manager never answers escalations.").note_id


def test_an_excerpt_carries_several_codes_and_recoding_the_same_span_adds_to_it(session, note_id):
    first = code_quote(session=session, note_id=note_id, quote="The CRM freezes", codes=["tools"], coder="ana")
    again = code_quote(session=session, note_id=note_id, quote="the crm   FREEZES", codes=["morale"], coder="ana")
    assert again.id == first.id and set(again.codes) == {"tools", "morale"}
    other = code_quote(session=session, note_id=note_id, quote="The CRM freezes", codes=["tools"], coder="ben")
    assert other.id != first.id  # each coder's coding is kept apart
    table = note_excerpts(session=session, note_id=note_id)
    assert list(table["Coder"]) == ["ana", "ben"]
    recoded = set_excerpt_codes(session=session, excerpt_id=first.id, codes=["management_support"])
    assert recoded.codes == ("management_support",)
    assert excerpt_code_keys(session=session, excerpt_id=first.id) == ["management_support"]


@pytest.mark.parametrize("start, end, codes, message", [
    (0, 500, ["tools"], "outside"),
    (5, 5, ["tools"], "outside"),
    (0, 10, [], "at least one code"),
    (0, 10, ["no_such_code"], "Unknown code"),
])
def test_bad_excerpts_are_refused(session, note_id, start, end, codes, message):
    with pytest.raises(FrontlineError, match=message):
        code_excerpt(session=session, note_id=note_id, start=start, end=end, codes=codes, coder="ana")


def test_find_quote_explains_when_the_words_are_not_there():
    assert find_quote("Fix the\nbilling system", "billing  system") == (8, 22)
    with pytest.raises(FrontlineError, match="not in this answer"):
        find_quote("Fix the billing system", "phone system")


def test_memos_belong_to_exactly_one_thing(session, study, note_id):
    excerpt = code_quote(session=session, note_id=note_id, quote="busy hours", codes=["workload"], coder="ana")
    add_memo(session=session, author="ana", body="Peak-hour freezing again", excerpt_id=excerpt.id)
    add_memo(session=session, author="ana", body="Check with IT", code_key="tools")
    assert list(memos_table(session=session, excerpt_id=excerpt.id)["Memo"]) == ["Peak-hour freezing again"]
    assert list(memos_table(session=session, code_key="tools")["Memo"]) == ["Check with IT"]
    with pytest.raises(FrontlineError, match="exactly one"):
        add_memo(session=session, author="ana", body="x", excerpt_id=excerpt.id, code_key="tools")
    with pytest.raises(FrontlineError, match="empty"):
        add_memo(session=session, author="ana", body="  ", code_key="tools")


def test_a_memo_added_twice_is_refused_and_only_its_author_removes_one(session, study, note_id):
    """"Add memo" pressed twice gave two copies, and neither could be removed (an outside walk)."""
    excerpt = code_quote(session=session, note_id=note_id, quote="busy hours", codes=["workload"], coder="ana")
    first = add_memo(session=session, author="ana", body="Peak-hour freezing again", excerpt_id=excerpt.id)
    with pytest.raises(FrontlineError, match="already wrote this memo here"):
        add_memo(session=session, author="ana", body=" Peak-hour freezing again ", excerpt_id=excerpt.id)
    add_memo(session=session, author="ben", body="Peak-hour freezing again", excerpt_id=excerpt.id)  # his own
    add_memo(session=session, author="ana", body="Peak-hour freezing again", code_key="tools")  # elsewhere
    assert own_memos(session=session, author="ana", excerpt_id=excerpt.id) == {first: "Peak-hour freezing again"}
    with pytest.raises(FrontlineError, match="Only the researcher who wrote a memo"):
        remove_memo(session=session, memo_id=first, author="ben")
    remove_memo(session=session, memo_id=first, author="ana")
    assert list(memos_table(session=session, excerpt_id=excerpt.id)["By"]) == ["ben"]
    with pytest.raises(FrontlineError, match="gone already"):
        remove_memo(session=session, memo_id=first, author="ana")


def test_search_finds_notes_excerpts_and_memos_and_treats_wildcards_literally(session, study, note_id):
    code_quote(session=session, note_id=note_id, quote="My manager never answers", codes=["management_support"],
               coder="ana")
    add_memo(session=session, author="ana", body="Manager issue also in P02", interview_id=study["interview"].id)
    found = search(session=session, query="MANAGER", study_id=study["study"].id)
    assert sorted(found["Found in"]) == ["excerpt", "memo", "note"]
    assert search(session=session, query="100%", study_id=study["study"].id).empty
    assert search(session=session, query="s_n", study_id=study["study"].id).empty  # "_" is not a wildcard
    with pytest.raises(FrontlineError, match="at least two"):
        search(session=session, query="a")


def test_search_in_one_study_leaves_out_another_studys_memos(session, study, note_id):
    from interviews.notes import start_interview
    from interviews.studies import add_participant, create_study

    other = create_study(session=session, title="Other study", purpose="Elsewhere")
    person = add_participant(session=session, study_id=other.id, industry="telecom", consent_given=True)
    elsewhere = start_interview(session=session, study_id=other.id, participant_id=person.id, interviewer="bo",
                                held_on=None)
    session.flush()
    add_memo(session=session, author="bo", body="Manager turnover in the other study", interview_id=elsewhere.id)
    excerpt = code_quote(session=session, note_id=note_id, quote="My manager never answers",
                         codes=["management_support"], coder="ana")
    add_memo(session=session, author="ana", body="Manager silence on escalations", excerpt_id=excerpt.id)
    add_memo(session=session, author="ana", body="Manager support: see both studies", code_key="management_support")
    memos = search(session=session, query="manager", study_id=study["study"].id)
    memos = memos[memos["Found in"] == "memo"]
    assert sorted(memos["Snippet"].str.contains("other study")) == [False, False]
    assert memos["interview_id"].dropna().tolist() == [study["interview"].id]  # the excerpt's memo finds its interview
    assert len(search(session=session, query="manager turnover", study_id=other.id)) == 1


def test_adjacent_sentences_become_one_excerpt_and_separate_ones_are_coded_apart(session, study):
    from interviews.coding import code_sentences

    body = "First point. Second point. Third point."
    note = save_note(session=session, interview_id=study["interview"].id, editor="ana", body=body,
                     guide_question_id=study["guide"][1].id).note_id
    joined = code_sentences(session=session, note_id=note, sentences=[1, 0], codes=["tools"], coder="ana")
    assert [e.text for e in joined] == ["First point. Second point."]
    apart = code_sentences(session=session, note_id=note, sentences=[0, 2], codes=["morale"], coder="ben")
    assert [e.text for e in apart] == ["First point.", "Third point."]
    with pytest.raises(FrontlineError, match="not in this answer"):
        code_sentences(session=session, note_id=note, sentences=[3], codes=["tools"], coder="ana")
    with pytest.raises(FrontlineError, match="Choose sentences"):
        code_sentences(session=session, note_id=note, sentences=[], codes=["tools"], coder="ana")
