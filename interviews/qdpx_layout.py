"""How a study's shape travels in a .qdpx and comes back: notes per question, the guide, the dates.

Other QDA tools keep one plain text per interview and know nothing of an
interview guide, so a study round-tripped through them (or through Frontline's
own export) came back as one note per interview with its questions inline, and
without its guide or dates. The export therefore writes:

* each note of an interview under a head line, ``"Q: <question>"`` or
  ``"Free notes:"`` (:func:`note_head`), then its text, then a blank line;
* the guide and the study's dates as a project-level note, "Interview guide",
  in plain text a co-researcher reads in the other tool (:func:`guide_text`);
* the interview's date as a source variable, "Interview date".

The import reads them back (:func:`read_guide`, :func:`note_parts`). A source
whose text starts with a head line is split at its heads, but only when every
coded selection lies inside one note's text: a passage coded across two answers
in the other tool keeps the interview as one note, as before, so no coding is cut.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

QUESTION_HEAD = "Q: "
FREE_HEAD = "Free notes:"
GUIDE_NOTE = "Interview guide"
DATE_VARIABLE = "Interview date"
_HEAD = re.compile(r"(?:\A|(?<=\n\n))(?:Q: (?P<question>[^\n]*)|Free notes:)\n")
_QUESTION_LINE = re.compile(r"(\d+)[.)](.*)")
_PROBE_LINE = re.compile(r"\s+- (.+)")
_DATE_LINE = re.compile(r"(Starts|Ends): (.+)")


def one_line(text: str) -> str:
    """A question as one line: a head or guide line cannot hold a newline without splitting the text there."""
    return " ".join(text.split())


def note_head(question: str | None) -> str:
    """The line a note starts with in the exported text: its question, or "Free notes:"."""
    return f"{QUESTION_HEAD}{one_line(question)}\n" if question and one_line(question) else f"{FREE_HEAD}\n"


@dataclass(frozen=True)
class NotePart:
    """One note found in an imported source: its question (None for free notes) and its text's span."""

    question: str | None
    start: int
    end: int


def note_parts(text: str, spans: Iterable[tuple[int, int]]) -> list[NotePart] | None:
    """The notes of a source laid out as the export writes it (see :func:`note_head`), or None to keep it whole.

    None when the text does not start with a head line, or when a coded span does not lie inside one note's
    text (it would be cut in two).
    """
    heads = list(_HEAD.finditer(text))
    if not heads or heads[0].start() != 0:
        return None
    parts = []
    for index, head in enumerate(heads):
        end = heads[index + 1].start() if index + 1 < len(heads) else len(text)
        end -= 2 if text[:end].endswith("\n\n") else 0
        parts.append(NotePart(head.group("question"), head.end(), max(head.end(), end)))
    for start, end in spans:
        if not any(part.start <= start and end <= part.end for part in parts):
            return None
    return parts


@dataclass(frozen=True)
class Guide:
    """A study's guide and dates as read back from the "Interview guide" note, and what could not be read."""

    questions: tuple[tuple[str, tuple[str, ...]], ...]  # (question, probes) in order
    starts_on: date | None = None
    ends_on: date | None = None
    problems: tuple[str, ...] = ()  # each line left out or value dropped, said so the importer can report it


def guide_text(questions: Sequence[tuple[str, Sequence[str]]], starts_on: date | None, ends_on: date | None) -> str:
    """The guide as the note's plain text: optional "Starts:"/"Ends:" lines, then "1. question" and "   - probe"."""
    lines = [f"Starts: {starts_on.isoformat()}"] if starts_on else []
    lines += [f"Ends: {ends_on.isoformat()}"] if ends_on else []
    for number, (question, probes) in enumerate(questions, start=1):
        lines.append(f"{number}. {one_line(question)}")
        lines += [f"   - {one_line(probe)}" for probe in probes if one_line(probe)]
    return "\n".join(lines) + "\n"


def read_guide(text: str) -> Guide | None:
    """The guide in an "Interview guide" note, or None when no line of it is in :func:`guide_text`'s form.

    Edited by hand in another tool, a note may have lines this cannot read ("2)" numbering is read): each is
    left out and named in :attr:`Guide.problems`, as is a date that is no ISO date or an end before the start
    (both dates are then dropped), rather than refusing the import or losing the lines that can be read.
    """
    questions: list[tuple[str, list[str]]] = []
    dates: dict[str, date | None] = {"Starts": None, "Ends": None}
    problems: list[str] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        if found := _DATE_LINE.fullmatch(line.strip()):
            dates[found.group(1)] = iso_date(found.group(2))
            if dates[found.group(1)] is None:
                problems.append(f"line {number}, {line.strip()!r}, is not a date written YYYY-MM-DD")
        elif (found := _QUESTION_LINE.fullmatch(line.strip())) and found.group(2).strip():
            question = found.group(2).strip()
            if any(one_line(question) == one_line(known) for known, _ in questions):
                problems.append(f"line {number} repeats the question {question!r}; it is kept once")
            else:
                questions.append((question, []))
        elif (found := _PROBE_LINE.fullmatch(line)) and questions:
            questions[-1][1].append(found.group(1).strip())
        else:
            problems.append(f"line {number}, {line.strip()[:80]!r}, is not a question, a probe under one or a date")
    starts, ends = dates["Starts"], dates["Ends"]
    if starts and ends and ends < starts:
        problems.append(f"the study ends ({ends.isoformat()}) before it starts ({starts.isoformat()}), so it has "
                        "no dates")
        starts = ends = None
    if not questions and not (starts or ends) and len(problems) == len([ln for ln in text.splitlines() if ln.strip()]):
        return None  # nothing in it is a guide: an ordinary memo that happens to have this name
    return Guide(tuple((q, tuple(p)) for q, p in questions), starts, ends, tuple(problems))


def iso_date(text: str | None) -> date | None:
    """A date written "2026-10-06" (a date-time gives its day), or None for anything else."""
    try:
        return date.fromisoformat((text or "").strip()[:10])
    except ValueError:
        return None
