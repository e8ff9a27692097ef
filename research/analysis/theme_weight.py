"""Which of a comment's themes is its primary: the one it gives most weight, the first raised when two weigh the
same.

A comment that lists "salary, bonus and hikes are good, managers too" is about pay first. Its embedding is one
average of everything it says, so the whole-text scores can put managers on top; read part by part, three parts
are about pay and one about managers. So when a comment's best codes are close, it is cut into its parts
(sentences, clauses, list items) and each part is matched alone: the code most parts are about wins, and among
codes as many parts are about, the one raised first. This is how careful human coders pick a primary (the
guidelines of the real labelled file the benchmark uses say the same); on it, with the fragments split in two
fixed halves and :data:`CLOSE` chosen on the first, the held-out half's NMI rose from 0.49 to 0.52 on ten
categories and from 0.51 to 0.59 on six (``bench/quality.py``; README, Benchmarks). The secondary is then the
next of the close codes the parts raise ("Flexible timings, good salary": schedule, then pay), not merely the
next likeliest; on the same file that made a secondary match the label's primary more often (macro-F1 counting
a ``theme2`` match, half B: ten categories 0.708 to 0.722, six 0.784 to 0.829).

Only comments whose best codes are close are cut (:func:`research.text_parts.parts_of`), so most comments cost
nothing more; the parts' embeddings are cached like any text's, and erasing a comment erases its parts' entries.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

CLOSE = 0.35
"""A code is a contender for primary when its probability is at least this share of the best code's."""
CONTENDERS = 3


def contenders(probabilities: np.ndarray) -> list[int]:
    """The codes (columns, best first) close enough to the best to be the primary instead."""
    order = np.argsort(-probabilities, kind="stable")[:CONTENDERS]
    return [int(c) for c in order if probabilities[c] >= CLOSE * probabilities[order[0]]]


def by_weight(part_scores: np.ndarray, candidates: Sequence[int], min_score: float) -> list[int]:
    """The candidate codes some part (row of ``part_scores``) is about, weightiest first: by how many parts are
    about each, the first raised among equals. A part is about its best-scoring code when that score reaches
    ``min_score``."""
    about = [int(row.argmax()) if row.max() >= min_score else -1 for row in part_scores]
    counts = {c: about.count(c) for c in candidates if c in about}
    return sorted(counts, key=lambda code: (-counts[code], about.index(code)))
