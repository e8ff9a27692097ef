"""Misspelt words count as the codebook words they were meant to be; English words and short words stay."""

import numpy as np

from research.analysis.spelling import Speller, english_words
from research.analysis.themes import ThemeMatcher
from research.codebook import CodeDefinition
from research.typos import one_edit_apart


def _embed(texts):
    rows = np.random.default_rng(len(texts)).normal(size=(len(texts), 8))
    return (rows / np.linalg.norm(rows, axis=1, keepdims=True)).astype(np.float32)


def test_a_letter_added_dropped_changed_or_two_swapped_is_one_edit_and_more_is_not():
    assert one_edit_apart("salery", "salary") and one_edit_apart("groth", "growth")
    assert one_edit_apart("managment", "management") and one_edit_apart("trainnig", "training")
    assert not one_edit_apart("salry", "salaries") and not one_edit_apart("mnagr", "manager")


def test_misspelt_code_words_are_read_as_the_words_meant():
    read = Speller(["salary", "growth", "manager", "training"])
    assert [read(w) for w in ("salery", "groth", "manger", "traning", "trainnig")] \
        == ["salary", "growth", "manager", "training", "training"]


def test_english_words_short_words_and_words_far_from_the_codebook_stay_as_written():
    read = Speller(["shift", "salary", "rota"])
    assert "shirt" in english_words()  # the packaged model's vocabulary is there to tell
    assert [read(w) for w in ("shirt", "rotx", "sandwich", "shift")] == ["shirt", "rotx", "sandwich", "shift"]


def test_without_a_dictionary_to_tell_a_typo_from_a_word_nothing_is_corrected():
    assert Speller(["salary"], english=frozenset())("salery") == "salery"


def test_a_comment_with_typos_counts_the_words_of_the_code_it_means():
    codebook = [CodeDefinition("pay", "Pay", "Salary, hikes and bonuses.", "#000000"),
                CodeDefinition("campus", "Campus", "The office building and its cafeteria.", "#ffffff")]

    words = ThemeMatcher(_embed, codebook).word_scores(["Salery is the lowest in town", "the cafetaria"],
                                                       corpus=False)
    assert words[0, 0] > 0 and words[0, 1] == 0
    assert words[1, 1] > 0 and words[1, 0] == 0
