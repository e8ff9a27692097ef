"""Topics carried from one analysis to the next, so adding comments to an analysed corpus does not refit them.

A full topic fit (the neighbour graph, UMAP, HDBSCAN, c-TF-IDF and the three stability seeds) is most of an
analysis's time once the embeddings are cached: about 25 CPU seconds at 11,000 comments, for a change of
1,000. So the cache keeps, per model and backend, the last full fit's topic of each text, its words and its
stability. While at most :data:`REFIT_SHARE` of the texts are new since that fit, the texts it held keep their
topics and each new one joins the topic whose centre (the mean of its members' unit vectors) is nearest; labels
are then rebuilt from the members, so they speak for the new comments too. BERTopic's own ``transform`` does
the same for new documents. With more new text than that, another seed, or after comments were erased, the
topics are fitted afresh and a new fit is remembered. The topic ids of an extension are renumbered largest
first, like a fit's.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

import numpy as np

from research.analysis.topics import SMALL_CORPUS, Clustering, TopicResult, fit_topics, label_topics, rank_topics

REFIT_SHARE = 0.2
"""The share of texts added since the last full fit (over all extensions) above which the topics are fitted
afresh."""
MIN_REMEMBERED = SMALL_CORPUS
"""Corpora this small are clustered by k-means in well under a second: nothing is worth remembering."""


class TopicStore(Protocol):
    """What topic memory needs of the cache (:class:`research.store.embedding_cache.EmbeddingCache`)."""

    def topic_fit(self, space: str) -> tuple[int, dict] | None: ...

    def topic_members(self, texts: list[str], space: str, generation: int) -> dict[str, int]: ...

    def remember_topics(self, space: str, members: dict[str, int], fit: dict, *, new_fit: bool) -> int: ...


def topics_remembered(
    texts: Sequence[str],
    embeddings: np.ndarray,
    *,
    store: TopicStore | None,
    space: str,
    seed: int = 42,
    measure_stability: bool = True,
    theme_names: Sequence[str] | None = None,
    sentiments: Sequence[float] | None = None,
    clustering: Clustering | None = None,
) -> TopicResult:
    """:func:`research.analysis.topics.fit_topics` (given ``clustering`` when one was made beforehand), or an
    extension of the fit ``store`` remembers under ``space`` when it still covers the texts (see the module's
    docstring)."""
    extended = _extend(texts, embeddings, store=store, space=space, seed=seed, measure_stability=measure_stability,
                       theme_names=theme_names, sentiments=sentiments) if store is not None else None
    if extended is not None:
        return extended
    result = fit_topics(texts, embeddings, seed=seed, measure_stability=measure_stability, theme_names=theme_names,
                        sentiments=sentiments, clustering=clustering)
    if store is not None and len(texts) >= MIN_REMEMBERED:
        store.remember_topics(space, dict(zip(texts, result.topics)), _fit_record(result, seed, measure_stability),
                              new_fit=True)
    return result


def _fit_record(result: TopicResult, seed: int, measured: bool) -> dict:
    return {"seed": seed, "stability": result.stability, "measured": measured,
            "words": {str(topic): words for topic, words in result.words.items()}}


def needs_new_fit(texts: Sequence[str], *, store: TopicStore | None, space: str, seed: int = 42,
                  measure_stability: bool = True) -> bool:
    """Whether :func:`topics_remembered` will fit the topics afresh (rather than extend a remembered fit), so a
    caller can prepare the fit's neighbour graph while it does other work."""
    return store is None or _remembered(texts, store=store, space=space, seed=seed,
                                         measure_stability=measure_stability) is None


def _remembered(texts: Sequence[str], *, store: TopicStore, space: str, seed: int, measure_stability: bool):
    """The remembered fit that still covers ``texts`` (its fit record, each held text's topic, the new texts'
    indices and the count added since the fit), or None when the topics must be fitted afresh."""
    remembered = store.topic_fit(space)
    if remembered is None:
        return None
    generation, fit = remembered
    if fit.get("seed") != seed or (measure_stability and not fit.get("measured")):
        return None
    known = store.topic_members(list(texts), space, generation)
    new = [i for i, text in enumerate(texts) if text not in known]
    fresh = {texts[i] for i in new}
    # Counted since the full fit, not since the last extension: small additions must not put off a new fit
    # for ever, or an issue that grows wave by wave would never become a topic of its own.
    added = int(fit.get("added", 0)) + len(fresh)
    if len(texts) - len(new) < MIN_REMEMBERED or added > REFIT_SHARE * len(set(texts)):
        return None
    return fit, known, new, added


def _extend(texts, embeddings, *, store: TopicStore, space: str, seed: int, measure_stability: bool,
            theme_names, sentiments) -> TopicResult | None:
    plan = _remembered(texts, store=store, space=space, seed=seed, measure_stability=measure_stability)
    if plan is None:
        return None
    fit, known, new, added = plan
    raw = np.asarray([known.get(text, -1) for text in texts])
    if new:
        held = np.flatnonzero(raw >= 0)
        ids = np.unique(raw[held])
        centres = np.vstack([embeddings[held[raw[held] == topic]].mean(axis=0) for topic in ids])
        centres /= np.maximum(np.linalg.norm(centres, axis=1, keepdims=True), 1e-12)
        raw[new] = ids[(embeddings[new] @ centres.T).argmax(axis=1)]
        fit = {**fit, "added": added}
        store.remember_topics(space, {texts[i]: int(raw[i]) for i in new}, fit, new_fit=False)
    topics = rank_topics(raw.tolist())
    renamed = dict(zip(raw.tolist(), topics))
    words = {renamed[int(old)]: list(terms) for old, terms in fit.get("words", {}).items() if int(old) in renamed}
    labels = label_topics(texts, topics, words, theme_names=theme_names, sentiments=sentiments)
    return TopicResult(topics, labels, words, fit.get("stability") if measure_stability else None)
