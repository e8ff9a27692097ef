"""UMAP's numba kernels as a topic fit needs them: compiled once on disk, and the layout free of the GIL.

Two things UMAP leaves undone for a seeded fit, which is what Frontline runs (the same texts give the same
topics):

- Three of its kernels are compiled afresh in every process, although its others are kept on disk
  (``cache=True``): the two parallel ones that build the fuzzy graph and the layout's epoch. That took 15 to 20
  of the 50-odd seconds of a cold ``frontline analyze`` of 10,000 comments.
- A seeded layout runs UMAP's serial epoch, which holds the GIL for its whole run: most of a fit's time (at
  10,000 comments about 2 of 3 s; each stability seed's 3,000 most of its 0.9 s). So a fit on one thread stopped
  the themes and sentiment on another. The epoch here is the same compiled code behind a wrapper that lets the
  GIL go, so a fit runs on the second core beside them, with the same result bit for bit.

Numba keeps compiled code beside the sources or in ``NUMBA_CACHE_DIR``; where it can write neither, the kernels
are compiled in memory, as UMAP does.
"""

from __future__ import annotations

import threading

_installed = False
_lock = threading.Lock()
umap_epoch = None
"""UMAP's own serial epoch, once :func:`prepare_umap_kernels` has put the GIL-free one in its place."""


def prepare_umap_kernels() -> None:
    """Cache UMAP's uncached kernels on disk and install the GIL-free layout epoch (once per process)."""
    global _installed
    with _lock:
        if _installed:
            return
        _installed = True
        from umap import layouts, umap_

        # Only the serial epoch: UMAP's parallel variant wraps the same function, and numba's cache does not tell
        # the two apart. A fixed seed makes UMAP use the serial one.
        for kernel in (umap_.smooth_knn_dist, umap_.compute_membership_strengths,
                       layouts._nb_optimize_layout_euclidean_single_epoch):
            try:
                kernel.enable_caching()
            except Exception:  # noqa: BLE001 - no writable cache location: compile in memory, as UMAP does
                pass
        global umap_epoch
        umap_epoch = layouts._nb_optimize_layout_euclidean_single_epoch
        try:
            from research.analysis.umap_epoch import gil_free_epoch

            layouts._nb_optimize_layout_euclidean_single_epoch = gil_free_epoch
        except Exception:  # noqa: BLE001 - numba refused: UMAP's own epoch runs, holding the GIL as before
            pass
