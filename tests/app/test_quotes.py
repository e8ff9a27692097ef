"""A long quote on the start page is cut at a word, with the whole of it one click away."""

from streamlit.testing.v1 import AppTest


def _page(quote: str) -> AppTest:
    def script(text: str) -> None:
        import streamlit as st

        from frontline_ui.quotes import show_quote

        show_quote(st, text, key="quote_1_0")

    return AppTest.from_function(script, args=(quote,)).run()


def test_a_long_quote_is_cut_at_a_word_and_shown_whole_beside_it():
    """One agent's 2,000-character comment filled the executive's start page (a walk)."""
    long = "The billing system freezes whenever I open a second account, " * 30
    at = _page(long)
    shown = [t.value for t in at.text]
    assert shown[0].endswith(" …”") and len(shown[0]) <= 285 and shown[0][1:-3] == long[:len(shown[0]) - 4]
    assert f"“{long}”" in shown  # the whole quote, in the popover beside it
    assert [t.value for t in _page("The CRM freezes.").text] == ["“The CRM freezes.”"]
