"""Sentiment of agents' comments with NLTK's VADER.

The lexicon comes from the installed vaderSentiment package (see
:mod:`research.analysis.nltk_data`). VADER was built for social media, where
"long hours" or "understaffed" read as neutral; the workplace terms below make
complaints about hours, staffing, breaks, pay and tools read as negative.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from research.analysis.nltk_data import VADER_MEMBER, VADER_RESOURCE, ensure_nltk_data

WORKPLACE_LEXICON = {
    "understaffed": -2.2, "overworked": -2.4, "overtime": -1.2, "burnt": -2.0, "burnout": -2.5,
    "exhausted": -2.2, "freezes": -1.8, "crashes": -2.0, "crash": -1.8, "slow": -1.3, "outdated": -1.4,
    "cancelled": -1.3, "queue": -0.6, "backlog": -1.2, "rota": -0.3, "underpaid": -2.3, "unpaid": -1.6,
    "abusive": -2.6, "shouting": -1.8, "escalate": -0.8, "escalates": -0.8, "nobody": -0.8,
    "never": -0.6, "nowhere": -1.0, "dread": -2.4, "timeout": -1.2, "logs": -0.3, "broken": -1.8,
    "nightmare": -2.4, "struggle": -1.6, "listens": 1.3, "backs": 1.0, "quicker": 1.4, "manageable": 1.4,
    "appreciated": 2.0, "helped": 1.6,
}


class SentimentScorer:
    """Scores text from -1 (negative) to 1 (positive) with VADER plus workplace terms."""

    def __init__(self, nltk_dir: Path):
        ensure_nltk_data(nltk_dir)
        from nltk.sentiment.vader import SentimentIntensityAnalyzer

        self._analyzer = SentimentIntensityAnalyzer(lexicon_file=f"{VADER_RESOURCE}/{VADER_MEMBER}")
        self._analyzer.lexicon.update(WORKPLACE_LEXICON)

    def score(self, text: str) -> float:
        return float(self._analyzer.polarity_scores(text or "")["compound"])

    def score_many(self, texts: Iterable[str]) -> list[float]:
        return [self.score(t) for t in texts]
