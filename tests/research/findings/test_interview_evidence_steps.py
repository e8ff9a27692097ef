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
from interviews.notes import EVIDENCE_ATTRIBUTES, save_note, start_interview
from interviews.studies import (
    GuideItem,
    ParticipantRef,
    add_participant,
    create_study,
    set_guide,
    update_participant,
    withdraw_participant,
)
from research.findings.interview_evidence import (
    SHOWN,
    interview_evidence,
    interviewed_in_order,
    released_participants,
)
from research.privacy.reporting import Thresholds
from research.store.models import Participant

K = 5  # the default score threshold, FRONTLINE_MIN_GROUP_SIZE


class Study:
    """A study the test interviews people in, one at a time, as a researcher does."""

    def __init__(self, session: Session, title: str = "Calendar study"):
        self.session = session
        self.id = create_study(session=session, title=title, purpose="Tools").id
        self.question = set_guide(session=session, study_id=self.id,
                                  items=[GuideItem("Do you have the tools you need?")])[0].id

    def recruit(self, industry: str = "retail", role: str = "agent") -> ParticipantRef:
        return add_participant(session=self.session, study_id=self.id, industry=industry, role=role,
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


@pytest.mark.parametrize("steps", [1, 2])
def test_a_withdrawal_never_lets_a_waiting_agent_take_the_place(session, steps):
    """The reported swap: a released agent withdraws while another waits to be counted.

    Their notes are erased, so an order read from notes dropped them and the first agent waiting moved up:
    the withdrawn agent's quotes vanished and the newcomer's (whom the calendar names) appeared in one change.
    """
    study = Study(session, f"Swap {steps}")
    released = [study.recruit() for _ in range(K * steps)]
    said = {p.code: study.interview(p, tools=True) for p in released}
    waiting = study.recruit()
    said[waiting.code] = study.interview(waiting, tools=True)  # the sixth (or eleventh): not yet counted
    thresholds = Thresholds(scores=K)
    before, _ = study.read()
    assert before.participants == K * steps and said[waiting.code] not in set(before.quotes["Quote"])

    gone = released[2]
    withdraw_participant(session=session, participant_id=gone.id, actor="ana")
    after, after_view = study.read()
    assert said[waiting.code] not in set(after.quotes["Quote"])
    counted = released_participants(session=session, study_id=study.id, thresholds=thresholds)
    # the first step leaves with the withdrawn agent: its four others would otherwise be four candidates for
    # each of its quotes, and the one quote that went would be the withdrawn agent's
    assert set(counted.index) == {p.id for p in released[K:]}
    if steps == 1:  # no whole step left: nothing at all
        assert after.withheld and after.quotes.empty
    else:
        assert (after.participants, after.raised) == (before.participants - K, before.raised - K)
        assert set(after.quotes["Quote"]) == {said[p.code] for p in released[K:]}

    # the withdrawn agent still fills their place: the next step opens after k - 1 more interviews, as before
    later = [study.recruit() for _ in range(K - 1)]
    for person in later[:-1]:
        study.interview(person, tools=True)
    assert study.read()[1] == after_view
    assert waiting.id not in released_participants(session=session, study_id=study.id, thresholds=thresholds).index
    study.interview(later[-1], tools=True)
    final, _ = study.read()
    assert final.participants == K * steps  # the new step; the first stays out
    assert said[waiting.code] in set(final.quotes["Quote"])


def test_a_withdrawal_with_nobody_waiting_takes_out_that_agents_step_only(session):
    study = Study(session, "Nobody waiting")
    people = [study.recruit() for _ in range(2 * K)]
    said = {p.code: study.interview(p, tools=True) for p in people}
    withdraw_participant(session=session, participant_id=people[-1].id, actor="ana")
    evidence, _ = study.read()
    assert evidence.participants == K  # the first step stays whole; the second leaves with the withdrawn agent
    assert set(evidence.quotes["Quote"]) == {said[p.code] for p in people[:K]}


def _shown(study: Study) -> tuple:
    """Everything the executive reads, attributes beside each quote included."""
    evidence, _ = study.read()
    return (evidence.sentence, evidence.by_industry.to_dict("records"),
            sorted(map(tuple, evidence.quotes.fillna("").to_numpy().tolist())))


def test_editing_a_released_agents_attributes_changes_no_evidence(session):
    """The reported attack: P09 moves from banking to retail; "raised by industry" moved by one (banking 2 to 1,
    retail 2 to 3) and the Industry beside their quote changed, singling the quote out to whoever knew of the move.
    Evidence now reads the attributes frozen with each place."""
    assert {attribute for _, attribute in SHOWN} <= set(EVIDENCE_ATTRIBUTES)
    study = Study(session, "Team moves")
    people = [study.recruit(industry, role) for industry, role in
              zip(["retail"] * 7 + ["banking"] * 8, ["agent", "lead"] * 8, strict=False)]
    for number, person in enumerate(people):
        study.interview(person, tools=number in (1, 8, 9))
    before = _shown(study)
    assert any(row[1] == "retail" for row in before[2])  # the quotes do show industry
    for person in (people[8], people[1], people[11]):  # released raisers, and one still waiting (the 12th)
        update_participant(session=session, participant_id=person.id,
                           values={"industry": "retail" if person != people[1] else "banking", "role": "manager",
                                   "channel": "phone"})
    assert _shown(study) == before
    # the waiting agent is released with the attributes they had when interviewed
    for _ in range(3):
        study.interview(study.recruit("banking"), tools=False)
    counted = released_participants(session=session, study_id=study.id, thresholds=Thresholds(scores=K))
    assert session.get(Participant, people[11].id).evidence_attributes["industry"] == "banking"
    assert counted.loc[people[11].id, "Industry"] == "banking"  # their step is five banking agents
    # a withdrawal erases the frozen copy with every other attribute
    withdraw_participant(session=session, participant_id=people[8].id, actor="ana")
    assert session.get(Participant, people[8].id).evidence_attributes is None


def test_a_released_agents_second_interview_is_read_live(session):
    """Not defended (README): notes and coding of released agents are read as they are, so a second interview
    that raises a theme moves the count by one and adds that quote at once."""
    study = Study(session, "Second interviews")
    people = [study.recruit() for _ in range(K)]
    for person in people:
        study.interview(person, tools=False)
    assert study.read()[0].raised == 0
    said = study.interview(people[2], tools=True)
    evidence, _ = study.read()
    assert evidence.raised == 1 and set(evidence.quotes["Quote"]) == {said}
