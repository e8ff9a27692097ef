"""The interview pages, run through AppTest on the seeded demo study."""

from sqlalchemy import func, select

from research.store.engine import make_engine, session_scope
from research.store.models import Code, ExcerptCode, Interview, InterviewNote, Memo, NoteRevision, Participant


def count(app_db, query):
    engine = make_engine(app_db)
    with session_scope(engine) as session:
        value = session.scalar(query)
    engine.dispose()
    return value


def test_researcher_codes_an_excerpt_and_sees_it_counted(make_app, app_db):
    pay = select(func.count()).select_from(ExcerptCode).join(Code).where(Code.key == "pay")
    assert count(app_db, pay) == 0
    at = make_app("researcher", "researcher").run()
    at.switch_page("views/coding.py").run()
    assert not at.exception
    sentences, codes = at.multiselect[0], at.multiselect[1]
    sentences.select(0)
    codes.select("pay")
    chosen = sentences.options[0]
    at.button[0].click().run()
    assert not at.error
    assert at.success[0].value.startswith("Coded 1 excerpt as Pay in P01")
    assert count(app_db, pay) == 1
    # The form is clear for the next excerpt: nothing of the last one carries over.
    assert at.multiselect[0].value == [] and at.multiselect[1].value == []
    assert chosen  # the sentence offered was real text

    at.switch_page("views/interview_analysis.py").run()
    assert not at.exception
    frequencies = at.table[0].value  # tables of typed text have no unaudited toolbar download
    assert frequencies["Pay"].sum() == 1  # the new code now counts for one participant
    quotes = at.selectbox(key="quotes_code")
    quotes.select("pay").run()
    assert len(at.table[2].value) == 1


def test_leaving_a_suggested_sentence_uncoded_says_so(make_app):
    """An outside walk took "no code fits (other)" and the sentence vanished with no word, unlike an Accept. The
    suggestion is the one the page keeps after "Suggest codes" (the model's own run is the browser test's)."""
    from research.analysis.suggestions import Suggestion

    at = make_app("researcher", "researcher").run()
    at.switch_page("views/coding.py").run()
    note_id = next(b.key for b in at.button if (b.key or "").startswith("suggest_")).removeprefix("suggest_")
    text = "Anything else on your mind."
    at.session_state[f"suggestions_{note_id}"] = [Suggestion(0, len(text), text, "other", 0.19)]
    at.run()
    assert any(c.value.replace("\\", "").startswith("Suggested, but unsure: no code fits (other) (19% sure)")
               for c in at.caption)
    leave = next(b for b in at.button if b.label == "Leave uncoded")  # not "Accept": nothing is coded
    leave.click().run()
    assert not at.exception
    assert any(i.value.replace("\\", "") == f"Left '{text}' uncoded: it is not suggested again on this visit."
               for i in at.info), [i.value for i in at.info]
    assert not any(b.label == "Leave uncoded" for b in at.button)


def _second_interview_for_p01(app_db) -> int:
    """P01 of the demo study interviewed again, with one answer; returns the new interview's id."""
    from datetime import date

    from interviews.notes import save_note, start_interview
    from research.store.models import Interview, Participant

    engine = make_engine(app_db)
    with session_scope(engine) as session:
        first = session.scalars(select(Interview).join(Participant).where(Participant.code == "P01")).one()
        second = start_interview(session=session, study_id=first.study_id, participant_id=first.participant_id,
                                 interviewer="researcher", held_on=date(2026, 11, 20))
        save_note(session=session, interview_id=second.id, editor="researcher",
                  body="The second talk. The rota tool double-books my breaks.")
        new_id = second.id
    engine.dispose()
    return new_id


