"""The researcher's journey in Chromium: the codebook drives the analysis, and the model's suggestions are
accepted into the researcher's own coding."""

import re

import pytest
from playwright.sync_api import expect

from .conftest import wait_until_settled

pytestmark = pytest.mark.browser

PASSWORD = "a long researcher password"


def open_page(page, wait_for_app, name: str) -> None:
    page.locator('[data-testid="stSidebarNav"]').get_by_role("link", name=name, exact=True).click()
    wait_for_app(page)


def test_a_new_code_becomes_a_gap_after_the_next_analysis(server, page, add_user, app_helpers):
    wait_for_app, sign_in = app_helpers
    add_user("res-codebook", "researcher", PASSWORD)
    sign_in(page, server.url, "res-codebook", PASSWORD)

    open_page(page, wait_for_app, "Codebook")
    page.get_by_role("tab", name="Add a code").click()
    form = page.locator('[data-testid="stForm"]').filter(has=page.get_by_role("button", name="Add code"))
    form.get_by_label("Name").fill("Parking and getting to work")
    form.get_by_label("Description").fill("The car park, parking spaces and getting to the site for a shift.")
    form.get_by_label("Example phrases (one a line)").fill("nowhere to park\nthe car park is full")
    wait_until_settled(page)  # a rerun while the list is open closes it
    form.get_by_label("Ranked among").click()  # the morale list shows its top five; the tooling list has room
    page.get_by_role("option", name="Tooling gaps", exact=True).click()
    form.get_by_role("button", name="Add code").click()
    wait_for_app(page)
    expect(page.get_by_text("Added 'Parking and getting to work': it is in the table above")).to_be_visible()

    open_page(page, wait_for_app, "Analysis")
    previous = page.get_by_text(re.compile(r"^Job \d+ finished\.$"))
    expect(previous).to_be_visible()
    number = int(re.search(r"\d+", previous.inner_text()).group())
    page.get_by_role("button", name="Run analysis").click()
    expect(page.get_by_text(f"Job {number + 1} finished.", exact=True)).to_be_visible(timeout=240_000)
    # The new results replace the old ones without leaving the page.
    expect(page.get_by_role("heading", name=f"Emergent topics (job {number + 1})")).to_be_visible()

    executive = page.context.browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    add_user("exec-codebook", "executive", PASSWORD)
    sign_in(executive, server.url, "exec-codebook", PASSWORD)
    open_page(executive, wait_for_app, "Morale and tooling gaps")
    expect(executive.get_by_role("heading", name=re.compile(r"^\d+\. Parking and getting to work$"))).to_be_visible()
    executive.screenshot(path=str(server.artifacts / "gaps-new-code.png"), full_page=True)
    executive.context.close()


def test_a_suggested_code_is_accepted_into_the_researchers_coding(server, page, add_user, app_helpers):
    wait_for_app, sign_in = app_helpers
    add_user("res-suggest", "researcher", PASSWORD)
    sign_in(page, server.url, "res-suggest", PASSWORD)
    open_page(page, wait_for_app, "Coding")
    page.get_by_role("button", name="Suggest codes for my uncoded sentences").click()
    wait_for_app(page)
    first = page.get_by_text(re.compile(r"^Suggested(, but unsure)?: .+ \(\d+% sure\)")).first
    expect(first).to_be_visible(timeout=60_000)
    before = page.get_by_text(re.compile(r"^Suggested(, but unsure)?: ")).count()
    page.get_by_role("button", name="Accept").first.click()
    wait_for_app(page)
    expect(page.get_by_text(re.compile(r"^Suggested(, but unsure)?: "))).to_have_count(before - 1)
    excerpts = page.locator('[data-testid="stDataFrame"]').last
    expect(excerpts).to_contain_text("res-suggest")
    page.screenshot(path=str(server.artifacts / "coding-suggestions.png"), full_page=True)


def test_a_corrected_code_closes_its_chooser_and_opens_no_other(server, page, add_user, app_helpers):
    """An outside walk saved a corrected code and the chooser opened again, empty, on the comment above, where
    the next click would have coded the wrong comment."""
    wait_for_app, sign_in = app_helpers
    add_user("res-corrects", "researcher", PASSWORD)
    sign_in(page, server.url, "res-corrects", PASSWORD)
    open_page(page, wait_for_app, "Comments and replies")
    wait_until_settled(page)
    page.get_by_role("button", name=re.compile("^(Choose another code|Code it)$")).nth(1).click()
    page.get_by_role("combobox", name="Code").click()
    page.get_by_role("option").first.click()
    wait_until_settled(page)
    page.get_by_role("button", name="Save code").click()
    wait_until_settled(page)
    expect(page.get_by_text(re.compile(r"^Coded: "))).not_to_have_count(0)
    page.screenshot(path=str(server.artifacts / "comment-coded.png"), full_page=True)
    expect(page.get_by_role("button", name="Save code")).to_have_count(0)  # no chooser left open anywhere


def test_the_wave_export_stays_open_on_its_download_button(server, page, add_user, app_helpers):
    """An outside walk coded a comment, pressed "Prepare the .qdpx" and the section folded shut over its Download
    button (the "Coded ..." message above it had gone with the rerun)."""
    wait_for_app, sign_in = app_helpers
    add_user("res-exports", "researcher", PASSWORD)
    sign_in(page, server.url, "res-exports", PASSWORD)
    open_page(page, wait_for_app, "Comments and replies")
    wait_until_settled(page)
    page.get_by_role("button", name="Accept").first.click()
    wait_until_settled(page)
    expect(page.get_by_text(re.compile(r"^Coded .+: it teaches the next analysis"))).to_be_visible()
    page.get_by_text("Export this wave's comments and their codes (.qdpx)").click()
    page.get_by_role("button", name="Prepare the .qdpx").click()
    wait_until_settled(page)
    expect(page.get_by_role("button", name="Download comments and codes (.qdpx)")).to_be_visible()
