"""Which tokens of a comment in another language are that language's function words, never names.

Every common word of a language is a given name or surname somewhere in the gazetteer's sixty locales, so a
French note lost "Le", "Par" and "mais" to "[name]" (an outside walk, 2026-12-07). But a rule that spares a
language's function words also spares the names among them, and an insider review of a first, broader rule
read "Sara", "Ella", "Mia", "Ben" and "Kim" straight through it (each a function word of some language), names
after a colon, names in an English sentence of a mixed comment, and "Jan van der Berg" split at its particles.
So a token is spared only when all of these hold:

* its sentence is in a language other than English, written with capital letters (Arabic, Hebrew and Persian
  have none to tell a name by, so they are not spared at all), and that language's list holds at least two of
  the comment's words, a fifth of them, and more than English's list; and its own sentence is not English;
* it is no first name anywhere ("les" is Les, "sara" is Sara): only words that are surnames somewhere ("le",
  "par", "de") or no name at all are spared, so a first name reads as a name as it did before;
* it is lower case, or capitalised only because it starts a sentence (after ".", "!", "?" or a new line; a
  colon, bracket or quotation mark does not count);
* neither word joined to it is a capitalised word inside a sentence: "van", "der", "de", "la" between or
  before parts of a name stay part of it ("Jan van der Berg", "Le Goff").

Roster names are matched before this and are never spared.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from typing import Protocol

from research.privacy.gazetteer import Gazetteer

UNCASED = frozenset({"arabic", "hebrew", "persian"})
_SENTENCE_START = re.compile(r"(?:^|[.!?]|\n)\s*$")


class Token(Protocol):
    start: int
    end: int
    key: str
    cap: bool


def spared(text: str, toks: Sequence[Token], gaz: Gazetteer) -> set[int]:
    """The indices of ``toks`` that are function words of the comment's language and never names (see above)."""
    language = _language(toks, gaz)
    if language is None:
        return set()
    words = gaz.function_words[language]
    starts = [bool(_SENTENCE_START.search(text[max(0, tok.start - 3):tok.start])) or tok.start == 0 for tok in toks]
    sentences = _sentences(starts)
    english = {index for sentence in sentences if _is_english(sentence, toks, gaz, language) for index in sentence}
    result = set()
    for i, tok in enumerate(toks):
        if tok.key not in words or tok.key in gaz.first or i in english or (tok.cap and not starts[i]):
            continue
        neighbours = [j for j in (i - 1, i + 1) if 0 <= j < len(toks) and _joined(text, toks[min(i, j)],
                                                                                    toks[max(i, j)])]
        if any(toks[j].cap and not starts[j] for j in neighbours):
            continue
        result.add(i)
    return result


def _language(toks: Sequence[Token], gaz: Gazetteer) -> str | None:
    counts = Counter(language for tok in toks for language in gaz.function_word_languages.get(tok.key, ()))
    language, count = max(((lang, n) for lang, n in counts.items() if lang not in UNCASED),
                          key=lambda item: item[1], default=("english", 0))
    if language == "english" or count < max(2, len(toks) / 5) or count <= counts["english"]:
        return None
    return language


def _sentences(starts: list[bool]) -> list[list[int]]:
    sentences: list[list[int]] = []
    for index, start in enumerate(starts):
        if start or not sentences:
            sentences.append([])
        sentences[-1].append(index)
    return sentences


def _is_english(sentence: list[int], toks: Sequence[Token], gaz: Gazetteer, language: str) -> bool:
    """A sentence whose words English's list holds more of than the comment's language's: "Ella never calls."."""
    counts = Counter(lang for i in sentence for lang in gaz.function_word_languages.get(toks[i].key, ()))
    return counts["english"] > counts[language]


def _joined(text: str, left: Token, right: Token) -> bool:
    """Only spaces between the two words, as between the parts of one name."""
    return not text[left.end:right.start].strip()


_CONTRACTED = frozenset({"t", "s"})  # "Don't", "Ain't": the head is no name; "Dave'll" is


def named_part(word: str) -> str:
    """The part of a word that may be a name: "Ayşe" of Turkish "Ayşe'ye", "Ilaria" of Italian "all'Ilaria";
    both read whole were no name, so the name went through (an insider review). English contractions stay whole."""
    head, _, tail = word.replace("’", "'").partition("'")
    if not tail or "'" in tail:
        return word
    if head[:1].isupper() and tail.islower() and len(tail) <= 4 and tail not in _CONTRACTED:
        return head
    if head.islower() and len(head) <= 4 and tail[:1].isupper():
        return tail
    return word
