import re
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from pulse_builders import SEALER
from sqlalchemy import func, inspect, select, update

from research.privacy.redaction import Redactor
from research.privacy.reporting import Thresholds
from research.pulse.errors import PulseError
from research.pulse.inbox import has_ready, release_ready, releases_settled
from research.pulse.library import QUESTION_LIBRARY
from research.pulse.links import hash_token, link_token
from research.pulse.replies import Conversation, add_reply, conversation_for_receipt
from research.pulse.submit import hash_receipt, submit_response
from research.store.engine import session_scope
from research.store.models import PulseAnswer, PulseInbox, PulseLink, PulseReceipt, PulseResponse

from .conftest import GOOD_ANSWERS, TODAY

# These tests are about what is stored: each submission is released at once. The steps that
# keep figures from moving by one person are tested in test_inbox.py and the attack tests.
AT_ONCE = Thresholds(1, 1)


def submit(engine, token, answers=GOOD_ANSWERS, today=TODAY, roster=(), steps=AT_ONCE):
    with session_scope(engine) as session:
        receipt = submit_response(session=session, token=token, answers=answers, today=today,
                                  redactor=Redactor(roster), sealer=SEALER)
        link = session.scalar(select(PulseLink).where(PulseLink.token_hash == hash_token(link_token(token))))
        wave_id, ready = link.wave_id, has_ready(session=session, segment_id=link.segment_id, steps=steps)
    if ready:  # as send_response does
        release_ready(engine=engine, wave_id=wave_id, steps=steps, today=today, sealer=SEALER)
    return receipt


def stored_counts(engine):
    with session_scope(engine) as session:
        return (session.scalar(select(func.count(PulseResponse.id))),
                session.scalar(select(func.count(PulseAnswer.id))))


def test_a_submission_stores_every_answer_with_day_resolution_only(engine, make_links):
    receipt = submit(engine, make_links()[0])
    assert len(receipt.code) == 17
    with session_scope(engine) as session:
        response = session.scalar(select(PulseResponse))
        assert response.submitted_on == TODAY
        texts = [a.value_text for a in response.answers if a.value_text]
        numbers = sorted(a.value_number for a in response.answers if a.value_number is not None)
    assert texts == ["Fix the CRM, it freezes on refunds"]
    assert numbers == sorted(float(v) for k, v in GOOD_ANSWERS.items() if k != "one_thing")


def test_free_text_is_redacted_before_it_is_stored(engine, make_links):
    answers = {**GOOD_ANSWERS, "one_thing": "my supervisor John ignores it, mail me at a@b.com or 07700 900123"}
    submit(engine, make_links()[0], answers, roster=["Priya"])
    with session_scope(engine) as session:
        text = session.scalar(select(PulseAnswer.value_text).where(PulseAnswer.value_text.is_not(None)))
    assert text == "my supervisor [name] ignores it, mail me at [email] or [phone]"


def test_markup_emoji_and_other_languages_are_stored_as_typed(engine, make_links):
    typed = ("<script>alert(1)</script> **bold** [x](javascript:alert(1)) '); DROP TABLE pulse_answers; -- "
             "😡 不公平 ¡Ayuda!")
    submit(engine, make_links()[0], {**GOOD_ANSWERS, "one_thing": typed})
    with session_scope(engine) as session:
        assert session.scalar(select(PulseAnswer.value_text).where(PulseAnswer.value_text.is_not(None))) == typed


def test_a_typed_percentage_is_read_with_or_without_its_sign():
    from research.pulse.submit import validate_answers

    share = [q for q in QUESTION_LIBRARY if q.kind == "percent"][:1]
    assert validate_answers(share, {share[0].key: " 40 %"}) == {share[0].key: 40.0}
    assert validate_answers(share, {share[0].key: "0"}) == {share[0].key: 0.0}


