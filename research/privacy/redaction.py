"""Redaction of identifying details from free text, before it is stored.

One module for pulse comments, typed interview notes and every interview
import alike. It replaces e-mail addresses (also written "name (at) bank (dot)
com"), links (with or without "https://"), social handles, phone numbers,
street addresses and postcodes, account, card, case and staff identifiers,
and people's names (see :mod:`research.privacy.names`) with a bracketed
placeholder, and reports each replacement and where it was, so the person
typing can see what changed and an import can move its coded spans.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable
from dataclasses import dataclass

from research.privacy.cued_details import cued_details
from research.privacy.disguised_names import (
    between_letters,
    disguised_spans,
    initialled_surnames,
    initials_spans,
    readings,
    roster_initials,
)
from research.privacy.gazetteer import fold, gazetteer
from research.privacy.names import NameFinder
from research.privacy.nicknames import NicknameFinder
from research.privacy.plain_view import plain_view, span_in_text
from research.privacy.roster_lists import roster_name_forms, roster_pairs, roster_word_keys, roster_words_beside
from research.privacy.scrambled_names import ScrambledNames

PLACEHOLDERS = {
    "email": "[email]",
    "url": "[link]",
    "handle": "[handle]",
    "phone": "[phone]",
    "address": "[address]",
    "number": "[number]",
    "name": "[name]",
    # What a quote names that would single its speaker out (research.privacy.mentions).
    "industry": "[industry]",
    "site": "[site]",
    "team": "[team]",
    "role": "[role]",
}

# Top-level domains people type in links and addresses; file extensions (.py, .md, .sh) are left out.
_TLDS = (
    "com|org|net|edu|gov|mil|int|info|biz|io|co|ai|app|dev|me|tv|ly|online|site|shop|xyz|uk|us|ca|au|nz|ie|in|"
    "de|fr|es|it|nl|be|pl|pt|ch|at|se|no|dk|fi|gr|ro|cz|hu|ru|ua|tr|ng|za|ke|gh|eg|ma|ae|sa|qa|pk|bd|lk|cn|hk|"
    "tw|sg|my|ph|vn|th|id|jp|kr|br|mx|ar|cl|pe|eu|asia|global|world|email|cloud|tech|help"
)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
_AT = r"(?:\s*[(\[{<]\s*(?:at|@)\s*[)\]}>]\s*|\s+@\s+|\s+at\s+)"  # "(@)" too
_DOT = r"(?:\s*[(\[{<]\s*(?:d[o0]t|\.)\s*[)\]}>]\s*|\s+d[o0]t\s+|\s+\.\s+|\.)"  # "bank . com", "(.)", "d0t" too
# "john.smith(at)bank(dot)com", "dave at hotmail dot com", "jo dot bloggs at gmail dot com", "a.kumar @ company.in".
_SPACED_MAIL = r"(?:g|hot|google)\s+mail"  # "xj99 @ g mail . com"
_SPACED_TLD = r"(?:[a-z]\s){1,3}[a-z]"  # "gmail dot c o m"
_TLD_SET = frozenset(_TLDS.split("|"))
_OBFUSCATED_EMAIL = re.compile(
    rf"(?<![\w.+-])(?P<local>[\w+-]+(?:{_DOT}[\w+-]+)*){_AT}"
    rf"(?P<domain>(?:{_SPACED_MAIL}|[\w-]+)(?:{_DOT}[\w-]+)*{_DOT}(?P<tld>{_TLDS}|{_SPACED_TLD}))\b", re.IGNORECASE)
_URL = re.compile(r"\b(?:https?://|www\.)[^\s<>\"']+", re.IGNORECASE)
# A host name ending in a known (lower-case) top-level domain, with an optional path: bank.com/login.
_BARE_URL = re.compile(
    rf"(?<![\w@.-])(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\.)+(?:{_TLDS})(?![\w-])(?:[/?#][^\s<>\"']*)?")
_HANDLE = re.compile(r"(?<![\w.@])@(?!(?:here|channel|everyone|all)\b)(?=[\w.]*[^\W\d_])\w(?:[\w.]*\w)?")
# A handle after the platform's name, with a digit, underscore or dot in it: "insta: priya_r88" (an insider's).
_CUED_HANDLE = re.compile(r"\b(?:insta(?:gram)?|ig|twitter|tiktok|snap(?:chat)?|fb|facebook|telegram|discord|"
                          r"linkedin|github|threads|reddit|twitch|youtube)\b[\s:]*(?:(?:is|at|as|@)\b\s*)?"
                          r"(?P<id>[A-Za-z][\w.]*[\d_.][\w.]*\w|[A-Za-z]\w*\d)", re.IGNORECASE)
_STREET = re.compile(
    r"\b\d{1,4}[A-Za-z]?,?\s+(?:[A-Z][\w'’-]+\s+){1,3}(?:Road|Rd|Street|St|Lane|Ln|Avenue|Ave|Close|Drive|Way|"
    r"Court|Crescent|Place|Terrace|Gardens|Grove|Hill|Park|Square|Boulevard|Blvd|Row|Walk|Mews|Parade)\b")
_POSTCODE = re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s?\d[A-Z]{2}\b")  # UK postcodes
# The same typed in lower case, as on a phone (an insider review's "i live at 12 oak street", "my postcode is ls1
# 4ap"): street words that are seldom anything else after a number, and a postcode or zip after its name.
_LOWER_STREET = re.compile(
    r"\b\d{1,4}[a-z]?,?\s+(?:[a-z][\w'’-]+\s+){1,3}(?:road|rd|street|st|lane|ln|avenue|ave|crescent|terrace|"
    r"gardens|grove|boulevard|blvd|mews|parade)\b", re.IGNORECASE)
# A UK postcode in lower case with its space, whose last two letters are ones postcodes use (never c, i, k, m, o
# or v) and no ordinal ("on the m25 4th time"): "leeds ls1 4ap".
_LOWER_POSTCODE = re.compile(r"\b[a-z]{1,2}\d[a-z\d]?\s\d(?!(?:st|nd|rd|th)\b)[abd-hjlnp-uw-z]{2}\b")
# A link read out: "linkedin dot com slash in slash priya-ramanathan".
_SPOKEN_LINK = re.compile(rf"\b[\w-]+(?:\s+dot\s+[\w-]+)*\s+dot\s+(?:{_TLDS})(?:\s+(?:slash|forward slash)\s+[\w.-]+)+",
                          re.IGNORECASE)
_CUED_POSTCODE = re.compile(r"\b(?:post\s?code|postal\s+code|zip(?:\s?code)?)\b[\s:#]*(?:is\b\s*)?"
                            r"(?P<code>[a-z]{1,2}\d[a-z\d]?\s?\d[a-z]{2}|\d{5}(?:-\d{4})?"
                            r"|(?:[a-z] ){1,2}\d (?:[a-z\d] )?\d [a-z] [a-z]|(?:\d ){4}\d)\b", re.IGNORECASE)
"""A postcode or zip after its name, its characters typed apart too ("my postcode is L S 1 4 A P")."""
_SPACED_POSTCODE = re.compile(r"(?<![\w.])(?:[A-Z] ){1,2}\d (?:[A-Z\d] )?\d [ABD-HJLNP-UW-Z] [ABD-HJLNP-UW-Z](?![\w.])")
"""A UK postcode typed apart in capitals with no cue ("I'm at L S 1 4 A P"): such a run is rare in prose."""
_TITLED_INITIAL = re.compile(r"\b(?:mrs|mr|miss|ms|mx|dr)\.? ?(?P<name>[A-Z]\b\.?)(?!\w)", re.IGNORECASE)
"""A person named by a title and a letter ("Mr Q said no", "ask Ms. K."): the letter is their initial."""
_IBAN = re.compile(r"\b[A-Z]{2}\d{2}(?:\s?[A-Z0-9]{4}){2,7}(?:\s?[A-Z0-9]{1,3})?\b")
# A code mixing letters and digits, with at least four digits: E204518, INC0012345, CS-482913, agent4471.
_CODE = re.compile(r"(?<![\w@.-])#?(?=[\w-]*\d[\w-]*\d[\w-]*\d[\w-]*\d)(?=[\w-]*[^\W\d_])"
                   r"[^\W_][\w]*(?:-[\w]+)*(?![\w@-])")
# A short number after a word that makes it an identifier: "badge 30917", "agent id 7781", "ending 4821".
_CUED_NUMBER = re.compile(
    r"\b(?:id|no|nr|number|num|badge|ext(?:ension)?|ending(?:\s+in)?|ends\s+in|code|pin|staff|employee|account|acct|order|"
    r"case|ticket|ref|reference|login|user(?:name)?|payroll|policy|member|customer)\b[\s:#.]*(?:(?:is|id|no|"
    r"number|code)\b[\s:#.]*)?(?P<id>#?[A-Za-z]{0,8}-?\d[\dA-Za-z-]*\d[A-Za-z]?)(?![\w-])",
    re.IGNORECASE)
# Numbers read out in words, as on a call: "seven seven zero zero nine one two", "staff number eight eight two
# one three" (an insider review's, 2026-12-07). Five words or more, four of them digits: rare in plain speech.
_DIGIT_WORDS = "zero|oh|nought|nil|one|two|three|four|five|six|seven|eight|nine"
_SPOKEN_NUMBER = re.compile(rf"\b(?:(?:{_DIGIT_WORDS}|double|triple)(?:[\s,-]+|$)){{5,}}", re.IGNORECASE)
_SPOKEN_DIGIT = re.compile(rf"\b(?:{_DIGIT_WORDS})\b", re.IGNORECASE)
# A date after a word that makes it a birth date: "DOB 12/03/1988", "born on 4 May 1990".
_MONTH_WORD = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*"
_YEAR = r"(?:,?\s+'?\d{2}(?:\d{2})?)"
_AGE = (r"(?:\d{1,3}|(?:twenty|thirty|forty|fifty|sixty|seventy|eighteen|nineteen)(?:[\s-]?(?:one|two|three|four|"
        r"five|six|seven|eight|nine))?)")
_BIRTH_CUE = (r"\b(?:(?:d\.?o\.?b\.?|date of birth)(?:\s+is)?|born(?:\s+on)?|b\.|(?:birth|b-?)day(?:\s+is)?|"
              rf"turn(?:ed|s|ing)?\s+{_AGE}(?:\s+on|\s+next\s+\w+,?|\s+this\s+\w+,?)?)[\s:,-]*(?:the\s+)?")
_HOLIDAY = r"(?:christmas(?:\s+day|\s+eve)?|boxing\s+day|new\s+year'?s(?:\s+day|\s+eve)|valentine'?s\s+day|halloween)"
_BIRTH_DATE = re.compile(
    rf"{_BIRTH_CUE}(?P<date>\d{{1,2}}\s*[/.-]\s*\d{{1,2}}(?:\s*[/.-]\s*\d{{2,4}})?(?![\d/])"
    rf"|\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH_WORD}\b\.?{_YEAR}?|{_MONTH_WORD}\.?\s+\d{{1,2}}"
    rf"(?:st|nd|rd|th)?\b{_YEAR}?|\d{{4}}-\d{{2}}-\d{{2}})", re.IGNORECASE)
# The same read out: "dob twelve march eighty eight", "born on the first of may nineteen ninety".
_NUMBER_WORD = (r"(?:the\s+)?(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|nineteen|hundred|thousand|"
                r"eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|oh|first|second|third|fourth|"
                rf"fifth|sixth|seventh|eighth|ninth|tenth|eleventh|twelfth|\w+teenth|\w+tieth|{_DIGIT_WORDS})")
_WORDS = rf"{_NUMBER_WORD}(?:[\s-]+{_NUMBER_WORD}){{0,3}}"
_SPOKEN_BIRTH_DATE = re.compile(
    rf"{_BIRTH_CUE}(?P<date>{_WORDS}\s+(?:of\s+)?{_MONTH_WORD}\b(?:,?\s+{_WORDS})?|{_MONTH_WORD}\s+{_WORDS}\b"
    rf"(?:,?\s+{_WORDS})?|{_HOLIDAY}(?:,?\s+\d{{4}}|,?\s+{_WORDS})?)\b", re.IGNORECASE)
# A house number read out after "number": "number fourteen oak road is my house".
_SPOKEN_STREET = re.compile(
    rf"\bnumber\s+{_WORDS}\s+(?:[a-z][\w'’-]+\s+){{1,3}}(?:road|rd|street|st|lane|ln|avenue|ave|close|drive|way|court|"
    r"crescent|place|terrace|gardens|grove|boulevard|mews|parade)\b", re.IGNORECASE)
# An address at a mail provider with no domain ending: "priya dot r at gmail" (the words before it are the address).
_PROVIDER_EMAIL = re.compile(
    rf"(?<![\w.+-])(?P<local>[\w+-]+(?:{_DOT}[\w+-]+)*){_AT}(?P<provider>g\s?mail|google\s?mail|hot\s?mail|yahoo|"
    r"icloud|aol|gmx|protonmail|proton|yandex|outlook|live|msn)\b(?!\s*(?:\.|dot\b))", re.IGNORECASE)
_WORD_PROVIDERS = {"outlook", "live", "msn"}  # words too ("look at outlook"): an address only with a dot or digit
# Digits after a word that makes them an identifier, read out or spaced: "my pin is one two three four",
# "account ending four eight two one", "my badge is 4 4 7 1 9" (three digits or more).
_ID_CUE = r"\b(?:id|pin|badge|number|account|acct|ending(?:\s+in)?|ends\s+in|ext(?:ension)?|code)\b[\s:#]*(?:is\b\s*)?"
# A phone number after the word for it, part in digits and part in words: "my mobile is 07700 nine hundred 123".
_PHONE_CUE = (r"\b(?:mobile|phone|cell|tel|whatsapp|number|(?:call|text|ring|whatsapp)\s+me(?:\s+on)?)\b[\s:#]*"
              r"(?:is\b\s*)?")
_MIXED_PHONE = re.compile(
    rf"{_PHONE_CUE}(?P<id>(?:(?:\d+|{_DIGIT_WORDS}|hundred|thousand|double|triple)\b[\s,-]*){{3,}})", re.IGNORECASE)
_CUED_DIGITS = re.compile(rf"{_ID_CUE}(?P<id>(?:(?:{_DIGIT_WORDS})\b[\s,-]*){{3,}}|\d(?:\s\d){{2,}}\b)", re.IGNORECASE)
# A login after the word for it, when it holds a digit, a dot or an underscore: "my login is jsmith2".
_CUED_LOGIN = re.compile(r"\b(?:(?:login|log-in|logon)(?:\s+(?:name|id))?|username|user\s+name|user\s*id|handle)\b"
                         r"[\s:#]*(?:is\b[\s:]*)?"
                         r"(?P<id>[A-Za-z](?=[\w.-]*[\d_]|[\w-]*\.\w)[\w.-]*\w)", re.IGNORECASE)
# Digits with the separators people type inside phone and card numbers.
_DIGIT_RUN = re.compile(r"(?<![\w])\+?\(?\d(?:[\d\s().-]*\d)?(?![\w])")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


@dataclass(frozen=True)
class Replacement:
    """One detail replaced: its kind, the original text, and where it was in the original (end exclusive)."""

    kind: str
    original: str
    start: int = -1
    end: int = -1


@dataclass(frozen=True)
class Redacted:
    """The redacted text and what was replaced in it."""

    text: str
    replacements: tuple[Replacement, ...]

    @property
    def changed(self) -> bool:
        return bool(self.replacements)

    def position(self, offset: int, *, end: bool = False) -> int:
        """Where a position of the original text is in the redacted text.

        A position inside a replaced detail moves to the start of its
        placeholder, or to its end when ``end`` is set (the end of a span), so
        an imported coded span keeps covering the same words.
        """
        shift = 0
        for r in self.replacements:
            if offset <= r.start:
                break
            placeholder = len(PLACEHOLDERS[r.kind])
            if offset < r.end:
                return r.start + shift + (placeholder if end else 0)
            shift += placeholder - (r.end - r.start)
        return offset + shift


def _digit_kind(run: str) -> str | None:
    digits = sum(ch.isdigit() for ch in run)
    if digits < 6 or _ISO_DATE.fullmatch(run):
        return None
    if run.startswith(("+", "(")) or (run.startswith("0") and 9 <= digits <= 13):
        return "phone" if digits >= 8 else "number"
    return "number"


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    """Leave sentence punctuation that follows a link or a handle outside it."""
    while end > start and text[end - 1] in ".,;:!?)]}'\"":
        end -= 1
    return start, end


class _Spans:
    """Detected details as non-overlapping (start, end, kind); the first detector to claim a character wins."""

    def __init__(self) -> None:
        self.items: list[tuple[int, int, str]] = []

    def add(self, start: int, end: int, kind: str) -> None:
        k = bisect.bisect_left(self.items, (start,))
        before_free = k == 0 or self.items[k - 1][1] <= start
        after_free = k == len(self.items) or self.items[k][0] >= end
        if end > start and before_free and after_free:
            self.items.insert(k, (start, end, kind))

    def replace(self, start: int, end: int, kind: str) -> None:
        """Claim ``start:end`` over the names inside it ("[name] prices" becomes one name)."""
        self.items = [item for item in self.items if not (item[2] == "name" and start <= item[0] and item[1] <= end)]
        self.add(start, end, kind)

    def blocked(self) -> list[tuple[int, int]]:
        return [(s, e) for s, e, _ in self.items]


_SPACED_LETTERS_BEFORE = re.compile(r"(?:(?<![\w.])[^\W\d_] ){2,}$")
"""Letters typed apart just before an address ("t o k a f o r @ bank dot com"): the address's own start."""


