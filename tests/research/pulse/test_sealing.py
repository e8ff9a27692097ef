"""Waiting pulse answers are sealed with a key the database never holds."""

import stat
from datetime import timedelta

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import select

from research.errors import FrontlineError
from research.privacy.redaction import Redactor
from research.privacy.reporting import Thresholds
from research.pulse.retention import erase_comments
from research.pulse.sealing import Sealer
from research.pulse.submit import submit_response
from research.settings import load_settings
from research.store.engine import session_scope
from research.store.models import PulseInbox

from .conftest import GOOD_ANSWERS, TODAY


def test_the_key_is_made_once_owner_only_and_another_key_cannot_open(tmp_path):
    settings = load_settings({"FRONTLINE_DATA_DIR": str(tmp_path / "data")})
    sealed = Sealer.from_settings(settings).seal({"texts": {"1": "the CRM freezes"}})
    assert "CRM" not in str(sealed)
    assert stat.S_IMODE(settings.inbox_key_path.stat().st_mode) == 0o600
    assert Sealer.from_settings(settings).open(sealed) == {"texts": {"1": "the CRM freezes"}}  # the same key again
    with pytest.raises(FrontlineError, match="same FRONTLINE_INBOX_KEY"):
        Sealer(Fernet.generate_key()).open(sealed)
    with pytest.raises(FrontlineError, match="not a valid key"):
        Sealer.from_settings(load_settings({"FRONTLINE_INBOX_KEY": "secret", "FRONTLINE_DATA_DIR": str(tmp_path)}))


def one_waiting(engine, make_links, tmp_path):
    """Settings and sealer of a data directory, and one answer with a comment waiting in the inbox."""
    settings = load_settings({"FRONTLINE_DATA_DIR": str(tmp_path / "data")})
    sealer = Sealer.from_settings(settings)
    with session_scope(engine) as session:
        submit_response(session=session, token=make_links()[0], answers=GOOD_ANSWERS, today=TODAY,
                        redactor=Redactor(), sealer=sealer, steps=Thresholds(5, 10))
    return settings, sealer


def test_erasing_old_comments_reaches_answers_still_waiting(engine, make_links, tmp_path):
    settings, sealer = one_waiting(engine, make_links, tmp_path)
    with session_scope(engine) as session:
        done = erase_comments(session=session, before=TODAY + timedelta(days=1), actor="cli:root", settings=settings)
    assert done.comments == 1
    with session_scope(engine) as session:
        payload = sealer.open(session.scalar(select(PulseInbox)).payload)
    assert payload["texts"] == {} and payload["receipt"] is None and len(payload["numbers"]) == 7  # scores stay


def test_a_replica_with_another_key_still_saves_and_releases_nothing_it_cannot_open(engine, make_links):
    """The fifth answer reaches a server configured with a different key: it is saved, and the agent is thanked."""
    from research.pulse.submit import send_response

    first, other = Sealer(Fernet.generate_key()), Sealer(Fernet.generate_key())
    tokens = make_links(count=5)
    for token in tokens[:4]:
        send_response(engine=engine, token=token, answers=GOOD_ANSWERS, today=TODAY, steps=Thresholds(5, 10),
                      sealer=first)
    receipt = send_response(engine=engine, token=tokens[4], answers=GOOD_ANSWERS, today=TODAY,
                            steps=Thresholds(5, 10), sealer=other)
    assert len(receipt.code) == 17
    with session_scope(engine) as session:
        assert len(session.scalars(select(PulseInbox)).all()) == 5  # all kept, none released half-read


@pytest.mark.parametrize("stored", [{"sealed": "gAAAAé"}, {"sealed": 42}, {"sealed": None}, {}, "gAAAA", None,
                                    {"sealed": "gAAAA.BB\nCC"}])
def test_a_row_written_outside_the_application_is_refused_with_a_frontline_error(stored):
    with pytest.raises(FrontlineError, match="not a sealed payload"):
        Sealer(Fernet.generate_key()).open(stored)


def test_a_token_of_this_key_that_holds_no_payload_is_refused():
    key = Fernet.generate_key()
    for plaintext in (b"not json", b"[1, 2]", b"\xff\xfe"):
        with pytest.raises(FrontlineError, match="not a sealed payload"):
            Sealer(key).open({"sealed": Fernet(key).encrypt(plaintext).decode("ascii")})


def test_erasing_old_comments_leaves_a_row_written_outside_the_application_and_erases_the_rest(
        engine, make_links, tmp_path):
    settings, sealer = one_waiting(engine, make_links, tmp_path)
    with session_scope(engine) as session:
        row = session.scalar(select(PulseInbox))
        session.add(PulseInbox(wave_id=row.wave_id, segment_id=row.segment_id, submitted_on=row.submitted_on,
                               payload={"sealed": "gAAAAé, pasted by hand"}))
    with session_scope(engine) as session:
        done = erase_comments(session=session, before=TODAY + timedelta(days=1), actor="cli:root", settings=settings)
    assert done.comments == 1
    with session_scope(engine) as session:
        payloads = [row.payload for row in session.scalars(select(PulseInbox))]
    pasted = {"sealed": "gAAAAé, pasted by hand"}
    assert pasted in payloads and len(payloads) == 2  # left for an operator, as the release leaves it
    assert sealer.open(next(p for p in payloads if p != pasted))["texts"] == {}


def test_every_waiting_submission_of_a_wave_is_sealed_alike_in_length_and_time(engine, make_links, tmp_path):
    """A database administrator who logs each invite flagged used beside the row written with it must not read
    the answers from the row: not its comment's length, not how many digits the scores have, not when it was
    sent (Fernet stamps the second in the clear). Every token of the wave has one length and time 0."""
    import base64

    from research.pulse.submit import MAX_TEXT_LENGTH, send_response

    sealer = Sealer.from_settings(load_settings({"FRONTLINE_DATA_DIR": str(tmp_path / "data")}))
    low = {**GOOD_ANSWERS, "enps": 0, "recovery_share": 5}
    variants = [GOOD_ANSWERS, {**low, "one_thing": ""}, {**low, "one_thing": "ok"},
                {**GOOD_ANSWERS, "enps": 10, "recovery_share": 100, "one_thing": "é€ " * (MAX_TEXT_LENGTH // 3)}]
    for token, answers in zip(make_links(count=4), variants):
        send_response(engine=engine, token=token, answers=answers, today=TODAY, steps=Thresholds(5, 10),
                      sealer=sealer)
    with session_scope(engine) as session:
        tokens = [row.payload["sealed"] for row in session.scalars(select(PulseInbox))]
        assert len(tokens) == 4 and len({len(t) for t in tokens}) == 1
        assert {base64.urlsafe_b64decode(t)[1:9] for t in tokens} == {bytes(8)}
        assert sorted(len(sealer.open({"sealed": t})["texts"]) for t in tokens) == [0, 1, 1, 1]
        # Erasing the comments seals them again, still alike.
        erase_comments(session=session, before=TODAY + timedelta(days=1), actor="cli:root",
                       settings=load_settings({"FRONTLINE_DATA_DIR": str(tmp_path / "data")}))
    with session_scope(engine) as session:
        assert len({len(row.payload["sealed"]) for row in session.scalars(select(PulseInbox))} | {len(tokens[0])}) == 1
