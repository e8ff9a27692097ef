"""Journeys through the real app in Chromium: sign in, sign-in pause, direct URLs."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from .conftest import session_cookie

pytestmark = pytest.mark.browser

PASSWORD = "correct horse battery"


def heading(page):
    return page.locator("h1").first


def test_cli_created_account_signs_in_and_sees_its_start_page(server, page, add_user, app_helpers):
    wait_for_app, sign_in = app_helpers
    add_user("dana", "executive", PASSWORD)
    sign_in(page, server.url, "dana", PASSWORD)
    # The server's first findings page imports the charting stack: allow it a cold start.
    expect(heading(page)).to_have_text("Findings overview", timeout=30_000)
    expect(page.get_by_test_id("stMetricLabel").first).to_have_text("eNPS")
    expect(page.get_by_test_id("stMetricValue").first).to_have_text(re.compile(r"^[+-]?\d+$"))
    # The menu offers no researcher or admin page to an executive.
    expect(page.get_by_role("link", name="Users")).to_have_count(0)
    expect(page.get_by_role("link", name="Interview studies")).to_have_count(0)


def test_the_app_asks_nothing_of_the_internet(server, page, add_user, app_helpers):
    """Offline at run time: the sign-in page and a signed-in page load nothing from another host (the page icon
    once came from fonts.gstatic.com)."""
    wait_for_app, sign_in = app_helpers
    add_user("offline", "executive", PASSWORD)
    elsewhere = []
    page.on("request", lambda r: None if r.url.startswith((server.url, "data:", "blob:")) else elsewhere.append(r.url))
    sign_in(page, server.url, "offline", PASSWORD)
    expect(heading(page)).to_have_text("Findings overview", timeout=30_000)
    page.wait_for_load_state("networkidle")
    assert elsewhere == []


def test_researcher_sees_studies_and_no_admin_page(server, page, add_user, app_helpers):
    wait_for_app, sign_in = app_helpers
    add_user("rita", "researcher", PASSWORD)
    sign_in(page, server.url, "rita", PASSWORD)
    expect(heading(page)).to_have_text("Interview studies")
    expect(page.get_by_role("link", name="Users")).to_have_count(0)
    # Opening the admin page's URL starts a new session, signed back in from the session cookie: it never shows
    # the admin page, but says whose page it is and links back to the researcher's own start page.
    session_cookie(page)
    page.goto(f"{server.url}/users")
    wait_for_app(page)
    expect(page.get_by_text("“Users” is for administrators. You are signed in as rita, a researcher.")).to_be_visible()
    expect(page.get_by_role("textbox")).to_have_count(0)
    expect(page.get_by_role("table")).to_have_count(0)
    expect(page.get_by_role("link", name="Users")).to_have_count(0)
    page.get_by_role("link", name="Go to Interview studies").click()
    wait_for_app(page)
    expect(heading(page)).to_have_text("Interview studies")


def test_five_wrong_passwords_pause_the_account_without_saying_so(server, page, add_user, app_helpers):
    wait_for_app, sign_in = app_helpers
    add_user("lee", "researcher", PASSWORD)
    for attempt in range(5):
        sign_in(page, server.url, "lee", f"wrong password {attempt}")
        expect(page.get_by_text("Wrong username or password.")).to_be_visible()
    sign_in(page, server.url, "lee", PASSWORD)  # paused: the right password gets the same answer as a wrong one
    expect(page.get_by_text("Wrong username or password.")).to_be_visible()
    expect(page.get_by_text(re.compile("locked|until"))).to_have_count(0)
    expect(heading(page)).to_have_text("Frontline")


def test_visitor_opening_a_page_url_gets_the_sign_in_form(server, page, app_helpers):
    wait_for_app, _ = app_helpers
    page.goto(f"{server.url}/findings")
    wait_for_app(page)
    expect(heading(page)).to_have_text("Frontline")
    expect(page.get_by_text("eNPS")).to_have_count(0)


def test_every_page_url_opened_without_signing_in_shows_only_the_sign_in_form(server, page, app_helpers):
    wait_for_app, _ = app_helpers
    pages = sorted(p.stem for p in (Path(__file__).resolve().parents[2] / "app" / "views").glob("*.py")
                   if p.stem not in ("login", "pulse"))
    assert len(pages) >= 19
    for name in pages:
        page.goto(f"{server.url}/{name}")
        wait_for_app(page)
        expect(heading(page)).to_have_text("Frontline")
        expect(page.get_by_role("textbox", name="Password")).to_be_visible()
        assert page.locator("h1").count() == 1, name  # no page title besides the sign-in form's