def _email(text: str, spans: _Spans, start: int, end: int) -> None:
    spaced = _SPACED_LETTERS_BEFORE.search(text, max(0, start - 80), start)
    spans.add(spaced.start() if spaced else start, end, "email")


def _patterns(text: str, spans: _Spans) -> None:
    for match in _EMAIL.finditer(text):
        _email(text, spans, *match.span())
    for match in _OBFUSCATED_EMAIL.finditer(text):
        if "".join(match["tld"].split()).lower() not in _TLD_SET:
            continue  # "asked at work dot a b c"
        plain_at = re.fullmatch(r"\s+at\s+", text[match.end("local"):match.start("domain")], re.IGNORECASE)
        # "reset it at bank.com" is a link after a word; "dave at hotmail dot com" is an address.
        named = fold(match["local"]) in gazetteer().first  # "jane at example.com" is an address all the same
        if plain_at and not named and not re.search(r"[._\d+]", match["local"]) and "." in match["domain"] and \
                not re.search(r"\bdot\b", match["domain"], re.IGNORECASE):
            continue
        _email(text, spans, *match.span())
    for pattern in (_URL, _BARE_URL):
        for match in pattern.finditer(text):
            if pattern is _BARE_URL and not match[0].split("/")[0].rsplit(".", 1)[-1].islower():
                continue  # "policy.It" is a missing space, not a link
            spans.add(*_trim(text, *match.span()), "url")
    for match in _HANDLE.finditer(text):
        spans.add(*_trim(text, *match.span()), "handle")
    for match in _CUED_HANDLE.finditer(text):
        spans.add(*_trim(text, *match.span("id")), "handle")
    for match in _SPOKEN_LINK.finditer(text):
        spans.add(*match.span(), "url")
    for pattern in (_STREET, _POSTCODE, _LOWER_STREET, _LOWER_POSTCODE, _SPOKEN_STREET):
        for match in pattern.finditer(text):
            spans.add(*match.span(), "address")
    for match in _CUED_POSTCODE.finditer(text):
        spans.add(*match.span("code"), "address")
    for match in _SPACED_POSTCODE.finditer(text):
        spans.add(*match.span(), "address")
    for start, end, detail in cued_details(text):
        spans.add(start, end, detail)
    for match in _TITLED_INITIAL.finditer(text):
        shouted = match[0].isupper() and re.match(r" [A-Z]{2}", text[match.end():])  # "I MISS A LOT"
        if match["name"][0].isupper() and not shouted:
            spans.add(*match.span("name"), "name")
    for match in _IBAN.finditer(text):
        if sum(ch.isdigit() for ch in match[0]) >= 8:
            spans.add(*match.span(), "number")
    for match in _CODE.finditer(text):
        spans.add(match.start() + match[0].startswith("#"), match.end(), "number")
    for match in _DIGIT_RUN.finditer(text):
        core = match.group(0).strip()
        kind = _digit_kind(core)
        if kind is not None:
            start = match.start() + match.group(0).index(core)
            spans.add(start, start + len(core), kind)
    _spoken(text, spans)
    for match in _CUED_NUMBER.finditer(text):
        start, end = match.span("id")
        start += text[start] == "#"
        if sum(ch.isdigit() for ch in match["id"]) >= 2 and not _ISO_DATE.fullmatch(match["id"]):
            spans.add(start, end, "number")


