"""Studies, guides and pseudonymous participants."""

import pytest
from sqlalchemy import select

from interviews.notes import save_note
from interviews.studies import (
    GuideItem,
    ParticipantRef,
    add_participant,
    create_study,
    participant_attributes,
    participants_table,
    set_guide,
    studies_table,
    update_participant,
)
from research.errors import FrontlineError
from research.store.models import GuideQuestion, InterviewNote, Participant


def test_participants_get_sequential_pseudonyms_and_custom_attributes(session, study):
    table = participants_table(session=session, study_id=study["study"].id)
    assert list(table["code"]) == ["P01", "P02", "P03"]
    assert list(table["shift"].fillna("")) == ["evening", "day", ""]
    assert participant_attributes(session=session, study_id=study["study"].id)[-1] == "shift"
    assert studies_table(session=session).loc[study["study"].id, "Participants"] == 3


def test_duplicate_title_and_reversed_dates_are_refused(session, study):
    from datetime import date
    with pytest.raises(FrontlineError, match="already exists"):
        create_study(session=session, title="test STUDY")
    with pytest.raises(FrontlineError, match="ends before it starts"):
        create_study(session=session, title="Other", starts_on=date(2026, 5, 2), ends_on=date(2026, 5, 1))
    with pytest.raises(FrontlineError, match="title"):
        create_study(session=session, title="   ")


def test_reordering_the_guide_keeps_notes_attached_to_their_question(session, study):
    first = study["guide"][0]
    save_note(session=session, interview_id=study["interview"].id, body="The CRM freezes.", editor="ana",
              guide_question_id=first.id)
    set_guide(session=session, study_id=study["study"].id, items=[
        GuideItem("A new opening question?"), GuideItem("How does management support you?"),
        GuideItem("Do you have the tools you need?", ("Which system?",)),
    ])
    note = session.scalars(select(InterviewNote)).one()
    assert note.guide_question_id == first.id
    assert session.get(GuideQuestion, first.id).position == 3
    with pytest.raises(FrontlineError, match="at least one question"):
        set_guide(session=session, study_id=study["study"].id, items=[GuideItem("  ")])


def test_built_in_attribute_names_and_unknown_channels_are_refused(session, study):
    with pytest.raises(FrontlineError, match="built-in attribute"):
        add_participant(session=session, study_id=study["study"].id, attributes={"industry": "x"})
    with pytest.raises(FrontlineError, match="Channel must be one of"):
        update_participant(session=session, participant_id=study["participants"][0].id, values={"channel": "fax"})


def test_recording_consent_sets_its_date(session, study):
    p3 = session.get(Participant, study["participants"][2].id)
    assert p3.consent_recorded_on is None
    updated = update_participant(session=session, participant_id=p3.id, values={"consent_given": True, "site": "Leeds"})
    assert updated == ParticipantRef(id=p3.id, code="P03")
    assert p3.consent_given and p3.consent_recorded_on is not None and p3.site == "Leeds"


def test_a_custom_attribute_added_later_reaches_every_participant(session, study):
    from interviews.studies import add_custom_attribute

    assert add_custom_attribute(session=session, study_id=study["study"].id, name=" team ") == "team"
    table = participants_table(session=session, study_id=study["study"].id)
    assert list(table["team"]) == ["", "", ""] and list(table["shift"].fillna("")) == ["evening", "day", ""]
    with pytest.raises(FrontlineError, match="Name the attribute"):
        add_custom_attribute(session=session, study_id=study["study"].id, name="  ")


