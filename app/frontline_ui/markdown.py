"""Escaping for text people typed that has to sit inside a Markdown-rendered element.

Streamlit renders captions, headings, alerts, widget labels and radio options
as Markdown. A wave title, a question's wording or an uploaded file's name
placed there could otherwise become a link, an image fetched from anywhere
(which would tell its owner an agent's address) or formatting. Plain text is
better shown with ``st.text``; where a label must hold it, pass it through
:func:`plain`.

A widget's label is read twice, though: Streamlit draws it as Markdown and also
hands the same string to the browser verbatim as the control's ``aria-label``,
so a screen reader would read :func:`plain`'s backslashes aloud ("3 backslash
dot"). A widget labelled with typed text therefore shows ``plain(text)`` above
itself and takes :func:`widget_name` as its collapsed label (the agent's pulse
questions do).
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
# Where a link or an image (which the browser would fetch) starts: "](" of an inline one, "<" of an HTML tag or
# of an autolink such as <http://...>.
_DESTINATION = re.compile(r"(?<=\])(?=\()|(?<=<)(?=[A-Za-z/!?])")


def plain(text: object) -> str:
    """``text`` with every character Markdown could act on backslash-escaped, so it shows as typed.

    Bare web and e-mail addresses are shown as text, not made into links.
    """
    unlinked = _AUTOLINK.sub(JOINER, str(text))
    return re.sub(r"[\r\n]+", " ", _SPECIAL.sub(r"\\\1", unlinked))


def widget_name(text: object) -> str:
    """``text`` as a widget's accessible name: as typed, on one line, with no backslash for a reader to speak.

    It is meant for a label hidden with ``label_visibility="collapsed"``, beside a visible ``plain(text)``.
    Streamlit still renders that hidden label as Markdown, out of sight and aria-hidden, where formatting
    shows nowhere; but a link or an image would be built (and an image fetched, telling its owner an agent's
    address). An invisible word joiner, which screen readers do not speak, stops those: after "]" before
    "(", after "<", and in bare web and e-mail addresses.
    """
    one_line = re.sub(r"[\r\n]+", " ", str(text))
    return _AUTOLINK.sub(JOINER, _DESTINATION.sub(JOINER, one_line))
