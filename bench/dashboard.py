"""Dashboard benchmark: the executive overview and heatmap over 100,000 pulse responses.

The product target: with 100,000 responses stored, the overview's first render
takes under 2 seconds once the app is warm. The database is a temporary SQLite
file built through the migrations and filled with SQLAlchemy Core bulk inserts:
4 waves, 40 segments each, every response with all eight answers.
"""

from __future__ import annotations

import random
import statistics
import tempfile
import time
import uuid
from datetime import date, timedelta

from sqlalchemy import insert, text

from research.findings.heatmap import heatmap
from research.findings.overview import overview, segment_options, wave_trend
from research.privacy.reporting import Thresholds
from research.pulse.library import QUESTION_LIBRARY
from research.store.engine import make_engine, session_scope
from research.store.migrate import upgrade
from research.store.models import PulseAnswer, PulseQuestion, PulseResponse, PulseSegment, PulseWave

RESPONSES = 100_000
WAVES = 4
SITES = ("Leeds", "Glasgow", "Cardiff", "Manila", "Durban")
CHANNELS = ("phone", "chat", "e-mail")
INDUSTRIES = ("retail", "banking", "utilities", "telecommunications", "technical support", "casual dining",
              "insurance", "travel")
TEAMS = 40
BATCH = 20_000
TARGET_SECONDS = 2.0


def build(engine, responses: int = RESPONSES, seed: int = 0) -> int:
    """Fill the database with ``responses`` responses spread over the waves; returns the latest wave's id."""
    rng = random.Random(seed)
    per_wave = responses // WAVES
    latest = 0
    with engine.begin() as conn:
        # A large page cache for the load only: random UUID keys touch every page of the indexes.
        if engine.dialect.name == "sqlite":
            conn.exec_driver_sql("PRAGMA cache_size=-262144")
        for index in range(WAVES):
            opens_on = date(2026, 1, 12) + timedelta(weeks=13 * index)
            latest = conn.execute(insert(PulseWave).returning(PulseWave.id), {
                "title": f"Bench wave {index + 1}", "opens_on": opens_on, "closes_on": opens_on + timedelta(days=11),
            }).scalar_one()
            questions = {}
            for position, q in enumerate(QUESTION_LIBRARY, start=1):
                questions[q.key] = (q, conn.execute(insert(PulseQuestion).returning(PulseQuestion.id), {
                    "wave_id": latest, "position": position, "key": q.key, "kind": q.kind, "prompt": q.prompt,
                    "scale_min": q.scale_min, "scale_max": q.scale_max, "required": q.required,
                }).scalar_one())
            segments = [conn.execute(insert(PulseSegment).returning(PulseSegment.id), {
                "wave_id": latest, "team": f"Team {t + 1:02d}", "site": SITES[t % len(SITES)],
                "channel": CHANNELS[t % len(CHANNELS)], "industry": INDUSTRIES[t % len(INDUSTRIES)],
                "headcount": per_wave // TEAMS + 150,
            }).scalar_one() for t in range(TEAMS)]
            pending_responses, pending_answers = [], []
            for _ in range(per_wave):
                response_id = uuid.uuid4()
                pending_responses.append({"id": response_id, "wave_id": latest, "segment_id": rng.choice(segments),
                                          "submitted_on": opens_on + timedelta(days=rng.randrange(12))})
                for q, question_id in questions.values():
                    answer = {"id": uuid.uuid4(), "response_id": response_id, "question_id": question_id,
                              "value_number": None, "value_text": None}
                    if q.kind == "text":
                        answer["value_text"] = "the CRM logs me out every hour"
                    else:
                        answer["value_number"] = float(rng.randint(q.scale_min, q.scale_max))
                    pending_answers.append(answer)
                if len(pending_answers) >= BATCH:
                    _flush(conn, pending_responses, pending_answers)
            _flush(conn, pending_responses, pending_answers)
    return latest


def _flush(conn, responses: list[dict], answers: list[dict]) -> None:
    if responses:
        conn.execute(insert(PulseResponse), responses)
    if answers:
        conn.execute(insert(PulseAnswer), answers)
    responses.clear()
    answers.clear()


def timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def report(label: str, first: float, warm: list[float]) -> None:
    print(f"{label:<44} first {first:6.3f} s   warm median {statistics.median(warm):6.3f} s (of {len(warm)})")


def main(responses: int = RESPONSES) -> None:
    thresholds = Thresholds()
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/dashboard.db"
        engine = make_engine(url)
        upgrade(engine)
        start = time.perf_counter()
        latest = build(engine, responses)
        seconds = time.perf_counter() - start
        print(f"{'bulk insert (SQLite, Core executemany)':<44} {seconds:8.2f} s   {responses:>7,} responses, "
              f"{responses * len(QUESTION_LIBRARY):,} answers")
        engine.dispose()  # closing the last connection checkpoints the WAL into the database file
        # A warm app: imports done and a pooled connection open, but nothing of these queries cached.
        engine = make_engine(url)
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        with session_scope(engine) as session:
            team = segment_options(session=session, wave_id=latest, thresholds=thresholds)["team"][0]
            cases = [
                ("overview, latest wave", lambda: overview(session=session, wave_id=latest, thresholds=thresholds)),
                (f"overview, team filter ({team})",
                 lambda: overview(session=session, wave_id=latest, thresholds=thresholds, segment={"team": team})),
                ("heatmap by team", lambda: heatmap(session=session, wave_id=latest, dimension="team",
                                                    thresholds=thresholds)),
                ("trend over all waves", lambda: wave_trend(session=session, thresholds=thresholds)),
                ("filter options", lambda: segment_options(session=session, wave_id=latest,
                                                           thresholds=thresholds)),
            ]
            first_overview = None
            for label, fn in cases:
                first = timed(fn)
                first_overview = first if first_overview is None else first_overview
                report(label, first, [timed(fn) for _ in range(5)])
        engine.dispose()
    verdict = "under" if first_overview < TARGET_SECONDS else "OVER"
    print(f"overview first render {first_overview:.2f} s: {verdict} the {TARGET_SECONDS:.0f} s target "
          f"(pages cache it for a minute on top)")


if __name__ == "__main__":
    main()
