"""Inter-coder agreement: Cohen's kappa and percent agreement between two coders.

Agreement is computed on segments, not characters or excerpts, so two coders who
cut slightly different spans around the same remark still agree. The segments
("units") are the sentences of each note body, found by :func:`sentence_spans`.

Coverage rule: a coder applies code C to a unit when one of that coder's spans
carrying C overlaps the unit by at least 50 % of the unit's length, or by at
least 50 % of the span's own length. The second half lets a short excerpt inside
a long sentence count, while a span that spills a few characters into the next
sentence does not code that sentence.

Only units that at least one of the two coders coded with a code of the codebook
are counted. Most of a note is usually uncoded by both; counting it as "both
said no" would inflate agreement for every code. For the same reason the overall
(pooled) kappa counts only the codes either coder applied in those units: a code
neither used adds nothing but "both said no" cells, and a codebook of eleven
codes would otherwise lift a kappa of 0.69 to 0.81.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from research.errors import FrontlineError
from research.store.models import Code, Excerpt, GuideQuestion, Interview, InterviewNote, Participant

COLUMNS = ["code", "units", "both", "only_a", "only_b", "neither", "percent_agreement", "kappa", "note"]
# A sentence ends at ., ! or ? (optionally followed by a closing quote or bracket) before
# whitespace, or at a line break. Abbreviations such as "e.g. " also split: acceptable for
# agreement, since both coders see the same units.
_BOUNDARY = re.compile(r"(?:(?<=[.!?])|(?<=[.!?][\"'\u201d\u2019)\]]))\s+|\s*\n\s*")


@dataclass(frozen=True)
class CodedSpan:
    """One coder's excerpt: character offsets into a note and the code keys it carries."""

    note_id: int
    coder: str
    start: int
    end: int
    codes: frozenset[str]


@dataclass(frozen=True)
class Disagreement:
    """A unit where the two coders' code sets differ: what the coders meet to resolve."""

    note_id: int
    start: int
    end: int
    text: str
    codes_a: tuple[str, ...]
    codes_b: tuple[str, ...]


@dataclass
class AgreementReport:
    """Per-code and overall agreement between ``coder_a`` and ``coder_b``.

    Percentages are 0-100. Kappa is None when it is undefined (no variation);
    the per-code ``note`` column says why.
    """

    coder_a: str
    coder_b: str
    per_code: pd.DataFrame
    overall_kappa: float | None
    overall_percent: float | None
    units: int
    disagreements: list[Disagreement] = field(default_factory=list)


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Split a note into sentences as (start, end) offsets, whitespace trimmed, empties dropped.

    A regex rather than NLTK's punkt so nothing has to be downloaded at run time,
    and because offsets must line up exactly with the excerpts' offsets.
    """
    pieces, start = [], 0
    for match in _BOUNDARY.finditer(text):
        pieces.append((start, match.start()))
        start = match.end()
    pieces.append((start, len(text)))
    spans = []
    for s, e in pieces:
        piece = text[s:e]
        s, e = s + len(piece) - len(piece.lstrip()), e - len(piece) + len(piece.rstrip())
        if e > s:
            spans.append((s, e))
    return spans


def _covers(span: CodedSpan, start: int, end: int) -> bool:
    overlap = min(span.end, end) - max(span.start, start)
    return overlap > 0 and (2 * overlap >= end - start or 2 * overlap >= span.end - span.start)


def _kappa(both: int, only_a: int, only_b: int, neither: int) -> tuple[float | None, str]:
    """Cohen's kappa from a 2x2 table, in integers so "pe == 1" is exact; None and why if undefined."""
    n = both + only_a + only_b + neither
    a_yes, b_yes = both + only_a, both + only_b
    if a_yes == b_yes == 0:
        return None, "used by neither coder on the interviews both coded"
    if a_yes == b_yes == n:
        return None, "applied to every segment by both"
    expected = a_yes * b_yes + (n - a_yes) * (n - b_yes)  # n**2 * pe
    kappa = (n * (both + neither) - expected) / (n * n - expected)
    return kappa, ("used by one coder only, so kappa is 0 however often the other used it"
                   if not a_yes or not b_yes else "")


