"""Seed the Customer Service Week demo: one interview study, three pulse waves, demo accounts.

The data is generated from a fixed seed so every run tells the same story, and
it plants truths the analysis must find:

* Utilities Billing (Cardiff): tooling gets worse wave by wave (the billing system).
* Tech Support L1 (Cardiff): workload and morale get worse.
* Telecom Retention (Glasgow): management support improves after a new manager.
* Cardiff site, waves 2 and 3: complaints about parking, a topic the codebook lacks.

Four actions answer them, recorded after the wave that raised each, so the
executive's "you said, we did" pages and the agent's pulse page have something
to show: two done, one in progress, and one overdue and still a draft.

Seeding is idempotent: a database that already holds the demo study is left alone.
"""

from __future__ import annotations

import random
import secrets
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from interviews.coding import add_memo, code_excerpt, code_quote
from interviews.notes import give_evidence_place
from research.accounts import create_user, get_user
from research.demo import comments as bank
from research.demo import interviews as iv
from research.findings.actions import create_action
from research.pulse.library import QUESTION_LIBRARY
from research.pulse.links import create_links
from research.pulse.waves_admin import SegmentSpec, create_wave
from research.store.models import (
    Action,
    GuideQuestion,
    Interview,
    InterviewNote,
    Participant,
    PulseAnswer,
    PulseLink,
    PulseQuestion,
    PulseResponse,
    PulseSegment,
    PulseWave,
    Study,
)

SEED = 2026
DEMO_STUDY_TITLE = "Customer Service Week 2026: agent interviews"
RESPONSES_PER_TEAM_WAVE = 27
HEADCOUNT = 34  # agents per team: 27 of 34 responding is a 79 % response rate
OPEN_WAVE_TITLE = "Pulse wave 4 (open now)"
DEMO_ACCOUNTS = (("admin", "admin"), ("researcher", "researcher"), ("executive", "executive"))

WAVES = (
    ("Pulse wave 1 (April 2026)", date(2026, 4, 13), date(2026, 4, 24)),
    ("Pulse wave 2 (July 2026)", date(2026, 7, 13), date(2026, 7, 24)),
    ("Pulse wave 3 (Customer Service Week, October 2026)", date(2026, 10, 5), date(2026, 10, 16)),
)


@dataclass(frozen=True)
class Team:
    name: str
    site: str
    channel: str
    industry: str
    tools: tuple[str, ...]
    morale: tuple[float, float, float]  # mean morale (1-5) per wave
    focus: dict[str, tuple[float, float, float]] = field(default_factory=dict)  # theme weight per wave
    praise: dict[str, tuple[float, float, float]] = field(default_factory=dict)  # chance a mention is positive


TEAMS = (
    Team("Retail Care", "Leeds", "phone", "retail", ("the order system", "the CRM"), (3.4, 3.5, 3.4),
         {"customer_recovery": (3, 3, 3)}),
    Team("Email Desk", "Leeds", "e-mail", "retail", ("the ticketing tool", "the knowledge base"), (3.3, 3.3, 3.5),
         {"training": (2, 2, 1.5)}, {"training": (0.3, 0.4, 0.6)}),
    Team("Banking Support", "Glasgow", "phone", "banking", ("the core banking screen", "the phone system"),
         (3.1, 3.0, 3.0), {"metrics_pressure": (3, 3, 3)}),
    Team("Dining Guest Line", "Leeds", "chat", "casual dining", ("the booking tool", "the chat tool"),
         (3.6, 3.7, 3.7), {"difficult_customers": (2, 2, 2), "recognition": (1.5, 1.5, 1.5)},
         {"recognition": (0.5, 0.5, 0.6)}),
    Team("Utilities Billing", "Cardiff", "phone", "utilities", ("the billing system", "the CRM"), (3.3, 2.8, 2.3),
         {"tools": (1.5, 5, 13), "customer_recovery": (2, 2.5, 3)}),
    Team("Tech Support L1", "Cardiff", "chat", "technical support", ("the ticketing tool", "the knowledge base"),
         (3.5, 2.9, 2.4), {"workload": (1.5, 5, 10), "morale": (1, 2, 3)}),
    Team("Telecom Retention", "Glasgow", "phone", "telecommunications", ("the CRM", "the phone system"),
         (2.5, 3.1, 3.7), {"management_support": (5, 4, 4)}, {"management_support": (0.05, 0.5, 0.9)}),
    Team("Telecom Chat", "Glasgow", "chat", "telecommunications", ("the CRM", "the chat tool"), (3.2, 3.2, 3.1),
         {"voice_of_customer": (2, 2, 2)}),
)

