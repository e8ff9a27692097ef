"""Interview studies, their guides and their pseudonymous participants.

Participants are known only by a generated code (P01, P02, ...) and the
attributes researchers analyse by; real names never enter these tables.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

import pandas as pd
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from interviews.withdrawal import forget_what_they_said
from research.audit import record
from research.errors import FrontlineError
from research.settings import Settings
from research.store.models import GuideQuestion, Interview, Participant, Study

CHANNELS = ("phone", "chat", "e-mail", "store")
# Columns of ``participants``; anything else a researcher adds lives in ``attributes``.
FIXED_ATTRIBUTES = ("industry", "role", "tenure_band", "channel", "site")
MAX_ATTRIBUTE = 64
_LIMITS = {"tenure_band": 32}  # the others hold MAX_ATTRIBUTE characters
MAX_CUSTOM_VALUE = 200


def _fitting(name: str, value: object, limit: int) -> str:
    """``value`` as stripped text; refused (never cut short) when it is longer than its column holds."""
    text = str(value or "").strip()
    if len(text) > limit:
        raise FrontlineError(f"{name.replace('_', ' ').capitalize()} is {len(text):,} characters; at most {limit} "
                             "fit. Shorten it; nothing was saved.")
    return text


@dataclass(frozen=True)
class GuideItem:
    text: str
    probes: tuple[str, ...] = ()


@dataclass(frozen=True)
class GuideQuestionView:
    """A stored guide question: its id (what notes attach to) and its wording."""

    id: int
    text: str
    probes: tuple[str, ...]


@dataclass(frozen=True)
class StudyRef:
    """A study as created: callers get values, never the ORM row."""

    id: int
    title: str


@dataclass(frozen=True)
class ParticipantRef:
    """A participant as stored: the id and the pseudonym a page confirms."""

    id: int
    code: str


def _guide_view(question: GuideQuestion) -> GuideQuestionView:
    return GuideQuestionView(id=question.id, text=question.text, probes=tuple(question.probes or ()))


def studies_table(*, session: Session) -> pd.DataFrame:
    """One row per study with its dates and how many participants and interviews it has."""
    participants = (
        select(Participant.study_id, func.count(Participant.id).label("participants"))
        .group_by(Participant.study_id).subquery()
    )
    interviews = (
        select(Interview.study_id, func.count(Interview.id).label("interviews"))
        .group_by(Interview.study_id).subquery()
    )
    rows = session.execute(
        select(
            Study.id, Study.title, Study.starts_on, Study.ends_on,
            func.coalesce(participants.c.participants, 0), func.coalesce(interviews.c.interviews, 0),
        )
        .outerjoin(participants, participants.c.study_id == Study.id)
        .outerjoin(interviews, interviews.c.study_id == Study.id)
        .order_by(Study.starts_on.desc(), Study.title)
    ).all()
    frame = pd.DataFrame(rows, columns=["id", "Study", "Starts", "Ends", "Participants", "Interviews"])
    return frame.set_index("id")


def study_choices(*, session: Session) -> dict[int, str]:
    """Study ids and titles, newest first, for pickers."""
    rows = session.execute(select(Study.id, Study.title).order_by(Study.starts_on.desc(), Study.title)).all()
    return {row.id: row.title for row in rows}


def get_study(*, session: Session, study_id: int) -> Study:
    study = session.get(Study, study_id)
    if study is None:
        raise FrontlineError(f"There is no study with id {study_id}.")
    return study


def create_study(
    *, session: Session, title: str, purpose: str = "", starts_on: date | None = None, ends_on: date | None = None,
) -> StudyRef:
    """Create a study; titles are unique so researchers can tell studies apart."""
    title = (title or "").strip()
    if not title:
        raise FrontlineError("Give the study a title.")
    if len(title) > 200:
        raise FrontlineError("The title is longer than 200 characters.")
    if starts_on and ends_on and ends_on < starts_on:
        raise FrontlineError("The study ends before it starts: check the dates.")
    if session.scalar(select(Study.id).where(func.lower(Study.title) == title.lower())) is not None:
        raise FrontlineError(f"A study called '{title}' already exists.")
    study = Study(title=title, purpose=(purpose or "").strip(), starts_on=starts_on, ends_on=ends_on)
    session.add(study)
    session.flush()
    return StudyRef(id=study.id, title=study.title)


def set_guide(*, session: Session, study_id: int, items: Sequence[GuideItem]) -> list[GuideQuestionView]:
    """Replace the guide's questions, keeping the rows (and the notes tied to them) of questions kept in place.

    A question whose text is unchanged keeps its id wherever it moves, so notes
    already taken against it stay attached.
    """
    study = get_study(session=session, study_id=study_id)
    cleaned = [GuideItem(i.text.strip(), tuple(p.strip() for p in i.probes if p.strip())) for i in items]
    cleaned = [i for i in cleaned if i.text]
    if not cleaned:
        raise FrontlineError("The guide needs at least one question.")
    existing = {q.text: q for q in study.guide}
    kept = []
    for question in study.guide:
        question.position = -question.id  # frees the (study, position) slots before renumbering
    session.flush()
    for position, item in enumerate(cleaned, start=1):
        kept_question = existing.pop(item.text, None)
        question = kept_question or GuideQuestion(study_id=study.id, text=item.text)
        question.position = position
        question.probes = list(item.probes)
        kept.append(question)
    for removed in existing.values():
        session.delete(removed)
    study.guide = kept
    session.flush()
    return [_guide_view(q) for q in kept]


def guide_items(*, session: Session, study_id: int) -> list[GuideQuestionView]:
    """The study's guide questions in the order they are asked."""
    return [_guide_view(q) for q in session.scalars(
        select(GuideQuestion).where(GuideQuestion.study_id == study_id).order_by(GuideQuestion.position)
    )]


