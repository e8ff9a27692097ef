"""The words of themes: which of a text's words count as evidence for a code, and whether it names anything.

A code's own words (from its name, description and example phrases) found in a comment are evidence for it
(:meth:`research.analysis.themes.ThemeMatcher.word_scores`); words are stemmed so "bonus" meets "bonuses", and
stop words say nothing. A comment made only of stop words and words that praise, blame or decline names no theme.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

from research.text_parts import LETTERS

_WORD = re.compile(r"[a-z]+")


STOP_LIST_CONTENT_WORDS = frozenset({
    "system", "call", "bill", "fire", "interest", "move", "amount", "detail", "part", "full", "empty", "show", "top",
    "front", "serious", "cry"})


@lru_cache(maxsize=1)
def _stop_words() -> frozenset[str]:
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    # scikit-learn's list also holds words agents name their work with ("system", "call", "bill", "full time"):
    # as stop words, "the system crashes" missed a code about systems that spells them in the plural.
    return (frozenset(ENGLISH_STOP_WORDS) - STOP_LIST_CONTENT_WORDS) | {
        "like", "really", "lot", "lots", "make", "makes", "get", "gets"}


@lru_cache(maxsize=1)
def _stemmer():
    # Porter2 (pure Python: needs no NLTK data); the original Porter stems "bonus" to "bonu" but "bonuses" to
    # "bonus", so a comment about its bonus missed a code that lists bonuses.
    from nltk.stem.snowball import SnowballStemmer

    return SnowballStemmer("english")


_DOUBLED = ("bb", "dd", "ff", "gg", "mm", "nn", "pp", "rr", "tt")


@lru_cache(maxsize=200_000)
def _stem(word: str) -> str:
    # Porter2 undoubles a consonant only after cutting a suffix: "staffed" is "staf" but "staff" stays "staff",
    # so "More staff" missed a code about being short staffed. Undoubled here whatever came before.
    stem = _stemmer().stem(word)
    return stem[:-1] if stem.endswith(_DOUBLED) else stem


def content_words(text: str) -> list[str]:
    """The text's words that are not stop words, lower case, in order."""
    stop = _stop_words()
    return [w for w in _WORD.findall((text or "").lower()) if len(w) > 2 and w not in stop]


def text_terms(text: str, read: Callable[[str], str] | None = None) -> set[str]:
    """Stems of the text's content words and the pairs of neighbouring stems ("work life", "life balanc");
    ``read`` maps a word to the one meant (:class:`research.analysis.spelling.Speller`)."""
    stems = [_stem(read(w) if read else w) for w in content_words(text)]
    return set(stems) | {f"{a} {b}" for a, b in zip(stems, stems[1:]) if a != b}


NON_ANSWER_WORDS = frozenset({
    "good", "great", "fine", "nice", "bad", "poor", "okay", "awesome", "excellent", "terrible", "awful", "average",
    "decent", "best", "worst", "better", "worse", "amazing", "cool", "perfect", "satisfactory", "everything",
    "nothing", "none", "nil", "comment", "comments", "remarks", "regards", "thanks", "thank", "yes", "say",
    "mention", "specific", "particular", "applicable", "answer", "sure", "overall", "pretty", "really", "add",
    "else"})
"""Words that praise, blame or decline without naming anything: a comment made only of these and stop words
("Good", "Nothing to say", "Everything is fine", "Nothing else to add") raises no theme, so it is ``other``."""


def code_terms(text: str) -> set[str]:
    """The terms of a code's words (:func:`text_terms`) that can be evidence for it: none that only praises or
    blames, so an example phrase "the office is nice" makes "office" a benefits word but not "nice" (an outside
    walk saw "the weather was nice today" coded benefits at 97 %)."""
    evaluative = {_stem(w) for w in NON_ANSWER_WORDS}
    return {t for t in text_terms(text) if not evaluative & set(t.split())}


def says_something(text: str) -> bool:
    """Whether the text has a word (in any script) that is neither a stop word nor one of
    :data:`NON_ANSWER_WORDS`."""
    stop = _stop_words()
    return any(len(w) > 2 and w not in stop and w not in NON_ANSWER_WORDS
               for w in LETTERS.findall((text or "").lower()))