BASE_WEIGHTS = {
    "tools": 1.5, "workload": 1.5, "management_support": 1.2, "morale": 0.6, "metrics_pressure": 1.0,
    "difficult_customers": 0.7, "recognition": 0.6, "customer_recovery": 1.2, "voice_of_customer": 0.8,
    "pay": 0.8, "training": 0.7,
}
PARKING_WEIGHT = (0.0, 2.5, 3.5)  # Cardiff only
DEFAULT_PRAISE = 0.15


@dataclass
class DemoResult:
    """What a seeding run did; ``new_passwords`` is shown once and never stored."""

    created: bool
    message: str
    new_passwords: dict[str, str] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)
    try_token: str = ""  # an open link into the open wave, for trying the agent's page


def database_is_empty(session: Session) -> bool:
    """True when no study and no pulse wave exists (accounts do not count)."""
    return not session.scalar(select(func.count(Study.id))) and not session.scalar(select(func.count(PulseWave.id)))


def seed_demo(*, session: Session, seed: int = SEED, if_empty: bool = False, today: date | None = None) -> DemoResult:
    """Create the demo accounts, study and waves unless they already exist.

    Besides the three past waves, a fourth wave opens on ``today`` for 30 days with no
    responses, so the agent's pulse page can be tried with the open link returned.
    """
    passwords = _seed_accounts(session)
    if session.scalar(select(Study.id).where(Study.title == DEMO_STUDY_TITLE)) is not None:
        return DemoResult(False, "demo data already present; nothing changed", passwords)
    if if_empty and not database_is_empty(session):
        return DemoResult(False, "database already holds studies or waves; demo data not added", passwords)
    rng = random.Random(seed)
    interviews = _seed_study(session, rng)
    responses, comments = _seed_waves(session, seed)
    today = today or datetime.now(UTC).date()
    try_token = _seed_open_wave(session, today)
    actions = _seed_actions(session, today)
    session.flush()
    counts = {"interviews": interviews, "waves": len(WAVES) + 1, "teams": len(TEAMS),
              "responses": responses, "comments": comments, "actions": actions}
    return DemoResult(True, "demo data created", passwords, counts, try_token)


def _seed_open_wave(session: Session, today: date) -> str:
    wave = create_wave(
        session=session, title=OPEN_WAVE_TITLE, opens_on=today, closes_on=today + timedelta(days=30),
        question_keys=[q.key for q in QUESTION_LIBRARY],
        segments=[SegmentSpec(team=t.name, site=t.site, channel=t.channel, industry=t.industry, headcount=HEADCOUNT)
                  for t in TEAMS],
    )
    return create_links(session=session, segment=wave.segments[0], kind="open")[0]


@dataclass(frozen=True)
class DemoAction:
    theme: str
    title: str
    owner: str
    recorded_on: date  # a few days after the wave that raised it, which becomes its baseline
    due_on: date | None  # None: a month after the demo is seeded, so it is never overdue
    status: str
    published: bool
    team: str | None = None  # None: for every team


ACTIONS = (
    DemoAction("management_support", "New team manager for Telecom Retention, with weekly one-to-ones",
               "Head of the Glasgow site", date(2026, 4, 28), date(2026, 6, 30), "done", True, "Telecom Retention"),
    DemoAction("training", "Coaching sessions on the knowledge base for the Email Desk", "Training team",
               date(2026, 7, 28), date(2026, 9, 30), "done", True, "Email Desk"),
    DemoAction("workload", "Hire four more agents for Tech Support L1", "Workforce planning",
               date(2026, 7, 28), date(2026, 9, 30), "in progress", False, "Tech Support L1"),
    DemoAction("tools", "Fix the billing system freezes with IT, starting with the Cardiff screens",
               "IT service desk", date(2026, 10, 20), None, "in progress", True),
)


def _seed_actions(session: Session, today: date) -> int:
    """The demo's actions, each dated the day it was recorded (its "Recorded on" and its baseline wave)."""
    for action in ACTIONS:
        soon = min(today + timedelta(days=30), action.recorded_on + timedelta(days=4 * 365))
        ref = create_action(session=session, theme=action.theme, title=action.title, owner=action.owner,
                            due_on=action.due_on or soon, status=action.status, published=action.published,
                            created_by="executive", today=action.recorded_on, team=action.team)
        recorded = datetime.combine(action.recorded_on, time(9, 30), tzinfo=UTC)
        session.execute(update(Action).where(Action.id == ref.id).values(created_at=recorded, updated_at=recorded))
    return len(ACTIONS)


