"""Codebook themes: each text gets a primary theme (or ``other``) and, when it clearly raises another, a
secondary one, each with a confidence.

Three kinds of evidence make one score per code:

- *meaning*: the text's best cosine similarity to the code's anchors (its name, description, each clause of
  the description, its example phrases and the examples researchers coded or accepted);
- *words*: the code's own words (stemmed, from its name, description and example phrases) found in the text,
  each weighted by how few codes share it and how rare it is in the texts being analysed, so "salary" is strong
  evidence for pay while "work" is evidence for nothing;
- *examples*: a logistic-regression head on the embeddings, trained on the labelled examples when there are
  any, and, on a corpus large enough, on the texts the first two kinds were surest about (self-training), so
  the codebook adapts to how this organisation's people write;
- *neighbours*: when examples taught a head, each text's probabilities are then spread a little toward those of
  its nearest neighbours among the texts analysed (label spreading), so texts that read alike are coded alike.

When a text's best codes are close, its primary is the one it gives most weight, read part by part
(:mod:`research.analysis.theme_weight`), and its secondary the next its parts raise. A text that names nothing
("Good", "Nothing to say") is ``other``.

Nothing here reads a fixed codebook: the codes are passed in, like the model.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from research.analysis.spelling import Speller
from research.analysis.theme_weight import by_weight, contenders
from research.analysis.theme_words import code_terms, content_words, says_something, text_terms
from research.codebook import DEFAULT_CODEBOOK, NO_CODE, CodeDefinition
from research.text_parts import parts_of

OTHER = NO_CODE
DEFAULT_MIN_SIMILARITY = 0.35
WORD_WEIGHT = 0.15
"""How much one distinctive word of a code adds to its similarity (cosines of the right code sit about
0.1 to 0.2 above the others)."""
TEMPERATURE = 0.04
SELF_TRAINING_MIN_TEXTS = 100
SELF_TRAINING_PER_CODE = 300
"""At most this many of a code's surest texts teach the self-trained head: fitting it on half of 11,000 comments
took about 10 CPU seconds, most of an increment's time, and a few hundred of the surest say what a code looks like
in this organisation's words as well as thousands."""
SECONDARY_MIN_CONFIDENCE = 0.2
SPREAD = 0.3
"""With a head taught by examples, the share of each text's probabilities that comes from its nearest neighbours
(label spreading, Zhou et al. 2004). Chosen on half of a real labelled file, with 10 examples per code: macro-F1
rose by about 0.005 on ten categories and 0.013 on six (means of 20 draws); without examples it lowered
macro-F1 (spreading a description-only guess spreads its mistakes), so it runs only with examples."""
SPREAD_NEIGHBOURS = 10
MIN_EXAMPLES_FOR_HEAD = 4  # and of at least two codes; with fewer, examples teach as nearest neighbours

Embed = Callable[[list[str]], np.ndarray]

def code_text(code: CodeDefinition) -> str:
    """Everything a code says in words: its name, description and examples (its own words, and its spellings)."""
    return " ".join([code.name, code.description, *code.examples])


def code_anchors(code: CodeDefinition) -> list[str]:
    clauses = [c.strip() for c in re.split(r"[,;:.]| or ", code.description) if len(c.strip()) > 3]
    return [code.name, *([code.description] if code.description else []), *clauses, *code.examples]


@dataclass(frozen=True)
class ThemeAssignment:
    themes: list[str]
    confidence: np.ndarray  # probability of the primary theme (for "other": of the best code it missed)
    secondary: list[str]  # "" when the text raises no clear second theme
    secondary_confidence: np.ndarray

    @property
    def similarity(self) -> np.ndarray:
        return self.confidence


