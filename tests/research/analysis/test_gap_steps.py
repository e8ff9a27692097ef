"""Gap comparisons move only in steps: re-running the analysis with one comment moved reads no one's class."""

from datetime import date

import pytest
from sqlalchemy import String, cast, select

from research.analysis.gap_steps import Span, member, record_gap_groups, steps_apart
from research.analysis.gaps import theme_gaps
from research.findings.gap_data import gap_table
from research.privacy.reporting import Thresholds
from research.store.engine import session_scope
from research.store.models import (
    AnalysisJob,
    GapGroup,
    PulseAnswer,
    PulseQuestion,
    PulseResponse,
    PulseSegment,
    TextAnalysis,
)
from tests.pulse_builders import add_wave, answers

FIVE = Thresholds(scores=5, comments=10)
# Thirty agents of one closed wave: ten promoters, ten passives, ten detractors, in no set order of comments.
SCORES = answers(10, enps=10) + answers(10, enps=8) + answers(10, enps=2)
FIRST = ["pay"] * 5 + ["tools"] * 5 + ["pay"] * 5 + ["tools"] * 5 + ["pay"] * 5 + ["tools"] * 4 + ["pay"]
TARGET = 29  # the one comment moved, coded "pay" in the first analysis


@pytest.fixture
def comments(engine) -> list:
    """The answer ids of the wave's thirty comments, in the order of SCORES."""
    with session_scope(engine) as session:
        wave_id = add_wave(session, "October", date(2026, 10, 5), {"Billing": SCORES})
        return list(session.scalars(select(PulseAnswer.id).join(PulseQuestion)
                                    .where(PulseQuestion.wave_id == wave_id, PulseQuestion.key == "one_thing")
                                    .order_by(PulseAnswer.id)))


def analyse(engine, comments, themes, recorded=True) -> int:
    """A succeeded job that gave the comments these themes, recorded as the worker records one (or, not
    ``recorded``, as a job that ran before the record existed)."""
    with session_scope(engine) as session:
        job = AnalysisJob(status="succeeded")
        session.add(job)
        session.flush()
        session.add_all(TextAnalysis(job_id=job.id, answer_id=a, theme=t, topic=0, sentiment=-0.5)
                        for a, t in zip(comments, themes))
        session.flush()
        if recorded:
            record_gap_groups(session=session, job_id=job.id, step=FIVE.scores)
        return job.id


def enps_gaps(engine, job_id) -> dict[str, float | None]:
    with session_scope(engine) as session:
        lean = gap_table(session=session, job_id=job_id, thresholds=FIVE)
        full = theme_gaps(session=session, job_id=job_id, thresholds=FIVE)
    assert lean[["theme", "enps_diff"]].equals(full[["theme", "enps_diff"]])  # both paths withhold alike
    return {t: None if d != d else round(d, 3) for t, d in zip(full["theme"], full["enps_diff"])}


def test_moving_one_comment_between_themes_withholds_both_comparisons(engine, comments):
    """The recipe of an insider review: recode the target's comment, re-run, and compare the two analyses'
    eNPS differences to read the class of the one person moved."""
    first = enps_gaps(engine, analyse(engine, comments, FIRST))
    moved = [*FIRST[:TARGET], "tools"]
    second = enps_gaps(engine, analyse(engine, comments, moved))
    assert first["pay"] is not None and first["tools"] is not None
    assert second == {"pay": None, "tools": None}

    # Five moved together (the target among them) are a step: the figures show again, as do the first ones.
    five = ["tools" if i in (0, 1, 2, 3, TARGET) else t for i, t in enumerate(FIRST)]
    assert enps_gaps(engine, analyse(engine, comments, five))["pay"] is not None
    assert enps_gaps(engine, analyse(engine, comments, FIRST)) == first
    # And the target moved back alone, against the step just shown, is withheld again.
    assert enps_gaps(engine, analyse(engine, comments, [*five[:TARGET], "pay"]))["pay"] is None


def test_a_new_code_that_takes_a_theme_and_one_more_comment_is_withheld(engine, comments):
    """A code worded like an existing one can take all its comments and the target's: the new theme's group is one
    person from the old theme's."""
    first = enps_gaps(engine, analyse(engine, comments, FIRST))
    taken = ["pay_again" if t == "pay" and i != TARGET else t for i, t in enumerate(FIRST)]
    assert enps_gaps(engine, analyse(engine, comments, taken)) == {"pay": None, "pay_again": None,
                                                                   "tools": first["tools"]}


def test_the_first_job_after_the_upgrade_is_checked_against_the_job_shown_before_it(engine, comments):
    analyse(engine, comments, FIRST, recorded=False)  # shown before migration 0025
    assert enps_gaps(engine, analyse(engine, comments, [*FIRST[:TARGET], "tools"])) == {"pay": None, "tools": None}


