"""The agent's pulse page and the researcher's pulse pages, run through AppTest."""

import re
from datetime import date
from urllib.parse import parse_qs

import pytest
from pulse_builders import shown_receipt
from sqlalchemy import select
from streamlit.proto.LabelVisibility_pb2 import LabelVisibility

from frontline_ui.markdown import JOINER, plain
from research.pulse.waves_admin import find_wave
from research.store.engine import make_engine, session_scope
from research.store.models import PulseAnswer, PulseInbox, PulseReceipt, PulseResponse

OPEN_WAVE = "Pulse wave 4 (open now)"



def stored_texts(app_db):
    engine = make_engine(app_db)
    with session_scope(engine) as session:
        wave = find_wave(session=session, ref=OPEN_WAVE)
        texts = list(session.scalars(select(PulseAnswer.value_text).join(PulseResponse)
                                     .where(PulseResponse.wave_id == wave.id, PulseAnswer.value_text.is_not(None))))
    engine.dispose()
    return texts


def waiting_texts(app_db):
    """Free text confirmed and saved, waiting in the inbox for enough of the agent's team to answer."""
    from research.pulse.sealing import Sealer
    from research.settings import load_settings

    sealer = Sealer.from_settings(load_settings())  # the app's own key, in its data directory
    engine = make_engine(app_db)
    with session_scope(engine) as session:
        rows = list(session.scalars(select(PulseInbox)))
    engine.dispose()
    assert all(set(row.payload) == {"sealed"} for row in rows)  # nothing readable in the database
    return [t for row in rows for t in sealer.open(row.payload)["texts"].values()]


def answer_all(at, text):
    for radio in at.radio:
        radio.set_value(radio.options[-2] if len(radio.options) > 5 else radio.options[1])
    at.text_input[0].input("60")
    at.text_area[0].input(text)


def test_agent_answers_reviews_redaction_and_gets_a_receipt(invite, app_db, open_pulse):
    at = open_pulse(invite)
    assert not at.exception
    promise = at.info[0].value
    assert "anonymous" in promise and "at least 5 people have answered" in promise
    # Who reads what, and the comment step worded as the thank-you page words it (an outside walk read three).
    assert "Comments are read by the research team, and quoted to management, only once at least 10 people in " \
           "your group have written one." in promise
    assert any("Your team (Retail Care): its scores will not be shown on their own" in t.value for t in at.text)
    # Which groups show, and when: only in a step of the agent's own group (a review read "will only count in the
    # site total" as counting at once).
    assert any(t.value.startswith("Wherever they count, your answers join the results only together with at least 4 "
                                  "other people's from your own group") for t in at.text)
    answer_all(at, "my supervisor Dave never helps, call 07700 900123")
    at.button[0].click().run()
    assert "my supervisor [name] never helps, call [phone]" in [t.value for t in at.text]
    assert "Removed: [name], [phone]" in [c.value for c in at.caption]  # named as the text shows them
    assert stored_texts(app_db) == []
    send = next(b for b in at.button if b.label == "Send anonymously")
    send.click().run()
    assert at.success[0].value.startswith("Thank you")
    assert "at least 10 people in your group have written one" in at.success[0].value
    assert len(shown_receipt(at)) == 17
    assert waiting_texts(app_db) == ["my supervisor [name] never helps, call [phone]"]
    assert stored_texts(app_db) == []  # in no figure or comment page until enough of the team have answered


def test_missing_answers_are_named_and_what_was_typed_is_kept(invite, open_pulse):
    at = open_pulse(invite)
    at.text_area[0].input("the rota app crashes")
    at.button[0].click().run()
    unanswered = len(at.radio) + len(at.text_input)
    assert at.error[0].value.startswith(f"Please check the {unanswered} answers marked below")
    assert len(at.error) == 1 + unanswered  # each next to its question, all at once
    assert all(e.value.startswith("Please answer") for e in at.error[1:])
    assert at.text_area[0].value == "the rota app crashes"
    answer_all(at, "the rota app crashes")
    at.button[0].click().run()
    assert not at.error and "Check before sending" in [h.value for h in at.subheader]
    assert any(re.search(r"How is your morale at work these days\? \d", t.value) for t in at.text)  # to check


@pytest.mark.parametrize("typed, message", [
    ("abc", "needs a whole number from 0 to 100, written in digits (like 50), not 'abc'"),
    ("12.5", "needs a whole number"), ("1e2", "not '1e2'"), ("about half lol", "not 'about half lol'")])
