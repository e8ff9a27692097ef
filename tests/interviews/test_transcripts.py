"""Interview import, parsing half: what a researcher sees in the preview for each kind of file."""

from __future__ import annotations

import io
import os
import re
import zipfile
from collections import Counter
from datetime import date

import docx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from interviews.transcripts import (
    MAX_UPLOAD_BYTES,
    CsvMapping,
    Turn,
    check_upload,
    decode_text,
    guess_csv_mapping,
    map_csv_rows,
    parse_transcript,
    read_csv_table,
)
from research.errors import FrontlineError

QA_TXT = b"""Interview with P07, 3 May

Q: How long was your training?
A: Two weeks.
It felt too short for the billing system.

Question: Which tool slows you down most?
Answer: The CRM search.

Q. Anything else?
"""


def word_file(*paragraphs: str, table: list[list[str]] | None = None, heading: str | None = None) -> bytes:
    document = docx.Document()
    if heading:
        document.add_heading(heading, level=2)
    for text in paragraphs:
        document.add_paragraph(text)
    if table:
        grid = document.add_table(rows=len(table), cols=len(table[0]))
        for r, row in enumerate(table):
            for c, text in enumerate(row):
                grid.cell(r, c).text = text
    document.add_paragraph("Closing note after the table.")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def test_plain_text_with_q_and_a_labels_becomes_turns_and_reports_the_unanswered_question():
    preview = parse_transcript("notes.txt", QA_TXT)

    assert preview.format == "Q/A turns"
    assert preview.turns == [
        Turn("", "Interview with P07, 3 May"),
        Turn("How long was your training?", "Two weeks.\nIt felt too short for the billing system."),
        Turn("Which tool slows you down most?", "The CRM search."),
    ]
    assert preview.skipped == ['question 3 had no answer: "Anything else?"']


def test_windows_newlines_and_a_bom_do_not_change_the_turns():
    crlf = "\ufeff".encode() + QA_TXT.replace(b"\n", b"\r\n")
    assert parse_transcript("notes.txt", crlf) == parse_transcript("notes.txt", QA_TXT)


def test_interviewer_and_participant_labels_and_unlabelled_answers():
    text = b"interviewer: What would help?\nBetter search.\nAnd fewer screens.\nPARTICIPANT: Also training.\n"
    preview = parse_transcript("call.txt", text)
    assert preview.turns == [Turn("What would help?", "Better search.\nAnd fewer screens.\nAlso training.")]


def test_markdown_headings_emphasis_bullets_and_links_become_plain_turns():
    md = b"""# Interview with **P12**

## How was onboarding?

- It was *fine*, see the [wiki page](https://intranet/wiki)
- Mentor was __very__ helpful

## Q2: Tools

***Slow*** at peak times.

---
"""
    preview = parse_transcript("p12.md", md)

    assert preview.format == "Q/A turns"
    assert preview.turns == [
        Turn("", "Interview with P12"),
        Turn("How was onboarding?", "It was fine, see the wiki page\nMentor was very helpful"),
        Turn("Tools", "Slow at peak times."),
    ]
    joined = " ".join(t.question + " " + t.answer for t in preview.turns)
    assert not re.search(r"[#*_\[\]]|https?:", joined)


def test_markdown_bold_labels_are_still_recognised():
    preview = parse_transcript("x.md", b"**Q:** Shift length?\n**A:** Eight hours.\n")
    assert preview.turns == [Turn("Shift length?", "Eight hours.")]


def test_docx_paragraphs_headings_and_tables_are_read_in_order():
    data = word_file("Q: What slows you down?", "The CRM.", "It freezes daily.",
                     heading="What do you like about the job?",
                     table=[["Q: Team size?", "A: Twelve."], ["Q: Shift?", "A: Nights."]])
    preview = parse_transcript("interview.docx", data)

    assert preview.format == "Q/A turns"
    assert preview.turns == [
        Turn("What slows you down?", "The CRM.\n\nIt freezes daily."),
        Turn("Team size?", "Twelve."),
        Turn("Shift?", "Nights.\n\nClosing note after the table."),
    ]
    assert preview.skipped == ['question 1 had no answer: "What do you like about the job?"']


