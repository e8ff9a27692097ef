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
from nltk.util import ngrams

from research.analysis.topics import stop_words

_KEEP_SHORT = {"crm", "ivr", "nps", "aht", "hr"}
QUALIFIERS = {
    "negative": frozenset({"no", "low", "less", "slow", "poor", "bad", "little", "limited", "zero", "late", "long",
                           "heavy", "high", "toxic", "unfair", "worst", "lack"}),
    "positive": frozenset({"good", "great", "best", "excellent", "nice", "decent", "fair", "flexible",
                           "supportive", "friendly", "helpful", "fast", "better", "stable", "awesome", "amazing"}),
}
"""Words that say how something is, by the tone they can give a label: a label of one or two words that most of
its topic's texts judge the same way reads as that finding ("Slow growth" rather than "Growth")."""
QUALIFIER_WORDS = QUALIFIERS["negative"] | QUALIFIERS["positive"]
QUALIFIER_SHARE = 0.3
_NEGATION = {"not", "never", "nor", "neither", "hardly", "without"}


_WORD = re.compile(r"\w+(?:'\w+)*")
"""Word runs with their apostrophes ("hasn't", "manager's"), found by the standard library's regex (NLTK's
ReDoS-guarded tokenizer took most of the gaps page's phrase time at 100,000)."""
_CONTRACTION = re.compile(r"(?:n't|'m|'re|'ve|'ll|'d)$")
"""A negated or contracted function word ("hasn't", "I'm"): split at its apostrophe it gave the key phrase
"pay hasn" (an outside walk)."""


def _tokens(text: str) -> list[str]:
    """The text's words in order, lower case; a word too short to count ("on", "of") is kept as "" so that no
    pair is formed across it ("depends on targets" gave the pair "depends targets")."""
    words = []
    for word in _WORD.findall(text.replace("’", "'").lower()):
        if _CONTRACTION.search(word):
            words.append("")  # a function word: no phrase is made of it or paired across it
            continue
        word = word.removesuffix("'s")  # "the manager's" counts as "manager"
        if word.isalnum():
            words.append(word if len(word) > 2 or word in _KEEP_SHORT else "")
    return words


def _text_phrases(words: list[str], stop: frozenset[str]) -> set[str]:
    """The phrases one text offers, each once: its words and adjacent word pairs, no stop word at either end."""
    seen = {w for w in words if w and w not in stop}
    seen |= {f"{a} {b}" for a, b in ngrams(words, 2) if a and b and a not in stop and b not in stop}
    return seen


def _phrase_stop_words() -> frozenset[str]:
    return frozenset((stop_words() | _HEDGES) - _KEEP_SHORT)


@dataclass(frozen=True)
class PhraseCounts:
    """How many texts of a corpus use each phrase, and how many texts there are: the background a theme's
    phrases are compared with (:func:`count_phrases`)."""

    counts: Counter
    texts: int


def count_phrases(texts: Sequence[str]) -> PhraseCounts:
    """Counts every phrase of ``texts`` once per text; pass it to :func:`key_phrases` as ``corpus``."""
    stop = _phrase_stop_words()
    counts: Counter = Counter()
    for text in texts:
        counts.update(_text_phrases(_tokens(text), stop))
    return PhraseCounts(counts, len(texts))


MIN_LIFT = 2.0
"""How many times more often a theme's texts must use a phrase than the corpus's other texts do for it to be a
key phrase of the theme. Words every theme shares ("day", "happens", "call") say nothing about one of them."""


def key_phrases(texts: Sequence[str], sentiments: Sequence[float], *, top: int = 10,
                min_count: int = 3, corpus: PhraseCounts | None = None) -> pd.DataFrame:
    """Phrases (one or two words, no stop words at either end) that recur in ``texts``.

    Each phrase counts once per text. A word that mostly occurs inside the listed pairs is dropped in favour of
    them. With ``corpus`` (:func:`count_phrases` of every text ``texts`` were taken from, them included), a
    phrase must also be :data:`MIN_LIFT` times as common in ``texts`` as in the rest, and phrases rank by how
    surely they set ``texts`` apart (:func:`_keyness`) rather than by count. Returns columns phrase, texts,
    mean_sentiment.
    """
    stop = _phrase_stop_words()
    counts: Counter = Counter()
    feelings: dict[str, list[float]] = defaultdict(list)
    for text, sentiment in zip(texts, sentiments):
        for phrase in _text_phrases(_tokens(text), stop):
            counts[phrase] += 1
            feelings[phrase].append(float(sentiment))
    frequent = [(p, n) for p, n in counts.most_common() if n >= min_count and _distinct(p, n, len(texts), corpus)]
    if corpus is not None and corpus.texts > len(texts):
        frequent.sort(key=lambda pn: -_keyness(pn[1], len(texts), corpus.counts[pn[0]] - pn[1],
                                               corpus.texts - len(texts)))
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