def _next_code(session: Session, study_id: int) -> str:
    codes = session.scalars(select(Participant.code).where(Participant.study_id == study_id))
    numbers = [int(m.group(1)) for c in codes if (m := re.fullmatch(r"P(\d+)", c))]
    return f"P{(max(numbers, default=0) + 1):02d}"


_RESERVED = frozenset({*FIXED_ATTRIBUTES, "id", "code", "consent_given", "consent", "withdrawn_on", "withdrawn",
                       "participant"})


def _attribute_key(name: str) -> str:
    """How a column name reads to a person: "Role", "role" and "ROLE", or "Tenure band" and "tenure_band", are one."""
    return "_".join(re.split(r"[\s_-]+", name.strip().casefold()))


def _clean_attributes(values: Mapping[str, str]) -> dict[str, str]:
    cleaned = {}
    for key, value in values.items():
        key = (key or "").strip()
        if not key:
            continue
        if _attribute_key(key) in _RESERVED:  # two "Role" columns in the table and the exports
            raise FrontlineError(f"'{key}' is a built-in attribute; choose another name for the custom one.")
        cleaned[_fitting("the attribute name", key, MAX_ATTRIBUTE)] = _fitting(key, value, MAX_CUSTOM_VALUE)
    return cleaned


def parse_attributes(text: str) -> dict[str, str]:
    """Custom attributes typed as ``name=value; name=value``; a part without "=" is refused, not dropped.

    Raises:
        FrontlineError: naming the part that is not ``name=value``.
    """
    attributes = {}
    for part in (text or "").split(";"):
        if not part.strip():
            continue
        if "=" not in part:
            raise FrontlineError(f"'{part.strip()}' is not name=value; separate attributes with ';'.")
        name, value = part.split("=", 1)
        attributes[name.strip()] = value.strip()
    return attributes


