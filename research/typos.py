"""Words one typing slip apart: a letter added, dropped or changed, or two neighbours swapped.

Two readers need it. The themes read "salery" as the codebook's "salary" (:mod:`research.analysis.spelling`), and
redaction reads "Siobahn" as the roster's Siobhan (:mod:`research.privacy.scrambled_names`): a name typed fast on
a phone is still that person's name.
"""

from __future__ import annotations

from collections.abc import Iterable


def one_deleted(word: str) -> set[str]:
    """``word`` with each one of its letters left out."""
    return {word[:i] + word[i + 1:] for i in range(len(word))}


def one_edit_apart(a: str, b: str) -> bool:
    """Whether ``b`` is ``a`` with one letter added, dropped or changed, or two neighbours swapped."""
    if len(a) == len(b):
        differ = [i for i in range(len(a)) if a[i] != b[i]]
        return len(differ) == 1 or (len(differ) == 2 and differ[1] == differ[0] + 1
                                    and a[differ[0]] == b[differ[1]] and a[differ[1]] == b[differ[0]])
    shorter, longer = sorted((a, b), key=len)
    return len(longer) - len(shorter) == 1 and shorter in one_deleted(longer)


class NearWords:
    """The known words one edit from a word, found through one-letter deletions (as SymSpell does), so each
    lookup costs a few dictionary reads whatever the number of known words."""

    def __init__(self, known: Iterable[str]):
        self._by_deletion: dict[str, set[str]] = {}
        for word in known:
            for key in one_deleted(word) | {word}:
                self._by_deletion.setdefault(key, set()).add(word)

    def __bool__(self) -> bool:
        return bool(self._by_deletion)

    def near(self, word: str) -> list[str]:
        """The known words one edit from ``word`` (not ``word`` itself), in alphabetical order."""
        found = set().union(*(self._by_deletion.get(key, ()) for key in one_deleted(word) | {word}))
        return sorted(w for w in found if w != word and one_edit_apart(word, w))
