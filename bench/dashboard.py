"""Dashboard benchmark: overview, heatmaps, gaps and the briefing over 100,000 pulse responses.

The product target: with 100,000 responses stored, each page's first render takes under 2 seconds once the
app is warm. The database is a temporary SQLite file built through the migrations and filled with SQLAlchemy
Core bulk inserts: 4 waves, every response with all its answers, and a finished analysis job whose rows
(themes and sentiment drawn at random, no model) feed the gaps and the briefing; the job's last step, the
readable topic labels (:func:`research.findings.topic_labels.store_topic_labels`), runs as a worker runs it.

Team sizes are uneven, as in a real contact centre, so suppression has work to do: per wave, about a third
of the teams have under 5 respondents, a fifth have 5 to 9, the rest are larger (a long tail); teams sit at
random on the four dimensions (team, site, channel, industry), so small cells appear on every one of them.
"""

from __future__ import annotations

import random
import statistics
import tempfile
import time
import uuid
from datetime import date, timedelta

from sqlalchemy import insert, text

from research.codebook import DEFAULT_CODEBOOK
from research.findings.briefing import build_briefing
from research.findings.gap_data import gaps_and_quotes
from research.findings.gap_findings import KINDS, gap_findings
from research.findings.heatmap import heatmap
from research.findings.overview import overview, segment_options, wave_trend
from research.findings.representative import representative_wave
from research.findings.topic_labels import store_topic_labels
from research.privacy.release import DIMENSIONS
from research.privacy.reporting import Thresholds
from research.pulse.library import QUESTION_LIBRARY
from research.store.engine import make_engine, session_scope
from research.store.migrate import upgrade
from research.store.models import (
    AnalysisJob,
    PulseAnswer,
    PulseQuestion,
    PulseResponse,
    PulseSegment,
    PulseWave,
    TextAnalysis,
)

RESPONSES = 100_000
WAVES = 4
SITES = ("Leeds", "Glasgow", "Cardiff", "Manila", "Durban")
CHANNELS = ("phone", "chat", "e-mail")
INDUSTRIES = ("retail", "banking", "utilities", "telecommunications", "technical support", "casual dining",
              "insurance", "travel")
TEAMS = 400
SMALL_SHARE, MEDIUM_SHARE = 0.33, 0.2
"""Shares of teams with 1-4 and 5-9 respondents per wave; the rest share the remaining responses."""
BATCH = 20_000
TARGET_SECONDS = 2.0


COMMENTS = ("the CRM logs me out every hour", "my team lead backs us up", "pay hasn't kept up with prices",
            "no breaks since the new rota", "great coaching this month", "the knowledge base is out of date",
            "too many targets and not enough staff", "I love the people I work with")
THEMES = tuple(c.key for c in DEFAULT_CODEBOOK) + ("other",)


