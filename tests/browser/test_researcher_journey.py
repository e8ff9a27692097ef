"""A new researcher's journey in Chromium, the database checked after each step: a study, two participants, a
pulse wave (an admin gives its team a headcount), invite links downloaded twice, a reply to a released comment
and an action recorded with a double click.

Notes across navigation and reload, importing once, coding a second interview and analysis to gap are the other
journeys' (test_reload.py, test_researcher_coding.py, test_researcher.py). One lean ``frontline serve`` for the
module: a migrated database and two accounts, no demo data; the agents' answers go in through the library.
"""

from __future__ import annotations

import csv
import io
import os
import re
import time
from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select

from research.privacy.reporting import Thresholds
from research.pulse.links import hash_token
from research.pulse.sealing import Sealer
from research.pulse.submit import send_response
from research.settings import load_settings
from research.store.engine import make_engine, session_scope
from research.store.models import (
    Action,
    AuditEvent,
    Participant,
    PulseAnswer,
    PulseLink,
    PulseQuestion,
    PulseReply,
    PulseResponse,
    PulseSegment,
    PulseWave,
    Study,
)
from research.store.staff_drafts import StaffDraft

from .conftest import wait_until_settled

pytestmark = pytest.mark.browser

ADMIN_PASSWORD = "admin password for the journey"
PASSWORD = "researcher password for the journey"
STUDY = "Night shift interviews 2027"
WAVE = "Night pulse 2027"
SEGMENT = "Night desk / Leeds"


@pytest.fixture(scope="module")
def server(request, tmp_path_factory, chromium_path):
    """Overrides the session-wide demo server: this journey starts from an empty database, as a new team does."""
    helpers = next(p for p in request.config.pluginmanager.get_plugins()  # the loaded tests/browser/conftest.py
                   if getattr(p, "__file__", "") == str(Path(__file__).with_name("conftest.py")))
    Server, free_port, frontline = helpers.Server, helpers.free_port, helpers.frontline

    data = tmp_path_factory.mktemp("serve_journey")
    env = {**os.environ, "FRONTLINE_DATA_DIR": str(data)}
    env.pop("FRONTLINE_DATABASE_URL", None)
    frontline("db", "upgrade", env=env)
    for name, role, password in (("ada", "admin", ADMIN_PASSWORD), ("rita", "researcher", PASSWORD)):
        frontline("users", "add", "--username", name, "--role", role, "--password-stdin", env=env,
                  stdin=password + "\n")
    running = Server(env, free_port(), data / "serve.log")
    running.artifacts = helpers.ARTIFACTS
    try:
        running.wait_healthy()
        yield running
    finally:
        running.stop()


@pytest.fixture(scope="module")
def engine(server):
    engine = make_engine(f"sqlite:///{Path(server.env['FRONTLINE_DATA_DIR']) / 'frontline.db'}")
    yield engine
    engine.dispose()


def rows(engine, statement) -> list:
    with session_scope(engine) as session:
        return [tuple(r) for r in session.execute(statement)]


def eventually(page, engine, statement, expected, timeout: float = 15) -> None:
    """Wait until the database holds ``expected`` (a download's audit line is written by the rerun it starts)."""
    deadline = time.monotonic() + timeout
    while rows(engine, statement) != expected and time.monotonic() < deadline:
        page.wait_for_timeout(100)
    assert rows(engine, statement) == expected


def open_page(page, wait_for_app, name: str) -> None:
    page.locator('[data-testid="stSidebarNav"]').get_by_role("link", name=name, exact=True).click()
    expect(page.get_by_role("heading", name=name, exact=True)).to_be_visible()
    wait_until_settled(page)  # under load a click in the opening run's wake was lost in a local loop


def form_with(page, button: str):
    return page.locator('[data-testid="stForm"]').filter(has=page.get_by_role("button", name=button))


