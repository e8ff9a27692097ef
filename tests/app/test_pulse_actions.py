"""Published actions ("you said, we did") on the agent's pulse page, run through AppTest."""

from datetime import date, timedelta

import pytest
from pulse_builders import shown_receipt
from sqlalchemy import update

from research.findings.actions import create_action, published_actions
from research.pulse.links import create_links
from research.pulse.waves_admin import find_wave
from research.store.engine import make_engine, session_scope
from research.store.models import Action

OPEN_WAVE = "Pulse wave 4 (open now)"
PUBLISHED = "**Faster** CRM search <b>by March</b>"
HIDDEN = "Draft: review the late-shift rota"



@pytest.fixture
def invite_with_actions(app_db, invite):
    """An invite into the open demo wave, one published action and one not published."""
    engine = make_engine(app_db)
    with session_scope(engine) as session:
        create_action(session=session, theme="tools", title=PUBLISHED, owner="IT operations",
                      due_on=date.today() + timedelta(days=60), status="in progress", published=True,
                      created_by="exec-tester")
        create_action(session=session, theme="workload", title=HIDDEN, owner="Workforce planning", due_on=None,
                      created_by="exec-tester")
    engine.dispose()
    return invite



def texts(at):
    return [t.value for t in at.text]


def test_published_action_shows_before_the_questions_as_plain_text(invite_with_actions, open_pulse):
    at = open_pulse(invite_with_actions)
    assert not at.exception
    changed = next(e for e in at.expander if e.label == "What changed after earlier pulses")
    shown = [t.value for t in changed.text]
    due = date.today() + timedelta(days=60)
    assert f"Tools and systems: {PUBLISHED}\nIn progress, due {due:%d %B %Y}" in shown
    assert not any(HIDDEN in t for t in texts(at))
    assert not any("Faster" in m.value for m in at.markdown)  # never rendered as Markdown or HTML
    assert at.radio  # the questions still follow


def test_thank_you_screen_lists_published_actions_only(invite_with_actions, open_pulse):
    at = open_pulse(invite_with_actions)
    for radio in at.radio:
        radio.set_value(radio.options[1])
    at.text_input[0].input("60")
    at.text_area[0].input("the CRM search is slow")
    at.button[0].click().run()
    next(b for b in at.button if b.label == "Send anonymously").click().run()
    assert at.success[0].value.startswith("Thank you")
    assert len(shown_receipt(at)) == 17
    assert [h.value for h in at.subheader][1:2] == ["What management has done about what you said"]
    assert any(t.startswith(f"Tools and systems: {PUBLISHED}") for t in texts(at))
    assert not any(HIDDEN in t for t in texts(at))


def test_without_published_actions_there_is_no_empty_section(app_db, open_pulse):
    engine = make_engine(app_db)
    with session_scope(engine) as session:
        wave = find_wave(session=session, ref=OPEN_WAVE)
        wave.opens_on = date.today() - timedelta(days=1)
        token = create_links(session=session, segment=wave.segments[0])[0]
        session.execute(update(Action).values(published=False))  # the demo's own, withdrawn
        create_action(session=session, theme="workload", title=HIDDEN, owner="Workforce planning", due_on=None,
                      created_by="exec-tester")
        published = published_actions(session=session)
    engine.dispose()
    assert published == []
    at = open_pulse(token)
    assert not at.exception
    assert all(e.label != "What changed after earlier pulses" for e in at.expander)
    assert not any(HIDDEN in t for t in texts(at))
