"""Which words count as a code's evidence, and whether a comment names anything."""

import numpy as np

from research.analysis.theme_words import says_something
from research.analysis.themes import ThemeMatcher
from research.codebook import CodeDefinition


def _embed(texts):
    rows = np.random.default_rng(len(texts)).normal(size=(len(texts), 8))
    return (rows / np.linalg.norm(rows, axis=1, keepdims=True)).astype(np.float32)


def test_a_comment_names_something_when_it_has_a_word_beyond_stop_words_and_praise_or_refusal():
    assert says_something("More staff please") and says_something("工资太低") and says_something("the system")
    assert not any(says_something(t) for t in (
        "Good", "Nothing to say", "Everything is fine", "n/a", "\u200b", "nothing else to add"))


def test_words_that_only_praise_in_a_codes_examples_are_not_evidence_for_it():
    codebook = [CodeDefinition("campus", "Campus", "The office building.", "#000000", examples=("the office is nice",)),
                CodeDefinition("pay", "Pay", "Salary and bonuses.", "#ffffff", examples=("good pay",))]

    words = ThemeMatcher(_embed, codebook).word_scores(
        ["the weather was nice today", "good morning", "the office is cold"], corpus=False)
    assert (words[:2] == 0).all() and words[2, 0] > 0


def test_a_comment_about_its_bonus_uses_the_words_of_a_code_that_lists_bonuses():
    codebook = [CodeDefinition("pay", "Pay", "Salary, hikes and bonuses.", "#000000"),
                CodeDefinition("campus", "Campus", "The office building and its cafeteria.", "#ffffff")]

    words = ThemeMatcher(_embed, codebook).word_scores(["They never paid a Diwali bonus"], corpus=False)
    assert words[0, 0] > 0 and words[0, 1] == 0


def test_words_agents_name_their_work_with_count_though_scikit_learn_lists_them_as_stop_words():
    codebook = [CodeDefinition("systems", "Systems", "IT systems, calls dropping, bills.", "#000000"),
                CodeDefinition("campus", "Campus", "The office building and its cafeteria.", "#ffffff")]

    words = ThemeMatcher(_embed, codebook).word_scores(
        ["another new system", "the call dropped", "a wrong bill"], corpus=False)
    assert (words[:, 0] > 0).all() and (words[:, 1] == 0).all()


def test_staff_meets_a_code_that_says_short_staffed():
    codebook = [CodeDefinition("staffing", "Staffing", "We are always short staffed.", "#000000"),
                CodeDefinition("campus", "Campus", "The office building and its cafeteria.", "#ffffff")]

    words = ThemeMatcher(_embed, codebook).word_scores(["More staff!!!!!", "staffing the queue"], corpus=False)
    assert (words[:, 0] > 0).all() and (words[:, 1] == 0).all()