def test_a_share_that_is_not_a_whole_number_is_refused_beside_it_as_typed(invite, open_pulse, typed, message):
    at = open_pulse(invite)
    answer_all(at, "the rota app crashes")
    at.text_input[0].input(typed)
    at.button[0].click().run()
    said = [e.value.replace("\\", "") for e in at.error]
    assert said[0] == "Please check the answer marked below. Everything else you gave is kept."
    assert len(said) == 2 and message in said[1]  # the only problem, named once, beside its answer
    assert at.text_input[0].value == typed  # shown back as typed, never silently changed into a number
    assert "Check before sending" not in [h.value for h in at.subheader]


def test_each_question_is_named_as_worded_and_shown_as_typed(invite, app_db, open_pulse):
    """A screen reader hears each input's name (its label) as the question is worded, never a Markdown escape;
    the wording seen is an escaped copy above the input, so markup staff typed shows as typed."""
    typed = "3. Do you have **bold** [link](http://127.0.0.1:9/x) <img src=x> 1. tools? (yes\\no)"
    engine = make_engine(app_db)
    with session_scope(engine) as session:
        wave = find_wave(session=session, ref=OPEN_WAVE)
        next(q for q in wave.questions if q.key == "tools").prompt = typed
        questions = [(q.kind, q.key, q.prompt + ("" if q.required else " (optional)")
                      + (" (0-100 %)" if q.kind == "percent" else "")) for q in wave.questions]
    # A question's scale runs from very low to very high, a statement's from disagree to agree.
    ends = {"morale": " (1 = very low; 5 = very high)", "enps": " (0 = not at all likely; 10 = extremely likely)",
            "percent": "", "text": "", "scale": " (1 = strongly disagree; 5 = strongly agree)"}
    engine.dispose()
    at = open_pulse(invite)
    assert not at.exception
    kinds = {"scale": at.radio, "enps": at.radio, "percent": at.text_input, "text": at.text_area}
    widgets = {kind: iter(found) for kind, found in kinds.items()}
    widgets["enps"] = widgets["scale"]  # both are radio groups, in question order
    for kind, key, wording in questions:
        widget = next(widgets[kind])
        # the accessible name; a scale's says what its ends mean, which its caption shows
        assert widget.label.replace(JOINER, "") == wording + ends.get(key, ends[kind])
        assert widget.proto.label_visibility.value == LabelVisibility.LabelVisibilityOptions.COLLAPSED
        assert plain(wording) in [m.value for m in at.markdown]  # what is seen, escaped
    named = [w.label for w in (*at.radio, *at.text_input, *at.text_area)]
    hostile = next(n for n in named if n.startswith("3. Do you have"))
    assert [n for n in named if JOINER in n] == [hostile]  # the others are exactly as worded
    assert "](" not in hostile and "<img" not in hostile  # no link or image even in the hidden label


def test_edit_after_review_keeps_every_answer(invite, open_pulse):
    at = open_pulse(invite)
    answer_all(at, "the rota app crashes")
    chosen = [str(r.value) for r in at.radio]
    at.button[0].click().run()
    next(b for b in at.button if b.label == "Edit my answers").click().run()
    assert [str(r.value) for r in at.radio] == chosen
    assert at.text_area[0].value == "the rota app crashes"
    assert at.text_input[0].value == "60"


def test_a_used_invite_opens_and_sends_exactly_like_a_fresh_one(invite, app_db, open_pulse):
    """Whoever holds the links cannot tell whether someone answered: a used invite looks unused."""
    fresh = open_pulse(invite)
    seen_fresh = [e.value for e in (*fresh.text, *fresh.caption, *fresh.info)]
    answer_all(fresh, "the rota app crashes")
    fresh.button[0].click().run()
    next(b for b in fresh.button if b.label == "Send anonymously").click().run()
    assert fresh.success[0].value.startswith("Thank you")

    used = open_pulse(invite)  # the same invite, now used, opened by someone else
    assert not used.error and used.radio
    assert [e.value for e in (*used.text, *used.caption, *used.info)] == seen_fresh
    answer_all(used, "someone else's answer")
    used.button[0].click().run()
    next(b for b in used.button if b.label == "Send anonymously").click().run()
    assert used.success[0].value == fresh.success[0].value and len(shown_receipt(used)) == 17
    assert waiting_texts(app_db) == ["the rota app crashes"]  # the second send stored nothing

    assert "not valid" in open_pulse("not-a-real-token").error[0].value


