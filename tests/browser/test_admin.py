"""The admin's journey in Chromium: reset a researcher's password, unlock an account paused by wrong passwords;
then the unlocked researcher changes her own password on the Account page.

One lean ``frontline serve`` for the module (a migrated database and three accounts, no demo data or analysis:
nothing here reads them), and the database is checked after each step.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from research.store.engine import make_engine, session_scope
from research.store.models import AuditEvent, User

from .conftest import settle_after_sign_in, wait_until_settled

pytestmark = pytest.mark.browser

ADMIN_PASSWORD = "admin password one"
ROSA_OLD = "rosa original password"
ROSA_NEW = "rosa chose this herself"
LOU_PASSWORD = "lou knows this one"
LOU_NEW = "lou picked a fresh one"


@pytest.fixture(scope="module")
def server(request, tmp_path_factory, chromium_path):
    """Overrides the session-wide demo server: this journey needs only accounts, so it starts in seconds."""
    helpers = next(p for p in request.config.pluginmanager.get_plugins()  # the loaded tests/browser/conftest.py
                   if getattr(p, "__file__", "") == str(Path(__file__).with_name("conftest.py")))
    Server, free_port, frontline = helpers.Server, helpers.free_port, helpers.frontline

    data = tmp_path_factory.mktemp("serve_admin")
    env = {**os.environ, "FRONTLINE_DATA_DIR": str(data)}
    env.pop("FRONTLINE_DATABASE_URL", None)
    frontline("db", "upgrade", env=env)
    for name, role, password in (("ada", "admin", ADMIN_PASSWORD), ("rosa", "researcher", ROSA_OLD),
                                 ("lou", "researcher", LOU_PASSWORD)):
        frontline("users", "add", "--username", name, "--role", role, "--password-stdin", env=env,
                  stdin=password + "\n")
    running = Server(env, free_port(), data / "serve.log")
    running.artifacts = helpers.ARTIFACTS
    try:
        running.wait_healthy()
        yield running
    finally:
        running.stop()


def account(engine, name: str) -> User:
    with session_scope(engine) as session:
        user = session.scalar(select(User).where(User.username == name))
        session.expunge(user)
        return user


def audit(engine, action: str) -> list[tuple[str, str]]:
    with session_scope(engine) as session:
        return [(e.actor, e.subject) for e in session.scalars(select(AuditEvent).where(AuditEvent.action == action))]


def sign_in_at(page, wait_for_app, url: str, username: str, password: str) -> None:
    page.goto(url)
    wait_for_app(page)
    page.get_by_role("textbox", name="Username").fill(username)
    page.get_by_role("textbox", name="Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    wait_for_app(page)
    settle_after_sign_in(page)


def cookie_value(page) -> str | None:
    return next((c["value"] for c in page.context.cookies() if c["name"].endswith("frontline_session")), None)


def choose(page, wait_for_app, label: str, option: str, shown: str | re.Pattern | None = None) -> None:
    """Open a select box, type ``option`` to filter its list, pick it (``shown``: its label, when it says more).
    It waits for the page to settle first: a rerun that starts after the box opens closes its list."""
    wait_until_settled(page)
    page.get_by_role("combobox", name=label).click()
    page.keyboard.type(option)
    page.get_by_role("option", name=shown or option, exact=True).click()
    wait_for_app(page)


def test_admin_resets_a_password_and_unlocks_a_paused_account(server, browser, app_helpers):
    wait_for_app, _ = app_helpers
    engine = make_engine(f"sqlite:///{Path(server.env['FRONTLINE_DATA_DIR']) / 'frontline.db'}")
    contexts = []

    def new_page():
        contexts.append(browser.new_context(viewport={"width": 1280, "height": 900}))
        page = contexts[-1].new_page()
        page.set_default_timeout(30_000)
        return page

    try:
        # The first visitor after the server starts opens a staff page's address: the sign-in form, and no
        # automatic list of the app's page files (Streamlit lists a folder named pages/ until st.navigation runs).
        stranger = new_page()
        stranger.goto(f"{server.url}/users")
        wait_for_app(stranger)
        expect(stranger.get_by_role("button", name="Sign in")).to_be_visible()
        expect(stranger.get_by_test_id("stSidebarNav")).to_have_count(0)
        internal = [p.stem for p in (Path(__file__).parents[2] / "app" / "views").glob("*.py")]
        links = [link.inner_text().strip().lower() for link in stranger.get_by_role("link").all()]
        assert not [name for name in internal if name.replace("_", " ") in links or name in links], links

        # Lou mistypes five times in one sitting: sign-in for lou pauses, and the page does not say so.
        lou = new_page()
        lou.goto(server.url)
        wait_for_app(lou)
        for attempt in range(5):
            lou.get_by_role("textbox", name="Username").fill("lou")
            lou.get_by_role("textbox", name="Password").fill(f"wrong guess number {attempt}")
            lou.get_by_role("button", name="Sign in").click()
            wait_for_app(lou)
            expect(lou.get_by_text("Wrong username or password.")).to_be_visible()
        assert account(engine, "lou").locked_until is not None
        assert [actor for actor, _ in audit(engine, "account_locked")] == ["lou"]

        # The admin opens the users page by its address and lands there after signing in.
        admin = new_page()
        sign_in_at(admin, wait_for_app, f"{server.url}/users", "ada", ADMIN_PASSWORD)
        expect(admin.locator("h1").first).to_have_text("Users")
        old_hash = account(engine, "rosa").password_hash

        choose(admin, wait_for_app, "Account to reset", "rosa")
        admin.get_by_role("button", name="Reset password").dblclick()  # an impatient double click resets once
        wait_for_app(admin)
        # The second submit carries the form's key again: it changes nothing, and when it reaches the server
        # the page says so ("... once: the second click changed nothing").
        expect(admin.get_by_text(re.compile(r"^Password reset for rosa\b"))).to_be_visible()
        temporary = admin.get_by_test_id("stCode").inner_text().strip()
        assert re.fullmatch(r"[a-z2-9]{4}(-[a-z2-9]{4}){3}", temporary)
        expect(admin.get_by_role("combobox", name="Account to reset")).to_have_value("")  # the form is empty again
        rosa_row = account(engine, "rosa")
        assert rosa_row.password_hash != old_hash and temporary not in rosa_row.password_hash
        assert audit(engine, "password_reset") == [
            ("ada", "rosa (temporary password, must be changed at next sign-in)")]

        # Unlocking lou: only paused accounts are offered, with the pause's end; then nothing is left to unlock.
        choose(admin, wait_for_app, "Paused account", "lou", re.compile(r"^lou \(paused until \S+ \d\d:\d\d:\d\d "))
        admin.get_by_role("button", name="Unlock").click()
        wait_for_app(admin)
        expect(admin.get_by_text("Unlocked lou: they can sign in with their password now.")).to_be_visible()
        expect(admin.get_by_text("No account is paused by wrong passwords.")).to_be_visible()
        expect(admin.get_by_test_id("stCode")).to_have_count(0)  # the temporary password was shown only once
        lou_row = account(engine, "lou")
        assert lou_row.locked_until is None and lou_row.failed_logins == 0
        assert ("ada", "lou (sign-in pause cleared)") in audit(engine, "user_enabled")

        # Rosa signs in with the temporary password and must choose her own before she gets anywhere.
        rosa = new_page()
        sign_in_at(rosa, wait_for_app, server.url, "rosa", temporary)
        expect(rosa.get_by_text("Choose your own password to continue.")).to_be_visible()
        expect(rosa.get_by_role("link", name="Interview studies")).to_have_count(0)
        rosa.get_by_role("textbox", name="New password (at least 10 characters)").fill(ROSA_NEW)
        rosa.get_by_role("textbox", name="Repeat the new password").fill(ROSA_NEW)
        rosa.get_by_role("button", name="Set password and sign in").click()
        wait_for_app(rosa)
        expect(rosa.locator("h1").first).to_have_text("Interview studies")
        changed = account(engine, "rosa")
        assert changed.password_hash.startswith("$argon2id$") and changed.password_hash != rosa_row.password_hash
        assert ("rosa", "rosa (own choice)") in audit(engine, "password_changed")

        # Lou, in a fresh browser, signs in with the unchanged password.
        lou = new_page()
        sign_in_at(lou, wait_for_app, server.url, "lou", LOU_PASSWORD)
        expect(lou.locator("h1").first).to_have_text("Interview studies")
        assert account(engine, "lou").last_login_at is not None

        # Lou changes her own password on the Account page; this browser stays signed in, and the new
        # password is the one that works from now on.
        lou.get_by_role("link", name="Account").click()
        wait_for_app(lou)
        old_cookie = cookie_value(lou)
        lou.get_by_role("textbox", name="Current password", exact=True).fill(LOU_PASSWORD)
        lou.get_by_role("textbox", name="New password", exact=True).fill(LOU_NEW)
        lou.get_by_role("textbox", name="Repeat the new password", exact=True).fill(LOU_NEW)
        lou.get_by_role("button", name="Change password").click()
        wait_for_app(lou)
        expect(lou.get_by_text(re.compile(r"^Your password is changed\."))).to_be_visible()
        expect(lou.get_by_role("textbox", name="Current password", exact=True)).to_have_value("")
        assert ("lou", "lou (own change while signed in; every session of the account signed out)") in audit(
            engine, "password_changed")
        assert account(engine, "lou").password_hash != lou_row.password_hash
        again = new_page()
        sign_in_at(again, wait_for_app, server.url, "lou", LOU_NEW)
        expect(again.locator("h1").first).to_have_text("Interview studies")
        # The first browser too is still signed in after a reload, on the session opened at the change (its
        # cookie replaced: the old one was revoked with every other session of the account).
        for _ in range(300):
            if cookie_value(lou) not in (None, old_cookie):
                break
            lou.wait_for_timeout(100)
        assert cookie_value(lou) not in (None, old_cookie)
        lou.reload()
        wait_for_app(lou)
        expect(lou.locator("h1").first).to_have_text("Account")
    except Exception:
        for number, context in enumerate(contexts):
            context.pages[0].screenshot(path=str(server.artifacts / f"admin-failure-{number}.png"), full_page=True)
        raise
    finally:
        for context in contexts:
            context.close()
        engine.dispose()
