"""A quote that names its speaker's industry or site is not shown beside attributes that, with that name, single
the speaker out.

The attacker is an executive who knows every participant's industry, role, channel and site (the HR roster),
reads the page and its CSV after every step of interviews, and reads an industry or site named in a quote as the
speaker's own. The word list here is the test's own, not the library's.
"""

import re
from datetime import date

import pandas as pd
import pytest
from pulse_builders import add_wave, answers
from sqlalchemy import select

from interviews.codebook import code_choices
from interviews.coding import code_quote
from interviews.notes import save_note, start_interview
from interviews.studies import GuideItem, add_participant, create_study, set_guide, update_participant
from research.demo import seed_demo
from research.findings.interview_evidence import QUOTE_COLUMNS, evidence_studies, interview_evidence
from research.privacy.k_anonymity import WITHHELD
from research.privacy.reporting import Thresholds
from research.store.engine import make_engine, session_scope
from research.store.migrate import upgrade
from research.store.models import GuideQuestion, Participant

ATTRIBUTES = QUOTE_COLUMNS[1:]
WORDS = {"banking": r"\bbank", "retail": r"\bretail", "utilities": r"\butilit", "casual dining": r"restaurant|dining",
         "technical support": r"tech(nical)? support", "telecommunications": r"\btelecom|\btelco"}
TESTERS_QUOTE = ("When the score drops we get a huddle about tone, even when customers were angry about the core "
                 "banking screen.")


def candidates(people: pd.DataFrame, row: dict) -> pd.DataFrame:
    """The participants the attacker narrows a shown quote to: its row's attributes and the industries it names."""
    mask = pd.Series(True, index=people.index)
    for column in ATTRIBUTES:
        if row[column] != WITHHELD:
            mask &= people[column] == row[column]
    named = {industry for industry, pattern in WORDS.items() if re.search(pattern, row["Quote"], re.IGNORECASE)}
    if named:
        mask &= people["Industry"].isin(named)
    return people[mask]


def released_truth(session, study_id, count: int) -> pd.DataFrame:
    """The first ``count`` interviewed participants' real attributes (the demo has no withdrawals)."""
    rows = session.execute(select(Participant.industry, Participant.role, Participant.channel)
                           .where(Participant.study_id == study_id, Participant.evidence_place.is_not(None))
                           .order_by(Participant.evidence_place)).all()
    return pd.DataFrame(rows[:count], columns=ATTRIBUTES)


@pytest.fixture(scope="module")
def demo_engine(tmp_path_factory):
    engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('mentions') / 'demo.db'}")
    upgrade(engine)
    with session_scope(engine) as session:
        seed_demo(session=session)
    yield engine
    engine.dispose()


def test_the_testers_quote_no_longer_names_the_one_banking_team_lead(demo_engine):
    with session_scope(demo_engine) as session:
        study_id = next(iter(evidence_studies(session=session)))
        evidence = interview_evidence(session=session, study_id=study_id, theme="tools", thresholds=Thresholds())
        people = released_truth(session, study_id, evidence.participants)
    assert ((people["Industry"] == "banking") & (people["Role"] == "team lead")).sum() == 1  # the case found
    assert TESTERS_QUOTE not in set(evidence.quotes["Quote"])
    row = evidence.quotes[evidence.quotes["Quote"].str.contains("core [industry] screen", regex=False)]
    # the evidence stays and no longer says which industry (nor the role: no step of five holds five team leads)
    assert row.iloc[0].to_dict() == {"Quote": TESTERS_QUOTE.replace("banking", "[industry]"), "Industry": WITHHELD,
                                     "Role": WITHHELD, "Channel": WITHHELD}
    assert len(candidates(people, row.iloc[0].to_dict())) >= 5


@pytest.mark.parametrize("k", [3, 4, 5])
def test_no_demo_quote_narrows_to_fewer_than_k_with_the_industry_it_names(demo_engine, k):
    with session_scope(demo_engine) as session:
        study_id = next(iter(evidence_studies(session=session)))
        for theme in code_choices(session=session):
            evidence = interview_evidence(session=session, study_id=study_id, theme=theme,
                                          thresholds=Thresholds(scores=k), quotes=50)
            people = released_truth(session, study_id, evidence.participants)
            for row in evidence.quotes.to_dict("records"):
                assert len(candidates(people, row)) >= k, (theme, row)


