"""UMAP's serial layout epoch behind a kernel compiled with ``nogil``; see :mod:`research.analysis.umap_kernels`.

A module of its own, imported only once UMAP's own epoch is cached, so that the wrapper calls it through a module
global: numba keys a closure's disk cache by the closed-over objects, which differ in every process, so a closure
was compiled afresh (about 2 s) in each one and its cache index grew without end.
"""

from __future__ import annotations

import numba
from umap.layouts import _nb_optimize_layout_euclidean_single_epoch as _umap_epoch

if getattr(_umap_epoch, "targetoptions", {}).get("nogil"):  # pragma: no cover - imported after the swap
    raise ImportError("UMAP's epoch was already replaced; import this module before replacing it")


@numba.njit(nogil=True, cache=True)
def gil_free_epoch(head_embedding, tail_embedding, head, tail, n_vertices, epochs_per_sample, a, b,
                   rng_state_per_sample, gamma, dim, move_other, alpha, epochs_per_negative_sample,
                   epoch_of_next_negative_sample, epoch_of_next_sample, n, densmap_flag, dens_phi_sum, dens_re_sum,
                   dens_re_cov, dens_re_std, dens_re_mean, dens_lambda, dens_r, dens_mu, dens_mu_tot):
    _umap_epoch(head_embedding, tail_embedding, head, tail, n_vertices, epochs_per_sample, a, b,
                rng_state_per_sample, gamma, dim, move_other, alpha, epochs_per_negative_sample,
                epoch_of_next_negative_sample, epoch_of_next_sample, n, densmap_flag, dens_phi_sum, dens_re_sum,
                dens_re_cov, dens_re_std, dens_re_mean, dens_lambda, dens_r, dens_mu, dens_mu_tot)