def test_researcher_creates_a_wave_and_bad_input_is_refused(make_app):
    at = make_app("researcher", "researcher").run()
    at.switch_page("views/pulse_waves.py").run()
    at.text_input[0].input("Pulse wave 5")
    at.button[0].click().run()
    assert "at least one segment" in at.error[0].value
    assert at.text_input[0].value == "Pulse wave 5"


def wave_segments(app_db, title: str) -> list[tuple]:
    from research.store.models import PulseSegment, PulseWave

    engine = make_engine(app_db)
    with session_scope(engine) as session:
        found = session.execute(select(PulseSegment.team, PulseSegment.site, PulseSegment.channel,
                                       PulseSegment.industry, PulseSegment.headcount).join(PulseWave)
                                .where(PulseWave.title == title).order_by(PulseSegment.id)).all()
    engine.dispose()
    return [tuple(r) for r in found]


def test_segments_are_typed_one_per_line_and_only_an_admin_gives_a_headcount(make_app, app_db):
    at = make_app("researcher", "researcher").run()
    at.switch_page("views/pulse_links.py").run()
    older = at.selectbox(key="wave").options[-1]
    at.selectbox(key="wave").select(older).run()  # a wave chosen before the new one is made
    at.switch_page("views/pulse_waves.py").run()
    box = next(t for t in at.text_area if t.label == "Segments")
    assert box.placeholder.splitlines()[0] == "team, site, channel, industry"
    next(t for t in at.text_input if t.label == "Title").input("Pulse wave 5")
    typed = "Team\tSite\tChannel\tIndustry\nBilling\tCardiff\tphone\tutilities\nRetail Care, Leeds, chat, retail, 9"
    box.input(typed)
    next(b for b in at.button if b.label == "Create wave").click().run()
    assert "Line 3 gives a headcount (9), which only an admin sets" in at.error[0].value.replace("\\", "")
    assert wave_segments(app_db, "Pulse wave 5") == []
    assert next(t for t in at.text_area if t.label == "Segments").value == typed  # kept to fix

    next(t for t in at.text_area if t.label == "Segments").input(typed.removesuffix(", 9"))
    next(b for b in at.button if b.label == "Create wave").click().run()
    assert not at.error
    assert "Created Pulse wave 5 with 8 questions and 2 segments" in at.success[0].value.replace("\\", "")
    # "Billing" is an everyday word that quotes naming a small team lose: said at once (an outside walk).
    assert "the team name(s) 'Billing' are everyday words" in at.success[0].value.replace("\\", "")
    assert "Retail Care" not in at.success[0].value
    assert wave_segments(app_db, "Pulse wave 5") == [("Billing", "Cardiff", "phone", "utilities", None),
                                                     ("Retail Care", "Leeds", "chat", "retail", None)]
    engine = make_engine(app_db)
    with session_scope(engine) as session:  # a review found waves made with no trace in the audit trail
        from research.audit import audit_events

        trail = audit_events(session=session, action="wave_created")
    engine.dispose()
    assert trail.iloc[:, 1:].astype(str).apply(" ".join, axis=1).str.contains(
        "researcher.*Pulse wave 5: 8 questions, 2 segments").any(), trail
    assert next(t for t in at.text_area if t.label == "Segments").value == ""  # a fresh form
    (link,) = at.get("page_link")
    assert link.proto.label == "Make invite links for Pulse wave 5"
    at.switch_page("views/pulse_links.py").run()  # opens on the wave just made, not the one chosen before
    assert at.selectbox(key="wave").value == "Pulse wave 5"
    assert parse_qs(link.proto.query_string) == {"wave": ["Pulse wave 5"]}
    links_page = make_app("researcher", "researcher")
    links_page.query_params["wave"] = "Pulse wave 5"
    links_page.run()
    links_page.switch_page("views/pulse_links.py")
    links_page.query_params["wave"] = "Pulse wave 5"
    links_page.run()
    assert next(s for s in links_page.selectbox if s.label == "Wave").value == "Pulse wave 5"

    admin = make_app("admin", "admin").run()
    admin.switch_page("views/pulse_waves.py").run()
    box = next(t for t in admin.text_area if t.label == "Segments")
    assert box.placeholder.splitlines()[0] == "team, site, channel, industry, headcount"
    next(t for t in admin.text_input if t.label == "Title").input("Pulse wave 6")
    box.input("Night desk, Leeds, phone, retail, 12")
    next(b for b in admin.button if b.label == "Create wave").click().run()
    assert not admin.error
    assert wave_segments(app_db, "Pulse wave 6") == [("Night desk", "Leeds", "phone", "retail", 12)]


