"""Which comments may be quoted as a gap's critics: read as negative by the learned sentiment, and not praise in
their own words (:func:`research.analysis.sentiment.reads_as_praise`), so "The new scheduling tool is actually
really good, thanks for listening" is never shown as a complaint about scheduling (an outside walk, 2026-12-07).
"""

from __future__ import annotations

import pandas as pd

from research.analysis.sentiment import reads_as_praise


def critics(rows: pd.DataFrame, enough: int = 50) -> pd.DataFrame:
    """The first ``enough`` of ``rows`` (in their order, most negative first) whose ``sentiment`` is below 0
    and whose ``text`` is no praise: the lexicon reads only as many as the quotes need, not a whole theme."""
    kept = []
    for index, sentiment, text in zip(rows.index, rows["sentiment"], rows["text"]):
        if sentiment < 0 and not reads_as_praise(text):
            kept.append(index)
            if len(kept) >= enough:
                break
    return rows.loc[kept]
