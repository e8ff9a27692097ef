"""The analysis pipeline: embed (with the cache), theme, topic and score a list of texts.

The embedding model and the sentiment scorer are passed in, so tests can use
small fakes and the CLI and jobs share one path.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from research.analysis.embeddings import EmbeddingCache, backend_of, embed_texts
from research.analysis.sentiment import SentimentScorer
from research.analysis.themes import ThemeMatcher
from research.analysis.topic_memory import topics_remembered
from research.analysis.topics import TopicResult
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

    names = {c.key: c.name for c in codebook}
    assignment = ThemeMatcher(embed, codebook, exemplars=exemplars).assign(vectors, body)
    report("sentiment", 0, len(body))
    lexicon = (cache.scores(body, scorer.version(), scorer.score) if cache is not None
               else scorer.lexicon_scores(body))
    sentiment = scorer.score_many(body, vectors, lexicon=lexicon)
    report("topics", 0, len(body))
    # Sentiment first, so each topic's label speaks for its dominant tone.
    topic_result = topics_remembered(body, vectors, store=cache, space=backend_of(model) or "unnamed", seed=seed,
                                     measure_stability=measure_stability,
                                     theme_names=[names.get(t, "") for t in assignment.themes], sentiments=sentiment)

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
    report("done", len(body), len(body))
    return AnalysisResult(frame, topic_result)
