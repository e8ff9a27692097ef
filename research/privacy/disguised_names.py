"""Names typed in disguise: digits and symbols for letters ("T0m 0kafor", "pr1ya", "gr@ce", "j0hn sm1th"),
initials ("T.O. never helps", "HG said") and a surname after initials ("D.J. Patel").

An insider review (2026-12-07) read colleagues through both: the name finder reads words made of letters, so
"T0m 0kafor" kept "T0m" and a stray "0", and initials were no name at all. Only the roster's people are looked
for in the forms that agents write every day ("5am" would read "sam", "0ne" "one"); any name the gazetteer
knows is looked for where digits stand between letters ("j0hn sm1th", "m4rk"), which plain writing seldom does.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from research.privacy.gazetteer import TOKEN, fold, gazetteer
from research.privacy.names import _DETERMINERS, _ROLES
from research.privacy.roster_lists import _JOINER, OWNED
from research.privacy.roster_words import CUES_BEFORE, PERSON_AFTER
from research.privacy.tools import TOOLS

PERSON_BEFORE = CUES_BEFORE | frozenset("""
to with by mr mrs ms miss dr prof manager supervisor lead tl boss coach trainer colleague agent director
""".split())
"""Words after which initials and a surname are a person: "tell D.J. Patel", "my manager J. Smith"."""

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
    """The ``spans`` found in ``reading`` that cover a character it reads differently from ``text``, overlapping
    ones joined ("m4rk 0k4f0r" found whole by the gazetteer and "0k4f0r" by the roster is one name)."""
    joined: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if joined and start < joined[-1][1]:
            joined[-1] = (joined[-1][0], max(end, joined[-1][1]))
        else:
            joined.append((start, end))
    return [(s, e) for s, e in joined if text[s:e] != reading[s:e]]


def roster_initials(roster: Iterable[str]) -> frozenset[str]:
    """Each roster name's initials, first and last ("to" for Tom Okafor) and every part ("tao" for Tom A. Okafor)."""
    found = set()
    for entry in roster:
        parts = [fold(p)[0] for p in TOKEN.findall(entry or "")]
        if len(parts) >= 2:
            found |= {parts[0] + parts[-1], "".join(parts[:3])}
    return frozenset(found - _NOT_INITIALS)


def initials_spans(text: str, initials: frozenset[str]) -> list[tuple[int, int]]:
    """Where ``text`` has a roster name's initials: dotted ("T.O.", "t. o.", "T.O"), or in capitals without dots
    (:func:`_bare_initials`)."""
    return [m.span() for m in _INITIALS.finditer(text)
            if fold("".join(g for g in m.groups() if g)) in initials] + _bare_initials(text, initials)


_BARE = re.compile(r"(?<![\w.@#])([A-Z]{2,3})(s?)(?![\w@]|\.\w)")
ABBREVIATIONS = frozenset("""
tl km ot pc cs cx ux ui pr ip tv ee hq nda pto dj pk sme sop bpo cc tba tbc eod fyi ooo wip uat bau kt rsvp
sm rm bm dm avp svp hod jd
""".split())
"""Letters that stand for words at work ("OT", "PTO", "EOD"), read as a roster name's initials only where a person
is plainly spoken of; the gazetteer's modern words ("HR", "QA", "WFM") and the tools ("IVR", "KB") are read the same
way."""
_LINKING = frozenset("is was isn't wasn't isnt wasnt are were has had hasn't hadn't from".split())
"""Words after a person that follow a thing as often ("OT is given"): not enough to make a word's letters a name."""
_PLURAL = frozenset("are were".split())
"""One person is not "are": "Managers in DS are" names a department."""