def test_coding_in_the_second_interview_of_a_participant_stores_it_there(make_app, app_db):
    from research.store.models import Excerpt

    second = _second_interview_for_p01(app_db)
    at = make_app("researcher", "researcher").run()
    at.switch_page("views/coding.py").run()
    picker = at.selectbox(key="coding_interview_1")
    p01 = [o for o in picker.options if o.startswith("P01 ")]
    assert p01 == ["P01 · 2026-10-05 · interview 1 of 2 · retail · agent",
                   "P01 · 2026-11-20 · interview 2 of 2 · retail · agent"]
    picker.select(p01[1]).run()
    assert at.text[0].value == "The second talk. The rota tool double-books my breaks."
    at.multiselect[0].select(1)
    at.multiselect[1].select("tools")
    at.button[0].click().run()
    assert not at.error
    assert "interview 2 of 2" in at.success[0].value
    assert at.selectbox(key="coding_interview_1").value == p01[1]  # still the interview that was coded
    stored = select(Excerpt.text).join(InterviewNote).where(InterviewNote.interview_id == second)
    assert count(app_db, stored) == "The rota tool double-books my breaks."


def test_coding_without_a_choice_says_why_and_stores_nothing(make_app, app_db):
    from research.store.models import Excerpt

    excerpts = select(func.count()).select_from(Excerpt)
    before = count(app_db, excerpts)
    at = make_app("researcher", "researcher").run()
    at.switch_page("views/coding.py").run()
    at.multiselect[1].select("tools")
    at.button[0].click().run()
    assert "Choose sentences" in at.error[0].value
    assert at.multiselect[1].value == ["tools"]  # a refused form keeps what was chosen
    assert count(app_db, excerpts) == before


def test_a_note_autosaves_pseudonymised_and_keeps_history(make_app, app_db):
    at = make_app("researcher", "researcher").run()
    at.switch_page("views/interview_notes.py").run()
    assert not at.exception
    box = at.text_area[0]
    box.input("My supervisor Janet keeps the CRM login for herself, call me on 07700 900123.").run()
    assert at.text_area[0].value == "My supervisor [name] keeps the CRM login for herself, call me on [phone]."
    assert any("Replaced before saving" in c.value and "Janet" in c.value for c in at.caption)
    stored = select(InterviewNote.body).where(InterviewNote.body.like("%keeps the CRM login%"))
    assert count(app_db, stored) == "My supervisor [name] keeps the CRM login for herself, call me on [phone]."
    assert count(app_db, select(func.count()).select_from(NoteRevision).where(NoteRevision.body.like("%Janet%"))) == 0


def test_a_saved_note_shows_back_exactly_after_navigating_away_and_after_a_reload(make_app, app_db):
    at = make_app("researcher", "researcher").run()
    at.switch_page("views/interview_notes.py").run()
    picker = at.selectbox(key="interview_picker_1")
    chosen = picker.options[2]
    picker.select(chosen).run()
    first, second = at.text_area[0], at.text_area[1]
    saved_second = second.value
    first.input("The queue screen freezes twice a shift.").run()
    at.text_area[1].input(saved_second + " And the headset drops calls.").run()
    assert not at.error

    at.switch_page("views/coding.py").run()
    at.switch_page("views/interview_notes.py").run()
    assert at.selectbox(key="interview_picker_1").value == chosen  # the interview left open
    assert at.text_area[0].value == "The queue screen freezes twice a shift."
    assert at.text_area[1].value == saved_second + " And the headset drops calls."

    reloaded = make_app("researcher", "researcher").run()  # a new browser session reads the database
    reloaded.switch_page("views/interview_notes.py").run()
    reloaded.selectbox(key="interview_picker_1").select(chosen).run()
    assert reloaded.text_area[0].value == "The queue screen freezes twice a shift."
    assert reloaded.text_area[1].value == saved_second + " And the headset drops calls."


def test_importing_a_transcript_previews_then_saves(make_app, app_db):
    at = make_app("researcher", "researcher").run()
    at.switch_page("views/interview_import.py").run()
    assert not at.exception
    # AppTest cannot upload files; the import library and parser have their own tests. The page opens with
    # every tab and refuses nothing before a file is chosen.
    assert [t.label for t in at.tabs] == ["Transcript (.txt, .md, .docx)", "Spreadsheet (.csv)",
                                         "REFI-QDA project (.qdpx)"]
    assert not at.error


