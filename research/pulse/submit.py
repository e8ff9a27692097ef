"""Validate and store an anonymous pulse response.

Everything is checked before anything is written, and the submission (its
answers and receipt hash, in the inbox) and the invite's used flag are written
in one transaction: a submission either lands whole or not at all, and once
the agent is told it is saved it is never lost. It reaches the response tables
and the figures later, in a shuffled batch of at least the threshold of its
segment (:mod:`research.pulse.inbox`). Free text is redacted here, on the
server, whatever the page previewed.

A used invite answers exactly like a fresh one: same form, same thank-you page
and a receipt code of the same form, but nothing is stored. Whoever holds the
links therefore cannot learn whether someone answered by opening or sending
their invite.
"""

from __future__ import annotations

import hashlib
import logging
import math
import re
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Protocol

from sqlalchemy import Engine, select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from research.privacy.names import gazetteer
from research.privacy.redaction import Redactor
from research.privacy.reporting import Thresholds
from research.privacy.roster import roster_redactor
from research.pulse.errors import PulseError
from research.pulse.inbox import has_ready, hold, release_ready
from research.pulse.links import consume_invite, count_open_use, resolve_link
from research.pulse.sealing import Sealer
from research.store.engine import CONNECTION_LOST, session_scope
from research.store.models import PulseAnswer, PulseQuestion

logger = logging.getLogger(__name__)

MAX_TEXT_LENGTH = 2000
RECEIPT_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I to misread on a phone


class NotSaved(PulseError):
    """The database failed (restarting, unreachable, out of connections): nothing was stored, try again."""


@dataclass(frozen=True)
class Receipt:
    """The code the agent keeps; for the server, the wave and whether a release step is now full."""

    code: str
    wave_id: int | None = None
    release_due: bool = False


def new_receipt_code() -> str:
    raw = "".join(secrets.choice(RECEIPT_ALPHABET) for _ in range(15))
    return "-".join(raw[i:i + 5] for i in range(0, 15, 5))


def normalise_receipt(code: str) -> str:
    cleaned = "".join(ch for ch in code.upper() if ch.isalnum())
    return "-".join(cleaned[i:i + 5] for i in range(0, len(cleaned), 5))


def hash_receipt(code: str) -> str:
    return hashlib.sha256(normalise_receipt(code).encode("ascii", "ignore")).hexdigest()


class Question(Protocol):
    """What checking an answer reads of its question: a :class:`PulseQuestion` row or the page's ``QuestionView``."""

    @property
    def key(self) -> str: ...
    @property
    def kind(self) -> str: ...
    @property
    def prompt(self) -> str: ...
    @property
    def scale_min(self) -> int | None: ...
    @property
    def scale_max(self) -> int | None: ...
    @property
    def required(self) -> bool: ...


def validate_answers(questions: Sequence[Question], answers: Mapping[str, object]) -> dict[str, float | str]:
    """Check every answer against its question; return clean values by question key.

    Raises:
        PulseError: naming the first question whose answer is missing or out of range.
    """
    known = {q.key for q in questions}
    unknown = sorted(set(answers) - known)
    if unknown:
        raise PulseError(f"Unknown question(s): {', '.join(unknown)}.")
    clean: dict[str, float | str] = {}
    for question in questions:
        value = answers.get(question.key)
        if question.kind == "text":
            text = "" if value is None else str(value)
            if len(text) > MAX_TEXT_LENGTH:
                raise PulseError(
                    f"Your answer to “{question.prompt}” is {len(text):,} characters; the limit is "
                    f"{MAX_TEXT_LENGTH:,}. Please shorten it."
                )
            if not text.strip():
                if question.required:
                    raise PulseError(f"Please answer “{question.prompt}”.")
                continue
            clean[question.key] = text
            continue
        if value is None or (isinstance(value, str) and not value.strip()):
            if question.required:
                raise PulseError(f"Please answer “{question.prompt}”.")
            continue
        if isinstance(value, str):  # typed by the agent: digits only ("40", "40 %"), so "1e2" is not read as 100
            written = value.strip().removesuffix("%").strip()
            if not re.fullmatch(r"[0-9]+(\.[0-9]+)?", written):
                low, high = question.scale_min, question.scale_max
                scale = "" if low is None or high is None else f" from {low} to {high}"
                example = 40 if low is None or high is None else (low + high) // 2
                digits = "" if re.fullmatch(r"[+-][0-9]+(\.[0-9]+)?", written) else ", written in digits"
                raise PulseError(f"“{question.prompt}” needs a whole number{scale}{digits} (like {example}), not "
                                 f"{value.strip()[:20]!r}.")  # "-5" is in digits: only out of range
            value = written
        try:
            if not isinstance(value, int | float | str):
                raise TypeError(value)
            number = float(value)
        except (TypeError, ValueError):
            raise PulseError(f"“{question.prompt}” needs a number, not {str(value)[:20]!r}.") from None
        if not math.isfinite(number) or number != int(number):
            scale = ("" if question.scale_min is None or question.scale_max is None
                     else f" from {question.scale_min} to {question.scale_max}")
            raise PulseError(f"“{question.prompt}” needs a whole number{scale}, not {str(value).strip()[:20]!r}.")
        if question.scale_min is None or question.scale_max is None:  # every non-text question is created with one
            raise PulseError(f"“{question.prompt}” has no scale to answer on.")
        if not question.scale_min <= number <= question.scale_max:
            raise PulseError(
                f"“{question.prompt}” takes a value from {question.scale_min} to {question.scale_max}, not {number:g}."
            )
        clean[question.key] = number
    return clean


