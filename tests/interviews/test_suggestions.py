"""The model suggests codes for uncoded interview sentences (research.analysis.suggestions); accepted suggestions are
ordinary excerpts that teach it. Kept beside the interview tests for their study fixture."""

from interviews.agreement import study_agreement
from interviews.codebook import add_code
from interviews.coding import code_excerpt, code_quote, note_excerpts
from interviews.notes import save_note
from research.analysis.embeddings import embed_texts
from research.analysis.suggestions import (
    MODEL_CODER,
    build_matcher,
    held_out_matcher,
    model_agreement,
    note_suggestions,
)

BODY = ("The CRM freezes every time I open a refund. My salary has not gone up in three years. "
        "Our team lead never backs us up when we ask for help.")


def test_uncoded_sentences_get_a_code_and_accepting_one_stores_an_excerpt(session, study, model):
    embed = lambda texts: embed_texts(texts, model)  # noqa: E731
    note = save_note(session=session, interview_id=study["interview"].id, body=BODY, editor="ana")
    code_quote(session=session, note_id=note.note_id, quote="The CRM freezes every time I open a refund.",
               codes=["tools"], coder="ana")
    matcher = build_matcher(session=session, embed=embed)
    suggestions = note_suggestions(session=session, note_id=note.note_id, coder="ana", matcher=matcher, embed=embed)
    assert [s.code for s in suggestions] == ["pay", "management_support"]  # the coded sentence is not suggested
    assert all(0 < s.confidence <= 1 for s in suggestions)
    first = suggestions[0]
    code_excerpt(session=session, note_id=note.note_id, start=first.start, end=first.end, codes=[first.code],
                 coder="ana")
    excerpts = note_excerpts(session=session, note_id=note.note_id)
    assert "My salary has not gone up in three years." in set(excerpts["Excerpt"])
    left = note_suggestions(session=session, note_id=note.note_id, coder="ana", matcher=matcher, embed=embed)
    assert [s.code for s in left] == ["management_support"]
    # Another researcher still gets suggestions for every sentence: coding is kept apart per coder.
    assert len(note_suggestions(session=session, note_id=note.note_id, coder="ben", matcher=matcher,
                                embed=embed)) == 3


def test_a_new_code_and_its_coded_examples_are_suggested(session, study, model):
    embed = lambda texts: embed_texts(texts, model)  # noqa: E731
    add_code(session=session, name="Parking", description="Car park and parking spaces at the site")
    note = save_note(session=session, interview_id=study["interview"].id,
                     body="There is nowhere to leave the car before an early start.", editor="ana")
    matcher = build_matcher(session=session, embed=embed)
    (suggestion,) = note_suggestions(session=session, note_id=note.note_id, coder="ana", matcher=matcher,
                                     embed=embed)
    assert suggestion.code == "parking"


def test_model_agreement_sits_beside_human_agreement(session, study, model):
    embed = lambda texts: embed_texts(texts, model)  # noqa: E731
    note = save_note(session=session, interview_id=study["interview"].id, body=BODY, editor="ana")
    for quote, code in (("The CRM freezes every time I open a refund.", "tools"),
                        ("My salary has not gone up in three years.", "pay"),
                        ("Our team lead never backs us up when we ask for help.", "difficult_customers")):
        code_quote(session=session, note_id=note.note_id, quote=quote, codes=[code], coder="ana")
    matcher = held_out_matcher(session=session, embed=embed, coder="ana")
    report = model_agreement(session=session, study_id=study["study"].id, coder="ana", matcher=matcher, embed=embed)
    per_code = report.per_code.set_index("code")
    assert report.coder_b == MODEL_CODER and report.units == 3
    assert per_code.loc["tools", "kappa"] == 1.0 and per_code.loc["pay", "kappa"] == 1.0
    assert per_code.loc["difficult_customers", "only_a"] == 1  # coded against its sense: the model reads management
    assert study_agreement(session=session, study_id=study["study"].id, coder_a="ana", coder_b="ben").units == 0
