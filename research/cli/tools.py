"""The analysis's heavy tools, opened once per command and closed after it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from research.analysis.embeddings import load_embedding_model
from research.analysis.sentiment import TUNED_PATH, UNSURE, SentimentScorer, load_tuned_model
from research.errors import FrontlineError
from research.settings import Settings
from research.store.embedding_cache import EmbeddingCache


@contextmanager
def analysis_tools(settings: Settings) -> Iterator[tuple[Any, SentimentScorer, EmbeddingCache]]:
    """The embedding model, the sentiment scorer (with the fine-tuned model when the settings ask for it) and the
    cache beside the data, closed afterwards."""
    model = load_embedding_model(settings.embedding_model, backend=settings.embedding_backend,
                                 export_dir=settings.cache_dir / "models")
    cache = EmbeddingCache(settings.embedding_cache_path, settings.embedding_model)
    try:
        yield model, sentiment_scorer(settings), cache
    finally:
        cache.close()


def sentiment_scorer(settings: Settings) -> SentimentScorer:
    """The sentiment scorer ``FRONTLINE_SENTIMENT_MODEL`` asks for: the head, with the fine-tuned model reading
    the texts it is unsure of or every text."""
    if settings.sentiment_model == "head":
        return SentimentScorer(settings.nltk_data_dir)
    tuned = load_tuned_model()
    if tuned is None:  # deleted since the settings were read
        raise FrontlineError("FRONTLINE_SENTIMENT_MODEL asks for the fine-tuned model, but this "
                             f"installation has no {TUNED_PATH}; use `head`")
    unsure = UNSURE if settings.sentiment_model == "head+fine-tuned-when-unsure" else None
    return SentimentScorer(settings.nltk_data_dir, tuned=tuned, unsure=unsure)
