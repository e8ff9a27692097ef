"""A page link clicked the moment typing stops goes to that page, and the text comes back as a draft.

In a form, the text of a box is sent when the box loses focus; that message reached the server just after
the click's page change and, naming the page it was typed on, sent the researcher back there (one click lost).
"""

import sqlite3
from pathlib import Path
from urllib.parse import urlparse

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_a_sidebar_link_clicked_right_after_typing_navigates_and_the_text_waits_as_a_draft(server, page, add_user,
                                                                                         app_helpers):
    wait_for_app, sign_in = app_helpers
    add_user("res-leaves", "researcher", "a page-leaving password")
    sign_in(page, server.url, "res-leaves", "a page-leaving password")
    nav = page.locator('[data-testid="stSidebarNav"]')
    nav.get_by_role("link", name="Codebook", exact=True).click()
    wait_for_app(page)
    page.get_by_role("tab", name="Add a code").click()
    wait_for_app(page)
    form = page.locator('[data-testid="stForm"]').filter(has=page.get_by_role("button", name="Add code"))
    form.get_by_label("Name").press_sequentially("Rota changes", delay=20)
    nav.get_by_role("link", name="Coding", exact=True).click()  # no pause: the text has not been sent yet

    expect(page.get_by_role("heading", name="Coding", exact=True)).to_be_visible()
    assert urlparse(page.url).path == "/coding"
    wait_for_app(page)
    database = sqlite3.connect(Path(server.env["FRONTLINE_DATA_DIR"]) / "frontline.db")
    try:
        assert database.execute("SELECT d.place, d.body FROM staff_drafts d JOIN users u ON u.id = d.user_id "
                                "WHERE u.username = 'res-leaves'").fetchall() == [("code:new:name", "Rota changes")]
    finally:
        database.close()
    nav.get_by_role("link", name="Codebook", exact=True).click()
    wait_for_app(page)
    page.get_by_role("tab", name="Add a code").click()
    expect(form.get_by_label("Name")).to_have_value("Rota changes")