def answer_problems(questions: Sequence[Question], answers: Mapping[str, object]) -> dict[str, str]:
    """Every question whose answer would be refused, with why: a phone screen shows them all at once.

    The messages are those of :func:`validate_answers`, one per question key.
    """
    problems = {}
    for question in questions:
        try:
            validate_answers([question], {question.key: answers.get(question.key)})
        except PulseError as exc:
            problems[question.key] = str(exc)
    return problems


def answer_rows(questions: list[PulseQuestion], clean: Mapping[str, float | str],
                redactor: Redactor) -> list[PulseAnswer]:
    """Answer rows for validated values; free text is redacted here, so no path stores it unredacted."""
    by_key = {q.key: q for q in questions}
    return [
        PulseAnswer(question_id=by_key[key].id, value_text=redactor.redact(value).text) if isinstance(value, str)
        else PulseAnswer(question_id=by_key[key].id, value_number=value)
        for key, value in clean.items()
    ]


def submit_response(
    *,
    session: Session,
    token: str,
    answers: Mapping[str, object],
    today: date,
    redactor: Redactor,
    sealer: Sealer,
    steps: Thresholds | None = None,
) -> Receipt:
    """Hold one anonymous response sent through the link ``token``; return its receipt code.

    The caller commits, then releases what is ready (:func:`send_response` does both; with
    ``steps`` the receipt says whether a release is due). Nothing about the request (address,
    browser, time of day) is passed in, so nothing of it can be stored.

    Raises:
        PulseError: the link or an answer was refused (the message says which).
    """
    target = resolve_link(session=session, token=token, today=today)
    questions = list(
        session.scalars(select(PulseQuestion).where(PulseQuestion.wave_id == target.wave.id)
                        .order_by(PulseQuestion.position))
    )
    clean = validate_answers(questions, answers)
    if not clean:
        raise PulseError("Please answer at least one question before submitting.")
    code = new_receipt_code()
    if target.spent or (target.single_use and not consume_invite(session=session, link_id=target.link_id)):
        return Receipt(code)  # an invite already used: the same page, and nothing stored
    by_key = {q.key: q for q in questions}
    redacted = {by_key[key]: redactor.redact(value).text if isinstance(value, str) else value
                for key, value in clean.items()}
    hold(session=session, wave_id=target.wave.id, segment_id=target.segment.id, answers=redacted,
         receipt_hash=hash_receipt(code), today=today, sealer=sealer, kinds=[q.kind for q in questions])
    due = steps is not None and has_ready(session=session, segment_id=target.segment.id, steps=steps)
    if not target.single_use:  # last, so a segment locked near its cap stays locked only until the commit
        count_open_use(session=session, segment_id=target.segment.id)
    return Receipt(code, target.wave.id, due)


def send_response(*, engine: Engine, token: str, answers: Mapping[str, object], today: date,
                  steps: Thresholds, sealer: Sealer) -> Receipt:
    """Store one response in its own transaction, as the pulse page does when the agent presses send.

    A database failure at any point, the commit included, rolls the whole
    response back and is raised as :class:`NotSaved`, so the agent is told to
    try again and never left with half a response stored. Once it is committed,
    the wave's segments with a full step waiting are released in a transaction
    of their own; if that fails, the next send releases them.

    Raises:
        PulseError: the link or an answer was refused (the message says which).
        NotSaved: the database could not store it just now.
    """
    gazetteer()  # the name lists load once per process: before a pooled connection is taken, not while holding it
    try:
        with session_scope(engine) as session:
            receipt = submit_response(session=session, token=token, answers=answers, today=today,
                                      redactor=roster_redactor(session=session), sealer=sealer, steps=steps)
    except (DBAPIError, *CONNECTION_LOST):  # any refusal as well as a lost server, network or full pool
        raise NotSaved("the server could not store your answers just now. Nothing was kept: "
                       "please try again in a minute.") from None
    if receipt.release_due and receipt.wave_id is not None:  # release_due is only set with the wave
        try:
            release_ready(engine=engine, wave_id=receipt.wave_id, steps=steps, today=today, sealer=sealer)
        except Exception as exc:  # noqa: BLE001 - the answers are saved whatever happens here; the next send retries
            # The type alone: a database error's text would quote the answers being moved.
            logger.warning("pulse release failed (%s); the answers wait and the next send retries",
                           type(exc).__name__)
    return receipt

