"""Read access to pulse waves for the researcher pages."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from research.store.models import PulseLink, PulseQuestion, PulseResponse, PulseSegment, PulseWave


def waves_table(*, session: Session) -> pd.DataFrame:
    """One row per wave: dates, question, segment and response counts, and the response rate (totals only).

    The rate is responses over the segments' headcount; without headcounts, over invites sent.
    """
    def counted(column, key):
        return select(key, func.count(column).label("n")).group_by(key).subquery()

    questions = counted(PulseQuestion.id, PulseQuestion.wave_id)
    segments = counted(PulseSegment.id, PulseSegment.wave_id)
    responses = counted(PulseResponse.id, PulseResponse.wave_id)
    headcount = select(PulseSegment.wave_id, func.sum(PulseSegment.headcount).label("n")).group_by(
        PulseSegment.wave_id).subquery()
    invites = select(PulseLink.wave_id, func.count(PulseLink.id).label("n")).where(PulseLink.kind == "invite").group_by(
        PulseLink.wave_id).subquery()
    rows = session.execute(
        select(
            PulseWave.title, PulseWave.opens_on, PulseWave.closes_on,
            func.coalesce(questions.c.n, 0), func.coalesce(segments.c.n, 0), func.coalesce(responses.c.n, 0),
            func.coalesce(headcount.c.n, invites.c.n),
        )
        .outerjoin(questions, questions.c.wave_id == PulseWave.id)
        .outerjoin(segments, segments.c.wave_id == PulseWave.id)
        .outerjoin(responses, responses.c.wave_id == PulseWave.id)
        .outerjoin(headcount, headcount.c.wave_id == PulseWave.id)
        .outerjoin(invites, invites.c.wave_id == PulseWave.id)
        .order_by(PulseWave.opens_on)
    ).all()
    table = pd.DataFrame(rows, columns=["Wave", "Opens", "Closes", "Questions", "Segments", "Responses", "Invited"])
    invited = table["Invited"].astype("Float64")
    table["Response rate"] = (table["Responses"] / invited.where(invited > 0)).round(2)
    return table.drop(columns="Invited")


def wave_choices(*, session: Session) -> dict[int, str]:
    """Wave ids to titles, newest first, for pickers."""
    return dict(session.execute(select(PulseWave.id, PulseWave.title).order_by(PulseWave.opens_on.desc())).all())


def latest_reportable_wave(*, session: Session, threshold: int) -> int | None:
    """The newest wave with at least ``threshold`` responses: what the dashboard opens on."""
    counts = select(PulseResponse.wave_id, func.count(PulseResponse.id).label("n")).group_by(
        PulseResponse.wave_id).subquery()
    return session.scalar(
        select(PulseWave.id).join(counts, counts.c.wave_id == PulseWave.id).where(counts.c.n >= threshold)
        .order_by(PulseWave.opens_on.desc()).limit(1)
    )


@dataclass(frozen=True)
class QuestionView:
    """A wave's question as the pulse page shows and checks it: the columns, without the ORM object behind them."""

    id: int
    position: int
    key: str
    kind: str
    prompt: str
    scale_min: int | None
    scale_max: int | None
    required: bool


def wave_questions(*, session: Session, wave_id: int) -> list[QuestionView]:
    """The wave's questions in the order agents see them, as plain values a page may keep after its session."""
    rows = session.scalars(select(PulseQuestion).where(PulseQuestion.wave_id == wave_id)
                           .order_by(PulseQuestion.position, PulseQuestion.id))
    return [QuestionView(q.id, q.position, q.key, q.kind, q.prompt, q.scale_min, q.scale_max, q.required)
            for q in rows]
