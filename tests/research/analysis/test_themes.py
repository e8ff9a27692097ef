"""Label spreading: with examples, texts that read alike are coded alike."""

import numpy as np

from research.analysis.themes import spread


def _unit(rows: np.ndarray) -> np.ndarray:
    return (rows / np.linalg.norm(rows, axis=1, keepdims=True)).astype(np.float32)


def _two_groups(rng: np.random.Generator, size: int = 30) -> np.ndarray:
    """Two tight groups of texts, far apart: around the first axis and around the second."""
    first = np.zeros((size, 8))
    first[:, 0] = 1.0
    second = np.zeros((size, 8))
    second[:, 1] = 1.0
    return _unit(np.vstack([first, second]) + rng.normal(scale=0.05, size=(2 * size, 8)))


def test_a_text_its_own_evidence_is_unsure_about_joins_the_code_of_the_texts_it_reads_like():
    vectors = _two_groups(np.random.default_rng(0))
    probabilities = np.vstack([np.tile([0.9, 0.1], (30, 1)), np.tile([0.1, 0.9], (30, 1))])
    probabilities[5] = [0.45, 0.55]  # in the first group, but its own score leans slightly to the second code
    probabilities[40] = [0.52, 0.48]  # in the second group, leaning slightly to the first code
    result = spread(vectors, probabilities)
    assert result[5].argmax() == 0 and result[40].argmax() == 1
    assert np.allclose(result.sum(axis=1), 1.0)


def test_a_confident_text_keeps_its_code_among_neighbours_of_another():
    vectors = _two_groups(np.random.default_rng(1))
    probabilities = np.vstack([np.tile([0.6, 0.4], (30, 1)), np.tile([0.4, 0.6], (30, 1))])
    probabilities[3] = [0.02, 0.98]  # in the first group, but its own evidence is clear
    assert spread(vectors, probabilities)[3].argmax() == 1


def test_spreading_leaves_a_single_text_as_it_was():
    alone = np.array([[0.3, 0.7]])
    assert np.array_equal(spread(_unit(np.ones((1, 4))), alone), alone)


def test_the_topics_reuse_the_neighbour_search_spreading_made(monkeypatch):
    from research.analysis import neighbours

    searches = []
    real = neighbours._exact_neighbours
    monkeypatch.setattr(neighbours, "_exact_neighbours", lambda *a: searches.append(a[1]) or real(*a))
    vectors = _two_groups(np.random.default_rng(2), size=40)
    spread(vectors, np.tile([0.5, 0.5], (80, 1)))
    unit = neighbours.unit_rows(vectors)
    indices, distances = neighbours.exact_neighbours(unit, neighbours.UMAP_NEIGHBOURS)
    fresh = real(unit, neighbours.UMAP_NEIGHBOURS, None)
    assert searches == [neighbours.UMAP_NEIGHBOURS]  # one search, not two
    assert (indices == fresh[0]).all() and np.allclose(distances, fresh[1])
    neighbours.exact_neighbours(unit[:70], 5)  # other vectors: searched afresh
    assert searches == [neighbours.UMAP_NEIGHBOURS, 5]
