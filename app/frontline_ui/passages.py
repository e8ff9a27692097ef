"""The answer being coded, with its coded passages marked inline in their codes' colours."""

from __future__ import annotations

import html
import re

import streamlit as st

from interviews.passages import Passage

_COLOUR = re.compile(r"#[0-9a-fA-F]{6}")
_CLOSING = ".,;:!?…)]\"'»”’"  # what closes a sentence or a quote


def show_passages(passages: list[Passage]) -> None:
    """Draw the answer with its coded passages marked (see :func:`passages_html`)."""
    st.html(passages_html(passages))


def passages_html(passages: list[Passage]) -> str:
    """The answer as HTML; each coded passage is highlighted, and each excerpt's codes are named where it ends.

    Punctuation left outside an excerpt (its sentence's full stop) is drawn before the codes' names, so it never
    stands alone after them. Every piece of text is escaped before it becomes HTML, and ``st.html`` does no
    Markdown, so what people typed shows exactly as typed. The tint is light and the text dark whatever the
    code's colour, so the text keeps its contrast.
    """
    parts = []
    label = ""
    for passage in passages:
        text = passage.text
        if label:
            closing = "" if passage.codes else text[:len(text) - len(text.lstrip(_CLOSING))]
            parts += [html.escape(closing), label]
            text, label = text[len(closing):], ""
        text = html.escape(text)
        if passage.codes:
            colour = passage.codes[0].colour if _COLOUR.fullmatch(passage.codes[0].colour or "") else "#7f7f7f"
            names = html.escape(", ".join(code.name for code in passage.codes))
            parts.append(f'<mark style="background:{colour}2e;border-bottom:3px solid {colour};color:#262730;'
                         f'padding:0 2px" title="{names}">{text}</mark>')
        else:
            parts.append(text)
        if passage.ends:
            label += (f'<small style="color:#31333f;font-weight:600"> '
                      f'[{html.escape(", ".join(code.name for code in passage.ends))}]</small>')
    parts.append(label)
    return ('<div class="frontline-passages" style="white-space:pre-wrap;line-height:1.8;color:#262730">'
            + "".join(parts) + "</div>")
