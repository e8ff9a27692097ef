"""The admin's headcount form: only whole numbers are saved, a small team is saved with a warning, and a
refusal never stands under an old confirmation."""

from sqlalchemy import select

from research.store.engine import make_engine, session_scope
from research.store.models import AuditEvent, PulseSegment


def links_page(make_app):
    at = make_app("admin", "admin").run()
    at.switch_page("views/pulse_links.py").run()
    assert not at.exception
    return at


def set_people(at, typed):
    next(t for t in at.text_input if t.label == "People in this segment").input(typed)
    next(b for b in at.button if b.label == "Set headcount").click().run()
    assert not at.exception
    return at


def headcounts(app_db):
    """Every segment's headcount and every headcount audit row: what a refused form must leave as it was."""
    engine = make_engine(app_db)
    with session_scope(engine) as session:
        counts = (session.scalars(select(PulseSegment.headcount).order_by(PulseSegment.id)).all(),
                  session.scalars(select(AuditEvent.subject).where(AuditEvent.action == "headcount_set")).all())
    engine.dispose()
    return counts


def test_a_fraction_is_refused_with_its_reason_and_nothing_changes(make_app, app_db):
    at = links_page(make_app)
    segment = next(s for s in at.selectbox if s.label == "Segment").value
    before = headcounts(app_db)
    set_people(at, "3.5")
    assert [e.value.replace("\\", "") for e in at.error] == [
        "3.5 is not a whole number of people: a headcount counts people, so type a whole number (such as 3 or 4). "
        "Nothing changed."]
    assert not at.success and headcounts(app_db) == before
    assert next(s for s in at.selectbox if s.label == "Segment").value == segment


def test_a_team_below_the_threshold_is_saved_with_a_clear_note_and_a_later_refusal_hides_the_confirmation(
        make_app, app_db):
    at = links_page(make_app)
    segment = next(s for s in at.selectbox if s.label == "Segment")
    segment.select(segment.options[-1])  # the last segment: the demo's open wave has no links there
    set_people(at, "2")
    assert [s.value.replace("\\", "") for s in at.success] == [f"Headcount of {segment.options[-1]} set to 2."]
    capacity = at.dataframe[0].value.set_index("Segment")["Headcount"]
    assert capacity[segment.options[-1]] == "2" and set(capacity) <= {"not set"} | {f"{n:,}" for n in range(10**5)}
    assert len(at.warning) >= 1 and any(
        "fewer than 5 people" in w.value and "will never be shown on their own" in w.value for w in at.warning)
    assert next(t for t in at.text_input if t.label == "People in this segment").value == ""  # the form is clear
    set_people(at, "0")  # out of range, moments later
    assert at.error[0].value.replace("\\", "").startswith("A headcount is a whole number of people from 1 to 100,000")
    assert not at.success and not any("fewer than 5 people" in w.value for w in at.warning)
    assert headcounts(app_db)[1][-1].endswith(": 2")  # the 2 was saved and audited; the 0 changed nothing
