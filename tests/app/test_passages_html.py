"""The coded answer as the coding page draws it: codes named once per excerpt, never before a lone full stop."""

import re

from frontline_ui.passages import passages_html
from interviews.passages import PassageCode, cut_passages

TOOLS, PAY = PassageCode("Tools and systems", "#1f77b4"), PassageCode("Pay", "#ff7f0e")


def shown(html: str) -> str:
    """The text a reader sees: tags dropped."""
    return re.sub(r"<[^>]+>", "", html)


def test_a_nested_excerpt_names_its_code_and_the_outer_code_once_after_the_full_stop():
    body = "The CRM freezes and we are underpaid for it. Fine."
    html = passages_html(cut_passages(body, [(0, 43, TOOLS), (19, 36, PAY)]))
    assert shown(html) == "The CRM freezes and we are underpaid [Pay] for it. [Tools and systems] Fine."
    assert html.count("<mark") == 3 and html.count('title="Pay, Tools and systems"') == 1


def test_typed_markup_shows_as_text():
    html = passages_html(cut_passages("<b>x</b> & y.", [(0, 8, TOOLS)]))
    assert "<b>" not in html and shown(html) == "&lt;b&gt;x&lt;/b&gt; [Tools and systems] &amp; y."