def one_quote_each(session, people: list[tuple[str, str, str, str]]) -> tuple[int, list[str]]:
    """A study of participants (industry, role, site, what they said), interviewed in this order; the quotes
    are coded "tools". Returns the study's id and the participants' codes."""
    study = create_study(session=session, title="Mentions study", purpose="Tools")
    set_guide(session=session, study_id=study.id, items=[GuideItem("Tools?")])
    return study.id, interview(session, study.id, people)


def interview(session, study_id: int, people: list[tuple[str, str, str, str]]) -> list[str]:
    """Interview more participants of the study, in this order; returns their codes."""
    question = session.scalar(select(GuideQuestion.id).where(GuideQuestion.study_id == study_id))
    codes = []
    for industry, role, site, said in people:
        p = add_participant(session=session, study_id=study_id, industry=industry, role=role, channel="phone",
                            site=site, consent_given=True)
        held = start_interview(session=session, study_id=study_id, participant_id=p.id, interviewer="ana",
                               held_on=None)
        body = f"{said} ({p.code})"
        note = save_note(session=session, interview_id=held.id, editor="ana", guide_question_id=question,
                         body=body).note_id
        code_quote(session=session, note_id=note, quote=body, codes=["tools"], coder="ana")
        codes.append(p.code)
    session.flush()
    return codes


def said_by(evidence, code: str) -> dict:
    rows = evidence.quotes[evidence.quotes["Quote"].str.endswith(f"({code})")]
    assert len(rows) == 1
    return rows.iloc[0].to_dict()


def test_a_named_industry_or_site_stays_only_where_enough_share_it(session):
    people = ([("telecommunications", "agent", "Leeds", "The telecom CRM is slow")] * 6
              + [("retail", "agent", "Leeds", "Our retail till freezes")] * 8
              + [("banking", "team lead", "Cardiff", "The bank's screen freezes in Cardiff")])
    study_id, codes = one_quote_each(session, people)  # 15 interviewed: three steps of 5
    evidence = interview_evidence(session=session, study_id=study_id, theme="tools", thresholds=Thresholds(),
                                  quotes=20)
    assert evidence.participants == 15
    # the one banking team lead (and the one Cardiff participant): neither the industry nor the site is said
    assert said_by(evidence, codes[14])["Quote"] == f"The [industry] screen freezes in [site] ({codes[14]})"
    # eight retail agents, but never five in one step (four in the second, four in the third, with the banking
    # team lead): a quote first seen after a step is one of its five, so "retail" is replaced in every one
    assert said_by(evidence, codes[13]) == {"Quote": f"Our [industry] till freezes ({codes[13]})",
                                            "Industry": WITHHELD, "Role": WITHHELD, "Channel": "phone"}
    assert said_by(evidence, codes[6])["Quote"] == f"Our [industry] till freezes ({codes[6]})"
    # the first step was five telecom agents, shown as such then and now: naming telecom narrows no further
    assert said_by(evidence, codes[0]) == {"Quote": f"The telecom CRM is slow ({codes[0]})",
                                           "Industry": "telecommunications", "Role": "agent", "Channel": "phone"}
    truth = pd.DataFrame([(i, r, "phone") for i, r, _, _ in people], columns=ATTRIBUTES)
    for row in evidence.quotes.to_dict("records"):
        assert len(candidates(truth, row)) >= 5, row


def test_naming_another_industry_does_not_pin_the_quote_on_its_people(session):
    people = ([("retail", "agent", "Leeds", "Our retail till freezes")] * 4
              + [("retail", "agent", "Leeds", "Ask the bank people, their screen is worse")]
              + [("banking", "agent", "Leeds", "Our screen is slow")] * 5)
    study_id, codes = one_quote_each(session, people)
    evidence = interview_evidence(session=session, study_id=study_id, theme="tools", thresholds=Thresholds(),
                                  quotes=20)
    # industry shown (5 retail, 5 banking): "retail" beside a quote naming the bank is no banking person
    assert said_by(evidence, codes[4]) == {"Quote": f"Ask the [industry] people, their screen is worse ({codes[4]})",
                                           "Industry": "retail", "Role": "agent", "Channel": "phone"}


