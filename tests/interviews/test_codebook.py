"""The editable, hierarchical codebook and its CSV round trip."""

import pytest

from interviews.codebook import (
    CodeRef,
    add_code,
    analysis_codebook,
    codebook_from_csv,
    codes_table,
    delete_code,
    export_codebook_csv,
    import_codebook_csv,
    update_code,
)
from interviews.coding import code_quote
from interviews.notes import save_note
from research.codebook import DEFAULT_CODEBOOK
from research.errors import FrontlineError


def test_the_default_codebook_is_there_from_the_start_as_the_analysis_reads_it(session):
    """Migrations 0004 and 0009 together seed exactly the default codebook: names, descriptions, examples, gap
    lists; and the general workplace themes are there beside the contact-centre ones."""
    seeded = {c.key: c for c in analysis_codebook(session=session)}
    assert seeded == {c.key: c for c in DEFAULT_CODEBOOK}
    assert {"Pay", "Benefits and facilities", "Job security", "Culture and colleagues",
            "Tools and systems", "Customer recovery and breakage"} <= {c.name for c in seeded.values()}


def test_codebook_csv_carries_examples_and_a_minimal_file_is_enough():
    minimal = codebook_from_csv(b"name,description\nParking,Car park and parking spaces\nPay,Salary\n")
    assert [(c.key, c.name, c.description) for c in minimal] == [  # keyed by the names as written
        ("Parking", "Parking", "Car park and parking spaces"), ("Pay", "Pay", "Salary")]
    nested = codebook_from_csv(b"name,description,parent\nWork-life balance,Hours,\nRota,Shifts,work life BALANCE\n")
    assert [(c.key, c.examples) for c in nested] == [("Work-life balance", ("Rota", "Shifts"))]
    full = codebook_from_csv(b"key,name,parent,description,colour,examples\n"
                             b"tools,Tools,,Systems,#123456,slow CRM | headset broken\n"
                             b"crm,CRM,tools,The customer database,#000000,\n")
    assert [c.key for c in full] == ["tools"] and full[0].examples == (
        "slow CRM", "headset broken", "CRM", "The customer database")
    for bad, message in ((b"name\nPay\n", "description"), (b"name,description\n", "has a header but no rows"),
                         (b"name,description\nPay,a\npay,b\n", "twice"),
                         (b"name,description\nWork-life balance,a\nwork life balance.,b\n", "twice"),
                         (b"key,name,description\nsalary,Bonus,a\npay,Salary,b\n",
                          "'Salary' appears twice .also on line 2"),
                         (b"name,description\nOther,Anything else\n", "fit no code"),
                         (b"key,name,description\nother,Misc,a\n", "fit no code"),
                         (b"name,description\n???,a\n", "has no letter or digit"),
                         ("name,description\n" + "x" * 121 + ",a\n", "at most 120 characters"),
                         (b"name,description,parent\nPay,a,pay.\n", "its own parent"),
                         (b"name,description,parent\nA,a,\nB,b,A\nC,c,B\n", "sub-code of a sub-code"),
                         (b"name,description,parent\nPay,a,nothing\n", "not a code")):
        with pytest.raises(FrontlineError, match=message):
            codebook_from_csv(bad if isinstance(bad, bytes) else bad.encode())
    # Names in any script are told apart (a slug of them was empty, so any two were "twice").
    greek = codebook_from_csv("name,description\nΜισθός,Πληρωμή\nΆδεια,Διακοπές\n".encode())
    assert [c.key for c in greek] == ["Μισθός", "Άδεια"]


def test_examples_round_trip_through_the_codebook_csv(session):
    saved = update_code(session=session, key="pay", name="Pay", description="Salary", colour="#aec7e8",
                        parent_key=None, examples="low salary\nno raise")
    assert saved == CodeRef(key="pay", name="Pay")  # plain values, never the ORM row
    exported = export_codebook_csv(session=session)
    assert b"low salary | no raise" in exported
    update_code(session=session, key="pay", name="Pay", description="Salary", colour="#aec7e8", parent_key=None,
                examples="")
    import_codebook_csv(session=session, data=exported)
    assert {c.key: c.examples for c in analysis_codebook(session=session)}["pay"] == ("low salary", "no raise")


