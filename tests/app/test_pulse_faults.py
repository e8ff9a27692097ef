"""The pulse page while PostgreSQL restarts: the agent is told "not saved, try again" and keeps every answer."""

import pytest
from conftest import REPO
from pg_server import LocalPostgres
from pulse_builders import DEMO_OPEN_WAVE as OPEN_WAVE
from pulse_builders import demo_invite
from sqlalchemy import func, select
from streamlit.testing.v1 import AppTest

from research.demo import seed_demo
from research.pulse.waves_admin import find_wave
from research.store.engine import make_engine, session_scope
from research.store.models import PulseInbox, PulseResponse

APP = str(REPO / "app" / "main.py")


@pytest.fixture
def pg_app(pg_url, use_database):
    """The app on a PostgreSQL database holding the demo, and an invite into the open wave."""
    engine = make_engine(pg_url)
    with session_scope(engine) as session:
        seed_demo(session=session)
        token = demo_invite(session)
    use_database(pg_url)
    yield engine, token
    engine.dispose()


def responses(engine) -> int:
    """Stored submissions of the open wave: released, or waiting in the inbox for a full step."""
    with session_scope(engine) as session:
        wave = find_wave(session=session, ref=OPEN_WAVE)
        return sum(session.scalar(select(func.count()).select_from(table).where(table.wave_id == wave.id))
                   for table in (PulseResponse, PulseInbox))


def test_a_submission_while_the_database_is_down_is_not_saved_and_can_be_sent_again(pg_url, pg_app):
    engine, token = pg_app
    before = responses(engine)
    at = AppTest.from_file(APP, default_timeout=30)
    at.query_params["t"] = token
    at.run()
    at.switch_page("views/pulse.py").run()
    for radio in at.radio:
        radio.set_value(radio.options[1])
    at.text_input[0].input("70")
    at.text_area[0].input("the knowledge base search never finds the refund policy")
    at.button[0].click().run()
    send = next(b for b in at.button if b.label == "Send anonymously")

    server = LocalPostgres(pg_url)
    server.stop()
    try:
        send.click().run()
    finally:
        server.start()
    assert not at.exception
    assert at.error[0].value == ("Not saved: the survey cannot be reached just now. Your answers are kept on "
                                 "this page. Please try again in a minute.")
    assert responses(engine) == before  # nothing half-written

    # The answers are still there; sending again once the server is back stores them once.
    next(b for b in at.button if b.label == "Try again").click().run()
    assert "the knowledge base search never finds the refund policy" in [t.value for t in at.text]
    next(b for b in at.button if b.label == "Send anonymously").click().run()
    assert at.success[0].value.startswith("Thank you")
    assert responses(engine) == before + 1