def test_codebook_page_adds_a_code_clears_the_form_and_refuses_a_duplicate(make_app, app_db):
    at = make_app("researcher", "researcher").run()
    at.switch_page("views/codebook.py").run()
    assert not at.exception
    at.text_input(key="add_code_name").input("Parking")
    at.text_area(key="add_code_description").input("No parking spaces near the site.")
    next(b for b in at.button if b.label == "Add code").click().run()
    assert at.success[0].value.startswith("Added 'Parking': it is in the table above")
    assert count(app_db, select(func.count()).select_from(Code).where(Code.name == "Parking")) == 1
    assert "Parking" in at.table[0].value["Name"].tolist()  # the table above already shows it
    assert at.text_input(key="add_code__1_name").value == ""  # a fresh form for the next code

    at.text_input(key="add_code__1_name").input("Parking")
    next(b for b in at.button if b.label == "Add code").click().run()
    assert "already a code called 'Parking'" in at.error[0].value.replace("\\", "")  # escaped for Markdown
    assert at.text_input(key="add_code__1_name").value == "Parking"  # kept for the user to change
    assert count(app_db, select(func.count()).select_from(Code).where(Code.name == "Parking")) == 1


def test_codebook_edit_confirms_and_shows_the_new_wording(make_app, app_db):
    at = make_app("researcher", "researcher").run()
    at.switch_page("views/codebook.py").run()
    chosen = at.selectbox(key="codebook_edit").value
    description = next(t for t in at.text_area if t.label == "Description" and t.key.startswith(f"edit_{chosen}"))
    description.input("Screens that freeze, logins that expire mid-call.")
    next(b for b in at.button if b.label == "Save code").click().run()
    assert not at.exception
    assert at.success[0].value.startswith("Saved '")
    shown = at.table[0].value.set_index("Key").loc[chosen, "Description"].replace("\\", "")  # Markdown-escaped
    assert shown == "Screens that freeze, logins that expire mid-call."


def _in_page_order(node):
    yield node
    for _, child in sorted(getattr(node, "children", {}).items()):
        yield from _in_page_order(child)


def test_deleting_a_code_asks_for_a_tick_first_and_then_deletes_it(make_app, app_db):
    at = make_app("researcher", "researcher").run()
    at.switch_page("views/codebook.py").run()
    at.text_input(key="add_code_name").input("Parking")
    next(b for b in at.button if b.label == "Add code").click().run()
    key = at.table[0].value.set_index("Name").loc["Parking", "Key"]
    at.selectbox(key="codebook_edit").set_value(key).run()
    read = [getattr(node, "label", None) for node in _in_page_order(at.main)]
    assert read.index("Yes, delete this code") < read.index("Delete code")  # the tick is read before the button
    next(b for b in at.button if b.label == "Delete code").click().run()
    assert "tick 'Yes, delete this code' too. Nothing was changed." in at.error[0].value
    assert count(app_db, select(func.count()).select_from(Code).where(Code.name == "Parking")) == 1

    next(c for c in at.checkbox if c.label == "Yes, delete this code").check()
    next(b for b in at.button if b.label == "Delete code").click().run()
    assert not at.error
    assert at.success[0].value == "Deleted 'Parking'."
    assert count(app_db, select(func.count()).select_from(Code).where(Code.name == "Parking")) == 0


def test_a_participant_withdraws_from_the_studies_page_after_typing_their_code(make_app, app_db):
    from research.store.models import Interview, Participant

    p01 = select(func.count()).select_from(Interview).join(Participant).where(Participant.code == "P01")
    before = count(app_db, p01)
    assert before >= 1
    at = make_app("researcher", "researcher").run()
    at.switch_page("views/studies.py").run()
    leaving = next(s for s in at.selectbox if s.label == "Participant")
    leaving.select("P01")
    next(t for t in at.text_input if t.label == "Type their code again to confirm").input("P02")
    next(b for b in at.button if b.label == "Erase their data").click().run()
    assert "nothing was erased" in at.error[0].value
    assert count(app_db, p01) == before

    next(t for t in at.text_input if t.label == "Type their code again to confirm").input("p01")
    next(b for b in at.button if b.label == "Erase their data").click().run()
    assert not at.exception
    assert at.success[0].value == "P01 withdrew: their data is erased."
    assert count(app_db, p01) == 0
    at.switch_page("views/studies.py").run()
    assert "P01" not in next(s for s in at.selectbox if s.label == "Participant").options
    assert "P01" not in at.selectbox(key="edit_participant").options  # nothing of theirs is left to edit
    assert not at.error


