"""Every findings figure shows typed names as text: no string Plotly would draw as a link or tag."""

import json
import re

import pandas as pd
import plotly.express as px

from research.findings.figures import evidence_figure, figure_text, gap_trend_figure, inert_figure, trend_figure

LINK = '<a href="http://127.0.0.1:9/bonus">Click for bonus</a>'
IMAGE = '<img src="http://127.0.0.1:9/p.png">'
# Plotly's own tags that the code writes into hover templates; any other "<" in a figure is a live tag.
CODE_TAGS = re.compile(r"<(br|extra|/extra)>")


def strings(figure) -> list[str]:
    """Every string of the figure's JSON as the browser receives it (the theme left out)."""
    found = []

    def walk(value):
        if isinstance(value, str):
            found.append(value)
        elif isinstance(value, dict):
            for key, item in value.items():
                if key != "template":
                    walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(json.loads(figure.to_json()))
    return found


def live_tags(figure) -> list[str]:
    """The strings that still hold a tag Plotly would draw."""
    return [s for s in strings(figure) if "<" in CODE_TAGS.sub("", s)]


def test_escaping_is_reversible_by_plotly_and_idempotent():
    assert figure_text(LINK) == '&lt;a href="http://127.0.0.1:9/bonus"&gt;Click for bonus&lt;/a&gt;'
    assert figure_text(figure_text("R&D <b>")) == "R&amp;D &lt;b&gt;"
    assert figure_text("&#60;a&#62; &amp;") == "&#60;a&#62; &amp;"  # entities Plotly decodes to text stay so


def test_every_string_of_a_figure_is_made_inert_but_the_codes_own_hover_tags_stay():
    frame = pd.DataFrame({"wave": [LINK, IMAGE], "share": [0.1, 0.2], "topic": [LINK, "<b>x</b>"]})
    figure = px.line(frame, x="wave", y="share", color="topic", title=LINK, labels={"share": IMAGE})
    figure.add_annotation(x=LINK, y=0.1, text=IMAGE)
    assert live_tags(figure)  # what plotly express builds on its own is live
    inert = inert_figure(figure)
    assert live_tags(inert) == []
    assert "<br>" in inert.data[0].hovertemplate and "<extra></extra>" in inert.data[0].hovertemplate
    assert any(figure_text(LINK) in s for s in strings(inert))  # the typed text is still there, as text


def test_the_findings_figure_builders_are_inert():
    trend = pd.DataFrame({"wave": [LINK, IMAGE], "morale": [3.1, 3.4], "tools": [2.0, 2.5],
                          "management_support": [3.0, 3.2], "workload": [2.2, 2.4]})
    gap = pd.DataFrame({"wave": [LINK, IMAGE], "share": [0.2, 0.3]})
    industries = pd.DataFrame({"industry": [LINK, IMAGE], "share": [0.5, 0.25], "raised": [4, 2]})
    for figure in (trend_figure(trend, title=LINK), gap_trend_figure(gap), evidence_figure(industries)):
        assert live_tags(figure) == []
        assert any(figure_text(LINK) in s for s in strings(figure))


def test_trend_lines_differ_in_colour_dash_and_marker_and_are_named_for_people():
    trend = pd.DataFrame({"wave": ["April", "July"], "morale": [3.0, 3.2], "tools": [3.1, 2.9],
                          "management_support": [2.8, 2.9], "workload": [3.3, 3.0]})
    figure = trend_figure(trend)
    assert [t.name for t in figure.data] == ["Morale", "Tools", "Management support", "Workload"]
    for attribute in (lambda t: t.line.color, lambda t: t.line.dash, lambda t: t.marker.symbol):
        assert len({attribute(t) for t in figure.data}) == 4


def test_trend_wave_names_are_wrapped_flat_under_their_points_and_stay_text():
    """On a phone, names turned on end took most of the chart's height: they are wrapped and stay level."""
    trend = pd.DataFrame({"wave": ["Pulse wave 3 (Customer Service Week, October 2026)", LINK],
                          "morale": [3.0, 3.2], "tools": [3.1, 2.9], "management_support": [2.8, 2.9],
                          "workload": [3.3, 3.0]})
    axis = trend_figure(trend).layout.xaxis
    assert axis.tickangle == 0 and list(axis.tickvals) == [figure_text(w) for w in trend["wave"]]
    lines = axis.ticktext[0].split("<br>")
    assert " ".join(lines) == trend["wave"][0] and max(map(len, lines)) <= 16
    assert "<a " not in axis.ticktext[1] and figure_text("<a") in axis.ticktext[1].replace("<br>", " ")


def test_gap_trend_wave_names_lie_flat_and_the_share_is_named_in_the_title():
    trend = pd.DataFrame({"wave": ["Pulse wave 3 (Customer Service Week, October 2026)", "<a href=x>W</a>"],
                          "share": [0.18, 0.14]})
    figure = gap_trend_figure(trend)
    axis = figure.layout.xaxis
    assert axis.tickangle == 0 and list(axis.tickvals) == [figure_text(w) for w in trend["wave"]]
    assert " ".join(axis.ticktext[0].split("<br>")) == trend["wave"][0]
    assert "<a " not in axis.ticktext[1]
    assert figure.layout.yaxis.title.text is None and "Share of comments" in figure.layout.title.text


def test_a_gap_trend_axis_starts_at_zero_with_room_above_the_highest_share():
    narrow = pd.DataFrame({"wave": ["Wave 1", "Wave 2", "Wave 3"], "share": [0.104, 0.112, 0.118]})
    low, high = gap_trend_figure(narrow).layout.yaxis.range
    assert low == 0 and high > 0.118  # a 1-point rise is not drawn as the whole height of the chart
    low, high = gap_trend_figure(pd.DataFrame({"wave": ["Wave 1"], "share": [0.6]})).layout.yaxis.range
    assert low == 0 and high >= 0.6


def test_an_evidence_axis_runs_from_none_to_all_even_when_nobody_raised_the_theme():
    nobody = pd.DataFrame({"industry": ["retail", "banking"], "share": [0.0, 0.0], "raised": [0, 0]})
    assert tuple(evidence_figure(nobody).layout.yaxis.range) == (0, 1)
