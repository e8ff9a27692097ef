"""Exact cosine nearest neighbours of a corpus's embeddings, searched once per corpus and shared.

The themes (label spreading) and the topics (UMAP's graph) both read the corpus's 15 nearest neighbours, and a
topic fit may read them on another thread than the one that searched (see :mod:`research.analysis.pipeline`),
so searches are remembered by content and each runs once, on the first thread that asks.
"""

from __future__ import annotations

import threading

import numpy as np

# Cells of the similarity block computed at once: with argpartition's int64 indices about 12 bytes each, so
# some 200 MB whatever the corpus size (a fixed 2,048 rows took 1.6 GB at 50,000 comments).
KNN_BLOCK_CELLS = 16_000_000
UMAP_NEIGHBOURS = 15


def unit_rows(embeddings: np.ndarray) -> np.ndarray:
    """Rows scaled to length 1: the same bytes for the themes and the topics, so they share one neighbour search."""
    return embeddings / np.maximum(np.linalg.norm(embeddings, axis=1, keepdims=True), 1e-12)


_searches: dict[tuple, _Search] = {}
"""Neighbour searches by content: the corpus's and a stability sample's (:data:`KEPT_SEARCHES`)."""
_searches_lock = threading.Lock()
KEPT_SEARCHES = 2


class _Search:
    """One neighbour search, run by the first thread that asks; any other waits for it, not for other searches."""

    def __init__(self, k: int):
        self.k = k
        self.done = threading.Event()
        self.result: tuple[np.ndarray, np.ndarray] | None = None


def exact_neighbours(embeddings: np.ndarray, k: int, chunk: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Exact cosine k-nearest neighbours of unit vectors, by chunked matrix products, nearest first.

    For the corpus sizes here this takes seconds and spares UMAP its approximate
    search, whose numba compilation costs every fresh process about 40 seconds. The last two searches are
    remembered by content, so themes (label spreading) and topics search once (2.5 CPU s at 10,000), and a
    topic fit on another thread reads the search this one makes; a smaller k reads it. While one thread
    searches, another may search other vectors (a stability sample) instead of waiting behind it.
    """
    import hashlib
    key = (embeddings.shape, str(embeddings.dtype), chunk,
           hashlib.blake2b(np.ascontiguousarray(embeddings).tobytes(), digest_size=16).digest())
    wanted = min(k, len(embeddings))
    while True:
        with _searches_lock:
            search = _searches.get(key)
            mine = search is None or (search.done.is_set() and search.k < wanted)
            if mine:
                search = _Search(k)
                _searches.pop(key, None)  # inserted last, so the oldest other search is the one forgotten
                _searches[key] = search
                while len(_searches) > KEPT_SEARCHES:
                    _searches.pop(next(iter(_searches)))
        assert search is not None
        if mine:
            try:
                search.result = _exact_neighbours(embeddings, k, chunk)
            finally:
                search.done.set()
                if search.result is None:  # failed (the error goes on up): the next caller searches again
                    with _searches_lock:
                        if _searches.get(key) is search:
                            del _searches[key]
        search.done.wait()
        if search.result is not None and search.k >= wanted:
            return search.result[0][:, :k].copy(), search.result[1][:, :k].copy()  # copies: callers may write


def _exact_neighbours(embeddings: np.ndarray, k: int, chunk: int | None) -> tuple[np.ndarray, np.ndarray]:
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