def test_docx_table_rows_without_labels_are_kept_as_notes():
    data = word_file("General notes", table=[["Topic", "Note"], ["Tools", "CRM freezes"]])
    preview = parse_transcript("grid.docx", data)
    assert preview.format == "paragraphs"
    assert [t.answer for t in preview.turns] == ["General notes", "Topic\nNote", "Tools\nCRM freezes",
                                                 "Closing note after the table."]


def test_docx_merged_table_cells_are_read_once():
    document, out = docx.Document(), io.BytesIO()
    grid = document.add_table(rows=2, cols=3)
    grid.cell(0, 0).merge(grid.cell(0, 2)).text = "Q: Which shift?"
    grid.cell(1, 0).text, grid.cell(1, 1).text, grid.cell(1, 2).text = "A: Early", "and", "late"
    document.save(out)
    preview = parse_transcript("merged.docx", out.getvalue())
    assert preview.turns == [Turn("Which shift?", "Early\nand\nlate")]


def test_speaker_labels_with_timestamps_make_the_questioner_the_interviewer():
    text = b"""[00:00:01] Sam: Thanks for joining.
[00:00:04] Sam: How is the queue this week?
[00:00:09] Jordan: Busy.
We are short of two people.
(00:01:10) Sam: Why do you think that is?
00:01:15 Jordan: Sickness, mostly.
[00:02:00] Sam: Thanks, that's all.
"""
    preview = parse_transcript("call.txt", text)

    assert preview.format == "speaker labels"
    assert preview.turns == [
        Turn("Thanks for joining.\nHow is the queue this week?", "Busy.\nWe are short of two people."),
        Turn("Why do you think that is?", "Sickness, mostly."),
    ]
    assert preview.skipped == ['question 3 had no answer: "Thanks, that\'s all."']
    assert "00:" not in str(preview.turns)


def test_speaker_who_asks_more_questions_is_the_interviewer_even_if_they_speak_second():
    text = b"SPEAKER 1: Hello, I'm ready.\nSPEAKER 2: Great. What do you handle?\nSPEAKER 1: Billing calls.\n" \
           b"SPEAKER 2: What is hardest?\nSPEAKER 1: Refunds.\n"
    preview = parse_transcript("s.txt", text)
    assert preview.turns == [Turn("", "Hello, I'm ready."), Turn("Great. What do you handle?", "Billing calls."),
                             Turn("What is hardest?", "Refunds.")]


def test_named_interviewer_with_several_respondents_keeps_who_answered():
    text = b"Kim: What changed?\nAli: New CRM.\nBea: More calls.\nKim: Anything else?\nAli: No.\n"
    assert parse_transcript("group.txt", text).format == "paragraphs"  # three speakers, none named
    preview = parse_transcript("group.txt", text, interviewer_labels=["kim"])
    assert preview.format == "speaker labels"
    assert preview.turns == [Turn("What changed?", "Ali: New CRM.\nBea: More calls."),
                             Turn("Anything else?", "Ali: No.")]


def test_plain_paragraphs_become_free_notes():
    text = b"Agent seemed tired.\nMentioned rota twice.\n\n\nAsked about overtime pay.\n"
    preview = parse_transcript("notes.txt", text)
    assert preview.format == "paragraphs"
    assert preview.turns == [Turn("", "Agent seemed tired.\nMentioned rota twice."),
                             Turn("", "Asked about overtime pay.")]
    assert preview.skipped == []


@pytest.mark.parametrize(("name", "data", "message"), [
    ("notes.txt", b"", "is empty"),
    ("notes.md", b" \n\t\r\n ", "only blank space"),
    ("notes.txt", b"\xef\xbb\xbf\n\n", "only blank space"),
    ("notes.txt", b"Q: hi\x00\x01\x02", "binary data"),
    ("data.csv", b"a,b\n1,\x00", "binary data"),
    ("notes.txt", "Q: hi".encode("utf-16"), "UTF-16"),
    ("interview.docx", os.urandom(2048), "not a valid Word .docx file"),
    ("interview.docx", b"PK\x03\x04 not really a zip", "not a valid Word .docx file"),
    ("setup.exe", b"MZ\x90\x00", "is a .exe file"),
    ("report.pdf", b"%PDF-1.7", ".txt, .md, .docx and .csv"),
    ("README", b"text", "has no file extension"),
])
def test_malformed_uploads_get_a_specific_one_line_message(name, data, message):
    with pytest.raises(FrontlineError, match=re.escape(message)) as caught:
        check_upload(name, data)
    assert "\n" not in str(caught.value)
    with pytest.raises(FrontlineError):
        parse_transcript(name, data)