def test_a_withdrawn_participant_leaves_nothing_but_their_code(session, study):
    from sqlalchemy import func

    from interviews.coding import add_memo, code_quote
    from interviews.exports import excerpts_csv
    from interviews.notes import start_interview
    from interviews.refi_qda import export_qdpx
    from interviews.studies import withdraw_participant
    from research.store.models import AuditEvent, Excerpt, Interview, Memo, NoteRevision, Participant

    p1, p2, _ = study["participants"]
    mine = save_note(session=session, interview_id=study["interview"].id, editor="ana",
                     guide_question_id=study["guide"][0].id, body="The billing tool freezes every morning.")
    excerpt = code_quote(session=session, note_id=mine.note_id, quote="billing tool freezes", codes=["tools"],
                         coder="ana")
    add_memo(session=session, author="ana", body="P01 on billing", excerpt_id=excerpt.id)
    theirs = start_interview(session=session, study_id=study["study"].id, participant_id=p2.id, interviewer="ana",
                             held_on=None)
    save_note(session=session, interview_id=theirs.id, editor="ana", guide_question_id=study["guide"][0].id,
              body="Chat queue tool is fine.")

    assert withdraw_participant(session=session, participant_id=p1.id, actor="ana") == "P01"
    session.expire_all()
    count = lambda model: session.scalar(select(func.count()).select_from(model))  # noqa: E731
    assert count(Excerpt) == 0 and count(Memo) == 0
    assert count(NoteRevision) == 1 and count(Interview) == 1  # P02's stay
    gone = session.get(Participant, p1.id)
    assert (gone.industry, gone.site, gone.attributes, gone.consent_given) == ("", "", {}, False)
    assert gone.withdrawn_on is not None
    assert b"billing" not in excerpts_csv(session=session, study_id=study["study"].id)
    assert b"billing tool" not in export_qdpx(session=session, study_id=study["study"].id)
    assert session.scalars(select(AuditEvent.subject)).all() == [f"P01 of study {study['study'].id}"]

    assert add_participant(session=session, study_id=study["study"].id, consent_given=True).code == "P04"
    with pytest.raises(FrontlineError, match="no consent recorded"):
        start_interview(session=session, study_id=study["study"].id, participant_id=p1.id, interviewer="ana",
                        held_on=None)
    with pytest.raises(FrontlineError, match="P01 withdrew"):
        update_participant(session=session, participant_id=p1.id, values={"consent_given": True})
    with pytest.raises(FrontlineError, match="already withdrew"):
        withdraw_participant(session=session, participant_id=p1.id, actor="ana")


def test_a_withdrawn_participants_words_leave_the_analysis_cache_and_others_stay(session, study, tmp_path):
    """An insider withdrew a participant and matched a guessed sentence of theirs to its cached vector."""
    import numpy as np

    from interviews.coding import code_quote
    from interviews.notes import start_interview
    from interviews.studies import withdraw_participant
    from research.settings import load_settings
    from research.store.embedding_cache import EmbeddingCache

    settings = load_settings({"FRONTLINE_DATA_DIR": str(tmp_path / "data")})
    p1, p2, _ = study["participants"]
    body = "The CRM freezes at nine.  I keep notes on paper so I lose nothing."
    mine = save_note(session=session, interview_id=study["interview"].id, editor="ana",
                     guide_question_id=study["guide"][0].id, body=body)
    code_quote(session=session, note_id=mine.note_id, quote="I keep notes on paper", codes=["tools"], coder="ana")
    theirs = start_interview(session=session, study_id=study["study"].id, participant_id=p2.id, interviewer="ana",
                             held_on=None)
    save_note(session=session, interview_id=theirs.id, editor="ana", guide_question_id=study["guide"][0].id,
              body="Chat queue tool is fine.")
    said = [body, "The CRM freezes at nine.", "I keep notes on paper so I lose nothing.", "I keep notes on paper",
            " ".join(body.split())]
    settings.embedding_cache_path.parent.mkdir(parents=True, exist_ok=True)
    cache = EmbeddingCache(settings.embedding_cache_path, settings.embedding_model)
    cache.put_many({text: np.ones(3, dtype=np.float32) for text in [*said, "Chat queue tool is fine."]})
    cache.close()

    withdraw_participant(session=session, participant_id=p1.id, actor="ana", settings=settings)
    cache = EmbeddingCache(settings.embedding_cache_path, settings.embedding_model)
    try:
        assert set(cache.get_many([*said, "Chat queue tool is fine."])) == {"Chat queue tool is fine."}
    finally:
        cache.close()


