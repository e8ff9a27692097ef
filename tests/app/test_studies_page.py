"""The studies page tells the truth after each write: confirms it, shows it, and starts the form empty."""

import re

from sqlalchemy import func, select

from research.accounts.drafts import keep_text, kept_texts
from research.store.engine import make_engine, session_scope
from research.store.models import GuideQuestion, Participant, Study


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
    at.text_input(key="add_participant_industry").input("energy")
    at.text_input(key="add_participant_role").input("night agent")
    at.checkbox(key="add_participant_consent").check()
    at.text_input(key="add_participant_custom").input("shift=night")
    button(at, "Add participant").click().run()
    assert not at.exception and not at.error
    code = f"P{before + 1:02d}"
    assert at.success[0].value == f"Added {code} with consent recorded."
    assert count(app_db, participants) == before + 1
    # The table shows the new participant now, not one addition later.
    assert code in set(next(d for d in at.dataframe if "code" in d.value.columns).value["code"])
    # Nothing of the last participant is carried into the next one, consent least of all.
    assert at.text_input(key="add_participant__1_industry").value == ""
    assert at.text_input(key="add_participant__1_role").value == ""
    assert not at.checkbox(key="add_participant__1_consent").value

    at.text_input(key="add_participant__1_custom").input("evening")
    button(at, "Add participant").click().run()
    assert "'evening' is not name=value" in shown(at.error[0].value)
    assert count(app_db, participants) == before + 1


def guide_rows(app_db, title: str) -> list[tuple]:
    engine = make_engine(app_db)
    with session_scope(engine) as session:
        found = session.execute(select(GuideQuestion.id, GuideQuestion.text, GuideQuestion.probes).join(Study)
                                .where(Study.title == title).order_by(GuideQuestion.position)).all()
    engine.dispose()
    return [tuple(r) for r in found]


def drafts(app_db, username: str) -> dict[str, str]:
    engine = make_engine(app_db)
    with session_scope(engine) as session:
        kept = kept_texts(session=session, username=username, prefix="")
    engine.dispose()
    return kept


def keep(app_db, username: str, place: str, body: str) -> None:
    engine = make_engine(app_db)
    with session_scope(engine) as session:
        keep_text(session=session, username=username, place=place, body=body, keep_empty=True)
    engine.dispose()


def test_a_guide_box_emptied_before_a_reload_comes_back_empty_not_with_the_saved_guide(make_app, app_db):
    at = make_app("researcher", "researcher").run()
    at.switch_page("views/studies.py").run()
    box = next(t for t in at.text_area if t.label == "Guide")
    assert box.value  # the saved guide
    keep(app_db, "researcher", f"guide:{int(box.key.split('_')[1])}:guide", "")  # what the keeper sends
    at = make_app("researcher", "researcher").run()
    at.switch_page("views/studies.py").run()
    assert next(t for t in at.text_area if t.label == "Guide").value == ""
    assert any("your unsent draft" in c.value for c in at.caption)


def test_the_guide_box_opens_on_the_kept_draft_refuses_a_bad_line_and_saves_with_notes_kept(make_app, app_db):
    at = make_app("researcher", "researcher").run()
    at.switch_page("views/studies.py").run()
    title = at.selectbox(key="study_picker").value
    before = guide_rows(app_db, title)
    box = next(t for t in at.text_area if t.label == "Guide")
    saved = box.value
    assert saved.splitlines() == [q + (" | " + "; ".join(p) if p else "") for _, q, p in before]

    # What was typed before a reload is kept server-side; the page opens the box on it, exactly as typed.
    study_id = int(box.key.split("_")[1])
    typed = saved + "\n\n  What would you change first? |  Why that?;Who decides?  "
    keep(app_db, "researcher", f"guide:{study_id}:guide", typed)
    at = make_app("researcher", "researcher").run()
    at.switch_page("views/studies.py").run()
    box = next(t for t in at.text_area if t.label == "Guide")
    assert box.value == typed
    assert any("your unsent draft" in c.value for c in at.caption)

    first = saved.splitlines()[0].split(" | ")[0]
    box.input(typed + "\n" + first.upper())
    button(at, "Save guide").click().run()
    lines = len((typed + "\n").splitlines()) + 1
    assert f"Line {lines} asks the question of line 1 again" in shown(at.error[0].value)
    assert guide_rows(app_db, title) == before  # nothing changed
    assert next(t for t in at.text_area if t.label == "Guide").value == typed + "\n" + first.upper()  # still there

    next(t for t in at.text_area if t.label == "Guide").input(typed)
    button(at, "Save guide").click().run()
    assert not at.error
    assert at.success[0].value == f"Guide saved with {len(before) + 1} questions."
    after = guide_rows(app_db, title)
    assert after[:-1] == before  # the same rows, so notes taken against them stay attached
    assert after[-1][1:] == ("What would you change first?", ["Why that?", "Who decides?"])
    assert f"guide:{study_id}:guide" not in drafts(app_db, "researcher")  # saved: the draft is gone
    assert next(t for t in at.text_area if t.label == "Guide").value \
        == saved + "\nWhat would you change first? | Why that?; Who decides?"


