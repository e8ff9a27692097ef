"""Reading uploaded interview transcripts and CSV exports into question/answer turns.

This is the parsing half of interview import and never touches the database, so a
researcher sees a preview (and what was skipped, and why) before anything is stored.
Every refusal is a one-line ``FrontlineError``, so a bad file changes nothing.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from typing import Any

import docx
import pandas as pd
from docx.table import Table, _Cell

from research.csv_input import read_csv
from research.errors import FrontlineError

MAX_UPLOAD_BYTES = 50 * 1024 * 1024
MIB = 1024 * 1024
MAX_CSV_CELL = 2 * MIB  # a whole interview in one cell is a few hundred kB; an unclosed quote swallows the file
KINDS = ("txt", "md", "docx", "csv")

_TIMESTAMP = re.compile(r"\s*[\[(]?\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d+)?[\])]?\s+")
_QA_LABEL = re.compile(
    r"\s*(?:(?:(?P<q>q\d*|question(?:\s*\d+)?|interviewer)|(?P<a>a\d*|answer(?:\s*\d+)?|participant|respondent"
    r"|agent|interviewee))\s*:|(?:(?P<q2>q\d*)|(?P<a2>a\d*))\.(?=\s|$))\s*", re.IGNORECASE)
_SPEAKER = re.compile(r"\s*(?P<name>[^\W\d_][\w.'’-]*(?: [\w.'’-]+){0,2})\s*:(?:\s+|$)")
_MD_RULE = re.compile(r"\s*([-*_])(?:\s*\1){2,}\s*$")
_MD_HEADING = re.compile(r"\s{0,3}#{1,6}\s+(.*?)(?:\s+#+)?\s*$")
_MD_PREFIX = re.compile(r"\s*(?:>\s?)*(?:(?:[-*+]|\d+[.)])\s+)?")  # quote markers and list bullets
_MD_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_MD_EMPHASIS = re.compile(
    r"(\*\*|__)(.+?)\1|(?<![\w*])\*(?=\S)(.+?)(?<=\S)\*(?![\w*])|(?<![\w_])_(?=\S)(.+?)(?<=\S)_(?!\w)")


@dataclass(frozen=True)
class Turn:
    """One question and its answer; ``question`` is "" for free notes."""
    question: str
    answer: str


@dataclass
class TranscriptPreview:
    """What importing a transcript would store; ``format`` says which structure was recognised."""
    turns: list[Turn]
    skipped: list[str]
    format: str  # "Q/A turns", "speaker labels" or "paragraphs"


@dataclass
class CsvMapping:
    """Which CSV column holds each field; no ``question`` column means one row per interview."""
    participant: str
    answer: str
    question: str | None = None
    interviewer: str | None = None
    held_on: str | None = None


_HEADER_NAMES = {
    "participant": ("participant", "participant code", "participant id", "participant_code", "participant_id",
                    "code", "agent", "respondent", "interviewee", "who"),
    "answer": ("answer", "answers", "notes", "note", "response", "text", "transcript", "comment", "body"),
    "question": ("question", "guide question", "prompt"),
    "interviewer": ("interviewer", "interviewed by", "researcher"),
    "held_on": ("held_on", "held on", "date", "interview date", "when"),
}
"""Header names, lower case, that say which field a column holds, best first."""


def guess_csv_mapping(columns: Iterable[object]) -> dict[str, str | None]:
    """Each field's column by its header's name ("Participant", "notes", "held_on"), or None when no header
    names it: a file is matched by what its columns say they hold, never by their order (an outside walk's
    "participant;question;answer" file had its questions imported as the notes)."""
    by_name: dict[str, str] = {}
    for column in columns:
        by_name.setdefault(str(column).strip().lower(), str(column))
    guess: dict[str, str | None] = {}
    taken: set[str] = set()
    for role, names in _HEADER_NAMES.items():
        found = next((by_name[n] for n in names if n in by_name and by_name[n] not in taken), None)
        guess[role] = found
        if found is not None:
            taken.add(found)
    return guess


@dataclass
class CsvPreview:
    """Turns per participant in row order, with interviewer and date when mapped."""
    interviews: dict[str, list[Turn]] = field(default_factory=dict)
    interviewers: dict[str, str] = field(default_factory=dict)
    dates: dict[str, date] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)


def check_upload(name: str, data: bytes) -> str:
    """The file's kind ("txt", "md", "docx" or "csv"), or a FrontlineError saying why it cannot be imported.

    Only the base name's extension is used: browsers and scripts may send a path,
    and the name is never used to open anything.
    """
    base = _base_name(name)
    kind = base.rpartition(".")[2].lower() if "." in base else ""
    if kind not in KINDS:
        found = f"is a .{kind} file" if kind else "has no file extension"
        raise FrontlineError(f'"{base}" {found}; Frontline imports .txt, .md, .docx and .csv files.')
    _check_content(f'"{base}"', kind, data)
    return kind


def _check_content(label: str, kind: str, data: bytes) -> None:
    """Size first, so a huge file is never decoded; then emptiness and the kind's own signs of damage."""
    if len(data) >= MAX_UPLOAD_BYTES:
        raise FrontlineError(f"{label} is {len(data) / 1024 / 1024:.1f} MB; files must be smaller than "
                             f"{MAX_UPLOAD_BYTES // 1024 // 1024} MB.")
    if not data or (kind != "docx" and b"\x00" not in data and not data.removeprefix(b"\xef\xbb\xbf").strip()):
        found = "is empty (0 bytes)" if not data else "contains only blank space"
        raise FrontlineError(f"{label} {found}; there is nothing to import.")
    if kind == "docx":
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names, size = archive.namelist(), sum(i.file_size for i in archive.infolist())
        except zipfile.BadZipFile:
            names, size = [], 0
        if "word/document.xml" not in names:
            raise FrontlineError(f"{label} is not a valid Word .docx file (old .doc files must be saved as .docx).")
        if size >= 10 * MAX_UPLOAD_BYTES:  # a zip bomb, or a document far beyond any interview
            raise FrontlineError(f"{label} unpacks to {size // 1024 // 1024} MB, too large to import.")
    elif b"\x00" in data:
        utf16 = data.startswith((b"\xff\xfe", b"\xfe\xff"))  # Notepad's "Unicode"
        raise FrontlineError(f"{label} is saved as UTF-16; save it as UTF-8 and upload it again." if utf16 else
                             f"{label} contains binary data (NUL bytes), so it is not a text file.")


