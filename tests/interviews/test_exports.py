"""Excerpt exports: text typed as a formula stays text in the CSV and the workbook (no formula cells)."""

import csv
import io

import openpyxl

from interviews.codebook import add_code
from interviews.coding import code_quote
from interviews.exports import excerpts_csv, excerpts_xlsx
from interviews.notes import save_note, start_interview
from interviews.studies import add_participant

STARTS = ("=", "+", "-", "@", "\t", "\r")


def hostile_study(session, study):
    """An excerpt, a code, a participant attribute and its value, each typed to start like a formula."""
    code = add_code(session=session, name="=SUM(1+1) tools", description="@SUM(A1:A9)")
    person = add_participant(session=session, study_id=study["study"].id, industry="+retail", role="agent",
                             consent_given=True, attributes={"@shift": "-evening"})
    interview = start_interview(session=session, study_id=study["study"].id, participant_id=person.id,
                                interviewer="ana", held_on=None)
    note = save_note(session=session, interview_id=interview.id, editor="ana", guide_question_id=study["guide"][0].id,
                     body='=HYPERLINK("x","Click") the billing tool freezes.')
    code_quote(session=session, note_id=note.note_id, quote='=HYPERLINK("x","Click") the billing tool freezes',
               codes=[code.key], coder="ana")
    session.flush()


def test_the_excerpts_csv_has_no_cell_that_runs(session, study):
    hostile_study(session, study)
    rows = list(csv.reader(io.StringIO(excerpts_csv(session=session, study_id=study["study"].id).decode("utf-8"),
                                       newline="")))
    cells = [cell for row in rows for cell in row]
    assert [c for c in cells if c.startswith(STARTS)] == []
    assert "'@shift" in rows[0] and "'-evening" in cells and "'+retail" in cells
    assert any(c.startswith("'=HYPERLINK") for c in cells)


def test_the_excerpts_workbook_has_no_formula_cell(session, study):
    hostile_study(session, study)
    book = openpyxl.load_workbook(io.BytesIO(excerpts_xlsx(session=session, study_id=study["study"].id)))
    assert book.sheetnames == ["Excerpts", "Codebook"]
    cells = [cell for sheet in book for row in sheet.iter_rows() for cell in row]
    assert [(c.parent.title, c.coordinate) for c in cells if c.data_type == "f"] == []
    assert [c.value for c in cells if isinstance(c.value, str) and c.value.startswith(STARTS)] == []
    texts = [c.value for c in cells if isinstance(c.value, str)]
    assert any(t.startswith("'=HYPERLINK") for t in texts) and "'=SUM(1+1) tools" in texts


def test_an_excerpt_of_free_notes_says_so_in_the_question_column(session, study):
    """A blank question cell read as a lost question to a researcher (an outside walk)."""
    from interviews.exports import excerpts_frame

    person = add_participant(session=session, study_id=study["study"].id, industry="retail", role="agent",
                             consent_given=True)
    interview = start_interview(session=session, study_id=study["study"].id, participant_id=person.id,
                                interviewer="ana", held_on=None)
    note = save_note(session=session, interview_id=interview.id, editor="ana", body="The rota changed again.")
    code_quote(session=session, note_id=note.note_id, quote="The rota changed again", codes=["workload"],
               coder="ana")
    session.flush()
    assert excerpts_frame(session=session, study_id=study["study"].id)["question"].tolist() == ["Free notes"]