def test_a_quote_is_judged_among_the_people_of_its_own_step(session):
    # the first step of five holds two banking agents; the second brings four more. The executive who read the
    # page after the first step knows the quote is one of those five, so "bank" would narrow it to two.
    first = [("banking", "agent", "Leeds", "The bank screen freezes")] * 2 + [
        ("retail", "agent", "Leeds", "Tills freeze")] * 3
    second = [("banking", "agent", "Leeds", "Slow screens")] * 4 + [("retail", "agent", "Leeds", "Tills freeze")]
    study_id, codes = one_quote_each(session, first)
    early = interview_evidence(session=session, study_id=study_id, theme="tools", thresholds=Thresholds(),
                               quotes=20)
    assert said_by(early, codes[0])["Quote"] == f"The [industry] screen freezes ({codes[0]})"
    later_codes = interview(session, study_id, second)
    later = interview_evidence(session=session, study_id=study_id, theme="tools", thresholds=Thresholds(),
                               quotes=20)
    assert later.participants == 10
    assert said_by(later, codes[0])["Quote"] == f"The [industry] screen freezes ({codes[0]})"  # still replaced
    assert said_by(later, later_codes[0])["Quote"] == f"Slow screens ({later_codes[0]})"


def test_a_quotes_words_never_change_as_later_steps_come_or_as_people_move(session):
    """An outside review: a word kept after one step and replaced after the next ("At the bank" then "At the
    [industry]") links the two looks and narrows the speaker to those of the later row with that industry; and
    judged by the current site, moving each step-mate away in turn flipped "In Leeds" only for the speaker."""
    study_id, codes = one_quote_each(session, [("retail", "agent", "York", "Tills freeze")] * 4
                                     + [("retail", "agent", "Leeds", "Tills freeze")] * 2
                                     + [("banking", "agent", "Leeds", "The bank screen freezes")]
                                     + [("retail", "agent", "Leeds", "In Leeds the screen freezes")]
                                     + [("retail", "agent", "Leeds", "Tills freeze")] * 2)

    def said() -> tuple[str, str]:
        evidence = interview_evidence(session=session, study_id=study_id, theme="tools", thresholds=Thresholds(),
                                      quotes=20)
        return said_by(evidence, codes[6])["Quote"], said_by(evidence, codes[7])["Quote"]

    first = said()  # the second step's five are all in Leeds, and one of them is in banking
    assert first == (f"The [industry] screen freezes ({codes[6]})", f"In Leeds the screen freezes ({codes[7]})")
    interview(session, study_id, [("banking", "agent", "Leeds", "Slow screens")] * 5)  # banking now common
    assert said() == first
    for code in codes[5:10]:
        person = session.scalar(select(Participant).where(Participant.code == code))
        update_participant(session=session, participant_id=person.id, values={"site": "York"})
        session.flush()
        assert said() == first, code
        update_participant(session=session, participant_id=person.id, values={"site": "Leeds"})



def test_an_own_role_or_any_pulse_team_named_is_replaced_where_it_would_single_out(session):
    add_wave(session, "Pulse", date(2026, 11, 2), {("Kestrel", "Leeds", "phone", "retail"): answers(1)})
    people = ([("retail", "agent", "Leeds", "The till freezes")] * 4
              + [("retail", "team lead", "Leeds", "As a team lead I get the complaints")]
              + [("retail", "agent", "Leeds", "Kestrel has it worst")])
    study_id, codes = one_quote_each(session, people[:5] + people[5:] * 5)  # ten: two steps of five
    evidence = interview_evidence(session=session, study_id=study_id, theme="tools", thresholds=Thresholds(),
                                  quotes=20)
    # roles are withheld (one team lead among retail agents); the quote saying it would name the one
    lead = said_by(evidence, codes[4])
    assert lead["Role"] == WITHHELD and lead["Quote"] == f"As a [role] I get the complaints ({codes[4]})"
    # participants have no team, so a pulse team's name can never be counted: replaced
    assert said_by(evidence, codes[5])["Quote"] == f"[team] has it worst ({codes[5]})"


def test_a_site_recorded_after_the_first_note_is_looked_for_too(session):
    """An outside review: words were looked for only among the values frozen with the places, so a site
    corrected after the first note ("Cardiff") was kept, and the current roster pinned the quote."""
    study_id, codes = one_quote_each(session, [("retail", "agent", "Leeds", "Tills freeze")] * 7
                                     + [("retail", "agent", "Leeds", "Here in Cardiff the screen freezes")]
                                     + [("retail", "agent", "Leeds", "Tills freeze")] * 2)
    speaker = session.scalar(select(Participant).where(Participant.code == codes[7]))
    update_participant(session=session, participant_id=speaker.id, values={"site": "Cardiff"})
    session.flush()
    evidence = interview_evidence(session=session, study_id=study_id, theme="tools", thresholds=Thresholds(),
                                  quotes=20)
    assert said_by(evidence, codes[7])["Quote"] == f"Here in [site] the screen freezes ({codes[7]})"
