"""The error type every user-facing failure is raised as.

The CLI prints ``str(error)`` as one line and exits non-zero; pages show it with
``st.error``. Anything else that escapes is a bug and keeps its traceback.
"""


class FrontlineError(Exception):
    """A failure caused by input or environment, explained in its message."""


class AlreadySubmitted(FrontlineError):
    """The same form submission came again (a double click): the first one was stored, this one changed nothing."""