class ThemeMatcher:
    """Assigns codebook themes; build once per codebook and example set, then :meth:`assign` any texts."""

    def __init__(
        self,
        embed: Embed,
        codebook: Sequence[CodeDefinition] = DEFAULT_CODEBOOK,
        exemplars: Mapping[str, Sequence[str]] | None = None,
        min_similarity: float = DEFAULT_MIN_SIMILARITY,
    ):
        if not codebook:
            raise ValueError("the codebook has no codes")
        self.keys = [c.key for c in codebook]
        self._embed = embed
        self.min_similarity = min_similarity
        anchors, owners = [], []
        examples: list[str] = []
        example_owners: list[int] = []
        for index, code in enumerate(codebook):
            own = code_anchors(code)
            anchors += own
            owners += [index] * len(own)
            taught = [t for t in dict.fromkeys((exemplars or {}).get(code.key, ())) if t and t.strip()]
            examples += taught
            example_owners += [index] * len(taught)
        self._anchor_vectors = embed(anchors + examples)
        self._owners = np.asarray(owners + example_owners)
        self._is_example = np.asarray([False] * len(anchors) + [True] * len(examples))
        self._vocabulary = self._code_vocabulary(codebook)
        self._speller = Speller(w for c in codebook for w in content_words(code_text(c)))
        self._head = self._fit_head(self._anchor_vectors, self._owners, self._is_example)
        # With enough examples for a head they teach through it alone: as anchors too, one example that lists
        # three themes would pull texts about any of them (on real labelled employee text, macro-F1 0.57 with
        # examples through the head only against 0.53 with them as anchors as well). With too few for a head,
        # the nearest example is all there is to learn from.
        self._meaning_columns = ~self._is_example if self._head is not None else np.ones_like(self._is_example)

    # -- evidence -------------------------------------------------------------------------------------------

    def _code_vocabulary(self, codebook: Sequence[CodeDefinition]) -> list[dict[str, float]]:
        """Per code, its terms and their weight: 1 / (codes sharing the term); a term shared by more than a
        third of the codes says nothing about any of them."""
        terms = [code_terms(code_text(c)) for c in codebook]
        sharing: dict[str, int] = {}
        for own in terms:
            for term in own:
                sharing[term] = sharing.get(term, 0) + 1
        limit = max(1, len(codebook) // 3)
        return [{t: (1.5 if " " in t else 1.0) / sharing[t] for t in own if sharing[t] <= limit} for own in terms]

    def word_scores(self, texts: Sequence[str], *, corpus: bool = True) -> np.ndarray:
        """How strongly each text (row) uses each code's (column) own words, from 0 to 1. ``corpus``: the texts
        are a corpus, so a term common among them counts less (parts of a few texts are not)."""
        bags = [text_terms(t, self._speller) for t in texts]
        rarity: dict[str, float] = {}
        if corpus and len(bags) >= 20:
            counts: dict[str, int] = {}
            for bag in bags:
                for term in bag:
                    counts[term] = counts.get(term, 0) + 1
            # A term in a fifth of the texts or more counts half; one in half of them, hardly at all.
            rarity = {t: float(np.clip(1.25 - 2.5 * n / len(bags), 0.1, 1.0)) for t, n in counts.items()}
        result = np.zeros((len(texts), len(self.keys)), dtype=np.float32)
        for column, vocabulary in enumerate(self._vocabulary):
            for row, bag in enumerate(bags):
                hits = bag & vocabulary.keys()
                if hits:
                    result[row, column] = min(1.0, sum(vocabulary[t] * rarity.get(t, 1.0) for t in hits))
        return result

    def meaning_scores(self, embeddings: np.ndarray) -> np.ndarray:
        """Best cosine similarity of each text (row) to each code's (column) anchors."""
        result = np.full((len(embeddings), len(self.keys)), -1.0, dtype=np.float32)
        if not len(embeddings):
            return result
        similarity = embeddings @ self._anchor_vectors.T
        for index in range(len(self.keys)):
            columns = (self._owners == index) & self._meaning_columns
            if columns.any():
                result[:, index] = similarity[:, columns].max(axis=1)
        return result

    def scores(self, embeddings: np.ndarray, texts: Sequence[str] | None = None) -> np.ndarray:
        """Meaning plus words: the first-pass score of each text (row) for each code (column)."""
        meaning = self.meaning_scores(embeddings)
        if texts is None:
            return meaning
        return meaning + WORD_WEIGHT * self.word_scores(texts)

    def _fit_head(self, vectors: np.ndarray, labels: np.ndarray, taught: np.ndarray):
        """A classifier on the labelled examples (with the anchors), or None when there are too few."""
        if taught.sum() < MIN_EXAMPLES_FOR_HEAD or len(set(labels[taught])) < 2:
            return None
        return _LinearHead.fit(vectors, labels, len(self.keys))

    # -- assignment -----------------------------------------------------------------------------------------

    def probabilities(self, embeddings: np.ndarray, texts: Sequence[str] | None = None) -> np.ndarray:
        """Each text's probability for each code, all evidence combined."""
        return self._combined(self.scores(embeddings, texts), embeddings)

    def _combined(self, first_pass: np.ndarray, embeddings: np.ndarray) -> np.ndarray:
        first = _softmax(first_pass / TEMPERATURE)
        parts, weights = [first], [1.0]
        if self._head is not None:
            per_code = self._is_example.sum() / max(len(set(self._owners[self._is_example])), 1)
            parts.append(self._head.predict(embeddings))
            weights.append(per_code / 5)
        if len(embeddings) >= SELF_TRAINING_MIN_TEXTS:
            mixed = _mix(parts, weights)
            learned = self._self_trained(embeddings, mixed)
            if learned is not None:
                parts.append(learned)
                weights.append(sum(weights))
        mixed = _mix(parts, weights)
        if self._head is not None and len(embeddings) >= SELF_TRAINING_MIN_TEXTS:
            return spread(embeddings, mixed)
        return mixed

    def _self_trained(self, embeddings: np.ndarray, probabilities: np.ndarray) -> np.ndarray | None:
        """A head fitted on the most confident half of each code's texts (at most :data:`SELF_TRAINING_PER_CODE`),
        with the anchors and examples."""
        best = probabilities.argmax(axis=1)
        confidence = probabilities.max(axis=1)
        confident: list[int] = []
        for index in range(len(self.keys)):
            members = np.flatnonzero(best == index)
            if len(members) >= 3:
                surest = members[np.argsort(-confidence[members], kind="stable")]
                confident.extend(surest[:min((len(members) + 1) // 2, SELF_TRAINING_PER_CODE)])
        chosen = np.asarray(confident, dtype=int)
        if len(set(best[chosen])) < 2:
            return None
        vectors = np.vstack([self._anchor_vectors, embeddings[chosen]])
        labels = np.concatenate([self._owners, best[chosen]])
        return _LinearHead.fit(vectors, labels, len(self.keys)).predict(embeddings)

    def assign(self, embeddings: np.ndarray, texts: Sequence[str] | None = None) -> ThemeAssignment:
        """Primary and secondary themes. A text is ``other`` when no code's meaning reaches
        ``min_similarity`` and none of its words appear, or when it names nothing (:func:`says_something`)."""
        if len(embeddings) == 0:
            empty = np.zeros(0, dtype=np.float32)
            return ThemeAssignment([], empty, [], empty)
        meaning = self.meaning_scores(embeddings)
        words = self.word_scores(texts) if texts is not None else np.zeros_like(meaning)
        probabilities = self._combined(meaning + WORD_WEIGHT * words, embeddings)
        relevant = (meaning.max(axis=1) >= self.min_similarity) | (words.max(axis=1) > 0)
        primary, parted = probabilities.argmax(axis=1), np.full(len(embeddings), -1)
        if texts is not None:
            relevant &= np.fromiter((says_something(t) for t in texts), dtype=bool, count=len(texts))
            if len(self.keys) > 1:
                primary, parted = self._weightiest(probabilities, texts, primary, relevant)
        themes, secondary = [], []
        confidence = probabilities[np.arange(len(primary)), primary].astype(np.float32)
        second_confidence = np.zeros(len(primary), dtype=np.float32)
        for row, first in enumerate(primary):
            themes.append(self.keys[first] if relevant[row] else OTHER)
            rest = probabilities[row].copy()
            rest[first] = -1.0
            second = int(rest.argmax())
            evidence = words[row, second] > 0 or meaning[row, second] >= self.min_similarity + 0.1
            if parted[row] >= 0:  # a part of its own is about it: clearly and separately raised
                second, evidence = int(parted[row]), True
            if relevant[row] and second != first and evidence and (
                    parted[row] >= 0 or rest[second] >= SECONDARY_MIN_CONFIDENCE):
                secondary.append(self.keys[second])
                second_confidence[row] = probabilities[row, second]
            else:
                secondary.append("")
        return ThemeAssignment(themes, confidence, secondary, second_confidence)

    def _weightiest(self, probabilities: np.ndarray, texts: Sequence[str], primary: np.ndarray,
                    relevant: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Where a text's best codes are close, the primary is the one most of its parts are about (the first
        raised among equals) and the secondary the next (-1 where its parts name no other); the parts of all
        such texts that need embedding are embedded in one call."""
        close: dict[int, list[int]] = {}
        parts: dict[int, list[str]] = {}
        for row in map(int, np.flatnonzero(relevant)):
            found = contenders(probabilities[row])
            if len(found) > 1 and len(own := parts_of(texts[row])) > 1:
                close[row], parts[row] = found, own
        result, second = primary.copy(), np.full(len(primary), -1)
        if not close:
            return result, second
        every = [part for row in close for part in parts[row]]
        words = self.word_scores(every, corpus=False)
        # A part that uses one code's own words and no other's is about that code: only the rest are embedded
        # (on 10,000 real fragments, 6,060 of 8,551 parts were embedded, taking a third as long again as the comments).
        named = (words > 0).sum(axis=1) == 1
        scores = np.where(named[:, None] & (words > 0), 1.0, -1.0).astype(np.float32)
        if (unnamed := np.flatnonzero(~named)).size:
            scores[unnamed] = (self.meaning_scores(self._embed([every[i] for i in unnamed]))
                               + WORD_WEIGHT * words[unnamed])
        start = 0
        for row, found in close.items():
            ranked = by_weight(scores[start:start + len(parts[row])], found, self.min_similarity)
            start += len(parts[row])
            if ranked:
                result[row] = ranked[0]
            if len(ranked) > 1:
                second[row] = ranked[1]
        return result, second


def spread(embeddings: np.ndarray, probabilities: np.ndarray, share: float = SPREAD,
           neighbours: int = SPREAD_NEIGHBOURS) -> np.ndarray:
    """Label spreading over the texts' nearest-neighbour graph (cosine, symmetric, row-normalised): ten rounds of
    ``f = share * neighbours' f + (1 - share) * probabilities``. The neighbours are exact, found in blocks as
    for the topics, which then reuse them (about 2.5 CPU seconds for 10,000 texts, paid once)."""
    from research.analysis.neighbours import UMAP_NEIGHBOURS, exact_neighbours, unit_rows

    count = len(embeddings)
    if count < 2:
        return probabilities
    # Asking for as many as the topics' UMAP graph lets the topics stage reuse this search.
    nearest, distance = exact_neighbours(unit_rows(embeddings), max(neighbours + 1, UMAP_NEIGHBOURS))
    nearest, distance = nearest[:, :neighbours + 1], distance[:, :neighbours + 1]
    weight = np.where(nearest == np.arange(count)[:, None], 0.0, np.clip(1.0 - distance, 0.0, None))

    def neighbours_sum(values: np.ndarray) -> np.ndarray:  # (W + W^T) @ values, W the k-nearest weights
        total = np.einsum("nk,nkc->nc", weight, values[nearest])
        np.add.at(total, nearest.ravel(), (weight[:, :, None] * values[:, None, :]).reshape(-1, values.shape[1]))
        return total

    degree = neighbours_sum(np.ones((count, 1)))
    degree[degree == 0] = 1.0
    result = probabilities
    for _ in range(10):
        result = share * neighbours_sum(result) / degree + (1 - share) * probabilities
    return result / result.sum(axis=1, keepdims=True)


def _softmax(scores: np.ndarray) -> np.ndarray:
    shifted = np.exp(scores - scores.max(axis=1, keepdims=True))
    return shifted / shifted.sum(axis=1, keepdims=True)


def _mix(parts: list[np.ndarray], weights: list[float]) -> np.ndarray:
    """Weighted geometric mean of probability tables, renormalised per row."""
    total = sum(weights)
    log = sum(w * np.log(np.clip(p, 1e-6, 1.0)) for p, w in zip(parts, weights)) / total
    return _softmax(log)


class _Classifier(Protocol):
    """What the head needs of a fitted scikit-learn classifier."""

    def predict_proba(self, X: np.ndarray) -> np.ndarray: ...  # noqa: N803 - scikit-learn's name


@dataclass
class _LinearHead:
    """Multinomial logistic regression on normalised embeddings; codes it never saw get probability ~0."""

    model: _Classifier
    classes: np.ndarray
    n_codes: int

    @classmethod
    def fit(cls, vectors: np.ndarray, labels: np.ndarray, n_codes: int) -> _LinearHead:
        from sklearn.linear_model import LogisticRegression

        model = LogisticRegression(C=2.0, max_iter=300, class_weight="balanced")
        model.fit(vectors, labels)
        return cls(model, model.classes_, n_codes)

    def predict(self, embeddings: np.ndarray) -> np.ndarray:
        result = np.full((len(embeddings), self.n_codes), 1e-6, dtype=np.float64)
        result[:, self.classes] = self.model.predict_proba(embeddings)
        return result / result.sum(axis=1, keepdims=True)