def _spoken(text: str, spans: _Spans) -> None:
    """Details written the way people say them: numbers in words, birth dates, mail without a domain, logins."""
    for match in _SPOKEN_NUMBER.finditer(text):
        run = match[0].rstrip(" ,-\t\n")
        digits = len(_SPOKEN_DIGIT.findall(run))
        if digits >= 4:
            spans.add(match.start(), match.start() + len(run), "phone" if digits >= 9 else "number")
    for pattern in (_BIRTH_DATE, _SPOKEN_BIRTH_DATE):
        for match in pattern.finditer(text):
            spans.add(*match.span("date"), "number")
    for match in _PROVIDER_EMAIL.finditer(text):
        worded = match["provider"].lower() in _WORD_PROVIDERS and not re.search(r"[\d._]|\bdot\b", match["local"])
        if match["local"].lower() not in {"me", "us", "him", "her", "them", "it", "you", "mail", "email"} and \
                not worded:
            spans.add(*match.span(), "email")
    for match in _MIXED_PHONE.finditer(text):
        run = match["id"].rstrip(" ,-\t")
        digits = sum(ch.isdigit() for ch in run) + len(_SPOKEN_DIGIT.findall(run)) + \
            2 * len(re.findall(r"hundred", run, re.IGNORECASE)) + 3 * len(re.findall(r"thousand", run, re.IGNORECASE))
        # part in digits ("07700 nine hundred 123"), or all in words ("seven seven hundred, nine hundred, ...")
        if re.search(r"[a-z]", run, re.IGNORECASE) and digits >= (6 if re.search(r"\d", run) else 9):
            spans.add(match.start("id"), match.start("id") + len(run), "phone")
    for match in _CUED_DIGITS.finditer(text):
        start, end = match.span("id")
        spans.add(start, start + len(match["id"].rstrip(" ,-\t")), "number")
    for match in _CUED_LOGIN.finditer(text):
        spans.add(*match.span("id"), "number")