def test_researcher_makes_invite_links_shown_once(make_app):
    at = make_app("researcher", "researcher").run()
    at.switch_page("views/pulse_links.py").run()
    at.text_input(key="links_count").input("3")
    at.button[0].click().run()
    links = at.code[0].value.splitlines()
    assert len(links) == 3 and all("/pulse?t=" in link for link in links)
    segment = next(b for b in at.selectbox if b.label == "Segment").value
    wave = next(b for b in at.selectbox if b.label == "Wave").value
    assert at.success[0].value.replace("\\", "") == f"Created 3 invite link(s) for {segment} in {wave}."
    assert "on screen in this tab only" in at.warning[0].value
    # An insider review filled a team's step with four answers of its own and read the fifth by subtraction.
    assert any("answer none" in c.value and "read the one real agent's by subtraction" in c.value
               for c in at.caption)
    # A second batch joins the first on screen; the first, not yet downloaded, stays (an outside walk lost it).
    next(b for b in at.selectbox if b.label == "Segment").select_index(1)
    next(t for t in at.text_input if t.label == "How many invites").input("2")
    next(b for b in at.button if b.label == "Create links").click().run()
    assert [len(c.value.splitlines()) for c in at.code] == [3, 2] and at.code[0].value.splitlines() == links


@pytest.mark.parametrize(("typed", "said"), [
    ("0", "Invites are created 1 to 10,000 at a time, not 0. No links were created."),
    ("-3", "Invites are created 1 to 10,000 at a time, not -3. No links were created."),
    ("2.5", "2.5 is not a whole number of invites"),
    ("ten", "'ten' is not a number: type how many invites to create, in digits (such as 10)."),
])
def test_an_invite_count_that_is_not_a_whole_number_from_1_says_why_and_makes_nothing(make_app, typed, said):
    """An outside walk typed 0 and -3 into a number box: only a red mark, and "Create links" did nothing visible."""
    at = make_app("researcher", "researcher").run()
    at.switch_page("views/pulse_links.py").run()
    at.text_input(key="links_count").input(typed)
    next(b for b in at.button if b.label == "Create links").click().run()
    assert said in at.error[0].value.replace("\\", "")
    assert not at.code and not at.success
    assert at.text_input(key="links_count").value == typed  # kept, to correct


def test_researcher_sees_only_comments_of_teams_at_the_threshold(make_app):
    at = make_app("researcher", "researcher").run()
    at.switch_page("views/pulse_replies.py").run()
    wave3 = next(i for i, o in enumerate(at.selectbox[0].options) if "wave 3" in o)
    at.selectbox[0].select_index(0).run()  # the open wave, newest first, has none yet
    assert "no team has 10 people whose comments have joined the results" in at.info[0].value
    at.selectbox[0].select_index(wave3).run()
    teams = at.selectbox[1].options
    assert len(teams) == 8 and "Utilities Billing" in teams
    assert len(at.text) > 10
    # The team is kept in the address like the wave: a reload opens the team whose reply was being typed.
    again = make_app("researcher", "researcher")
    again.query_params.update(wave=at.selectbox[0].options[wave3], team="Utilities Billing")
    assert again.switch_page("views/pulse_replies.py").run().selectbox[1].value == "Utilities Billing"