def _keyness(count: int, texts: int, others: int, other_texts: int) -> float:
    """Dunning's log-likelihood ratio (G²) of a phrase used by ``count`` of ``texts`` and ``others`` of
    ``other_texts``: high for a phrase both common in the theme and rare elsewhere, so "benefits, facilities,
    food, transport" rank above "place, employees" (held-out real fragments)."""
    def log_likelihood(k: float, n: float, p: float) -> float:
        p = min(max(p, 1e-12), 1 - 1e-12)
        return k * math.log(p) + (n - k) * math.log(1 - p)

    pooled = (count + others) / (texts + other_texts)
    return 2 * (log_likelihood(count, texts, count / texts) + log_likelihood(others, other_texts, others / other_texts)
                - log_likelihood(count, texts, pooled) - log_likelihood(others, other_texts, pooled))


def _distinct(phrase: str, count: int, texts: int, corpus: PhraseCounts | None) -> bool:
    """Whether ``texts`` use ``phrase`` :data:`MIN_LIFT` times as often as the corpus's other texts (always,
    without a corpus or with no other texts). Half a text is added to the others' count, so a phrase the others
    never use is compared with a rate above zero."""
    if corpus is None or corpus.texts <= texts:
        return True
    others = max(corpus.counts[phrase] - count, 0) + 0.5
    return count / texts >= MIN_LIFT * others / (corpus.texts - texts)


# Stop words that carry a finding's direction ("no raises", "not enough staff", "too many calls"): a label
# phrase may start with them, although no phrase may end with one.
_LEADERS = {"no", "not", "never", "nobody", "nothing", "too", "less", "more", "few"}
_ANSWERS = {"no", "not", "never", "nobody", "nothing", "none", "everything"}
MAX_ANSWER_WORDS = 4
"""A clause of stop words alone is a phrase when it is this short and starts with one of ``_ANSWERS``: asked
what they dislike, many people answer "Nothing as such" or "None", and a topic of those answers reads so rather
than by the keywords around them. With no content word such a phrase scores 0.8 of one with one
(:data:`CONTENT_BONUS`)."""
_CLAUSE_BREAK = re.compile(r"[.,;:!?()\[\]{}\"\n/]+|\s[-–—]+\s|\s&\s|\b(?:and|but|because|although|though|whereas|"
                           r"however)\b|\bso\b(?=\s+(?:i|we|you|they|he|she|it|there|the|that|this|our|my|your|their|"
                           r"nobody|everyone|people)\b)", re.IGNORECASE)
"""Punctuation and the conjunctions that join two clauses: a phrase never runs across one ("date so I guess"
from "not up to date so I guess", an outside walk). "So" joins clauses only before a subject ("so I", "so the
queue"): "so slow that customers wait" is one clause."""
_HEDGES = frozenset({"guess", "think", "suppose", "feel", "mean", "honestly", "basically", "actually",
                     "literally", "probably", "maybe", "perhaps", "really", "just"})
"""Words that hedge what is said ("I guess", "I think", "honestly"): a label is what is said, so they never
start or end a phrase and a clause of them alone is none."""
_CLOSERS = frozenset({"nowhere", "anything", "everything", "enough", "anymore"})
"""Stop words that complete what a clause says, so a phrase may end with them: "comments go nowhere", "no
authority to fix anything" (cut before them, an outside walk read "Customer survey comments")."""
_OBJECT_OPENERS = frozenset({"a", "an", "the", "my", "our", "your", "their", "his", "her", "its", "these",
                             "those", "them", "it", "us", "me"})
"""Words that open the object of the word before them: a phrase that most of its texts follow with one is cut
short ("freezes every time I process" of "... process a refund"), and is completed by :meth:`_completed`."""
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


def _clauses(text: str) -> list[list[str]]:
    """The words of each clause of ``text``, as written."""
    return [_LABEL_WORD.findall(c) for c in _CLAUSE_BREAK.split(text.replace("’", "'"))]