def _seed_accounts(session: Session) -> dict[str, str]:
    created = {}
    for username, role in DEMO_ACCOUNTS:
        if get_user(session=session, username=username) is None:
            password = secrets.token_urlsafe(12)
            create_user(session=session, username=username, role=role, password=password, actor="demo")
            created[username] = password
    return created


def _seed_study(session: Session, rng: random.Random) -> int:
    study = Study(
        title=DEMO_STUDY_TITLE,
        purpose=(
            "How agents handle the voice of the customer and NPS feedback; whether upper management gives them "
            "the tools and support they need; whether their work is customer service or customer recovery."
        ),
        starts_on=date(2026, 10, 5),
        ends_on=date(2026, 10, 9),
    )
    study.guide = [GuideQuestion(position=i + 1, text=text, probes=probes) for i, (text, probes) in enumerate(iv.GUIDE)]
    session.add(study)
    session.flush()
    number = 0
    for industry, info in iv.INDUSTRIES.items():
        for slot in range(4):
            number += 1
            participant = Participant(
                study_id=study.id, code=f"P{number:02d}", industry=industry, role=iv.ROLES[slot],
                tenure_band=iv.TENURE[rng.randrange(4)], channel=info["channels"][slot], site=info["site"],
                consent_given=True, consent_recorded_on=date(2026, 10, 5), attributes={},
            )
            session.add(participant)
            session.flush()
            interview = Interview(
                study_id=study.id, participant_id=participant.id, interviewer=iv.INTERVIEWERS[number % 2],
                held_on=date(2026, 10, 5) + timedelta(days=(number - 1) % 5),
            )
            variants = []
            for position, question in enumerate(study.guide):
                variant = iv.INDUSTRY_BIAS[industry][position]
                if rng.random() < 0.4:
                    variant = rng.randrange(4)
                body = iv.ANSWERS[position][variant].format(tool=info["tool"])
                interview.notes.append(InterviewNote(guide_question_id=question.id, position=position + 1, body=body))
                variants.append(variant)
            session.add(interview)
            session.flush()
            give_evidence_place(session=session, participant=participant)
            _code_interview(session, interview, variants, info["tool"])
    for key, body in iv.MEMOS.items():
        add_memo(session=session, author=iv.FIRST_CODER, body=body, code_key=key)
    return number


def _code_interview(session: Session, interview: Interview, variants: list[int], tool: str) -> None:
    """Code every answer as both demo coders did (see ``interviews.CODING``)."""
    for position, (note, variant) in enumerate(zip(interview.notes, variants)):
        first, second, second_words = iv.CODING[(position, variant)]
        code_excerpt(session=session, note_id=note.id, start=0, end=len(note.body), codes=first,
                     coder=iv.FIRST_CODER)
        if second_words:
            code_quote(session=session, note_id=note.id, quote=second_words.format(tool=tool), codes=second,
                       coder=iv.SECOND_CODER)
        else:
            code_excerpt(session=session, note_id=note.id, start=0, end=len(note.body), codes=second,
                         coder=iv.SECOND_CODER)


@dataclass(frozen=True)
class DemoResponse:
    """One generated pulse response with the truth behind it (for tests and benchmarks)."""

    wave_index: int
    team: Team
    text: str
    theme: str  # the planted theme of the comment; "" when there is no comment
    positive: bool
    scores: dict[str, float]
    day: date


def generate_responses(seed: int = SEED) -> list[DemoResponse]:
    """The demo's pulse responses, labelled with their planted theme and tone."""
    rng = random.Random(seed + 1)
    generated = []
    for wave_index, (_, opens_on, closes_on) in enumerate(WAVES):
        for team in TEAMS:
            for _ in range(RESPONSES_PER_TEAM_WAVE):
                text, theme, positive = _comment(team, wave_index, rng)
                scores = _scores(team, wave_index, theme, positive, rng)
                day = opens_on + timedelta(days=rng.randrange((closes_on - opens_on).days + 1))
                generated.append(DemoResponse(wave_index, team, text, theme, positive, scores, day))
    return generated


