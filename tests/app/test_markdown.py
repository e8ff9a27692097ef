"""plain(): typed text placed in a Markdown element shows exactly as typed, on one line."""

import re

import pytest

from frontline_ui.markdown import plain


@pytest.mark.parametrize("typed", [
    "[click](javascript:alert(1))", "![p](http://127.0.0.1:9/p.png)", "**bold** _it_ `code` ~~x~~",
    "# Heading", "1. listed", "- bullet", "> quoted", "<b>tag</b>", "$x^2$", ":smile:", "a | b", "&amp;",
])
def test_every_markup_character_is_escaped(typed):
    escaped = plain(typed)
    unescaped = re.sub(r"\\(.)", r"\1", escaped)
    assert unescaped == typed  # the reader sees what was typed
    assert not re.search(r"(?<!\\)[\[\]()*_`#<>$:|&!~]", escaped)  # and no markup character is left bare


def test_line_breaks_of_any_kind_become_one_space():
    assert plain("first\r\n\r\nsecond\rthird\nfourth") == "first second third fourth"