def test_a_typed_example_holding_the_csv_separator_is_refused_and_nothing_changes(session):
    before = {c.key: c for c in analysis_codebook(session=session)}["pay"]
    with pytest.raises(FrontlineError, match=r"The example 'raise\|bonus' contains '\|'.*Nothing was saved"):
        update_code(session=session, key="pay", name="Pay (renamed)", description="Salary", colour="#aec7e8",
                    parent_key=None, examples="low salary\nraise|bonus")
    assert {c.key: c for c in analysis_codebook(session=session)}["pay"] == before
    with pytest.raises(FrontlineError, match="contains '\\|'"):
        add_code(session=session, name="Parking", examples="+cmd|' /C calc'!A0")
    assert "Parking" not in set(codes_table(session=session)["Name"])


def test_codes_nest_and_cycles_are_refused(session):
    crm = add_code(session=session, name="CRM", description="The CRM", colour="#123456", parent_key="tools")
    assert codes_table(session=session).set_index("Name").loc["CRM", "Parent"] == "Tools and systems"
    with pytest.raises(FrontlineError, match="under itself"):
        update_code(session=session, key="tools", name="Tools and systems", description="", colour="#1f77b4",
                    parent_key=crm.key)
    with pytest.raises(FrontlineError, match="already a code called"):
        add_code(session=session, name="crm")
    for typed in ("pay.", "Pay!", " PAY "):  # an outside walk's: words alone, as the analysis compares names
        with pytest.raises(FrontlineError, match="already a code called 'Pay'"):
            add_code(session=session, name=typed)
    add_code(session=session, name="Parking and commute")
    with pytest.raises(FrontlineError, match="already a code called 'Parking and commute'"):
        add_code(session=session, name="PARKING & COMMUTE")  # a walk's near-duplicate, an action filed under it
    update_code(session=session, key="pay", name="Pay.", description="", colour="#aec7e8", parent_key=None)
    with pytest.raises(FrontlineError, match="not a colour"):
        add_code(session=session, name="Parking", colour="red")
    with pytest.raises(FrontlineError, match="fit no code"):  # the theme of comments that fit no code
        add_code(session=session, name="Other")


def test_a_code_in_use_cannot_be_deleted(session, study):
    note = save_note(session=session, interview_id=study["interview"].id, body="The CRM freezes.", editor="ana")
    code_quote(session=session, note_id=note.note_id, quote="CRM freezes", codes=["tools"], coder="ana")
    with pytest.raises(FrontlineError, match="applied to 1 excerpt"):
        delete_code(session=session, key="tools")
    delete_code(session=session, key="pay")
    assert "Pay" not in set(codes_table(session=session)["Name"])


def test_new_codes_default_to_a_colour_no_code_has(session):
    """On the coding page a code is told apart by its colour: a new code without one takes an unused colour, by
    the form and by an imported row alike; a colour given is kept."""
    in_use = set(codes_table(session=session)["Colour"].str.lower())
    added = add_code(session=session, name="Parking")
    import_codebook_csv(session=session, data=b"name,description\nCanteen,The food at work\n")
    add_code(session=session, name="Lockers", colour="#1f77b4")
    colours = codes_table(session=session).set_index("Name")["Colour"].str.lower()
    assert colours["Parking"] not in in_use
    assert colours["Canteen"] not in in_use | {colours["Parking"]}
    assert colours["Lockers"] == "#1f77b4"
    assert added.name == "Parking"


def test_codebook_csv_round_trip_updates_and_adds(session):
    exported = export_codebook_csv(session=session).decode()
    edited = exported.replace("Pay,", "Pay and rewards,", 1) + "parking,Parking,workload,Car park full,#00aa00\n"
    result = import_codebook_csv(session=session, data=edited.encode())
    table = codes_table(session=session).set_index("Key")
    assert table.loc["pay", "Name"] == "Pay and rewards"
    assert table.loc["parking", "Parent"] == "Workload and staffing"
    assert result.added == ["Parking"] and not result.skipped


