"""The model helps coding: suggested codes for the sentences a researcher has not coded yet, and how often the
model agrees with each researcher.

Suggestions come from the same theme matcher the pulse analysis uses, built from the codebook researchers edit
and the excerpts they have coded (see :mod:`research.analysis.themes`), so every accepted or corrected
suggestion, stored as an ordinary coded excerpt, teaches the next suggestion and the next pulse analysis. The
embedding function is passed in, like the model everywhere else. It belongs to the analysis layer, which reads
interview and pulse data, so ``interviews`` itself never imports the model's code.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from interviews.agreement import AgreementReport, CodedSpan, compute_agreement, sentence_spans
from interviews.codebook import analysis_codebook
from interviews.corpus import coded_examples
from research.analysis.themes import OTHER, ThemeMatcher
from research.errors import FrontlineError
from research.store.models import Code, Excerpt, Interview, InterviewNote

MODEL_CODER = "(model)"
"""How the model appears beside researchers in agreement tables; never a username (usernames have no brackets)."""

Embed = Callable[[list[str]], np.ndarray]


@dataclass(frozen=True)
class Suggestion:
    start: int
    end: int
    text: str
    code: str  # a code key, or "other" when no code fits
    confidence: float


def build_matcher(*, session: Session, embed: Embed) -> ThemeMatcher:
    """A matcher over the current codebook, taught by every single-code excerpt coded so far."""
    return ThemeMatcher(embed, analysis_codebook(session=session), exemplars=coded_examples(session=session))


def _suggest(spans: list[tuple[int, int]], body: str, *, matcher: ThemeMatcher, embed: Embed) -> list[Suggestion]:
    if not spans:
        return []
    texts = [body[s:e] for s, e in spans]
    assignment = matcher.assign(embed(texts), texts)
    return [Suggestion(s, e, t, code, float(conf))
            for (s, e), t, code, conf in zip(spans, texts, assignment.themes, assignment.confidence)]


def note_suggestions(*, session: Session, note_id: int, coder: str, matcher: ThemeMatcher,
                     embed: Embed) -> list[Suggestion]:
    """A suggested code for each sentence of the note that ``coder`` has not coded, in reading order."""
    note = session.get(InterviewNote, note_id)
    if note is None:
        raise FrontlineError("That answer no longer exists.")
    coded = session.execute(select(Excerpt.span_start, Excerpt.span_end)
                            .where(Excerpt.note_id == note_id, Excerpt.coder == coder)).all()
    free = [(s, e) for s, e in sentence_spans(note.body)
            if not any(min(e, ce) - max(s, cs) > 0 for cs, ce in coded)]
    return _suggest(free, note.body, matcher=matcher, embed=embed)


def model_agreement(*, session: Session, study_id: int, coder: str, matcher: ThemeMatcher,
                    embed: Embed) -> AgreementReport:
    """Cohen's kappa per code between ``coder`` and the model's suggestion (its primary code) on every sentence
    of the notes ``coder`` coded in the study. The matcher should be built *without* the coder's own excerpts
    for an honest figure; :func:`held_out_matcher` does that."""
    notes = dict(session.execute(
        select(InterviewNote.id, InterviewNote.body).join(Interview)
        .where(Interview.study_id == study_id,
               InterviewNote.id.in_(select(Excerpt.note_id).where(Excerpt.coder == coder)))
        .order_by(Interview.id, InterviewNote.position, InterviewNote.id)).all())
    excerpts = session.scalars(select(Excerpt).options(selectinload(Excerpt.codes))
                               .where(Excerpt.note_id.in_(list(notes)), Excerpt.coder == coder)).all()
    spans = [CodedSpan(x.note_id, coder, x.span_start, x.span_end, frozenset(c.key for c in x.codes))
             for x in excerpts]
    for note_id, body in notes.items():
        for suggestion in _suggest(sentence_spans(body), body, matcher=matcher, embed=embed):
            if suggestion.code != OTHER:
                spans.append(CodedSpan(note_id, MODEL_CODER, suggestion.start, suggestion.end,
                                       frozenset({suggestion.code})))
    keys = list(session.scalars(select(Code.key).where(Code.parent_id.is_(None)).order_by(Code.position, Code.id)))
    return compute_agreement(notes, spans, coder, MODEL_CODER, keys)


def held_out_matcher(*, session: Session, embed: Embed, coder: str) -> ThemeMatcher:
    """A matcher taught by everyone's excerpts but ``coder``'s, so agreement with that coder is not the model
    repeating what it was shown."""
    examples = coded_examples(session=session, exclude_coder=coder)
    return ThemeMatcher(embed, analysis_codebook(session=session), exemplars=examples)
