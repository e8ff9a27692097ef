"""Key phrases within a theme: the recurring words and word pairs, with counts and mean sentiment.

So a tooling gap names its tools ("billing system", "knowledge base", "CRM")
rather than just "Tools and systems".
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd
from nltk.tokenize import wordpunct_tokenize
from nltk.util import ngrams

from research.analysis.topics import stop_words

_KEEP_SHORT = {"crm", "ivr", "nps", "aht", "hr"}


def _tokens(text: str) -> list[str]:
    words = [w.lower() for w in wordpunct_tokenize(text) if w.isalnum()]
    return [w for w in words if len(w) > 2 or w in _KEEP_SHORT]


def key_phrases(texts: Sequence[str], sentiments: Sequence[float], *, top: int = 10, min_count: int = 3) -> pd.DataFrame:
    """Phrases (one or two words, no stop words at either end) that recur in ``texts``.

    Each phrase counts once per text. A word that mostly occurs inside the listed
    pairs is dropped in favour of them. Returns columns phrase, texts, mean_sentiment.
    """
    stop = stop_words() - _KEEP_SHORT
    counts: Counter = Counter()
    feelings: dict[str, list[float]] = defaultdict(list)
    for text, sentiment in zip(texts, sentiments):
        words = _tokens(text)
        seen = {w for w in words if w not in stop}
        seen |= {f"{a} {b}" for a, b in ngrams(words, 2) if a not in stop and b not in stop}
        for phrase in seen:
            counts[phrase] += 1
            feelings[phrase].append(float(sentiment))
    frequent = [(p, n) for p, n in counts.most_common() if n >= min_count]
    pairs = [p for p, _ in frequent if " " in p]
    chosen = []
    for phrase, n in frequent:
        # "system" mostly inside "billing system", "phone system": the pairs name the tools, the word does not.
        if " " not in phrase and sum(counts[pair] for pair in pairs if phrase in pair.split()) >= 0.6 * n:
            continue
        chosen.append((phrase, n, sum(feelings[phrase]) / len(feelings[phrase])))
        if len(chosen) == top:
            break
    return pd.DataFrame(chosen, columns=["phrase", "texts", "mean_sentiment"])


# Stop words that carry a finding's direction ("no raises", "not enough staff", "too many calls"): a label
# phrase may start with them, although no phrase may end with one.
_LEADERS = {"no", "not", "never", "nobody", "nothing", "too", "less", "more", "few"}
_CLAUSE_BREAK = re.compile(r"[.,;:!?()\[\]{}\"\n/]+|\s[-–—]+\s|\s&\s|\band\b|\bbut\b", re.IGNORECASE)
_LABEL_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?", re.UNICODE)
MAX_WINDOW_WORDS = 5
"""Phrases cut from inside a clause stay short ("no pay rise this year"); a whole clause may be longer."""
MAX_PHRASE_CHARS = 60
WHOLE_CLAUSE_BONUS = 1.2
"""A phrase that is a whole clause ("nobody ever says thanks") reads as a finding; a window cut from a longer
clause ("back calls with no time") often does not."""
CONTENT_BONUS = 0.2
"""Per content word beyond the first (at most three): "work pressure" says more than "pressure", but a long
clause that few texts share must not outrank a word that many do."""


@dataclass(frozen=True)
class TopicPhrase:
    """A phrase as it most often reads in the topic, how many of the topic's texts use it, and its score."""

    text: str
    texts: int
    score: float


def _clause_ngrams(text: str, stop: frozenset[str]) -> dict[tuple[str, ...], tuple[str, bool]]:
    """Every candidate phrase of one text (lower-case words within one clause), with its surface form and
    whether it is the whole clause (without the stop words around it)."""
    found: dict[tuple[str, ...], tuple[str, bool]] = {}
    for clause in _CLAUSE_BREAK.split(text.replace("’", "'")):
        words = _LABEL_WORD.findall(clause)
        lower = [w.lower() for w in words]
        can_end = [w not in stop and (len(w) > 2 or w in _KEEP_SHORT) for w in lower]
        if not any(can_end):
            continue
        can_start = [w not in stop or w in _LEADERS for w in lower]
        last = max(i for i, ok in enumerate(can_end) if ok)
        first = can_start.index(True)
        spans = [(a, b) for a in range(len(words)) if can_start[a]
                 for b in range(a + 1, min(a + MAX_WINDOW_WORDS, len(words)) + 1) if can_end[b - 1]]
        if first <= last and last + 1 - first > MAX_WINDOW_WORDS:
            spans.append((first, last + 1))
        for a, b in spans:
            surface = " ".join(words[a:b])
            if len(surface) > MAX_PHRASE_CHARS:
                continue
            gram = tuple(lower[a:b])
            complete = a == first and b == last + 1
            if gram not in found or (complete and not found[gram][1]):
                found[gram] = (surface, complete)
    return found


