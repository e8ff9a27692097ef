"""A roster name with its letters moved: typed backwards ("rofakO moT", "r o f a k O") or broken into pieces
("Oka for", "Ok af or").

An insider review (2026-12-07, the second that day) put both through to executives' quotes: the name finder
reads whole words the right way round. Only the roster's distinctive parts are looked for (four letters or more
and no English word: "Okafor", "Siobhan"), since any text has words that read as something backwards or run
together ("Noel" and "Leon", "page turner"); on 21,184 real employee fragments, with a roster of 300 names, these
rules change nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from research.privacy.gazetteer import TOKEN, fold, gazetteer

_SPACED = re.compile(r"(?<![\w.])(?:[^\W\d_][ .*_-]{1,3}){3,}[^\W\d_](?![\w-])")
"""Letters typed apart, at least four of them ("r o f a k O")."""


class ScrambledNames:
    """Finds a roster's names typed backwards or in pieces; build one per roster and reuse it."""

    def __init__(self, roster: Iterable[str]):
        self._parts: dict[str, set[str]] = {}  # a distinctive part -> every part of its names
        for entry in roster:
            parts = [fold(p) for p in TOKEN.findall(entry or "")]
            for part in parts:
                if len(part) >= 4 and not gazetteer().is_word(part):
                    self._parts.setdefault(part, set()).update(p for p in parts if len(p) >= 2)

    def find(self, text: str) -> list[tuple[int, int]]:
        """(start, end) of each such name in ``text``."""
        if not self._parts:
            return []
        toks = list(TOKEN.finditer(text))
        found = self._backwards(toks) + self._in_pieces(text, toks)
        for match in _SPACED.finditer(text):
            if fold("".join(ch for ch in match.group(0) if ch.isalpha()))[::-1] in self._parts:
                found.append(match.span())
        return found

    def _backwards(self, toks: list[re.Match]) -> list[tuple[int, int]]:
        found = []
        for i, tok in enumerate(toks):
            key = fold(tok.group(0))[::-1]
            if key in self._parts and key != key[::-1]:
                start, end = tok.span()
                for j in (i - 1, i + 1):  # the rest of the name, backwards too ("rofakO moT")
                    if 0 <= j < len(toks) and fold(toks[j].group(0))[::-1] in self._parts[key]:
                        start, end = min(start, toks[j].start()), max(end, toks[j].end())
                found.append((start, end))
        return found

    def _in_pieces(self, text: str, toks: list[re.Match]) -> list[tuple[int, int]]:
        found = []
        for i in range(len(toks)):
            for size in (2, 3):
                group = toks[i:i + size]
                if len(group) < size or any(text[a.end():b.start()] != " " for a, b in zip(group, group[1:])):
                    break
                # Pieces that are all words ("oka for") count only with a capital, as a name is written.
                if fold("".join(t.group(0) for t in group)) in self._parts and (group[0].group(0)[0].isupper() or
                        not all(gazetteer().is_word(fold(t.group(0))) for t in group)):
                    found.append((group[0].start(), group[-1].end()))
        return found
