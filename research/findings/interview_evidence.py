"""What interviews say about a theme, beside the pulse numbers: who raised it by industry, and quotes.

Interview participants are pseudonymous (P07) and their notes were
pseudonymised on save, but that does not make a quote anonymous: in a study of
two dozen agents most are the only one with their industry, role and channel,
so those attributes beside a quote would name its speaker. Quotes therefore
carry only the attributes :func:`research.privacy.k_anonymity.k_anonymous_attributes`
releases for the study's participants at the score threshold (every shown
combination is shared by at least that many participants), and no participant
code, which would link each person's quotes across themes and, where codes
follow the interview schedule, point to them. Which participants are quoted
and the order of the rows do not depend on the codes either.

The breakdown by industry uses the same industry groups as the quotes:
industries with fewer participants than the threshold are pooled (with
complementary suppression), so "only banking raised this" cannot narrow an
unattributed quote to a handful of people. Withdrawn participants are never
counted or shown.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from interviews.code_reports import code_quotes
from research.privacy.k_anonymity import WITHHELD, k_anonymous_attributes
from research.privacy.reporting import Thresholds
from research.store.models import Code, Excerpt, ExcerptCode, Interview, InterviewNote, Participant, Study

# The participant attributes shown beside a quote, most worth keeping first (channel is withheld first).
SHOWN = (("Industry", "industry"), ("Role", "role"), ("Channel", "channel"))
QUOTE_COLUMNS = ["Quote", *(column for column, _ in SHOWN)]
OTHER_INDUSTRIES = "other industries"
ALL_INDUSTRIES = "all industries"


@dataclass(frozen=True)
class InterviewEvidence:
    study: str
    code_name: str
    by_industry: pd.DataFrame  # industry, participants, raised, share; small industries pooled
    quotes: pd.DataFrame  # Quote, Industry, Role, Channel; an attribute not shown is blank
    participants: int
    raised: int
    threshold: int  # the fewest participants a shown attribute combination describes

    @property
    def sentence(self) -> str:
        if not self.participants:
            return "No interviews in this study yet."
        return (f"{self.raised} of {self.participants} interviewed agents raised {self.code_name.lower()} "
                f"in {self.study}.")

    @property
    def note(self) -> str:
        return (f"Beside each quote, industry, role and channel are shown only as far as at least "
                f"{self.threshold} interviewed agents of this study share them; participants' codes are not shown.")


def evidence_studies(*, session: Session) -> dict[int, str]:
    return dict(session.execute(select(Study.id, Study.title).order_by(Study.starts_on.desc(), Study.id.desc())).all())


def released_participants(*, session: Session, study_id: int, thresholds: Thresholds) -> pd.DataFrame:
    """The study's participants who may be counted (not withdrawn), with the attributes quotes may show.

    Indexed by participant id; a ``code`` column (for joining, never for showing) and the
    ``SHOWN`` columns, released at ``thresholds.scores`` participants.
    """
    people = session.execute(
        select(Participant.id, Participant.code, *(getattr(Participant, a) for _, a in SHOWN))
        .where(Participant.study_id == study_id, Participant.withdrawn_on.is_(None))
        .order_by(Participant.id)
    ).all()
    frame = pd.DataFrame(people, columns=["id", "code", *(column for column, _ in SHOWN)]).set_index("id")
    shown = k_anonymous_attributes(frame, [column for column, _ in SHOWN], thresholds.scores)
    return pd.concat([frame[["code"]], shown], axis=1)


def _raisers(session: Session, study_id: int, code: Code | None) -> set[int]:
    """Participants with an excerpt coded with the code or one of its sub-codes (as the quotes are)."""
    if code is None:
        return set()
    family = [code.id, *session.scalars(select(Code.id).where(Code.parent_id == code.id))]
    return set(session.scalars(
        select(Interview.participant_id).distinct()
        .join(InterviewNote, InterviewNote.interview_id == Interview.id)
        .join(Excerpt, Excerpt.note_id == InterviewNote.id)
        .join(ExcerptCode, ExcerptCode.excerpt_id == Excerpt.id)
        .where(Interview.study_id == study_id, ExcerptCode.code_id.in_(family))))


def _by_industry(people: pd.DataFrame, raisers: set[int]) -> pd.DataFrame:
    """Participants and raisers per released industry; the withheld ones pooled in one row."""
    pooled = OTHER_INDUSTRIES if (people["Industry"] != WITHHELD).any() else ALL_INDUSTRIES
    groups = people["Industry"].where(people["Industry"] != WITHHELD, pooled)
    table = pd.DataFrame({"industry": groups, "raised": people.index.isin(list(raisers))})
    table = (table.groupby("industry", sort=True)["raised"].agg(participants="size", raised="sum")
             .reset_index().astype({"participants": int, "raised": int}))
    table["share"] = table["raised"] / table["participants"]
    return table[["industry", "participants", "raised", "share"]]


def _order(*parts: str) -> str:
    """A fixed order of quotes that says nothing about who gave them (unlike the order of participant codes)."""
    return hashlib.sha256("\0".join(parts).encode("utf-8")).hexdigest()


def _pick(found: pd.DataFrame, quotes: int) -> list[tuple[str, str]]:
    """Up to ``quotes`` (quote, participant code) pairs: at most one per participant and per wording."""
    pairs = sorted(zip(found["Quote"], found["Participant"]), key=lambda pair: (_order(pair[0]), _order(*pair)))
    picked: list[tuple[str, str]] = []
    people: set[str] = set()
    texts: set[str] = set()
    for quote, participant in pairs:
        if len(picked) == quotes:
            break
        if participant not in people and quote not in texts:
            picked.append((quote, participant))
            people.add(participant)
            texts.add(quote)
    return picked


def interview_evidence(*, session: Session, study_id: int, theme: str, thresholds: Thresholds,
                       quotes: int = 6) -> InterviewEvidence:
    """Who raised a theme in a study, by industry, and up to ``quotes`` quotes (one per participant).

    Everything passes ``thresholds.scores`` as participants: see the module docstring.
    """
    code = session.scalar(select(Code).where(Code.key == theme))
    study = session.get(Study, study_id)
    name = code.name if code else theme
    people = released_participants(session=session, study_id=study_id, thresholds=thresholds)
    raisers = _raisers(session, study_id, code) & set(people.index)
    table = _by_industry(people, raisers) if len(people) else pd.DataFrame(
        columns=["industry", "participants", "raised", "share"])
    found = code_quotes(session=session, study_id=study_id, code_key=theme) if code else pd.DataFrame()
    shown = pd.DataFrame(columns=QUOTE_COLUMNS)
    if not found.empty:
        attributes = people.set_index("code")[[column for column, _ in SHOWN]]
        picked = _pick(found[found["Participant"].isin(attributes.index)], quotes)
        if picked:
            shown = pd.DataFrame([{"Quote": quote, **attributes.loc[participant].to_dict()}
                                  for quote, participant in picked], columns=QUOTE_COLUMNS)
            shown = shown.sort_values(QUOTE_COLUMNS[1:] + ["Quote"]).reset_index(drop=True)
    by_industry = table.sort_values(["share", "industry"], ascending=[False, True]).reset_index(drop=True)
    return InterviewEvidence(study.title if study else "", name, by_industry, shown, len(people), len(raisers),
                             thresholds.scores)