def compute_agreement(notes: Mapping[int, str], spans: Iterable[CodedSpan], coder_a: str, coder_b: str,
                      codes: Sequence[str]) -> AgreementReport:
    """Compare two coders' coding of the same notes, sentence by sentence.

    Args:
        notes: note id to note body, in the order disagreements should be listed.
        spans: excerpts of any coders; only those of ``coder_a`` and ``coder_b`` on ``notes`` count.
        coder_a: the first coder's name.
        coder_b: the second coder's name.
        codes: the codebook's keys, in display order; codes outside it are ignored.

    Raises:
        FrontlineError: when the two coders are the same person.
    """
    if coder_a == coder_b:
        raise FrontlineError(f"Agreement needs two different coders; both are {coder_a!r}.")
    codebook = list(dict.fromkeys(codes))
    by_note: dict[tuple[int, str], list[CodedSpan]] = {}
    for span in spans:
        if span.coder in (coder_a, coder_b) and span.note_id in notes:
            by_note.setdefault((span.note_id, span.coder), []).append(span)

    def applied(note_id: int, coder: str, start: int, end: int) -> tuple[str, ...]:
        found = {c for s in by_note.get((note_id, coder), ()) if _covers(s, start, end) for c in s.codes}
        return tuple(c for c in codebook if c in found)

    kept: list[tuple[int, int, int, tuple[str, ...], tuple[str, ...]]] = []
    for note_id, body in notes.items():
        if (note_id, coder_a) not in by_note and (note_id, coder_b) not in by_note:
            continue
        for start, end in sentence_spans(body):
            a, b = applied(note_id, coder_a, start, end), applied(note_id, coder_b, start, end)
            if a or b:
                kept.append((note_id, start, end, a, b))
    if not kept:
        return AgreementReport(coder_a, coder_b, pd.DataFrame(columns=COLUMNS), None, None, 0)

    rows, pooled, n = [], [0, 0, 0, 0], len(kept)
    for code in codebook:
        cells = Counter((code in a, code in b) for *_, a, b in kept)
        both, only_a, only_b, neither = cells[True, True], cells[True, False], cells[False, True], cells[False, False]
        kappa, note = _kappa(both, only_a, only_b, neither)
        rows.append([code, n, both, only_a, only_b, neither, 100 * (both + neither) / n, kappa, note])
        if both + only_a + only_b:  # a code neither coder used would only add "both said no" cells
            pooled = [p + x for p, x in zip(pooled, (both, only_a, only_b, neither))]
    per_code = pd.DataFrame(rows, columns=COLUMNS)
    per_code["kappa"] = pd.Series([r[7] for r in rows], dtype=object)  # keep None, not NaN

    disagreements = [Disagreement(note_id, s, e, notes[note_id][s:e], a, b)
                     for note_id, s, e, a, b in kept if a != b]
    total = sum(pooled)
    overall_percent = 100 * (pooled[0] + pooled[3]) / total if total else None
    overall_kappa = _kappa(*pooled)[0] if total else None
    return AgreementReport(coder_a, coder_b, per_code, overall_kappa, overall_percent, n, disagreements)


def agreement_table(per_code: pd.DataFrame, *, names: Mapping[str, str], coder_a: str, coder_b: str) -> pd.DataFrame:
    """``per_code`` as a researcher reads it: code names, coders' names, rounded figures, "n/a" for no kappa.

    Also serves the model-agreement table, which has a subset of the columns.
    """
    shown = per_code.copy()
    shown["code"] = shown["code"].map(lambda k: names.get(k, k))
    if "percent_agreement" in shown:
        shown["percent_agreement"] = [f"{float(p):.0f} %" for p in shown["percent_agreement"]]
    shown["kappa"] = ["n/a" if k is None or pd.isna(k) else f"{float(k):.2f}" for k in shown["kappa"]]
    if "note" in shown:
        shown["note"] = shown["note"].fillna("").astype(str)
    headers = {"code": "Code", "units": "Segments", "both": "Both coded", "only_a": f"Only {coder_a}",
               "only_b": f"Only {coder_b}", "neither": "Neither", "percent_agreement": "Agreement",
               "kappa": "Cohen's kappa", "note": "Note"}
    return shown.rename(columns=headers)


def kappas_side_by_side(reports: Sequence[AgreementReport], *, names: Mapping[str, str],
                        coder_names: Mapping[str, str] | None = None) -> pd.DataFrame:
    """One row per code (after an "All codes either used" row) and one column of Cohen's kappa per report, e.g.
    the two researchers beside each other and each researcher beside the model, so a code the model reads
    unlike every researcher, or two researchers read unlike each other, shows in one table. ``coder_names``
    renames coders in the headers (the model's coder id to "the model")."""
    columns: dict[str, list[str]] = {}
    codes = list(dict.fromkeys(c for r in reports for c in r.per_code["code"]))
    for report in reports:
        a, b = ((coder_names or {}).get(c, c) for c in (report.coder_a, report.coder_b))
        kappa = {code: _kappa_text(k, "; ".join(filter(None, (_never_gave(row, a, b), _few(row)))))
                 for code, k, row in zip(report.per_code["code"], report.per_code["kappa"],
                                         report.per_code.to_dict("records"))}
        header = f"{a} and {b}"
        while header in columns:  # a researcher whose username is "the model"
            header += " (again)"
        columns[header] = [_kappa_text(report.overall_kappa, ""), *(kappa.get(c, "n/a") for c in codes)]
    return pd.DataFrame({"Code": ["All codes either used", *(names.get(c, c) for c in codes)], **columns})


