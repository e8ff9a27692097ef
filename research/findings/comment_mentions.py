"""Pulse comments quoted to executives, with a site, industry or team they name replaced where it would single the
commenter out.

Comments are quoted only from teams with at least the comment threshold of distinct people in the wave
(:func:`research.privacy.reporting.releasable_rows`), and an executive reading a quote knows, or guesses from the
worst team shown beside it, which team it came from. A team can span sites and accounts, and the heatmap suppresses
its small corners; "since Cardiff took over the banking queue" then narrows the quote to the few people of the team
in Cardiff on banking. So a quote's named values are read as the commenter's own
(:mod:`research.privacy.mentions`): they stay only when at least the threshold of the team's commenters in that wave
have them all, the commenter among them; otherwise (fewer, or the commenter's own segment is not the one named, so
the quote would be pinned on others) they are replaced with ``[site]``, ``[industry]`` or ``[team]``.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
from sqlalchemy import String, cast, select
from sqlalchemy.orm import Session

from research.privacy.mentions import MentionFinder, unless_singled_out
from research.store.models import PulseResponse, PulseSegment

LOOKED_FOR = ["team", "site", "industry"]


def guarded_quotes(*, session: Session, quotes: pd.DataFrame, population: pd.DataFrame, threshold: int) -> list[str]:
    """The ``text`` of each row of ``quotes``, its mentions replaced where they would single its commenter out.

    Args:
        quotes: the comments to be shown, with ``response_id``, ``wave_id``, ``team`` and ``text``.
        population: the comments the quotes were chosen from, the same columns (one wave's quotable comments, or
            every wave's): whose commenters a reader could take a quote for.
        threshold: the comment threshold, in distinct people.
    """
    texts = [str(text) for text in quotes["text"]]
    if quotes.empty:
        return texts
    finder = _segment_finder(session, LOOKED_FOR)
    named = [bool(finder.named(text)) for text in texts]
    if not any(named):
        return texts
    mentioned = quotes[named]
    people = _commenters(session, population, set(mentioned["wave_id"]), set(mentioned["team"]))
    out = []
    for text, flagged, (wave, team, response) in zip(texts, named, quotes[["wave_id", "team", "response_id"]]
                                                     .itertuples(index=False, name=None)):
        if flagged:
            same = people[(people["wave_id"] == wave) & (people["team"] == team)].set_index("response_id")
            text = unless_singled_out(text, speaker=_key(response), people=same[LOOKED_FOR],
                                      shown=same[[]], finder=finder, k=threshold)
        out.append(text)
    return out


def without_places(*, session: Session, texts: Sequence[str]) -> list[str]:
    """``texts`` (key phrases, topic labels) with every team or site they name replaced by ``[team]`` or
    ``[site]``, whoever wrote them.

    They are built from many comments, but shown beside quotes whose names :func:`guarded_quotes` replaced: the
    phrase "cardiff took" undid "since [site] took over" (an insider review). Industries are left: their words
    ("bank", "retail") are everyday vocabulary, and a quote's industry is already that of its team's row.
    """
    finder = _segment_finder(session, ["team", "site"])
    return [finder.redact(str(text)).text for text in texts]


def _segment_finder(session: Session, attributes: Sequence[str]) -> MentionFinder:
    """A finder of the values the segments have for ``attributes`` (columns of :class:`PulseSegment`)."""
    values = session.execute(select(*(getattr(PulseSegment, a) for a in attributes)).distinct()).all()
    return MentionFinder({attribute: {row[i] for row in values} for i, attribute in enumerate(attributes)})


def _commenters(session: Session, population: pd.DataFrame, waves: set, teams: set) -> pd.DataFrame:
    """One row per commenter of ``population`` in these waves and teams: response_id (text), wave_id and the
    team, site and industry of their segment."""
    rows = session.execute(
        select(cast(PulseResponse.id, String), PulseResponse.wave_id, PulseSegment.team, PulseSegment.site,
               PulseSegment.industry)
        .join(PulseSegment, PulseSegment.id == PulseResponse.segment_id)
        .where(PulseResponse.wave_id.in_([int(w) for w in waves]), PulseSegment.team.in_(sorted(map(str, teams))))
    ).all()
    segments = pd.DataFrame(rows, columns=["response_id", "wave_id", *LOOKED_FOR])
    segments["response_id"] = segments["response_id"].map(_key)
    said = {_key(response) for response in population["response_id"]}
    kept = segments[segments["response_id"].isin(said)].drop_duplicates("response_id")
    return kept.fillna("")


def _key(response: object) -> str:
    """A response id as text the same way on every database (PostgreSQL writes a uuid with hyphens)."""
    return str(response).replace("-", "").lower()
