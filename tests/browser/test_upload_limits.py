"""A .docx bomb uploaded through the real server is refused in one line within 10 s, and another visitor's
page loads meanwhile."""

import time

import pytest
from playwright.sync_api import expect
from upload_bombs import docx_bomb

pytestmark = pytest.mark.browser

PASSWORD = "a long researcher password"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def test_a_docx_bomb_is_refused_quickly_while_another_session_still_loads(server, page, browser, add_user,
                                                                           app_helpers):
    wait_for_app, sign_in = app_helpers
    bomb = docx_bomb(451)
    add_user("res-bomb", "researcher", PASSWORD)
    sign_in(page, server.url, "res-bomb", PASSWORD)
    page.locator('[data-testid="stSidebarNav"]').get_by_role("link", name="Import notes", exact=True).click()
    wait_for_app(page)
    visitor = browser.new_context().new_page()

    started = time.monotonic()
    page.locator('input[type="file"]').first.set_input_files(
        files=[{"name": "minutes.docx", "mimeType": DOCX, "buffer": bomb}])
    visitor.goto(server.url)  # another session, while the upload is being read
    expect(visitor.get_by_role("button", name="Sign in")).to_be_visible(timeout=10_000)
    refusal = page.get_by_text('"minutes.docx" would unpack to 451.8 MB from 1.6 MB')
    expect(refusal).to_be_visible(timeout=10_000)
    assert time.monotonic() - started <= 10
    assert "refused unopened" in refusal.inner_text()
    visitor.context.close()