def test_a_blank_cell_keeps_what_the_code_has_and_the_gap_list_round_trips(session):
    """A walk imported a row with no examples over "Pay" and its examples were gone; the export had no gap list."""
    before = codes_table(session=session).set_index("Key").loc["pay"]
    exported = export_codebook_csv(session=session).decode()
    assert exported.splitlines()[0].endswith(",examples,gap_kind")
    result = import_codebook_csv(session=session, data=b"name,description,examples,gap_kind\nPay,,,tooling\n"
                                 b"Parking,Car park full,,none\n")
    after = codes_table(session=session).set_index("Key")
    assert result.updated == ["Pay"] and result.added == ["Parking"]
    assert after.loc["pay", ["Description", "Examples"]].tolist() == before[["Description", "Examples"]].tolist()
    again = export_codebook_csv(session=session).decode().splitlines()
    assert any(line.startswith("pay,") and line.endswith(",tooling") for line in again)
    assert any(line.startswith("parking,") and line.endswith(",none") for line in again)


@pytest.mark.parametrize("data, message", [
    (b"", "is empty"),
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


def test_a_code_named_twice_in_one_file_is_imported_once_and_lines_are_the_file_s_own(session):
    """An outside walk's file named "Team morale" then "team MORALE": the second row overwrote the first
    without a word, and a bad row after a blank line was called line 4 when an editor shows line 5."""
    data = (b"name,description,colour\nTeam morale,First description,#123456\nteam MORALE,Second description,"
            b"#654321\n\nLoud,Noise,blue\n")
    result = import_codebook_csv(session=session, data=data)
    assert result.added == ["Team morale"] and result.updated == []
    assert result.skipped == [
        "line 3: 'team MORALE' names the same code as line 2 ('Team morale'), imported already; this row was "
        "left out",
        "line 5: 'blue' is not a colour like #1f77b4."]
    assert codes_table(session=session).set_index("Name").loc["Team morale", "Description"] == "First description"


def test_a_description_of_pages_is_refused_and_changes_nothing(session):
    """An outside walk saved a 60,000-character description; each of its clauses is matched against every
    comment."""
    long = "Parking at the site; " * 200
    with pytest.raises(FrontlineError, match="at most 2,000 characters; this one is 4,199"):
        add_code(session=session, name="Parking", description=long)
    with pytest.raises(FrontlineError, match="at most 2,000 characters"):
        update_code(session=session, key="pay", name="Pay and rewards", description=long, colour="#000000",
                    parent_key=None)
    result = import_codebook_csv(session=session, data=f"key,name,description\npay,Pay and rewards,{long}\n".encode())
    assert result.skipped == ["line 2: A code's description is at most 2,000 characters; this one is 4,199. Say "
                              "what belongs under the code in a few sentences."]
    session.expire_all()
    assert codes_table(session=session).set_index("Key").loc["pay", "Name"] == "Pay"
    assert "Parking" not in codes_table(session=session)["Name"].tolist()


def test_a_new_codes_key_keeps_its_letters_without_their_accents(session):
    code = add_code(session=session, name="Café & Kühlschrank")
    assert code.key == "cafe_kuhlschrank"


def test_a_new_codes_key_is_made_of_its_words_not_of_markup_typed_into_its_name(session):
    code = add_code(session=session, name="Hold music <b>&amp; loops</b>")
    assert code.key == "hold_music_loops"
    assert code.name == "Hold music <b>&amp; loops</b>"  # the name itself is kept as typed, shown escaped


def test_a_row_matched_by_name_under_another_key_says_which_code_it_updated(session):
    """An outside walk imported "TOOLS AND SYSTEMS" under a new key: it renamed the code the analysis reads, and
    the page said only "updated 1"."""
    result = import_codebook_csv(session=session, data=b"key,name,description\n"
                                                      b"hold_music,TOOLS AND SYSTEMS,The hold music loops\n")
    assert result.updated == ["TOOLS AND SYSTEMS"] and not result.added
    assert result.matched_by_name == ["'TOOLS AND SYSTEMS' (key 'hold_music') updated the code 'Tools and systems' "
                                      "(key 'tools'), matched by its name"]
    # the same file with the code's own key says nothing more
    again = import_codebook_csv(session=session, data=b"key,name,description\ntools,Tools and systems,Laptops\n")
    assert again.updated == ["Tools and systems"] and again.matched_by_name == []
