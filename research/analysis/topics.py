"""Emergent topics with BERTopic, with settings that adapt to the corpus size.

BERTopic's defaults (UMAP + HDBSCAN, min_topic_size 10) crash or put
everything in the outlier topic on the 20-300 comments of a small wave. Here:

* fewer than 3 texts: one topic, labelled by its most frequent words;
* up to ``SMALL_CORPUS`` texts: no dimension reduction, k-means with a k that
  grows with the square root of the corpus;
* larger corpora: UMAP (on an exact cosine neighbour graph) + HDBSCAN with a
  minimum cluster size that grows with the corpus, then every outlier
  reassigned to the topic whose centre is nearest.

Seeds are fixed, so the same texts give the same topics; stability across
three seeds is reported as an adjusted Rand index so nobody over-reads an
unstable topic. Models and embeddings are passed in, never downloaded.
"""

from __future__ import annotations

import math
import re
import warnings
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from research.analysis.neighbours import UMAP_NEIGHBOURS, exact_neighbours, unit_rows  # noqa: F401 (re-exported)
from research.analysis.topic_names import (
    _capitalise,
    _shorten,
    _stems,
    dominant_theme,
    readable_label,
)

if TYPE_CHECKING:  # pragma: no cover
    from research.analysis.phrases import PhraseIndex

SMALL_CORPUS = 300
STABILITY_SAMPLE = 3000
_WORD = re.compile(r"[^\W\d_][\w'-]+", re.UNICODE)


@dataclass
class TopicResult:
    """Topic id per text (0..k-1), a readable label per topic, and stability (None when not measured)."""

    topics: list[int]
    labels: dict[int, str]
    words: dict[int, list[str]] = field(default_factory=dict)
    stability: float | None = None

    @property
    def sizes(self) -> dict[int, int]:
        return dict(Counter(self.topics))


# scikit-learn's English list drops words that matter in a contact centre ("system", "bill", "call").
_DOMAIN_WORDS = {"system", "systems", "computer", "bill", "call", "calls", "fire", "front", "full", "empty",
                 "detail", "found", "move", "part", "side", "top", "interest", "name", "back"}


def stop_words() -> frozenset[str]:
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    extra = {"just", "really", "also", "get", "got", "like", "honestly", "please", "ve", "don", "doesn", "didn",
             "isn", "wasn", "aren", "won", "can", "ll"}
    return (ENGLISH_STOP_WORDS - _DOMAIN_WORDS) | extra


def frequent_words(texts: Sequence[str], n: int = 3) -> list[str]:
    stop = stop_words()
    counts = Counter(w.lower() for t in texts for w in _WORD.findall(t) if w.lower() not in stop)
    return [w for w, _ in counts.most_common(n)]


def _k_for(n: int) -> int:
    return max(2, min(12, round(math.sqrt(n / 2))))


def prepare_neighbours(embeddings: np.ndarray) -> None:
    """Search the neighbour graph a fit of ``embeddings`` (more than ``SMALL_CORPUS`` of them) will read, so a fit
    on another thread finds it made (:func:`cluster_topics`)."""
    if len(embeddings) > SMALL_CORPUS:
        exact_neighbours(unit_rows(embeddings), UMAP_NEIGHBOURS)


def umap_epochs(n: int) -> int | None:
    """UMAP's epochs for a corpus of ``n`` texts; ``None`` leaves UMAP's default (500 up to 10,000 points)."""
    return 100 if n >= 10_000 else 200 if n >= 5000 else None


