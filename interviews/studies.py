"""Read access to interview studies for the researcher pages."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from research.store.models import Interview, Participant, Study


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
            Study.title, Study.starts_on, Study.ends_on,
            func.coalesce(participants.c.participants, 0), func.coalesce(interviews.c.interviews, 0),
        )
        .outerjoin(participants, participants.c.study_id == Study.id)
        .outerjoin(interviews, interviews.c.study_id == Study.id)
        .order_by(Study.starts_on.desc(), Study.title)
    ).all()
    return pd.DataFrame(rows, columns=["Study", "Starts", "Ends", "Participants", "Interviews"])