@pytest.mark.parametrize(
    "change, message",
    [
        ({"morale": 6}, "takes a value from 1 to 5, not 6"),
        ({"enps": -1}, "from 0 to 10"),
        ({"recovery_share": 101}, "from 0 to 100"),
        ({"morale": 3.5}, "needs a whole number from 1 to 5, not '3.5'"),
        ({"morale": "lots"}, "needs a whole number from 1 to 5, written in digits (like 3), not 'lots'"),
        ({"recovery_share": "1e2"}, "needs a whole number from 0 to 100, written in digits (like 50), not '1e2'"),
        ({"recovery_share": "-5"}, "needs a whole number from 0 to 100 (like 50), not '-5'"),
        ({"recovery_share": "50.5"}, "needs a whole number from 0 to 100, not '50.5'"),  # range too (a walk)
        ({"recovery_share": "150 %"}, "from 0 to 100, not 150"),
        ({"morale": None}, "Please answer"),
        ({"one_thing": "x" * 2001}, "the limit is 2,000"),
        ({"shoe_size": 9}, "Unknown question"),
    ],
)
def test_bad_answers_are_refused_and_nothing_is_stored(engine, make_links, change, message):
    token = make_links()[0]
    with pytest.raises(PulseError, match=re.escape(message)):
        submit(engine, token, {**GOOD_ANSWERS, **change})
    assert stored_counts(engine) == (0, 0)
    submit(engine, token)  # the invite was not used up by the refused attempt
    assert stored_counts(engine)[0] == 1


def test_unknown_used_and_out_of_window_links_are_refused(engine, make_links):
    with pytest.raises(PulseError, match="not valid"):
        submit(engine, "made-up-token")
    token = make_links()[0]
    with pytest.raises(PulseError, match="opens on"):
        submit(engine, token, today=TODAY - timedelta(days=3))
    with pytest.raises(PulseError, match="closed on"):
        submit(engine, token, today=TODAY + timedelta(days=8))
    first = submit(engine, token)
    again = submit(engine, token)  # a used invite sends like a fresh one, and stores nothing
    assert len(again.code) == len(first.code) and again.code != first.code
    assert stored_counts(engine)[0] == 1


def test_a_link_pasted_with_the_sentence_after_it_still_opens(engine, make_links):
    """Chat apps take the ")." after a link into it; an outside walk's link was refused so."""
    token = make_links(kind="open")[0]
    for pasted in (f"{token}).", f" {token}, ", f"{token}>"):
        submit(engine, pasted)
    assert stored_counts(engine)[0] == 3
    with pytest.raises(PulseError, match="ask whoever sent it to you for a new one"):
        submit(engine, token[:-1] + ".")


def test_open_link_takes_many_responses(engine, make_links):
    token = make_links(kind="open")[0]
    for _ in range(3):
        submit(engine, token)
    assert stored_counts(engine)[0] == 3


def test_only_token_hashes_are_stored(engine, make_links):
    tokens = make_links(count=3)
    with session_scope(engine) as session:
        hashes = set(session.scalars(select(PulseLink.token_hash)))
    assert len(hashes) == 3 and not hashes & set(tokens)


def test_nothing_joins_a_response_to_a_link(engine, make_links):
    """The response tables have no column that refers to a link, and links none that refers to a response."""
    tables = inspect(engine)
    for table in ("pulse_responses", "pulse_answers"):
        assert all(fk["referred_table"] != "pulse_links" for fk in tables.get_foreign_keys(table))
    assert {c["name"] for c in tables.get_columns("pulse_links")} == {
        "id", "wave_id", "segment_id", "kind", "token_hash", "used"}
    assert {c["name"] for c in tables.get_columns("pulse_responses")} == {"id", "wave_id", "segment_id",
                                                                         "submitted_on"}