def test_the_record_keeps_members_hashed_and_each_group_once(engine, comments):
    analyse(engine, comments, FIRST)
    analyse(engine, comments, FIRST)
    with session_scope(engine) as session:
        rows = session.execute(select(GapGroup.theme, GapGroup.released, GapGroup.members)).all()
        ids = list(session.scalars(select(cast(PulseAnswer.response_id, String))
                                   .where(PulseAnswer.id.in_(comments))))
    assert sorted((theme, released) for theme, released, _ in rows) == [("", True)] * 2 + [("pay", True)] * 2 \
        + [("tools", True)] * 2
    stored = [m for *_, m in rows if m is not None]
    assert len(stored) == 3  # the second job's groups repeat the first's
    assert not any(i in m for m in stored for i in ids)
    assert {member(i) for i in ids} == set("\n".join(m for m in stored if m.count("\n") == 29).split("\n"))


def test_steps_apart_compares_members_only_where_sizes_are_close():
    a, b = frozenset("abcdef"), frozenset("abcdefg")
    assert steps_apart(a, [a], 5) and not steps_apart(b, [a], 5)
    assert steps_apart(frozenset("abcdefghijk"), [a], 5)  # five more
    assert steps_apart(frozenset("uvwxyz"), [a], 5)  # twelve apart, though of one size


def test_a_theme_made_of_two_shown_themes_and_one_more_comment_is_withheld(engine, comments):
    """An insider review's construction: each earlier group is six or more people from the new one, but the new
    group's figure minus the two earlier ones is the one comment added."""
    themes = ["pay"] * 5 + ["tools"] * 5 + ["training"] + ["workload"] * 19  # training: one, never compared
    first = enps_gaps(engine, analyse(engine, comments, themes))
    assert first["pay"] is not None and first["tools"] is not None and first["training"] is None
    merged = ["morale"] * 11 + ["workload"] * 19  # pay, tools and the training comment
    assert enps_gaps(engine, analyse(engine, comments, merged)) == {"morale": None, "workload": first["workload"]}


def test_the_span_tells_a_person_read_alone_from_a_group_of_them():
    people = frozenset(f"p{i}" for i in range(30))
    first, second = frozenset(f"p{i}" for i in range(5)), frozenset(f"p{i}" for i in range(5, 10))
    span = Span(people)
    for group in (people, first, second):
        span.add(group)
    assert span.isolates(first | second | {"p20"})
    assert not span.isolates(first | frozenset(f"p{i}" for i in range(20, 26)))  # six others: a group of six
    assert not span.isolates(first | second)  # already known as the sum of the two


def test_a_theme_that_is_a_whole_team_and_one_more_agent_is_withheld(engine):
    """The heatmap shows each team's eNPS: a code that catches all of one team's comments and one more reads
    that one agent's class beside it."""
    with session_scope(engine) as session:
        wave_id = add_wave(session, "Two teams", date(2026, 10, 5), {"Alpha": answers(10, enps=10),
                                                                     "Beta": answers(20, enps=3)})
        comments = list(session.scalars(
            select(PulseAnswer.id).join(PulseQuestion).join(PulseResponse).join(PulseSegment)
            .where(PulseQuestion.wave_id == wave_id, PulseQuestion.key == "one_thing")
            .order_by(PulseSegment.team, PulseAnswer.id)))  # Alpha's ten first
    alpha_and_one = ["tools"] * 11 + ["pay"] * 19
    assert enps_gaps(engine, analyse(engine, comments, alpha_and_one)) == {"tools": None, "pay": None}
    alpha_and_five = ["tools"] * 15 + ["pay"] * 15
    assert enps_gaps(engine, analyse(engine, comments, alpha_and_five))["tools"] is not None


def test_past_its_share_of_different_groups_a_wave_shows_only_groups_already_shown(engine, comments, monkeypatch):
    from research.analysis import gap_steps

    monkeypatch.setattr(gap_steps, "MAX_SHOWN_GROUPS", 3)  # everyone, pay and tools of the first analysis
    first = enps_gaps(engine, analyse(engine, comments, FIRST))
    five = ["tools" if i in (0, 1, 2, 3, TARGET) else t for i, t in enumerate(FIRST)]
    assert enps_gaps(engine, analyse(engine, comments, five)) == {"pay": None, "tools": None}
    assert enps_gaps(engine, analyse(engine, comments, FIRST)) == first


def test_a_comparison_whose_raisers_lost_an_erased_comment_waits_for_the_next_analysis(engine, comments, tmp_path):
    """An insider review's recipe: a briefing before an erasure and one after, with no new analysis, differ by
    the erased raiser alone and give their eNPS class."""
    from research.pulse.retention import erase_comments
    from research.settings import load_settings

    job_id = analyse(engine, comments, FIRST)
    before = enps_gaps(engine, job_id)
    assert before["pay"] is not None and before["tools"] is not None
    with session_scope(engine) as session:  # the target answered a day before the rest, under the cut-off
        target = session.get(PulseAnswer, comments[TARGET]).response
        target.submitted_on = date(2026, 10, 1)
        erase_comments(session=session, before=date(2026, 10, 2), actor="cli:root",
                       settings=load_settings({"FRONTLINE_DATA_DIR": str(tmp_path)}))
    with session_scope(engine) as session:
        assert session.get(PulseAnswer, comments[TARGET]) is None

    assert enps_gaps(engine, job_id) == {"pay": None, "tools": before["tools"]}
    # The next analysis records the groups as they now are, and checks them against the ones shown.
    assert enps_gaps(engine, analyse(engine, comments[:TARGET], FIRST[:TARGET]))["pay"] is None