def decode_text(data: bytes) -> str:
    """UTF-8 text (a BOM is dropped) with "\\n" newlines; other encodings are refused, not guessed.

    A wrong guess would silently garble accented names, so the message names the first bad line.
    """
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        head = data[: error.start]
        line = head.count(b"\n") + head.count(b"\r") - head.count(b"\r\n") + 1
        raise FrontlineError(f"Line {line} is not UTF-8 text (byte 0x{data[error.start]:02X}); "
                             "save the file as UTF-8 and upload it again.") from None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def parse_transcript(name: str, data: bytes, *, interviewer_labels: Iterable[str] = ()
                     ) -> TranscriptPreview:
    """Turns from a .txt, .md or .docx transcript, using Q/A or speaker labels when it has them.

    Q/A labels win over speaker labels; a file with neither becomes one turn per
    paragraph with no question, so free notes are kept as written.

    Args:
        name: the uploaded file's name; only its extension is used.
        data: the file's bytes.
        interviewer_labels: the interviewer's speaker names, for files with more than
            two speakers or where the respondent asks more questions.
    """
    kind = check_upload(name, data)
    if kind == "csv":
        raise FrontlineError("A CSV file needs its columns mapped: use read_csv_table and map_csv_rows.")
    if kind != "docx":
        lines = decode_text(data).split("\n")
    else:
        try:
            lines = list(_block_lines(docx.Document(io.BytesIO(data))))
        except Exception as error:  # python-docx raises KeyError, ValueError or lxml errors on damaged parts
            raise FrontlineError(f'"{_base_name(name)}" could not be read as a Word file '
                                 f"({type(error).__name__}); open it in Word and save it again as .docx.") from error
    if kind == "md":
        lines = [_markdown_line(line) for line in lines]
    if not any(line.strip() for line in lines):
        raise FrontlineError(f'"{_base_name(name)}" contains no text to import.')
    bodies = [line[m.end():] if (m := _TIMESTAMP.match(line)) else line for line in lines]
    labels = [_QA_LABEL.match(body) for body in bodies]
    if any(m and (m["q"] or m["q2"]) for m in labels):
        events = [(("q" if m["q"] or m["q2"] else "a"), body[m.end():]) if m else ("", line)
                  for m, body, line in zip(labels, bodies, lines)]
        return _build(events, "Q/A turns", merge_questions=False)
    speakers = [_SPEAKER.match(body) for body in bodies]
    said: dict[str, list[str]] = {}
    for m, body in zip(speakers, bodies):
        if m:
            said.setdefault(m["name"].casefold(), []).append(body.rstrip())
    interviewers = {label.casefold() for label in interviewer_labels} & said.keys()
    if len(said) >= 2 and (interviewers or len(said) == 2):
        # max() keeps the earlier speaker on a tie, so whoever speaks first breaks ties.
        interviewers = interviewers or {max(said, key=lambda s: sum(t.endswith("?") for t in said[s]))}
        many = len(said) - len(interviewers) > 1  # with several respondents an answer keeps who said it
        events = [("", line) if not m else ("q", body[m.end():]) if m["name"].casefold() in interviewers
                  else ("a", body.strip() if many else body[m.end():])
                  for m, body, line in zip(speakers, bodies, lines)]
        return _build(events, "speaker labels", merge_questions=True)
    paragraphs = (p.strip() for p in re.split(r"\n\s*\n", "\n".join(lines)))
    return TranscriptPreview([Turn("", p) for p in paragraphs if p], [], "paragraphs")


