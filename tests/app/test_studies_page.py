"""The studies page tells the truth after each write: confirms it, shows it, and starts the form empty."""

import re

from sqlalchemy import func, select

from research.store.engine import make_engine, session_scope
from research.store.models import Participant, Study


def count(app_db, query):
    engine = make_engine(app_db)
    with session_scope(engine) as session:
        value = session.scalar(query)
    engine.dispose()
    return value


def shown(markdown: str) -> str:
    """What a reader sees of escaped Markdown: the text without its backslash escapes."""
    return re.sub(r"\\(.)", r"\1", markdown)


def button(at, label):
    return next(b for b in at.button if b.label == label)


def text_input(at, label):
    return next(t for t in at.text_input if t.label == label)


def test_a_new_study_is_confirmed_selected_and_the_form_cleared(make_app, app_db):
    at = make_app("researcher", "researcher").run()
    at.switch_page("views/studies.py").run()
    text_input(at, "Title").input("Night shift interviews")
    button(at, "Create study").click().run()
    assert not at.exception and not at.error
    assert "Created the study 'Night shift interviews'" in shown(at.success[0].value)
    assert at.selectbox(key="study_picker").value == "Night shift interviews"
    assert text_input(at, "Title").value == ""
    assert "Night shift interviews" in at.dataframe[0].value.to_string()
    assert count(app_db, select(func.count()).select_from(Study).where(Study.title == "Night shift interviews")) == 1


def test_an_added_participant_shows_at_once_and_the_form_starts_empty(make_app, app_db):
    participants = select(func.count()).select_from(Participant)
    before = count(app_db, participants)
    at = make_app("researcher", "researcher").run()
    at.switch_page("views/studies.py").run()
    people = next(d for d in at.dataframe if "code" in d.value.columns)
    assert f"P{before + 1:02d}" not in set(people.value["code"])
    text_input(at, "Industry").input("energy")
    text_input(at, "Role").input("night agent")
    next(c for c in at.checkbox if c.label == "Consent given").check()
    text_input(at, "Custom attributes (name=value; name=value)").input("shift=night")
    button(at, "Add participant").click().run()
    assert not at.exception and not at.error
    code = f"P{before + 1:02d}"
    assert at.success[0].value == f"Added {code} with consent recorded."
    assert count(app_db, participants) == before + 1
    # The table shows the new participant now, not one addition later.
    assert code in set(next(d for d in at.dataframe if "code" in d.value.columns).value["code"])
    # Nothing of the last participant is carried into the next one, consent least of all.
    assert text_input(at, "Industry").value == "" and text_input(at, "Role").value == ""
    assert not next(c for c in at.checkbox if c.label == "Consent given").value

    text_input(at, "Custom attributes (name=value; name=value)").input("evening")
    button(at, "Add participant").click().run()
    assert "'evening' is not name=value" in shown(at.error[0].value)
    assert count(app_db, participants) == before + 1


def test_the_guide_grid_saves_from_its_form_and_confirms(make_app, app_db):
    at = make_app("researcher", "researcher").run()
    at.switch_page("views/studies.py").run()
    guide = next(d for d in at.dataframe if "Question" in d.value.columns).value
    button(at, "Save guide").click().run()
    assert not at.error
    assert at.success[0].value == f"Guide saved with {len(guide)} questions."
