"""What interviews say about a theme, beside the pulse numbers: code frequency by industry and quotes.

Interview participants are pseudonymous (P07) and their notes were
pseudonymised on save; they are not anonymous pulse respondents, so the pulse
thresholds do not apply, but quotes show only the participant code and
attributes, never who they are.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from interviews.code_reports import code_frequencies, code_quotes
from research.store.models import Code, Study


@dataclass(frozen=True)
class InterviewEvidence:
    study: str
    code_name: str
    by_industry: pd.DataFrame  # industry, participants, raised, share
    quotes: pd.DataFrame  # Quote, Participant, Industry, Role, Channel
    participants: int
    raised: int

    @property
    def sentence(self) -> str:
        if not self.participants:
            return "No interviews in this study yet."
        return (f"{self.raised} of {self.participants} interviewed agents raised {self.code_name.lower()} "
                f"in {self.study}.")


def evidence_studies(*, session: Session) -> dict[int, str]:
    return dict(session.execute(select(Study.id, Study.title).order_by(Study.starts_on.desc(), Study.id.desc())).all())


def interview_evidence(*, session: Session, study_id: int, theme: str, quotes: int = 6) -> InterviewEvidence:
    code = session.scalar(select(Code).where(Code.key == theme))
    study = session.get(Study, study_id)
    name = code.name if code else theme
    frequencies = code_frequencies(session=session, study_id=study_id, by="industry")
    raised = frequencies[name] if name in frequencies.columns else pd.Series(0, index=frequencies.index)
    table = pd.DataFrame({"industry": frequencies.index, "participants": frequencies["Participants"].values,
                          "raised": raised.values})
    table["share"] = table["raised"] / table["participants"]
    found = code_quotes(session=session, study_id=study_id, code_key=theme) if code else pd.DataFrame()
    if not found.empty:
        found = (found.drop_duplicates("Participant")[["Quote", "Participant", "Industry", "Role", "Channel"]]
                 .head(quotes).reset_index(drop=True))
    return InterviewEvidence(study.title if study else "", name, table.sort_values("share", ascending=False)
                             .reset_index(drop=True), found, int(table["participants"].sum()), int(raised.sum()))