def _never_gave(row: Mapping, a: str, b: str) -> str:
    """Who never gave a code the other did: its kappa is then 0 however often the other gave it, and "0.00"
    alone read as two coders who disagree about it (the model rarely gives a rare code)."""
    if "both" not in row:
        return ""
    if row["both"] + row["only_b"] == 0 < row["only_a"]:
        return f"{b} never gave it"
    if row["both"] + row["only_a"] == 0 < row["only_b"]:
        return f"{a} never gave it"
    return ""


FEW_CODED = 3
"""A code's kappa resting on fewer sentences than this, coded by either, says how few: a walk read "1.00" from one
sentence as strong as the others."""


def _few(row: Mapping) -> str:
    coded = int(row.get("both", 0) + row.get("only_a", 0) + row.get("only_b", 0)) if "both" in row else FEW_CODED
    return f"from only {coded} coded sentence{'s' if coded != 1 else ''}" if 0 < coded < FEW_CODED else ""


def _kappa_text(kappa: float | None, why: str) -> str:
    if kappa is None or pd.isna(kappa):
        return "n/a"
    return f"{float(kappa):.2f}" + (f" ({why})" if why else "")


def coders(*, session: Session, study_id: int) -> list[str]:
    """Everyone who has coded at least one excerpt in the study, sorted, to pick the pair from."""
    return list(session.scalars(
        select(Excerpt.coder).distinct().join(InterviewNote).join(Interview)
        .where(Interview.study_id == study_id).order_by(Excerpt.coder)
    ))


def study_agreement(*, session: Session, study_id: int, coder_a: str, coder_b: str) -> AgreementReport:
    """Agreement of two coders over a study's interviews that both of them coded.

    An interview only one coder has touched is left out: the other coder has not
    yet coded it, so every segment there would count as a disagreement.
    """
    if coder_a == coder_b:
        raise FrontlineError(f"Agreement needs two different coders; both are {coder_a!r}.")
    shared = (
        select(InterviewNote.interview_id).join(Excerpt).join(Interview)
        .where(Interview.study_id == study_id, Excerpt.coder.in_([coder_a, coder_b]))
        .group_by(InterviewNote.interview_id).having(func.count(func.distinct(Excerpt.coder)) == 2)
    )
    notes = dict(session.execute(
        select(InterviewNote.id, InterviewNote.body).join(Interview).join(Participant)
        .where(InterviewNote.interview_id.in_(shared))
        .order_by(Participant.code, Interview.id, InterviewNote.position, InterviewNote.id)
    ).all())
    excerpts = session.scalars(
        select(Excerpt).options(selectinload(Excerpt.codes))
        .where(Excerpt.note_id.in_(list(notes)), Excerpt.coder.in_([coder_a, coder_b]))
    ).all() if notes else []
    spans = [CodedSpan(x.note_id, x.coder, x.span_start, x.span_end, frozenset(c.key for c in x.codes))
             for x in excerpts]
    keys = list(session.scalars(select(Code.key).order_by(Code.position, Code.id)))
    return compute_agreement(notes, spans, coder_a, coder_b, keys)


def disagreements_table(*, session: Session, report: AgreementReport) -> pd.DataFrame:
    """The report's disagreements as the coders discuss them: who, which question, what, and each coding."""
    columns = ["Participant", "Question", "Segment", report.coder_a, report.coder_b]
    ids = sorted({d.note_id for d in report.disagreements})
    context = {row[0]: (row[1], row[2] or row[3]) for row in session.execute(
        select(InterviewNote.id, Participant.code, GuideQuestion.text, InterviewNote.label)
        .join(Interview, InterviewNote.interview_id == Interview.id)
        .join(Participant, Interview.participant_id == Participant.id)
        .outerjoin(GuideQuestion, InterviewNote.guide_question_id == GuideQuestion.id)
        .where(InterviewNote.id.in_(ids))
    )} if ids else {}
    names = dict(session.execute(select(Code.key, Code.name)).all())

    def label(keys: tuple[str, ...]) -> str:
        return ", ".join(names.get(k, k) for k in keys)

    rows = [[*context.get(d.note_id, ("", "")), d.text, label(d.codes_a), label(d.codes_b)]
            for d in report.disagreements]
    return pd.DataFrame(rows, columns=columns)
