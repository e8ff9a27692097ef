"""The topic fit split across two threads (:mod:`research.analysis.pipeline`) must give what one thread gives."""

import threading

import numpy as np

from research.analysis import neighbours
from research.analysis.topics import cluster_topics, fit_topics


def _corpus(n=420, seed=3):
    """Three groups of unit vectors with words to match: more than SMALL_CORPUS, so UMAP and HDBSCAN run."""
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(3, 24))
    groups = rng.integers(0, 3, size=n)
    vectors = (centres[groups] + 0.3 * rng.normal(size=(n, 24))).astype(np.float32)
    words = ["rota breaks shifts", "pay salary raise", "crm system logs"]
    texts = [f"{words[g]} {i}" for i, g in enumerate(groups)]
    return texts, vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def test_a_clustering_made_beforehand_gives_the_same_topics_labels_and_stability():
    texts, vectors = _corpus()
    alone = fit_topics(texts, vectors, seed=5)
    prepared = fit_topics(texts, vectors, seed=5, clustering=cluster_topics(texts, vectors, seed=5))
    assert (prepared.topics, prepared.labels, prepared.words) == (alone.topics, alone.labels, alone.words)
    assert prepared.stability == alone.stability is not None


def test_the_gil_free_layout_epoch_lays_out_exactly_as_umaps_own(monkeypatch):
    from umap import UMAP, layouts

    from research.analysis import umap_kernels

    umap_kernels.prepare_umap_kernels()
    assert layouts._nb_optimize_layout_euclidean_single_epoch.targetoptions.get("nogil")
    _, vectors = _corpus(200)

    def layout():
        return UMAP(n_neighbors=10, n_components=3, random_state=7, n_epochs=30, init="random").fit_transform(vectors)

    free = layout()
    monkeypatch.setattr(layouts, "_nb_optimize_layout_euclidean_single_epoch", umap_kernels.umap_epoch)
    assert np.array_equal(free, layout())


def test_a_neighbour_search_does_not_wait_behind_another_threads_search_of_other_vectors(monkeypatch):
    """The stability sample's search on the topic thread must not queue behind the corpus's on the main one."""
    real = neighbours._exact_neighbours
    first_started, release = threading.Event(), threading.Event()

    def held(embeddings, k, chunk):
        if len(embeddings) == 50:  # the "corpus": held until the other search has finished
            first_started.set()
            assert release.wait(30)
        return real(embeddings, k, chunk)

    monkeypatch.setattr(neighbours, "_exact_neighbours", held)
    _, vectors = _corpus(80, seed=9)
    results = {}
    corpus = threading.Thread(target=lambda: results.update(corpus=neighbours.exact_neighbours(vectors[:50], 5)))
    corpus.start()
    assert first_started.wait(30)
    sample = neighbours.exact_neighbours(vectors[50:], 5)  # returns while the other search is still held
    release.set()
    corpus.join(30)
    assert sample[0].shape == (30, 5) and results["corpus"][0].shape == (50, 5)
    assert (results["corpus"][0] == real(vectors[:50], 5, None)[0]).all()
