"""What interviews say about a theme, beside the pulse numbers: who raised it by industry, and quotes.

Interview participants are pseudonymous (P07) and their notes were
pseudonymised on save, but that does not make a quote anonymous: in a study of
two dozen agents most are the only one with their industry, role and channel,
so those attributes beside a quote would name its speaker. Quotes therefore
carry only the attributes :func:`research.privacy.k_anonymity.k_anonymous_by_steps`
releases for the study's participants at the score threshold (every shown
combination is shared by at least that many participants, and by everyone
released in the speaker's step, so a reader who compares the page after each
step narrows a quote to that step and no further), and no participant
code, which would link each person's quotes across themes and, where codes
follow the interview schedule, point to them. Which participants are quoted
and the order of the rows do not depend on the codes either.

A quote's own words can name what the columns withhold ("angry about the core
banking screen" beside "team lead", in a study with one banking team lead). An
industry or site a quote names (or a role it says is the speaker's own: "as a team
lead") is read as one more attribute of its speaker
(:mod:`research.privacy.mentions`): it stays only if at least ``k`` of the
participants released in the speaker's step share both it and the row shown
beside the quote, the speaker among them; otherwise it is replaced with
``[industry]``, ``[site]`` or ``[role]`` (a pulse team's name, which
participants are not recorded with, always is). Judging among the speaker's own step, not
everyone released now, means a reader who saw the quote then learns no more
when later steps make the industry common, and the judgement never flips.

The breakdown by industry uses the same industry groups as the quotes:
industries with fewer participants than the threshold are pooled (with
complementary suppression), so "only banking raised this" cannot narrow an
unattributed quote to a handful of people. Withdrawn participants are never
counted or shown.

Evidence also moves only in steps of that many interviewed agents. An
executive who knows the interview calendar and reads the page after every
interview would otherwise see "0 of 3 raised tools" become "1 of 4", with a
new quote, the day Dan was interviewed. So each interviewed participant holds
a place, given once when their first note is saved
(:func:`interviews.notes.give_evidence_place`), and of the study's ``n``
places only the first ``k * (n // k)`` count (``k`` the score threshold): the
places only ever append (a later note or interview keeps a person's place;
recruiting someone adds nobody), so the released set grows by ``k`` people at
a time. A withdrawn participant keeps their place: their answers are erased
and they count nowhere, but nobody waiting moves up into the step, which
would pair the withdrawn agent's answers with a newcomer the calendar names;
and the rest of their step leaves the evidence with them, so the change is a
whole step's and never shows which quote or count was theirs.
Under ``k`` released agents nothing is shown, not even how many. The
attributes evidence counts and shows are those frozen with each place
(``Participant.evidence_attributes``), so editing a released participant
moves nothing. What still moves by one person (later notes or coding of
released agents, such as a second interview) is listed in README's "What is
not defended".
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from interviews.code_reports import code_quotes
from research.analysis.gaps import alike, first_distinct
from research.privacy.k_anonymity import WITHHELD, k_anonymous_by_steps
from research.privacy.mentions import MentionFinder, unless_singled_out
from research.privacy.reporting import Thresholds
from research.store.models import (
    Code,
    Excerpt,
    ExcerptCode,
    Interview,
    InterviewNote,
    Participant,
    PulseSegment,
    Study,
)

# The participant attributes shown beside a quote, most worth keeping first (channel is withheld first).
SHOWN = (("Industry", "industry"), ("Role", "role"), ("Channel", "channel"))
QUOTE_COLUMNS = ["Quote", *(column for column, _ in SHOWN)]
BY_INDUSTRY_COLUMNS = ["industry", "participants", "raised", "share"]
NOT_ENOUGH = ("Not enough interviews yet to show without identifying people: a study's evidence appears once {k} "
              "agents have been interviewed, and then takes in newly interviewed agents only {k} at a time.")
OTHER_INDUSTRIES = "other industries"
ALL_INDUSTRIES = "all industries"


@dataclass(frozen=True)
class InterviewEvidence:
    study: str
    code_name: str
    by_industry: pd.DataFrame  # industry, participants, raised, share; small industries pooled
    quotes: pd.DataFrame  # Quote, Industry, Role, Channel; an attribute not shown is blank
    participants: int  # the released agents: whole steps of ``threshold`` places no one left; 0 under it
    raised: int
    threshold: int  # the fewest participants a shown attribute combination describes

    @property
    def withheld(self) -> bool:
        """Too few interviewed agents to show anything (none at all included: the two look the same)."""
        return not self.participants

    @property
    def sentence(self) -> str:
        if self.withheld:
            return NOT_ENOUGH.format(k=self.threshold)
        return (f"{self.raised} of {self.participants} interviewed agents raised {self.code_name.lower()} "
                f"in {self.study}.")

    @property
    def quote_table(self) -> pd.DataFrame:
        """The quotes with only the attribute columns that show something beside at least one of them, and no two
        alike: three participants' "... angry about the billing system / the core banking screen / the ticketing
        tool" read as one quote three times (an outside walk)."""
        shown = self.quotes.iloc[first_distinct(self.quotes["Quote"].tolist(), alike)]
        return shown[["Quote", *(c for c in QUOTE_COLUMNS[1:] if (shown[c] != WITHHELD).any())]]

    @property
    def note(self) -> str:
        return (f"Beside each quote, industry, role and channel are shown only as far as at least "
                f"{self.threshold} interviewed agents of this study share them, and everyone interviewed in the "
                f"same step of {self.threshold} as the speaker does (so comparing this page over time narrows "
                f"no one further); a column with nothing to show is left out. Participants' codes are not shown. "
                f"An industry, site or own role a quote names counts as shown: where fewer than {self.threshold} "
                f"of the speaker's step share it, the name reads [industry], [site] or [role].")