def create_study_and_participants(page, wait_for_app, engine) -> None:
    open_page(page, wait_for_app, "Interview studies")
    page.get_by_label("Title").fill(STUDY)
    page.get_by_label("Title").press("Enter")  # creates nothing: a walk's Enter made a study with no purpose
    page.wait_for_timeout(700)
    wait_for_app(page)
    assert rows(engine, select(Study.title)) == []
    page.get_by_label("Purpose").fill("What the night shift needs from its tools.")
    page.get_by_role("button", name="Create study").click()
    expect(page.get_by_text(f"Created the study '{STUDY}': it is selected below.", exact=False)).to_be_visible()
    expect(page.get_by_role("combobox", name="Study")).to_have_value(STUDY)
    assert rows(engine, select(Study.title, Study.purpose)) == [(STUDY, "What the night shift needs from its tools.")]

    page.get_by_role("tab", name="Participants").click()
    form = form_with(page, "Add participant")
    form.get_by_label("Industry").fill("Utilities")
    form.get_by_label("Role").fill("Night agent")
    form.get_by_text("Consent given").click()
    expect(form.get_by_role("checkbox", name="Consent given")).to_be_checked()
    form.get_by_role("button", name="Add participant").click()
    expect(page.get_by_text("Added P01 with consent recorded.")).to_be_visible()
    # The page stays on the participants, with an empty form: nothing typed or ticked is carried over.
    expect(page.get_by_role("tab", name="Participants")).to_have_attribute("aria-selected", "true")
    expect(form.get_by_label("Industry")).to_have_value("")
    expect(form.get_by_role("checkbox", name="Consent given")).not_to_be_checked()
    wait_until_settled(page)
    form.get_by_label("Industry").fill("Retail")
    form.get_by_role("button", name="Add participant").click()
    expect(page.get_by_text("Added P02, no consent recorded yet: notes wait for it.")).to_be_visible()
    table = page.get_by_role("tabpanel", name="Participants").get_by_test_id("stDataFrame").filter(has_text="P02")
    expect(table.first).to_contain_text(re.compile(r"P01UtilitiesNight agent.*true.*P02Retail.*false"))
    people = select(Participant.code, Participant.industry, Participant.role, Participant.consent_given)
    assert rows(engine, people.order_by(Participant.code)) \
        == [("P01", "Utilities", "Night agent", True), ("P02", "Retail", "", False)]

    # P02 gives consent at the interview: chosen by code, edited in the boxes, the save names what changed.
    page.get_by_role("combobox", name="Edit participant").click()
    page.get_by_role("option", name="P02", exact=True).click()
    # until the run ends, P01's form is still drawn, fading, where P02's comes; a wait that saw a gap between two
    # runs found both forms' boxes in a clean-clone run
    expect(page.get_by_role("button", name="Save P02")).to_be_visible()
    wait_until_settled(page)
    edit = form_with(page, "Save P02")
    expect(edit.get_by_label("Industry")).to_have_value("Retail")
    edit.get_by_label("Role").fill("Day agent")
    edit.get_by_text("Consent given").click()
    expect(edit.get_by_role("checkbox", name="Consent given")).to_be_checked()
    edit.get_by_role("button", name="Save P02").click()
    expect(page.get_by_text("Saved P02: role, consent.")).to_be_visible()
    assert rows(engine, people.order_by(Participant.code)) \
        == [("P01", "Utilities", "Night agent", True), ("P02", "Retail", "Day agent", True)]
    wait_for_app(page)  # the confirmation comes early in the run; the fresh form at its end
    expect(form_with(page, "Save P02").get_by_label("Role")).to_have_value("Day agent")  # the saved value


def create_wave(page, wait_for_app, engine) -> None:
    open_page(page, wait_for_app, "Pulse waves")
    form = form_with(page, "Create wave")
    form.get_by_label("Title").fill(WAVE)
    form.get_by_label("Segments").fill("team, site\nNight desk, Leeds")  # a header line, as its example shows
    form.get_by_role("button", name="Create wave").click()  # as a researcher would, straight from the box
    expect(page.get_by_text(f"Created {WAVE} with 8 questions and 1 segment:", exact=False)).to_be_visible()
    expect(page.get_by_test_id("stDataFrame").first).to_contain_text(WAVE)
    assert rows(engine, select(PulseSegment.team, PulseSegment.site, PulseSegment.headcount)
                .join(PulseWave).where(PulseWave.title == WAVE)) == [("Night desk", "Leeds", None)]
    assert rows(engine, select(func.count()).select_from(PulseQuestion)) == [(8,)]