def _bare_initials(text: str, initials: frozenset[str]) -> list[tuple[int, int]]:
    """A roster name's initials in capitals without dots ("HG said", "(MB) moved my shift", "HGs team"; two
    measurements of 2026-12-07 saw four of five, then 32 of 62, such come through), and any joined to them in a
    list ("HG and JT were shouting", "MB/DB/CE").

    They stay after "the" or a number ("the DB went down", "500 MB"), with an "s" that is a plural ("TVs"), and
    before a capitalised word ("JP Morgan", and then anywhere in that text). Alone, they stay before "are"
    ("Managers in DS are"), and letters that are a word, a role, a tool or an abbreviation ("OK", "SO", "TL", "KB",
    "OT") are initials only after a cue ("ask OK") or before a possessive or a verb that things seldom take ("OT is
    given" keeps its word)."""
    named = {m[1] for m in re.finditer(r"\b([A-Z]{2,3}) [A-Z][a-z]", text)}  # "JP Morgan ... JP is"
    candidates = []
    for match in _BARE.finditer(text):
        key = match.group(1).lower()
        if key not in initials or key in _ROLES or match.group(1) in named:
            continue
        before = _WORD_BEFORE.search(text[max(0, match.start() - 40):match.start()])
        after = _WORD_AFTER.search(text[match.end():match.end() + 40])
        prior, verb = (before[1].lower() if before else ""), (after[1].lower() if after else "")
        if (prior in _DETERMINERS or text[:match.start()].rstrip()[-1:].isdigit()
                or (match.group(2) and verb not in OWNED)  # "TVs", but "HGs team"
                or (after and after[1][:1].isupper() and not after[1].isupper() and verb not in PERSON_AFTER)):
            continue
        candidates.append((match, prior, verb))
    found = {m.span() for m, prior, verb in candidates if _spoken_of(text, m, prior, verb)}
    grown = True
    while grown:  # a list grows from any initials in it that were found
        grown = False
        for match, _, _ in candidates:
            if match.span() not in found and any(
                    _JOINER.fullmatch(text[end:match.start()]) if end <= match.start()
                    else _JOINER.fullmatch(text[match.end():start]) for start, end in found):
                found.add(match.span())
                grown = True
    return sorted(found)


def _spoken_of(text: str, match: re.Match, prior: str, verb: str) -> bool:
    if verb in _PLURAL:
        return False
    owner = bool(match.group(2)) or text[match.end():match.end() + 2] in ("'s", "’s")
    key = match.group(1).lower()
    return not (gazetteer().is_word(key) or key in TOOLS or key in ABBREVIATIONS) or owner \
        or prior in CUES_BEFORE or (verb in PERSON_AFTER and verb not in _LINKING)


_BETWEEN_LETTERS = re.compile(r"[^\W\d_][013457@$]+[^\W\d_]")


def between_letters(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` has a digit or symbol standing between two letters ("j0hn", "sm1th")."""
    return bool(_BETWEEN_LETTERS.search(text, start, end))


_INITIALLED = re.compile(r"(?<![\w.])(?:[A-Z]\.\s?){1,3}\s(?P<surname>[A-Z][a-z'’-]+)")
_WORD_BEFORE = re.compile(r"([a-z']+)[\s,:]*$", re.IGNORECASE)
_WORD_AFTER = re.compile(r"^[\s,]*([a-z']+)", re.IGNORECASE)


def initialled_surnames(text: str) -> list[tuple[int, int]]:
    """Initials and the surname after them ("D.J. Patel", "J. Smith"), after a cue or a role or before a
    person's verb: a surname that is also a word is otherwise a name only beside a first name (an insider
    review's "tell D.J. Patel he owes me a shift"), and "part of J.P. Morgan" keeps its employer."""
    last = gazetteer().last
    found = []
    for match in _INITIALLED.finditer(text):
        before = _WORD_BEFORE.search(text[max(0, match.start() - 40):match.start()])
        after = _WORD_AFTER.search(text[match.end():match.end() + 40])
        spoken = (before and before[1].lower() in PERSON_BEFORE) or (after and after[1].lower() in PERSON_AFTER)
        if spoken and fold(match["surname"]) in last:
            found.append(match.span())
    return found