def evidence_studies(*, session: Session) -> dict[int, str]:
    return dict(session.execute(select(Study.id, Study.title).order_by(Study.starts_on.desc(), Study.id.desc())).all())


def evidence_places(*, session: Session, study_id: int) -> list[tuple[int, bool]]:
    """(participant id, withdrew) of everyone of the study who holds a place (has had a note), in place order.

    Places are given with a participant's first note and kept through a withdrawal
    (:func:`interviews.notes.give_evidence_place`), so a newly interviewed participant always comes last and
    nobody else moves, whoever withdraws.
    """
    rows = session.execute(
        select(Participant.id, Participant.withdrawn_on)
        .where(Participant.study_id == study_id, Participant.evidence_place.is_not(None))
        .order_by(Participant.evidence_place, Participant.id)
    ).all()
    return [(participant, withdrawn is not None) for participant, withdrawn in rows]


def interviewed_in_order(*, session: Session, study_id: int) -> list[int]:
    """Ids of the study's interviewed participants not withdrawn, in the order of their places."""
    return [participant for participant, withdrew in evidence_places(session=session, study_id=study_id)
            if not withdrew]


def _as_frozen(frozen: dict | None, attribute: str, current: str | None) -> str:
    """An attribute as frozen with the participant's place; the current one only where none was frozen.

    Every place is given with its copy (:func:`interviews.notes.give_evidence_place`, migration 0018 for older
    ones), so the current value is read only for a row written outside the application, or for the site of a
    place given before sites were frozen with it.
    """
    value = frozen[attribute] if frozen and attribute in frozen else current
    return str(value or "")


def _frozen(frozen: dict | None, current: tuple) -> list[str]:
    """The ``SHOWN`` attributes as frozen with the participant's place (see :func:`_as_frozen`)."""
    return [_as_frozen(frozen, attribute, value) for (_, attribute), value in zip(SHOWN, current)]


