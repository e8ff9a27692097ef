"""Pulse submissions on PostgreSQL under load and through a database restart.

Both drive :func:`send_response`, the function the pulse page calls when an
agent presses send, from many threads against the local server (127.0.0.1).
Each submission carries its own comment, so "none lost" is checked text by
text, and each success returns a receipt, so "none half-written" is checked
receipt by receipt.
"""

import json
import os
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date, timedelta

import pytest
from conftest import REPO
from pg_server import LocalPostgres
from pulse_builders import NEUTRAL as ANSWERS
from pulse_builders import SEALER
from sqlalchemy import func, select

from research.privacy.reporting import Thresholds
from research.pulse.inbox import releases_settled
from research.pulse.library import QUESTION_LIBRARY
from research.pulse.links import create_links
from research.pulse.submit import NotSaved, hash_receipt, send_response
from research.pulse.waves_admin import SegmentSpec, create_wave
from research.store.engine import make_engine, session_scope
from research.store.models import PulseAnswer, PulseHeldText, PulseInbox, PulseReceipt, PulseResponse

TODAY = date(2026, 11, 22)
RATE = 50  # submissions per second, the figure
LOAD_SECONDS = float(os.environ.get("FRONTLINE_LOAD_SECONDS", "60"))


@pytest.fixture
def pg_engine(pg_url):
    engine = make_engine(pg_url)
    yield engine
    engine.dispose()


@pytest.fixture
def open_token(pg_engine):
    """An open link into a wave with every library question, as a kiosk or team chat would use."""
    with session_scope(pg_engine) as session:
        wave = create_wave(
            session=session, title="Load wave", opens_on=TODAY - timedelta(days=1), closes_on=TODAY + timedelta(days=7),
            question_keys=[q.key for q in QUESTION_LIBRARY],
            segments=[SegmentSpec(team="Billing", site="Cardiff", channel="phone", industry="utilities",
                                  headcount=10_000)])
        return create_links(session=session, segment=wave.segments[0], kind="open")[0]


@dataclass
class Outcomes:
    """What each submission reported: its receipt, or that it was not saved."""

    saved: dict[str, str] = field(default_factory=dict)  # comment -> receipt code
    not_saved: list[str] = field(default_factory=list)
    other: list[str] = field(default_factory=list)
    latencies: list[float] = field(default_factory=list)
    in_flight: int = 0
    most_in_flight: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def submit(self, engine, token: str, comment: str) -> None:
        with self.lock:
            self.in_flight += 1
            self.most_in_flight = max(self.most_in_flight, self.in_flight)
        started = time.perf_counter()
        try:
            receipt = send_response(engine=engine, token=token, answers={**ANSWERS, "one_thing": comment}, today=TODAY,
                                    steps=Thresholds(5, 10), sealer=SEALER)
        except NotSaved:
            with self.lock:
                self.not_saved.append(comment)
        except Exception as exc:  # noqa: BLE001 - anything else is a failure the test reports
            with self.lock:
                self.other.append(f"{comment}: {type(exc).__name__}: {exc}")
        else:
            with self.lock:
                self.saved[comment] = receipt.code
                self.latencies.append(time.perf_counter() - started)
        finally:
            with self.lock:
                self.in_flight -= 1