class Redactor:
    """Redacts text; build one per roster and reuse it (the name gazetteer is loaded once per process)."""

    def __init__(self, roster: Iterable[str] = ()):
        roster = list(roster)
        self._names = NameFinder(roster)
        self._nicknames = NicknameFinder(roster)  # "Kev" for Kevin
        self._scrambled = ScrambledNames(roster)  # "rofakO", "Oka for"
        self._initials = roster_initials(roster)
        self._roster_words = roster_word_keys(roster) | self._nicknames.keys
        self._roster_pairs = roster_pairs(roster)

    def redact(self, text: str) -> Redacted:
        view, where = plain_view(text)
        found = self._found(view)
        if where is not None:  # back to the text as typed (a reversed run's positions run backwards)
            found = sorted((*span_in_text(text, where, start, end), kind) for start, end, kind in found)
        parts, replaced, last = [], [], 0
        for start, end, kind in found:
            parts += [text[last:start], PLACEHOLDERS[kind]]
            replaced.append(Replacement(kind, text[start:end], start, end))
            last = end
        parts.append(text[last:])
        return Redacted("".join(parts), tuple(replaced))

    def _found(self, text: str) -> list[tuple[int, int, str]]:
        """(start, end, kind) of every detail in ``text``, in order, none overlapping."""
        spans = _Spans()
        _patterns(text, spans)
        for reading in readings(text):  # "T0m 0kafor": the roster's names with digits for letters, first, so
            # that the letters alone ("kafor") are not taken for a name of their own beside a stray "0"
            found = [*self._names.find(reading, spans.blocked(), roster_only=True),
                     *(s for s in self._names.find(reading, spans.blocked()) if between_letters(text, *s))]
            for start, end in disguised_spans(text, reading, found):
                spans.add(start, end, "name")
        for start, end in initialled_surnames(text):  # before the surname alone is found ("J. [name] said")
            spans.add(start, end, "name")
        for start, end in self._scrambled.find(text):  # before the parts alone are found ("[name] O.")
            spans.add(start, end, "name")
        for start, end in self._names.find(text, spans.blocked()):
            spans.add(start, end, "name")
        for start, end in self._nicknames.find(text, spans.blocked()):
            spans.add(start, end, "name")
        for start, end in self._scrambled.misspelt(text):  # "Siobahn", after the names found whole
            spans.add(start, end, "name")
        for start, end in self._names.spelled_out(text, spans.blocked()):
            spans.add(start, end, "name")
        for start, end in initials_spans(text, self._initials):
            spans.add(start, end, "name")
        for start, end in roster_words_beside(text, spans.items, self._roster_words):  # "kev and tom", "Tom, you"
            spans.add(start, end, "name")
        for start, end in roster_name_forms(text, spans.items, self._roster_pairs, self._roster_words):  # "d price"
            spans.replace(start, end, "name")
        return spans.items


def redact(text: str, roster: Iterable[str] = ()) -> Redacted:
    """Redact ``text`` with an optional roster of names; see :class:`Redactor`."""
    return Redactor(roster).redact(text)
