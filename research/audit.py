"""The audit trail: who on the staff signed in, changed an account, exported or backed up what, and when.

A regulated employer has to be able to answer "who took a copy of the
agents' comments?". Every such act is one row in ``audit_events``. Account
changes, pulse links, erasures, backups and restores are recorded in the same
transaction as the act. A download is recorded when its button is pressed,
as the browser receives the file, so it is recorded as attempted rather than
proven received. Agents are never recorded: the pulse side has no call into
this module.
"""

from __future__ import annotations

import getpass
import hashlib
from datetime import datetime, timedelta

import pandas as pd
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from research.errors import AlreadySubmitted, FrontlineError
from research.store.form_submissions import FormSubmission
from research.store.models import AuditEvent, utcnow

ACTIONS: dict[str, str] = {
    "sign_in": "signed in",
    "sign_in_failed": "gave a wrong password",
    "sign_out": "signed out",
    "session_resumed": "came back to a signed-in session (a reload or a new tab)",
    "account_locked": "was locked out after too many wrong passwords",
    "user_created": "created an account",
    "user_disabled": "disabled an account",
    "user_enabled": "enabled an account",
    "password_changed": "set a new password",
    "password_reset": "reset a password to a one-time temporary one",
    "temporary_password_used": "signed in with a temporary password and was asked for a new one",
    "export": "downloaded an export",
    "wave_created": "created a pulse wave",
    "links_created": "created pulse links",
    "links_copy_deleted": "deleted their sealed copy of pulse links they created",
    "links_opened": "opened their sealed copies of pulse links with their password",
    "headcount_set": "set a segment's headcount",
    "roster_saved": "saved the roster of names to redact (how many added and removed, not the names)",
    "responses_imported": "imported pulse responses from another survey tool",
    "reply_sent": "replied to an agent's comment",
    "action_deleted": "deleted an action recorded by mistake",
    "participant_withdrawn": "erased a withdrawn interview participant's data",
    "comments_erased": "erased old pulse comments under the retention schedule",
    "comments_redacted_again": "redacted the stored pulse comments again with today's rules and roster",
    "backup": "wrote a backup",
    "restore": "restored a backup",
}
SUBMISSION_KEPT = timedelta(days=2)
"""How long a claimed form key is remembered: far longer than a page stays open between two clicks."""
UNKNOWN_USER = "(unknown username)"  # what was typed is not kept: it may be a password typed in the wrong box


def cli_actor() -> str:
    """How a command run from a shell is named in the trail: the operating-system account."""
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli:unknown"


def record(*, session: Session, actor: str, action: str, subject: str = "") -> None:
    """Add one event; it commits or rolls back with the caller's transaction."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")  # a programming error, not user input
    session.add(AuditEvent(actor=actor[:120], action=action, subject=subject))


def claim_submission(*, session: Session, key: str | None, actor: str, action: str) -> None:
    """Claim a form submission's one-time ``key`` in the caller's transaction, before the act it guards.

    A page draws each form with a fresh random key and passes it with the
    submission, so a double click (the same form submitted twice) stores once:
    the second claim finds the key taken, or on PostgreSQL waits at the unique
    index for the first transaction and then finds it. ``None`` (the CLI) claims nothing.

    Raises:
        AlreadySubmitted: the key was claimed before; the caller's act must not run again.
    """
    if key is None:
        return
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")  # a programming error, not user input
    digest = hashlib.sha256(key.encode()).hexdigest()
    session.execute(delete(FormSubmission).where(FormSubmission.at < utcnow() - SUBMISSION_KEPT))
    if session.scalar(select(FormSubmission.id).where(FormSubmission.key_hash == digest)) is not None:
        raise AlreadySubmitted("That was a second submit of the same form: it was done once, by the first.")
    try:
        with session.begin_nested():
            session.add(FormSubmission(key_hash=digest, actor=actor[:120], action=action))
    except IntegrityError:
        raise AlreadySubmitted("That was a second submit of the same form: it was done once, by the first.") from None


def audit_events(*, session: Session, actor: str | None = None, action: str | None = None,
                 since: datetime | None = None, limit: int = 1000) -> pd.DataFrame:
    """The newest events first, optionally for one actor or action, with a readable description.

    Raises:
        FrontlineError: ``action`` is not one Frontline records.
    """
    if action is not None and action not in ACTIONS:
        raise FrontlineError(f"unknown action {action!r}: choose from {', '.join(ACTIONS)}")
    query = select(AuditEvent).order_by(AuditEvent.at.desc(), AuditEvent.id.desc()).limit(limit)
    if actor:
        query = query.where(AuditEvent.actor == actor)
    if action:
        query = query.where(AuditEvent.action == action)
    if since:
        query = query.where(AuditEvent.at >= since)
    rows = [(e.at, e.actor, e.action, ACTIONS[e.action], e.subject) for e in session.scalars(query)]
    return pd.DataFrame(rows, columns=["When (UTC)", "Who", "Action", "What", "Subject"])
