"""Where a quote's own words name an attribute of its speaker: an industry, a site, a team.

Attributes beside a quote are released only as far as ``k`` people share them
(:mod:`research.privacy.k_anonymity`), but the quote can say more than the
columns beside it: "customers were angry about the core banking screen", shown
with the role "team lead" and the industry blanked, names the one banking team
lead of a study as surely as an industry column would. A reader who knows
everyone's attributes (an executive with the HR roster) reads the named value
as one more attribute of the speaker. So a quote's mentions are found here,
against the values the people at hand actually have (with the usual other words
for an industry: "bank" for banking, "restaurant" for casual dining), and the
callers count the people who share the shown attributes *and* the named values;
under the threshold the naming words are replaced with a placeholder, as names
are by :mod:`research.privacy.redaction`.

Channels are not looked for, and a role only where the speaker says it is theirs
("as a team lead", "as team lead", "I'm a senior agent", "my role is team lead",
"I became a team leader"): "our team lead", "on the phone" and
"the team chat" are how agents describe their work and other people, and
reading them as the speaker's own would blank most quotes. Otherwise what is
found is a proper name of a place or unit, or an industry word.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import pandas as pd

from research.privacy.gazetteer import fold
from research.privacy.redaction import PLACEHOLDERS, Redacted, Replacement

# Other words people use for an industry (folded); the value itself is always looked for too.
INDUSTRY_WORDS: dict[str, tuple[str, ...]] = {
    "banking": ("bank", "banks", "banker", "bankers", "banking"),
    "retail": ("retail", "retailer", "retailers"),
    "telecommunications": ("telecom", "telecoms", "telco", "telcos", "telecommunication", "telecommunications"),
    "telecom": ("telecom", "telecoms", "telco", "telcos", "telecommunication", "telecommunications"),
    "utilities": ("utility", "utilities"),
    "casual dining": ("casual dining", "dining", "restaurant", "restaurants"),
    "technical support": ("technical support", "tech support", "it support", "helpdesk", "help desk",
                          "service desk"),
    "insurance": ("insurance", "insurer", "insurers"),
    "healthcare": ("healthcare", "health care", "hospital", "hospitals", "clinic", "clinics"),
    "travel": ("travel", "airline", "airlines"),
    "hospitality": ("hospitality", "hotel", "hotels"),
}
# The attributes whose values a quote is searched for, and the placeholder that replaces them.
LOOKED_FOR = {attribute: PLACEHOLDERS[attribute] for attribute in ("industry", "site", "team", "role")}
# A role is the speaker's own only after words like these ("as a team lead", "I'm a senior agent", "as team
# lead", "my role is team lead", "I'm the only team lead"); "our team lead" and "the team lead" are someone else.
# The words between never include a role's own words ("senior"), which would name a shorter role instead.
_FIRST_PERSON = (r"(?<![\w])(?:as|i'm|im|i am|i was|being|i've been|i have been|i work as|i worked as|working as|"
                 r"i started as|started as|i became|became|become|promoted to|my role is|my job is|my title is|"
                 r"my role's|me,?)"
                 r"\s+(?:(?:an?|the|one of the|one of two|one of three|only|new|acting|current|now|just|also|"
                 r"still)\s+){0,3}")


def _phrase(words: str, endings: str = "'s|’s|s") -> str:
    """A folded phrase as a pattern: any run of spaces, hyphens or dots between its words, one of ``endings``
    (a plural or a possessive) after it, and no letter either side ("bank" is not found in "bankrupt" or
    "embankment")."""
    parts = [re.escape(part) for part in re.split(r"[\s\-.]+", words.strip()) if part]
    return r"(?<![\w])" + r"[\s\-.]*".join(parts) + f"(?:{endings})?" + r"(?![\w])"


@dataclass(frozen=True)
class Mention:
    """One naming of a value in a text: the attribute, its value, and where (end exclusive)."""

    attribute: str
    value: str
    start: int
    end: int


class MentionFinder:
    """Finds the values of ``vocabulary`` (attribute -> the values people have) named in a text."""

    def __init__(self, vocabulary: Mapping[str, Iterable[str]]):
        self._patterns: list[tuple[str, str, re.Pattern[str]]] = []
        for attribute, values in vocabulary.items():
            if attribute not in LOOKED_FOR:
                continue
            for value in sorted({str(v) for v in values if v and str(v).strip()}):
                words = {fold(value.strip())}
                if attribute == "industry":
                    words |= set(INDUSTRY_WORDS.get(fold(value.strip()), ()))
                # Longest first, so "casual dining" is one mention, not "dining" inside it.
                endings = "'s|’s|s|er|ers" if attribute == "role" else "'s|’s|s"  # a team lead, a team leader
                alternatives = "|".join(_phrase(w, endings) for w in sorted(words, key=len, reverse=True)
                                        if len(w) >= 3)
                if alternatives:
                    cue = _FIRST_PERSON if attribute == "role" else ""
                    self._patterns.append((attribute, value,
                                           re.compile(f"{cue}(?P<v>{alternatives})", re.IGNORECASE)))

    def find(self, text: str) -> list[Mention]:
        """Every mention, leftmost first; overlapping ones are all kept (the union is what is replaced)."""
        folded, origin = _folded(text)
        found = [Mention(attribute, value, origin[m.start("v")], origin[m.end("v") - 1] + 1)
                 for attribute, value, pattern in self._patterns for m in pattern.finditer(folded)]
        return sorted(found, key=lambda m: (m.start, -m.end, m.attribute, m.value))

    def named(self, text: str) -> dict[str, set[str]]:
        """The values named per attribute: what a reader learns about the speaker from the words alone."""
        named: dict[str, set[str]] = {}
        for mention in self.find(text):
            named.setdefault(mention.attribute, set()).add(mention.value)
        return named

    def redact(self, text: str) -> Redacted:
        """``text`` with every mention replaced by its attribute's placeholder ("the core [industry] screen")."""
        parts: list[str] = []
        replaced: list[Replacement] = []
        last = 0
        for mention in self.find(text):
            if mention.start < last:
                continue  # inside the previous mention
            parts += [text[last:mention.start], LOOKED_FOR[mention.attribute]]
            replaced.append(Replacement(mention.attribute, text[mention.start:mention.end], mention.start,
                                        mention.end))
            last = mention.end
        parts.append(text[last:])
        return Redacted("".join(parts), tuple(replaced))


