"""The analysis pipeline: embed (with the cache), theme, topic and score a list of texts.

The embedding model and the sentiment scorer are passed in, so tests can use
small fakes and the CLI and jobs share one path.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from research.analysis.embeddings import EmbeddingCache, backend_of, embed_texts
from research.analysis.phrases import PhraseIndex
from research.analysis.sentiment import SentimentScorer
from research.analysis.themes import ThemeMatcher
from research.analysis.topic_memory import needs_new_fit, topics_remembered
from research.analysis.topics import SMALL_CORPUS, TopicResult, cluster_topics, prepare_neighbours
from research.codebook import DEFAULT_CODEBOOK, CodeDefinition

NO_TEXT_TOPIC = -1

Progress = Callable[[str, int, int], None]


@dataclass
class AnalysisResult:
    """One row per input text (``theme`` with ``theme_confidence``, ``theme2`` with ``theme2_confidence``,
    ``topic``, ``topic_label``, ``sentiment``) and the topic model's summary."""

    rows: pd.DataFrame
    topics: TopicResult


def analyze_texts(
    texts: Sequence[str],
    *,
    model,
    scorer: SentimentScorer,
    cache: EmbeddingCache | None = None,
    codebook: Sequence[CodeDefinition] = DEFAULT_CODEBOOK,
    exemplars: Mapping[str, Sequence[str]] | None = None,
    seed: int = 42,
    measure_stability: bool = True,
    progress: Progress | None = None,
) -> AnalysisResult:
    """Analyse ``texts`` against ``codebook`` (the one researchers edit, in jobs); blank texts get no theme or
    topic and a neutral score. ``exemplars`` (code key to texts) are coded or accepted examples."""
    report = progress or (lambda stage, done, total: None)
    cleaned = [t.strip() if isinstance(t, str) else "" for t in texts]
    present = [i for i, t in enumerate(cleaned) if t]
    body = [cleaned[i] for i in present]
    report("embedding", 0, len(body))
    vectors = embed_texts(body, model, cache=cache, progress=lambda d, t: report("embedding", d, t))

    def embed(anchors: list[str]) -> np.ndarray:
        return embed_texts(anchors, model, cache=cache)

    space = backend_of(model) or "unnamed"
    # A new topic fit's clustering (the stability seeds, then UMAP and HDBSCAN) runs on the second core while this
    # thread searches the corpus's neighbours (which the fit reads) and works out the themes and sentiment.
    with ThreadPoolExecutor(1, thread_name_prefix="topics") as background:
        prepared = (background.submit(cluster_topics, body, vectors, seed=seed, measure_stability=measure_stability)
                    if len(body) > SMALL_CORPUS and needs_new_fit(body, store=cache, space=space, seed=seed,
                                                                  measure_stability=measure_stability) else None)
        if prepared is not None:
            prepare_neighbours(vectors)
        names = {c.key: c.name for c in codebook}
        assignment = ThemeMatcher(embed, codebook, exemplars=exemplars).assign(vectors, body)
        report("sentiment", 0, len(body))
        lexicon = (cache.scores(body, scorer.version(), scorer.score) if cache is not None
                   else scorer.lexicon_scores(body))
        sentiment = scorer.score_many(body, vectors, lexicon=lexicon, cache=cache,
                                      progress=lambda d, t: report("sentiment", d, t))
        report("topics", 0, len(body))
        clustering = None
        if prepared is not None:  # the labels' phrases are extracted here while the fit finishes
            phrases = PhraseIndex(body)
            clustering = replace(prepared.result(), phrases=phrases)
    # Sentiment first, so each topic's label speaks for its dominant tone.
    topic_result = topics_remembered(body, vectors, store=cache, space=space, seed=seed,
                                     measure_stability=measure_stability, clustering=clustering,
                                     theme_names=[names.get(t, "") for t in assignment.themes], sentiments=sentiment)

    frame = _rows(cleaned, present, assignment, topic_result, sentiment)
    report("done", len(body), len(body))
    return AnalysisResult(frame, topic_result)


def _rows(cleaned: list[str], present: list[int], assignment, topic_result: TopicResult,
          sentiment: Sequence[float]) -> pd.DataFrame:
    """One row per input text; the ``present`` (non-blank) ones carry their theme, topic and sentiment."""
    frame = pd.DataFrame({"text": cleaned, "theme": "", "theme_confidence": np.nan, "theme2": "",
                          "theme2_confidence": np.nan, "topic": NO_TEXT_TOPIC, "topic_label": "", "sentiment": 0.0})
    if present:
        frame.loc[present, "theme"] = assignment.themes
        frame.loc[present, "theme_confidence"] = assignment.confidence.astype(float)
        frame.loc[present, "theme2"] = assignment.secondary
        frame.loc[present, "theme2_confidence"] = np.where(
            [bool(s) for s in assignment.secondary], assignment.secondary_confidence, np.nan)
        frame.loc[present, "topic"] = topic_result.topics
        frame.loc[present, "topic_label"] = [topic_result.labels[t] for t in topic_result.topics]
        frame.loc[present, "sentiment"] = sentiment
    frame["topic"] = frame["topic"].astype(int)
    return frame
