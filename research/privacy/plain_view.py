"""The text as redaction reads it: without invisible characters, full-width forms as their plain ones.

An insider review (2026-12-07) typed "Jo\u200bhn Sm\u200bith" (zero-width spaces inside the words) and
"jsmith＠company．com" (full-width "@" and "."): both read as the names and address they are, and both passed.
Redaction reads this view and maps what it finds back to the text as typed, which is stored with only the
details replaced.
"""

from __future__ import annotations

import unicodedata

INVISIBLE = frozenset("\u00ad\u180e\u200b\u200c\u200d\u2060\u2061\u2062\u2063\u2064\ufeff")
"""Soft hyphen, Mongolian vowel separator, zero-width space, non-joiner and joiner, word joiner, invisible
operators and the byte-order mark: characters that show nothing and split a word for a program."""


def plain_view(text: str) -> tuple[str, list[int] | None]:
    """The text without :data:`INVISIBLE` characters and with each character that compatibility normalisation
    (NFKC) makes one other character made that one ("＠" "@", "ｊ" "j"), and where each of its characters was
    in ``text`` (None when it is ``text`` itself)."""
    if text.isascii():
        return text, None
    chars, where = [], []
    for position, char in enumerate(text):
        if char in INVISIBLE:
            continue
        plain = unicodedata.normalize("NFKC", char)
        chars.append(plain if len(plain) == 1 else char)
        where.append(position)
    view = "".join(chars)
    return (text, None) if view == text else (view, where)
