"""On the demo data, the gap functions find what the demo generator planted."""

import pytest

from research.analysis.gaps import (
    alike,
    distinct_quotes,
    first_distinct,
    ranked_gaps,
    representative_quotes,
    theme_gaps,
)
from research.privacy.reporting import Thresholds
from research.store.engine import session_scope


@pytest.fixture
def analysed(analysed_demo):
    return analysed_demo


def test_ranked_gaps_put_the_planted_problems_near_the_top(analysed):
    engine, job_id = analysed
    with session_scope(engine) as session:
        gaps = theme_gaps(session=session, job_id=job_id, thresholds=Thresholds())
    tooling = ranked_gaps(gaps, kind="tooling")["theme"].tolist()
    morale = ranked_gaps(gaps, kind="morale")["theme"].tolist()
    assert "tools" in tooling[:2]
    assert "workload" in morale[:3]
    tools = gaps[gaps["theme"] == "tools"].sort_values("opens_on")
    assert tools["share"].iloc[-1] > tools["share"].iloc[0]


def test_comparisons_and_quotes_respect_the_thresholds(analysed):
    engine, job_id = analysed
    with session_scope(engine) as session:
        strict = theme_gaps(session=session, job_id=job_id, thresholds=Thresholds(scores=200, comments=10))
        assert strict["morale_diff"].isna().all()
        assert representative_quotes(session=session, job_id=job_id, theme="tools",
                                     thresholds=Thresholds(scores=5, comments=28)) == []
        quotes = representative_quotes(session=session, job_id=job_id, theme="tools", thresholds=Thresholds())
    assert quotes and all(isinstance(q, str) for q in quotes)


def test_key_phrases_name_the_tools_agents_complain_about(analysed):
    from research.analysis.gaps import analysed_comments
    from research.analysis.phrases import count_phrases, key_phrases

    engine, job_id = analysed
    with session_scope(engine) as session:
        comments = analysed_comments(session=session, job_id=job_id)
    tools = comments[comments["theme"] == "tools"]
    phrases = key_phrases(tools["text"].tolist(), tools["sentiment"].tolist(),
                          corpus=count_phrases(comments["text"].tolist()))
    top = phrases["phrase"].tolist()
    tools_named = {"crm", "billing system", "knowledge base", "chat tool", "booking tool", "phone system",
                   "ticketing tool", "core banking screen"}
    assert "crm" in top and len(tools_named & set(top)) >= 2
    assert not {"happens", "day"} & set(top)  # "It happens every day" closes complaints of every theme
    assert "billing" not in top and "knowledge" not in top  # the pair stands for the word
    assert (phrases["mean_sentiment"] < 0).sum() >= len(phrases) // 2


def test_quotes_never_pool_two_waves_opening_the_same_day_to_reach_the_threshold():
    """Six people in each of two waves opening one day are two groups of six, not one of twelve."""
    from datetime import date

    import pandas as pd

    from research.analysis.gaps import latest_quotes

    words = ("softphone", "headset", "queue", "rota", "billing", "refund", "login", "screen", "laptop", "chat",
             "router", "printer")
    rows = [{"response_id": f"{wave}-{team}-{n}", "wave_id": wave, "opens_on": date(2026, 11, 2), "team": team,
             "theme": "tools", "sentiment": -0.5, "text": f"{team}: the {words[n]} broke on wave {wave}"}
            for wave in (1, 2) for team, people in (("Night desk", 6), ("Day desk", 12), ("Email desk", 12),
                                                    ("Chat desk", 12)) for n in range(people)]
    quotes = latest_quotes(pd.DataFrame(rows), column="theme", value="tools", thresholds=Thresholds(), limit=50)
    assert quotes and not [q for q in quotes if q.startswith("Night desk")]


def test_of_quotes_that_say_the_same_only_the_first_is_kept_and_the_limit_counts_kept_ones():
    said = ["Angry about the billing system today", "Angry about the ticketing tool today",
            "Breaks are too short", "Angry about the billing system today, honestly", "The rota is late"]
    assert first_distinct(said, alike) == [0, 2, 4]
    assert first_distinct(said[1:], alike, limit=2) == [0, 1]
    assert distinct_quotes(said, 5) == [said[0], said[1], said[2], said[4]]  # the 90 % rule is stricter


def test_a_long_quote_with_one_word_of_preface_changed_is_a_repeat():
    said = ["Simple: upper management doesn't listen to anything we report.",
            "To be fair, upper management doesn't listen to anything we report",
            "upper management listens to nothing we report and never replies"]
    assert distinct_quotes(said, 5) == [said[0], said[2]]
    assert distinct_quotes(["pay is too low here", "pay is too high here"], 5) == ["pay is too low here",
                                                                                  "pay is too high here"]
