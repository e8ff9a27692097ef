"""Adding comments to an analysed corpus extends its remembered topics instead of fitting them again."""

import numpy as np
import pytest
from sklearn.metrics import adjusted_rand_score

from research.analysis import topic_memory
from research.analysis.embeddings import EmbeddingCache, embed_texts
from research.analysis.topic_memory import topics_remembered
from research.demo.seed import generate_responses


@pytest.fixture(scope="module")
def corpus(model):
    texts = list(dict.fromkeys(r.text for r in generate_responses() if r.text))
    return texts[:250], embed_texts(texts[:250], model)


@pytest.fixture
def fits(monkeypatch):
    """Counts the full fits topic memory asks for (it still makes them). Corpora of a few hundred are remembered
    here, so the fits are the quick k-means ones; the memory does not depend on how the topics were found."""
    monkeypatch.setattr(topic_memory, "MIN_REMEMBERED", 100)
    made = []
    real = topic_memory.fit_topics

    def counting(*args, **kwargs):
        made.append(len(args[0]))
        return real(*args, **kwargs)

    monkeypatch.setattr(topic_memory, "fit_topics", counting)
    return made


def _run(cache, texts, vectors, **kwargs):
    return topics_remembered(texts, vectors, store=cache, space="onnx-int8", **kwargs)


def test_a_few_new_comments_join_the_remembered_topics_and_the_old_keep_theirs(corpus, fits, tmp_path):
    texts, vectors = corpus
    cache = EmbeddingCache(tmp_path / "cache.sqlite", "all-MiniLM-L6-v2")
    first = _run(cache, texts[:220], vectors[:220], measure_stability=True)
    grown = _run(cache, texts, vectors, measure_stability=True)
    assert fits == [220]  # the second run fitted nothing
    assert adjusted_rand_score(first.topics, grown.topics[:220]) == 1.0
    assert grown.stability == first.stability and set(grown.labels) == set(grown.topics)
    # Each new comment joined the topic whose members it is most like.
    unit = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
    for i in range(220, 250):
        topic = grown.topics[i]
        own = unit[:220][np.asarray(grown.topics[:220]) == topic].mean(axis=0)
        others = [unit[:220][np.asarray(grown.topics[:220]) == t].mean(axis=0) for t in set(grown.topics) - {topic}]
        assert unit[i] @ own / np.linalg.norm(own) >= max(unit[i] @ o / np.linalg.norm(o) for o in others) - 1e-6


def test_topics_are_fitted_afresh_for_much_new_text_another_seed_or_after_an_erasure(corpus, fits, tmp_path):
    texts, vectors = corpus
    cache = EmbeddingCache(tmp_path / "cache.sqlite", "all-MiniLM-L6-v2")
    _run(cache, texts[:190], vectors[:190], measure_stability=False)
    _run(cache, texts, vectors, measure_stability=False)  # 60 of 250 new: over a fifth
    assert fits == [190, 250]
    _run(cache, texts, vectors, measure_stability=False, seed=7)
    assert fits == [190, 250, 250]
    _run(cache, texts, vectors, measure_stability=True)  # the fit remembered measured no stability
    assert fits == [190, 250, 250, 250]
    cache.forget(texts[:5])
    assert cache.topic_fit("onnx-int8") is None
    _run(cache, texts, vectors, measure_stability=True)
    assert fits[-1] == 250 and len(fits) == 5


def test_erasing_a_comment_erases_its_remembered_topic(corpus, fits, tmp_path):
    texts, vectors = corpus
    cache = EmbeddingCache(tmp_path / "cache.sqlite", "all-MiniLM-L6-v2")
    _run(cache, texts, vectors, measure_stability=False)
    generation, _ = cache.topic_fit("onnx-int8")
    assert set(cache.topic_members(texts, "onnx-int8", generation)) == set(texts)
    cache.forget([texts[0]])
    assert cache.topic_fit("onnx-int8") is None
    import sqlite3

    with sqlite3.connect(tmp_path / "cache.sqlite") as db:
        assert db.execute("SELECT count(*) FROM topic_members").fetchone()[0] == len(texts) - 1


def test_small_additions_add_up_to_a_new_fit(corpus, fits, tmp_path):
    """Each wave adds a little; once a fifth of the texts came after the fit, the topics are fitted again, so an
    issue that grows wave by wave can become a topic of its own."""
    texts, vectors = corpus
    cache = EmbeddingCache(tmp_path / "cache.sqlite", "all-MiniLM-L6-v2")
    _run(cache, texts[:195], vectors[:195], measure_stability=False)
    _run(cache, texts[:220], vectors[:220], measure_stability=False)  # 25 of 220 new: extended
    assert fits == [195]
    _run(cache, texts, vectors, measure_stability=False)  # 55 of 250 since the fit: over a fifth
    assert fits == [195, 250]