def test_a_choice_made_on_another_answer_than_the_one_shown_is_refused_aloud(make_app, app_db):
    from research.store.models import Excerpt

    excerpts = select(func.count()).select_from(Excerpt)
    before = count(app_db, excerpts)
    at = make_app("researcher", "researcher").run()
    at.switch_page("views/coding.py").run()
    at.multiselect[0].select(0)
    at.multiselect[1].select("tools")
    at.session_state["coding_form_note"] = -1  # the form was drawn for another answer than the one now shown
    at.button[0].click().run()
    assert "changed before your choice arrived" in at.error[0].value
    assert count(app_db, excerpts) == before


def test_a_transcript_is_imported_only_for_the_participant_chosen(make_app, app_db):
    """No participant is chosen for the researcher: pressing import without one says so, stores nothing, and keeps
    the file and its preview for the choice."""
    transcript = b"Q: What breaks?\nA: The rota tool loses my swaps.\n"
    notes = select(func.count()).select_from(InterviewNote).where(InterviewNote.body.like("%loses my swaps%"))
    at = make_app("researcher", "researcher").run()
    at.switch_page("views/interview_import.py").run()
    assert next(s for s in at.selectbox if s.label == "Participant").value is None
    at.file_uploader(key="import_transcript").set_value(("p03.txt", transcript, "text/plain")).run()
    next(b for b in at.button if b.label == "Import this transcript").click().run()
    assert [e.value for e in at.error] == [
        "Choose the participant this transcript is from, above: nothing was imported."]
    assert count(app_db, notes) == 0
    assert at.file_uploader(key="import_transcript").value is not None
    participant = next(s for s in at.selectbox if s.label == "Participant")
    chosen = participant.options[2]
    participant.select(chosen).run()
    next(b for b in at.button if b.label == "Import this transcript").click().run()
    assert at.success[0].value.startswith("Imported 1 answer(s) into 1 interview(s)")
    stored = (select(Participant.code).join(Interview, Interview.participant_id == Participant.id)
              .join(InterviewNote).where(InterviewNote.body.like("%loses my swaps%")))
    assert count(app_db, stored) == chosen.split(" ")[0]

    # The same file for another participant is stored, with a warning that one of the two is misfiled.
    participant = next(s for s in at.selectbox if s.label == "Participant")
    participant.select(participant.options[3]).run()
    at.file_uploader(key="import_transcript__1").set_value(("p03.txt", transcript, "text/plain")).run()
    next(b for b in at.button if b.label == "Import this transcript").click().run()
    warnings = [w.value.replace("\\", "") for w in at.warning]
    assert len(warnings) == 1 and warnings[0].startswith(f"The same answers are also stored as {chosen.split()[0]} · ")
    assert warnings[0].endswith("one of the two is probably filed under the wrong participant.")


def test_importing_the_same_transcript_twice_stores_it_once_and_says_so(make_app, app_db):
    transcript = b"Q: What breaks?\nA: The billing tool freezes when the queue is long.\n"
    notes = select(func.count()).select_from(InterviewNote).where(InterviewNote.body.like("%queue is long%"))
    at = make_app("researcher", "researcher").run()
    at.switch_page("views/interview_import.py").run()
    for attempt in range(2):
        # chosen again each time: after an import the choice is cleared, so a next file never goes to it unasked
        assert next(s for s in at.selectbox if s.label == "Participant").value is None
        next(s for s in at.selectbox if s.label == "Participant").select_index(0).run()
        at.file_uploader(key=f"import_transcript{'__1' if attempt else ''}").set_value(
            ("p01.txt", transcript, "text/plain")).run()
        [b for b in at.button if b.label == "Import this transcript"][0].click().run()
        assert not at.exception and not at.error
        # After each import the form is empty again: no preview, no import button to press twice.
        assert not [b for b in at.button if b.label == "Import this transcript"]
        assert at.file_uploader(key=f"import_transcript__{attempt + 1}").value is None
        if not attempt:
            assert at.success[0].value.replace("\\", "").startswith("Imported 1 answer(s) into 1 interview(s) (P01 ")
    assert not at.success
    assert "Already imported" in at.info[0].value and "Nothing was stored again" in at.info[0].value
    assert count(app_db, notes) == 1


