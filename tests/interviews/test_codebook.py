"""The editable, hierarchical codebook and its CSV round trip."""

import pytest

from interviews.codebook import (
    add_code, codes_table, delete_code, export_codebook_csv, import_codebook_csv, update_code,
)
from interviews.coding import code_quote
from interviews.notes import save_note
from research.codebook import DEFAULT_CODEBOOK
from research.errors import FrontlineError


def test_the_default_contact_centre_codebook_is_there_from_the_start(session):
    table = codes_table(session=session)
    assert list(table["Name"]) == [c.name for c in DEFAULT_CODEBOOK]
    assert "Pay and benefits" in set(table["Name"])


def test_codes_nest_and_cycles_are_refused(session):
    crm = add_code(session=session, name="CRM", description="The CRM", colour="#123456", parent_key="tools")
    assert codes_table(session=session).set_index("Name").loc["CRM", "Parent"] == "Tools and systems"
    with pytest.raises(FrontlineError, match="under itself"):
        update_code(session=session, key="tools", name="Tools and systems", description="", colour="#1f77b4",
                    parent_key=crm.key)
    with pytest.raises(FrontlineError, match="already a code called"):
        add_code(session=session, name="crm")
    with pytest.raises(FrontlineError, match="not a colour"):
        add_code(session=session, name="Parking", colour="red")


def test_a_code_in_use_cannot_be_deleted(session, study):
    note = save_note(session=session, interview_id=study["interview"].id, body="The CRM freezes.", editor="ana")
    code_quote(session=session, note_id=note.note_id, quote="CRM freezes", codes=["tools"], coder="ana")
    with pytest.raises(FrontlineError, match="applied to 1 excerpt"):
        delete_code(session=session, key="tools")
    delete_code(session=session, key="pay_benefits")
    assert "Pay and benefits" not in set(codes_table(session=session)["Name"])


def test_codebook_csv_round_trip_updates_and_adds(session):
    exported = export_codebook_csv(session=session).decode()
    edited = exported.replace("Pay and benefits,", "Pay and rewards,", 1) + "parking,Parking,workload,Car park full,#00aa00\n"
    result = import_codebook_csv(session=session, data=edited.encode())
    table = codes_table(session=session).set_index("Key")
    assert table.loc["pay_benefits", "Name"] == "Pay and rewards"
    assert table.loc["parking", "Parent"] == "Workload and staffing"
    assert result.added == ["Parking"] and not result.skipped


@pytest.mark.parametrize("data, message", [
    (b"", "no codes"),
    (b"\x00\x01binary", "binary"),
    (b"name\ncaf\xe9\n", "Line 2"),
    (b"label,colour\nx,#000000\n", "needs a 'name' column"),
])
def test_bad_codebook_files_say_why(session, data, message):
    with pytest.raises(FrontlineError, match=message):
        import_codebook_csv(session=session, data=data)


def test_bad_rows_are_skipped_with_their_line(session):
    result = import_codebook_csv(session=session, data=b"name,colour\nGood,#000000\nBad,blue\n")
    assert result.added == ["Good"]
    assert result.skipped == ["line 3: 'blue' is not a colour like #1f77b4."]
