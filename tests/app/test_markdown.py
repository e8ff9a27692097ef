"""plain(): typed text placed in a Markdown element shows exactly as typed, on one line, with no link;
widget_name(): the same text as an input's accessible name, with no escape a screen reader would speak."""

import re

import pytest

from frontline_ui.markdown import JOINER, plain, widget_name

# The patterns Streamlit's Markdown renderer (remark-gfm) links after parsing, on text whose escapes are
# already resolved: copied from its bundle, with the e-mail pattern's look-behind dropped (so it matches more).
GFM_URL = re.compile(r"(https?://|www(?=\.))([-.\w]+)([^ \t\r\n]*)", re.I)
GFM_EMAIL = re.compile(r"([-.\w+]+)@([-\w]+(?:\.[-\w]+)+)")


def as_read(escaped: str) -> str:
    """What the renderer holds once backslash escapes are resolved."""
    return re.sub(r"\\(.)", r"\1", escaped)


@pytest.mark.parametrize("typed", [
    "[click](javascript:alert(1))", "![p](http://127.0.0.1:9/p.png)", "**bold** _it_ `code` ~~x~~",
    "# Heading", "1. listed", "- bullet", "> quoted", "<b>tag</b>", "$x^2$", ":smile:", "a | b", "&amp;",
])
def test_every_markup_character_is_escaped(typed):
    escaped = plain(typed)
    assert as_read(escaped).replace(JOINER, "") == typed  # the reader sees what was typed
    assert not re.search(r"(?<!\\)[\[\]()*_`#<>$:|&!~]", escaped)  # and no markup character is left bare


def test_line_breaks_of_any_kind_become_one_space():
    assert plain("first\r\n\r\nsecond\rthird\nfourth") == "first second third fourth"


@pytest.mark.parametrize("typed", [
    "see https://bonus.example.com/claim now", "HTTP://EXAMPLE.COM", "www.example.com/login",
    "Www.Example.com", "mail kev.smith@example.co.uk", "http://127.0.0.1:9/p.png", "(https://x.example.org)",
])
def test_bare_addresses_are_not_linked(typed):
    read = as_read(plain(typed))
    assert read.replace(JOINER, "") == typed
    assert not GFM_URL.search(read) and not GFM_EMAIL.search(read)


@pytest.mark.parametrize("typed", [
    "3. Do you have the tools you need?", "I have the tools and systems I need to solve customers' problems",
    "When customers give feedback (NPS, surveys), something changes", "**bold** _it_ `code` #1 - 50% $5 a|b",
])
def test_a_widget_name_is_the_wording_as_typed(typed):
    assert widget_name(typed) == typed


@pytest.mark.parametrize("typed", [
    "[click](javascript:alert(1))", "![p](http://127.0.0.1:9/p.png)", "<img src=x>", "<http://127.0.0.1:9/a>",
    "see https://bonus.example.com/claim or www.example.com", "mail kev@example.com",
])
def test_a_widget_name_builds_no_link_or_image(typed):
    """Streamlit renders the hidden label as Markdown too: an invisible joiner, never a backslash, stops a link."""
    name = widget_name(typed)
    assert name.replace(JOINER, "") == typed and "\\" not in name
    read = as_read(name)  # the name has no escapes, so this is the text as remark-gfm sees it
    assert "](" not in read and not re.search(r"<[A-Za-z/]", read)
    assert not GFM_URL.search(read) and not GFM_EMAIL.search(read)


def test_a_widget_name_is_one_line():
    assert widget_name("first\r\nsecond\nthird") == "first second third"
