"""Deleting an action recorded by mistake: by a researcher or an administrator, once, and in the audit trail.

The deletion is a hard delete with an audit event, not a soft delete (a ``deleted_at`` column). An action
recorded by mistake (a duplicate, the wrong theme) is no history worth keeping, and a hidden row would
have to be left out by every reader of ``actions``: the staff tables, the executives' Actions page, the
agents' pulse page, the action effects and the briefing. One reader that forgot would put a withdrawn
promise back in front of agents. What an audit needs is who removed what and when, and the event keeps
exactly that: the action's id, theme, description, owner and whether agents could see it. A deletion
made by mistake is undone by recording the action again.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from research.accounts import get_user
from research.audit import claim_submission, record
from research.errors import FrontlineError
from research.findings.actions import delete_action
from research.store.models import Action, Code

DELETE_ROLES = ("researcher", "admin")
"""Who may delete an action; executives record and publish actions but ask a researcher to remove one."""


def _subject(session: Session, action: Action) -> str:
    theme = session.scalar(select(Code.name).where(Code.key == action.theme)) or action.theme
    seen = "published to agents" if action.published else "not published"
    return f"action {action.id}, {theme}: {action.title[:200]} (owner {action.owner}; {seen})"


def remove_action(*, session: Session, action_id: int, actor: str, submission: str | None = None) -> str:
    """Delete action ``action_id`` for ``actor`` and record it in the audit trail; returns its description.

    The role is read from the account in the database, not from the caller, so a page shown to the wrong
    person still deletes nothing. Agents stop seeing a published action at once. ``submission`` is the
    form's one-time key (see :func:`research.audit.claim_submission`): the same key twice deletes once.

    Raises:
        FrontlineError: ``actor`` is not an active researcher or administrator, or there is no such action
            (already deleted, say in another tab). Nothing is deleted or recorded.
        AlreadySubmitted: ``submission`` was used before (a double click); the first submit deleted it.
    """
    account = get_user(session=session, username=actor)
    if account is None or not account.is_active or account.role not in DELETE_ROLES:
        raise FrontlineError("Only a researcher or an administrator can delete an action.")
    claim_submission(session=session, key=submission, actor=account.username, action="action_deleted")
    action = session.get(Action, action_id)
    if action is None:
        raise FrontlineError(f"No action with id {action_id}: it may have been deleted already.")
    subject = _subject(session, action)
    title = delete_action(session=session, action_id=action_id)
    record(session=session, actor=account.username, action="action_deleted", subject=subject)
    return title