def test_one_participant_is_edited_in_kept_boxes_and_the_save_names_what_changed(make_app, app_db):
    at = make_app("researcher", "researcher").run()
    at.switch_page("views/studies.py").run()
    picker = at.selectbox(key="edit_participant")
    picker.select("P02").run()
    code_id = count(app_db, select(Participant.id).join(Study).where(
        Study.title == at.selectbox(key="study_picker").value, Participant.code == "P02"))
    keep(app_db, "researcher", f"participant:{code_id}:role", "Night shift lead")  # typed before a reload
    at = make_app("researcher", "researcher").run()
    at.switch_page("views/studies.py").run()
    at.selectbox(key="edit_participant").select("P02").run()
    form = f"person_{code_id}"
    assert at.text_input(key=f"{form}_role").value == "Night shift lead"
    at.text_input(key=f"{form}_tenure_band").input("x" * 40)
    button(at, "Save P02").click().run()
    assert "Tenure band is 40 characters; at most 32" in shown(at.error[0].value)
    assert at.text_input(key=f"{form}_role").value == "Night shift lead"  # kept for the user to fix

    at.text_input(key=f"{form}_tenure_band").input("2-5 years")
    at.selectbox(key=f"{form}_channel").select("store")
    button(at, "Save P02").click().run()
    assert not at.error
    assert shown(at.success[0].value) == "Saved P02: role, tenure band, channel."
    row = count(app_db, select(Participant.role + "|" + Participant.tenure_band + "|" + Participant.channel)
                .where(Participant.id == code_id))
    assert row == "Night shift lead|2-5 years|store"
    assert not [p for p in drafts(app_db, "researcher") if p.startswith(f"participant:{code_id}:")]
    assert at.text_input(key=f"{form}__1_role").value == "Night shift lead"  # a fresh form, on the saved values
    assert at.selectbox(key="edit_participant").value == "P02"


def test_a_custom_attribute_added_is_filled_in_for_one_participant_in_the_edit_form(make_app, app_db):
    at = make_app("researcher", "researcher").run()
    at.switch_page("views/studies.py").run()
    at.text_input(key="add_attribute_name").input("*shift*")
    button(at, "Add attribute").click().run()
    assert shown(at.success[0].value) == "Added '*shift*': fill it in for each participant under Edit participant."
    at.selectbox(key="edit_participant").select("P03").run()
    box = next(t for t in at.text_input if t.label == r"\*shift\*")  # typed names are shown as typed
    assert box.value == ""
    box.input("night")
    button(at, "Save P03").click().run()
    assert shown(at.success[0].value) == "Saved P03: *shift*."
    study = at.selectbox(key="study_picker").value
    engine = make_engine(app_db)
    with session_scope(engine) as session:
        kept = session.scalar(select(Participant.attributes).join(Study)
                              .where(Study.title == study, Participant.code == "P03"))
    engine.dispose()
    assert kept == {"*shift*": "night"}


def test_a_new_study_typed_before_a_reload_opens_its_folded_section_on_the_draft(make_app, app_db):
    at = make_app("researcher", "researcher").run()
    at.switch_page("views/studies.py").run()
    create = next(e for e in at.expander if e.label == "Create a study")
    assert not create.proto.expanded  # the demo has a study: the section starts folded
    keep(app_db, "researcher", "study:new:title", "Night shift interviews")
    at = make_app("researcher", "researcher").run()
    at.switch_page("views/studies.py").run()
    assert next(e for e in at.expander if e.label == "Create a study").proto.expanded
    assert next(t for t in at.text_input if t.label == "Title").value == "Night shift interviews"


def test_the_channel_choice_names_its_empty_option_and_lists_it_once(make_app):
    """A blank first option and a second blank row at the end read as a broken list (an outside walk)."""
    at = make_app("researcher", "researcher").run()
    at.switch_page("views/studies.py").run()
    choices = [s for s in at.selectbox if s.label == "Channel"]
    assert len(choices) == 2  # adding a participant, and editing the one shown
    for channel in choices:
        assert channel.options.count("not recorded") == 1 and "" not in channel.options