def team_sizes(responses: int, rng: random.Random) -> list[int]:
    """Respondents per team summing to ``responses``: many under 5, some under 10, a long tail above."""
    teams = max(10, min(TEAMS, responses // 60))  # small runs keep the same mix with fewer teams
    small, medium = round(teams * SMALL_SHARE), round(teams * MEDIUM_SHARE)
    sizes = [rng.randint(1, 4) for _ in range(small)] + [rng.randint(5, 9) for _ in range(medium)]
    weights = [rng.lognormvariate(0, 1) for _ in range(teams - small - medium)]
    rest = responses - sum(sizes)
    large = [max(10, int(rest * w / sum(weights))) for w in weights]
    large[0] += rest - sum(large)  # the biggest share absorbs rounding, so the total is exact
    return sizes + large


def build(engine, responses: int = RESPONSES, seed: int = 0) -> tuple[int, int]:
    """Fill the database with ``responses`` responses spread over the waves, and an analysis job over their
    comments; returns the latest wave's id and the job's."""
    rng = random.Random(seed)
    per_wave = responses // WAVES
    latest = 0
    analyses: list[dict] = []
    with engine.begin() as conn:
        job_id = conn.execute(insert(AnalysisJob).returning(AnalysisJob.id), {
            "status": "succeeded", "stage": "done", "requested_by": "bench"}).scalar_one()
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
            sizes = team_sizes(per_wave, rng)
            segments = [conn.execute(insert(PulseSegment).returning(PulseSegment.id), {
                "wave_id": latest, "team": f"Team {t + 1:03d}", "site": rng.choice(SITES),
                "channel": rng.choice(CHANNELS), "industry": rng.choice(INDUSTRIES),
                "headcount": size + rng.randrange(1, 20),
            }).scalar_one() for t, size in enumerate(sizes)]
            owners = [segment for segment, size in zip(segments, sizes) for _ in range(size)]
            rng.shuffle(owners)
            pending_responses, pending_answers = [], []
            for segment_id in owners:
                response_id = uuid.uuid4()
                pending_responses.append({"id": response_id, "wave_id": latest, "segment_id": segment_id,
                                          "submitted_on": opens_on + timedelta(days=rng.randrange(12))})
                for q, question_id in questions.values():
                    answer = {"id": uuid.uuid4(), "response_id": response_id, "question_id": question_id,
                              "value_number": None, "value_text": None}
                    if q.kind == "text":
                        answer["value_text"] = f"{rng.choice(COMMENTS)} ({rng.randrange(10**6)})"
                        analyses.append({"job_id": job_id, "answer_id": answer["id"], "theme": rng.choice(THEMES),
                                         "topic": rng.randrange(12), "sentiment": rng.uniform(-1, 1),
                                         "theme_confidence": rng.random(), "theme2": "",
                                         "theme2_confidence": None})
                    else:
                        answer["value_number"] = float(rng.randint(q.scale_min, q.scale_max))
                    pending_answers.append(answer)
                if len(pending_answers) >= BATCH:
                    _flush(conn, pending_responses, pending_answers, analyses)
            _flush(conn, pending_responses, pending_answers, analyses)
    return latest, job_id


def _flush(conn, responses: list[dict], answers: list[dict], analyses: list[dict]) -> None:
    for model, rows in ((PulseResponse, responses), (PulseAnswer, answers), (TextAnalysis, analyses)):
        if rows:
            conn.execute(insert(model), rows)
        rows.clear()


def timed(fn) -> tuple[float, float]:
    """Wall-clock and CPU seconds of one call: on a shared machine the CPU time is the steadier figure."""
    start, cpu = time.perf_counter(), time.process_time()
    fn()
    return time.perf_counter() - start, time.process_time() - cpu


def report(label: str, first: tuple[float, float], warm: list[tuple[float, float]]) -> None:
    wall, cpu = statistics.median(w for w, _ in warm), statistics.median(c for _, c in warm)
    print(f"{label:<52} first {first[0]:6.3f} s ({first[1]:5.2f} CPU)   "
          f"warm median {wall:6.3f} s ({cpu:5.2f} CPU, of {len(warm)})")


def main(responses: int = RESPONSES) -> None:
    thresholds = Thresholds()
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/dashboard.db"
        engine = make_engine(url)
        upgrade(engine)
        start = time.perf_counter()
        latest, job_id = build(engine, responses)
        seconds = time.perf_counter() - start
        print(f"{'bulk insert (SQLite, Core executemany)':<44} {seconds:8.2f} s   {responses:>7,} responses, "
              f"{responses * len(QUESTION_LIBRARY):,} answers")
        # The job's last step, as the worker runs it once the results are stored: the readable topic labels.
        step = timed(lambda: store_topic_labels(engine, job_id, thresholds=thresholds))
        print(f"{'job step: readable topic labels':<44} {step[0]:8.2f} s ({step[1]:.2f} CPU), once per job")
        engine.dispose()  # closing the last connection checkpoints the WAL into the database file
        # A warm app: imports done and a pooled connection open, but nothing of these queries cached.
        engine = make_engine(url)
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        with session_scope(engine) as session:
            teams = segment_options(session=session, wave_id=latest, thresholds=thresholds)["team"]
            team = teams[len(teams) // 2] if teams else ""
            cases = [
                ("overview, latest wave", lambda: overview(session=session, wave_id=latest, thresholds=thresholds)),
                (f"overview, team filter ({team})",
                 lambda: overview(session=session, wave_id=latest, thresholds=thresholds, segment={"team": team})),
                *[(f"heatmap by {dimension}", lambda d=dimension: heatmap(
                    session=session, wave_id=latest, dimension=d, thresholds=thresholds)) for dimension in DIMENSIONS],
                ("trend over all waves", lambda: wave_trend(session=session, thresholds=thresholds)),
                ("filter options", lambda: segment_options(session=session, wave_id=latest,
                                                           thresholds=thresholds)),
                ("gaps page (theme gaps, morale and tooling findings)", lambda: gaps_page(session, job_id, thresholds)),
                ("briefing", lambda: build_briefing(session=session, wave_id=latest, job_id=job_id,
                                                    thresholds=thresholds)),
            ]
            slowest = 0.0
            slowest_cpu = 0.0
            for label, fn in cases:
                first = timed(fn)
                slowest, slowest_cpu = max(slowest, first[0]), max(slowest_cpu, first[1])
                report(label, first, [timed(fn) for _ in range(3)])
        engine.dispose()
    verdict = "under" if slowest < TARGET_SECONDS else "OVER"
    print(f"slowest first render {slowest:.2f} s ({slowest_cpu:.2f} CPU s): {verdict} the {TARGET_SECONDS:.0f} s "
          f"target (pages cache results for a minute on top; the machine is shared, so other load counts too)")


def gaps_page(session, job_id: int, thresholds: Thresholds) -> None:
    """What the gaps page computes: the representative wave (a release decision per wave), the gaps up to it
    with the comments that may be quoted from it (``findings_data.gaps_and_quotes``), then the morale and the
    tooling findings from them."""
    wave_id = representative_wave(session=session, thresholds=thresholds)
    gaps, quotes = gaps_and_quotes(session=session, job_id=job_id, thresholds=thresholds, wave_id=wave_id)
    for kind in KINDS:
        gap_findings(session=session, job_id=job_id, thresholds=thresholds, kind=kind, gaps=gaps, comments=quotes)


if __name__ == "__main__":
    main()
