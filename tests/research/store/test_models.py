import uuid
from datetime import date

from sqlalchemy import select

from research.store.engine import session_scope
from research.store.models import PulseAnswer, PulseQuestion, PulseResponse, PulseSegment, PulseWave


def test_pulse_responses_and_answers_get_random_uuid_keys(engine):
    with session_scope(engine) as session:
        wave = PulseWave(title="W", opens_on=date(2026, 1, 1), closes_on=date(2026, 1, 9))
        wave.questions = [PulseQuestion(position=1, key="morale", kind="scale", prompt="?", scale_min=1, scale_max=5)]
        wave.segments = [PulseSegment(team="A")]
        session.add(wave)
        session.flush()
        for _ in range(3):
            response = PulseResponse(wave_id=wave.id, segment_id=wave.segments[0].id, submitted_on=date(2026, 1, 2))
            response.answers.append(PulseAnswer(question_id=wave.questions[0].id, value_number=4))
            session.add(response)
    with session_scope(engine) as session:
        ids = session.scalars(select(PulseResponse.id)).all()
        answer_ids = session.scalars(select(PulseAnswer.id)).all()
    assert len(set(ids)) == 3
    assert all(isinstance(i, uuid.UUID) and i.version == 4 for i in ids + answer_ids)


def test_response_rows_hold_nothing_finer_than_segment_and_day():
    columns = {c.name: str(c.type) for c in PulseResponse.__table__.columns}
    assert set(columns) == {"id", "wave_id", "segment_id", "submitted_on"}
    assert columns["submitted_on"] == "DATE"


def test_sqlite_keeps_no_hidden_submission_order(tmp_path):
    from research.store.engine import make_engine
    from research.store.migrate import upgrade

    engine = make_engine(f"sqlite:///{tmp_path / 'f.db'}")
    upgrade(engine)
    with engine.connect() as conn:
        for table in ("pulse_responses", "pulse_answers"):
            sql = conn.exec_driver_sql("SELECT sql FROM sqlite_master WHERE name = ?", (table,)).scalar()
            assert sql.rstrip().endswith("WITHOUT ROWID")