def add_participant(
    *, session: Session, study_id: int, industry: str = "", role: str = "", tenure_band: str = "",
    channel: str = "", site: str = "", consent_given: bool = False, consent_recorded_on: date | None = None,
    attributes: Mapping[str, str] | None = None,
) -> ParticipantRef:
    """Add a participant under the next free pseudonym (P01, P02, ...)."""
    get_study(session=session, study_id=study_id)
    if channel and channel not in CHANNELS:
        raise FrontlineError(f"Channel must be one of {', '.join(CHANNELS)}.")
    fixed = {key: _fitting(key, value, _LIMITS.get(key, MAX_ATTRIBUTE))
             for key, value in (("industry", industry), ("role", role), ("tenure_band", tenure_band), ("site", site))}
    participant = Participant(
        study_id=study_id, code=_next_code(session, study_id), channel=channel, **fixed, consent_given=consent_given,
        consent_recorded_on=consent_recorded_on or (date.today() if consent_given else None),
        attributes=_clean_attributes(attributes or {}),
    )
    session.add(participant)
    session.flush()
    return ParticipantRef(id=participant.id, code=participant.code)


def update_participant(
    *, session: Session, participant_id: int, values: Mapping[str, object],
) -> ParticipantRef:
    """Update built-in attributes, consent and custom attributes (``values`` keys other than the built-ins).

    Interview evidence keeps the attributes frozen with the participant's place
    (:func:`interviews.notes.give_evidence_place`), so an edit after their first note changes no evidence.
    """
    participant = session.get(Participant, participant_id)
    if participant is None:
        raise FrontlineError(f"There is no participant with id {participant_id}.")
    if participant.withdrawn_on is not None:
        raise FrontlineError(f"{participant.code} withdrew: add them as a new participant if they take part again.")
    custom = dict(participant.attributes or {})
    for key, value in values.items():
        if key in FIXED_ATTRIBUTES:
            text = str(value or "").strip()
            if key == "channel" and text and text not in CHANNELS:
                raise FrontlineError(f"Channel must be one of {', '.join(CHANNELS)}.")
            setattr(participant, key, _fitting(key, text, _LIMITS.get(key, MAX_ATTRIBUTE)))
        elif key == "consent_given":
            given = bool(value)
            if given and not participant.consent_given:
                participant.consent_recorded_on = date.today()
            participant.consent_given = given
        else:
            custom.update(_clean_attributes({key: str(value or "")}))
    participant.attributes = custom
    session.flush()
    return ParticipantRef(id=participant.id, code=participant.code)


def add_custom_attribute(*, session: Session, study_id: int, name: str) -> str:
    """Give every participant of the study a new, empty custom attribute to fill in."""
    cleaned = _clean_attributes({name: ""})
    if not cleaned:
        raise FrontlineError("Name the attribute.")
    key = next(iter(cleaned))
    people = session.scalars(select(Participant).where(Participant.study_id == study_id)).all()
    existing = {name for p in people for name in (p.attributes or {})}
    if clash := next((n for n in existing if n != key and _attribute_key(n) == _attribute_key(key)), None):
        raise FrontlineError(f"The study already has the attribute '{clash}'; '{key}' would be a second column "
                             "that reads the same. Nothing was added.")
    for participant in people:
        participant.attributes = {**(participant.attributes or {}), key: (participant.attributes or {}).get(key, "")}
    session.flush()
    return key


