"""A comment's primary theme is the one it gives most weight, the first raised among equals."""

import numpy as np

from research.analysis.embeddings import embed_texts
from research.analysis.theme_weight import by_weight, contenders
from research.analysis.themes import ThemeMatcher
from research.codebook import DEFAULT_CODEBOOK


def test_only_codes_close_to_the_best_contend_for_primary():
    assert contenders(np.array([0.5, 0.3, 0.15, 0.05])) == [0, 1]
    assert contenders(np.array([0.9, 0.05, 0.05])) == [0]


def test_codes_rank_by_how_many_parts_are_about_them_then_by_which_was_raised_first():
    pay, manager, team = [1, 0, 0], [0, 1, 0], [0, 0, 1]
    assert by_weight(np.array([manager, pay, pay, pay]), [0, 1], 0.5) == [0, 1]
    assert by_weight(np.array([manager, pay, team]), [0, 1], 0.5) == [1, 0]
    assert by_weight(np.array([team, pay]), [0, 1], 0.5) == [0]  # a part about a code not in contention: no vote
    assert by_weight(np.array([[0.3, 0.2, 0.1]]), [0, 1], 0.5) == []  # no part clearly about anything


def test_a_list_is_about_what_it_names_first_and_the_rest_is_its_second_theme(model):
    def embed(texts):
        return embed_texts(texts, model)

    texts = ["Flexible timings, good salary", "Good salary, good bonus, good increments, nice team"]
    found = ThemeMatcher(embed, DEFAULT_CODEBOOK).assign(embed(texts), texts)
    assert found.themes == ["work_life_balance", "pay"]
    assert found.secondary[0] == "pay"


def test_a_comment_that_names_nothing_is_other(model):
    def embed(texts):
        return embed_texts(texts, model)

    texts = ["Good", "Nothing to say", "Everything is fine", "No comments", "\u200b", "More staff please"]
    assert ThemeMatcher(embed, DEFAULT_CODEBOOK).assign(embed(texts), texts).themes[:5] == ["other"] * 5


def test_a_comment_whose_best_code_is_clear_is_not_read_again_in_parts(model):
    calls: list[list[str]] = []

    def embed(texts):
        calls.append(list(texts))
        return embed_texts(texts, model)

    matcher = ThemeMatcher(embed, DEFAULT_CODEBOOK)
    calls.clear()
    texts = ["My salary is far below what other call centres pay, and the annual raise is tiny."]
    assert matcher.assign(embed(texts), texts).themes == ["pay"]
    assert calls == [texts]  # the comment itself, nothing more
