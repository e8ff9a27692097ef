"""A page link clicked the moment typing stops goes to that page, and the text comes back as a draft.

In a form, the text of a box is sent when the box loses focus; that message reached the server just after
the click's page change and, naming the page it was typed on, sent the researcher back there (one click lost).
"""

import sqlite3
from pathlib import Path
from urllib.parse import urlparse

import pytest
from playwright.sync_api import expect

from .conftest import wait_until_settled

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


def test_the_interview_picker_names_the_interview_open_after_a_visit_to_another_page(server, page, add_user,
                                                                                    app_helpers):
    """An outside walk typed into P06's notes, visited the codebook and came back: the picker read "P01" over
    P06's notes, and the next edit went to the interview the picker did not name."""
    wait_for_app, sign_in = app_helpers
    add_user("res-returns", "researcher", "a returning password")
    sign_in(page, server.url, "res-returns", "a returning password")
    nav = page.locator('[data-testid="stSidebarNav"]')
    nav.get_by_role("link", name="Interview notes", exact=True).click()
    wait_until_settled(page)
    picker = page.get_by_role("combobox", name="Interview")
    first = picker.input_value()
    picker.click()
    options = page.get_by_role("option")
    chosen = options.last.inner_text().strip()
    assert chosen != first
    options.last.click()
    wait_until_settled(page)
    expect(picker).to_have_value(chosen)
    page.locator("textarea").first.press_sequentially(" and a last word", delay=10)
    nav.get_by_role("link", name="Codebook", exact=True).click()  # no pause: the box has not been left yet
    wait_for_app(page)
    nav.get_by_role("link", name="Interview notes", exact=True).click()
    wait_until_settled(page)
    expect(picker).to_have_value(chosen)