def test_a_zip_that_is_not_a_word_file_or_has_a_damaged_body_is_refused():
    def zipped(member: str, text: str) -> bytes:
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as archive:
            archive.writestr(member, text)
        return out.getvalue()

    with pytest.raises(FrontlineError, match="not a valid Word"):
        check_upload("x.docx", zipped("hello.txt", "hi"))
    damaged = zipped("word/document.xml", "<w:document>not closed")
    assert check_upload("x.docx", damaged) == "docx"  # looks like Word from outside...
    with pytest.raises(FrontlineError, match=r'^"x.docx" could not be read as a Word file .*save it again as .docx'):
        parse_transcript("x.docx", damaged)  # ...but python-docx cannot open it


def test_a_50_mb_file_is_refused_with_its_size_before_decoding():
    data = b"a" * MAX_UPLOAD_BYTES
    with pytest.raises(FrontlineError, match=r"is 50\.0 MB; files must be smaller than 50 MB") as caught:
        check_upload("big.txt", data)
    assert '"big.txt"' in str(caught.value)
    assert check_upload("ok.txt", data[:-1]) == "txt"  # one byte under is fine
    with pytest.raises(FrontlineError, match="50 MB"):
        read_csv_table(b"\xff" * MAX_UPLOAD_BYTES)  # refused for size, not for the undecodable bytes


def test_only_the_base_name_is_used_and_never_echoed_as_a_path():
    assert check_upload("../../etc/passwd.txt", b"hello") == "txt"
    assert check_upload("C:\\x\\y.MD", b"hello") == "md"
    with pytest.raises(FrontlineError) as caught:
        check_upload("../../secret/dir.d/payload.sh", b"x")
    assert str(caught.value).startswith('"payload.sh" is a .sh file')
    assert "secret" not in str(caught.value)


def test_latin_1_text_is_refused_naming_the_line_and_asking_for_utf_8():
    data = "Q: Café?\r\nA: ok\r\nA: Très bien\n".encode("latin-1")
    with pytest.raises(FrontlineError, match=r"^Line 1 is not UTF-8 text \(byte 0xE9\); save the file as UTF-8"):
        decode_text(data)
    with pytest.raises(FrontlineError, match="^Line 3 "):
        parse_transcript("notes.txt", "Q: x\rA: ok\nA: Très".encode("latin-1"))


def test_decode_text_keeps_utf_8_and_normalises_newlines():
    assert decode_text("\ufeffZoë\r\nsays\rhi\n".encode()) == "Zoë\nsays\nhi\n"


def test_a_word_file_with_no_text_is_refused():
    document, out = docx.Document(), io.BytesIO()
    document.save(out)
    with pytest.raises(FrontlineError, match='"empty.docx" contains no text'):
        parse_transcript("empty.docx", out.getvalue())


PER_ANSWER = b"""participant,question,answer,interviewer,date
P01,How long was training?,Two weeks,Kim,2024-05-03
P01,What slows you down?,"The CRM,
mostly search",Kim,2024-05-03
,Orphan question,An answer without a participant,Kim,2024-05-03
P02,How long was training?,,Lee,04/05/2024
P02,What slows you down?,Headsets,Lee,04/05/2024
P03,What slows you down?,Nothing,Lee,3rd May
"""


