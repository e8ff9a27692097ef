"""Created links can be opened again by their creator, with their password, while the wave is open; by nobody else.

The attackers: another researcher or an admin who resets the creator's password; a database administrator
who swaps a password hash, moves rows between owners and waves, pastes an agent's sealed answers into a copy,
pushes a wave's closing day back, or writes malformed rows.
"""

from datetime import UTC, datetime, timedelta

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import select, update

from research.accounts.confirm import password_problem
from research.accounts.passwords import hash_password
from research.pulse.link_copies import forget_closed, forget_links, keep_links, kept_batches, open_links
from research.pulse.sealing import Sealer
from research.store.engine import session_scope
from research.store.models import PulseLinkCopy, PulseWave, User

from .conftest import TODAY

SEALER = Sealer(Fernet.generate_key())
# Tokens long enough never to turn up by chance in the sealed text ("abc" did, about once in a thousand runs).
LINKS = ["https://pulse.example/pulse?t=tokenAlphaBravoCharlie", "https://pulse.example/pulse?t=tokenDeltaEchoFox"]
RITA = "rita's own long password"


def _sealer():
    return SEALER


@pytest.fixture
def wave_id(engine, wave_ids):
    with session_scope(engine) as session:
        session.add_all(User(username=n, role="researcher", password_hash=hash_password(f"{n}'s own long password"))
                        for n in ("rita", "ravi"))
    return wave_ids[0]


def _keep(session, wave_id, password=RITA):
    return keep_links(session=session, sealer=SEALER, username="rita", password=password, wave_id=wave_id,
                      segment_label="Billing", kind="invite", links=LINKS, now=datetime.now(UTC))


def _opened(session, wave_id, username="rita", password=RITA, today=TODAY, sealer=_sealer):
    return [open_links(b, username=username, wave_id=wave_id, password=password)
            for b in kept_batches(session=session, sealer=sealer, username=username, wave_id=wave_id, today=today)]


def test_the_creator_opens_the_same_links_with_their_password_and_the_database_holds_none(engine, wave_id):
    with session_scope(engine) as session:
        _keep(session, wave_id)
    with session_scope(engine) as session:
        stored = session.scalar(select(PulseLinkCopy.sealed))
        assert "AlphaBravo" not in stored and "pulse.example" not in stored and "Billing" not in stored
        (batch,) = kept_batches(session=session, sealer=_sealer, username="rita", wave_id=wave_id, today=TODAY)
        assert (batch.segment_label, batch.kind, batch.count) == ("Billing", "invite", 2)
        assert _opened(session, wave_id) == [LINKS]
        assert _opened(session, wave_id, password="a guess at rita's password") == [None]
        assert _opened(session, wave_id, username="ravi", password="ravi's own long password") == []
        assert not forget_links(session=session, username="ravi", copy_id=batch.id)  # not theirs to delete
        assert forget_links(session=session, username="rita", copy_id=batch.id)
        assert _opened(session, wave_id) == []


def test_taking_over_the_account_does_not_open_the_copy(engine, wave_id):
    """An admin's reset, or a database administrator's swapped hash, signs in as rita, but opens nothing."""
    with session_scope(engine) as session:
        _keep(session, wave_id)
        ravi_hash = session.scalar(select(User.password_hash).where(User.username == "ravi"))
        session.execute(update(User).where(User.username == "rita").values(password_hash=ravi_hash))
    with session_scope(engine) as session:
        intruder = "ravi's own long password"
        assert password_problem(session=session, username="rita", password=intruder, what="test") is None
        assert _opened(session, wave_id, password=intruder) == [None]


def test_a_wrong_password_counts_like_a_wrong_sign_in(engine, wave_id):
    for attempt in range(5):
        with session_scope(engine) as session:
            assert password_problem(session=session, username="rita", password=f"guess {attempt}",
                                    what="test") == "That is not your password."
    with session_scope(engine) as session:
        assert "Too many wrong passwords" in password_problem(session=session, username="rita", password=RITA,
                                                              what="test")


def test_copies_of_a_closed_wave_are_not_opened_and_are_deleted(engine, wave_id):
    with session_scope(engine) as session:
        _keep(session, wave_id)
        closes_on = session.get_one(PulseWave, wave_id).closes_on
    after = closes_on + timedelta(days=1)
    with session_scope(engine) as session:
        assert _opened(session, wave_id, today=after) == []
        # a database administrator pushes the closing day back: the day sealed with the copy still holds
        session.execute(update(PulseWave).where(PulseWave.id == wave_id).values(closes_on=after + timedelta(days=30)))
        assert _opened(session, wave_id, today=after) == []
        assert forget_closed(session=session, today=closes_on) == 0


def test_a_database_administrator_cannot_move_or_paste_sealed_rows_into_view(engine, wave_id):
    """An agent's waiting answers pasted into a copy, a copy moved to another owner or wave, and malformed rows
    all open to nothing, and none of them stops the owner's page from listing the copies that are theirs."""
    with session_scope(engine) as session:
        other = PulseWave(title="December pulse", opens_on=TODAY, closes_on=TODAY + timedelta(days=9))
        session.add(other)
        session.flush()
        other_id = other.id
        ids = [_keep(session, wave_id) for _ in range(6)]
        ravi = session.scalar(select(User.id).where(User.username == "ravi"))
        waiting = SEALER.seal({"answers": {"one_thing": "my manager shouts"}})["sealed"]
        for copy_id, values in zip(ids, [{"sealed": waiting}, {"wave_id": other_id}, {"owner_id": ravi},
                                         {"sealed": "é"}, {"sealed": "not a token at all"}]):
            session.execute(update(PulseLinkCopy).where(PulseLinkCopy.id == copy_id).values(**values))
    with session_scope(engine) as session:
        assert _opened(session, wave_id) == [LINKS]  # the one copy left as rita made it
        assert _opened(session, other_id) == []
        assert _opened(session, wave_id, username="ravi", password="ravi's own long password") == []


def test_another_server_key_opens_nothing(engine, wave_id):
    with session_scope(engine) as session:
        _keep(session, wave_id)
        assert _opened(session, wave_id, sealer=lambda: Sealer(Fernet.generate_key())) == []
