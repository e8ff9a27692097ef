"""The comment threshold counts people: four agents answering three free-text questions are four, not twelve."""

import uuid
from datetime import date

import pandas as pd

from research.analysis.gaps import latest_quotes
from research.findings.topic_labels import speakable_topics
from research.privacy.reporting import Thresholds


def comments(teams: dict[str, tuple[int, int]], topic_of: dict[str, int]) -> pd.DataFrame:
    """``teams``: team -> (people, text answers each); every comment of a team is in ``topic_of[team]``."""
    rows = []
    for team, (people, answers) in teams.items():
        for _ in range(people):
            response = uuid.uuid4()
            for n in range(answers):
                rows.append({"response_id": response, "wave_id": 1, "wave": "W", "opens_on": date(2026, 10, 1),
                             "team": team, "site": "Leeds", "theme": "tools", "topic": topic_of[team],
                             "sentiment": -0.5, "theme_confidence": 0.9,
                             "text": f"{team} comment {_word(response)} {n}"})
    return pd.DataFrame(rows)


def _word(response: uuid.UUID) -> str:
    """A word of its own for each person's comments (hex digits as letters: a quote is words, not numbers)."""
    return response.hex[:8].translate(str.maketrans("0123456789", "ghijklmnop"))


# Three teams, so hiding the small one does not force hiding a sibling (complementary suppression).
LAYOUT = {"Small": (4, 3), "Big": (12, 1), "Other": (12, 1)}


def test_four_people_with_three_text_questions_are_not_quoted():
    frame = comments(LAYOUT, {"Small": 0, "Big": 0, "Other": 0})
    quotes = latest_quotes(frame, column="theme", value="tools", thresholds=Thresholds(5, 10), limit=100)
    assert quotes and not any(q.startswith("Small") for q in quotes)


def test_a_topic_built_from_one_small_teams_comments_has_no_words_or_quotes():
    frame = comments(LAYOUT, {"Small": 1, "Big": 0, "Other": 0})
    assert speakable_topics(frame, Thresholds(5, 10)) == {0}
    # A topic that is mostly the small team, with a few quotable people beside it, is withheld too.
    frame.loc[frame[frame["team"] == "Big"].index[:3], "topic"] = 1
    assert speakable_topics(frame, Thresholds(5, 10)) == {0}


def test_a_new_wave_with_no_quotable_team_leaves_the_quotes_of_the_last_one_that_has():
    """A wave just opened, its one team under the threshold, must not leave every gap without quotes."""
    earlier = comments({"Big": (12, 1), "Other": (12, 1)}, {"Big": 0, "Other": 0})
    opened = comments({"Pilot": (3, 1)}, {"Pilot": 0}).assign(wave_id=2, wave="W2", opens_on=date(2026, 12, 1))
    quotes = latest_quotes(pd.concat([earlier, opened]), column="theme", value="tools",
                           thresholds=Thresholds(5, 10), limit=100)
    assert len(quotes) == 24 and not any(q.startswith("Pilot") for q in quotes)


def test_a_gaps_quotes_are_not_one_sentence_with_a_word_added():
    texts = ["the bonus depends on targets we can't control", "Honestly, the bonus depends on targets we can't control",
             "Again, the bonus depends on targets we can't control.", "the queue never drops after six",
             "pay has not moved in three years"]
    frame = comments({"Big": (12, 1)}, {"Big": 0})
    frame.loc[:4, "text"] = texts
    frame.loc[:4, "sentiment"] = [-0.99, -0.98, -0.97, -0.96, -0.95]
    quotes = latest_quotes(frame, column="theme", value="tools", thresholds=Thresholds(5, 10), limit=3)
    assert quotes == ["the bonus depends on targets we can't control", "the queue never drops after six",
                      "pay has not moved in three years"]


def test_a_gaps_quotes_are_those_surely_of_its_theme_before_more_negative_ones_that_may_be_misread():
    """An executive walk read quotes under the wrong gap where a comment's theme was misread: a comment the
    classifier was unsure of is quoted only after those it was sure of, however negative it is."""
    frame = comments({"Big": (12, 1)}, {"Big": 0})
    frame.loc[:2, "text"] = ["the hold music is driving customers mad", "the CRM freezes on every call",
                             "the knowledge base is out of date"]
    frame.loc[:2, "sentiment"] = [-0.99, -0.6, -0.55]
    frame.loc[:2, "theme_confidence"] = [0.35, 0.95, float("nan")]  # NaN: a job that kept none, taken as sure
    quotes = latest_quotes(frame, column="theme", value="tools", thresholds=Thresholds(5, 10), limit=3)
    assert quotes[:2] == ["the CRM freezes on every call", "the knowledge base is out of date"]
    assert "the hold music is driving customers mad" not in quotes


def test_a_comment_whose_theme_is_likelier_wrong_than_right_is_never_quoted_for_it():
    """A later walk read a workload complaint ("forty chats waiting and only three of us", confidence 0.23)
    quoted as a manager gap once the sure quotes ran out: below the floor a comment is not quoted at all."""
    frame = comments({"Big": (12, 1)}, {"Big": 0})
    frame.loc[:, "theme_confidence"] = 0.1
    frame.loc[:1, "text"] = ["forty chats waiting and only three of us", "my manager cancels every one to one"]
    frame.loc[:1, "theme_confidence"] = [0.23, 0.31]
    quotes = latest_quotes(frame, column="theme", value="tools", thresholds=Thresholds(5, 10), limit=5)
    assert quotes == ["my manager cancels every one to one"]
