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


class _GivenClusters:
    """A 'clusterer' that hands BERTopic labels computed beforehand, so BERTopic only builds the representations."""

    def __init__(self, labels: Sequence[int] | np.ndarray):
        self._labels = np.asarray(labels)
        self.labels_ = self._labels

    def fit(self, X, y=None):  # noqa: N803 - scikit-learn's signature
        self.labels_ = self._labels
        return self

    def predict(self, X):  # noqa: N803
        return self._labels


# Cells of the similarity block computed at once: with argpartition's int64 indices about 12 bytes each, so
# some 200 MB whatever the corpus size (a fixed 2,048 rows took 1.6 GB at 50,000 comments).
KNN_BLOCK_CELLS = 16_000_000


def exact_neighbours(embeddings: np.ndarray, k: int, chunk: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Exact cosine k-nearest neighbours of unit vectors, by chunked matrix products.

    For the corpus sizes here this takes seconds and spares UMAP its approximate
    search, whose numba compilation costs every fresh process about 40 seconds.
    """
    n = len(embeddings)
    k = min(k, n)
    chunk = chunk or max(64, min(2048, KNN_BLOCK_CELLS // max(n, 1)))
    indices = np.empty((n, k), dtype=np.int64)
    distances = np.empty((n, k), dtype=np.float32)
    for start in range(0, n, chunk):
        similarity = embeddings[start:start + chunk] @ embeddings.T
        part = np.argpartition(similarity, n - k, axis=1)[:, n - k:]  # the k largest, without a negated copy
        part_similarity = np.take_along_axis(similarity, part, axis=1)
        order = np.argsort(-part_similarity, axis=1, kind="stable")
        indices[start:start + chunk] = np.take_along_axis(part, order, axis=1)
        distances[start:start + chunk] = 1 - np.take_along_axis(part_similarity, order, axis=1)
    return indices, np.maximum(distances, 0)


def _large_corpus_labels(embeddings: np.ndarray, seed: int) -> np.ndarray:
    """UMAP on an exact neighbour graph, HDBSCAN, then each outlier joins the topic whose centre is nearest."""
    from hdbscan import HDBSCAN
    from umap import UMAP

    n = len(embeddings)
    warnings.filterwarnings("ignore", message="n_jobs value", category=UserWarning)
    warnings.filterwarnings("ignore", message="precomputed_knn", category=UserWarning)
    unit = embeddings / np.maximum(np.linalg.norm(embeddings, axis=1, keepdims=True), 1e-12)
    # A fixed seed makes UMAP single-threaded, so epochs are the cost. Measured on 11,000 real comments:
    # 100 epochs take 7.8 s instead of 13.2 s for 200, with the same number of topics and seed-to-seed
    # stability 0.68 instead of 0.69 (adjusted Rand index, three seeds).
    # PCA starts the layout instead of UMAP's default spectral one, whose eigen-solver took about a third of the
    # fit: on 11,000 real comments 5.3 CPU s instead of 7.8 per fit, 27 to 31 topics as 28 to 29, and the
    # seed-to-seed agreement of the clusters 0.64 instead of 0.58 (adjusted Rand index, three seeds).
    epochs = 100 if n >= 10_000 else 200 if n >= 5000 else None
    reducer = UMAP(n_neighbors=15, n_components=5, min_dist=0.0, metric="cosine", random_state=seed,
                   n_epochs=epochs, init="pca", precomputed_knn=(*exact_neighbours(unit, 15), None))
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


def _cluster(texts: Sequence[str], embeddings: np.ndarray, seed: int):
    """Fit topics once; return (topic per text, the BERTopic model holding their representations)."""
    from bertopic import BERTopic
    from bertopic.dimensionality import BaseDimensionalityReduction
    from sklearn.cluster import KMeans
    from sklearn.feature_extraction.text import CountVectorizer

    n = len(texts)
    vectorizer = CountVectorizer(stop_words=list(stop_words()), ngram_range=(1, 2), min_df=1 if n < 1000 else 2,
                                 token_pattern=r"(?u)\b[^\W\d_][\w'-]+\b")
    if n <= SMALL_CORPUS:
        clusterer = KMeans(n_clusters=min(_k_for(n), n), n_init=10, random_state=seed)
    else:
        clusterer = _GivenClusters(_large_corpus_labels(embeddings, seed))
    model = BERTopic(embedding_model=None, umap_model=BaseDimensionalityReduction(), hdbscan_model=clusterer,
                     vectorizer_model=vectorizer, calculate_probabilities=False, min_topic_size=2)
    topics, _ = model.fit_transform(list(texts), embeddings)
    return list(topics), model


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
) -> TopicResult:
    """Cluster ``texts`` (with their precomputed embeddings) into topics with readable labels.

    ``theme_names``, one per text, lets a topic dominated by one codebook theme carry that theme's name
    in front of its phrase; ``sentiments``, one per text, lets the label speak for the topic's dominant tone
    (see :func:`readable_label`). ``words`` keeps BERTopic's top c-TF-IDF words per topic.
    """
    n = len(texts)
    if n == 0:
        return TopicResult([], {})
    if n < 3:
        topics = [0] * n
        words = {0: frequent_words(texts)}
    else:
        raw, model = _cluster(texts, embeddings, seed)
        topics = rank_topics(raw)
        words = {}
        for original, topic in dict(zip(raw, topics)).items():
            terms = [w for w, _ in (model.get_topic(original) or [])][:4]
            words[topic] = terms or frequent_words([t for t, r in zip(texts, raw) if r == original])
    labels = label_topics(texts, topics, words, theme_names=theme_names, sentiments=sentiments)
    stability = topic_stability(texts, embeddings, seed=seed) if measure_stability and n >= 3 else None
    return TopicResult(topics, labels, words, stability)


def label_topics(texts: Sequence[str], topics: Sequence[int], words: dict[int, list[str]], *,
                 theme_names: Sequence[str] | None = None,
                 sentiments: Sequence[float] | None = None) -> dict[int, str]:
    """A :func:`readable_label` for each topic, from its members (``words`` are the fallback)."""
    from research.analysis.phrases import PhraseIndex

    index = PhraseIndex(texts)
    members_of: dict[int, list[int]] = {}
    for i, topic in enumerate(topics):
        members_of.setdefault(topic, []).append(i)
    labels = {}
    for topic, members in members_of.items():
        labels[topic] = readable_label(
            index, members, sentiments=None if sentiments is None else [sentiments[i] for i in members],
            theme_name=dominant_theme([theme_names[i] for i in members]) if theme_names is not None else "",
            fallback=words.get(topic) or frequent_words([texts[i] for i in members]))
    return _distinct(labels, {t: len(m) for t, m in members_of.items()}, words)


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


MAX_LABEL_CHARS = 60
THEME_SHARE = 0.6
"""A topic carries a codebook theme's name when at least this share of its texts has that primary theme."""
NEGATIVE, POSITIVE = -0.05, 0.05


def dominant_theme(names: Sequence[str]) -> str:
    """The theme name most of a topic's texts share (at least ``THEME_SHARE``), or "" when none does."""
    if not names:
        return ""
    name, count = Counter(names).most_common(1)[0]
    return name if name and count / len(names) >= THEME_SHARE else ""


def tone(sentiment: float) -> str:
    """"negative", "neutral" or "positive", with the dashboard's cut-offs."""
    return "negative" if sentiment <= NEGATIVE else "positive" if sentiment >= POSITIVE else "neutral"


def dominant_tone(sentiments: Sequence[float]) -> str:
    """The tone most of the texts have (ties: negative, then neutral, then positive: a complaint is what
    a finding must not hide)."""
    counts = Counter(tone(float(s)) for s in sentiments)
    return max(("negative", "neutral", "positive"), key=lambda t: counts[t]) if counts else "neutral"


def readable_label(
    index: PhraseIndex,
    members: Sequence[int],
    *,
    sentiments: Sequence[float] | None = None,
    theme_name: str = "",
    fallback: Sequence[str] = (),
) -> str:
    """A short label (at most 60 characters) that reads like a finding, built only from the texts at
    ``members`` of the ``index``'s corpus.

    The label is the phrase those texts share most and the rest of the corpus uses least
    (:meth:`research.analysis.phrases.PhraseIndex.phrases`): a whole recurring clause ("Nobody ever says
    thanks") or a recurring phrase ("No hike"). A short one is judged as most of its texts judge it ("Slow
    growth" when most say growth is slow, in the topic's tone) or else joined with a second phrase.
    With ``sentiments`` (one per member) the phrase comes from the texts of the topic's dominant tone, so a
    topic of mostly complaints about pay is not labelled by its one compliment. ``theme_name`` (the codebook
    theme most of the topic falls under) goes in front when it fits. Without a recurring phrase it falls back
    to the theme's name or the ``fallback`` words. The same texts always give the same label.
    """
    chosen, main = list(members), "neutral"
    if sentiments is not None and len(sentiments) == len(members):
        main = dominant_tone(sentiments)
        same = [m for m, s in zip(members, sentiments) if tone(float(s)) == main]
        chosen = same if len(same) >= 2 else chosen
    phrases = index.phrases(chosen)
    if not phrases:
        words = ", ".join(fallback[:3])
        label = f"{theme_name}: {words}" if theme_name and words else theme_name or words or "(no words)"
        return _shorten(label)
    label = _capitalise(phrases[0].text)
    judged = index.qualifier(phrases[0].text, chosen, main) if len(phrases[0].text.split()) <= 2 else ""
    if judged:
        label = _capitalise(f"{'lack of' if judged == 'lack' else judged} {_lower_first(phrases[0].text)}")
    elif len(phrases[0].text.split()) <= 2:
        taken = _stems(phrases[0].text)
        # The second phrase must name something itself ("work environment"), not just judge ("not good").
        second = next((p for p in phrases[1:] if len(_stems(p.text)) >= 2 and p.texts >= 0.5 * phrases[0].texts
                       and not _stems(p.text) & taken), None)
        if second is not None and len(f"{label} and {second.text}") <= MAX_LABEL_CHARS:
            label = f"{label} and {_lower_first(second.text)}"
    if theme_name and theme_name.lower() not in label.lower():
        prefixed = f"{theme_name}: {label}"
        label = prefixed if len(prefixed) <= MAX_LABEL_CHARS else label
    return _shorten(label)


def _stems(text: str) -> set[str]:
    from nltk.stem.porter import PorterStemmer

    stemmer = PorterStemmer()
    return {stemmer.stem(w) for w in text.lower().split() if w not in stop_words()}


def _capitalise(text: str) -> str:
    return text[:1].upper() + text[1:]


def _lower_first(text: str) -> str:
    """"No salary" inside a label reads "no salary"; "CRM" stays as written."""
    return text[:1].lower() + text[1:] if text[1:2].islower() else text


def _shorten(label: str) -> str:
    """At most ``MAX_LABEL_CHARS``, cut at a word boundary."""
    if len(label) <= MAX_LABEL_CHARS:
        return label
    return label[:MAX_LABEL_CHARS - 1].rsplit(" ", 1)[0].rstrip(",:;") + "…"


def typical_order(embeddings: np.ndarray, sentiments: Sequence[float],
                  themes: Sequence[str] | None = None) -> list[int]:
    """Indices of a topic's texts, most typical first; only texts of the topic's dominant tone.

    Typical means: of the tone most of the topic's texts have (a topic of complaints is never illustrated
    by its one compliment), then, with ``themes`` (each text's primary theme), of the theme most of the
    topic's texts have, then closest to the topic's centre (the normalised mean of the unit ``embeddings``).
    The theme comes before the centre because the centre of a topic that mixes two themes is the text that
    mentions both: on 480 real labelled fragments, the first three quotes had the topic's majority label
    68.5 % of the time this way and 64.8 % by the centre alone (README, "Analysis"). Ties go to the earlier
    index, so the order is deterministic.
    """
    n = len(embeddings)
    if n == 0:
        return []
    vectors = np.asarray(embeddings, dtype=np.float64)
    vectors = vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)
    centre = vectors.mean(axis=0)
    centre /= max(float(np.linalg.norm(centre)), 1e-12)
    closeness = vectors @ centre
    main = dominant_tone(sentiments)
    main_theme = Counter(themes).most_common(1)[0][0] if themes is not None and len(themes) else None
    keep = [i for i in range(n) if tone(float(sentiments[i])) == main]
    return sorted(keep, key=lambda i: (main_theme is not None and themes is not None and themes[i] != main_theme,
                                       -round(float(closeness[i]), 9), i))


def topic_stability(texts: Sequence[str], embeddings: np.ndarray, *, seed: int = 42) -> float:
    """Mean adjusted Rand index between the topics of three seeds (on a sample of large corpora)."""
    from sklearn.metrics import adjusted_rand_score

    n = len(texts)
    if n < 3:
        return 1.0
    index = np.arange(n)
    if n > STABILITY_SAMPLE:
        index = np.random.default_rng(seed).choice(n, STABILITY_SAMPLE, replace=False)
    sample = [texts[int(i)] for i in index]
    runs = [_cluster(sample, embeddings[index], seed + k)[0] for k in range(3)]
    pairs = [(0, 1), (0, 2), (1, 2)]
    return float(np.mean([adjusted_rand_score(runs[a], runs[b]) for a, b in pairs]))
