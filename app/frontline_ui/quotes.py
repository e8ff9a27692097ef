"""Agents' quotes as executives read them: whole when short, cut with the rest one click away when long."""

import streamlit as st

QUOTE_SHOWN = 280
"""Characters of a quote shown at once on the start page: one agent's 2,000-character comment filled a screen
there (a walk); the rest opens beside it."""


def show_quote(where, quote: str, *, key: str) -> None:
    """A quote, cut at a word before :data:`QUOTE_SHOWN` characters with the whole of it one click away."""
    if len(quote) <= QUOTE_SHOWN:
        where.text(f"“{quote}”")
        return
    cut = quote[:QUOTE_SHOWN].rsplit(" ", 1)[0] or quote[:QUOTE_SHOWN]
    where.text(f"“{cut} …”")
    with where.popover("Read all of it", key=key):
        st.text(f"“{quote}”")
