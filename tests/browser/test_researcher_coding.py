"""The researcher's writes in Chromium, checked in the database: coding in the second interview of a participant
lands there, and a transcript imported twice is stored once."""

import re
from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select

from research.store.engine import make_engine, session_scope
from research.store.models import Code, Excerpt, Interview, InterviewNote, Participant

from .conftest import wait_until_settled

pytestmark = pytest.mark.browser

PASSWORD = "a long researcher password"
ANSWER = "We had a second talk. The rota tool double-books my breaks every week."
TRANSCRIPT = b"Q: What slows you down?\nA: The knowledge base search never finds the refund steps.\n"


def open_page(page, wait_for_app, name: str) -> None:
    """Open a page from the menu and wait until it has drawn (its title is the menu entry's name)."""
    page.locator('[data-testid="stSidebarNav"]').get_by_role("link", name=name, exact=True).click()
    expect(page.get_by_role("heading", name=name, exact=True)).to_be_visible()
    wait_for_app(page)


def choose(page, wait_for_app, label: str, option, typed: str = "") -> None:
    """Open a select box or multiselect, type ``typed`` to filter its (virtualised) list, pick ``option``.

    It waits for the page to settle first: a clean-clone CI run opened the Coding page's "Interview" box while the
    page reran for its new address, and the rerun closed the list before the option could be picked."""
    wait_until_settled(page)
    page.get_by_label(label, exact=True).click()
    if typed:
        page.keyboard.type(typed)
    page.get_by_role("option", name=option).click()
    page.keyboard.press("Escape")  # a multiselect stays open after a choice
    wait_for_app(page)


def query(server, statement):
    engine = make_engine(f"sqlite:///{Path(server.env['FRONTLINE_DATA_DIR']) / 'frontline.db'}")
    with session_scope(engine) as session:
        value = session.scalar(statement)
    engine.dispose()
    return value


def test_coding_a_second_interview_and_importing_twice_store_what_was_asked(server, page, add_user, app_helpers):
    wait_for_app, sign_in = app_helpers
    add_user("res-coding", "researcher", PASSWORD)
    sign_in(page, server.url, "res-coding", PASSWORD)

    # P01 is interviewed a second time; the first answer is typed and saves itself.
    open_page(page, wait_for_app, "Interview notes")
    page.get_by_text("Start an interview", exact=True).click()
    start = page.locator('[data-testid="stForm"]').filter(has=page.get_by_role("button", name="Start interview"))
    expect(start.get_by_role("button", name="Start interview")).to_be_visible()
    wait_until_settled(page)  # a click while the page still reran was lost in a clean-clone CI run
    start.get_by_role("button", name="Start interview").click()  # P01, today: the form's first choices
    wait_for_app(page)
    expect(page.get_by_text(re.compile(r"^Started the interview P01 · .* · interview 2 of 2"))).to_be_visible()
    box = page.locator("textarea").first
    expect(box).to_have_value("")
    box.fill(ANSWER)
    box.press("Control+Enter")
    wait_for_app(page)
    expect(page.get_by_text("Saved.", exact=True)).to_be_visible()

    # Coding shows the two interviews apart; the second one is coded and the code is stored there.
    open_page(page, wait_for_app, "Coding")
    today = date.today().isoformat()
    choose(page, wait_for_app, "Interview", re.compile(rf"^P01 · {today} · interview 2 of 2"))
    expect(page.get_by_text(ANSWER, exact=True)).to_be_visible()
    choose(page, wait_for_app, "Sentences to code", "The rota tool double-books my breaks every week.")
    choose(page, wait_for_app, "Codes", "Schedule and work-life balance", typed="Schedule")
    page.get_by_role("button", name="Code excerpt").click()
    wait_for_app(page)
    expect(page.get_by_text(re.compile(r"^Coded 1 excerpt as Schedule and work-life balance in P01 · "
                                       rf"{today} · interview 2 of 2"))).to_be_visible()
    # The coded sentence is marked where it sits in the answer, named by its code.
    marked = page.locator("mark", has_text="The rota tool double-books my breaks every week.")
    expect(marked).to_have_attribute("title", "Schedule and work-life balance")
    stored = (select(Interview.held_on).join(InterviewNote).join(Excerpt).join(Excerpt.codes)
              .where(Excerpt.coder == "res-coding", Code.key == "work_life_balance",
                     Excerpt.text == "The rota tool double-books my breaks every week."))
    assert query(server, stored) == date.today()
    assert query(server, select(func.count()).select_from(Interview).join(Participant)
                 .where(Participant.code == "P01")) == 2

    # The same transcript uploaded and imported twice is stored once, and the page says so.
    open_page(page, wait_for_app, "Import notes")
    for _attempt in range(2):  # the participant is chosen each time: an import clears the choice
        wait_until_settled(page)
        page.get_by_label("Participant", exact=True).click()  # no Escape after: it clears a box with no default
        page.get_by_role("option", name=re.compile(r"^P02 ")).click()
        wait_for_app(page)
        page.locator('input[type="file"]').first.set_input_files(
            files=[{"name": "p02.txt", "mimeType": "text/plain", "buffer": TRANSCRIPT}])
        wait_for_app(page)
        page.get_by_role("button", name="Import this transcript").click()
        wait_for_app(page)
        expect(page.get_by_role("button", name="Import this transcript")).to_have_count(0)
    expect(page.get_by_text(re.compile(r"^Already imported: these answers are stored as P02 · "))).to_be_visible()
    notes = select(func.count()).select_from(InterviewNote).where(InterviewNote.body.like("%refund steps%"))
    assert query(server, notes) == 1
    page.screenshot(path=str(server.artifacts / "coding-second-interview.png"), full_page=True)