def set_headcount_as_admin(browser, server, app_helpers, engine) -> None:
    """Only an admin gives a team its headcount, and links need one: the researcher asks ada."""
    wait_for_app, sign_in = app_helpers
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        admin = context.new_page()
        sign_in(admin, f"{server.url}/pulse_links", "ada", ADMIN_PASSWORD)
        expect(admin.get_by_role("heading", name="Pulse links", exact=True)).to_be_visible()
        form = form_with(admin, "Set headcount")
        expect(form.get_by_role("combobox", name="Segment")).to_have_value(SEGMENT)
        form.get_by_label("People in this segment").fill("12")
        form.get_by_role("button", name="Set headcount").click()
        expect(admin.get_by_text(f"Headcount of {SEGMENT} set to 12.")).to_be_visible()
    finally:
        context.close()
    assert rows(engine, select(PulseSegment.headcount)) == [(12,)]
    assert rows(engine, select(AuditEvent.actor, AuditEvent.subject).where(AuditEvent.action == "headcount_set")) \
        == [("ada", f"{SEGMENT} in {WAVE}: 12")]


def download_links_twice(page, wait_for_app, engine) -> list[str]:
    """Ten invites, created with a double click and downloaded twice, the second time after a reload, opened with
    her password: the same ten valid links both times, one batch stored (a second, never shown, would hold places
    of the headcount), each download audited."""
    open_page(page, wait_for_app, "Pulse links")
    expect(page.get_by_role("combobox", name="Wave")).to_have_value(WAVE)
    page.get_by_role("textbox", name="How many invites").fill("10")
    page.get_by_role("textbox", name="How many invites").press("Enter")  # not yet: her password comes next
    page.get_by_label(re.compile(r"^Your password, to keep a copy")).fill(PASSWORD)
    page.get_by_role("button", name="Create links").dblclick()  # one batch: the links table below holds ten
    expect(page.get_by_text(re.compile(rf"^Created 10 invite link\(s\) for {SEGMENT} in {WAVE}\. A copy sealed"))
           ).to_be_visible()
    wait_until_settled(page)
    files = []
    for attempt in range(2):  # a copy sealed with her password is kept: a reload does not lose the links
        if attempt:
            page.reload()
            wait_until_settled(page)  # the session cookie's sign-in rerun has ended
            page.get_by_role("textbox", name="Your password", exact=True).fill(PASSWORD)
            page.get_by_role("button", name="Open my copies").click()
            # the opened links are drawn by the rerun the form starts; a click during it was lost in a CI run
            expect(page.get_by_test_id("stCode")).to_be_visible()
            wait_until_settled(page)
        with page.expect_download() as download:
            page.get_by_role("button", name="Download links (CSV)").click()
        # named by wave and segment, so a second segment's download does not collide with the first (a walk)
        assert download.value.suggested_filename == "pulse-links-night_pulse_2027-night_desk_leeds.csv"
        files.append(Path(download.value.path()).read_text())
        # The audit line is written by the rerun the click asks for; a reload before that rerun starts ends the
        # session with it (a CI run lost the first line so), as a tab closed the same instant would.
        eventually(page, engine, select(AuditEvent.actor, AuditEvent.subject).where(AuditEvent.action == "export"),
                   [("rita", f"10 pulse link(s) for {SEGMENT} (CSV)")] * (attempt + 1))
    assert files[0] == files[1]
    links = list(csv.DictReader(io.StringIO(files[0])))
    assert {(r["wave"], r["segment"], r["kind"]) for r in links} == {(WAVE, SEGMENT, "invite")} and len(links) == 10
    tokens = [r["link"].rsplit("?t=", 1)[1] for r in links]
    wait_for_app(page)  # the download's rerun has ended: its stale copy of the links is no longer on the page
    expect(page.get_by_test_id("stCode")).to_contain_text(tokens[-1])
    assert sorted(rows(engine, select(PulseLink.token_hash, PulseLink.kind, PulseLink.used))) \
        == sorted((hash_token(t), "invite", False) for t in tokens)
    return tokens


def agents_answer(server, engine, tokens: list[str]) -> None:
    """Ten agents answer through their invites, each with a comment: one step of comments is released."""
    settings = load_settings(server.env)
    for number, token in enumerate(tokens):
        send_response(engine=engine, token=token, today=date.today(), steps=Thresholds.from_settings(settings),
                      sealer=Sealer.from_settings(settings),
                      answers={"morale": 3, "enps": 6, "tools": 2, "management_support": 3, "workload": 2,
                               "recovery_share": 30, "feedback_loop": 2,
                               "one_thing": f"Comment {number:02}: the night queue has no supervisor to escalate to."})
    assert rows(engine, select(func.count()).select_from(PulseResponse)) == [(10,)]