def _folded(text: str) -> tuple[str, list[int]]:
    """``text`` folded a character at a time, and for each folded character the index of the one it came from:
    folding can change the length ("ß" to "ss", "…" to "...", "ﬁ" to "fi"), and a mention is replaced in the
    text as typed."""
    if text.isascii():
        return text.lower(), list(range(len(text)))
    parts, origin = [], []
    for index, character in enumerate(text):
        part = fold(character)
        parts.append(part)
        origin += [index] * len(part)
    return "".join(parts), origin


def matches(values: Mapping[str, str], named: Mapping[str, set[str]]) -> bool:
    """Whether a person with attribute ``values`` has one of the named values of every named attribute."""
    return all(values.get(attribute, "") in wanted for attribute, wanted in named.items())


def unless_singled_out(text: str, *, speaker: object, people: pd.DataFrame, shown: pd.DataFrame,
                       finder: MentionFinder, k: int) -> str:
    """``text`` as it may be shown beside the speaker's ``shown`` row: the mentions replaced unless enough share them.

    A reader who knows everyone's attributes narrows the quote to the people whose shown row is the speaker's
    and who have every value the text names. When that is at least ``k`` people, the speaker among them, the
    text is kept as it is; otherwise (fewer, or the text names someone else's industry or team, which would
    pin the quote on them) every mention is replaced. The decision depends on the people and the row, never on
    which of them spoke, beyond the speaker being one of the group.

    Args:
        speaker: the speaker's index in ``people`` and ``shown``.
        people: one row per person who could have said it, with the attributes looked for (industry, site,
            team) as columns; the reader's whole candidate set, so pass the smallest population the quote was
            ever shown among.
        shown: the same index, the columns shown beside the quote (possibly none).
    """
    named = finder.named(text)
    if not named:
        return text
    if speaker in people.index:
        same = (shown.loc[people.index] == shown.loc[speaker]).all(axis=1) if len(shown.columns) else \
            pd.Series(True, index=people.index)
        fits = pd.Series([matches({a: str(people.at[i, a]) for a in named if a in people.columns}, named)
                          if all(a in people.columns for a in named) else False for i in people.index],
                         index=people.index, dtype=bool)
        group = people.index[same.to_numpy() & fits.to_numpy()]
        if speaker in group and len(group) >= k:
            return text
    return finder.redact(text).text
