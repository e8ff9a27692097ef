"""A suggested code says how sure the model is, and a guess says it is one."""

from frontline_ui.suggested import suggested_caption


def test_a_confident_suggestion_reads_plainly_and_a_guess_is_marked_as_one():
    assert suggested_caption("Tools and systems", 0.81) == "Suggested: Tools and systems (81% sure)"
    assert suggested_caption("Authority to fix things", 0.17) == \
        "Suggested, but unsure: Authority to fix things (17% sure). Check it before accepting."
    assert suggested_caption("Pay", None) == "Suggested: Pay"
    assert suggested_caption("*bold*", 0.9) == "Suggested: \\*bold\\* (90% sure)"  # typed names stay text
