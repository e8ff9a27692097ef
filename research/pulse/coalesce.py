"""Run a job in one thread at a time, folding the calls that arrive meanwhile into one more round.

Fifty pulse sends a second each ask for the same release and the same scrub. Run one by one, they
queue for pooled connections and mostly find nothing left to do; folded together, one thread does
the work again once for all who asked while it was busy, and the rest return at once.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

logger = logging.getLogger(__name__)


class Coalesced:
    """One job, run by one thread at a time; a call made while it runs makes the runner go round again.

    A runner goes round for at most ``budget`` seconds, so under steady load no caller (an agent
    waiting for their receipt) is kept for long: what is still wanted then is handed to a
    background thread, which runs it the same way.
    """

    def __init__(self, budget: float = 1.0) -> None:
        self._running = threading.Lock()
        self._wanted = threading.Event()
        self._budget = budget
        self._handed_over = 0  # background rounds started and not yet finished
        self._count_lock = threading.Lock()

    def run(self, job: Callable[[], int | None]) -> int:
        """Run ``job`` (perhaps several times), or leave it to the thread running it now; return the sum of
        what this thread's runs returned (0 when another thread took the call over)."""
        self._wanted.set()
        total = 0
        deadline = time.monotonic() + self._budget
        while self._wanted.is_set():  # a call that came just as the runner finished is not dropped
            if not self._running.acquire(blocking=False):
                return total
            over_budget = False
            try:
                while self._wanted.is_set():
                    self._wanted.clear()
                    total += job() or 0
                    if self._wanted.is_set() and time.monotonic() > deadline:  # at least one round each
                        over_budget = True
                        break
            finally:
                self._running.release()
            if over_budget:  # started once the lock is free, so the background thread can take it
                with self._count_lock:
                    self._handed_over += 1
                threading.Thread(target=self._run_quietly, args=(job,), daemon=True, name="coalesced-job").start()
                return total
        return total

    def wait_idle(self, timeout: float) -> bool:
        """Wait until no round runs and no background round is still to run; False after ``timeout``.

        A round still wanted after a failed one (the database was down) waits for the next call, as the
        inbox's rows wait for the next send: nothing is running then, so this does not wait for it.
        """
        deadline = time.monotonic() + timeout
        while True:
            if not self._running.acquire(timeout=max(deadline - time.monotonic(), 0)):
                return False
            self._running.release()
            with self._count_lock:
                if not self._handed_over:
                    return True
            if time.monotonic() > deadline:
                return False
            time.sleep(0.01)  # a background round is about to start: let its thread take the lock

    def _run_quietly(self, job: Callable[[], int | None]) -> None:
        """The background round: no caller to raise to, and an error's text may quote what the job was moving
        (a pulse answer), so only its type is logged."""
        try:
            self.run(job)
        except Exception as exc:  # noqa: BLE001 - logged by type; the next call retries
            logger.warning("background round failed (%s); the next call retries", type(exc).__name__)
        finally:
            with self._count_lock:
                self._handed_over -= 1


class CoalescedByKey:
    """A :class:`Coalesced` job per key (a wave, say): different keys run side by side."""

    def __init__(self) -> None:
        self._jobs: dict[object, Coalesced] = {}
        self._lock = threading.Lock()

    def run(self, key: object, job: Callable[[], int | None]) -> int:
        with self._lock:
            coalesced = self._jobs.setdefault(key, Coalesced())
        return coalesced.run(job)

    def wait_idle(self, timeout: float) -> bool:
        """Wait until every key's rounds are done (:meth:`Coalesced.wait_idle`); False after ``timeout``."""
        deadline = time.monotonic() + timeout
        with self._lock:
            jobs = list(self._jobs.values())
        return all(job.wait_idle(max(deadline - time.monotonic(), 0)) for job in jobs)
