"""The audit trail records what staff did, in the same transaction, and nothing an agent did."""

from datetime import date, timedelta

import pytest
from pulse_builders import NEUTRAL, SEALER
from sqlalchemy import func, select

from research.accounts import authenticate, create_user, set_active, set_password
from research.audit import UNKNOWN_USER, audit_events, record
from research.errors import FrontlineError
from research.privacy.reporting import Thresholds
from research.pulse.library import QUESTION_LIBRARY
from research.pulse.links import create_links
from research.pulse.submit import send_response
from research.pulse.waves_admin import SegmentSpec, create_wave
from research.store.engine import session_scope
from research.store.models import AuditEvent

PASSWORD = "correct horse battery"
ANSWERS = {**NEUTRAL, "one_thing": "the CRM freezes"}


def trail(engine):
    with session_scope(engine) as session:
        events = audit_events(session=session)[["Who", "Action", "Subject"]]
        return [tuple(r) for r in events.itertuples(index=False)][::-1]


def test_account_changes_and_sign_ins_are_recorded_with_who_did_them(engine):
    with session_scope(engine) as session:
        create_user(session=session, username="rita", role="researcher", password=PASSWORD, actor="admin-ann")
    for password in ("wrong one", PASSWORD):
        with session_scope(engine) as session:
            authenticate(session=session, username="rita", password=password)
    with session_scope(engine) as session:
        authenticate(session=session, username="my secret passphrase", password="x")  # a password in the wrong box
        set_password(session=session, username="rita", password="another long secret", actor="admin-ann")
        set_active(session=session, username="rita", active=False, actor="cli:root")
    assert trail(engine) == [
        ("admin-ann", "user_created", "rita (researcher)"), ("rita", "sign_in_failed", ""), ("rita", "sign_in", ""),
        (UNKNOWN_USER, "sign_in_failed", ""), ("admin-ann", "password_changed", "rita"),
        ("cli:root", "user_disabled", "rita")]
    assert "my secret passphrase" not in str(trail(engine))


def test_a_lockout_is_recorded(engine):
    with session_scope(engine) as session:
        create_user(session=session, username="lee", role="executive", password=PASSWORD, actor="admin")
    for attempt in range(6):
        with session_scope(engine) as session:
            authenticate(session=session, username="lee", password=f"wrong {attempt}")
    actions = [action for who, action, _ in trail(engine) if who == "lee"]
    assert actions == ["sign_in_failed"] * 4 + ["account_locked", "sign_in_failed"]


def test_a_refused_change_leaves_no_event(engine):
    with session_scope(engine) as session:
        create_user(session=session, username="root-admin", role="admin", password=PASSWORD, actor="setup")
    with pytest.raises(FrontlineError), session_scope(engine) as session:
        set_active(session=session, username="root-admin", active=False, actor="root-admin")
    assert [a for _, a, _ in trail(engine)] == ["user_created"]


def test_agents_leave_no_trace(engine):
    today = date(2026, 11, 22)
    with session_scope(engine) as session:
        wave = create_wave(session=session, title="W", opens_on=today - timedelta(days=1),
                           closes_on=today + timedelta(days=3), question_keys=[q.key for q in QUESTION_LIBRARY],
                           segments=[SegmentSpec(team="Billing", site="Leeds", channel="phone", industry="retail",
                                                 headcount=20)])
        token = create_links(session=session, segment=wave.segments[0], kind="open")[0]
    for _ in range(5):  # a whole step, so the release runs too
        send_response(engine=engine, token=token, answers=ANSWERS, today=today, steps=Thresholds(5, 5),
                      sealer=SEALER)
    with session_scope(engine) as session:
        assert session.scalar(select(func.count()).select_from(AuditEvent)) == 0


def test_filters_and_a_bad_action(engine):
    with session_scope(engine) as session:
        record(session=session, actor="ann", action="export", subject="briefing")
        record(session=session, actor="bob", action="backup")
    with session_scope(engine) as session:
        assert audit_events(session=session, actor="ann")["Subject"].tolist() == ["briefing"]
        assert audit_events(session=session, action="backup")["Who"].tolist() == ["bob"]
        with pytest.raises(FrontlineError, match="unknown action 'delete_everything'"):
            audit_events(session=session, action="delete_everything")