def _base_name(name: str) -> str:
    return "".join(c for c in re.split(r"[\\/]", name)[-1] if c.isprintable())[:100]


def _build(events: list[tuple[str, str]], fmt: str, *, merge_questions: bool) -> TranscriptPreview:
    """Group ("q" | "a" | "" for unlabelled, text) lines into turns; unlabelled lines continue the last part.

    With ``merge_questions`` (speaker labels) an interviewer who speaks twice before
    any answer asks one question, and their unlabelled lines stay in the question.
    """
    turns: list[Turn] = []
    skipped: list[str] = []
    question: list[str] | None = None
    answer: list[str] = []
    number, target = 0, "a"

    def close() -> None:
        if text := _join(answer):
            turns.append(Turn(_join(question or []), text))
        elif question is not None:
            skipped.append(f'question {number} had no answer: "{" ".join(" ".join(question).split())}"')

    for role, text in events:
        if role == "q" and not (merge_questions and question is not None and not _join(answer)):
            close()
            question, answer, number = [], [], number + 1
        if role == "a" or question is None or (target == "a" and role != "q"):
            answer.append(text)
            target = "a"
        else:  # the question or its continuation; after a bare "Q:" the question is on the next line
            question.append(text)
            target = "q" if merge_questions or not text.strip() else "a"
    close()
    return TranscriptPreview(turns, skipped, fmt)


def _join(parts: list[str]) -> str:
    return re.sub(r"\n\s*\n\s*", "\n\n", "\n".join(parts)).strip()


def _markdown_line(line: str) -> str:
    """Plain text from one Markdown line; a heading that asks something becomes a "Q:" line."""
    if _MD_RULE.match(line):
        return ""
    heading = _MD_HEADING.match(line)
    prefix = _MD_PREFIX.match(line)  # every part of the pattern is optional, so it always matches
    start = prefix.end() if prefix else 0
    text = _MD_LINK.sub(r"\1", heading[1] if heading else line[start:]).replace("`", "")
    for _ in range(2):  # twice, for ***bold italic***
        text = _MD_EMPHASIS.sub(lambda m: m[2] or m[3] or m[4], text)
    return _heading_line(text) if heading else text


def _heading_line(text: str) -> str:
    return f"Q: {text}" if text.rstrip().endswith("?") and not _QA_LABEL.match(text) else text


