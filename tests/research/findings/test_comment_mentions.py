"""A pulse comment quoted to executives does not name the small corner of its team it came from.

The attacker knows every agent's team, site and account (industry) and reads a site or account named in a quote
as the commenter's own; quotes come only from teams at the comment threshold, so the question is what the named
values narrow the team to.
"""

from datetime import date

import pandas as pd
from pulse_builders import add_wave, answers
from sqlalchemy import String, cast, select

from research.findings.comment_mentions import guarded_quotes
from research.store.models import PulseResponse, PulseSegment


def commenters(session, wave_id) -> dict[str, list[str]]:
    """Response ids (as the findings read them) per site of the wave."""
    rows = session.execute(select(cast(PulseResponse.id, String), PulseSegment.site)
                           .join(PulseSegment, PulseSegment.id == PulseResponse.segment_id)
                           .where(PulseResponse.wave_id == wave_id).order_by(PulseSegment.site)).all()
    out: dict[str, list[str]] = {}
    for response, site in rows:
        out.setdefault(site, []).append(response)
    return out


def test_a_named_site_or_account_stays_only_where_enough_of_the_team_share_it(session):
    # Kestrel: eight agents in Leeds on retail, two in Cardiff on the banking account (a corner the heatmap hides)
    wave = add_wave(session, "Wave", date(2026, 11, 2), {("Kestrel", "Leeds", "phone", "retail"): answers(8),
                                                        ("Kestrel", "Cardiff", "chat", "banking"): answers(2)})
    people = commenters(session, wave)
    said = [(people["Cardiff"][0], "Since Cardiff took over the queue nobody sleeps"),
            (people["Cardiff"][1], "The bank's screen is the worst part of the job"),
            (people["Leeds"][0], "In Leeds we wait an hour for a callback"),
            (people["Leeds"][1], "Cardiff get all the easy calls"),
            (people["Leeds"][2], "Kestrel never gets new hires"),
            (people["Leeds"][3], "The screen freezes")]
    quotes = pd.DataFrame([{"response_id": r, "wave_id": wave, "team": "Kestrel", "text": t} for r, t in said])
    population = pd.DataFrame([{"response_id": r, "wave_id": wave, "team": "Kestrel", "text": "x"}
                               for site in people for r in people[site]])
    assert guarded_quotes(session=session, quotes=quotes, population=population, threshold=5) == [
        "Since [site] took over the queue nobody sleeps",  # two of Kestrel are in Cardiff
        "The [industry] screen is the worst part of the job",  # two of Kestrel are on banking
        "In Leeds we wait an hour for a callback",  # eight are in Leeds
        "[site] get all the easy calls",  # a Leeds agent naming Cardiff would be taken for one of the two there
        "Kestrel never gets new hires",  # the team itself is what the threshold was counted on
        "The screen freezes",
    ]
    # only the commenters count: with three of the eight Leeds agents commenting, Leeds narrows to three
    few = population[population["response_id"].isin(people["Leeds"][:3] + people["Cardiff"])]
    assert guarded_quotes(session=session, quotes=quotes.iloc[[2]], population=few, threshold=5) == [
        "In [site] we wait an hour for a callback"]


def test_key_phrases_and_topic_labels_name_no_team_or_site(session):
    """They are shown beside quotes whose names were replaced: "cardiff took" would undo "since [site] took
    over". Industry words are everyday vocabulary and stay."""
    from research.findings.comment_mentions import without_places

    add_wave(session, "Wave", date(2026, 11, 2), {("Kestrel", "Leeds", "phone", "retail"): answers(8),
                                                 ("Kestrel", "Cardiff", "chat", "banking"): answers(2)})
    assert without_places(session=session, texts=["cardiff took", "Since Cardiff took over", "kestrel's queue",
                                                  "bank screen", "leeds"]) == [
        "[site] took", "Since [site] took over", "[team] queue", "bank screen", "[site]"]