def test_receipt_code_shows_the_reply_and_a_wrong_code_is_refused(invite, app_db, open_pulse):
    from research.privacy.redaction import Redactor
    from research.privacy.reporting import Thresholds
    from research.pulse.inbox import release_waiting
    from research.pulse.replies import add_reply
    from research.pulse.sealing import Sealer
    from research.pulse.submit import submit_response
    from research.settings import load_settings

    sealer = Sealer.from_settings(load_settings())  # the app's own key: receipts are stored keyed with it
    engine = make_engine(app_db)
    with session_scope(engine) as session:
        receipt = submit_response(session=session, token=invite, today=date.today(), redactor=Redactor(), sealer=sealer,
                                  answers={"morale": 2, "enps": 3, "tools": 2, "management_support": 2, "workload": 2,
                                           "recovery_share": 70, "feedback_loop": 1, "one_thing": "fix the CRM"})
        wave_id = find_wave(session=session, ref=OPEN_WAVE).id
    at = open_pulse("")
    at.text_input[0].input(receipt.code)
    at.button[0].click().run()
    assert "Nothing to show for this code yet. If you wrote a comment" in at.info[0].value and not at.text
    with session_scope(engine) as session:  # released at once here: the steps are tested in test_inbox.py
        release_waiting(session=session, wave_id=wave_id, steps=Thresholds(1, 1), today=date.today(),
                        sealer=sealer)
        response_id = session.scalar(select(PulseReceipt.response_id))
    at = open_pulse("")
    at.text_input[0].input(receipt.code)
    at.button[0].click().run()
    # Not "your comment shows here once ..." under the comment it shows (an outside walk).
    assert [t.value for t in at.text] == ["fix the CRM"] and at.info[0].value == "No reply yet. Check again " \
        "later with the same code."
    with session_scope(engine) as session:
        add_reply(session=session, response_id=response_id, author="researcher", body="CRM fix ships in March",
                  today=date.today())
    engine.dispose()
    at = open_pulse("")
    for _ in range(6):  # typos are told so and use up no lookup
        at.text_input[0].input("WRONG-CODE-XXXXX")
        at.button[0].click().run()
        assert "15 letters and digits" in at.error[0].value
    at.text_input[0].input(receipt.code)
    at.button[0].click().run()
    assert [t.value for t in at.text] == ["fix the CRM", "CRM fix ships in March"]


def test_waves_table_shows_the_demo_response_rates(make_app):
    at = make_app("researcher", "researcher").run()
    at.switch_page("views/pulse_waves.py").run()
    table = at.dataframe[0].value
    assert table["Response rate"].tolist()[:3] == ["79%", "79%", "79%"]
    assert table["Responses"].tolist() == [216, 216, 216, 0]


def test_only_an_admin_sets_a_headcount_and_links_stop_at_it(make_app):
    at = make_app("researcher", "researcher").run()
    at.switch_page("views/pulse_links.py").run()
    assert not any(b.label == "Set headcount" for b in at.button)
    at = make_app("admin", "admin").run()
    at.switch_page("views/pulse_links.py").run()
    next(t for t in at.text_input if t.label == "People in this segment").input("3")
    next(b for b in at.button if b.label == "Set headcount").click().run()
    assert "set to 3" in at.success[0].value
    at.text_input(key="links_count").input("4")
    next(b for b in at.button if b.label == "Create links").click().run()
    assert "leave room for fewer than 4 more" in at.error[0].value.replace("\\", "")


def test_researcher_accepts_a_suggested_code_for_a_comment_in_one_click(make_app, app_db):
    """The last analysis's theme is offered beside each comment; Accept stores it as the researcher's code."""
    from research.store.models import AnalysisJob, PulseCommentCode, PulseQuestion, TextAnalysis

    engine = make_engine(app_db)
    with session_scope(engine) as session:
        wave = find_wave(session=session, ref="Pulse wave 3 (Customer Service Week, October 2026)")
        texts = list(session.scalars(select(PulseAnswer.id).join(PulseResponse).join(PulseQuestion)
                                     .where(PulseResponse.wave_id == wave.id, PulseQuestion.kind == "text")))
        job = AnalysisJob(status="succeeded")
        session.add(job)
        session.flush()
        session.add_all(TextAnalysis(job_id=job.id, answer_id=a, theme="tools" if n % 3 else "other", topic=0,
                                     sentiment=-0.4, theme_confidence=0.81) for n, a in enumerate(texts))
    at = make_app("researcher", "researcher").run()
    at.switch_page("views/pulse_replies.py").run()
    wave3 = next(i for i, o in enumerate(at.selectbox[0].options) if "wave 3" in o)
    at.selectbox[0].select_index(wave3).run()
    assert any(c.value.startswith("Suggested: Tools and systems (81% sure)") for c in at.caption)
    # A comment that fits no code says so, rather than showing nothing (an outside walk).
    assert any(c.value.startswith("No suggestion: the analysis found no code that fits it") for c in at.caption)
    next(b for b in at.button if b.label == "Accept").click().run()
    assert at.success[0].value.startswith("Coded Tools and systems")
    assert any(c.value == "Coded: Tools and systems" for c in at.caption)
    with session_scope(engine) as session:
        assert [c.coder for c in session.scalars(select(PulseCommentCode))] == ["researcher"]
    engine.dispose()


