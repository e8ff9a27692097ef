"""Old comments are erased under the retention schedule; scores, and every figure made of them, stay."""

from datetime import date

from sqlalchemy import func, select

from research.findings.overview import overview
from research.privacy.reporting import Thresholds
from research.pulse.replies import add_reply
from research.pulse.retention import erase_comments
from research.store.engine import session_scope
from research.store.models import AuditEvent, PulseAnswer, PulseReceipt, PulseReply, PulseResponse

from pulse_builders import add_wave, answers

FIVE = Thresholds(scores=5, comments=10)


def counts(session):
    texts = select(func.count()).select_from(PulseAnswer).where(PulseAnswer.value_text.is_not(None))
    return (session.scalar(texts), session.scalar(select(func.count()).select_from(PulseReply)),
            session.scalar(select(func.count()).select_from(PulseReceipt)))


def test_comments_before_the_day_go_and_the_scores_stay(engine):
    with session_scope(engine) as session:
        spring = add_wave(session, "Spring", date(2025, 3, 1), {"Billing": answers(6, morale=2)})
        autumn = add_wave(session, "Autumn", date(2026, 9, 1), {"Billing": answers(7, morale=4)})
        for wave_id in (spring, autumn):
            response = session.scalar(select(PulseResponse).where(PulseResponse.wave_id == wave_id).limit(1))
            session.add(PulseReceipt(code_hash=f"hash-{wave_id}", response_id=response.id))
            add_reply(session=session, response_id=response.id, author="ana", body="Thanks, we are on it.",
                      today=date(2026, 10, 1))
    with session_scope(engine) as session:
        before = {w: overview(session=session, wave_id=w, thresholds=FIVE).kpis for w in (spring, autumn)}
        assert counts(session) == (13, 2, 2)

    with session_scope(engine) as session:
        preview = erase_comments(session=session, before=date(2026, 1, 1), actor="cli:root", dry_run=True)
        assert (preview.comments, preview.replies, preview.receipts, preview.erased) == (6, 1, 1, False)
        assert counts(session) == (13, 2, 2)  # a dry run erases nothing
        assert session.scalar(select(func.count()).select_from(AuditEvent)) == 0

    with session_scope(engine) as session:
        done = erase_comments(session=session, before=date(2026, 1, 1), actor="cli:root")
    assert (done.comments, done.replies, done.receipts, done.erased) == (6, 1, 1, True)
    with session_scope(engine) as session:
        assert counts(session) == (7, 1, 1)  # autumn's are untouched
        assert session.scalar(select(func.count()).select_from(PulseResponse)) == 13
        after = {w: overview(session=session, wave_id=w, thresholds=FIVE).kpis for w in (spring, autumn)}
        assert after == before
        assert session.scalars(select(AuditEvent.subject)).all() == [
            "6 comment(s), 1 reply(ies), 1 receipt(s) of responses before 2026-01-01"]


def test_erased_comments_are_overwritten_in_the_sqlite_file(tmp_path):
    """SQLite runs with secure_delete, so an erased comment cannot be read back from free pages."""
    from research.store.engine import make_engine
    from research.store.migrate import upgrade

    path = tmp_path / "frontline.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    marker = "zebra-crossing-grievance-8841"
    with session_scope(engine) as session:
        wave = add_wave(session, "Old", date(2025, 3, 1), {"Billing": answers(6)})
        session.execute(PulseAnswer.__table__.update().where(PulseAnswer.value_text.is_not(None))
                        .values(value_text=marker))
    engine.dispose()  # the last connection checkpoints the WAL into the file
    assert marker.encode() in path.read_bytes()

    engine = make_engine(f"sqlite:///{path}")
    with session_scope(engine) as session:
        assert erase_comments(session=session, before=date(2026, 1, 1), actor="cli:root").comments == 6
        assert session.scalar(select(func.count()).select_from(PulseResponse).where(PulseResponse.wave_id == wave)) == 6
    engine.dispose()
    assert marker.encode() not in path.read_bytes()