def released_participants(*, session: Session, study_id: int, thresholds: Thresholds) -> pd.DataFrame:
    """The study's participants who may be counted, with the attributes quotes may show.

    The first ``k * (n // k)`` of the study's ``n`` places (:func:`evidence_places`, ``k = thresholds.scores``),
    in whole steps of ``k``, less every step someone withdrew from: a withdrawn participant still fills their
    place, so nobody waiting moves in, and their step's other people leave the evidence with them, since
    a reader who knows who withdrew would otherwise narrow the step's remaining quotes to fewer than ``k``
    people, and see which quote and count went with the one who left. Indexed by participant
    id; ``code`` and ``step`` columns (for joining and judging, never for showing) and the ``SHOWN`` columns,
    released at ``k`` participants a whole step at a time (:func:`k_anonymous_by_steps`), as frozen with each place
    (``evidence_attributes``), so editing a released participant's attributes moves no count and changes
    nothing beside their quotes.
    """
    k = thresholds.scores
    places = evidence_places(session=session, study_id=study_id)
    counted = places[:k * (len(places) // k)]
    left = {index // k for index, (_, withdrew) in enumerate(counted) if withdrew}
    step = {participant: index // k for index, (participant, _) in enumerate(counted) if index // k not in left}
    people = session.execute(
        select(Participant.id, Participant.code, Participant.evidence_attributes,
               *(getattr(Participant, a) for _, a in SHOWN))
        .where(Participant.id.in_(list(step)))
        .order_by(Participant.id)
    ).all() if step else []
    frame = pd.DataFrame([(row[0], row[1], step[row[0]], *_frozen(row[2], row[3:])) for row in people],
                         columns=["id", "code", "step", *(column for column, _ in SHOWN)]).set_index("id")
    shown = k_anonymous_by_steps(frame, [column for column, _ in SHOWN], k, list(frame["step"]))
    return pd.concat([frame[["code", "step"]], shown], axis=1)


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
    return table[BY_INDUSTRY_COLUMNS]


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


def _unless_singled_out(session: Session, study_id: int, people: pd.DataFrame,
                        picked: list[tuple[str, str]], k: int) -> list[str]:
    """The picked quotes' texts, each with the industry, site or own role it names (or any pulse team) replaced
    where, together with the attributes shown beside it, that would narrow it to fewer than ``k`` participants
    (:func:`research.privacy.mentions.unless_singled_out`).

    Industry, role and site are those frozen with the place (a site frozen before sites were, the current one),
    so a later move never flips a word; the words looked for are every value the study's participants have or
    had at their place, so naming someone else's industry, or a site recorded since, is caught too. Each quote
    is judged among the participants released in its speaker's step (the ``step`` column of ``people``): a
    quote first seen after a step is one of that step's people's, whom the calendar names, so an executive who
    read the page then keeps that candidate set, and the judgement never changes as later steps come.
    """
    everyone = session.execute(select(Participant.id, Participant.evidence_attributes, Participant.industry,
                                      Participant.role, Participant.site).where(Participant.study_id == study_id)).all()
    looked = pd.DataFrame([(i, *(_as_frozen(frozen, a, current) for a, current in
                                 (("industry", industry), ("role", role), ("site", site))))
                           for i, frozen, industry, role, site in everyone],
                          columns=["id", "industry", "role", "site"]).set_index("id")
    # Participants have no team: a pulse team a quote names can never be counted, so it is always replaced.
    teams = set(session.scalars(select(PulseSegment.team).distinct()))
    # Words are looked for among the values people have now as well as those frozen with their places: a site
    # filled in or corrected after the first note ("Cardiff") is what a reader of the current roster knows.
    current = {attribute: {str(row[position] or "") for row in everyone}
               for attribute, position in (("industry", 2), ("role", 3), ("site", 4))}
    finder = MentionFinder({attribute: set(looked[attribute]) | current[attribute]
                            for attribute in ("industry", "role", "site")} | {"team": teams})
    ids = dict(zip(people["code"], people.index))
    shown = people[[column for column, _ in SHOWN]]
    step_mates = {step: list(members) for step, members in people.groupby("step").groups.items()}
    return [unless_singled_out(quote, speaker=ids[participant],
                               people=looked.loc[step_mates[people.at[ids[participant], "step"]]],
                               shown=shown, finder=finder, k=k) for quote, participant in picked]


def interview_evidence(*, session: Session, study_id: int, theme: str, thresholds: Thresholds,
                       quotes: int = 6) -> InterviewEvidence:
    """Who raised a theme in a study, by industry, and up to ``quotes`` quotes (one per participant).

    Everything passes ``thresholds.scores`` as participants and moves only in steps of that many
    interviewed agents (or by a withdrawal, which takes out a whole step); under it nothing is shown: see the
    module docstring.
    """
    code = session.scalar(select(Code).where(Code.key == theme))
    study = session.get(Study, study_id)
    name = code.name if code else theme
    people = released_participants(session=session, study_id=study_id, thresholds=thresholds)
    if len(people) < thresholds.scores:
        return InterviewEvidence(study.title if study else "", name, pd.DataFrame(columns=BY_INDUSTRY_COLUMNS),
                                 pd.DataFrame(columns=QUOTE_COLUMNS), 0, 0, thresholds.scores)
    raisers = _raisers(session, study_id, code) & set(people.index)
    table = _by_industry(people, raisers)
    found = code_quotes(session=session, study_id=study_id, code_key=theme) if code else pd.DataFrame()
    shown = pd.DataFrame(columns=QUOTE_COLUMNS)
    if not found.empty:
        attributes = people.set_index("code")[[column for column, _ in SHOWN]]
        picked = _pick(found[found["Participant"].isin(attributes.index)], quotes)
        if picked:
            said = _unless_singled_out(session, study_id, people, picked, thresholds.scores)
            shown = pd.DataFrame([{"Quote": text, **attributes.loc[participant].to_dict()}
                                  for text, (_, participant) in zip(said, picked)], columns=QUOTE_COLUMNS)
            shown = shown.sort_values(QUOTE_COLUMNS[1:] + ["Quote"]).reset_index(drop=True)
    by_industry = table.sort_values(["share", "industry"], ascending=[False, True]).reset_index(drop=True)
    return InterviewEvidence(study.title if study else "", name, by_industry, shown, len(people), len(raisers),
                             thresholds.scores)
