"""Escaping for text people typed that has to sit inside a Markdown-rendered element.

Streamlit renders captions, headings, alerts, widget labels and radio options
as Markdown. A wave title, a question's wording or an uploaded file's name
placed there could otherwise become a link, an image fetched from anywhere
(which would tell its owner an agent's address) or formatting. Plain text is
better shown with ``st.text``; where a label must hold it, pass it through
:func:`plain`.
"""

from __future__ import annotations

import re

# CommonMark's escapable punctuation, plus "$" (Streamlit renders LaTeX) and ":" (":emoji:" shortcodes).
_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:&\"'=^])")
# GitHub-flavoured Markdown links bare "http://", "www." and e-mail addresses after parsing, in the text with
# its escapes already removed, so a backslash cannot stop it. An invisible word joiner (U+2060) inside each
# pattern does: the text reads the same and nothing matches.
JOINER = "\u2060"
_AUTOLINK = re.compile(r"(?i)(?<=http)(?=s?:)|(?<=www)(?=\.)|(?=@)")


def plain(text: object) -> str:
    """``text`` with every character Markdown could act on backslash-escaped, so it shows as typed.

    Bare web and e-mail addresses are shown as text, not made into links.
    """
    unlinked = _AUTOLINK.sub(JOINER, str(text))
    return re.sub(r"[\r\n]+", " ", _SPECIAL.sub(r"\\\1", unlinked))
