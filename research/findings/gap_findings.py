"""The ranked morale and tooling gaps as findings an executive can read in one line each.

Built from :mod:`research.findings.gap_data` (the figures of :mod:`research.analysis.gaps`, read leaner),
so every figure has already passed the reporting thresholds; key phrases and quotes come only from teams at
the comment threshold in the latest wave.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd
from sqlalchemy.orm import Session

from research.analysis.gaps import distinct_quotes, praised_themes, ranked_gaps, surest_first, theme_names
from research.analysis.phrases import PhraseCounts, count_phrases, key_phrases
from research.figure_text import counted
from research.findings.comment_mentions import guarded_quotes, without_places
from research.findings.critics import critics
from research.findings.gap_data import gap_table, gaps_and_quotes, quotable_comments
from research.findings.representative import not_like_for_like
from research.findings.wave_stats import TimedCache
from research.privacy.reporting import Thresholds, releasable_rows

KINDS = {"morale": "Morale gaps", "tooling": "Tooling gaps"}
_PHRASES = TimedCache(64, ttl=600.0)
"""Key phrases by the texts and sentiments they come from: the gaps page, the executive home and the briefing
(twice: its focus areas and its detail) phrase the same quotable comments, and :func:`key_phrases` is a pure
function of them. Entries expire, so erased comments' texts are not held for long."""


def _phrases(texts: list[str], sentiments: list[float], corpus: tuple[str, ...]) -> tuple[str, ...]:
    """The theme's key phrases among ``texts``, distinct from the rest of ``corpus`` (every quotable text, one
    tuple shared by every theme's key)."""
    key = (tuple(texts), tuple(sentiments), corpus)
    return _PHRASES.get(key, lambda: tuple(key_phrases(texts, sentiments, top=5, min_count=2,
                                                       corpus=_corpus_counts(corpus))["phrase"]))


def _corpus_counts(texts: tuple[str, ...]) -> PhraseCounts:
    """Counted once for every theme of a page (and the pages after it), not once per theme."""
    return _PHRASES.get(("corpus", texts), lambda: count_phrases(texts))


@dataclass(frozen=True)
class GapFinding:
    theme: str
    name: str
    kind: str
    wave: str
    comments: int
    share: float
    change: float | None  # change in share since the previous analysed wave, as a fraction
    previous_wave: str | None
    negative_share: float
    mean_sentiment: float
    enps_diff: float | None
    morale_diff: float | None
    phrases: tuple[str, ...]
    quotes: tuple[str, ...]
    trend: pd.DataFrame  # wave, opens_on, share, mean_sentiment for every wave that passed the thresholds
    sentence: str
    quotable: int = 0  # its comments from teams at the comment threshold, quoted or not

    @property
    def no_quote_note(self) -> str:
        """Why no quote is shown: a walk read "no team reached the comment threshold" beside key phrases drawn
        from a team that had, whose only comment praised (praise is never quoted as a complaint)."""
        if not self.quotable:
            return "No team reached the comment threshold for this theme."
        if self.quotable == 1:
            return ("Its one comment from a team at the comment threshold is not quoted as a complaint: it reads as "
                    "praise, it mentions a team or place too small to be named, or it may be about another theme.")
        return (f"None of its {counted(self.quotable, 'comment')} from teams at the comment threshold is quoted as "
                "a complaint: they read as praise, they mention a team or place too small to be named, or they may "
                "be about another theme.")


def _number(value) -> float | None:
    return None if value is None or (isinstance(value, float) and math.isnan(value)) else float(value)


def shown_points(share: float, change: float) -> int:
    """The change in whole points between the rounded shares shown ("18 % → 14 %" is down 4 points), so the
    start page and the gaps page never say the same trend two ways."""
    return round(share * 100) - round((share - change) * 100)


def _points(points: int) -> str:
    """"1 point", "9 points": never "up 1 points"."""
    return f"{abs(points)} point{'' if abs(points) == 1 else 's'}"


def finding_sentence(
    name: str, share: float, change: float | None, previous_wave: str | None, phrases: tuple[str, ...],
    enps_diff: float | None,
) -> str:
    """"Tools and systems: raised in 31 % of comments, up 9 points since wave 2, mostly 'CRM' and ...; ..."."""
    parts = [f"{name}: raised in {share:.0%} of comments".replace("%", " %")]
    if change is not None and previous_wave:
        points = shown_points(share, change)
        trend = "no change" if points == 0 else f"{'up' if points > 0 else 'down'} {_points(points)}"
        parts.append(f"{trend} since {previous_wave}")
    text = ", ".join(parts)
    if phrases:
        quoted = [f"'{p}'" for p in phrases[:2]]
        text += ", mostly " + " and ".join(quoted)
    if enps_diff is not None and round(enps_diff) != 0:
        # "than the others": "8 points higher" alone read as contradicting the gap's rank (an outside walk)
        text += (f"; agents who raised it score eNPS {_points(round(enps_diff))} "
                 f"{'lower' if enps_diff < 0 else 'higher'} than the others")
    return text + "."


TOP = 5
"""Gaps of each kind told in full (trend, phrases, quotes); the rest are listed by :func:`more_gaps`."""


def more_gaps(gaps: pd.DataFrame, *, kind: str, after: int = TOP) -> pd.DataFrame:
    """The latest wave's themes of ``kind`` past the first ``after``, worst first, with the share of comments
    raising each and the share that are negative and raise it: every theme an analysis found stays in sight (an
    outside walk added a code, saw it raised in 4 % of comments on the analysis page, and found it nowhere on the
    executives' gaps page, which tells five of each kind)."""
    return _theme_shares(ranked_gaps(gaps, kind=kind).iloc[after:])