def test_concurrent_submissions_all_land_once(engine, make_links):
    token = make_links(kind="open")[0]
    invites = make_links(team="Chat", count=100)
    barrier = threading.Barrier(20)

    def worker(index):
        barrier.wait()
        for n in range(10):
            submit(engine, invites[index * 5 + n // 2] if n % 2 else token, steps=Thresholds(5, 5))

    with ThreadPoolExecutor(max_workers=20) as pool:
        list(pool.map(worker, range(20)))
    assert releases_settled()  # a release round that ran past its budget may finish in the background
    responses, answers = stored_counts(engine)
    with session_scope(engine) as session:
        waiting = dict(session.execute(
            select(PulseInbox.segment_id, func.count()).group_by(PulseInbox.segment_id)).all())
    # Every submission is kept: released in batches of five or more, or still waiting for a full batch.
    assert responses + sum(waiting.values()) == 200 and all(n < 5 for n in waiting.values())
    assert answers == responses * len(GOOD_ANSWERS)
    with session_scope(engine) as session:
        assert session.scalar(select(func.count(PulseLink.id)).where(PulseLink.used.is_(True))) == 100


def test_a_single_use_link_cannot_be_used_twice_concurrently(engine, make_links):
    token = make_links()[0]
    barrier = threading.Barrier(10)

    def attempt(_):
        barrier.wait()
        try:
            submit(engine, token)
            return "ok"
        except PulseError as exc:
            return str(exc)

    with ThreadPoolExecutor(max_workers=10) as pool:
        outcomes = list(pool.map(attempt, range(10)))
    assert outcomes == ["ok"] * 10  # every browser sees the same thank-you page ...
    assert stored_counts(engine)[0] == 1  # ... and one response is stored


def test_receipt_code_alone_shows_the_comment_and_replies(engine, make_links):
    receipt = submit(engine, make_links()[0])
    with session_scope(engine) as session:
        response_id = session.scalar(select(PulseResponse.id))
        add_reply(session=session, response_id=response_id, author="researcher",
                  body="Thanks: the CRM fix ships in March.", today=TODAY)
    with session_scope(engine) as session:
        conversation = conversation_for_receipt(session=session, code=receipt.code.lower().replace("-", " "),
                                                sealer=SEALER)
    assert conversation.comments == ["Fix the CRM, it freezes on refunds"]
    assert conversation.replies == [(TODAY, "Thanks: the CRM fix ships in March.")]
    with session_scope(engine) as session:  # an unknown code reads like one whose comment is not released yet
        assert conversation_for_receipt(session=session, code="AAAAA-BBBBB-CCCCC", sealer=SEALER) \
            == Conversation([], [])
    with session_scope(engine) as session, pytest.raises(PulseError, match="15 letters and digits"):
        conversation_for_receipt(session=session, code="AAAAA-BBBBB", sealer=SEALER)


def test_a_receipt_code_leads_nowhere_in_the_database_without_the_web_servers_key(engine, make_links):
    """An insider review read a receipt code off a screen, hashed it and found the agent's response, and every
    score in it, in ``pulse_receipts``: the table now holds a hash keyed with the inbox key."""
    import hashlib

    from research.pulse.submit import normalise_receipt

    receipt = submit(engine, make_links()[0])
    with session_scope(engine) as session:
        stored = set(session.scalars(select(PulseReceipt.code_hash)))
    plain = hashlib.sha256(normalise_receipt(receipt.code).encode()).hexdigest()
    assert len(stored) == 1 and plain not in stored and hashlib.sha256(receipt.code.encode()).hexdigest() not in stored
    with session_scope(engine) as session:  # the web servers, with the key, still find it
        assert conversation_for_receipt(session=session, code=receipt.code, sealer=SEALER).comments \
            == ["Fix the CRM, it freezes on refunds"]


def test_a_receipt_released_before_receipts_were_keyed_still_reads_its_replies(engine, make_links):
    receipt = submit(engine, make_links()[0])
    with session_scope(engine) as session:  # as an older version stored it
        session.execute(update(PulseReceipt).values(code_hash=hash_receipt(receipt.code)))
    with session_scope(engine) as session:
        assert conversation_for_receipt(session=session, code=receipt.code, sealer=SEALER).comments \
            == ["Fix the CRM, it freezes on refunds"]


def test_a_full_connection_pool_is_not_saved_try_again(make_links, engine):
    """Under load every pooled connection may be busy: the agent is told to try again, not shown an error page."""
    from sqlalchemy import create_engine

    from research.pulse.submit import NotSaved, send_response

    token = make_links()[0]
    tiny = create_engine(engine.url, pool_size=1, max_overflow=0, pool_timeout=0.2)
    held = tiny.connect()  # the only connection, taken by someone else
    try:
        with pytest.raises(NotSaved, match="try again"):
            send_response(engine=tiny, token=token, answers=GOOD_ANSWERS, today=TODAY, steps=AT_ONCE,
                          sealer=SEALER)
    finally:
        held.close()
        tiny.dispose()
    with session_scope(engine) as session:
        assert session.scalar(select(func.count()).select_from(PulseResponse)) == 0
        assert session.scalar(select(func.count()).select_from(PulseInbox)) == 0


def test_an_open_link_stops_at_the_headcount(engine, make_links):
    """Invites plus open-link answers never exceed the team's headcount (120 here), so nobody can pad it."""
    make_links(count=115)
    token = make_links(kind="open")[0]
    for _ in range(5):
        submit(engine, token)
    with pytest.raises(PulseError, match="as many answers as the team has people"):
        submit(engine, token)
    with pytest.raises(PulseError, match="leave room for fewer than 1 more"):
        make_links(count=1)
    assert stored_counts(engine)[0] == 5


def test_staff_see_open_link_answers_only_in_whole_steps(engine, make_links, wave_ids):
    """An insider review watched the links page count an open-link answer the moment it arrived, and so learnt who
    answered and when, where the page promises answers count nowhere until a step is full."""
    from research.pulse.waves_admin import segment_summaries, set_headcount

    make_links(count=10)
    token = make_links(kind="open")[0]

    def shown() -> int:
        with session_scope(engine) as session:
            first = segment_summaries(session=session, wave_id=wave_ids[0], step=5)[0]
        return first.places_taken

    counts = [shown()]
    for _ in range(6):
        submit(engine, token)
        counts.append(shown())
    assert counts == [10, 15, 15, 15, 15, 15, 20]
    with session_scope(engine) as session:  # trying lower headcounts finds only the step, not the answer
        segment_id = segment_summaries(session=session, wave_id=wave_ids[0], step=5)[0].id
        with pytest.raises(PulseError, match="already has 20 invites and open-link answers"):
            set_headcount(session=session, segment_id=segment_id, headcount=17, step=5)


def test_a_team_filled_from_its_open_link_alone_is_flagged(engine, make_links, wave_ids):
    """Three answers through the open link of a three-person team may all be one person's: the dashboard says so."""
    from research.pulse.links import open_link_full
    from research.pulse.waves_admin import set_headcount

    with session_scope(engine) as session:
        set_headcount(session=session, segment_id=wave_ids[1]["Chat"], headcount=3, step=5)
    token = make_links(team="Chat", kind="open")[0]
    for _ in range(3):
        with session_scope(engine) as session:
            assert open_link_full(session=session, wave_id=wave_ids[0]) == []
        submit(engine, token)
    with session_scope(engine) as session:
        assert open_link_full(session=session, wave_id=wave_ids[0]) == ["Chat / Cardiff / chat / utilities"]
        # The executive's overview names no team under the score threshold: its figures are never shown alone.
        assert open_link_full(session=session, wave_id=wave_ids[0], min_headcount=5) == []
        assert open_link_full(session=session, wave_id=wave_ids[0], min_headcount=3) == [
            "Chat / Cardiff / chat / utilities"]
        with pytest.raises(PulseError, match="cannot be lower than that"):
            set_headcount(session=session, segment_id=wave_ids[1]["Chat"], headcount=2, step=5)


def test_every_refused_answer_is_named_at_once(engine, wave_ids):
    from research.pulse.submit import answer_problems
    from research.store.models import PulseQuestion

    with session_scope(engine) as session:
        questions = list(session.scalars(select(PulseQuestion).where(PulseQuestion.wave_id == wave_ids[0])
                                         .order_by(PulseQuestion.position)))
    problems = answer_problems(questions, {**GOOD_ANSWERS, "morale": None, "enps": 11, "one_thing": "x" * 2001})
    assert set(problems) == {"morale", "enps", "one_thing"}
    assert problems["enps"].endswith("from 0 to 10, not 11.") and "2,000" in problems["one_thing"]
    assert answer_problems(questions, GOOD_ANSWERS) == {}


def test_a_reply_form_sent_twice_stores_one_reply(engine, make_links):
    from research.errors import AlreadySubmitted

    receipt = submit(engine, make_links()[0])
    reply = {"author": "researcher", "body": "On it.", "today": TODAY, "submission": "form-key-1"}
    with session_scope(engine) as session:
        response_id = session.scalar(select(PulseResponse.id))
        add_reply(session=session, response_id=response_id, **reply)
    with session_scope(engine) as session, pytest.raises(AlreadySubmitted):  # the second click of a double click
        add_reply(session=session, response_id=response_id, **reply)
    with session_scope(engine) as session:
        assert conversation_for_receipt(session=session, code=receipt.code, sealer=SEALER).replies \
            == [(TODAY, "On it.")]
