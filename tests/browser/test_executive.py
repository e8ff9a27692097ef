"""The executive's journey in Chromium: the top gap whole on the start page, an action, the agent seeing it,
the HTML and PDF briefing."""

import re

import pytest
from playwright.sync_api import expect

from .conftest import frontline, wait_until_settled

pytestmark = pytest.mark.browser

PASSWORD = "a long executive password"
NAV = {"findings": "Findings overview", "findings_heatmap": "Heatmap", "findings_gaps": "Morale and tooling gaps",
       "findings_topics": "Topic explorer", "findings_evidence": "Interview evidence", "findings_actions": "Actions"}


def open_page(page, server, wait_for_app, path: str) -> None:
    """Follow the menu link to a page, as an executive would (a full reload would start a new session)."""
    page.locator('[data-testid="stSidebarNav"]').get_by_role("link", name=NAV[path], exact=True).click()
    wait_for_app(page)


def choose(page, label: str, option: str) -> None:
    """Pick ``option`` once the page has settled (a rerun that starts after the box opens closes its list)."""
    wait_until_settled(page)
    page.get_by_label(label).first.click()
    page.get_by_role("option", name=option, exact=True).click()


def test_executive_sees_the_top_gap_whole_on_the_start_page_acts_and_forwards_the_briefing(
        server, page, browser, add_user, app_helpers, tmp_path):
    wait_for_app, sign_in = app_helpers
    add_user("exec-journey", "executive", PASSWORD)
    sign_in(page, server.url, "exec-journey", PASSWORD)
    expect(page.get_by_role("heading", name="Findings overview")).to_be_visible(timeout=30_000)
    # It opens on the last closed wave, not on the open wave nobody has answered yet.
    expect(page.get_by_role("combobox", name="Wave")).to_match_aria_snapshot('- combobox "Wave": /Pulse wave 3 .*/')
    expect(page.get_by_text("eNPS", exact=True)).to_be_visible()

    # One screen: the top gap by its readable name, its worst team, quotes, interview share and trend.
    expect(page.get_by_role("heading", name="Focus areas")).to_be_visible()
    top = page.get_by_role("heading", name=re.compile(r"^1\. "))
    top_name = top.inner_text().split(". ", 1)[1]
    assert len(top_name.split()) >= 2 and top_name[0].isupper()  # "Tools and systems", not "day"
    # The first area's lines come first on the page, before the second area's.
    expect(page.get_by_text(re.compile(r"^Worst in: .+ \(\d+ % of its comments\)$")).first).to_be_visible()
    expect(page.get_by_text(re.compile(r"^“.+”$")).first).to_be_visible()
    # The demo study interviewed 24 agents; evidence takes them in steps of five, so 20 count.
    expect(page.get_by_text(re.compile(r"^Interviews: \d+ % of interviews raise it \(\d+ of the 20 agents counted"))
           .first).to_be_visible()
    expect(page.get_by_text(re.compile(r"^Trend: \d+ % → \d+ % → \d+ % \((up|down|no change)")).first
           ).to_be_visible()
    page.screenshot(path=str(server.artifacts / "findings.png"), full_page=True)

    # From the gap straight to recording an action against it.
    page.get_by_role("link", name=f"Record an action on {top_name}").click()
    wait_for_app(page)
    choose(page, "Theme", top_name)
    wait_for_app(page)  # the theme is chosen outside the form: the page reruns to keep the choice
    page.get_by_label("What will be done").fill("Replace the search screen that freezes at peak")
    page.get_by_label("Owner").fill("Head of operations")
    page.get_by_text("Publish to agents now").click()
    page.get_by_role("button", name="Record action").click()
    wait_for_app(page)
    expect(page.locator('[data-testid="stText"]', has_text="Replace the search screen that freezes at peak")
           ).to_be_visible()

    agent = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
    token = frontline("pulse", "links", "Pulse wave 4 (open now)", "--segment", "Retail Care",
                      env=server.env).stdout.strip().rsplit("?t=", 1)[1]
    agent.goto(f"{server.url}/pulse?t={token}")
    wait_for_app(agent)
    agent.get_by_text("What changed after earlier pulses").click()
    expect(agent.get_by_text(f"{top_name}: Replace the search screen that freezes at peak")).to_be_visible()
    agent.context.close()

    open_page(page, server, wait_for_app, "findings")
    expect(page.get_by_text(re.compile(r"^Action \(planned\): Replace the search screen that freezes at peak"))
           ).to_be_visible()
    page.get_by_role("button", name="Prepare briefing").click()
    wait_for_app(page)
    with page.expect_download() as download:
        page.get_by_role("button", name="Download HTML briefing").click()
    briefing = tmp_path / "briefing.html"
    download.value.save_as(briefing)
    assert briefing.stat().st_size < 1_000_000
    text = briefing.read_text(encoding="utf-8")
    assert f"1. {top_name}" in text and "Replace the search screen that freezes at peak" in text
    # The same briefing as a PDF, printed on the server.
    with page.expect_download() as download:
        page.get_by_role("button", name="Download briefing (PDF)").click()
    pdf = server.artifacts / "briefing.pdf"
    download.value.save_as(pdf)
    assert pdf.read_bytes().startswith(b"%PDF-") and pdf.stat().st_size < 2_000_000

    # Opened on its own, the briefing draws its charts without asking the network for anything.
    reader = browser.new_context().new_page()
    requests = []
    reader.on("request", lambda request: requests.append(request.url))
    reader.goto(briefing.as_uri())
    expect(reader.get_by_role("heading", name="Focus areas")).to_be_visible()
    expect(reader.locator("svg").first).to_be_visible()
    assert [url for url in requests if not url.startswith(("file:", "data:", "blob:"))] == []
    reader.screenshot(path=str(server.artifacts / "briefing.png"), full_page=True)
    reader.context.close()


def test_a_researcher_opening_an_executive_page_url_is_refused(server, page, add_user, app_helpers):
    wait_for_app, sign_in = app_helpers
    add_user("res-journey", "researcher", PASSWORD)
    sign_in(page, server.url, "res-journey", PASSWORD)
    assert page.locator('[data-testid="stSidebarNav"] a[href$="/findings_gaps"]').count() == 0
    page.goto(f"{server.url}/findings_gaps")
    wait_for_app(page)
    # A direct URL starts a new session: the page asks for a sign-in and shows no finding.
    expect(page.get_by_text("raised in")).to_have_count(0)


def test_on_a_phone_the_menu_folds_away_once_a_page_is_chosen(server, browser, add_user, app_helpers):
    """At 390 px the opened menu covers the page: choosing a page must show that page, not the menu still open."""
    wait_for_app, sign_in = app_helpers
    add_user("exec-phone", "executive", PASSWORD)
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    try:
        page = context.new_page()
        page.set_default_timeout(30_000)
        sign_in(page, server.url, "exec-phone", PASSWORD)
        expect(page.get_by_role("heading", name="Findings overview")).to_be_visible()
        page.get_by_test_id("stExpandSidebarButton").click()
        sidebar = page.get_by_test_id("stSidebar")
        expect(sidebar).to_have_attribute("data-collapsed", "false")
        sidebar.get_by_role("link", name="Heatmap", exact=True).click()
        wait_for_app(page)
        expect(page.get_by_role("heading", name="Heatmap")).to_be_in_viewport()
        expect(sidebar).to_have_attribute("data-collapsed", "true")
    finally:
        context.close()
