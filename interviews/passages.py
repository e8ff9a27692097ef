"""An answer cut into passages, each with the codes coded on it: what the coding page highlights inline.

Researchers coding in Taguette or Dovetail see coded text marked where it sits in the answer, not only in a
table below it. Overlapping excerpts (two coders, or two codes on nested spans) split the answer at every
excerpt boundary, so each passage carries exactly the codes that cover all of it; the codes are named once,
where their excerpt ends (``ends``), not after every piece an excerpt nested inside another was cut into.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from research.store.models import Excerpt, InterviewNote


@dataclass(frozen=True)
class PassageCode:
    name: str
    colour: str


@dataclass(frozen=True)
class Passage:
    """A run of the answer's text, the codes on all of it (none: uncoded text), and those whose excerpt ends here."""

    text: str
    codes: tuple[PassageCode, ...]
    ends: tuple[PassageCode, ...] = ()


def cut_passages(body: str, spans: list[tuple[int, int, PassageCode]]) -> list[Passage]:
    """``body`` cut at every span boundary; spans outside the text (unanchored excerpts) are ignored."""
    spans = [(start, end, code) for start, end, code in spans if 0 <= start < end <= len(body)]
    cuts = sorted({0, len(body), *(s for s, _, _ in spans), *(e for _, e, _ in spans)})
    passages = []
    for start, end in zip(cuts, cuts[1:]):
        covering, ending = [], []
        for s, e, code in spans:
            if s <= start and end <= e and code not in covering:
                covering.append(code)
            if s <= start and end == e and code not in ending:
                ending.append(code)
        passages.append(Passage(body[start:end], _by_name(covering), _by_name(ending)))
    return passages


def _by_name(codes: list[PassageCode]) -> tuple[PassageCode, ...]:
    return tuple(sorted(codes, key=lambda c: c.name))


def note_passages(*, session: Session, note_id: int) -> list[Passage]:
    """The note's text in passages, with every coder's codes, for highlighting where they sit."""
    note = session.get(InterviewNote, note_id)
    if note is None:
        return []
    excerpts = session.scalars(select(Excerpt).where(Excerpt.note_id == note_id)).all()
    spans = [(e.span_start, e.span_end, PassageCode(c.name, c.colour)) for e in excerpts for c in e.codes]
    return cut_passages(note.body or "", spans)
