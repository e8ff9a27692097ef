"""Downloads leave a line in the audit trail: who took which copy of what, and when."""

from __future__ import annotations

from frontline_ui import resources
from frontline_ui.auth import current_user
from research.audit import record


def record_export(what: str) -> None:
    """The ``on_click`` of every download button; it runs on the server when the button is pressed."""
    user = current_user()
    with resources.db_session() as session:
        record(session=session, actor=user.username if user else "(not signed in)", action="export", subject=what)