def test_links_sealed_with_the_password_open_again_after_a_reload_for_their_creator_alone(make_app, app_db):
    """Pressing download reruns the page, and a reload starts a new session: the links made come back for the
    researcher who made them, with their password, and for nobody else, until they delete their copy."""
    from research.accounts import set_password
    from research.store.models import AuditEvent

    engine = make_engine(app_db)
    with session_scope(engine) as session:
        set_password(session=session, username="researcher", password="researcher's long password", actor="admin")
    at = make_app("researcher", "researcher").run()
    at.switch_page("views/pulse_links.py").run()
    at.text_input(key="links_count").input("2")
    at.text_input(key="links_password").input("not my password")
    next(b for b in at.button if b.label == "Create links").click().run()
    assert at.error[0].value.replace("\\", "") == "That is not your password. No links were created."
    assert not at.code
    at.text_input(key="links_password").input("researcher's long password")
    next(b for b in at.button if b.label == "Create links").click().run()
    links = at.code[0].value
    assert "sealed with your password" in at.success[0].value
    at.run()  # what a download button's click does
    assert at.code[0].value == links

    again = make_app("researcher", "researcher").run()  # a reload: a new session, nothing kept in the old one
    again.switch_page("views/pulse_links.py").run()
    assert not again.code and any(b.label == "Delete this copy" for b in again.button)
    again.text_input(key="links_open_password").input("researcher's long password")
    next(b for b in again.button if b.label == "Open my copies").click().run()
    assert again.code[0].value == links
    with session_scope(engine) as session:
        opened = session.scalars(select(AuditEvent.subject).where(AuditEvent.action == "links_opened")).all()
        assert len(opened) == 1 and opened[0].startswith("2 pulse link(s) in ")
    engine.dispose()

    admin = make_app("admin", "admin").run()
    admin.switch_page("views/pulse_links.py").run()
    assert not admin.code and not any(b.label in ("Delete this copy", "Open my copies") for b in admin.button)

    next(b for b in again.button if b.label == "Delete this copy").click().run()
    next(b for b in again.button if b.label == "Keep it").click().run()  # asked once more: no undo after
    assert any(b.label == "Delete this copy" for b in again.button)
    next(b for b in again.button if b.label == "Delete this copy").click().run()
    next(b for b in again.button if b.label == "Yes, delete the copy").click().run()
    segment = next(b for b in again.selectbox if b.label == "Segment").value
    assert again.success[0].value.replace("\\", "") == \
        f"Your copy of 2 pulse link(s) for {segment} is deleted; the links keep working."
    assert not any(b.label == "Delete this copy" for b in again.button)


def test_the_page_opens_on_the_newest_wave_with_comments_to_read(make_app):
    at = make_app("researcher", "researcher").run()
    at.switch_page("views/pulse_replies.py").run()
    newest = at.selectbox[0].options[0]
    assert at.selectbox[0].value != newest and "wave 3" in at.selectbox[0].value  # the newest holds its comments
    assert not at.info and len(at.text) >= 10  # its comments, not "No comments to show yet"
    at.selectbox[0].select(newest).run()  # the open wave: nothing joined yet, and why in steps, not "nobody wrote"
    assert at.info[0].value.startswith("No comments to show yet: no team has 10 people whose comments have joined "
                                       "the results. A team's answers join in steps of 5 people")


def test_a_sent_reply_is_counted_at_once_and_its_form_is_empty_again(make_app, app_db):
    from research.store.models import PulseReply

    at = make_app("researcher", "researcher").run()
    at.switch_page("views/pulse_replies.py").run()
    wave3 = next(i for i, o in enumerate(at.selectbox[0].options) if "wave 3" in o)
    at.selectbox[0].select_index(wave3).run()
    at.text_area[0].input("We hear you: the CRM fix ships in March.")
    next(b for b in at.button if b.label == "Send reply").click().run()
    assert at.success[0].value == "Reply sent: the agent reads it with their receipt code."
    assert at.text_area[0].value == ""
    # What was sent is shown with the comment, so a colleague sees what the agent was told before answering again.
    assert "We hear you: the CRM fix ships in March." in [t.value for t in at.text]
    assert any(c.value.startswith("researcher replied on ") for c in at.caption)
    engine = make_engine(app_db)
    with session_scope(engine) as session:
        assert list(session.scalars(select(PulseReply.body))) == ["We hear you: the CRM fix ships in March."]
    engine.dispose()