def _clause_ngrams(text: str, stop: frozenset[str]) -> tuple[set[tuple[str, ...]], set[tuple[str, ...]]]:
    """Every candidate phrase of one text (lower-case words within one clause), and those that are a whole
    clause (without the stop words around it)."""
    grams: set[tuple[str, ...]] = set()
    wholes: set[tuple[str, ...]] = set()
    for words in _clauses(text):
        lower = [w.lower() for w in words]
        content = [w not in stop and (len(w) > 2 or w in _KEEP_SHORT) for w in lower]
        if not any(content):
            if lower and lower[0] in _ANSWERS and len(lower) <= MAX_ANSWER_WORDS:
                grams.add(tuple(lower))
                wholes.add(tuple(lower))
            continue
        can_end = [c or w in _CLOSERS for c, w in zip(content, lower)]
        can_start = [w not in stop or w in _LEADERS for w in lower]
        size = len(lower)
        for a in range(size):
            if can_start[a]:
                grams.update(tuple(lower[a:b]) for b in range(a + 1, min(a + MAX_WINDOW_WORDS, size) + 1)
                             if can_end[b - 1])
        first, last = can_start.index(True), size - 1 - can_end[::-1].index(True)
        if first <= last and sum(map(len, lower[first:last + 1])) + last - first <= MAX_PHRASE_CHARS:
            whole = tuple(lower[first:last + 1])
            grams.add(whole)
            wholes.add(whole)
    return grams, wholes


class PhraseIndex:
    """The candidate phrases of every text of a corpus, extracted once, so each topic's phrases are counted
    against the whole corpus without reading it again (35 topics over 10,000 comments would otherwise read
    the corpus 35 times)."""

    def __init__(self, texts: Sequence[str]):
        self._stop = (stop_words() | _HEDGES) - _KEEP_SHORT
        self._texts = [t if isinstance(t, str) else "" for t in texts]
        extracted = [_clause_ngrams(t, self._stop) for t in self._texts]
        self._grams = [grams for grams, _ in extracted]
        self._wholes = [wholes for _, wholes in extracted]
        self._corpus: Counter = Counter(g for grams in self._grams for g in grams)

    def __len__(self) -> int:
        return len(self._grams)

    def phrases(self, members: Sequence[int], *, top: int = 5) -> list[TopicPhrase]:
        """The phrases that the texts at ``members`` share and the rest of the corpus does not, best first.

        A phrase is a window of up to five words, or a whole clause of up to 60 characters, with no stop
        word at its end (or a short answer of stop words alone, such as "nothing as such"). It counts once
        per text and must recur (in at least two texts and a tenth of the topic), so it is the topic's shared
        language. Its score is its coverage of the topic times how
        concentrated it is there against the corpus, with a bonus per extra content word and for a whole
        clause; a phrase inside a longer one that covers most of its texts gives way to it, so the label
        reads "cost of living", not "cost". A one-word winner is widened to the commonest phrase around it.
        """
        members = list(members)
        n = len(members)
        if n == 0:
            return []
        counts: Counter = Counter(g for i in members for g in self._grams[i])
        floor = max(2, math.ceil(0.1 * n))
        frequent = {g: c for g, c in counts.items() if c >= floor}
        total = max(len(self._grams), n)
        complete: Counter = Counter(g for i in members for g in self._wholes[i] if g in frequent)
        scored = []
        for g in frequent:
            if _absorbed(g, frequent):
                continue
            coverage = frequent[g] / n
            concentration = math.log1p(total / max(self._corpus[g], frequent[g]))
            content = sum(1 for w in g if w not in self._stop)
            bonus = WHOLE_CLAUSE_BONUS if complete[g] >= frequent[g] / 2 else 1.0
            score = coverage * concentration * (1 + CONTENT_BONUS * min(content - 1, 3)) * bonus
            scored.append((-score, -frequent[g], " ".join(g), g))
        scored.sort()
        chosen = []
        for minus_score, _, _, g in scored[:top]:
            g = _widened(g, counts)
            g, texts = self._completed(g, members, counts[g])
            chosen.append(TopicPhrase(self._surface(g, members), texts, -minus_score))
        # "good" and "company" may both widen to "good company": keep it once, at its best place.
        seen: set[str] = set()
        kept = []
        for phrase in chosen:
            if phrase.text.lower() not in seen:
                seen.add(phrase.text.lower())
                kept.append(phrase)
        return kept

    def qualifier(self, phrase: str, members: Sequence[int], tone: str) -> str:
        """The judging word most of the ``members`` that use ``phrase`` give it in the same clause ("low" of
        "salary is low", "slow" of "very slow growth"), from the words of ``tone``; "" when none is said by at
        least :data:`QUALIFIER_SHARE` of them. A clause that negates ("not good") gives none."""
        words = QUALIFIERS.get(tone)
        target = [w.lower() for w in _LABEL_WORD.findall(phrase)]
        if not words or not target or target[0] in QUALIFIER_WORDS:
            return ""
        said: Counter = Counter()
        using = seen = lowered = 0
        for i in members:
            found: set[str] = set()
            uses = False
            for clause in _clauses(self._texts[i]):
                lower = [w.lower() for w in clause]
                at = [a for a in range(len(lower) - len(target) + 1) if lower[a:a + len(target)] == target]
                if not at:
                    continue
                uses = True
                seen += len(at)
                lowered += sum(1 for a in at if clause[a].islower())
                if not _NEGATION & set(lower) and not any(w.endswith("n't") for w in lower):
                    found |= words & set(lower)
            using += uses
            said.update(found)
        if not said or lowered < 0.2 * seen:  # a name ("Samsung"), hardly ever written in lower case, is not judged
            return ""
        word, count = min(said.items(), key=lambda item: (-item[1], item[0]))
        return word if count >= max(2, QUALIFIER_SHARE * using) else ""

    def _completed(self, gram: tuple[str, ...], members: Sequence[int], texts: int) -> tuple[tuple[str, ...], int]:
        """``gram`` run on to its object when at least half of the member texts that use it go on alike, with a
        word of :data:`_OBJECT_OPENERS` and up to a content word ("freezes every time I process a refund"),
        with how many texts read the longer phrase; else ``gram`` and ``texts``."""
        size = len(gram)
        uses = 0
        goes_on: Counter = Counter()
        for i in members:
            if gram not in self._grams[i]:
                continue
            for words in _clauses(self._texts[i]):
                lower = [w.lower() for w in words]
                for a in range(len(lower) - size + 1):
                    if tuple(lower[a:a + size]) == gram:
                        uses += 1
                        goes_on[_object_after(lower, a + size, self._stop)] += 1
        goes_on.pop((), None)
        if not goes_on:
            return gram, texts
        rest, count = min(goes_on.items(), key=lambda item: (-item[1], item[0]))
        longer = gram + rest
        if count < 0.5 * uses or sum(map(len, longer)) + len(longer) - 1 > MAX_PHRASE_CHARS:
            return gram, texts
        return longer, min(count, texts)

    def _surface(self, gram: tuple[str, ...], members: Sequence[int]) -> str:
        """How ``gram`` most often reads in the member texts that use it (ties: alphabetical)."""
        forms: Counter = Counter()
        size = len(gram)
        known = size <= MAX_WINDOW_WORDS  # a completed phrase (:meth:`_completed`) may be longer than any window
        for i in members:
            if known and gram not in self._grams[i]:
                continue
            for words in _clauses(self._texts[i]):
                lower = [w.lower() for w in words]
                for a in range(len(lower) - size + 1):
                    if tuple(lower[a:a + size]) == gram:
                        forms[" ".join(words[a:a + size])] += 1
        return max(sorted(forms), key=forms.__getitem__) if forms else " ".join(gram)


