"""Interview evidence moves only in steps of k interviewed agents, and shows nothing below k.

The attacker is an executive who knows the interview calendar (who is interviewed when) and reads the
evidence page after every interview. Before this rule, "0 of 3 interviewed agents raised tools" became
"1 of 4" with a new quote the day Dan was interviewed, so Dan said it; and a one-person study showed
"1 of 1" with that person's quote.
"""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from interviews.coding import code_quote
from interviews.notes import save_note, start_interview
from interviews.studies import GuideItem, ParticipantRef, add_participant, create_study, set_guide, withdraw_participant
from research.findings.interview_evidence import interview_evidence, interviewed_in_order
from research.privacy.reporting import Thresholds

K = 5  # the default score threshold, FRONTLINE_MIN_GROUP_SIZE


@pytest.fixture
def session(engine):
    with Session(engine) as session:
        yield session
        session.rollback()


class Study:
    """A study the test interviews people in, one at a time, as a researcher does."""

    def __init__(self, session: Session, title: str = "Calendar study"):
        self.session = session
        self.id = create_study(session=session, title=title, purpose="Tools").id
        self.question = set_guide(session=session, study_id=self.id,
                                  items=[GuideItem("Do you have the tools you need?")])[0].id

    def recruit(self, industry: str = "retail") -> ParticipantRef:
        return add_participant(session=self.session, study_id=self.id, industry=industry, role="agent",
                               channel="chat", site="Leeds", consent_given=True)

    def interview(self, person: ParticipantRef, *, tools: bool) -> str:
        """Save the person's answer (coded "tools" when they raised it); return what they said."""
        interview = start_interview(session=self.session, study_id=self.id, participant_id=person.id,
                                    interviewer="ana", held_on=None)
        body = (f"The screen {person.code} uses freezes every morning." if tools
                else f"My manager helps {person.code} every week.")
        note = save_note(session=self.session, interview_id=interview.id, editor="ana",
                         guide_question_id=self.question, body=body).note_id
        code_quote(session=self.session, note_id=note, quote=body, codes=["tools" if tools else "management_support"],
                   coder="ana")
        self.session.flush()
        return body

    def read(self):
        """What the executive sees for the theme tools: the sentence, the breakdown and the quotes."""
        evidence = interview_evidence(session=self.session, study_id=self.id, theme="tools",
                                      thresholds=Thresholds(scores=K), quotes=50)
        return evidence, (evidence.sentence, evidence.participants, evidence.raised,
                          tuple(evidence.by_industry.itertuples(index=False)), frozenset(evidence.quotes["Quote"]))


def test_reading_after_every_interview_never_tells_who_said_what(session):
    study = Study(session)
    said = {}
    # three agents who do not raise tools, then Dan, who does: the reported attack
    raises = [False, False, False, True, False, True, True, False, False, True, True, False, True]
    seen = [study.read()[1]]
    changed_at = []
    for number, tools in enumerate(raises, start=1):
        person = study.recruit()
        said[person.code] = study.interview(person, tools=tools)
        evidence, view = study.read()
        if view != seen[-1]:
            changed_at.append(number)
        seen.append(view)
        assert evidence.participants == K * (number // K)  # only whole steps of k interviewed agents
        if number < K:
            assert evidence.participants == 0 and evidence.raised == 0
            assert evidence.quotes.empty and evidence.by_industry.empty
            assert "not enough interviews yet" in evidence.sentence.lower()
    # Dan's interview (the fourth) changed nothing the executive can read
    assert seen[4] == seen[3] == seen[0]
    # the page changed only when a step of k agents filled: every change is at least k interviews apart
    assert changed_at == [5, 10]
    # and each step's new quotes come from k newly released agents together
    assert seen[5][4] == frozenset({said["P04"]}) and seen[5][1:3] == (5, 1)
    assert seen[10][4] == frozenset(said[c] for c in ("P04", "P06", "P07", "P10")) and seen[10][1:3] == (10, 4)
    assert seen[13] == seen[10]


def test_a_study_under_k_shows_no_count_and_no_quote(session):
    study = Study(session, "One-person study")
    study.interview(study.recruit(), tools=True)
    evidence, _ = study.read()
    assert evidence.participants == 0 and evidence.raised == 0
    assert evidence.quotes.empty and evidence.by_industry.empty
    assert "1 of 1" not in evidence.sentence
    assert evidence.sentence.startswith("Not enough interviews yet to show without identifying people")
    for _ in range(K - 2):
        study.interview(study.recruit(), tools=True)
    assert study.read()[0].quotes.empty  # four of five: still nothing


def test_agents_are_released_in_the_order_they_were_interviewed_not_recruited(session):
    study = Study(session, "Recruited first")
    people = [study.recruit() for _ in range(K + 1)]  # P01..P06 recruited up front
    order = [people[5], *people[:4], people[4]]  # P06 is interviewed first, P05 last
    said = {p.code: study.interview(p, tools=True) for p in order}
    evidence, _ = study.read()
    assert evidence.participants == K
    assert set(evidence.quotes["Quote"]) == {said[p.code] for p in order[:K]}  # not P05, the sixth interviewed
    # a second interview or a later note of a released agent does not move anyone's place
    study.interview(people[0], tools=False)
    assert interviewed_in_order(session=session, study_id=study.id) == [p.id for p in order]


def test_recruiting_without_interviewing_changes_nothing(session):
    study = Study(session, "Recruits")
    for _ in range(K):
        study.interview(study.recruit(), tools=True)
    before = study.read()[1]
    for _ in range(3):
        study.recruit()  # on the calendar, not yet interviewed
    assert study.read()[1] == before


def test_withdrawn_agents_never_count_and_a_step_under_k_shows_nothing(session):
    study = Study(session, "Withdrawals")
    people = [study.recruit() for _ in range(K)]
    for person in people:
        study.interview(person, tools=True)
    assert study.read()[0].participants == K
    withdraw_participant(session=session, participant_id=people[2].id, actor="ana")
    evidence, _ = study.read()
    assert evidence.participants == 0 and evidence.quotes.empty  # four left: under k, nothing is shown
    assert people[2].id not in interviewed_in_order(session=session, study_id=study.id)
