from collections import Counter
from datetime import date

import pandas as pd
import pytest
from sqlalchemy import select

from research.demo import seed_demo
from research.findings.actions import actions_table, due_note, published_actions
from research.store.engine import make_engine, session_scope
from research.store.models import (
    Action,
    Interview,
    Participant,
    PulseAnswer,
    PulseQuestion,
    PulseResponse,
    PulseSegment,
    PulseWave,
    Study,
)


@pytest.fixture
def seeded(engine):
    with session_scope(engine) as session:
        result = seed_demo(session=session)
    assert result.created
    return engine, result


def answers_frame(engine) -> pd.DataFrame:
    with session_scope(engine) as session:
        rows = session.execute(
            select(PulseWave.opens_on, PulseSegment.team, PulseSegment.site, PulseQuestion.key,
                   PulseAnswer.value_number, PulseAnswer.value_text)
            .join(PulseResponse, PulseResponse.id == PulseAnswer.response_id)
            .join(PulseSegment, PulseSegment.id == PulseResponse.segment_id)
            .join(PulseWave, PulseWave.id == PulseResponse.wave_id)
            .join(PulseQuestion, PulseQuestion.id == PulseAnswer.question_id)
        ).all()
    frame = pd.DataFrame(rows, columns=["opens_on", "team", "site", "key", "number", "text"])
    frame["wave"] = frame["opens_on"].rank(method="dense").astype(int)
    return frame


def test_demo_has_the_study_and_waves_the_product_promises(seeded):
    engine, result = seeded
    with session_scope(engine) as session:
        industries = Counter(session.scalars(select(Participant.industry)))
        assert session.query(Interview).count() >= 24
        assert session.query(PulseWave).count() == 4
        teams = set(session.scalars(select(PulseSegment.team)))
        study = session.scalar(select(Study))
        assert len(study.guide) >= 5
        # every interviewed agent holds a place for interview evidence, in the order they were noted
        places = [p.evidence_place for p in sorted(study.participants, key=lambda p: min(n.id for i in p.interviews
                                                                                      for n in i.notes))]
        assert places == list(range(1, len(places) + 1)) and len(places) == 24
    assert set(industries) == {"retail", "banking", "casual dining", "utilities", "technical support",
                               "telecommunications"}
    assert len(teams) == 8
    assert result.try_token
    assert 550 <= result.counts["comments"] <= 700
    assert set(result.new_passwords) == {"admin", "researcher", "executive"}


def test_demo_actions_answer_the_waves_that_raised_them(engine):
    """An executive opening the demo saw no "you said, we did" anywhere: each action is now dated after the wave
    that raised its theme, which is its baseline, and agents see only the published ones."""
    with session_scope(engine) as session:
        seed_demo(session=session, today=date(2026, 12, 6))
        table = actions_table(session=session)
        baselines = dict(session.execute(select(Action.title, PulseWave.title)
                                         .join(PulseWave, PulseWave.id == Action.baseline_wave_id)).all())
        shown = published_actions(session=session)
    hiring = table[table["What"].str.startswith("Hire")].iloc[0]
    assert baselines[hiring["What"]] == "Pulse wave 2 (July 2026)" and hiring["Recorded on"] == date(2026, 7, 28)
    assert due_note(hiring["Due"], hiring["Status"], today=date(2026, 12, 6)) == "overdue since 30 September 2026"
    assert baselines[table["What"].iloc[0]] == "Pulse wave 3 (Customer Service Week, October 2026)"
    assert set(table["Theme"]) == {"Manager and leadership", "Career growth and training", "Workload and staffing",
                                   "Tools and systems"}
    assert len(shown) == 3 and not any(a.title == hiring["What"] for a in shown)
    assert all(a.status != "planned" for a in shown)


def test_seeding_again_changes_nothing_and_shows_no_passwords(seeded):
    engine, _ = seeded
    with session_scope(engine) as session:
        again = seed_demo(session=session)
        assert session.query(PulseResponse).count() == 648
    assert not again.created and again.new_passwords == {}


def test_demo_is_deterministic(seeded, tmp_path):
    engine, _ = seeded
    other = make_engine(f"sqlite:///{tmp_path / 'other.db'}")
    from research.store.migrate import upgrade

    upgrade(other)
    with session_scope(other) as session:
        seed_demo(session=session)
    first, second = answers_frame(engine), answers_frame(other)
    columns = ["wave", "team", "key", "number", "text"]
    key = lambda f: sorted(map(tuple, f[columns].astype(str).values.tolist()))  # noqa: E731
    assert key(first) == key(second)


def test_planted_trends_are_in_the_data(seeded):
    frame = answers_frame(seeded[0])
    means = frame.dropna(subset=["number"]).groupby(["team", "key", "wave"])["number"].mean()
    assert means["Utilities Billing", "tools", 3] < means["Utilities Billing", "tools", 1] - 0.7
    retention = means["Telecom Retention", "management_support"]
    assert retention[3] > retention[1] + 0.8
    assert means["Tech Support L1", "morale", 3] < means["Tech Support L1", "morale", 1] - 0.7
    texts = frame.dropna(subset=["text"])
    parking = texts[texts["text"].str.contains("park", case=False)]
    assert set(parking["site"]) == {"Cardiff"} and set(parking["wave"]) == {2, 3}
    billing = texts[(texts.team == "Utilities Billing")]
    tool_share = billing.groupby("wave")["text"].apply(lambda s: s.str.contains("billing system|CRM").mean())
    assert tool_share[3] > tool_share[1] + 0.2


def test_every_demo_comment_reads_as_english_with_each_teams_tools():
    """Each tool is a noun phrase with its article ("the CRM"), so a template must not put another before it."""
    import re

    from research.demo import comments as bank
    from research.demo.seed import TEAMS

    tools = {tool for team in TEAMS for tool in team.tools}
    templates = [t for bank_ in (bank.POSITIVE, bank.NEGATIVE) for ts in bank_.values() for t in ts]
    doubled = [t.format(tool=tool) for t in templates for tool in tools
               if re.search(r"\b(the|a|an|new|our) (the|a|an)\b", t.format(tool=tool), re.IGNORECASE)]
    assert doubled == []
