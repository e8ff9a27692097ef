"""A comment's parts: its sentences, clauses and list items, in order.

The themes read a comment whose best codes are close part by part (:mod:`research.analysis.theme_weight`), and
the analysis cache then holds each part under its own key; erasing a comment must find those keys too
(:meth:`research.store.embedding_cache.EmbeddingCache.forget`). Both cut a comment here, so they always agree.
"""

from __future__ import annotations

import re

MAX_PARTS = 12
"""A comment is read in at most its first this many parts: 10 of 10,000 real fragments have more, and a pasted
list of hundreds of items would otherwise cost one embedding per item."""

LETTERS = re.compile(r"[^\W\d_]+")
"""Runs of letters in any script: a text with none (commas, "?!", emoji, an invisible character) says no word."""

_PARTS = re.compile(r"(?:\.{2,}|[.;!?\n]|,|\s-\s|\band\b|\bbut\b)+", re.IGNORECASE)


def parts_of(text: str) -> list[str]:
    """The comment's first :data:`MAX_PARTS` sentences, clauses and list items, in order; parts under three
    characters dropped."""
    return [p.strip() for p in _PARTS.split(text or "") if len(p.strip()) > 2][:MAX_PARTS]