def test_a_researcher_changes_the_codes_of_their_own_excerpt(make_app, app_db):
    from research.store.models import Excerpt

    at = make_app("researcher", "researcher").run()
    at.switch_page("views/coding.py").run()
    at.multiselect[0].select(0)
    at.multiselect[1].select("pay")
    at.button[0].click().run()
    picker = next(s for s in at.selectbox if s.label == "Excerpt")
    mine = next(o for o in picker.options if o.endswith(" (researcher)"))
    picker.select(mine).run()
    recode = next(m for m in at.multiselect if m.label == "Codes of this excerpt")
    assert "pay" in recode.value  # the form opens on the codes the excerpt carries
    for key in list(recode.value):
        recode.unselect(key)
    recode.select("tools")
    next(b for b in at.button if b.label == "Save codes").click().run()
    assert not at.error
    prefix = mine.rsplit(" (", 1)[0]
    said = at.success[0].value.replace("\\", "")
    assert said.startswith(f"The excerpt '{prefix[:40]}") and said.endswith(" …' now carries Tools and systems.")
    # The picker still names the excerpt just recoded, and the form below edits that same excerpt.
    assert next(s for s in at.selectbox if s.label == "Excerpt").value == mine
    assert next(m for m in at.multiselect if m.label == "Codes of this excerpt").value == ["tools"]
    from research.store.models import Interview, Participant

    keys = (select(Code.key).select_from(Excerpt).join(Excerpt.codes).join(InterviewNote).join(Interview)
            .join(Participant).where(Participant.code == "P01", Excerpt.coder == "researcher",
                                     Excerpt.text.startswith(prefix)))
    engine = make_engine(app_db)
    with session_scope(engine) as session:
        assert list(session.scalars(keys)) == ["tools"]
    engine.dispose()


def test_agreement_tab_shows_human_headers_and_rounded_figures(make_app, app_db):
    import re

    def shown(cell) -> str:
        return re.sub(r"\\(.)", r"\1", str(cell))  # what a reader sees of an escaped Markdown cell

    at = make_app("researcher", "researcher").run()
    at.switch_page("views/interview_analysis.py").run()
    assert not at.exception
    tables = [t.value.rename(columns=shown).map(shown) for t in at.table]
    table = next(t for t in tables if "Cohen's kappa" in t.columns)
    assert {"Code", "Segments", "Both coded", "Only researcher", "Only researcher-b", "Agreement", "Note"} <= set(
        table.columns)
    assert not {"only_a", "only_b", "percent_agreement", "kappa"} & set(table.columns)
    assert all(k == "n/a" or re.fullmatch(r"-?\d\.\d\d", k) for k in table["Cohen's kappa"])
    assert all(re.fullmatch(r"\d+ %", a) for a in table["Agreement"])
    assert "None" not in table.to_numpy()
    assert any(m.label == "Cohen's kappa (codes either used)" for m in at.metric)
    # Every researcher beside the model, at one click, in the same table as the two researchers.
    next(b for b in at.button if b.label == "Compare every researcher with the model").click().run()
    assert not at.exception and not at.error
    versus = next(t for t in (t.value.rename(columns=shown).map(shown) for t in at.table)
                  if "researcher and the model" in t.columns)
    assert list(versus.columns) == ["Code", "researcher and researcher-b", "researcher and the model",
                                    "researcher-b and the model"]
    assert versus["Code"].iloc[0] == "All codes either used" and "Tools and systems" in set(versus["Code"])
    note = r"( \((.+ never gave it)?(; )?(from only \d coded sentences?)?\))?"
    assert all(k == "n/a" or re.fullmatch(r"-?\d\.\d\d" + note, k)
               for k in versus.drop(columns="Code").to_numpy().ravel())
    assert (versus.drop(columns="Code") != "n/a").to_numpy().any()


