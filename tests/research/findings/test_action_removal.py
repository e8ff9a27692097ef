"""Deleting an action recorded by mistake: who may, what the trail keeps, what everyone then sees, once only."""

from datetime import date

import pytest
from sqlalchemy.orm import Session

from research.accounts import create_user, set_active
from research.audit import audit_events
from research.errors import AlreadySubmitted, FrontlineError
from research.findings.action_removal import remove_action
from research.findings.actions import actions_table, create_action, published_actions

PASSWORD = "a long enough password"


@pytest.fixture
def staff(engine):
    with Session(engine) as session:
        for name, role in (("rita", "researcher"), ("ada", "admin"), ("eve", "executive"), ("rob", "researcher")):
            create_user(session=session, username=name, role=role, password=PASSWORD, actor="setup")
        set_active(session=session, username="rob", active=False, actor="ada")
        session.commit()
    return engine


def new_action(session, title="Replace the CRM search", published=True):
    return create_action(session=session, theme="tools", title=title, owner="IT operations",
                         due_on=date(2026, 9, 30), published=published, created_by="eve",
                         today=date(2026, 6, 15)).id


def deletions(session):
    events = audit_events(session=session, action="action_deleted")
    return list(zip(events["Who"], events["Subject"], strict=True))


@pytest.mark.parametrize("actor", ["rita", "ada"])
def test_a_researcher_or_admin_deletes_it_and_the_trail_says_what_it_was(staff, actor):
    with Session(staff) as session:
        kept = new_action(session)
        wrong = new_action(session, title="Replace the CRM search (typed twice)")
        session.commit()
    with Session(staff) as session:
        assert remove_action(session=session, action_id=wrong, actor=actor) == "Replace the CRM search (typed twice)"
        session.commit()
    with Session(staff) as session:
        assert list(actions_table(session=session)["id"]) == [kept]  # the staff tables and the Actions page
        assert [a.title for a in published_actions(session=session)] == ["Replace the CRM search"]  # agents
        assert deletions(session) == [
            (actor, f"action {wrong}, Tools and systems: Replace the CRM search (typed twice) (owner IT operations; "
                    "published to agents)")]


@pytest.mark.parametrize("actor", ["eve", "rob", "nobody"])
def test_anyone_else_deletes_nothing_and_nothing_is_recorded(staff, actor):
    """An executive, a disabled researcher and an unknown name are refused by the library, whatever the page."""
    with Session(staff) as session:
        action = new_action(session)
        session.commit()
    with Session(staff) as session, pytest.raises(FrontlineError, match="researcher or an administrator"):
        remove_action(session=session, action_id=action, actor=actor)
    with Session(staff) as session:
        assert list(actions_table(session=session)["id"]) == [action]
        assert deletions(session) == []


def test_a_double_click_deletes_once_and_records_once(staff):
    with Session(staff) as session:
        action = new_action(session)
        session.commit()
    with Session(staff) as session:
        remove_action(session=session, action_id=action, actor="rita", submission="form-key-1")
        session.commit()
    with Session(staff) as session, pytest.raises(AlreadySubmitted):
        remove_action(session=session, action_id=action, actor="rita", submission="form-key-1")
    with Session(staff) as session:
        assert len(deletions(session)) == 1


def test_an_action_already_deleted_elsewhere_is_reported_and_not_recorded_again(staff):
    with Session(staff) as session:
        action = new_action(session, published=False)
        session.commit()
    with Session(staff) as session:
        remove_action(session=session, action_id=action, actor="ada", submission="first tab")
        session.commit()
    with Session(staff) as session:
        with pytest.raises(FrontlineError, match="deleted already"):
            remove_action(session=session, action_id=action, actor="rita", submission="second tab")
        session.rollback()  # as the page's session does on an error: the second tab's claim goes too
    with Session(staff) as session:
        assert [who for who, _ in deletions(session)] == ["ada"]
        assert deletions(session)[0][1].endswith("(owner IT operations; not published)")