class PhraseIndex:
    """The candidate phrases of every text of a corpus, extracted once, so each topic's phrases are counted
    against the whole corpus without reading it again (35 topics over 10,000 comments would otherwise read
    the corpus 35 times)."""

    def __init__(self, texts: Sequence[str]):
        self._stop = stop_words() - _KEEP_SHORT
        self._grams = [_clause_ngrams(t if isinstance(t, str) else "", self._stop) for t in texts]
        self._corpus: Counter = Counter(g for grams in self._grams for g in grams)

    def __len__(self) -> int:
        return len(self._grams)

    def phrases(self, members: Sequence[int], *, top: int = 5) -> list[TopicPhrase]:
        """The phrases that the texts at ``members`` share and the rest of the corpus does not, best first.

        A phrase is a window of up to five words, or a whole clause of up to 60 characters, with no stop
        word at its end. It counts once per text and must recur (in at least two texts and a tenth of the
        topic), so it is the topic's shared language. Its score is its coverage of the topic times how
        concentrated it is there against the corpus, with a bonus per extra content word and for a whole
        clause; a phrase inside a longer one that covers most of its texts gives way to it, so the label
        reads "cost of living", not "cost". A one-word winner is widened to the commonest phrase around it.
        """
        n = len(members)
        if n == 0:
            return []
        per_text = [self._grams[i] for i in members]
        counts: Counter = Counter(g for grams in per_text for g in grams)
        floor = max(2, math.ceil(0.1 * n))
        frequent = {g: c for g, c in counts.items() if c >= floor}
        total = max(len(self._grams), n)
        complete: Counter = Counter()
        for grams in per_text:
            for g, (_, whole) in grams.items():
                if g in frequent:
                    complete[g] += whole
        scored = []
        for g in frequent:
            if _absorbed(g, frequent):
                continue
            coverage = frequent[g] / n
            concentration = math.log1p(total / max(self._corpus[g], frequent[g]))
            content = sum(1 for w in g if w not in self._stop)
            bonus = WHOLE_CLAUSE_BONUS if complete[g] >= frequent[g] / 2 else 1.0
            scored.append(TopicPhrase(_surface(g, per_text), frequent[g],
                                      coverage * concentration * (1 + CONTENT_BONUS * min(content - 1, 3)) * bonus))
        scored.sort(key=lambda p: (-p.score, -p.texts, p.text.lower()))
        widened = [_expanded(p, counts, lambda g: _surface(g, per_text)) for p in scored[:top]]
        # "good" and "company" may both widen to "good company": keep it once, at its best place.
        seen: set[str] = set()
        return [p for p in widened if not (p.text.lower() in seen or seen.add(p.text.lower()))]


def _expanded(phrase: TopicPhrase, counts: Counter, surfaces_of) -> TopicPhrase:
    """A one-word phrase replaced by the commonest longer phrase around it, when at least a quarter of its
    texts use that phrase: "Hike" reads as a keyword, "No hike" as a finding."""
    if " " in phrase.text:
        return phrase
    word = phrase.text.lower()
    around = [(c, -len(g), g) for g, c in counts.items()
              if len(g) > 1 and word in g and c >= max(2, 0.25 * phrase.texts)]
    if not around:
        return phrase
    count, _, gram = max(around, key=lambda item: (item[0], item[1], [-ord(ch) for ch in " ".join(item[2])]))
    return TopicPhrase(surfaces_of(gram), count, phrase.score)


def _surface(gram: tuple[str, ...], per_text: list[dict]) -> str:
    """How ``gram`` most often reads in the texts (ties: alphabetical)."""
    forms = Counter(grams[gram][0] for grams in per_text if gram in grams)
    return max(sorted(forms), key=forms.__getitem__)


def _absorbed(gram: tuple[str, ...], frequent: dict[tuple[str, ...], int]) -> bool:
    """Whether a longer frequent phrase contains ``gram`` and covers at least 60 % of its texts."""
    size = len(gram)
    for other, count in frequent.items():
        if len(other) > size and count >= 0.6 * frequent[gram]:
            if any(other[i:i + size] == gram for i in range(len(other) - size + 1)):
                return True
    return False
