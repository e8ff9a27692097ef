"""Redaction of identifying details from free text, before it is stored.

One module for pulse comments and interview notes alike. It replaces e-mail
addresses, URLs, phone numbers, long digit runs (account, card, order
numbers), names on a roster deny-list, and names in obvious patterns such as
"my supervisor John" with a bracketed placeholder, and reports each
replacement so the person typing can see what changed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

PLACEHOLDERS = {
    "email": "[email]",
    "url": "[link]",
    "phone": "[phone]",
    "number": "[number]",
    "name": "[name]",
}

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
_URL = re.compile(r"\b(?:https?://|www\.)[^\s<>\"']+", re.IGNORECASE)
# Digits with the separators people type inside phone and card numbers.
_DIGIT_RUN = re.compile(r"(?<![\w])\+?\(?\d(?:[\d\s().-]*\d)?(?![\w])")
_TITLE = r"(?:(?:Mr|Mrs|Ms|Miss|Dr)\.?\s+)?"
_ROLE_WORDS = (
    r"supervisor|manager|team\s*lead(?:er)?|lead|boss|coach|trainer|director|colleague|co-?worker|agent|"
    r"tl|sup|called|named|name\s+is|ask\s+for|spoke\s+(?:to|with)|thanks\s+to"
)
_PATTERN_NAME = re.compile(
    rf"\b(?:{_ROLE_WORDS})[,:]?\s+{_TITLE}(?P<name>[^\W\d_][\w'’-]*(?:\s+[^\W\d_][\w'’-]*)?)",
    re.IGNORECASE | re.UNICODE,
)
# Capitalised words that follow a role word without being names.
_NOT_NAMES = {
    "i", "the", "a", "an", "and", "but", "or", "never", "always", "is", "was", "says", "said", "does", "did",
    "who", "which", "that", "this", "they", "he", "she", "we", "you", "it", "not", "has", "had", "will",
    "can", "just", "also", "still", "again", "today", "yesterday", "there", "here", "on", "in", "at", "for",
    "to", "of", "with", "from", "about", "because", "so", "if", "when", "all", "no", "yes", "too", "only",
}


@dataclass(frozen=True)
class Replacement:
    kind: str
    original: str


@dataclass(frozen=True)
class Redacted:
    """The redacted text and what was replaced in it."""

    text: str
    replacements: tuple[Replacement, ...]

    @property
    def changed(self) -> bool:
        return bool(self.replacements)


def _digit_kind(run: str) -> str | None:
    digits = sum(ch.isdigit() for ch in run)
    if digits < 6:
        return None
    compact = run.strip()
    if compact.startswith(("+", "(")) or (compact.startswith("0") and 9 <= digits <= 13):
        return "phone" if digits >= 8 else "number"
    return "number"


class Redactor:
    """Redacts text; build one per roster and reuse it."""

    def __init__(self, roster: Iterable[str] = ()):
        names = sorted({n.strip() for n in roster if n and len(n.strip()) >= 2}, key=len, reverse=True)
        self._roster = (
            re.compile(r"(?<![\w])(?:" + "|".join(re.escape(n) for n in names) + r")(?![\w])", re.IGNORECASE)
            if names else None
        )

    def redact(self, text: str) -> Redacted:
        found: list[Replacement] = []

        def sub(pattern: re.Pattern, kind: str, value: str) -> str:
            def repl(match: re.Match) -> str:
                found.append(Replacement(kind, match.group(0)))
                return PLACEHOLDERS[kind]
            return pattern.sub(repl, value)

        value = sub(_EMAIL, "email", text)
        value = sub(_URL, "url", value)

        def digits(match: re.Match) -> str:
            kind = _digit_kind(match.group(0))
            if kind is None:
                return match.group(0)
            original = match.group(0)
            # Keep the spacing around the run; only the number itself is replaced.
            core = original.strip()
            found.append(Replacement(kind, core))
            return original.replace(core, PLACEHOLDERS[kind])

        value = _DIGIT_RUN.sub(digits, value)
        if self._roster is not None:
            value = sub(self._roster, "name", value)
        value = self._pattern_names(value, found)
        return Redacted(value, tuple(found))

    @staticmethod
    def _pattern_names(value: str, found: list[Replacement]) -> str:
        def repl(match: re.Match) -> str:
            words = match.group("name").split()
            kept = []
            for word in words:
                if word[0].isupper() and word.lower() not in _NOT_NAMES:
                    kept.append(word)
                else:
                    break
            if not kept:
                return match.group(0)
            name = " ".join(kept)
            found.append(Replacement("name", name))
            start = match.start("name") - match.start(0)
            whole = match.group(0)
            return whole[:start] + PLACEHOLDERS["name"] + whole[start + len(name):]

        return _PATTERN_NAME.sub(repl, value)


def redact(text: str, roster: Iterable[str] = ()) -> Redacted:
    """Redact ``text`` with an optional roster of names; see :class:`Redactor`."""
    return Redactor(roster).redact(text)