def test_two_comments_of_one_person_each_have_their_own_reply_box_and_thread(make_app, app_db):
    """An insider review: a wave with two free-text questions stopped the page at the second comment of the first
    person (two boxes, one key); a shared thread would have tied that person's two comments together."""
    from research.store.models import PulseQuestion, PulseReply

    engine = make_engine(app_db)
    with session_scope(engine) as session:
        wave_ids = sorted(set(session.scalars(select(PulseResponse.wave_id))))
        wave_id = wave_ids[2]  # wave 3, whose comments are released
        extra = PulseQuestion(wave_id=wave_id, position=99, key="else", kind="text", prompt="Anything else?",
                              required=False)
        session.add(extra)
        session.flush()
        for response in session.scalars(select(PulseResponse).where(PulseResponse.wave_id == wave_id)):
            session.add(PulseAnswer(response_id=response.id, question_id=extra.id,
                                    value_text=f"A second thought {str(response.id)[:6]}"))
    engine.dispose()
    at = make_app("researcher", "researcher").run()
    at.switch_page("views/pulse_replies.py").run()
    at.selectbox[0].select_index(next(i for i, o in enumerate(at.selectbox[0].options) if "wave 3" in o)).run()
    assert not at.exception
    boxes = [t.key for t in at.text_area]
    seconds = [t.value for t in at.text if t.value.startswith("A second thought")]
    assert len(boxes) == len(set(boxes)) and len(seconds) >= 10  # every comment, both questions, its own box
    at.text_area[0].input("Thanks, the CRM fix ships in March.")
    next(b for b in at.button if b.label == "Send reply").click().run()
    assert not at.exception
    assert [t.value for t in at.text].count("Thanks, the CRM fix ships in March.") == 1  # under that comment only
    engine = make_engine(app_db)
    with session_scope(engine) as session:
        (reply,) = session.scalars(select(PulseReply))
        assert reply.answer_id is not None and str(reply.answer_id) == at.text_area[0].key.split("_")[1]
    engine.dispose()


def test_an_unsent_reply_is_drawn_open_with_its_draft_after_a_reload(make_app, app_db):
    """A reply typed but not sent is kept for its author; the next visit shows it open, not in a closed popover."""
    from research.accounts.drafts import keep_text

    at = make_app("researcher", "researcher").run()
    at.switch_page("views/pulse_replies.py").run()
    wave3 = next(i for i, o in enumerate(at.selectbox[0].options) if "wave 3" in o)
    at.selectbox[0].select_index(wave3).run()
    assert not [e for e in at.expander if e.label.startswith("Reply")]
    answer_id = at.text_area[0].key.split("_")[1]
    engine = make_engine(app_db)
    with session_scope(engine) as session:
        response_id = next(a.response_id for a in session.scalars(select(PulseAnswer)) if str(a.id) == answer_id)
        keep_text(session=session, username="researcher", place=f"reply:{response_id}:{answer_id}",
                  body="We are on the CRM")
    engine.dispose()
    again = make_app("researcher", "researcher").run()
    again.switch_page("views/pulse_replies.py").run()
    again.selectbox[0].select_index(wave3).run()
    (opened,) = [e for e in again.expander if e.label.startswith("Reply")]
    assert opened.label.endswith("your unsent draft") and opened.proto.expanded
    assert opened.text_area[0].value == "We are on the CRM"


def test_the_comments_page_prepares_the_waves_comments_and_codes_as_a_qdpx(make_app):
    at = make_app("researcher", "researcher").run()
    at.switch_page("views/pulse_replies.py").run()
    next(b for b in at.button if b.label == "Prepare the .qdpx").click().run()
    assert not at.exception
    (download,) = [d for d in at.get("download_button") if d.proto.label == "Download comments and codes (.qdpx)"]
    assert download.proto.url


