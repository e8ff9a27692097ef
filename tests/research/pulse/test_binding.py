"""A release counts distinct submissions whose sealed payload is their own row's, old payloads included.

The administrator's attacks through the pages are in ``test_insider_attacks.py``; these are the
rules underneath, and rows sealed before payloads carried their row (version 1, no ``"v"``).
"""

import logging
import uuid
from datetime import timedelta

from cryptography.fernet import Fernet
from sqlalchemy import delete, func, select, update

from research.privacy.reporting import Thresholds
from research.pulse.inbox import release_waiting
from research.pulse.retention import erase_comments
from research.pulse.sealing import Sealer
from research.settings import load_settings
from research.store.engine import session_scope
from research.store.models import PulseInbox, PulseQuestion, PulseReceipt, PulseReleased, PulseResponse

from .conftest import GOOD_ANSWERS, TODAY

STEPS = Thresholds(5, 10)


def legacy_rows(engine, wave_ids, sealer, count, team="Billing") -> list[PulseInbox]:
    """Waiting rows as sealed before this change: answers, comment and receipt, and nothing of the row."""
    wave_id, segments = wave_ids
    with session_scope(engine) as session:
        ids = {q.key: q.id for q in session.scalars(select(PulseQuestion).where(PulseQuestion.wave_id == wave_id))}
        rows = [PulseInbox(id=uuid.uuid4(), wave_id=wave_id, segment_id=segments[team], submitted_on=TODAY,
                           payload=sealer.seal({"numbers": {str(ids["morale"]): 1 + i % 5},
                                                "texts": {str(ids["one_thing"]): f"old comment {i}"},
                                                "receipt": uuid.uuid4().hex}))
                for i in range(count)]
        session.add_all(rows)
        session.flush()
        session.expunge_all()
    return rows


def copy_of(row: PulseInbox, *, same_id: bool = False) -> PulseInbox:
    return PulseInbox(id=row.id if same_id else uuid.uuid4(), wave_id=row.wave_id, segment_id=row.segment_id,
                      submitted_on=row.submitted_on, payload=dict(row.payload))


def add(engine, *rows: PulseInbox) -> None:
    with session_scope(engine) as session:
        session.add_all(rows)


def release(engine, sealer) -> int:
    with session_scope(engine) as session:
        return release_waiting(session=session, wave_id=rows_wave(engine), steps=STEPS, today=TODAY, sealer=sealer)


def rows_wave(engine) -> int:
    with session_scope(engine) as session:
        return session.scalar(select(PulseInbox.wave_id).limit(1))


def count(engine, model) -> int:
    with session_scope(engine) as session:
        return session.scalar(select(func.count()).select_from(model))


def test_old_rows_are_released_and_their_copies_count_once(engine, wave_ids):
    sealer = Sealer(Fernet.generate_key())
    rows = legacy_rows(engine, wave_ids, sealer, 4)
    add(engine, copy_of(rows[0]), copy_of(rows[0]))  # six rows, four submissions
    assert release(engine, sealer) == 0
    add(engine, *legacy_rows(engine, wave_ids, sealer, 1))
    assert release(engine, sealer) == 5
    assert count(engine, PulseResponse) == 5 and count(engine, PulseReceipt) == 5
    assert count(engine, PulseInbox) == 2 and count(engine, PulseReleased) == 5
    with session_scope(engine) as session:  # the original written back after its release: refused too
        session.execute(delete(PulseInbox))  # (whichever of the three went out: they are one submission)
    add(engine, copy_of(rows[0], same_id=True))
    add(engine, *legacy_rows(engine, wave_ids, sealer, 4))
    assert release(engine, sealer) == 0 and count(engine, PulseResponse) == 5


def test_erasing_comments_binds_old_rows_and_their_copies_stay_one(engine, wave_ids, tmp_path):
    key = Fernet.generate_key()
    settings = load_settings({"FRONTLINE_INBOX_KEY": key.decode(), "FRONTLINE_DATA_DIR": str(tmp_path / "data")})
    sealer = Sealer(key)
    rows = legacy_rows(engine, wave_ids, sealer, 5)
    add(engine, copy_of(rows[0]), copy_of(rows[0]))
    with session_scope(engine) as session:
        assert erase_comments(session=session, before=TODAY + timedelta(days=1), actor="cli:root",
                              settings=settings).comments == 7
    with session_scope(engine) as session:
        payloads = [(row, sealer.open(row.payload)) for row in session.scalars(select(PulseInbox))]
    assert all(p["v"] == 2 and p["row"] == str(row.id) and p["texts"] == {} and p["receipt"] is None
               for row, p in payloads)
    assert len({p["legacy"] for _, p in payloads}) == 5  # sealed again, each under the name it had
    assert release(engine, sealer) == 5
    assert count(engine, PulseInbox) == 2


def test_a_row_moved_to_another_team_or_edited_is_refused(engine, wave_ids, make_links, caplog):
    from research.pulse.submit import send_response

    sealer = Sealer(Fernet.generate_key())
    for token in make_links(count=4):
        send_response(engine=engine, token=token, answers=GOOD_ANSWERS, today=TODAY, steps=STEPS, sealer=sealer)
    send_response(engine=engine, token=make_links(team="Chat")[0], answers=GOOD_ANSWERS, today=TODAY, steps=STEPS,
                  sealer=sealer)
    with session_scope(engine) as session:  # the Chat agent's row joins Billing: five rows there
        session.execute(update(PulseInbox).values(segment_id=wave_ids[1]["Billing"]))
    with caplog.at_level(logging.WARNING, logger="research.pulse"):
        assert release(engine, sealer) == 0
    assert "1 do not match their row" in caplog.text and "Fix the CRM" not in caplog.text
    send_response(engine=engine, token=make_links()[0], answers=GOOD_ANSWERS, today=TODAY, steps=STEPS, sealer=sealer)
    assert count(engine, PulseResponse) == 5 and count(engine, PulseInbox) == 1
