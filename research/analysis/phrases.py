"""Key phrases within a theme: the recurring words and word pairs, with counts and mean sentiment.

So a tooling gap names its tools ("billing system", "knowledge base", "CRM")
rather than just "Tools and systems".
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence

import pandas as pd
from nltk.tokenize import wordpunct_tokenize
from nltk.util import ngrams

from research.analysis.topics import stop_words

_KEEP_SHORT = {"crm", "ivr", "nps", "aht", "hr"}


def _tokens(text: str) -> list[str]:
    words = [w.lower() for w in wordpunct_tokenize(text) if w.isalnum()]
    return [w for w in words if len(w) > 2 or w in _KEEP_SHORT]


def key_phrases(texts: Sequence[str], sentiments: Sequence[float], *, top: int = 10, min_count: int = 3) -> pd.DataFrame:
    """Phrases (one or two words, no stop words at either end) that recur in ``texts``.

    Each phrase counts once per text. A word that mostly occurs inside the listed
    pairs is dropped in favour of them. Returns columns phrase, texts, mean_sentiment.
    """
    stop = stop_words() - _KEEP_SHORT
    counts: Counter = Counter()
    feelings: dict[str, list[float]] = defaultdict(list)
    for text, sentiment in zip(texts, sentiments):
        words = _tokens(text)
        seen = {w for w in words if w not in stop}
        seen |= {f"{a} {b}" for a, b in ngrams(words, 2) if a not in stop and b not in stop}
        for phrase in seen:
            counts[phrase] += 1
            feelings[phrase].append(float(sentiment))
    frequent = [(p, n) for p, n in counts.most_common() if n >= min_count]
    pairs = [p for p, _ in frequent if " " in p]
    chosen = []
    for phrase, n in frequent:
        # "system" mostly inside "billing system", "phone system": the pairs name the tools, the word does not.
        if " " not in phrase and sum(counts[pair] for pair in pairs if phrase in pair.split()) >= 0.6 * n:
            continue
        chosen.append((phrase, n, sum(feelings[phrase]) / len(feelings[phrase])))
        if len(chosen) == top:
            break
    return pd.DataFrame(chosen, columns=["phrase", "texts", "mean_sentiment"])
