"""Every page, for every role and for a visitor who is not signed in."""

from pathlib import Path

import pytest

from frontline_ui.auth import PAGE_ROLES

REPO = Path(__file__).resolve().parents[2]

ACCOUNTS = {"admin": "admin", "researcher": "researcher", "executive": "executive"}
PAGE_FILES = {key: f"views/{key}.py" for key in PAGE_ROLES}
TITLES = {"findings": "Findings overview", "findings_heatmap": "Heatmap", "findings_gaps": "Morale and tooling gaps",
          "findings_topics": "Topic explorer", "findings_evidence": "Interview evidence",
          "findings_actions": "Actions: you said, we did", "actions_record": "Record actions",
          "studies": "Interview studies", "interview_notes": "Interview notes",
          "interview_import": "Import notes", "coding": "Coding", "codebook": "Codebook",
          "interview_analysis": "Interview analysis", "pulse_waves": "Pulse waves",
          "pulse_links": "Pulse links", "pulse_replies": "Comments and replies", "analysis": "Analysis",
          "users": "Users", "audit": "Audit trail", "account": "Account"}


def texts(at):
    return [e.value for e in at.title] + [e.value for e in at.error] + [e.value for e in at.warning]


def test_visitor_sees_only_the_sign_in_form(make_app):
    at = make_app().run()
    assert not at.exception
    assert [t.value for t in at.title] == ["Frontline"]
    assert [t.label for t in at.text_input] == ["Username", "Password"]


def test_sign_in_with_the_right_password_opens_the_role_start_page(make_app):
    at = make_app().run()
    at.text_input[0].input("exec-tester")
    at.text_input[1].input("correct horse battery")
    at.button[0].click().run()
    assert not at.exception
    assert at.session_state["frontline_user"].role == "executive"
    at.switch_page("views/findings.py").run()
    assert at.title[0].value == "Findings overview"


def test_wrong_password_says_so_and_keeps_the_username(make_app):
    at = make_app().run()
    at.text_input[0].input("exec-tester")
    at.text_input[1].input("not the password")
    at.button[0].click().run()
    assert at.error[0].value == "Wrong username or password."
    assert at.text_input[0].value == "exec-tester"


@pytest.mark.parametrize("role", ACCOUNTS)
@pytest.mark.parametrize("page", PAGE_ROLES)
def test_each_page_opens_for_allowed_roles_and_refuses_others(make_app, role, page):
    at = make_app(ACCOUNTS[role], role).run()
    if role in PAGE_ROLES[page]:
        at.switch_page(PAGE_FILES[page]).run()
        assert not at.exception
        assert at.title[0].value == TITLES[page]
        assert not at.error
        return
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page(PAGE_FILES[page])
    # The page's own server-side check, as when its URL is requested directly.
    direct = make_app(ACCOUNTS[role], role, script=PAGE_FILES[page]).run()
    assert f"Your role ({role}) cannot open this page." in texts(direct)
    assert TITLES[page] not in [t.value for t in direct.title]


@pytest.mark.parametrize("page", PAGE_ROLES)
def test_pages_refuse_a_visitor_who_is_not_signed_in(make_app, page):
    direct = make_app(script=PAGE_FILES[page]).run()
    assert "Please sign in to see this page." in texts(direct)
    assert TITLES[page] not in [t.value for t in direct.title]


def test_the_executive_start_page_shows_the_latest_reportable_wave(make_app):
    at = make_app("executive", "executive").run()
    assert at.selectbox[0].value is not None and "wave 3" in at.selectbox[0].options[at.selectbox[0].index]
    metrics = {m.label: m.value for m in at.metric}
    assert set(metrics) == {"eNPS", "Morale", "Tools", "Management support", "Workload",
                            "Recovery share"}
    assert all(value != "—" for value in metrics.values())
    # The wave title is escaped for Markdown; the reader sees it without the backslashes.
    assert at.caption[0].value == r"216 responses · response rate 79% · change since Pulse wave 2 \(July 2026\)"
    at = make_app("researcher", "researcher").run()
    assert at.title[0].value == "Interview studies"
    assert at.dataframe[0].value["Interviews"].tolist() == [24]


def test_admin_adds_a_user_and_a_bad_one_is_refused(make_app):
    at = make_app("admin", "admin").run()
    at.switch_page("views/users.py").run()
    at.text_input[0].input("new-analyst")
    at.text_input[1].input("short")
    at.button[0].click().run()
    assert "password is too short" in at.error[0].value
    assert at.text_input[0].value == "new-analyst"
    at.text_input[1].input("long enough password")
    at.button[0].click().run()
    assert at.success[0].value.replace("\\", "") == "Created researcher new-analyst."
    assert "new-analyst" in at.dataframe[0].value["Username"].tolist()
    assert at.text_input[0].value == ""  # the form starts empty for the next account


def test_a_disabled_account_is_signed_out_on_its_next_request(make_app, app_db):
    from research.accounts import set_active
    from research.store.engine import make_engine, session_scope

    at = make_app("exec-tester", "executive").run()
    assert at.title[0].value == "Findings overview"
    engine = make_engine(app_db)
    with session_scope(engine) as session:
        set_active(session=session, username="exec-tester", active=False, actor="admin")
    engine.dispose()
    again = make_app("exec-tester", "executive").run()
    assert [t.value for t in again.title] == ["Frontline"]
    assert "frontline_user" not in again.session_state


def test_unmigrated_database_is_refused_with_a_clear_message(monkeypatch, tmp_path):
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("FRONTLINE_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("FRONTLINE_DATABASE_URL", raising=False)
    st.cache_resource.clear()
    at = AppTest.from_file(str(REPO / "app" / "main.py"), default_timeout=30).run()
    st.cache_resource.clear()
    shown = at.error[0].value.replace("\\", "")  # as read on screen: Markdown's escapes undone
    assert "run `frontline db upgrade`" in shown and "\\`" in at.error[0].value  # the path is text, not markup
    assert not at.text_input


def test_another_roles_page_address_says_whose_page_it_is():
    from frontline_ui.auth import SessionUser
    from frontline_ui.refusal import refusal_text

    assert refusal_text("coding", "Coding", SessionUser("erin", "executive")) == (
        "“Coding” is for researchers and administrators. You are signed in as erin, an executive. "
        "Ask an administrator if you need it.")
    assert refusal_text("users", "Users", SessionUser("rita", "researcher")).startswith(
        "“Users” is for administrators. You are signed in as rita, a researcher.")

