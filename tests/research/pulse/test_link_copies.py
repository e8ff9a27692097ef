"""Created links can be downloaded again by their creator while the wave is open, and by nobody else."""

from datetime import timedelta

from cryptography.fernet import Fernet
from sqlalchemy import select, update

from research.pulse.link_copies import forget_closed, forget_links, keep_links, kept_links
from research.pulse.sealing import Sealer
from research.store.engine import session_scope
from research.store.models import PulseInbox, PulseLinkCopy, PulseWave, User

from .conftest import TODAY

SEALER = Sealer(Fernet.generate_key())


def _sealer():
    return SEALER
LINKS = ["https://pulse.example/pulse?t=abc", "https://pulse.example/pulse?t=def"]


def _users(session, *names):
    session.add_all(User(username=n, role="researcher", password_hash="x") for n in names)
    session.flush()


def _keep(session, wave_id, username="rita", sealer=SEALER):
    return keep_links(session=session, sealer=sealer, username=username, wave_id=wave_id, segment_label="Billing",
                      kind="invite", links=LINKS)


def test_the_creator_gets_the_same_links_back_and_the_database_holds_none_of_them(engine, wave_ids):
    wave_id = wave_ids[0]
    with session_scope(engine) as session:
        _users(session, "rita", "ravi")
        _keep(session, wave_id)
    with session_scope(engine) as session:
        stored = session.scalar(select(PulseLinkCopy.sealed))
        assert "abc" not in stored and "pulse.example" not in stored
        (batch,) = kept_links(session=session, sealer=_sealer, username="rita", wave_id=wave_id, today=TODAY)
        assert (batch.links, batch.segment_label, batch.kind) == (LINKS, "Billing", "invite")
        assert kept_links(session=session, sealer=_sealer, username="ravi", wave_id=wave_id, today=TODAY) == []
        assert not forget_links(session=session, username="ravi", copy_id=batch.id)  # not theirs to delete
        assert forget_links(session=session, username="rita", copy_id=batch.id)
        assert kept_links(session=session, sealer=_sealer, username="rita", wave_id=wave_id, today=TODAY) == []


def test_copies_of_a_closed_wave_are_not_read_and_are_deleted(engine, wave_ids):
    wave_id = wave_ids[0]
    with session_scope(engine) as session:
        _users(session, "rita")
        _keep(session, wave_id)
        closes_on = session.get_one(PulseWave, wave_id).closes_on
    after = closes_on + timedelta(days=1)
    with session_scope(engine) as session:
        assert kept_links(session=session, sealer=_sealer, username="rita", wave_id=wave_id, today=after) == []
        assert forget_closed(session=session, today=closes_on) == 0  # its last day is still open
        assert forget_closed(session=session, today=after) == 1
        assert session.scalar(select(PulseLinkCopy.id)) is None


def test_a_database_administrator_cannot_move_sealed_rows_into_a_researchers_copy(engine, wave_ids):
    """An inbox payload (an agent's waiting answers) pasted into a researcher's copy opens to nothing, and a copy
    moved to another researcher or wave shows nobody links that are not theirs for that wave."""
    wave_id = wave_ids[0]
    with session_scope(engine) as session:
        _users(session, "rita", "ravi")
        waiting = SEALER.seal({"answers": {"one_thing": "my manager shouts"}})["sealed"]
        _keep(session, wave_id)
        other_wave = PulseWave(title="December pulse", opens_on=TODAY, closes_on=TODAY + timedelta(days=9))
        session.add(other_wave)
        session.flush()
        # a copy of rita's moved to another wave: it still names its own wave inside the seal
        _keep(session, wave_id)
        session.execute(update(PulseLinkCopy).where(PulseLinkCopy.id == 2).values(wave_id=other_wave.id))
        session.execute(update(PulseLinkCopy).where(PulseLinkCopy.id == 1).values(sealed=waiting))
        _keep(session, wave_id)  # and a third handed to ravi
        ravi = session.scalar(select(User.id).where(User.username == "ravi"))
        session.execute(update(PulseLinkCopy).where(PulseLinkCopy.id == 3).values(owner_id=ravi))
        assert session.scalar(select(PulseInbox.id)) is None  # nothing else was touched
    with session_scope(engine) as session:
        for name in ("rita", "ravi"):
            for wave in (wave_id, other_wave.id):
                assert kept_links(session=session, sealer=_sealer, username=name, wave_id=wave, today=TODAY) == []


def test_another_key_opens_nothing(engine, wave_ids):
    with session_scope(engine) as session:
        _users(session, "rita")
        _keep(session, wave_ids[0])
        assert kept_links(session=session, sealer=lambda: Sealer(Fernet.generate_key()), username="rita",
                          wave_id=wave_ids[0], today=TODAY) == []
