"""Contact details and dates written around the redaction's main patterns, found by the words beside them.

A third insider review (2026-12-07) stored each of these readable: a birth year or month ("born in march 88",
"born 1988"), a street named without a number after "lives on" or with one in words ("twelve Oak Street"), a PO
box, a UK postcode with a hyphen ("LS1-4AP"), a National Insurance number, a Discord tag ("kev#1234"), and a mail
address given by its provider first ("my gmail is xj99"). A later review found phone numbers split by slashes and
postcodes dotted or run together in lower case. Each needs its cue or its exact shape, so plain prose
keeps its words ("born to serve", "the 12/3 split", "lives on the edge"). (Its birthdays without a year or with
spaced slashes, "bday 12/3", "dob: 12 / 03 / 1988", are read by the redaction's own birth-date pattern.)
"""

from __future__ import annotations

import re

_STREET_TYPES = (r"(?:Road|Rd|Street|St|Lane|Ln|Avenue|Ave|Close|Drive|Way|Court|Crescent|Place|Terrace|Gardens|"
                 r"Grove|Boulevard|Blvd|Mews|Parade)")
_NUMBER_WORDS = (r"(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|"
                 r"sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred)")
_MONTHS = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*"

PATTERNS: tuple[tuple[re.Pattern, str], ...] = (
    (re.compile(r"\bborn\s+(?:on\s+)?(?P<id>\d{1,2}\s?[./-]\s?\d{1,2}\s?[./-]\s?\d{2,4})\b"), "number"),
    (re.compile(rf"\bborn\s+(?:in\s+)?(?P<id>(?:{_MONTHS}\s+)?'?(?:19|20)?\d{{2}})\b(?!\s*(?:minutes|hours|days|"
                r"weeks|months|years|times|%))", re.IGNORECASE), "number"),
    (re.compile(rf"\b(?:live|lives|living|lived|moved)\s+(?:on|at|in|to)\s+(?P<id>(?:(?i:{_NUMBER_WORDS})\s+)?"
                rf"(?:[A-Z][\w'’-]+\s+){{1,3}}{_STREET_TYPES})\b"), "address"),
    (re.compile(rf"\b(?P<id>(?i:{_NUMBER_WORDS})(?:[\s-]+(?i:{_NUMBER_WORDS}))?\s+(?:[A-Z][\w'’-]+\s+){{1,3}}"
                rf"{_STREET_TYPES})\b"), "address"),
    (re.compile(r"\b(?P<id>P\.?\s?O\.?\s+Box\s+\d+)\b", re.IGNORECASE), "address"),
    (re.compile(r"\b(?P<id>[A-Z]{1,2}\d[A-Z\d]?-\d[A-Z]{2})\b"), "address"),
    (re.compile(r"\b(?P<id>[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z]\s?\d{2}\s?\d{2}\s?\d{2}\s?[A-D])\b"), "number"),
    (re.compile(r"\b(?:ni|nino|national\s+insurance)(?:\s+(?:no|number|num))?\.?\s*(?:is\s+)?[:#]?\s*"
                r"(?P<id>[a-z]{2}\s?\d{2}\s?\d{2}\s?\d{2}\s?[a-d])\b", re.IGNORECASE), "number"),
    (re.compile(r"(?P<id>(?<![\w#])[A-Za-z][\w.]{1,31}#\d{4})\b"), "handle"),
    # A phone number split by slashes ("07700/900/123"); ten digits or more, so a date ("01/02/2023") is kept.
    (re.compile(r"(?<![\w/])(?P<id>(?=(?:\+?\d(?:\s?/\s?|\s)?){10,13}(?![\d/]))(?:\+\d{1,3}|0)\d{2,4}"
                r"(?:\s?/\s?\d{2,4}){1,3})(?![\w/])"), "phone"),
    # A UK postcode with dots between its characters ("L.S.1 4.A.P"), or lower case run together ("sw1a1aa").
    (re.compile(r"(?<![\w.])(?P<id>[A-Z]\.(?:[A-Z]\.?)?\d\.?(?:[A-Z\d]\.?)?\s?\d\.?[ABD-HJLNP-UW-Z]\.?"
                r"[ABD-HJLNP-UW-Z]\.?)(?!\w)"), "address"),
    (re.compile(r"\b(?P<id>[a-z]{1,2}\d[a-z\d]?\d[abd-hjlnp-uw-z]{2})\b"), "address"),
    # ... or split by a comma, a slash or spaces ("LS6, 2AB", "LS 6 2 AB", "ls6/2ab"), and an Irish Eircode after
    # its name, and a Reddit user ("u/janedoe99").
    (re.compile(r"\b(?P<id>[A-Z]{1,2}\s?\d[A-Z\d]?(?:\s?[,/]\s?|\s)\d\s?[ABD-HJLNP-UW-Z]\s?[ABD-HJLNP-UW-Z])\b"),
     "address"),
    (re.compile(r"\b(?P<id>[a-z]{1,2}\d[a-z\d]?\s?/\s?\d[abd-hjlnp-uw-z]{2})\b"), "address"),
    (re.compile(r"\beir\s?code\b[\s:#]*(?:is\b\s*)?(?P<id>[a-z]\d{2}\s?[a-z\d]{4})\b", re.IGNORECASE), "address"),
    (re.compile(r"(?<![\w/])(?P<id>u/[A-Za-z0-9_-]{3,20})\b"), "handle"),
    (re.compile(r"\b(?:my\s+(?:personal\s+)?)?(?:g\s?mail|hot\s?mail|yahoo|outlook|icloud|proton(?:mail)?)"
                r"(?:\s+(?:address\s+)?is)?\s*[:,]?\s+(?P<id>[a-z][\w.]*\d[\w.]*)\b", re.IGNORECASE), "email"),
)


def cued_details(text: str) -> list[tuple[int, int, str]]:
    """(start, end, kind) of each detail found by :data:`PATTERNS`, the detail alone (not its cue)."""
    return [(*match.span("id"), kind) for pattern, kind in PATTERNS for match in pattern.finditer(text)]
