"""Misspelt words meet the codebook's own: "managment", "salery" and "traning" count as the code words meant.

Agents write pulse comments fast, often on a phone, and a code's own words are the strongest evidence for it
(:meth:`research.analysis.themes.ThemeMatcher.word_scores`). A typo loses that evidence: "Salery groth was very
poor" named no code's word and went to ``other``. So a word that is not English as spelt, and is one edit (a
letter added, dropped, changed, or two neighbours swapped) from a word of the codebook, is read as that word.

What counts as English as spelt is the whole-word part of the WordPiece vocabulary shipped with the packaged
MiniLM (about 22,000 words): "shirt" is a word, so it never becomes "shift". Without that file nothing is
corrected. Words shorter than five letters are left alone: too many of them are one edit from another.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

from research.typos import NearWords

MIN_LETTERS = 5
MODEL = "all-MiniLM-L6-v2"


@lru_cache(maxsize=1)
def english_words() -> frozenset[str]:
    """The whole words of the packaged model's vocabulary; empty when the model's files are not there."""
    from research.analysis.embeddings import ModelUnavailable, model_path

    try:
        vocabulary = model_path(MODEL) / "vocab.txt"
        lines = vocabulary.read_text(encoding="utf-8").splitlines()
    except (ModelUnavailable, OSError):
        return frozenset()
    return frozenset(line for line in lines if line.isalpha() and line.islower())


class Speller:
    """Reads a misspelt word as the codebook word it is one edit from (the first alphabetically among several).

    Candidates are found as :class:`research.typos.NearWords` finds them; answers are remembered.
    """

    def __init__(self, code_words: Iterable[str], english: frozenset[str] | None = None):
        self._english = english_words() if english is None else english
        self._code_words = {w for w in code_words if len(w) >= MIN_LETTERS}
        self._near = NearWords(self._code_words)
        self._read: dict[str, str] = {}

    def __call__(self, word: str) -> str:
        if (read := self._read.get(word)) is not None:
            return read
        read = word
        if self._english and len(word) >= MIN_LETTERS and word not in self._english and word not in self._code_words:
            meant = self._near.near(word)
            read = meant[0] if meant else word
        self._read[word] = read
        return read
