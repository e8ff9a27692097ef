"""How a code the model suggests is shown to the researcher deciding on it."""

from frontline_ui.markdown import plain

UNSURE = 0.5
"""Under this confidence a suggestion is marked as a guess: shown like a 94 % one, a 17 % one was taken for
advice (outside walk, 2026-12-06)."""


def suggested_caption(label: str, confidence: float | None) -> str:
    """"Suggested: Pay (81% sure)", or, under :data:`UNSURE`, said to be a guess to check; ``label`` as typed."""
    sure = "" if confidence is None else f" ({confidence:.0%} sure)"
    if confidence is not None and confidence < UNSURE:
        return f"Suggested, but unsure: {plain(label)}{sure}. Check it before accepting."
    return f"Suggested: {plain(label)}{sure}"
