"""Roster names typed in disguise: digits and symbols for letters ("T0m 0kafor", "pr1ya", "gr@ce") and initials
("T.O. never helps").

An insider review (2026-12-07) read colleagues through both: the name finder reads words made of letters, so
"T0m 0kafor" kept "T0m" and a stray "0", and initials were no name at all. Only the roster's people are looked
for in these forms: the gazetteer would find names in what agents write with digits every day ("5am" reads
"sam"), and a colleague is who an insider would single out.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from research.privacy.gazetteer import TOKEN, fold

_STANDS_FOR = ("013457@$", "oieastas")
"""Characters typed for letters, and the letters: 0 o, 1 i (and l, tried too), 3 e, 4 a, 5 s, 7 t, @ a, $ s."""
_READINGS = (str.maketrans(*_STANDS_FOR), str.maketrans(_STANDS_FOR[0], "oleastas"))
_DISGUISED = re.compile(r"[^\W_]*(?:[^\W\d_][013457@$]|[013457@$][^\W\d_])[\w@$]*")
"""A run mixing letters with the characters typed for them, either way round."""
_PLAIN_USE = re.compile(r"\d+(?:am|pm|st|nd|rd|th|s|k|m|h|hr|hrs|min|mins|x|ish)", re.IGNORECASE)
"""Digits with a letter that is no disguise: "5am", "1st", "40s", "3x", "10k"."""
_LETTER = r"([^\W\d_])"
_INITIALS = re.compile(
    rf"(?<![\w.]){_LETTER}\.\s?{_LETTER}\.(?:\s?{_LETTER}\.)?|(?<![\w.]){_LETTER}\.{_LETTER}(?![\w.])")
_NOT_INITIALS = frozenset("eg ie am pm uk us nb ps qa hr it".split())
"""Dotted letters that stand for words ("e.g.", "p.m.", "Q.A."), whoever is on the roster."""


def readings(text: str) -> list[str]:
    """The text with each disguised run read as letters, one string per reading of "1" (i, then l), each as long
    as the text so positions carry over; none when nothing is disguised."""
    runs = [m.span() for m in _DISGUISED.finditer(text) if not _PLAIN_USE.fullmatch(m.group(0))]
    if not runs:
        return []
    found = []
    for table in _READINGS:
        chars = list(text)
        for start, end in runs:
            chars[start:end] = text[start:end].translate(table)
        found.append("".join(chars))
    return list(dict.fromkeys(found))


def disguised_spans(text: str, reading: str, spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """The ``spans`` found in ``reading`` that cover a character it reads differently from ``text``."""
    return [(s, e) for s, e in spans if text[s:e] != reading[s:e]]


def roster_initials(roster: Iterable[str]) -> frozenset[str]:
    """Each roster name's initials, first and last ("to" for Tom Okafor) and every part ("tao" for Tom A. Okafor)."""
    found = set()
    for entry in roster:
        parts = [fold(p)[0] for p in TOKEN.findall(entry or "")]
        if len(parts) >= 2:
            found |= {parts[0] + parts[-1], "".join(parts[:3])}
    return frozenset(found - _NOT_INITIALS)


def initials_spans(text: str, initials: frozenset[str]) -> list[tuple[int, int]]:
    """Where ``text`` has dotted initials ("T.O.", "t. o.", "T.O") that are a roster name's."""
    return [m.span() for m in _INITIALS.finditer(text)
            if fold("".join(g for g in m.groups() if g)) in initials]
