"""Finding people's names in free text, offline: a gazetteer, a word list and context rules.

Agents write names every way people type them: "Kevin Smith", "kevin", "sarah.connor", "Dave is awful",
"Nguyen Van An", "talk to May Chen". A roster deny-list alone misses most of these, and cue words ("my
supervisor John") miss the rest. This module reads each comment as a row of word tokens and decides which
ones are names from:

* a gazetteer of first names and surnames of about sixty locales, from ``faker``'s person providers (MIT licence);
* Webster's 2nd word list (public domain, shipped by ``english-words``), so that "will", "grace" or "mark" are
  treated as words unless the context says they are names, while "kevin" or "priya" are names even in lower case;
* context: capitals, the word before (a title, a role word, "thanks", "ask") and the word after ("said", "is");
* an allow-list of tools, products and vendors agents talk about, so that Salesforce, Genesys or Teams survive.

The gazetteer is loaded once per process (about half a second) and shared by every :class:`NameFinder`; a
finder built with a roster also matches the roster's names by their parts, ignoring case, accents and spacing
(and, for roster names that are words or run together, as :mod:`research.privacy.roster_words` says).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import partial

from research.privacy.gazetteer import TOKEN as _TOKEN
from research.privacy.gazetteer import UNSPACED_SCRIPTS as _UNSPACED_SCRIPTS
from research.privacy.gazetteer import Gazetteer, common_first_names, fold, gazetteer  # noqa: F401
from research.privacy.name_shapes import PARTICLES, named_part
from research.privacy.roster_words import CUES_BEFORE, MODALS, PERSON_AFTER, in_compound, login_forms, spoken_of
from research.privacy.tools import TOOLS

# What may stand between two parts of one name: spaces, or a dot/underscore/hyphen in handles like sarah.connor.
_NAME_GAP = re.compile(r"[ \t]+|[._-]")
_SENTENCE_END = re.compile(r"(?:^|[.!?\n:;\"“(]\s*)$")

MONTHS = frozenset("january february march april may june july august september october november december".split())
_DETERMINERS = frozenset("the a an our my your their his its this that these those every each some any no".split())
WORDS = ("tool", "word")  # kinds of token that are never a name alone
_MONTH_CUES = frozenset("in on of for since until till by during early late mid next last this every from "
                        "before after end start beginning".split())
# The word before a name: titles, roles, and verbs and prepositions people put before a person.
_TITLES = frozenset("mr mrs ms miss mx dr prof sir madam".split())
_ROLES = frozenset("supervisor manager lead leader tl sup boss coach trainer director colleague coworker "
                   "co-worker agent mentor buddy teammate rep representative advisor adviser head guy".split())
_BEFORE = _ROLES | frozenset("to with ask asked tell told thanks thank by under named called "
                             "cc ping message emailed messaged behind beside call ring email text".split())
_LINK = frozenset("is was called named".split())  # "my supervisor is Kevin", "a lead called Rob"
# The word after a person: verbs and prepositions typical right after someone's name.
_AFTER = frozenset("""
is was isn't wasn't has had hasn't hadn't says said told tells asks asked keeps kept gets got never always
does did doesn't didn't can can't cannot could couldn't will won't would wouldn't should shouldn't must may
might helped helps covered trained ran sits sat shouted shouts handled treats treated explained explains
showed moved deserves deserved ignores ignored approves approved refused refuses worked thinks thought wants
wanted needed knows knew speaks spoke gave took made sent marked called left quit joined and or from
in at on who whose also still just really seems seemed went came tried tries doesnt didnt isnt wasnt cant
wont
""".split())
_LOOSE_AFTER = frozenset("and or in at on".split())  # after a name, but after many other words too
# Never part of a name, even between two names.
_NEVER = frozenset("i the a and or but of to in on at for with my your our their his her its is was he she we "
                   "you they it me us him them as".split())
_spoken_of = partial(spoken_of, roles=_ROLES | _TITLES, determiners=_DETERMINERS)
_PRONOUNS = frozenset("i we you he she they it me us him her them this that there the a an".split())
_NOT_NAMES = frozenset("""
i the a an and but or never always is was says said does did who which that this they he she we you it not
has had can just also still again today yesterday there here on in at for to of with from about because
so if when all no yes too only please thanks thank hi hello hey dear ok okay sorry honestly everyone nobody
someone anyone somebody people team customer customers agent agents management my your our their his
her its as then than such what whom whose why how where also very more most many much any each other another
own same some etc
""".split()) | _TITLES | frozenset("""
christmas easter diwali ramadan eid hanukkah thanksgiving holi navratri pongal onam vesak passover lent
halloween boxing english spanish polish french german italian portuguese dutch arabic urdu hindi punjabi
bengali tamil telugu gujarati mandarin cantonese chinese vietnamese tagalog filipino somali swahili yoruba
igbo hausa turkish russian ukrainian romanian greek korean japanese thai persian farsi welsh scottish irish
british american canadian australian indian nigerian pakistani african european asian latin
""".split()) | frozenset("monday tuesday wednesday thursday friday saturday sunday".split())


def _parts(name: str) -> list[str]:
    return [fold(t) for t in _TOKEN.findall(name)]


@dataclass
class _Token:
    start: int
    end: int
    text: str
    key: str
    cap: bool  # starts with a capital and is not all capitals
    initial: bool  # starts a sentence


def tokens(text: str, blocked: Sequence[tuple[int, int]] = ()) -> list[_Token]:
    """Word tokens outside the ``blocked`` spans (already redacted details)."""
    found: list[_Token] = []
    blocked = sorted(blocked)
    starts = [s for s, _ in blocked]
    for match in _TOKEN.finditer(text):
        start, end = match.span()
        k = bisect.bisect_left(starts, end) - 1  # the last blocked span starting before this token ends
        if k >= 0 and blocked[k][1] > start:
            continue
        word = match.group(0)
        if _UNSPACED_SCRIPTS.search(word):
            continue  # Chinese, Japanese or Thai runs are whole phrases, not single names
        named = named_part(word, _is_name_part) if "'" in word or "’" in word else word  # "Ayşe" of "Ayşe'ye"
        cap = named[0].isupper() and not (len(word) > 1 and word.isupper())
        initial = bool(_SENTENCE_END.search(text[max(0, start - 3):start])) if start else True
        if initial and found and found[-1].key in _TITLES and text[found[-1].end:start].strip() == ".":
            initial = False  # "Dr. Patel"
        found.append(_Token(start, end, word, fold(named), cap, initial))
    return found


def _is_name_part(part: str) -> bool:
    """A part that is a name and no word ("Ayşe", "Ilaria"): read alone it is a name wherever the whole word
    was, so the apostrophe rule never reads less as a name than before (an insider review: "Da'shawn")."""
    key, gaz = fold(part), gazetteer()
    return len(key) >= 3 and (key in gaz.first or key in gaz.last) and not gaz.is_word(key)


class NameFinder:
    """Finds name spans in text; build one per roster and reuse it."""

    def __init__(self, roster: Iterable[str] = ()):
        self._gaz = gazetteer()
        self._roster_full: dict[str, list[list[str]]] = {}  # first part -> the full names starting with it
        self._roster_parts: set[str] = set()  # matched alone, in any case
        self._roster_capitalised: set[str] = set()  # matched alone only with a capital: "Will", not "will"
        self._roster_words: set[str] = set()  # first names that are words: "will" too when spoken of as a person
        self._roster_logins: set[str] = set()  # names run together: "tokafor"
        self._roster_surnames: set[str] = set()  # surnames that are words: "ms young", "ask hill"
        for entry in roster:
            parts = [p for p in _parts(entry or "") if len(p) >= 2]
            if not parts:
                continue
            self._roster_full.setdefault(parts[0], []).append(parts)
            self._roster_logins |= login_forms(parts, self._gaz.is_word)
            word = self._gaz.is_word(parts[0]) or parts[0] in _NOT_NAMES
            (self._roster_capitalised if word else self._roster_parts).add(parts[0])
            if word:  # in lower case where the words beside it say a person is meant (roster_words.py)
                self._roster_words.add(parts[0])
            # A surname alone only where it is distinctive: not an ordinary word; a particle only with a capital.
            later = [p for p in parts[1:] if not self._gaz.is_word(p) and p not in TOOLS]
            self._roster_surnames.update(p for p in parts[1:] if self._gaz.is_word(p) and p not in PARTICLES)
            self._roster_parts.update(p for p in later if p not in PARTICLES)
            self._roster_capitalised.update(p for p in later if p in PARTICLES)
        for names in self._roster_full.values():
            names.sort(key=len, reverse=True)

    def find(self, text: str, blocked: Sequence[tuple[int, int]] = (), *, roster_only: bool = False,
             ) -> list[tuple[int, int]]:
        """(start, end) of each name in ``text``, parts of one name joined into one span (``roster_only``: the
        roster's names, no other)."""
        toks = tokens(text, blocked)
        is_name = [False] * len(toks)
        self._mark_roster(text, toks, is_name)
        for i in range(0 if roster_only else len(toks)):
            if not is_name[i] and self._looks_like_name(text, toks, i):
                is_name[i] = True
        if not roster_only:
            self._extend(text, toks, is_name)
        return self._spans(text, toks, is_name)

    def spelled_out(self, text: str, blocked: Sequence[tuple[int, int]] = ()) -> list[tuple[int, int]]:
        """(start, end) of each run of spaced-out letters that spells a name ("S a r a h  C o n n o r",
        "J.O.H.N"): typed so, no word of it is a name, and :meth:`find` sees only single letters."""
        found = []
        for match in _SPELLED.finditer(text):
            if any(start < match.end() and match.start() < end for start, end in blocked):
                continue
            words = _spelled_words(match.group(0))
            # Three letters or fewer are mostly other things ("I m a", "N.I.A"): only a roster name counts then.
            if self._spells_a_name(words) and (sum(map(len, words)) >= 4 or all(self._on_roster(w) for w in words)):
                found.append((match.start(), match.end()))
        return found

    def _spells_a_name(self, words: list[str]) -> bool:
        """A first name (no ordinary word) with any surnames after it; one run of letters may be a whole name
        ("sarahconnor"), so every split into two is tried too."""
        readings = [words]
        if len(words) == 1:
            readings += [[words[0][:i], words[0][i:]] for i in range(2, len(words[0]) - 1)]
        return any(self._first_name_part(reading[0]) and all(self._later_name_part(p) for p in reading[1:])
                   for reading in readings)

    def _on_roster(self, key: str) -> bool:
        return key in self._roster_full or key in self._roster_parts or key in self._roster_capitalised

    def _first_name_part(self, key: str) -> bool:
        if len(key) < 2 or key in TOOLS or key in _NOT_NAMES:
            return False
        if self._on_roster(key):
            return True
        return (key in self._gaz.first or key in self._gaz.last) and not self._gaz.is_word(key)

    def _later_name_part(self, key: str) -> bool:
        """A surname may be a word ("Smith", "Cross") once a first name comes before it."""
        return self._first_name_part(key) or (len(key) >= 2 and key in self._gaz.last and key not in TOOLS)

    # -- roster --------------------------------------------------------------------------------------------

    def _mark_roster(self, text: str, toks: list[_Token], is_name: list[bool]) -> None:
        for i, tok in enumerate(toks):
            if tok.key in self._roster_parts or in_compound(tok.key, self._roster_parts, self._roster_logins):
                is_name[i] = True
            elif (tok.key in self._roster_capitalised or tok.key in self._roster_surnames) and not (
                    tok.text.isupper() and len(tok.text) <= 3):  # the neighbours decide; "LA", "MD's" are no one
                # a possessive before makes a thing, as a determiner does: "the customer's bill is too high"
                before = "the" if i and _possessive(text, toks[i - 1]) else _word_before(text, toks, i)
                after, owns = _word_after(text, toks, i), _possessive(text, tok)
                # at a sentence's start a capital says nothing: "Will we", "Mark my", "Grace period", "Will check"
                opening_word = tok.initial and not (after is None or after in PERSON_AFTER or after in _AFTER - {
                    "can", "will", "would", "may", "might", "must", "should"} or owns)
                if (tok.cap and tok.key in self._roster_capitalised and not opening_word) \
                        or (tok.key in self._roster_words and _spoken_of(tok.key, before, after, possessive=owns)) \
                        or (tok.key in self._roster_surnames and _spoken_of(tok.key, before, after, surname=True,
                                                                           possessive=owns)):
                    is_name[i] = True  # never unset: a full name matched earlier may have marked it
            for parts in self._roster_full.get(tok.key, ()):
                if len(parts) > 1 and i + len(parts) <= len(toks) and all(
                        toks[i + j].key == p for j, p in enumerate(parts)) and all(
                        _joined(text, toks[i + j], toks[i + j + 1]) for j in range(len(parts) - 1)):
                    for j in range(len(parts)):
                        is_name[i + j] = True
                    break

    # -- one token -------------------------------------------------------------------------------------

    def _kind(self, tok: _Token) -> str:
        """'tool', 'strong' (a name and no word), 'weak' (a name and a word), 'word' or 'unknown'."""
        key = tok.key
        if key in TOOLS:
            return "tool"
        if key in _NOT_NAMES or key in self._gaz.places:
            return "word"
        in_names = key in self._gaz.first or key in self._gaz.last
        if in_names:
            return "weak" if self._gaz.is_word(key) else "strong"
        return "word" if self._gaz.is_word(key) or self._gaz.is_compound(key) else "unknown"

    def _looks_like_name(self, text: str, toks: list[_Token], i: int) -> bool:
        tok = toks[i]
        if len(tok.key) < 2 or any(ch.isdigit() for ch in tok.text) or (tok.text.isupper() and len(tok.text) > 1):
            return False
        kind = self._kind(tok)
        if kind in ("tool", "word"):
            return False
        prev, after = _word_before(text, toks, i), _word_after(text, toks, i)
        if kind == "weak" and not tok.cap:  # "ask bill", "my manager frank"; "bill never arrives" keeps its word
            return tok.key in common_first_names() and _spoken_of(tok.key, prev, after, cued_only=True)
        if tok.key in MONTHS and (prev in _MONTH_CUES or after not in _AFTER or (after or "").isdigit()):
            return False
        if prev in _TITLES and (tok.cap or (kind in ("strong", "unknown") and prev not in ("sir", "madam"))):
            return True  # "Dr. Patel", "Mrs Good", "mr. okonkwo": a title makes any surname a name
        if kind == "strong":
            # Lower case: a first name that is no word ("kevin"); a surname alone needs a first name beside it.
            return tok.cap or (len(tok.key) >= 3 and tok.key in self._gaz.first) or \
                self._beside_first_name(text, toks, i)
        if not tok.cap:
            # A lower-case word no dictionary knows, with a person's verb after it: "deepika from quality marked".
            return (kind == "unknown" and prev not in _DETERMINERS and after in _AFTER - _LOOSE_AFTER
                    and not self._gaz.near_word(tok.key))
        if prev in _DETERMINERS:
            return False
        cued = prev in _BEFORE or prev in _TITLES or _after_role(text, toks, i)
        followed = after in _AFTER or _possessive(text, tok) or (
            i + 1 < len(toks) and toks[i + 1].cap and _joined(text, tok, toks[i + 1])
            and self._kind(toks[i + 1]) in ("strong", "weak", "unknown"))
        if after in _PRONOUNS and tok.initial:
            return False  # "Will we ever", "May I say"
        if kind == "weak":
            # A word that is also a first name ("Will", "Grace") needs a person's context; one that is
            # only a surname ("Good", "Patel") is a name beside a first name (see _extend) or after "ask", "tell".
            return (tok.key in self._gaz.first and (cued or followed)) or (
                prev in CUES_BEFORE and tok.key in self._gaz.last)
        # An unknown capitalised word: a name only with a person's context around it.
        return cued or (followed and after not in _LOOSE_AFTER - {"in"})

    def _beside_first_name(self, text: str, toks: list[_Token], i: int) -> bool:
        """A lower-case surname is a name next to a first name or a word no dictionary knows: "maria fernandez"."""
        for j in (i - 1, i + 1):
            if 0 <= j < len(toks) and _joined(text, *sorted((toks[i], toks[j]), key=lambda t: t.start)):
                if toks[j].key in self._gaz.first or self._kind(toks[j]) == "unknown":
                    return True
        return False

    # -- several tokens --------------------------------------------------------------------------------

    def _extend(self, text: str, toks: list[_Token], is_name: list[bool]) -> None:
        """Grow names over the words joined to them: surnames, particles, "X and Y" pairs of names."""
        changed = True
        while changed:
            changed = False
            for i, tok in enumerate(toks):
                if is_name[i]:
                    continue
                kind = self._kind(tok)
                if kind == "tool" or tok.key in _NEVER or (tok.key in MODALS and tok.text.islower()) \
                        or any(ch.isdigit() for ch in tok.text):  # "Will will not approve" keeps its verb
                    continue
                left = i > 0 and is_name[i - 1] and _joined(text, toks[i - 1], tok)
                right = i + 1 < len(toks) and is_name[i + 1] and _joined(text, tok, toks[i + 1])
                if not (left or right):
                    if self._paired(text, toks, i, is_name):
                        is_name[i] = changed = True
                    continue
                if right and not left and tok.key in _BEFORE:
                    continue  # "Ask Sarah Johnson", "Supervisor Kevin": the cue before a name is no part of it
                known = tok.key in self._gaz.last or tok.key in self._gaz.first or kind == "unknown"
                # In lower case: a name that is no word, a surname after a name ("kevin smith"), an unknown word.
                lower_known = tok.text.islower() and tok.key not in _NOT_NAMES and (
                    kind == "strong" or (kind == "unknown" and not self._gaz.near_word(tok.key))
                    or (kind == "weak" and left and tok.key in self._gaz.last and tok.key not in PERSON_AFTER)
                    or (kind == "weak" and right and tok.key in self._gaz.first))
                beside_strong = any(0 <= j < len(toks) and is_name[j] and self._kind(toks[j]) == "strong"
                                    for j in ((i - 1,) if left else ()) + ((i + 1,) if right else ()))
                capital = tok.cap and (known or (beside_strong and tok.key not in _NOT_NAMES))
                if capital or lower_known or _dotted(text, toks, i, is_name):
                    is_name[i] = changed = True

    def _paired(self, text: str, toks: list[_Token], i: int, is_name: list[bool]) -> bool:
        """'Ewa and Kasia', 'jake and ryan', not 'a joke and tom': a first name or a capitalised word by a name."""
        tok, kind = toks[i], self._kind(toks[i])
        usual = tok.cap or kind != "weak" or tok.key in common_first_names()
        if not ((tok.key in self._gaz.first and usual) or (tok.cap and kind not in WORDS)):
            return False
        for a, b, c in ((i - 2, i - 1, i), (i, i + 1, i + 2)):
            if 0 <= a and c < len(toks) and toks[b].key in ("and", "or", "&") and is_name[a if a != i else c] \
                    and _joined_by_word(text, toks[a], toks[b], toks[c]):
                return True
        return False

    def _spans(self, text: str, toks: list[_Token], is_name: list[bool]) -> list[tuple[int, int]]:
        spans: list[tuple[int, int]] = []
        for i, tok in enumerate(toks):
            if not is_name[i]:
                continue
            if spans and i > 0 and is_name[i - 1] and _joined(text, toks[i - 1], tok):
                spans[-1] = (spans[-1][0], tok.end)
            else:
                spans.append((tok.start, tok.end))
        return spans


_SPELLED = re.compile(r"(?<![\w.-])(?:[^\W\d_](?: {1,3}|[^\w\s] ?))+[^\W\d_](?:\.)?(?![\w-])")
"""Two or more single letters, each followed by up to three spaces or one sign and a space ("S-A-R-A-H",
"O*k*a*f*o*r", "O. K. A. F. O. R.")."""


def _spelled_words(run: str) -> list[str]:
    """The words a run of spaced-out letters spells: one space or a dot joins letters, a wider gap parts words."""
    return [fold("".join(ch for ch in word if ch.isalpha())) for word in re.split(r" {2,}", run.strip())]


def _joined(text: str, left: _Token, right: _Token) -> bool:
    return bool(_NAME_GAP.fullmatch(text[left.end:right.start]))


def _joined_by_word(text: str, a: _Token, b: _Token, c: _Token) -> bool:
    return not text[a.end:b.start].strip() and not text[b.end:c.start].strip()


def _dotted(text: str, toks: list[_Token], i: int, is_name: list[bool]) -> bool:
    """A word joined to a name by a dot or underscore (sarah.connor) is part of it, whatever it is."""
    if i > 0 and is_name[i - 1]:
        gap = text[toks[i - 1].end:toks[i].start]
    else:
        gap = text[toks[i].end:toks[i + 1].start]
    return gap.strip() in (".", "_")


def _word_before(text: str, toks: list[_Token], i: int) -> str | None:
    if i == 0:
        return None
    gap = text[toks[i - 1].end:toks[i].start]
    if re.search(r"[.!?;\n]", gap) and not (toks[i - 1].key in _TITLES and gap.strip() == "."):
        return None
    return toks[i - 1].key


def _word_after(text: str, toks: list[_Token], i: int) -> str | None:
    if i + 1 >= len(toks) or re.search(r"[.!?;\n]", text[toks[i].end:toks[i + 1].start]):
        return None
    return toks[i + 1].key


def _possessive(text: str, tok: _Token) -> bool:
    return text[tok.end:tok.end + 2] in ("'s", "’s")


def _after_role(text: str, toks: list[_Token], i: int) -> bool:
    """'my supervisor is Kevin', 'team lead: Sarah', 'a coach called Rob', 'manager Mr Smith'."""
    j = i - 1
    while j >= 0 and (toks[j].key in _LINK or toks[j].key in _TITLES):
        j -= 1
    return 0 <= j < i - 1 and toks[j].key in _BEFORE
