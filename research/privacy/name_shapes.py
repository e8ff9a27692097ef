"""How names are written in some languages and how a roster's names are built: what the name finder must see.

* A Turkish case ending after an apostrophe ("Ayşe'ye", "Mehmet'in") or an Italian or French elision before
  one ("all'Ilaria", "d'Angelo") made the whole word no name, so the name went through (an insider review,
  2026-12-07). :func:`named_part` gives the part that may be a name. A one-letter head stays part of the name
  ("O'hara", "D'lima" are names as written), and so do English contractions ("Don't", "Ain't").
* A roster name's particles ("van der" of Jan van der Berg) are matched alone only with a capital, as roster
  names that are English words are; "der" alone said nothing of whom a comment meant, and every German "der"
  was replaced. Only particles that are no surname of their own are listed: "Das", "Du", "De", "Le" are.
"""

from __future__ import annotations

from collections.abc import Callable

PARTICLES = frozenset("van der den von ter del della dos bin binti".split())
_CONTRACTED = frozenset({"t", "s"})


def named_part(word: str, is_name: Callable[[str], bool]) -> str:
    """The part of ``word`` that is a name by ``is_name``: "Ayşe" of "Ayşe'ye", "Ilaria" of "all'Ilaria"; else
    ``word`` itself, so a name written with an apostrophe ("Da'shawn") is read whole, as it always was."""
    head, _, tail = word.replace("’", "'").partition("'")
    if not tail or "'" in tail:
        return word
    if len(head) >= 2 and head[:1].isupper() and tail.islower() and len(tail) <= 6 and tail not in _CONTRACTED:
        return head if is_name(head) else word
    if head.islower() and len(head) <= 4 and tail[:1].isupper():
        return tail if is_name(tail) else word
    return word