def test_pasted_words_kept_as_a_draft_come_back_in_the_coding_form_and_go_once_coded(make_app, app_db):
    from research.accounts.drafts import keep_text
    from research.store.staff_drafts import StaffDraft

    at = make_app("researcher", "researcher").run()
    at.switch_page("views/coding.py").run()
    words = next(box for box in at.text_input if box.label.startswith("…or paste"))
    note_id = int(words.key.rsplit("_", 1)[1])
    engine = make_engine(app_db)
    with session_scope(engine) as session:
        body = session.get(InterviewNote, note_id).body
        quote = body.split(".")[0].strip()
        keep_text(session=session, username="researcher", place=f"coding:words_{note_id}", body=quote)
    engine.dispose()

    at = make_app("researcher", "researcher").run()  # a reload: a new session, the draft read from the database
    at.switch_page("views/coding.py").run()
    words = next(box for box in at.text_input if box.label.startswith("…or paste"))
    assert words.value == quote
    assert any("your unsent draft, kept from before" in c.value for c in at.caption)
    at.multiselect[1].select("pay")
    at.button[0].click().run()
    assert not at.error and at.success[0].value.startswith("Coded 1 excerpt as Pay")
    assert count(app_db, select(func.count()).select_from(StaffDraft)) == 0


def test_a_reload_opens_the_interview_holding_the_newest_unsaved_draft(make_app, app_db):
    from interviews.drafts import keep_draft

    second = _second_interview_for_p01(app_db)
    engine = make_engine(app_db)
    with session_scope(engine) as session:
        keep_draft(session=session, username="researcher", interview_id=second, body="Typed, not yet saved.",
                   guide_question_id=None, label="")
    engine.dispose()
    at = make_app("researcher", "researcher").run()  # a new browser session, as after a reload
    at.switch_page("views/interview_notes.py").run()
    assert not at.exception
    assert "interview 2 of 2" in next(s for s in at.selectbox if s.label == "Interview").value
    assert any(box.value == "Typed, not yet saved." for box in at.text_area)


def test_starting_a_second_interview_names_it_by_its_number(make_app):
    at = make_app("researcher", "researcher").run()
    at.switch_page("views/interview_notes.py").run()
    next(b for b in at.button if b.label == "Start interview").click().run()  # P01, today: the first choices
    assert not at.exception and not at.error
    started = next(s.value for s in at.success if s.value.startswith("Started the interview"))
    assert started.startswith("Started the interview P01 · ") and "interview 2 of 2" in started
    # The date box starts on today, long after the demo study's week: the researcher is told, not stopped.
    slips = [w for w in (w.value.replace("\\", "") for w in at.warning) if "outside the study's dates" in w]
    assert len(slips) == 1 and "(05 October 2026 to 09 October 2026)" in slips[0]


def test_a_reload_codes_the_same_interview_and_answer(make_app):
    """The interview and answer chosen are kept in the address (as ids, never their labels or words), so a reload
    opens them again instead of the first interview's first answer."""
    at = make_app("researcher", "researcher").run()
    at.switch_page("views/coding.py").run()
    interview = at.selectbox(key=next(s.key for s in at.selectbox if s.label == "Interview"))
    interview.select(interview.options[1]).run()
    answer = next(s for s in at.selectbox if s.label == "Answer")
    answer.select(answer.options[-1]).run()
    chosen = (next(s for s in at.selectbox if s.label == "Interview").value,
              next(s for s in at.selectbox if s.label == "Answer").value)
    address = {name: at.query_params[name] for name in ("interview", "answer")}
    assert all(value[0].isdigit() for value in address.values())

    again = make_app("researcher", "researcher")  # a reload: a new session, opened at the same address
    for name, value in address.items():
        again.query_params[name] = value
    again.run()
    again.switch_page("views/coding.py")
    for name, value in address.items():
        again.query_params[name] = value
    again.run()
    assert (next(s for s in again.selectbox if s.label == "Interview").value,
            next(s for s in again.selectbox if s.label == "Answer").value) == chosen