def _seed_waves(session: Session, seed: int) -> tuple[int, int]:
    segments: dict[tuple[int, str], PulseSegment] = {}
    questions: dict[int, dict[str, PulseQuestion]] = {}
    waves = []
    for wave_index, (title, opens_on, closes_on) in enumerate(WAVES):
        wave = PulseWave(title=title, opens_on=opens_on, closes_on=closes_on)
        wave.questions = [
            PulseQuestion(position=i + 1, key=q.key, kind=q.kind, prompt=q.prompt,
                          scale_min=q.scale_min, scale_max=q.scale_max, required=q.required)
            for i, q in enumerate(QUESTION_LIBRARY)
        ]
        session.add(wave)
        session.flush()
        waves.append(wave)
        questions[wave_index] = {q.key: q for q in wave.questions}
        for team in TEAMS:
            segment = PulseSegment(wave_id=wave.id, team=team.name, site=team.site,
                                   channel=team.channel, industry=team.industry, headcount=HEADCOUNT)
            session.add(segment)
            session.flush()
            segments[wave_index, team.name] = segment
            # Invites were sent to every agent; the ones that answered are flagged used.
            create_links(session=session, segment=segment, count=HEADCOUNT)
            session.execute(
                update(PulseLink).where(PulseLink.id.in_(
                    select(PulseLink.id).where(PulseLink.segment_id == segment.id)
                    .order_by(PulseLink.id).limit(RESPONSES_PER_TEAM_WAVE).scalar_subquery()
                )).values(used=True)
            )
    responses = comments = 0
    for item in generate_responses(seed):
        wave_questions = questions[item.wave_index]
        response = PulseResponse(wave_id=waves[item.wave_index].id,
                                 segment_id=segments[item.wave_index, item.team.name].id, submitted_on=item.day)
        for key, value in item.scores.items():
            response.answers.append(PulseAnswer(question_id=wave_questions[key].id, value_number=value))
        if item.text:
            response.answers.append(PulseAnswer(question_id=wave_questions["one_thing"].id, value_text=item.text))
            comments += 1
        session.add(response)
        responses += 1
    return responses, comments


def _comment(team: Team, wave_index: int, rng: random.Random) -> tuple[str, str, bool]:
    if rng.random() < 0.07:
        return "", "", False
    weights = dict(BASE_WEIGHTS)
    for theme, per_wave in team.focus.items():
        weights[theme] = per_wave[wave_index]
    if team.site == "Cardiff":
        weights["parking"] = PARKING_WEIGHT[wave_index]
    themes = list(weights)
    theme = rng.choices(themes, weights=[weights[t] for t in themes])[0]
    praise = team.praise.get(theme, (DEFAULT_PRAISE,) * 3)[wave_index]
    positive = theme in bank.POSITIVE and rng.random() < praise
    if positive:
        body = rng.choice(bank.POSITIVE[theme]).format(tool=rng.choice(team.tools))
        text = body[0].upper() + body[1:] + rng.choice(bank.POSITIVE_CLOSERS)
    else:
        body = rng.choice(bank.NEGATIVE[theme]).format(tool=rng.choice(team.tools))
        opener = rng.choice(bank.OPENERS)
        text = opener + (body if opener else body[0].upper() + body[1:]) + rng.choice(bank.CLOSERS)
    return text, theme, positive


def _clamp(value: float, low: int, high: int) -> float:
    return float(min(high, max(low, round(value))))


def _scores(team: Team, wave_index: int, theme: str, positive: bool, rng: random.Random) -> dict[str, float]:
    morale = team.morale[wave_index] + rng.gauss(0, 0.8)
    dip = 0.0 if positive else 0.6

    def scale(mean: float) -> float:
        return _clamp(mean + rng.gauss(0, 0.7), 1, 5)

    return {
        "morale": _clamp(morale - (dip if theme == "morale" else 0), 1, 5),
        "enps": _clamp(2.3 * morale - 1.2 + rng.gauss(0, 1.2) - (dip if theme else 0), 0, 10),
        "tools": scale(morale + 0.2 - (1.2 * dip if theme == "tools" else 0)),
        "management_support": scale(morale - 0.3 + (0.8 if positive and theme == "management_support" else 0)
                                    - (1.2 * dip if theme == "management_support" else 0)),
        "workload": scale(morale - (1.2 * dip if theme == "workload" else 0)),
        "recovery_share": _clamp(rng.gauss(55 if theme == "customer_recovery" else 42, 12), 0, 100),
        "feedback_loop": scale(morale - 0.6 - (dip if theme == "voice_of_customer" else 0)),
    }
