"""axe-core in Chromium: no serious or critical violation on the sign-in page, every step of the agent's pulse
page, the executive home and the researcher's notes and coding pages.

axe-core (MPL-2.0) comes from the npm registry into ``.venv/axe`` (``make axe``, run by ``make test``); it
is injected into the page under test only and never served by Frontline.
"""

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from .conftest import frontline

pytestmark = pytest.mark.browser

AXE = Path(os.environ.get("FRONTLINE_AXE", Path(__file__).resolve().parents[2] / ".venv" / "axe" / "node_modules"
                          / "axe-core" / "axe.min.js"))
PASSWORD = "an accessible password"


@pytest.fixture(scope="module")
def axe_path() -> Path:
    if not AXE.is_file():
        message = f"{AXE} not found: run `make axe` (make test does)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return AXE


def serious_violations(page, axe_path: Path) -> list[str]:
    """Run axe-core on the page as it is now; one line per serious or critical violation, with where it is."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(axe_path))
    results = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:5]} "
            f"{v['nodes'][0].get('failureSummary', '')[:300]}"
            for v in results["violations"] if v["impact"] in ("serious", "critical")]


def open_page(page, wait_for_app, name: str) -> None:
    page.locator('[data-testid="stSidebarNav"]').get_by_role("link", name=name, exact=True).click()
    expect(page.get_by_role("heading", name=name, exact=True)).to_be_visible()
    wait_for_app(page)


def test_sign_in_page_and_executive_home(server, page, add_user, app_helpers, axe_path):
    wait_for_app, sign_in = app_helpers
    page.goto(server.url)
    wait_for_app(page)
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()
    found = {"sign-in": serious_violations(page, axe_path)}
    add_user("exec-axe", "executive", PASSWORD)
    sign_in(page, server.url, "exec-axe", PASSWORD)
    expect(page.locator("h1").first).to_have_text("Findings overview", timeout=30_000)
    wait_for_app(page)
    found["executive home"] = serious_violations(page, axe_path)
    assert found == {"sign-in": [], "executive home": []}


def test_every_step_of_the_agents_pulse_page(server, page, app_helpers, axe_path):
    wait_for_app, _ = app_helpers
    page.set_viewport_size({"width": 390, "height": 844})
    out = frontline("pulse", "links", "Pulse wave 4 (open now)", "--segment", "Retail Care", env=server.env).stdout
    page.goto(f"{server.url}/pulse?t={out.strip().rsplit('?t=', 1)[1]}")
    wait_for_app(page)
    found = {"questions": serious_violations(page, axe_path)}
    page.get_by_role("button", name="Review my answers").click()  # nothing answered: every problem is shown
    wait_for_app(page)
    expect(page.get_by_text(re.compile(r"Please check the \d+ answers"))).to_be_visible()
    found["missing answers"] = serious_violations(page, axe_path)
    for index in range(6):
        page.get_by_role("radiogroup").nth(index).get_by_text("3", exact=True).click()
    page.get_by_placeholder("a number from 0 to 100").fill("30")
    page.get_by_role("textbox").last.fill("Call Dave on 07700 900123 about the rota")
    page.get_by_role("button", name="Review my answers").click()
    wait_for_app(page)
    expect(page.get_by_role("button", name="Send anonymously")).to_be_visible()
    found["review"] = serious_violations(page, axe_path)
    page.get_by_role("button", name="Send anonymously").click()
    wait_for_app(page)
    expect(page.get_by_text(re.compile(r"^Thank you. Your answers are saved anonymously."))).to_be_visible()
    found["thank you"] = serious_violations(page, axe_path)
    assert found == {"questions": [], "missing answers": [], "review": [], "thank you": []}


def test_researcher_notes_and_coding_pages(server, page, add_user, app_helpers, axe_path):
    wait_for_app, sign_in = app_helpers
    add_user("res-axe", "researcher", PASSWORD)
    sign_in(page, server.url, "res-axe", PASSWORD)
    open_page(page, wait_for_app, "Interview notes")
    found = {"notes": serious_violations(page, axe_path)}
    open_page(page, wait_for_app, "Coding")
    found["coding"] = serious_violations(page, axe_path)
    assert found == {"notes": [], "coding": []}