def test_a_spreadsheet_s_columns_are_chosen_by_their_headers_and_a_wrong_file_imports_nothing(make_app, app_db):
    """An outside walk's "participant;question;answer" file had its questions stored as the notes: the columns
    were picked by their order. A pulse export, whose headers name no participant, imports nothing unasked."""
    data = b"participant;question;answer\nP01;What one thing would make your job easier?;A CRM that keeps up\n"
    answer = select(func.count()).select_from(InterviewNote).where(InterviewNote.body.like("%CRM that keeps up%"))
    notes = select(func.count()).select_from(InterviewNote)
    at = make_app("researcher", "researcher").run()
    at.switch_page("views/interview_import.py").run()
    at.file_uploader(key="import_csv").set_value(("notes.csv", data, "text/csv")).run()
    chosen = {key: at.selectbox(key=key).value for key in ("map_participant", "map_answer", "map_question")}
    assert chosen == {"map_participant": "participant", "map_answer": "answer", "map_question": "question"}
    next(b for b in at.button if b.label == "Import these rows").click().run()
    assert not at.exception and not at.error
    assert count(app_db, answer) == 1

    before = count(app_db, notes)
    pulse = b"team,wave,score\nBanking Support,3,4\nRetail Care,3,2\n"
    at.file_uploader(key="import_csv__1").set_value(("pulse.csv", pulse, "text/csv")).run()
    assert at.selectbox(key="map_participant").value is None and at.selectbox(key="map_answer").value is None
    assert not [b for b in at.button if b.label == "Import these rows"]
    at.selectbox(key="map_participant").set_value("team").run()
    at.selectbox(key="map_answer").set_value("wave").run()
    errors = [e.value.replace("\\", "") for e in at.error]
    assert errors[0].startswith('The column "wave" chosen for the answers holds only numbers')
    assert not [b for b in at.button if b.label == "Import these rows"]
    assert count(app_db, notes) == before


def test_a_memo_added_twice_is_refused_and_the_author_can_remove_one(make_app, app_db):
    """"Add memo" pressed twice kept two copies, and no memo could be taken back (an outside walk)."""
    at = make_app("researcher", "researcher").run()
    at.switch_page("views/interview_notes.py").run()
    for _ in range(2):
        next(t for t in at.text_area if t.label == "New memo").input("Ask IT about the 9am freeze")
        next(b for b in at.button if b.label == "Add memo").click().run()
    assert "You already wrote this memo here; nothing was added" in at.error[0].value
    memos = select(func.count()).select_from(Memo).where(Memo.body == "Ask IT about the 9am freeze")
    assert count(app_db, memos) == 1

    remove = next(s for s in at.selectbox if s.label == "Remove one of your memos")
    assert remove.options == ["Ask IT about the 9am freeze"]  # only this researcher's own memos
    remove.select_index(0)
    next(b for b in at.button if b.label == "Remove memo").click().run()
    assert "tick “Yes, remove this memo”; nothing was removed" in at.error[0].value and count(app_db, memos) == 1
    next(s for s in at.selectbox if s.label == "Remove one of your memos").select_index(0)
    next(c for c in at.checkbox if c.label == "Yes, remove this memo").check()
    next(b for b in at.button if b.label == "Remove memo").click().run()
    assert not at.error and count(app_db, memos) == 0
    assert any("Removed your memo “Ask IT about the 9am freeze”" in s.value for s in at.success)


def test_an_interview_erased_by_a_withdrawal_elsewhere_is_not_silently_swapped_for_another(make_app, app_db):
    """An outside walk's memo, typed on a withdrawn participant's open interview, went to another's."""
    from interviews.studies import withdraw_participant

    second = _second_interview_for_p01(app_db)
    at = make_app("researcher", "researcher").run()
    at.switch_page("views/interview_notes.py").run()
    picker = next(s for s in at.selectbox if s.label == "Interview")
    picker.select(next(o for o in picker.options if "interview 2 of 2" in o)).run()
    assert any(box.key and "memo" in box.key for box in at.text_area)
    engine = make_engine(app_db)
    with session_scope(engine) as session:
        participant = session.get(Interview, second).participant_id
        withdraw_participant(session=session, participant_id=participant, actor="admin")
    engine.dispose()
    at.run()
    assert any("The interview you had open is gone" in w.value for w in at.warning)
    assert not any(box.key and "memo" in box.key for box in at.text_area)  # nothing to type into elsewhere
    next(b for b in at.button if b.label == "Open the interview chosen above").click().run()
    assert not at.warning and any(box.key and "memo" in box.key for box in at.text_area)