def test_csv_with_one_row_per_answer_is_grouped_by_participant_and_reports_skipped_lines():
    table = read_csv_table(PER_ANSWER)
    assert list(table.index) == [2, 3, 5, 6, 7, 8]  # the quoted cell spans lines 3-4
    preview = map_csv_rows(table, CsvMapping(participant="participant", answer="answer", question="question",
                                             interviewer="interviewer", held_on="date"))

    assert preview.interviews == {
        "P01": [Turn("How long was training?", "Two weeks"), Turn("What slows you down?", "The CRM,\nmostly search")],
        "P02": [Turn("What slows you down?", "Headsets")],
        "P03": [Turn("What slows you down?", "Nothing")],
    }
    assert preview.interviewers == {"P01": "Kim", "P02": "Lee", "P03": "Lee"}
    assert preview.dates == {"P01": date(2024, 5, 3), "P02": date(2024, 5, 4)}
    assert preview.skipped == [
        "line 5: no participant, so the row was not imported",
        "line 6: no answer for P02, so the row was not imported",
        "line 8: date '3rd May' is not YYYY-MM-DD or DD/MM/YYYY; the answer was kept without it",
    ]


def test_csv_with_one_row_per_interview_keeps_the_whole_notes_and_reports_conflicts():
    data = b"Code;Notes;When\nA1;Tired, wants rota changes.;2024-06-01\nA2;Happy overall;2024-06-02\n" \
           b"A1;Second session notes;2024-06-09\n"
    preview = map_csv_rows(read_csv_table(data), CsvMapping(participant="Code", answer="Notes", held_on="When"))
    assert preview.interviews == {"A1": [Turn("", "Tired, wants rota changes."), Turn("", "Second session notes")],
                                  "A2": [Turn("", "Happy overall")]}
    assert preview.dates == {"A1": date(2024, 6, 1), "A2": date(2024, 6, 2)}
    assert preview.skipped == ["line 4: date '2024-06-09' differs from '2024-06-01' on an earlier row for A1; "
                               "kept '2024-06-01'"]


def test_csv_mapping_a_missing_column_names_it_and_lists_the_columns():
    table = read_csv_table(b"code,notes\nP1,hi\n")
    with pytest.raises(FrontlineError, match=r'^The column "answer" mapped as answer is not in the file; '
                                             r"its columns are: code, notes\.$"):
        map_csv_rows(table, CsvMapping(participant="code", answer="answer"))


def test_csv_where_no_row_survives_is_refused_with_the_reasons():
    table = read_csv_table(b"code,notes\n,hi\nP2,\n")
    with pytest.raises(FrontlineError, match="No rows could be imported: line 2: no participant.*line 3: no answer"):
        map_csv_rows(table, CsvMapping(participant="code", answer="notes"))


@pytest.mark.parametrize(("data", "message"), [
    (b"code,notes\n", "has a header but no rows"),
    (b"code,notes\r\n\r\n,\r\n", "has a header but no rows"),
    (b"code,notes\nP1,fine\nP2,too,many,cells\n", "Line 3 of the CSV file has 4 cells but the header has 2"),
    (b'code,notes\nP1,"never closed\nP2,x\n', 'Line 2 of the CSV file opens a quote in column 2 ("notes") that is '
                                               "never closed"),
    (b"code,code\nP1,x\n", "names 'code' more than once"),
    ("code,notes\nP1,caf\xe9\n".encode("latin-1"), 'Line 2 of the CSV file is not UTF-8 text (byte 0xE9 in column 2'),
])
def test_unreadable_csv_files_say_what_and_where(data, message):
    with pytest.raises(FrontlineError, match=re.escape(message)):
        read_csv_table(data)


def test_csv_cells_are_text_and_empty_cells_are_empty_strings():
    table = read_csv_table(b"code,score,notes,,\n007,1.50,,,\n")
    assert table.to_dict("records") == [{"code": "007", "score": "1.50", "notes": "", "column 4": "", "column 5": ""}]


LABELS = ["", "", "", "Q: ", "A: ", "Question: ", "Answer: ", "Interviewer: ", "Respondent: ", "Sam: ", "Jordan: ",
          "[00:01:02] Sam: ", "SPEAKER 1: ", "Kim: "]
content = st.text(st.characters(blacklist_categories=("Cc", "Cs")), max_size=40).filter(
    # content must not itself start with something that reads as a label; labels come from LABELS
    lambda s: ":" not in " ".join(s.split()[:4]) and not re.match(r"\s*[qa]\d*\.(\s|$)", s, re.IGNORECASE))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(LABELS), content), min_size=1, max_size=25),
       st.sampled_from([(), ("kim",)]))
