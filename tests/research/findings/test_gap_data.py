"""The lean gap reads give exactly what research.analysis.gaps gives, and read no text a page may not quote."""

import random
from datetime import date

import pandas as pd
import pytest
from pulse_builders import add_wave, answers
from sqlalchemy import delete, select, update

from research.analysis.gaps import analysed_comments, theme_gaps
from research.codebook import DEFAULT_CODEBOOK
from research.findings import gap_data
from research.findings.gap_data import gap_table, gaps_and_quotes, quotable_comments
from research.findings.gap_findings import gap_findings
from research.findings.representative import analysed_up_to
from research.privacy.reporting import Thresholds, releasable_rows
from research.store.engine import session_scope
from research.store.models import AnalysisJob, Code, PulseAnswer, PulseQuestion, PulseResponse, TextAnalysis

THEMES = [c.key for c in DEFAULT_CODEBOOK][:5] + ["other", ""]
WORDS = ("billing system", "rota", "pay rise", "knowledge base", "team lead", "breaks")
TEAMS = {"Alpha": 14, "Bravo": 11, "Charlie": 3, "Delta": 7, "Echo": 26, "Foxtrot": 2}


def _wave(session, rng: random.Random, index: int, opens_on: date) -> int:
    """A wave of uneven teams, each answer drawn at random; a few morale answers are NULL, a few responses
    skip eNPS, and some people answer a second free-text question."""
    groups = {(team, "Leeds" if i % 2 else "Cardiff", "phone", "retail"):
              answers(n + rng.randrange(3)) for i, (team, n) in enumerate(TEAMS.items())}
    for sets in groups.values():
        for values in sets:
            values.update(morale=rng.choice([1, 2, 3, 4, 5, None]), enps=rng.randrange(11))
            if rng.random() < 0.1:
                del values["enps"]
    wave_id = add_wave(session, f"Wave {index}", opens_on, groups)
    extra = PulseQuestion(wave_id=wave_id, position=99, key="more", kind="text", prompt="Anything else?",
                          required=False)
    session.add(extra)
    session.flush()
    for response in session.scalars(select(PulseResponse).where(PulseResponse.wave_id == wave_id)):
        if rng.random() < 0.3:
            session.add(PulseAnswer(response_id=response.id, question_id=extra.id, value_text="and more"))
    return wave_id


def _analyse(session, rng: random.Random) -> int:
    """A succeeded job over every free-text answer, themes and sentiment at random (ties in sentiment too)."""
    job = AnalysisJob(status="succeeded", stage="done", requested_by="test")
    session.add(job)
    session.flush()
    texts = session.scalars(select(PulseAnswer).where(PulseAnswer.value_text.is_not(None))).all()
    for n, answer in enumerate(texts):
        answer.value_text = f"the {rng.choice(WORDS)} and the {rng.choice(WORDS)} {n % 7}"
        session.add(TextAnalysis(job_id=job.id, answer_id=answer.id, theme=rng.choice(THEMES),
                                 topic=rng.randrange(-1, 4), sentiment=rng.choice([-0.5, 0.0, rng.uniform(-1, 1)])))
    session.flush()
    return job.id


@pytest.fixture
def analysed(engine):
    rng = random.Random(16)
    with session_scope(engine) as session:
        waves = [_wave(session, rng, i, date(2026, 1 + 3 * i, 5)) for i in range(3)]
        waves.append(_wave(session, rng, 3, date(2026, 7, 5)))  # two waves open on the same day
        job_id = _analyse(session, rng)
    return engine, job_id, waves


def _same_rows(new: pd.DataFrame, old: pd.DataFrame) -> None:
    """Equal up to row order (PostgreSQL returns the reference's rows in no set order)."""
    key = ["response_id", "text", "theme", "sentiment"]
    pd.testing.assert_frame_equal(new.sort_values(key).reset_index(drop=True),
                                  old.sort_values(key).reset_index(drop=True), check_dtype=False)