def withdraw_participant(*, session: Session, participant_id: int, actor: str, today: date | None = None,
                         settings: Settings | None = None) -> str:
    """Erase everything a participant said and was described as, because they withdrew; return their code.

    Their interviews go, and with them every note, revision, coded excerpt and memo (the
    database cascades); their attributes are cleared. The row stays, marked withdrawn, so that
    their code is never given to someone else and the study's record shows a withdrawal; a code
    that is not a P-number (a case name from an imported project) is replaced, since it may be a name.
    Their place in interview evidence's order stays taken (``evidence_place``), so nobody waiting to be
    counted moves into it; the attributes frozen with it are cleared. Exports and analyses made afterwards
    no longer hold anything of theirs. With ``settings``, their words leave the analysis cache too
    (:func:`interviews.withdrawal.forget_what_they_said`).

    Raises:
        FrontlineError: there is no such participant, or they already withdrew; or the analysis cache is busy
            (:class:`research.store.embedding_cache.CacheBusy`), and the session should be rolled back.
    """
    participant = session.get(Participant, participant_id)
    if participant is None:
        raise FrontlineError(f"There is no participant with id {participant_id}.")
    if participant.withdrawn_on is not None:
        raise FrontlineError(f"{participant.code} already withdrew on {participant.withdrawn_on:%d %B %Y}.")
    forget_what_they_said(session=session, participant_id=participant.id, settings=settings)
    session.execute(delete(Interview).where(Interview.participant_id == participant.id))
    for attribute in FIXED_ATTRIBUTES:
        setattr(participant, attribute, "")
    participant.attributes = {}
    participant.evidence_attributes = None  # the frozen copy evidence used goes too; the place stays
    participant.consent_given = False
    participant.consent_recorded_on = None
    participant.withdrawn_on = today or date.today()
    if not re.fullmatch(r"P\d+", participant.code):  # an imported case name may be a real name: it goes too
        participant.code = f"withdrawn-{participant.id}"
    session.flush()
    session.expire(participant, ["interviews"])
    record(session=session, actor=actor, action="participant_withdrawn",
           subject=f"{participant.code} of study {participant.study_id}")
    return participant.code


def participants_table(*, session: Session, study_id: int) -> pd.DataFrame:
    """Participants with built-in and custom attributes, one column per custom attribute."""
    rows = session.scalars(
        select(Participant).where(Participant.study_id == study_id).order_by(Participant.code)
    ).all()
    records = []
    for p in rows:
        record = {"id": p.id, "code": p.code, **{a: getattr(p, a) for a in FIXED_ATTRIBUTES},
                  "consent_given": p.consent_given, "withdrawn_on": p.withdrawn_on}
        record.update(p.attributes or {})
        records.append(record)
    columns = ["id", "code", *FIXED_ATTRIBUTES, "consent_given", "withdrawn_on"]
    return pd.DataFrame.from_records(records, columns=None if records else columns)


@dataclass(frozen=True)
class ParticipantValues:
    """What a participant's edit form opens on: their attributes as text and their consent."""

    id: int
    code: str
    fixed: dict[str, str]
    consent_given: bool
    custom: dict[str, str]

    def changes(self, values: Mapping[str, object]) -> list[str]:
        """The names (as a reader says them) of what ``values`` (as :func:`update_participant` takes) changes."""
        before = {**self.fixed, "consent_given": self.consent_given, **self.custom}
        return [("consent" if key == "consent_given" else key.replace("_", " ")) for key, value in values.items()
                if (value if key == "consent_given" else str(value or "").strip()) != before.get(key, "")]


def editable_participants(*, session: Session, study_id: int) -> list[ParticipantValues]:
    """The study's participants who have not withdrawn, by code, with the values an edit form opens on.

    Every participant has every custom attribute of the study (blank where not filled in), as
    :func:`add_custom_attribute` promises.
    """
    rows = session.scalars(select(Participant).where(Participant.study_id == study_id,
                                                     Participant.withdrawn_on.is_(None)).order_by(Participant.code))
    people = rows.all()
    names = list(dict.fromkeys(name for p in people for name in (p.attributes or {})))
    return [ParticipantValues(id=p.id, code=p.code, fixed={a: str(getattr(p, a) or "") for a in FIXED_ATTRIBUTES},
                              consent_given=bool(p.consent_given),
                              custom={n: str((p.attributes or {}).get(n) or "") for n in names})
            for p in people]


def participant_attributes(*, session: Session, study_id: int) -> list[str]:
    """Attribute names to break results down by: the built-ins, then custom ones in use."""
    custom: set[str] = set()
    for attributes in session.scalars(select(Participant.attributes).where(Participant.study_id == study_id)):
        custom.update((attributes or {}).keys())
    return [*FIXED_ATTRIBUTES, *sorted(custom)]