def reply_to_a_comment(page, wait_for_app, engine) -> None:
    open_page(page, wait_for_app, "Comments and replies")
    expect(page.get_by_role("combobox", name="Wave")).to_have_value(WAVE)
    expect(page.get_by_role("combobox", name="Team")).to_have_value("Night desk")
    first = "Comment 00: the night queue has no supervisor to escalate to."
    expect(page.get_by_text(first, exact=True)).to_be_visible()
    page.get_by_role("button", name="Reply (0 so far)").first.click()  # comments come in order: Comment 00's
    box = form_with(page, "Send reply").filter(visible=True).get_by_label(
        "Your reply (the agent sees it with their receipt code)")
    box.fill("A night supervisor joins the rota in March.")
    # The reply typed but not sent is kept as rita's draft, and a reload (F5) gives it back in the same box.
    draft = select(StaffDraft.body).where(StaffDraft.place.startswith("reply:"))
    eventually(page, engine, draft, [("A night supervisor joins the rota in March.",)])
    page.reload()
    wait_for_app(page)
    expect(page.get_by_text(first, exact=True)).to_be_visible()
    # Drawn open, not in a closed popover: the draft is seen without looking for it.
    form = form_with(page, "Send reply").filter(visible=True)
    expect(form.get_by_label("Your reply (the agent sees it with their receipt code)")).to_have_value(
        "A night supervisor joins the rota in March.")
    expect(form.get_by_text("Your unsent draft, kept from before (only you see it).")).to_be_visible()
    form.get_by_role("button", name="Send reply").dblclick()  # an impatient double click sends one reply
    # The first click's confirmation, or the second click's word that it sent nothing (when it reached the server).
    expect(page.get_by_text(re.compile(r"^(Reply sent: the agent reads it with their receipt code\.|The second "
                                       r"click sent nothing: the reply was sent once\.)$"))).to_be_visible()
    assert rows(engine, draft) == []  # sent: the draft is gone
    expect(page.get_by_role("button", name="Reply (1 so far)")).to_have_count(1)  # the page shows it at once
    replied = (select(PulseAnswer.value_text, PulseReply.author, PulseReply.body, PulseReply.created_on)
               .join(PulseAnswer, PulseAnswer.response_id == PulseReply.response_id)
               .where(PulseAnswer.value_text.is_not(None)))
    assert rows(engine, replied) == [(first, "rita", "A night supervisor joins the rota in March.", date.today())]


def record_an_action(page, wait_for_app, engine) -> None:
    open_page(page, wait_for_app, "Record actions")
    form = form_with(page, "Record action")
    theme = "Workload and staffing"  # no theme is chosen for the researcher
    wait_until_settled(page)  # a rerun that starts after the box opens closes its list
    page.get_by_role("combobox", name="Theme").click()
    page.get_by_role("option", name=theme, exact=True).click()
    wait_for_app(page)
    form.get_by_label("What will be done").fill("Put a supervisor on every night shift")
    form.get_by_label("Owner").fill("Head of operations")
    form.get_by_role("button", name="Record action").dblclick()  # an impatient double click records once
    expect(page.get_by_text(f"Action recorded against {theme} for all teams: 'Put a supervisor on every night shift', "
                            "owner Head of operations, not published yet.")).to_be_visible()
    expect(page.get_by_test_id("stDataFrame")).to_contain_text("Put a supervisor on every night shift")
    expect(form_with(page, "Record action").get_by_label("What will be done")).to_have_value("")
    assert rows(engine, select(Action.title, Action.owner, Action.created_by, Action.published)
                .where(Action.created_by == "rita")) \
        == [("Put a supervisor on every night shift", "Head of operations", "rita", False)]


def test_a_new_researcher_sets_up_a_study_and_a_wave_and_answers_agents(server, browser, engine, app_helpers):
    wait_for_app, sign_in = app_helpers
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(30_000)
    try:
        sign_in(page, server.url, "rita", PASSWORD)
        create_study_and_participants(page, wait_for_app, engine)
        create_wave(page, wait_for_app, engine)
        set_headcount_as_admin(browser, server, app_helpers, engine)
        tokens = download_links_twice(page, wait_for_app, engine)
        agents_answer(server, engine, tokens)
        reply_to_a_comment(page, wait_for_app, engine)
        record_an_action(page, wait_for_app, engine)
    except Exception:
        page.screenshot(path=str(server.artifacts / "researcher-journey-failure.png"), full_page=True)
        raise
    finally:
        context.close()
