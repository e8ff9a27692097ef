"""A quote's own words as an attribute of its speaker: what is found, what replaces it, and when it may stay."""

import pandas as pd

from research.privacy.mentions import MentionFinder, unless_singled_out

FINDER = MentionFinder({"industry": ["banking", "casual dining", "technical support", "telecommunications"],
                        "site": ["Leeds", "Cardiff"], "team": ["Banking Support", "Email Desk"],
                        "role": ["team lead"]})


def test_industries_are_found_by_their_usual_words_not_inside_other_words():
    assert FINDER.named("angry about the core banking screen") == {"industry": {"banking"}}
    assert FINDER.named("the bank's app and two banks") == {"industry": {"banking"}}
    assert FINDER.named("the restaurant; casual-dining guests") == {"industry": {"casual dining"}}
    assert FINDER.named("I moved from tech support to the telco") == {
        "industry": {"technical support", "telecommunications"}}
    assert FINDER.named("the firm went bankrupt near the embankment") == {}
    assert FINDER.named("LEEDS and cardiff") == {"site": {"Leeds", "Cardiff"}}


def test_teams_are_found_whole_and_roles_are_not_looked_for():
    assert FINDER.named("Banking Support never answers") == {"team": {"Banking Support"}, "industry": {"banking"}}
    assert FINDER.named("our team lead says the desk is busy") == {}  # "Email Desk" needs both words
    assert FINDER.redact("Banking Support in Leeds").text == "[team] in [site]"


def test_redaction_reports_what_it_replaced_and_where():
    text = "Angry about the core banking screen in Cardiff."
    redacted = FINDER.redact(text)
    assert redacted.text == "Angry about the core [industry] screen in [site]."
    assert [(r.kind, r.original) for r in redacted.replacements] == [("industry", "banking"), ("site", "Cardiff")]
    assert redacted.position(text.index("screen")) == redacted.text.index("screen")


PEOPLE = pd.DataFrame({"industry": ["banking"] * 6 + ["retail"] * 6, "site": ["Leeds"] * 12},
                      index=range(12))


def test_a_named_industry_stays_only_when_enough_share_it_with_the_row_shown():
    rows = pd.DataFrame({"Role": ["agent"] * 5 + ["team lead"] + ["agent"] * 6}, index=range(12))
    no_columns = rows[[]]
    quote = "angry about the bank screen"
    # six banking people and nothing beside the quote: the words may stay
    assert unless_singled_out(quote, speaker=5, people=PEOPLE, shown=no_columns, finder=FINDER, k=5) == quote
    # "team lead" beside it: banking team leads are one person, so the words go
    assert unless_singled_out(quote, speaker=5, people=PEOPLE, shown=rows, finder=FINDER, k=5) == \
        "angry about the [industry] screen"
    # five banking agents share "agent": the words may stay
    assert unless_singled_out(quote, speaker=0, people=PEOPLE, shown=rows, finder=FINDER, k=5) == quote
    # a retail agent naming banking would be taken for one of the banking agents: replaced
    assert unless_singled_out(quote, speaker=7, people=PEOPLE, shown=rows, finder=FINDER, k=5) == \
        "angry about the [industry] screen"
    # judged among the people it was first shown among: three banking agents then
    assert unless_singled_out(quote, speaker=0, people=PEOPLE.loc[[0, 1, 2, 6, 7]], shown=no_columns,
                              finder=FINDER, k=5) == "angry about the [industry] screen"
    assert unless_singled_out("no names here", speaker=5, people=PEOPLE, shown=rows, finder=FINDER, k=5) == \
        "no names here"


def test_a_role_counts_only_where_the_speaker_says_it_is_their_own():
    assert FINDER.named("As a team lead I get the huddle") == {"role": {"team lead"}}
    assert FINDER.redact("As a team lead I get the huddle").text == "As a [role] I get the huddle"
    assert FINDER.named("Our team lead collects suggestions; the team lead is great") == {}


def test_a_role_said_as_ones_own_in_other_words_is_found_too():
    """An outside review kept each of these beside a step with one team lead, pinning the quote on them."""
    for said in ("As team lead I never see the queue stats", "I am team lead and the tool hides the stats",
                 "Since I became a team leader the tool hides the stats", "My role is team lead, and",
                 "As a new team lead I never see the stats", "I'm the only team lead on this floor"):
        assert FINDER.named(said) == {"role": {"team lead"}}, said
    assert FINDER.named("Our team leader collects suggestions") == {}
    roles = MentionFinder({"role": ["agent", "senior agent"]})
    assert roles.named("As a senior agent I mentor") == {"role": {"senior agent"}}  # not "agent" as well


def test_a_name_is_found_and_replaced_in_place_when_folding_changes_the_texts_length():
    sites = MentionFinder({"site": ["Malmö", "Zürich", "Montréal"]})
    assert sites.redact("In Malmö… the screen freezes").text == "In [site]… the screen freezes"
    assert sites.redact("At Zürich … Straße it freezes").text == "At [site] … Straße it freezes"
    assert sites.redact("In Montréal the ﬁrst screen").text == "In [site] the ﬁrst screen"
    assert sites.redact("In MALMO and malmö").text == "In [site] and [site]"
