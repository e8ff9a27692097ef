"""The built-in contact-centre pulse question library.

A wave copies these into its own questions, so editing a wave never changes
the library or earlier waves.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class LibraryQuestion:
    key: str
    kind: str  # scale | enps | percent | text
    prompt: str
    scale_min: int | None
    scale_max: int | None
    required: bool = True


QUESTION_LIBRARY: tuple[LibraryQuestion, ...] = (
    LibraryQuestion("morale", "scale", "How is your morale at work these days?", 1, 5),
    LibraryQuestion("enps", "enps", "How likely are you to recommend this workplace to a friend?", 0, 10),
    LibraryQuestion("tools", "scale", "I have the tools and systems I need to solve customers' problems", 1, 5),
    LibraryQuestion("management_support", "scale", "Upper management supports frontline agents", 1, 5),
    LibraryQuestion("workload", "scale", "My workload is manageable", 1, 5),
    LibraryQuestion(
        "recovery_share", "percent",
        "About what share of your contacts are fixing something that went wrong earlier?", 0, 100),
    LibraryQuestion("feedback_loop", "scale", "When customers give feedback (NPS, surveys), something changes", 1, 5),
    LibraryQuestion("one_thing", "text", "What one thing would make your job easier?", None, None, required=False),
)
