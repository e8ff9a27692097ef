"""The pulse package's error type."""

from research.errors import FrontlineError


class PulseError(FrontlineError):
    """A pulse request was refused; the message is written for the person who made it."""