def test_an_imported_name_used_as_a_code_does_not_survive_withdrawal(session, study):
    from interviews.studies import withdraw_participant
    from research.store.models import AuditEvent, Participant

    person = session.get(Participant, study["participants"][1].id)
    person.code = "Anna Novak"  # as a REFI-QDA case name can arrive
    session.flush()
    withdraw_participant(session=session, participant_id=person.id, actor="ana")
    assert session.get(Participant, person.id).code == f"withdrawn-{person.id}"
    assert "Anna" not in " ".join(session.scalars(select(AuditEvent.subject)))


# "Role" and "Tenure band" as the table shows them: an outside walk added "Role" and got two Role columns.
@pytest.mark.parametrize("name", ["withdrawn_on", "id", "Role", "ROLE", "Tenure band", "tenure-band", "Consent"])
def test_names_the_table_uses_itself_are_refused_as_custom_attributes(session, study, name):
    from interviews.studies import add_custom_attribute

    with pytest.raises(FrontlineError, match="built-in attribute"):
        add_custom_attribute(session=session, study_id=study["study"].id, name=name)


def test_a_custom_attribute_that_reads_like_one_the_study_has_is_refused(session, study):
    from interviews.studies import add_custom_attribute, participants_table

    add_custom_attribute(session=session, study_id=study["study"].id, name="Floor")
    with pytest.raises(FrontlineError, match="already has the attribute 'Floor'; 'floor' would be a second"):
        add_custom_attribute(session=session, study_id=study["study"].id, name="floor")
    assert add_custom_attribute(session=session, study_id=study["study"].id, name="Floor") == "Floor"  # no change
    columns = list(participants_table(session=session, study_id=study["study"].id).columns)
    assert columns.count("Floor") == 1 and "floor" not in columns


def test_custom_attributes_typed_as_name_value_pairs():
    from interviews.studies import parse_attributes

    assert parse_attributes(" shift = evening; floor=2 ;") == {"shift": "evening", "floor": "2"}
    assert parse_attributes("") == {}
    with pytest.raises(FrontlineError, match="'evening' is not name=value"):
        parse_attributes("shift=day; evening")


def test_an_attribute_too_long_for_its_column_is_refused_not_cut_short(session, study):
    from interviews.studies import add_participant

    study_id = study["study"].id
    with pytest.raises(FrontlineError, match="^Industry is 300 characters; at most 64 fit. Shorten it"):
        add_participant(session=session, study_id=study_id, industry="I" * 300)
    with pytest.raises(FrontlineError, match="^Tenure band is 40 characters; at most 32 fit"):
        add_participant(session=session, study_id=study_id, tenure_band="x" * 40)
    assert list(participants_table(session=session, study_id=study_id)["code"]) == ["P01", "P02", "P03"]


def test_the_edit_form_opens_on_each_active_participants_values_and_names_what_changed(session, study):
    from datetime import date

    from interviews.studies import editable_participants

    p3 = session.get(Participant, study["participants"][2].id)
    p3.withdrawn_on = date(2026, 12, 1)
    people = editable_participants(session=session, study_id=study["study"].id)
    assert [p.code for p in people] == ["P01", "P02"]  # a withdrawn participant has nothing left to edit
    p1 = people[0]
    assert p1.fixed == {"industry": "retail", "role": "agent", "tenure_band": "", "channel": "phone", "site": "Leeds"}
    assert p1.consent_given and p1.custom == {"shift": "evening"}
    unchanged = {**p1.fixed, "consent_given": True, "shift": "evening "}
    assert p1.changes(unchanged) == []
    assert p1.changes({**unchanged, "tenure_band": "1-2 years", "consent_given": False, "shift": "night"}) \
        == ["tenure band", "consent", "shift"]