def test_a_withdrawn_participant_is_not_offered_for_a_new_interview(make_app, app_db):
    from interviews.studies import withdraw_participant

    engine = make_engine(app_db)
    with session_scope(engine) as session:
        p01 = session.scalars(select(Participant).where(Participant.code == "P01")).one()
        withdraw_participant(session=session, participant_id=p01.id, actor="admin")
    engine.dispose()
    at = make_app("researcher", "researcher").run()
    at.switch_page("views/interview_notes.py").run()
    offered = next(s for s in at.selectbox if s.label == "Participant").options
    assert offered and not any(o.startswith("P01 ") for o in offered)


def test_a_stale_answer_or_interview_in_the_address_is_named_not_silently_replaced(make_app, app_db):
    """An outside walk followed an address whose answer was gone and coded the answer opened in its place."""
    at = make_app("researcher", "researcher")
    at.query_params["answer"] = "999999"
    at.query_params["interview"] = "999999"
    at.run()
    at.switch_page("views/coding.py").run()
    warned = [w.value for w in at.warning]
    assert any("names an interview this study does not have" in w for w in warned), warned
    assert any("names an answer this interview does not have" in w for w in warned), warned
    # Choosing another interview with the picker leaves the last one's answer in the address for a moment: that
    # is no stale link, and no warning (a CI run's browser saw it after switching interviews).
    picker = next(s for s in at.selectbox if s.label == "Interview")
    picker.select_index(1 if picker.index == 0 else 0).run()
    assert not any("names an answer" in w.value for w in at.warning), [w.value for w in at.warning]


def test_a_draft_kept_while_typing_is_not_offered_as_one_from_before_until_the_page_is_opened_again(make_app, app_db):
    from interviews.drafts import keep_draft

    at = make_app("researcher", "researcher").run()
    at.switch_page("views/interview_notes.py").run()
    box = next(b for b in at.text_area if b.key.split("_")[2] == "x")  # the free notes, under the guide's answers
    interview_id = int(box.key.split("_")[1])
    engine = make_engine(app_db)
    with session_scope(engine) as session:  # what the keeper does a moment after typing stops
        keep_draft(session=session, username="researcher", interview_id=interview_id, body="Half a thought",
                   guide_question_id=None, label="")
    engine.dispose()
    at.run()
    assert not any("kept from before" in c.value for c in at.caption)
    assert not [b for b in at.button if b.label == "Save this draft"]

    reloaded = make_app("researcher", "researcher").run()  # opened again: now it is a draft from before
    reloaded.switch_page("views/interview_notes.py").run()
    assert any(b.value == "Half a thought" for b in reloaded.text_area)
    assert any("kept from before" in c.value for c in reloaded.caption)
    assert [b for b in reloaded.button if b.label == "Save this draft"]


def test_a_workbook_in_the_spreadsheet_tab_is_named_and_imports_nothing(make_app, app_db):
    """A walk's .xlsx got the uploader's own "application/vnd.openxmlformats-... files are not allowed"."""
    notes = select(func.count()).select_from(InterviewNote)
    before = count(app_db, notes)
    at = make_app("researcher", "researcher").run()
    at.switch_page("views/interview_import.py").run()
    at.file_uploader(key="import_csv").set_value(("Interview notes.xlsx", b"PK\x03\x04 not parsed",
                                                  "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))
    at.run()
    assert not at.exception
    assert [e.value.replace("\\", "") for e in at.error] == [
        "Interview notes.xlsx is a spreadsheet workbook, and this tab reads CSV files: save the sheet as CSV (in "
        "Excel, File > Save As > CSV UTF-8; in LibreOffice or Google Sheets, as .csv) and upload that. Nothing was "
        "imported."]
    assert count(app_db, notes) == before
