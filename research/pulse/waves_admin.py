"""Creating pulse waves from the question library, with their segments."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from research.pulse.errors import PulseError
from research.pulse.library import QUESTION_LIBRARY
from research.pulse.links import MAX_LINKS_PER_REQUEST, create_links, lock_segment, places_shown
from research.store.models import PulseQuestion, PulseSegment, PulseWave

MAX_TITLE = 200
SEGMENT_FIELDS = ("team", "site", "channel", "industry")


@dataclass(frozen=True)
class SegmentSpec:
    team: str = ""
    site: str = ""
    channel: str = ""
    industry: str = ""
    headcount: int | None = None


def _checked_segments(segments: Iterable[SegmentSpec]) -> list[SegmentSpec]:
    """The segments that name anything, each once, with no negative headcount.

    Blank rows (a form's empty lines) are dropped rather than refused, so a researcher can leave spare rows.

    Raises:
        PulseError: no segment, a segment listed twice, or a negative headcount.
    """
    specs = [s for s in segments if any(getattr(s, f).strip() for f in SEGMENT_FIELDS)]
    if not specs:
        raise PulseError("Add at least one segment (a team, site, channel or industry).")
    seen = set()
    for spec in specs:
        values = tuple(getattr(spec, f).strip() for f in SEGMENT_FIELDS)
        if values in seen:
            raise PulseError(f"Segment {' / '.join(v for v in values if v)} is listed twice.")
        seen.add(values)
        if spec.headcount is not None and spec.headcount < 0:
            raise PulseError("A segment's headcount cannot be negative.")
    return specs


def create_wave(
    *,
    session: Session,
    title: str,
    opens_on: date,
    closes_on: date,
    question_keys: Sequence[str],
    segments: Iterable[SegmentSpec],
    extra_text_questions: Sequence[str] = (),
    prompts: dict[str, str] | None = None,
) -> PulseWave:
    """Create a wave whose questions are copies of library questions (prompts may be edited).

    Raises:
        PulseError: empty or duplicate title, dates in the wrong order, no questions,
            an unknown question key, or no or duplicate segments.
    """
    title = title.strip()
    if not title or len(title) > MAX_TITLE:
        raise PulseError(f"Give the wave a title of 1 to {MAX_TITLE} characters.")
    if closes_on < opens_on:
        raise PulseError(f"The wave closes ({closes_on}) before it opens ({opens_on}).")
    if session.scalar(select(PulseWave.id).where(PulseWave.title == title)) is not None:
        raise PulseError(f"A wave called {title!r} already exists.")
    library = {q.key: q for q in QUESTION_LIBRARY}
    unknown = [k for k in question_keys if k not in library]
    if unknown:
        raise PulseError(f"Unknown library question(s): {', '.join(unknown)}.")
    extras = [q.strip() for q in extra_text_questions if q and q.strip()]
    if not question_keys and not extras:
        raise PulseError("Choose at least one question.")
    specs = _checked_segments(segments)
    prompts = prompts or {}
    wave = PulseWave(title=title, opens_on=opens_on, closes_on=closes_on)
    position = 0
    for key in question_keys:
        q = library[key]
        position += 1
        wave.questions.append(PulseQuestion(
            position=position, key=q.key, kind=q.kind, prompt=(prompts.get(key) or q.prompt).strip(),
            scale_min=q.scale_min, scale_max=q.scale_max, required=q.required))
    for index, prompt in enumerate(extras, start=1):
        position += 1
        wave.questions.append(PulseQuestion(position=position, key=f"extra_text_{index}", kind="text",
                                            prompt=prompt, required=False))
    for spec in specs:
        wave.segments.append(PulseSegment(**{f: getattr(spec, f).strip() for f in SEGMENT_FIELDS},
                                          headcount=spec.headcount))
    session.add(wave)
    session.flush()
    return wave


def everyday_names(specs: Iterable[SegmentSpec]) -> list[str]:
    """The team names that are also everyday words ("Billing", "Sales"): a quote's words that name a small
    group's team are replaced with "[team]" (:mod:`research.privacy.mentions`), so such a name takes its word
    out of quotes, earlier waves' and interviews' too (an outside walk named a segment "Billing" and the demo's
    "billing system" read "[team] system"). Said when the wave is created. (Sites are places: "Leeds" reads as
    a word to the word list, but a quote naming it names the site.)"""
    from research.privacy.gazetteer import fold, gazetteer

    words = gazetteer()
    return sorted({spec.team.strip() for spec in specs if spec.team.strip() and " " not in spec.team.strip()
                   and words.is_word(fold(spec.team.strip()))})


def create_wave_id(
    *,
    session: Session,
    title: str,
    opens_on: date,
    closes_on: date,
    question_keys: Sequence[str],
    segments: Iterable[SegmentSpec],
    extra_text_questions: Sequence[str] = (),
    prompts: dict[str, str] | None = None,
) -> int:
    """:func:`create_wave` for a page: the new wave's id, not its row. Raises as ``create_wave``."""
    return create_wave(session=session, title=title, opens_on=opens_on, closes_on=closes_on,
                       question_keys=question_keys, segments=segments, extra_text_questions=extra_text_questions,
                       prompts=prompts).id


def find_wave(*, session: Session, ref: str) -> PulseWave:
    """A wave by id or exact title."""
    wave = session.get(PulseWave, int(ref)) if ref.strip().isdigit() else None
    wave = wave or session.scalar(select(PulseWave).where(PulseWave.title == ref.strip()))
    if wave is None:
        raise PulseError(f"no pulse wave {ref!r}: give its id or exact title (see the Pulse waves page)")
    return wave


def find_segment(*, wave: PulseWave, team: str) -> PulseSegment:
    matches = [s for s in wave.segments if team.strip().lower() in (s.team.lower(), s.label.lower())]
    if len(matches) != 1:
        choices = ", ".join(sorted(s.team or s.label for s in wave.segments))
        raise PulseError(f"no single segment {team!r} in wave {wave.title!r}; choose one of: {choices}")
    return matches[0]


MAX_HEADCOUNT = 100_000


def parse_headcount(text: str) -> int:
    """The headcount typed into a form, as a whole number of people, or a refusal saying exactly what is wrong.

    A form's number box used to round ``3.5`` to 3 without a word; typed text is read here instead, so
    nothing but a whole number from 1 to :data:`MAX_HEADCOUNT` is ever saved. ``12``, `` 12 `` and ``12.0`` are 12.

    Raises:
        PulseError: empty, not a number, not whole, or out of range; the message ends "Nothing changed."
    """
    return _whole_number(text, asked="how many people the segment has", example="12", unit="people",
                         whole="a headcount counts people", maximum=MAX_HEADCOUNT,
                         limits=f"A headcount is a whole number of people from 1 to {MAX_HEADCOUNT:,}",
                         nothing="Nothing changed.")


def parse_invite_count(text: str) -> int:
    """How many invites a researcher typed, read like :func:`parse_headcount`: a number box refused 0 or -3 with
    only a red mark in the browser, and "Create links" then did nothing anyone could see.

    Raises:
        PulseError: empty, not a number, not whole, or not from 1 to :data:`MAX_LINKS_PER_REQUEST`.
    """
    return _whole_number(text, asked="how many invites to create", example="10", unit="invites",
                         whole="each invite is one person's link", maximum=MAX_LINKS_PER_REQUEST,
                         limits=f"Invites are created 1 to {MAX_LINKS_PER_REQUEST:,} at a time",
                         nothing="No links were created.")


def _whole_number(text: str, *, asked: str, example: str, unit: str, whole: str, maximum: int, limits: str,
                  nothing: str) -> int:
    typed = (text or "").strip()
    if not typed:
        raise PulseError(f"Type {asked}. {nothing}")
    try:
        number = Decimal(typed)
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite():
        raise PulseError(f"{typed[:40]!r} is not a number: type {asked}, in digits (such as {example}). {nothing}")
    if number != number.to_integral_value():
        raise PulseError(f"{typed[:40]} is not a whole number of {unit}: {whole}, so type a whole number (such "
                         f"as 3 or 4). {nothing}")
    if not 1 <= number <= maximum:
        raise PulseError(f"{limits}, not {typed[:40]}. {nothing}")
    return int(number)


def headcount_note(headcount: int, *, min_group_size: int, min_comment_group_size: int) -> str | None:
    """What a headcount under a reporting threshold means for the segment's results, or None when it means nothing.

    Saved all the same (a small team is real), but a segment of fewer people than a threshold can never reach
    it, so those results are never shown for the segment on its own; its answers still count in larger groups
    (the whole wave, a site) whenever those may be shown.
    """
    if headcount < min_group_size:
        return (f"This segment has fewer than {min_group_size} people, the fewest any result needs: its scores and "
                "comments will never be shown on their own. Its answers still count in larger groups, such as "
                "the whole wave, when those are shown.")
    if headcount < min_comment_group_size:
        return (f"This segment has fewer than {min_comment_group_size} people, the fewest comments need: its "
                "comments will never be shown on their own (its scores can be, once "
                f"{min_group_size} have answered).")
    return None


def set_headcount(*, session: Session, segment_id: int, headcount: int, step: int) -> None:
    """Set how many people a segment has: the cap on its invites and open-link answers.

    Admins alone call this (the page and the CLI check the role); every change is audited by the caller.
    It is refused below the places taken as staff are shown them (:func:`research.pulse.links.places_shown`,
    open-link answers in whole steps of ``step``), so trying lower and lower headcounts never counts them
    one by one.

    Raises:
        PulseError: not a whole number from 1 to 100,000, or fewer than the invites and
            open-link answers the segment already has.
    """
    segment = lock_segment(session=session, segment_id=segment_id)
    if segment is None:
        raise PulseError("No such segment.")
    if isinstance(headcount, bool) or not isinstance(headcount, int) or not 1 <= headcount <= MAX_HEADCOUNT:
        raise PulseError(f"A headcount is a whole number of people from 1 to {MAX_HEADCOUNT:,}, not {headcount!r}.")
    taken = places_shown(session=session, segment_id=segment.id, step=step)
    if headcount < taken:
        raise PulseError(f"{segment.label} already has {taken} invites and open-link answers (those counted in "
                         f"steps of {step}): its headcount cannot be lower than that.")
    segment.headcount = headcount
    session.flush()


# Plain data for the wave pages: they render these and never walk a wave's ORM relationships themselves
# (a lazy load from a page is a query nobody sees in the library).


@dataclass(frozen=True)
class SegmentSummary:
    """One segment of a wave as the links page shows it."""

    id: int
    label: str
    headcount: int | None
    places_taken: int  # invites plus answers through its open links, those in whole steps


def segment_summaries(*, session: Session, wave_id: int, step: int) -> list[SegmentSummary]:
    """The wave's segments in the order they were added, each with its headcount and the places taken, open-link
    answers in whole steps of ``step`` (:func:`research.pulse.links.places_shown`)."""
    segments = session.scalars(select(PulseSegment).where(PulseSegment.wave_id == wave_id).order_by(PulseSegment.id))
    return [SegmentSummary(s.id, s.label, s.headcount, places_shown(session=session, segment_id=s.id, step=step))
            for s in segments]


def create_segment_links(*, session: Session, segment_id: int, count: int, kind: str, today: date) -> list[str]:
    """:func:`research.pulse.links.create_links` for a segment named by id, as a page knows it.

    Raises:
        PulseError: the segment is gone (its wave was deleted meanwhile), or as ``create_links``.
    """
    segment = session.get(PulseSegment, segment_id)
    if segment is None:
        raise PulseError("That segment is no longer there: no links were created.")
    return create_links(session=session, segment=segment, count=count, kind=kind, today=today)


@dataclass(frozen=True)
class WaveShape:
    """A wave's title and how many questions and segments it has, for a confirmation."""

    title: str
    questions: int
    segments: int


def wave_shape(*, session: Session, wave_id: int) -> WaveShape:
    """Counted in the database, so the answer is what was stored, not what a caller's objects hold."""
    title = session.scalar(select(PulseWave.title).where(PulseWave.id == wave_id))
    if title is None:
        raise PulseError(f"There is no wave with id {wave_id}.")
    questions = session.scalar(select(func.count(PulseQuestion.id)).where(PulseQuestion.wave_id == wave_id))
    segments = session.scalar(select(func.count(PulseSegment.id)).where(PulseSegment.wave_id == wave_id))
    return WaveShape(title, int(questions or 0), int(segments or 0))