def test_a_qdpx_prepared_before_an_erasure_is_not_offered_after_it(make_app, app_db, tmp_path):
    """An insider prepared the export, erased the comments, and still downloaded all of them."""
    from datetime import timedelta

    from sqlalchemy import func

    from research.pulse.retention import erase_comments
    from research.settings import load_settings
    from research.store.models import PulseResponse

    at = make_app("researcher", "researcher").run()
    at.switch_page("views/pulse_replies.py").run()
    next(b for b in at.button if b.label == "Prepare the .qdpx").click().run()
    offered = [d for d in at.get("download_button") if d.proto.label == "Download comments and codes (.qdpx)"]
    assert len(offered) == 1
    engine = make_engine(app_db)
    with session_scope(engine) as session:  # the oldest day's comments only: the page's wave keeps its own
        oldest = session.scalar(select(func.min(PulseResponse.submitted_on)))
        assert erase_comments(session=session, before=oldest + timedelta(days=1), actor="cli:root",
                              settings=load_settings({"FRONTLINE_DATA_DIR": str(tmp_path)})).comments
    engine.dispose()
    at.run()
    assert next(b for b in at.button if b.label == "Prepare the .qdpx")
    assert not [d for d in at.get("download_button") if d.proto.label == "Download comments and codes (.qdpx)"]


def test_saving_the_roster_confirms_once_and_shows_the_names_as_stored(make_app):
    at = make_app("researcher", "researcher").run()
    at.switch_page("views/pulse_links.py").run()
    roster = at.text_area(key="roster_names")
    roster.set_value("  Dana Whitfield \nDana Whitfield\n\nOmar Haddad")  # sent with the form, as a browser does
    next(b for b in at.button if b.label == "Save roster").click().run()
    assert not at.exception and not at.error
    assert [s.value for s in at.success if s.value.startswith("Roster saved")] == ["Roster saved: 2 names."]
    assert at.text_area(key="roster__1_names").value == "Dana Whitfield\nOmar Haddad"  # a fresh box, as stored
    at.run()  # a rerun right after (a draft sent late from the browser) does not swallow the confirmation
    assert [s.value for s in at.success if s.value.startswith("Roster saved")] == ["Roster saved: 2 names."]


def test_an_open_link_whose_team_is_full_says_so_before_the_form(app_db, open_pulse):
    """A walk filled in the whole form through a full open link and read "Not saved" only at Send."""
    from datetime import timedelta

    from sqlalchemy import func

    from research.pulse.links import create_links
    from research.store.models import PulseLink, PulseSegment

    engine = make_engine(app_db)
    with session_scope(engine) as session:
        wave = find_wave(session=session, ref=OPEN_WAVE)
        wave.opens_on = date.today() - timedelta(days=1)
        segment_id = wave.segments[0].id
        token = create_links(session=session, segment=wave.segments[0], kind="open")[0]
    open_room = open_pulse(token)
    assert not open_room.exception and any(b.label == "Review my answers" for b in open_room.button)
    with session_scope(engine) as session:  # every place taken by the invites already made
        session.get(PulseSegment, segment_id).headcount = session.scalar(
            select(func.count()).select_from(PulseLink).where(PulseLink.segment_id == segment_id,
                                                              PulseLink.kind == "invite"))
    engine.dispose()
    full = open_pulse(token)
    assert not full.exception
    assert [e.value for e in full.error] == ["This survey link has taken as many answers as the team has people, so "
                                             "it takes no more. If you have not answered yet, please ask the "
                                             "research team for a link."]
    assert not [b for b in full.button if b.label == "Review my answers"]


def test_a_wave_created_wholly_in_the_past_is_created_with_a_warning(make_app):
    """A walk made a wave that closed a year ago, unwarned, and it sat in every picker."""
    at = make_app("researcher", "researcher").run()
    at.switch_page("views/pulse_waves.py").run()
    next(t for t in at.text_input if t.label == "Title").input("Last year's pulse")
    next(d for d in at.date_input if d.label == "Opens").set_value(date(2025, 1, 1))
    next(d for d in at.date_input if d.label == "Closes").set_value(date(2025, 1, 10))
    next(t for t in at.text_area if t.label == "Segments").input("Billing team, Leeds")
    next(b for b in at.button if b.label == "Create wave").click().run()
    assert not at.exception and not at.error
    assert [w.value.replace("\\", "") for w in at.warning] == [
        "Last year's pulse closed on 10 January 2025, before today: it takes no links and no answers, only responses "
        "imported from another survey tool. If the dates are a slip, create the wave again with the right ones "
        "under another title."]
