"""A roster's names as colleagues say them: "Kev" for Kevin Okafor, "Liz" for Elizabeth Hart.

Agents write about each other by nickname ("Big Kev never answers", an insider review's, kept whole before), or by a
first name cut short ("Sanj" for Sanjay, :func:`clipped`), and a roster holds the names payroll knows. Each roster
first name's English nicknames come from the ``nicknames`` package (Carlton Northern and Nick Crews' hand-curated
list, Apache-2.0, installed, never fetched). That list is genealogical as well as current ("Bell" for William,
"Wil", "Rich"), so a nickname needs more than the roster does before it is taken for a person (on 21,184 real
employee fragments, matching nicknames as roster names took "Bell curve", "there wil be", "Rich values" and
"Internet Bill"):

- beside the roster surname ("Kev Okafor"), always;
- a nickname that is no word ("Kev", "Liz"): with a capital, or in lower case where the words beside it say a
  person is meant (:func:`research.privacy.roster_words.spoken_of`: "kev is lazy", "ask liz"), or after an epithet
  ("big kev");
- a nickname that is a word ("Bill", "Rob", "Sue"): with a capital where the words beside it say a person is meant
  ("ask Bill", "Big Rob"; at a sentence's start only before a person's verb: "Bill is lazy", not "Bill never
  arrives"), in lower case only after a role, a title or a cue ("ask bill").
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import cache, partial

from research.privacy.gazetteer import fold, gazetteer
from research.privacy.names import (
    _DETERMINERS,
    _NOT_NAMES,
    _PRONOUNS,
    _ROLES,
    _TITLES,
    _parts,
    _possessive,
    _word_after,
    _word_before,
    tokens,
)
from research.privacy.roster_words import PERSON_AFTER, spoken_of

EPITHETS = frozenset("big little old young lil wee".split())
"""Words put before a nickname ("Big Kev", "little sue"): before a roster nickname, a person."""

_spoken_of = partial(spoken_of, roles=_ROLES | _TITLES | EPITHETS, determiners=_DETERMINERS)


@cache
def _namer():
    from nicknames import NickNamer

    return NickNamer()


def clipped(first: str, *, words: bool = False) -> list[str]:
    """A first name cut short as colleagues say it and no list holds ("Sanj" for Sanjay; an insider review,
    2026-12-07): its first four letters or more, two or more short of the whole, that are no English word, taken
    for a person by the same rules as a nickname. Those that are words (``words``: "Beth" for Bethany, "Shiv"
    for Shivani) count only beside the surname ("beth cole"): by the nickname rules, three letters or words took
    "Jul", "God's", "Cons:" and "Came" in real reviews with a 300-name roster."""
    return [first[:n] for n in range(4, len(first) - 1) if gazetteer().is_word(first[:n]) is words]


def diminutives(part: str) -> list[str]:
    """A name made fond as colleagues make it ("Hilly" and "Marshy" for a Hill and a Marsh, "Tommo" for Tom; an
    insider review's): the name with "y", "ie" or "o", its last consonant doubled after a short vowel. Those
    that are words ("hilly", "marshy") need a person's context, as nicknames that are words do."""
    if len(part) < 3 or not part.isalpha():
        return []
    stem = part + part[-1] if len(part) <= 4 and part[-1] not in "aeiouy" and part[-2] in "aeiou" else part
    return [stem + ending for ending in ("y", "ie", "o")]


class NicknameFinder:
    """Finds the nicknames of a roster's first names in text; build one per roster and reuse it."""

    def __init__(self, roster: Iterable[str]):
        self._surnames: dict[str, set[str]] = {}  # nickname -> the surnames of the roster names it stands for
        self._beside_surname: dict[str, set[str]] = {}  # cut-short first names that are words: "beth" -> {"cole"}
        roster_firsts = set()
        for entry in roster:
            every = _parts(entry or "")
            roster_firsts.update(every[:1])
            parts = [p for p in every if len(p) >= 2]
            if not parts:
                continue
            for nickname in {*_namer().nicknames_of(parts[0]), *clipped(parts[0]), *diminutives(parts[0])}:
                nickname = fold(nickname)
                if len(nickname) >= 2 and nickname not in _NOT_NAMES:
                    self._surnames.setdefault(nickname, set()).update(parts[1:2])
            for nickname in (d for part in parts[1:] for d in diminutives(part)):  # "Marshy" for Kevin Marsh
                self._surnames.setdefault(nickname, set())
            for cut in clipped(parts[0], words=True) if len(parts) >= 2 else ():
                self._beside_surname.setdefault(cut, set()).add(parts[-1])
        for first in roster_firsts:  # a roster's own first name keeps the roster's rules
            self._surnames.pop(first, None)

    @property
    def keys(self) -> frozenset[str]:
        """Every nickname of the roster's first names, folded."""
        return frozenset(self._surnames)

    def find(self, text: str, blocked: Sequence[tuple[int, int]] = ()) -> list[tuple[int, int]]:
        """(start, end) of each nickname in ``text`` taken for a person, with the surname after it."""
        if not self._surnames and not self._beside_surname:
            return []
        toks, spans = tokens(text, blocked), []
        for i, tok in enumerate(toks):
            surnames = self._surnames.get(tok.key, set()) | self._beside_surname.get(tok.key, set())
            if not surnames and tok.key not in self._surnames:
                continue
            following = toks[i + 1] if i + 1 < len(toks) else None
            gap = len(text[tok.end:]) - len(text[tok.end:].lstrip())
            found_after = [fold(text[start:end]) for start, end in blocked if start == tok.end + gap > tok.end]
            if following is not None and following.key in surnames and not text[tok.end:following.start].strip():
                spans.append((tok.start, following.end))
            elif surnames & set(found_after) or (tok.key in self._surnames and self._person(text, toks, i)):
                spans.append((tok.start, tok.end))  # "shiv [name]": the surname was found already
        return spans

    @staticmethod
    def _person(text: str, toks: list, i: int) -> bool:
        tok = toks[i]
        before = "the" if i and _possessive(text, toks[i - 1]) else _word_before(text, toks, i)
        after = _word_after(text, toks, i)
        word = gazetteer().is_word(tok.key)
        if tok.cap and not word:
            return not (tok.initial and (after in _PRONOUNS or after in _DETERMINERS))
        possessive = _possessive(text, tok)
        if word and tok.cap and tok.initial and before is None:  # a capital says nothing at a sentence's start:
            return possessive or after is None or after in PERSON_AFTER  # "Bill is lazy", not "Bill never arrives"
        return _spoken_of(tok.key, before, after, possessive=possessive, cued_only=word and not tok.cap)
