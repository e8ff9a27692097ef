"""Roster names that are also words, found by the names around them: lists, a name called out, an address.

A roster first name or surname that is a word ("tom", "grace", "will", "hill", "marsh") counts alone only where the
words beside it say a person is meant (:mod:`research.privacy.roster_words`). An insider review (2026-12-07) kept
whole what agents type every day around such names: a list ("kev and tom covered my shift", "shout out to tom,
grace and will", "TLs: Okafor, Shah, Marsh", "Marsh/Hill run the rota"), a name called out at a sentence's start
("Tom, you are the worst TL", "Hill, Grace never replies") and the name before an address ("tom okafor at
frontline dot co dot uk" left "tom"). Here such a word is a name:

- joined by a list's comma, slash, plus, "&", "and" or "or" to a name already found, or to another such word;
- with a capital at a sentence's start, right before a comma;
- right before an e-mail address already found.

And a roster name in forms a second review (that evening) found typed on phones: its possessive without the
apostrophe ("mark youngs attitude", "daniel prices team", and one part alone before what a person owns, "lees
team", or opening a sentence before "a", "always" or "never": "deans a legend") and the first name's initial
before the surname ("d price", "d. price"); see :func:`roster_name_forms`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from functools import lru_cache

from research.privacy.gazetteer import fold
from research.privacy.name_shapes import PARTICLES
from research.privacy.names import _DETERMINERS as DETERMINERS
from research.privacy.names import _TITLES, _parts, tokens
from research.privacy.roster_words import CLAUSE_STARTS

# "Mr. John Smith MD", "Jan van der Berg" on a roster: "and der" in a German form's labels is no list of people
_NOT_NAME_PARTS = _TITLES | PARTICLES | frozenset("jr sr md phd dds dvm ii iii iv".split())

_JOINER = re.compile(r"\s*(?:[,/+&]|\band\b|\bn\b|\bor\b)\s*", re.IGNORECASE)
OWNED = frozenset("""
team desk shift shifts rota calls queue stats manager boss tl fault idea attitude mate mates car number phone email
wife husband partner favourite favorite pet job break breaks lunch seat line group side mood feedback approach
""".split())
"""What a person's name without its apostrophe owns: "lees team", "amirs desk"."""


def _name_parts(entry: str | None) -> list[str]:
    """The folded parts of one roster name that can stand for the person: two letters or more, no title."""
    return [p for p in _parts(entry or "") if len(p) >= 2 and p not in _NOT_NAME_PARTS]


def roster_word_keys(roster: Iterable[str]) -> frozenset[str]:
    """The folded parts of the roster's names."""
    return frozenset(p for entry in roster for p in _name_parts(entry))


def roster_words_beside(text: str, found: Sequence[tuple[int, int, str]], keys: frozenset[str]
                        ) -> list[tuple[int, int]]:
    """(start, end) of each roster word in ``text`` that the names and addresses ``found`` (start, end, kind),
    or the list it stands in, show to be a person."""
    if not keys:
        return []
    taken = [(start, end) for start, end, _ in found]
    toks = [t for t in tokens(text, taken) if fold(t.text) in keys or t.key in keys]
    names = [(start, end) for start, end, kind in found if kind == "name"]
    emails = [start for start, _, kind in found if kind == "email"]
    marked: set[int] = set()
    for i, tok in enumerate(toks):
        if tok.cap and tok.initial and text.startswith(",", tok.end):
            marked.add(i)
        if any(start >= tok.end and not text[tok.end:start].strip() for start in emails):
            marked.add(i)
    changed = True
    while changed:  # a list grows from any name in it, found or marked
        changed = False
        ends = names + [(toks[i].start, toks[i].end) for i in marked]
        for i, tok in enumerate(toks):
            if i in marked:
                continue
            joined = any(_JOINER.fullmatch(text[end:tok.start]) for _, end in ends if end <= tok.start) or any(
                _JOINER.fullmatch(text[tok.end:start]) for start, _ in ends if start >= tok.end)
            neighbour = any(j != i and (_JOINER.fullmatch(text[toks[j].end:tok.start]) if toks[j].end <= tok.start
                                        else _JOINER.fullmatch(text[tok.end:toks[j].start])) for j in range(len(toks)))
            if joined or neighbour:
                marked.add(i)
                changed = True
    return sorted((toks[i].start, toks[i].end) for i in marked)


def roster_pairs(roster: Iterable[str]) -> frozenset[tuple[str, str]]:
    """(first name, surname) of each roster name of two parts or more, folded."""
    return frozenset((parts[0], parts[-1]) for entry in roster if len(parts := _name_parts(entry)) >= 2)


def roster_name_forms(text: str, found: Sequence[tuple[int, int, str]], pairs: frozenset[tuple[str, str]],
                      keys: frozenset[str] = frozenset()) -> list[tuple[int, int]]:
    """(start, end) of each roster name written as its possessive without the apostrophe ("mark youngs", also
    the surname's part when the first name was found alone) or as the first name's initial and the surname
    ("d price", "d. price")."""
    if not pairs and not keys:
        return []
    toks = tokens(text, [(start, end) for start, end, kind in found if kind != "name"])
    spans = []
    for i, tok in enumerate(toks):  # "lees team", "deans a legend"
        if tok.key.endswith("s") and tok.key[:-1] in keys and i + 1 < len(toks):
            before = toks[i - 1].key if i else None
            after = toks[i + 1].key
            if before not in DETERMINERS and (after in OWNED or (after in ("a", "an", "always", "never") and (
                    before is None or before in CLAUSE_STARTS or tok.initial))):
                spans.append((tok.start, tok.end))
    surnames_of, by_initial = _surnames(pairs)
    for first, second in zip(toks, toks[1:], strict=False):
        gap = text[first.end:second.start]
        owned = second.key.endswith("s") and second.key[:-1] in surnames_of.get(first.key, ()) and not gap.strip()
        initial = second.key in by_initial.get(first.key, ()) and (
            gap.strip() == "." or (not gap.strip() and first.key not in ("a", "i", "o")))  # "a white paper"
        if owned or initial:
            spans.append((first.start, second.end))
    return spans


@lru_cache(maxsize=8)
def _surnames(pairs: frozenset[tuple[str, str]]) -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    """The roster's surnames by first name and by the first name's initial: looked up per pair of words, where
    trying every pair of a 300-name roster took half of redaction's time."""
    by_name: dict[str, set[str]] = {}
    by_initial: dict[str, set[str]] = {}
    for name, surname in pairs:
        by_name.setdefault(name, set()).add(surname)
        by_initial.setdefault(name[0], set()).add(surname)
    return by_name, by_initial