def _same_gaps(new: pd.DataFrame, old: pd.DataFrame) -> None:
    """Equal; the change between two waves opening on the same day is left out, since their order is that of
    the comments, which PostgreSQL returns in no set order."""
    if old.empty:
        assert new.empty
        return
    order = ["theme", "opens_on", "wave_id"]
    new, old = new.sort_values(order).reset_index(drop=True), old.sort_values(order).reset_index(drop=True)
    tied = old["opens_on"].map(old.groupby("opens_on")["wave_id"].nunique()) > 1
    new.loc[tied, "change"] = old.loc[tied, "change"] = 0.0
    pd.testing.assert_frame_equal(new, old, check_exact=False, rtol=1e-12)


@pytest.mark.parametrize("limits", [Thresholds(), Thresholds(2, 3), Thresholds(5, 12), Thresholds(40, 10)])
def test_the_gap_table_and_the_quotable_comments_are_those_of_the_reference(analysed, limits):
    engine, job_id, _ = analysed
    with session_scope(engine) as session:
        reference = analysed_comments(session=session, job_id=job_id)
        expected = theme_gaps(session=session, job_id=job_id, thresholds=limits)
        gaps = gap_table(session=session, job_id=job_id, thresholds=limits)
        _same_rows(gap_data.analysed_comments(session=session, job_id=job_id), reference)
        _same_gaps(gaps, expected)
        for day in sorted(set(reference["opens_on"])):
            quoted = quotable_comments(session=session, job_id=job_id, thresholds=limits, opens_on=day)
            released = releasable_rows(reference[reference["opens_on"] == day], by="team", parent="wave_id",
                                       threshold=limits.comments, people="response_id")
            _same_rows(quoted, released)
            facts = gap_data.comment_facts(session=session, job_id=job_id)
            pd.testing.assert_frame_equal(quotable_comments(session=session, job_id=job_id, thresholds=limits,
                                                            opens_on=day, facts=facts), quoted)
    assert len(expected) > 0 or limits.scores == 40


def test_two_waves_opening_the_same_day_are_never_pooled_to_reach_the_comment_threshold(analysed):
    """An insider review: a team of six in each of two imported waves opening the same day was quoted, its words
    and its name, as a team of twelve; a person answers each wave, so each wave's team is its own group."""
    engine, job_id, _ = analysed
    day, limits = date(2026, 7, 5), Thresholds()
    with session_scope(engine) as session:
        reference = analysed_comments(session=session, job_id=job_id)
        quoted = quotable_comments(session=session, job_id=job_id, thresholds=limits, opens_on=day)
    that_day = reference[reference["opens_on"] == day]
    people = that_day.groupby(["wave_id", "team"])["response_id"].nunique().unstack(0)
    pooled_only = set(people.index[(people.max(axis=1) < limits.comments) & (people.sum(axis=1) >= limits.comments)])
    assert "Delta" in pooled_only  # the case: under the threshold in each wave, over it in the two together
    assert not pooled_only & set(quoted["team"])
    assert (quoted.groupby(["wave_id", "team"])["response_id"].nunique() >= limits.comments).all()


def test_a_kept_gap_table_is_computed_again_when_an_answer_or_a_theme_name_changes(analysed):
    engine, job_id, _ = analysed
    limits = Thresholds()
    with session_scope(engine) as session:
        first = gap_table(session=session, job_id=job_id, thresholds=limits)
        first["share"] = 0.0  # the caller's copy: the kept table is not changed through it
        kept = gap_table(session=session, job_id=job_id, thresholds=limits)
        _same_gaps(kept, theme_gaps(session=session, job_id=job_id, thresholds=limits))
        morale = select(PulseQuestion.id).where(PulseQuestion.key == "morale")
        session.execute(delete(PulseAnswer).where(PulseAnswer.question_id.in_(morale.scalar_subquery()),
                                                  PulseAnswer.value_number >= 4))
        session.execute(update(Code).where(Code.key == kept["theme"].iloc[0]).values(name="Renamed"))
        after = gap_table(session=session, job_id=job_id, thresholds=limits)
        expected = theme_gaps(session=session, job_id=job_id, thresholds=limits)
    _same_gaps(after, expected)
    assert "Renamed" in set(after["name"]) and not after["morale_diff"].equals(kept["morale_diff"])


