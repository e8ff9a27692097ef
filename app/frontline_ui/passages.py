"""The answer being coded, with its coded passages marked inline in their codes' colours."""

from __future__ import annotations

import html
import re

import streamlit as st

from interviews.passages import Passage

_COLOUR = re.compile(r"#[0-9a-fA-F]{6}")


def show_passages(passages: list[Passage]) -> None:
    """Draw the answer; each coded passage is highlighted with its codes named after it.

    Every piece of text is escaped before it becomes HTML, and ``st.html`` does no Markdown, so what people
    typed shows exactly as typed. The tint is light and the text dark whatever the code's colour, so the text
    keeps its contrast.
    """
    parts = []
    for passage in passages:
        text = html.escape(passage.text)
        if not passage.codes:
            parts.append(text)
            continue
        colour = passage.codes[0].colour if _COLOUR.fullmatch(passage.codes[0].colour or "") else "#7f7f7f"
        names = html.escape(", ".join(code.name for code in passage.codes))
        parts.append(f'<mark style="background:{colour}2e;border-bottom:3px solid {colour};color:#262730;'
                     f'padding:0 2px" title="{names}">{text}</mark>'
                     f'<small style="color:#31333f;font-weight:600"> [{names}]</small>')
    st.html('<div class="frontline-passages" style="white-space:pre-wrap;line-height:1.8;color:#262730">'
            + "".join(parts) + "</div>")
