"""Readable names for emergent topics: a short label that reads like a finding, from the topic's own texts.

Kept apart from the clustering in :mod:`research.analysis.topics`: naming and choosing a topic's typical
quotes read its texts, tone and vectors after the fit, and the findings layer calls them on their own.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np

from research.analysis.theme_words import says_something

if TYPE_CHECKING:  # pragma: no cover
    from research.analysis.phrases import PhraseIndex

MAX_LABEL_CHARS = 60
THEME_SHARE = 0.6
"""A topic carries a codebook theme's name when at least this share of its texts has that primary theme."""
NEGATIVE, POSITIVE = -0.05, 0.05
GENERAL = "General remarks"
"""The label of a topic whose shared words only judge ("good", "awesome") or name nothing ("everything"): on real
employee text such topics were labelled "Awesome" and "comments, say, specific". Not by tone: the tone of
"Everything" and "Nothing" answers is what the sentiment model reads worst."""


def dominant_theme(names: Sequence[str]) -> str:
    """The theme name most of a topic's texts share (at least ``THEME_SHARE``), or "" when none does."""
    if not names:
        return ""
    name, count = Counter(names).most_common(1)[0]
    return name if name and count / len(names) >= THEME_SHARE else ""


def tone(sentiment: float) -> str:
    """"negative", "neutral" or "positive", with the dashboard's cut-offs."""
    return "negative" if sentiment <= NEGATIVE else "positive" if sentiment >= POSITIVE else "neutral"


def dominant_tone(sentiments: Sequence[float]) -> str:
    """The tone most of the texts have (ties: negative, then neutral, then positive: a complaint is what
    a finding must not hide)."""
    counts = Counter(tone(float(s)) for s in sentiments)
    return max(("negative", "neutral", "positive"), key=lambda t: counts[t]) if counts else "neutral"


def readable_label(
    index: PhraseIndex,
    members: Sequence[int],
    *,
    sentiments: Sequence[float] | None = None,
    theme_name: str = "",
    fallback: Sequence[str] = (),
) -> str:
    """A short label (at most 60 characters) that reads like a finding, built only from the texts at
    ``members`` of the ``index``'s corpus.

    The label is the phrase those texts share most and the rest of the corpus uses least
    (:meth:`research.analysis.phrases.PhraseIndex.phrases`): a whole recurring clause ("Nobody ever says
    thanks") or a recurring phrase ("No hike"). A short one is judged as most of its texts judge it ("Slow
    growth" when most say growth is slow, in the topic's tone) or else joined with a second phrase.
    With ``sentiments`` (one per member) the phrase comes from the texts of the topic's dominant tone, so a
    topic of mostly complaints about pay is not labelled by its one compliment. ``theme_name`` (the codebook
    theme most of the topic falls under) goes in front when it fits. Without a recurring phrase it falls back
    to the theme's name or the ``fallback`` words. The same texts always give the same label.
    """
    chosen, main = list(members), "neutral"
    if sentiments is not None and len(sentiments) == len(members):
        main = dominant_tone(sentiments)
        same = [m for m, s in zip(members, sentiments) if tone(float(s)) == main]
        chosen = same if len(same) >= 2 else chosen
    phrases = index.phrases(chosen)
    if not phrases:
        words = ", ".join(fallback[:3])
        if not theme_name and words and not says_something(words):
            return GENERAL  # "everything, nothing, comments" names nothing: say what kind of remark
        label = f"{theme_name}: {words}" if theme_name and words else theme_name or words or "(no words)"
        return _shorten(label)
    if len(phrases[0].text.split()) == 1 and not says_something(phrases[0].text):
        judged = ", ".join(f"“{p.text.lower()}”" for p in phrases[:2] if not says_something(p.text))
        return _shorten(f"{GENERAL} ({judged})")  # "Awesome" alone is no finding
    label = _capitalise(phrases[0].text)
    judged = index.qualifier(phrases[0].text, chosen, main) if len(phrases[0].text.split()) <= 2 else ""
    if judged:
        label = _capitalise(f"{'lack of' if judged == 'lack' else judged} {_lower_first(phrases[0].text)}")
    elif len(phrases[0].text.split()) <= 2:
        taken = _stems(phrases[0].text)
        # The second phrase must name something itself ("work environment"), not just judge ("not good").
        second = next((p for p in phrases[1:] if len(_stems(p.text)) >= 2 and p.texts >= 0.5 * phrases[0].texts
                       and not _stems(p.text) & taken), None)
        if second is not None and len(f"{label} and {second.text}") <= MAX_LABEL_CHARS:
            label = f"{label} and {_lower_first(second.text)}"
    if theme_name and theme_name.lower() not in label.lower():
        prefixed = f"{theme_name}: {label}"
        label = prefixed if len(prefixed) <= MAX_LABEL_CHARS else label
    return _shorten(label)


@lru_cache(maxsize=1)
def _stemmer_of():
    from nltk.stem.porter import PorterStemmer  # pure Python: needs no NLTK data

    return PorterStemmer()


def _stems(text: str) -> set[str]:
    from research.analysis.topics import stop_words  # here: topics imports this module

    return {_stemmer_of().stem(w) for w in text.lower().split() if w not in stop_words()}


def _capitalise(text: str) -> str:
    return text[:1].upper() + text[1:]


def _lower_first(text: str) -> str:
    """"No salary" inside a label reads "no salary"; "CRM" stays as written."""
    return text[:1].lower() + text[1:] if text[1:2].islower() else text


def _shorten(label: str) -> str:
    """At most ``MAX_LABEL_CHARS``, cut at a word boundary."""
    if len(label) <= MAX_LABEL_CHARS:
        return label
    return label[:MAX_LABEL_CHARS - 1].rsplit(" ", 1)[0].rstrip(",:;") + "…"


def typical_order(embeddings: np.ndarray, sentiments: Sequence[float],
                  themes: Sequence[str] | None = None) -> list[int]:
    """Indices of a topic's texts, most typical first; only texts of the topic's dominant tone.

    Typical means: of the tone most of the topic's texts have (a topic of complaints is never illustrated
    by its one compliment), then, with ``themes`` (each text's primary theme), of the theme most of the
    topic's texts have, then closest to the topic's centre (the normalised mean of the unit ``embeddings``).
    The theme comes before the centre because the centre of a topic that mixes two themes is the text that
    mentions both: on 480 real labelled fragments, the first three quotes had the topic's majority label
    68.5 % of the time this way and 64.8 % by the centre alone (README, "Analysis"). Ties go to the earlier
    index, so the order is deterministic.
    """
    n = len(embeddings)
    if n == 0:
        return []
    vectors = np.asarray(embeddings, dtype=np.float64)
    vectors = vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)
    centre = vectors.mean(axis=0)
    centre /= max(float(np.linalg.norm(centre)), 1e-12)
    closeness = vectors @ centre
    main = dominant_tone(sentiments)
    main_theme = Counter(themes).most_common(1)[0][0] if themes is not None and len(themes) else None
    keep = [i for i in range(n) if tone(float(sentiments[i])) == main]
    return sorted(keep, key=lambda i: (main_theme is not None and themes is not None and themes[i] != main_theme,
                                       -round(float(closeness[i]), 9), i))