def _large_corpus_labels(embeddings: np.ndarray, seed: int, *, epochs: int | None | str = "auto") -> np.ndarray:
    """UMAP on an exact neighbour graph, HDBSCAN, then each outlier joins the topic whose centre is nearest.

    ``epochs`` defaults to :func:`umap_epochs` of the corpus size; the stability measurement passes the full
    corpus's, so its sample is laid out as the fit it checks was."""
    from hdbscan import HDBSCAN
    from umap import UMAP

    from research.analysis.umap_kernels import prepare_umap_kernels

    prepare_umap_kernels()
    n = len(embeddings)
    warnings.filterwarnings("ignore", message="n_jobs value", category=UserWarning)
    warnings.filterwarnings("ignore", message="precomputed_knn", category=UserWarning)
    unit = unit_rows(embeddings)
    # A fixed seed makes UMAP single-threaded, so epochs are the cost. Measured on 11,000 real comments:
    # 100 epochs take 7.8 s instead of 13.2 s for 200, with the same number of topics and seed-to-seed
    # stability 0.68 instead of 0.69 (adjusted Rand index, three seeds).
    # PCA starts the layout instead of UMAP's default spectral one, whose eigen-solver took about a third of the
    # fit: on 11,000 real comments 5.3 CPU s instead of 7.8 per fit, 27 to 31 topics as 28 to 29, and the
    # seed-to-seed agreement of the clusters 0.64 instead of 0.58 (adjusted Rand index, three seeds).
    if epochs == "auto":
        epochs = umap_epochs(n)
    reducer = UMAP(n_neighbors=UMAP_NEIGHBOURS, n_components=5, min_dist=0.0, metric="cosine", random_state=seed,
                   n_epochs=epochs, init="pca", precomputed_knn=(*exact_neighbours(unit, UMAP_NEIGHBOURS), None))
    reduced = reducer.fit_transform(unit)
    labels = HDBSCAN(min_cluster_size=max(10, n // 100), min_samples=5).fit(reduced).labels_
    clusters = sorted(set(labels) - {-1})
    if not clusters:
        return np.zeros(n, dtype=int)
    centres = np.vstack([unit[labels == c].mean(axis=0) for c in clusters])
    outliers = labels == -1
    if outliers.any():
        labels = labels.copy()
        labels[outliers] = np.asarray(clusters)[(unit[outliers] @ centres.T).argmax(axis=1)]
    return labels


def _cluster_labels(embeddings: np.ndarray, seed: int, *, epochs: int | None | str = "auto") -> np.ndarray:
    """A cluster per text: k-means up to ``SMALL_CORPUS`` texts, else :func:`_large_corpus_labels`."""
    n = len(embeddings)
    if n <= SMALL_CORPUS:
        from sklearn.cluster import KMeans

        return KMeans(n_clusters=min(_k_for(n), n), n_init=10, random_state=seed).fit(embeddings).labels_
    return _large_corpus_labels(embeddings, seed, epochs=epochs)


TOP_WORDS = 10


def topic_words(texts: Sequence[str], labels: Sequence[int] | np.ndarray, n: int = TOP_WORDS) -> dict[int, list[str]]:
    """Each cluster's top words and word pairs by class-based TF-IDF, BERTopic's default representation.

    The same recipe as ``BERTopic(...).fit_transform`` with a given clustering and its defaults (the texts of a
    cluster joined into one document, stripped to ASCII letters, digits and spaces; counts over those documents,
    a term needing two of them from 1,000 texts on; term frequency per cluster times log(1 + average words per
    cluster / the term's count); the top ``n``, padded with ""), the same numpy steps so ties fall the same way.
    Computed here because importing BERTopic imports PyTorch through sentence-transformers: several seconds of
    every analysis, with the embeddings on onnxruntime.
    """
    import scipy.sparse as sp
    from sklearn.feature_extraction.text import CountVectorizer
    from sklearn.preprocessing import normalize

    labels = np.asarray(labels)
    clusters = sorted({int(c) for c in labels})
    joined: dict[int, list[str]] = {c: [] for c in clusters}
    for text, label in zip(texts, labels):
        joined[int(label)].append(text)
    documents = []
    for c in clusters:
        document = " ".join(joined[c]).replace("\n", " ").replace("\t", " ")
        document = re.sub(r"[^A-Za-z0-9 ]+", "", document)
        documents.append(document or "emptydoc")
    vectorizer = CountVectorizer(stop_words=list(stop_words()), ngram_range=(1, 2),
                                 min_df=1 if len(texts) < 1000 else 2, token_pattern=r"(?u)\b[^\W\d_][\w'-]+\b")
    try:
        counts = vectorizer.fit_transform(documents)
    except ValueError:  # no term left (texts of stop words only)
        return {c: [] for c in clusters}
    words = vectorizer.get_feature_names_out()
    frequency = np.squeeze(np.asarray(counts.sum(axis=0)))
    average = int(counts.sum(axis=1).mean())
    idf = np.log((average / frequency) + 1)
    weights = normalize(counts, axis=1, norm="l1", copy=False) * sp.diags(
        idf, offsets=0, shape=(len(idf), len(idf)), format="csr", dtype=np.float64)
    weights = sp.csr_matrix(weights)
    pick = max(n, 30)
    result = {}
    for row, cluster in enumerate(clusters):
        start, end = weights.indptr[row], weights.indptr[row + 1]
        take = min(pick, end - start)
        top = weights.indices[start + np.argpartition(weights.data[start:end], -take)[-take:]]
        indices = [top[i] if len(top) >= i + 1 else None for i in range(pick)]
        scores = np.array([weights[row, i] if i is not None else 0 for i in indices])
        order = np.argsort(scores)
        ranked = [(indices[i], scores[i]) for i in order][::-1]
        result[cluster] = [str(words[i]) if i is not None and score > 0 else "" for i, score in ranked][:n]
    return result


@dataclass
class Clustering:
    """What a topic fit works out before its labels: a cluster per text, each cluster's top c-TF-IDF words and
    the stability measurement (None when not measured)."""

    clusters: np.ndarray
    words: dict[int, list[str]]
    stability: float | None
    phrases: PhraseIndex | None = None  # the texts' phrases, when extracted meanwhile (the pipeline does)


def cluster_topics(texts: Sequence[str], embeddings: np.ndarray, *, seed: int = 42,
                   measure_stability: bool = True) -> Clustering:
    """The part of :func:`fit_topics` that needs neither themes nor sentiment, so it can run on the second core
    while they are worked out (the pipeline does; UMAP's layout lets the GIL go, see
    :mod:`research.analysis.umap_kernels`). The stability seeds come first: they search their own sample's
    neighbours, while the fit reads the corpus's search, which another thread may still be making."""
    n = len(texts)
    stability = topic_stability(texts, embeddings, seed=seed) if measure_stability and n >= 3 else None
    labels = _cluster_labels(embeddings, seed) if n >= 3 else np.zeros(n, dtype=int)
    return Clustering(labels, topic_words(texts, labels) if n >= 3 else {}, stability)


def rank_topics(topics: Sequence[int]) -> list[int]:
    """Topic ids 0..k-1, largest first, so ids read as ranks."""
    order = {t: i for i, (t, _) in enumerate(Counter(topics).most_common())}
    return [order[t] for t in topics]


def fit_topics(
    texts: Sequence[str],
    embeddings: np.ndarray,
    *,
    seed: int = 42,
    measure_stability: bool = True,
    theme_names: Sequence[str] | None = None,
    sentiments: Sequence[float] | None = None,
    clustering: Clustering | None = None,
) -> TopicResult:
    """Cluster ``texts`` (with their precomputed embeddings) into topics with readable labels.

    ``theme_names``, one per text, lets a topic dominated by one codebook theme carry that theme's name
    in front of its phrase; ``sentiments``, one per text, lets the label speak for the topic's dominant tone
    (see :func:`readable_label`). ``words`` keeps BERTopic's top c-TF-IDF words per topic. ``clustering`` is
    :func:`cluster_topics` of the same texts, embeddings, seed and ``measure_stability``, made beforehand.
    """
    n = len(texts)
    if n == 0:
        return TopicResult([], {})
    if clustering is None:
        clustering = cluster_topics(texts, embeddings, seed=seed, measure_stability=measure_stability)
    if n < 3:
        topics = [0] * n
        words = {0: frequent_words(texts)}
    else:
        raw = [int(c) for c in clustering.clusters]
        top = clustering.words
        topics = rank_topics(raw)
        words = {}
        for original, topic in dict(zip(raw, topics)).items():
            terms = top.get(original, [])[:4]
            words[topic] = terms or frequent_words([t for t, r in zip(texts, raw) if r == original])
    from research.analysis.phrases import PhraseIndex

    index = clustering.phrases if clustering.phrases is not None else PhraseIndex(texts)
    labels = label_topics(texts, topics, words, theme_names=theme_names, sentiments=sentiments, index=index,
                          distinct=False)
    merged = _merge_alike(topics, labels, embeddings)
    if merged == topics:
        labels = _distinct(labels, Counter(topics), words)
    else:  # relabelled: a merged topic's label reads from all its texts
        order = dict(zip(merged, rank_topics(merged)))
        topics = [order[t] for t in merged]
        words = {order[t]: words[t] for t in sorted(set(merged))}
        labels = label_topics(texts, topics, words, theme_names=theme_names, sentiments=sentiments, index=index)
    return TopicResult(topics, labels, words, clustering.stability)


MERGE_MIN_SIMILARITY = 0.75
"""Two topics whose labels read alike merge only when their centres are at least this close (cosine): on 5,000
real held-out fragments "No hikes" and "No hike" sat at 0.84 and were merged; of the 300 pairs of those 25
topics, 8 sat above 0.75, the closest ("Compensation" and "Pay", 0.86) kept apart because their labels differ."""


def _label_key(label: str) -> tuple[str, ...]:
    from research.analysis.topic_names import _stemmer_of

    return tuple(_stemmer_of().stem(w) for w in _WORD.findall(label.lower()))


def _merge_alike(topics: list[int], labels: dict[int, str], embeddings: np.ndarray) -> list[int]:
    """Topics whose labels read the same but for word endings ("No hikes", "No hike") and whose centres are
    close, merged into the larger: clustering had split one finding in two, and an executive reads the two
    rows as a duplicate."""
    sizes = Counter(topics)
    unit, assigned = unit_rows(np.asarray(embeddings, dtype=np.float32)), np.asarray(topics)
    centres = {t: unit_rows(unit[assigned == t].mean(axis=0, keepdims=True))[0] for t in sizes}
    into: dict[int, int] = {}
    kept: dict[tuple[str, ...], list[int]] = {}
    for topic in sorted(sizes, key=lambda t: (-sizes[t], t)):
        for other in kept.get(_label_key(labels[topic]), []):
            if float(centres[topic] @ centres[other]) >= MERGE_MIN_SIMILARITY:
                into[topic] = other
                break
        else:
            kept.setdefault(_label_key(labels[topic]), []).append(topic)
    return [into.get(t, t) for t in topics]


def label_topics(texts: Sequence[str], topics: Sequence[int], words: dict[int, list[str]], *,
                 theme_names: Sequence[str] | None = None,
                 sentiments: Sequence[float] | None = None, index: PhraseIndex | None = None,
                 distinct: bool = True) -> dict[int, str]:
    """A :func:`readable_label` for each topic, from its members (``words`` are the fallback); ``index`` is the
    :class:`PhraseIndex` of ``texts`` when one was made already. With ``distinct`` (as shown), two topics
    never share a label; without it, the labels as read, to find topics that say the same."""
    from research.analysis.phrases import PhraseIndex

    index = index if index is not None else PhraseIndex(texts)
    members_of: dict[int, list[int]] = {}
    for i, topic in enumerate(topics):
        members_of.setdefault(topic, []).append(i)
    labels = {}
    for topic, members in members_of.items():
        labels[topic] = readable_label(
            index, members, sentiments=None if sentiments is None else [sentiments[i] for i in members],
            theme_name=dominant_theme([theme_names[i] for i in members]) if theme_names is not None else "",
            fallback=words.get(topic) or frequent_words([texts[i] for i in members]))
    return _distinct(labels, {t: len(m) for t, m in members_of.items()}, words) if distinct else labels


def _distinct(labels: dict[int, str], sizes: dict[int, int], words: dict[int, list[str]]) -> dict[int, str]:
    """Two topics never share a label: the smaller one takes its own words ("Salary hike", or "Salary
    (increment)") so an executive can tell them apart."""
    result, seen = {}, set()
    for topic in sorted(labels, key=lambda t: (-sizes.get(t, 0), t)):
        label = labels[topic]
        if label.lower() in seen:
            taken = _stems(label)
            own = [w for w in words.get(topic, []) if not _stems(w) <= taken]
            longer = next((w for w in own if " " in w and _stems(w) & taken), None)
            label = _shorten(_capitalise(longer) if longer else f"{label} ({own[0]})" if own else label)
        seen.add(label.lower())
        result[topic] = label
    return result


def topic_stability(texts: Sequence[str], embeddings: np.ndarray, *, seed: int = 42) -> float:
    """Mean adjusted Rand index between the clusterings of three seeds (on a sample of large corpora).

    Only the clusters are compared, so no words are computed for them; the sample is laid out with the epochs
    the whole corpus's fit used (:func:`umap_epochs`), so the figure speaks for that fit, and the three runs
    share one neighbour search.
    """
    from sklearn.metrics import adjusted_rand_score

    n = len(texts)
    if n < 3:
        return 1.0
    index = np.arange(n)
    if n > STABILITY_SAMPLE:
        index = np.random.default_rng(seed).choice(n, STABILITY_SAMPLE, replace=False)
    epochs = umap_epochs(n)
    runs = [_cluster_labels(embeddings[index], seed + k, epochs=epochs) for k in range(3)]
    pairs = [(0, 1), (0, 2), (1, 2)]
    return float(np.mean([adjusted_rand_score(runs[a], runs[b]) for a, b in pairs]))