def test_no_word_of_a_transcript_is_lost(lines, interviewer_labels):
    text = "\n".join(label + body for label, body in lines)
    words = Counter(word for _, body in lines for word in body.split())
    if not text.strip():
        with pytest.raises(FrontlineError, match="empty|blank space"):
            parse_transcript("any.txt", text.encode())
        return
    preview = parse_transcript("any.txt", text.encode(), interviewer_labels=interviewer_labels)

    unanswered = [re.fullmatch(r'question \d+ had no answer: "(.*)"', reason, re.DOTALL)[1]
                  for reason in preview.skipped]
    kept = Counter(word for turn in preview.turns for part in (turn.question, turn.answer) for word in part.split())
    kept += Counter(word for question in unanswered for word in question.split())
    assert words <= kept


# Storing: transcript and CSV imports pseudonymise answers and questions as typed notes are.

def test_imported_transcripts_and_csv_rows_are_redacted_like_typed_notes(session, study):
    from sqlalchemy import select

    from interviews.importing import import_csv, import_transcript
    from interviews.notes import redact_note
    from research.privacy.roster import replace_roster
    from research.store.models import InterviewNote

    replace_roster(session=session, names=["Zoë Brontë", "Dave Jones"], actor="admin")
    transcript = (b"Interviewer: What did Kevin Smith say about breaks?\n"
                  b"Agent: Sarah Jones on my team agrees, and zoe bronte too. Text me on 07700 900123.\n"
                  b"Interviewer: Which tools slow you down?\n"
                  b"Agent: Genesys and Salesforce; ask sarah.connor or twitter @kevsmith99.\n")
    turns = parse_transcript("call.txt", transcript).turns
    result = import_transcript(session=session, study_id=study["study"].id,
                               participant_id=study["participants"][1].id, turns=turns, interviewer="ana",
                               held_on=None, editor="ana")
    notes = session.scalars(select(InterviewNote).where(InterviewNote.interview_id == result.interviews[0])).all()
    stored = {n.label: n.body for n in notes}
    assert stored == {
        "What did [name] say about breaks?": "[name] on my team agrees, and [name] too. Text me on [phone].",
        "Which tools slow you down?": "Genesys and Salesforce; ask [name] or twitter [handle].",
    }
    assert all(n.body == redact_note(session=session, body=n.body).text for n in notes)  # nothing left to redact

    rows = (b"who,answer\nP02,\"Dave is awful; write to john.smith(at)bank(dot)com or see bank.com/login\"\n"
            b"P01,\"my supervisor is Kevin Smith, Sarah  Connor agrees\"\n")
    preview = map_csv_rows(read_csv_table(rows), CsvMapping(participant="who", answer="answer"))
    result = import_csv(session=session, study_id=study["study"].id, preview=preview, editor="ana")
    bodies = sorted(session.scalars(select(InterviewNote.body).where(
        InterviewNote.interview_id.in_(result.interviews))))
    assert bodies == ["[name] is awful; write to [email] or see [link]",
                      "my supervisor is [name], [name] agrees"]


def test_csv_columns_are_matched_by_their_headers_never_by_their_order():
    assert guess_csv_mapping(["participant", "question", "answer"]) == {
        "participant": "participant", "answer": "answer", "question": "question", "interviewer": None,
        "held_on": None}
    assert guess_csv_mapping(["Notes", "When", "Interviewer", "Code"]) == {
        "participant": "Code", "answer": "Notes", "question": None, "interviewer": "Interviewer", "held_on": "When"}
    # a pulse export names neither a participant nor an interview's notes by its headers: nothing is guessed
    assert guess_csv_mapping(["team", "wave", "score"]) == dict.fromkeys(
        ["participant", "answer", "question", "interviewer", "held_on"])


def test_an_answer_column_of_numbers_alone_is_refused_as_the_wrong_column():
    table = read_csv_table(b"team,wave,comment\nBanking Support,3,queue is long\nRetail Care,3,rota\n")
    with pytest.raises(FrontlineError, match='^The column "wave" chosen for the answers holds only numbers'):
        map_csv_rows(table, CsvMapping(participant="team", answer="wave"))