def test_only_the_quotable_teams_text_is_read(analysed, monkeypatch):
    engine, job_id, waves = analysed
    read = []
    original = gap_data._comment_rows

    def spy(session, job_id, *, text, **only):
        rows = original(session, job_id, text=text, **only)
        if text:
            read.append(rows)
        return rows

    monkeypatch.setattr(gap_data, "_comment_rows", spy)
    with session_scope(engine) as session:
        gaps, quoted = gaps_and_quotes(session=session, job_id=job_id, thresholds=Thresholds(), wave_id=waves[1])
        _, latest = gaps_and_quotes(session=session, job_id=job_id, thresholds=Thresholds())
    texts = read[0]
    # Charlie (3 to 5 people), Foxtrot (2 to 4) and Delta (7 to 9) are each under 10.
    assert set(texts["team"]) == set(quoted["team"]) == {"Alpha", "Bravo", "Echo"}
    assert set(quoted["opens_on"]) == {gaps["opens_on"].max()} == {date(2026, 4, 5)}
    # Two waves opening on the same day are two groups to the threshold: Delta's 7 to 9 people in each are not
    # quoted, though the two waves together hold 14 to 18 responses (a person answers each wave).
    assert set(latest["team"]) == {"Alpha", "Bravo", "Echo"} and len(set(latest["wave_id"])) == 2


def test_findings_read_lean_are_those_read_from_every_comment(analysed):
    engine, job_id, waves = analysed
    limits = Thresholds()
    with session_scope(engine) as session:
        reference = analysed_comments(session=session, job_id=job_id)
        every = theme_gaps(session=session, job_id=job_id, thresholds=limits)
        second = waves[1]
        gaps, quoted = gaps_and_quotes(session=session, job_id=job_id, thresholds=limits, wave_id=second)
        old_gaps, old_comments = analysed_up_to(session=session, gaps=every, comments=reference, wave_id=second)
        _same_gaps(gaps, old_gaps)
        for kind in ("morale", "tooling"):
            lean = gap_findings(session=session, job_id=job_id, thresholds=limits, kind=kind)
            full = gap_findings(session=session, job_id=job_id, thresholds=limits, kind=kind, gaps=every,
                                comments=reference)
            assert [_plain(f) for f in lean] == [_plain(f) for f in full]
            up_to = gap_findings(session=session, job_id=job_id, thresholds=limits, kind=kind, gaps=gaps,
                                 comments=quoted)
            assert [_plain(f) for f in up_to] == [_plain(f) for f in gap_findings(
                session=session, job_id=job_id, thresholds=limits, kind=kind, gaps=old_gaps, comments=old_comments)]


def _plain(finding) -> dict:
    fields = dict(vars(finding))
    fields["trend"] = fields["trend"].to_dict("list")
    fields["phrases"] = sorted(fields["phrases"])  # ties among equally frequent phrases follow row order
    return fields


def test_a_theme_is_ranked_once_when_two_waves_open_the_same_day_in_the_wave_where_it_is_worst(analysed):
    """Two sites' waves imported for one day listed every gap twice (and the gaps page drew one chart per theme)."""
    engine, job_id, waves = analysed
    limits = Thresholds(2, 2)
    with session_scope(engine) as session:
        every = theme_gaps(session=session, job_id=job_id, thresholds=limits)
        latest = every[every["opens_on"] == every["opens_on"].max()]
        assert latest["wave_id"].nunique() == 2 and latest["theme"].duplicated().any()  # the case
        for kind in ("morale", "tooling"):
            found = gap_findings(session=session, job_id=job_id, thresholds=limits, kind=kind, top=20)
            # each theme once, judged in the wave where it is worst; one its comments there praise is no gap
            worst = latest[latest["kind"] == kind].sort_values(
                ["negative_share", "share", "wave_id"], ascending=[False, False, True]).drop_duplicates("theme")
            assert len({f.theme for f in found}) == len(found) == int((worst["mean_sentiment"] < 0).sum())
            for finding in found:
                rows = latest[latest["theme"] == finding.theme]
                assert finding.negative_share == rows["negative_share"].max()
                assert finding.wave in set(rows.loc[rows["negative_share"] == rows["negative_share"].max(), "wave"])