def _block_lines(container, *, gap: bool = True) -> Iterator[str]:
    """Paragraphs and table cells in document order; ``gap`` adds a blank line after each paragraph."""
    for block in container.iter_inner_content():
        if isinstance(block, Table):
            for row in block.rows:
                for tc in row._tr.tc_lst:  # each physical cell once: row.cells repeats merged cells
                    yield from _block_lines(_Cell(tc, block), gap=False)
                yield ""
            continue
        heading = block.style is not None and block.style.name.startswith(("Heading", "Title"))
        yield from (_heading_line(block.text) if heading else block.text).split("\n")
        if gap:
            yield ""


def read_csv_table(data: bytes) -> pd.DataFrame:
    """A CSV upload as text columns ("" for empty cells), indexed by the line each row starts on.

    The rules are :func:`research.csv_input.read_csv`'s, so line numbers (header = line 1) stay right across
    blank lines and multi-line cells; only the cell limit is this import's own, since one cell may hold a
    whole interview.
    """
    table = read_csv(data, what="CSV file", max_bytes=MAX_UPLOAD_BYTES, max_cell=MAX_CSV_CELL,
                     cell_hint=", more than any interview; check the file's quotes.")
    return pd.DataFrame(table.rows, columns=list(table.columns), index=pd.Index(table.lines, name="line"),
                        dtype=str)


def map_csv_rows(df: pd.DataFrame, mapping: CsvMapping) -> CsvPreview:
    """Turns per participant from a ``read_csv_table`` table, reporting every row or value left out.

    With a question column each row is one answer; without one each row is a whole
    interview whose notes are in the answer column. The index is the line number.
    """
    columns = {role: column for role, column in asdict(mapping).items() if column is not None}
    for role, column in columns.items():
        if column not in df.columns:
            raise FrontlineError(f'The column "{column}" mapped as {role} is not in the file; '
                                 f"its columns are: {', '.join(map(str, df.columns))}.")
    answers = df[mapping.answer].dropna().astype(str).str.strip()
    answers = answers[answers != ""]
    if len(answers) and answers.str.fullmatch(r"[-+]?[0-9]+(?:[.,][0-9]+)?%?").all():
        raise FrontlineError(f'The column "{mapping.answer}" chosen for the answers holds only numbers (such as '
                             f"{answers.iloc[0][:20]!r}): choose the column with the interview notes; nothing was "
                             "imported.")
    preview = CsvPreview()
    for line, row in zip(df.index, df.to_dict("records")):
        cell = {role: "" if pd.isna(row[c]) else str(row[c]).strip() for role, c in columns.items()}
        participant, answer, raw_date = cell["participant"], cell["answer"], cell.get("held_on", "")
        if not participant or not answer:
            missing = "no participant" if not participant else f"no answer for {participant}"
            preview.skipped.append(f"line {line}: {missing}, so the row was not imported")
            continue
        preview.interviews.setdefault(participant, []).append(Turn(cell.get("question", ""), answer))
        held_on = _parse_date(raw_date) if raw_date else None
        if raw_date and held_on is None:
            preview.skipped.append(f"line {line}: date {raw_date!r} is not YYYY-MM-DD or DD/MM/YYYY; "
                                   "the answer was kept without it")
        # Interviewer and date belong to the interview: the first row sets them, a different one is reported.
        checks: tuple[tuple[str, dict[str, Any], str | date | None], ...] = (
            ("interviewer", preview.interviewers, cell.get("interviewer")), ("date", preview.dates, held_on))
        for what, known, value in checks:
            if value and (first := known.setdefault(participant, value)) != value:
                preview.skipped.append(f"line {line}: {what} '{value}' differs from '{first}' on an earlier row "
                                       f"for {participant}; kept '{first}'")
    if not preview.interviews:
        more = " …" if len(preview.skipped) > 3 else ""
        raise FrontlineError(f"No rows could be imported: {'; '.join(preview.skipped[:3])}{more}")
    return preview


def _parse_date(text: str) -> date | None:
    for parse in (date.fromisoformat, lambda s: datetime.fromisoformat(s).date(),
                  lambda s: datetime.strptime(s, "%d/%m/%Y").date()):
        try:
            return parse(text)
        except ValueError:
            pass
    return None
