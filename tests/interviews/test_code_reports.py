"""Code frequencies by attribute, co-occurrence and quotes, on a hand-built study and on the demo."""

import pytest
from sqlalchemy import select

from interviews.code_reports import code_cooccurrence, code_frequencies, code_quotes
from interviews.coding import code_quote
from interviews.corpus import coded_examples, interview_texts
from interviews.notes import save_note, start_interview
from research.errors import FrontlineError


@pytest.fixture
def coded(session, study):
    p1, p2, _ = study["participants"]
    i2 = start_interview(session=session, study_id=study["study"].id, participant_id=p2.id, interviewer="ben",
                         held_on=None)
    q1 = study["guide"][0].id
    n1 = save_note(session=session, interview_id=study["interview"].id, editor="ana", guide_question_id=q1,
                   body="The CRM freezes at peak and we feel exhausted by it.").note_id
    n2 = save_note(session=session, interview_id=i2.id, editor="ben", guide_question_id=q1,
                   body="The core banking screen is slow. Management never listens.").note_id
    code_quote(session=session, note_id=n1, quote="The CRM freezes at peak", codes=["tools"], coder="ana")
    code_quote(session=session, note_id=n1, quote="The CRM freezes at peak and we feel exhausted by it.",
               codes=["morale"], coder="ana")
    code_quote(session=session, note_id=n1, quote="The CRM freezes at peak", codes=["tools"], coder="ben")
    code_quote(session=session, note_id=n2, quote="The core banking screen is slow.", codes=["tools"], coder="ana")
    code_quote(session=session, note_id=n2, quote="Management never listens.", codes=["management_support"],
               coder="ana")
    return study["study"].id


def test_frequencies_count_each_participant_once_per_code(session, coded):
    table = code_frequencies(session=session, study_id=coded, by="industry")
    # P01 (retail) was coded "tools" by two coders: still one participant.
    assert table.loc["retail", "Tools and systems"] == 1
    assert table.loc["banking", "Tools and systems"] == 1
    assert table.loc["retail", "Participants"] == 2  # P01 and P03 are in retail
    assert table.loc["banking", "Manager and leadership"] == 1 and table.loc["retail", "Manager and leadership"] == 0
    by_shift = code_frequencies(session=session, study_id=coded, by="shift")
    assert by_shift.loc["evening", "Morale and burnout"] == 1
    only_ben = code_frequencies(session=session, study_id=coded, by="industry", coder="ben")
    assert list(only_ben.columns) == ["Participants", "Tools and systems"]


def test_cooccurrence_counts_shared_and_overlapping_excerpts(session, coded):
    matrix = code_cooccurrence(session=session, study_id=coded, coder="ana")
    assert matrix.loc["Tools and systems", "Morale and burnout"] == 1  # overlapping excerpts in one note
    assert matrix.loc["Tools and systems", "Manager and leadership"] == 0  # separate sentences
    assert matrix.loc["Tools and systems", "Tools and systems"] == 2


def test_quotes_come_with_participant_attributes(session, coded):
    quotes = code_quotes(session=session, study_id=coded, code_key="tools")
    assert set(quotes["Quote"]) == {"The CRM freezes at peak", "The core banking screen is slow."}
    assert set(quotes["Participant"]) == {"P01", "P02"}
    assert set(quotes["shift"]) == {"evening", "day"}
    with pytest.raises(FrontlineError, match="no code"):
        code_quotes(session=session, study_id=coded, code_key="nope")


def test_the_analysis_engine_gets_coded_examples_and_the_interview_corpus(session, coded):
    examples = coded_examples(session=session)
    assert examples["tools"] == ["The CRM freezes at peak", "The core banking screen is slow."]
    assert "Management never listens." in examples["management_support"]
    texts = interview_texts(session=session, study_id=coded)
    assert list(texts["participant"]) == ["P01", "P02"]
    assert texts["question"].iloc[0] == "Do you have the tools you need?"


def test_the_demo_study_is_coded_by_two_researchers_across_industries(session):
    from research.demo import seed_demo
    from research.store.models import Study

    seed_demo(session=session)
    study_id = session.scalars(select(Study.id)).one()
    table = code_frequencies(session=session, study_id=study_id, by="industry")
    assert len(table) == 6 and (table["Participants"] == 4).all()
    # Every industry's agents talk about tools and about recovery work.
    assert (table["Tools and systems"] > 0).all() and (table["Customer recovery and breakage"] > 0).all()
    assert code_cooccurrence(session=session, study_id=study_id).loc["Tools and systems", "Tools and systems"] > 0
    assert len(code_quotes(session=session, study_id=study_id, code_key="customer_recovery")) >= 6


def test_only_single_code_excerpts_teach_the_themes(session, study):
    note = save_note(session=session, interview_id=study["interview"].id, editor="ana",
                     body="The CRM freezes all the time. Customers shout when it does.").note_id
    code_quote(session=session, note_id=note, quote="The CRM freezes all the time.", codes=["tools"], coder="ana")
    code_quote(session=session, note_id=note, quote="Customers shout when it does.",
               codes=["difficult_customers", "tools"], coder="ana")
    examples = coded_examples(session=session)
    assert examples == {"tools": ["The CRM freezes all the time."]}
