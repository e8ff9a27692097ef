"""Codebook themes: each text gets the code it is most similar to, or ``other``.

A code is represented by several anchors: its name, its description, each
clause of the description, and any excerpts researchers coded with it in
interviews (so coding interviews teaches the pulse analysis). A text's score
for a code is its best cosine similarity to any of the code's anchors.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from research.codebook import DEFAULT_CODEBOOK, CodeDefinition

OTHER = "other"
DEFAULT_MIN_SIMILARITY = 0.35

Embed = Callable[[list[str]], np.ndarray]


def code_anchors(code: CodeDefinition) -> list[str]:
    clauses = [c.strip() for c in re.split(r"[,;:.]| or ", code.description) if len(c.strip()) > 3]
    return [code.name, code.description, *clauses]


@dataclass(frozen=True)
class ThemeAssignment:
    themes: list[str]
    similarity: np.ndarray  # best similarity of each text to its theme


class ThemeMatcher:
    """Assigns codebook themes by similarity; build once per codebook and exemplar set."""

    def __init__(
        self,
        embed: Embed,
        codebook: Sequence[CodeDefinition] = DEFAULT_CODEBOOK,
        exemplars: Mapping[str, Sequence[str]] | None = None,
        min_similarity: float = DEFAULT_MIN_SIMILARITY,
    ):
        self.keys = [c.key for c in codebook]
        anchors, owners = [], []
        for index, code in enumerate(codebook):
            texts = code_anchors(code) + list((exemplars or {}).get(code.key, ()))
            anchors += texts
            owners += [index] * len(texts)
        self._anchors = embed(anchors)
        self._owners = np.asarray(owners)
        self.min_similarity = min_similarity

    def scores(self, embeddings: np.ndarray) -> np.ndarray:
        """Similarity of each text (row) to each code (column)."""
        similarity = embeddings @ self._anchors.T
        result = np.full((len(embeddings), len(self.keys)), -1.0, dtype=np.float32)
        for index in range(len(self.keys)):
            columns = self._owners == index
            if columns.any() and len(embeddings):
                result[:, index] = similarity[:, columns].max(axis=1)
        return result

    def assign(self, embeddings: np.ndarray) -> ThemeAssignment:
        if len(embeddings) == 0:
            return ThemeAssignment([], np.zeros(0, dtype=np.float32))
        scores = self.scores(embeddings)
        best = scores.argmax(axis=1)
        top = scores.max(axis=1)
        themes = [self.keys[b] if s >= self.min_similarity else OTHER for b, s in zip(best, top)]
        return ThemeAssignment(themes, top)