def offer(engine, token: str, outcomes: Outcomes, *, rate: int, seconds: float, burst: bool = False,
          during=None, done=None) -> tuple[float, float]:
    """Start ``rate`` submissions a second for ``seconds`` (or until ``done(elapsed)`` says so): spread evenly,
    or each second's all at once (``burst``). Return the seconds spent starting them and the seconds until
    every one had finished."""
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=rate if burst else 16) as pool:
        for i in range(int(rate * seconds)):
            due = started + (i // rate if burst else i / rate)
            if (delay := due - time.perf_counter()) > 0:
                time.sleep(delay)
            if during:
                during(time.perf_counter() - started)
            if done and done(time.perf_counter() - started):
                break
            pool.submit(outcomes.submit, engine, token, f"load comment {i}: the CRM froze on refund {i}")
        issued = time.perf_counter() - started
    return issued, time.perf_counter() - started


def stored(engine) -> tuple[dict[str, int], set[str], int]:
    """Stored comments with how many answers their submission has, the receipt hashes (keyed, as the release
    stores them), and the submission count.

    A submission is stored once it is released into the response tables (its comment perhaps still
    held for enough people to write) or while it waits in the inbox for a full batch.
    """
    with session_scope(engine) as session:
        texts = session.execute(select(PulseAnswer.response_id, PulseAnswer.value_text)
                                .where(PulseAnswer.value_text.is_not(None))).all()
        texts += session.execute(select(PulseHeldText.response_id, PulseHeldText.value_text)).all()
        sizes = Counter(rid for rid, _ in texts)
        sizes.update(dict(session.execute(select(PulseAnswer.response_id, func.count())
                                          .where(PulseAnswer.value_number.is_not(None))
                                          .group_by(PulseAnswer.response_id)).all()))
        comments = {text: sizes[rid] for rid, text in texts}
        receipts = set(session.scalars(select(PulseReceipt.code_hash)))
        count = session.scalar(select(func.count()).select_from(PulseResponse))
        for row in session.scalars(select(PulseInbox)):
            payload = SEALER.open(row.payload)
            size = len(payload["numbers"]) + len(payload["texts"])
            comments.update({text: size for text in payload["texts"].values()})
            receipts.add(SEALER.receipt_key(payload["receipt"]))  # as the release will store it
            count += 1
    return comments, receipts, count


def test_fifty_concurrent_submissions_a_second_for_a_minute_none_lost(pg_engine, open_token):
    outcomes = Outcomes()
    # A server that is up has answered before: its one-off loads (name lists, compiled statements) are done.
    outcomes.submit(pg_engine, open_token, "warm-up comment: the first of the day")
    issued, finished = offer(pg_engine, open_token, outcomes, rate=RATE, seconds=LOAD_SECONDS, burst=True)
    total = int(RATE * LOAD_SECONDS) + 1

    assert outcomes.other == [] and outcomes.not_saved == []
    assert len(outcomes.saved) == total
    assert releases_settled()  # no release moving rows while they are counted
    comments, receipts, responses = stored(pg_engine)
    assert responses == total
    assert set(comments) == set(outcomes.saved)  # every comment, each in its own response
    assert set(comments.values()) == {len(ANSWERS) + 1}  # and every response whole
    assert receipts == {SEALER.receipt_key(hash_receipt(code)) for code in outcomes.saved.values()}
    assert outcomes.most_in_flight >= RATE // 2  # each second's submissions really ran together

    latencies = sorted(outcomes.latencies)
    report = {"submissions": total, "seconds_starting_them": round(issued, 2),
              "seconds_until_all_stored": round(finished, 2), "most_in_flight": outcomes.most_in_flight,
              "latency_p50_ms": round(1000 * latencies[len(latencies) // 2], 1),
              "latency_p95_ms": round(1000 * latencies[int(len(latencies) * 0.95)], 1),
              "latency_max_ms": round(1000 * latencies[-1], 1)}
    out = REPO / ".artifacts" / "load"
    out.mkdir(parents=True, exist_ok=True)
    (out / "pulse-load.json").write_text(json.dumps(report, indent=2))
    print("pulse load:", report)


def test_a_database_restart_during_submissions_loses_nothing_it_confirmed(pg_url, pg_engine, open_token):
    server = LocalPostgres(pg_url)
    outcomes = Outcomes()
    events: dict[str, float] = {}

    def restart(at: float) -> None:
        if at >= 2 and "stopped" not in events:
            server.stop()
            events["stopped"] = at
        elif "stopped" in events and "started" not in events and at >= events["stopped"] + 3:
            server.start()
            events["started"] = at

    try:
        # Until 5 s after the server is back, however long a busy machine takes to stop and start it.
        offer(pg_engine, open_token, outcomes, rate=20, seconds=180, during=restart,
              done=lambda at: "started" in events and at >= events["started"] + 5)
    finally:
        server.start()  # whatever happened, the rest of the suite gets its server back
    assert {"stopped", "started"} <= events.keys()
    print(f"restart: {len(outcomes.saved)} saved, {len(outcomes.not_saved)} not saved, events {events}")

    assert outcomes.other == []
    assert releases_settled()
    assert outcomes.not_saved, "the restart should have refused some submissions"
    late = [c for c in outcomes.saved if int(c.split(":")[0].split()[-1]) >= 20 * (events["started"] + 1)]
    assert late, "submissions should succeed again once the server is back"
    comments, receipts, _ = stored(pg_engine)
    # Exactly the confirmed submissions are stored, each whole; none that was reported "not saved".
    assert set(comments) == set(outcomes.saved)
    assert set(comments.values()) == {len(ANSWERS) + 1}
    assert receipts == {SEALER.receipt_key(hash_receipt(code)) for code in outcomes.saved.values()}
    assert not set(comments) & set(outcomes.not_saved)