def _object_after(words: list[str], start: int, stop: frozenset[str]) -> tuple[str, ...]:
    """The words from ``start`` up to the first content word, when they open an object (:data:`_OBJECT_OPENERS`)
    within :data:`MAX_WINDOW_WORDS`; else ()."""
    if start >= len(words) or words[start] not in _OBJECT_OPENERS:
        return ()
    for end in range(start + 1, min(start + MAX_WINDOW_WORDS, len(words))):
        if words[end] not in stop and len(words[end]) > 2:
            return tuple(words[start:end + 1])
    return ()


def _widened(gram: tuple[str, ...], counts: Counter) -> tuple[str, ...]:
    """A one-word phrase replaced by the commonest longer phrase around it, when at least a quarter of its
    texts use that phrase: "Hike" reads as a keyword, "No hike" as a finding."""
    if len(gram) > 1:
        return gram
    around = [(c, -len(g), " ".join(g), g) for g, c in counts.items()
              if len(g) > 1 and gram[0] in g and c >= max(2, 0.25 * counts[gram])]
    if not around:
        return gram
    return min(around, key=lambda item: (-item[0], -item[1], item[2]))[3]


def _absorbed(gram: tuple[str, ...], frequent: dict[tuple[str, ...], int]) -> bool:
    """Whether a longer frequent phrase contains ``gram`` and covers at least 60 % of its texts."""
    size = len(gram)
    for other, count in frequent.items():
        if len(other) > size and count >= 0.6 * frequent[gram]:
            if any(other[i:i + size] == gram for i in range(len(other) - size + 1)):
                return True
    return False