_SHARE_COLUMNS = {"name": "Theme", "share": "Raised in", "negative_share": "Negative (share of all)"}


def _theme_shares(rows: pd.DataFrame) -> pd.DataFrame:
    """Gap rows as the gaps page lists themes past those it tells: name, share raising it, share negative."""
    if rows.empty:
        return pd.DataFrame(columns=list(_SHARE_COLUMNS.values()))
    return rows[list(_SHARE_COLUMNS)].rename(columns=_SHARE_COLUMNS).reset_index(drop=True)


def ranked_among(*, session: Session, kind: str) -> list[str]:
    """The names of the codes whose gaps are ranked in the ``kind`` list, as the Codebook page sets them ("Ranked
    among"): a walk asked why "Career growth and training" was a tooling gap, which only the codebook says."""
    names, kinds = theme_names(session=session)
    return sorted((names[key] for key, own in kinds.items() if own == kind), key=str.casefold)


def unranked_themes(gaps: pd.DataFrame) -> pd.DataFrame:
    """The latest wave's themes that feed neither gap list: those on balance praised (named so), codes of no gap
    kind, most raised first, then the comments that fit no code ("Other"), with the same shares as
    :func:`more_gaps`: a walk found a wave's comments
    in "other" mentioned nowhere on the gaps page, so an executive could not tell the codebook was missing a
    theme."""
    if gaps.empty:
        return _theme_shares(gaps)
    latest = gaps[(gaps["opens_on"] == gaps["opens_on"].max()) & ~gaps["kind"].isin(list(KINDS))]
    latest = latest.assign(fits_none=latest["theme"] == "other").sort_values(
        ["fits_none", "share", "name"], ascending=[True, False, True]).drop_duplicates("theme")
    praised = praised_themes(gaps)
    return _theme_shares(pd.concat([praised.assign(name=praised["name"] + " (on balance positive)"), latest]))


def gap_findings(
    *, session: Session, job_id: int, thresholds: Thresholds, kind: str, top: int = TOP,
    gaps: pd.DataFrame | None = None, comments: pd.DataFrame | None = None,
    wave_notes: Mapping[str, str] | None = None,
) -> list[GapFinding]:
    """The ``top`` gaps of one kind ("morale" or "tooling") in the latest analysed wave, worst first.

    Args:
        gaps: :func:`research.findings.gap_data.gap_table` (or ``theme_gaps``), if the caller has it.
        comments: the analysed comments, or only those that may be quoted from the latest wave of ``gaps``
            (what :func:`research.findings.gap_data.gaps_and_quotes` returns); read when None.
        wave_notes: why a wave is not representative, by title (``WaveStatus.label``); a change measured on
            such a wave says it is not like for like.
    """
    if gaps is None and comments is None:
        gaps, comments = gaps_and_quotes(session=session, job_id=job_id, thresholds=thresholds)
    elif gaps is None:
        gaps = gap_table(session=session, job_id=job_id, thresholds=thresholds)
    if gaps.empty:
        return []
    latest_day = gaps["opens_on"].max()
    if comments is None:
        comments = quotable_comments(session=session, job_id=job_id, thresholds=thresholds, opens_on=latest_day)
    latest = comments[comments["opens_on"] == latest_day]
    # Released rows pass again unchanged: every team left has at least the threshold.
    quotable = releasable_rows(latest, by="team", parent="wave_id", threshold=thresholds.comments,
                               people="response_id")  # per wave: same-day waves are never pooled
    corpus = tuple(quotable["text"])
    findings = []
    for row in ranked_gaps(gaps, kind=kind).head(top).itertuples(index=False):
        history = gaps[gaps["theme"] == row.theme].sort_values("opens_on")
        earlier = history[history["opens_on"] < row.opens_on]
        previous_wave = earlier["wave"].iloc[-1] if not earlier.empty else None
        mine = quotable[quotable["theme"] == row.theme]
        phrases = _phrases(mine["text"].tolist(), mine["sentiment"].tolist(), corpus) if len(mine) else ()
        phrases = tuple(dict.fromkeys(without_places(session=session, texts=phrases)))
        # A gap is quoted in its critics' words, never in its praise.
        ordered = critics(surest_first(mine).drop_duplicates("text"))
        chosen = ordered[ordered["text"].isin(distinct_quotes(ordered["text"].tolist(), 5))]
        quotes = tuple(guarded_quotes(session=session, quotes=chosen, population=quotable,
                                      threshold=thresholds.comments))
        change = _number(row.change) if previous_wave else None
        enps_diff = _number(row.enps_diff)
        findings.append(GapFinding(
            theme=row.theme, name=row.name, kind=kind, wave=row.wave, comments=int(row.comments),
            share=float(row.share), change=change, previous_wave=previous_wave,
            negative_share=float(row.negative_share), mean_sentiment=float(row.mean_sentiment),
            enps_diff=enps_diff, morale_diff=_number(row.morale_diff), phrases=phrases, quotes=quotes,
            trend=history[["wave", "opens_on", "share", "mean_sentiment"]].reset_index(drop=True),
            sentence=finding_sentence(row.name, float(row.share), change, previous_wave, phrases, enps_diff)
            + (not_like_for_like(row.wave, (wave_notes or {}).get(row.wave, "")) if change is not None else ""),
            quotable=len(mine),
        ))
    return findings
