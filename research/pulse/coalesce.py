"""Run a job in one thread at a time, folding the calls that arrive meanwhile into one more round.

Fifty pulse sends a second each ask for the same release and the same scrub. Run one by one, they
queue for pooled connections and mostly find nothing left to do; folded together, one thread does
the work again once for all who asked while it was busy, and the rest return at once.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable


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
                while self._wanted.is_set() and not (over_budget := time.monotonic() > deadline):
                    self._wanted.clear()
                    total += job() or 0
            finally:
                self._running.release()
            if over_budget:  # started once the lock is free, so the background thread can take it
                threading.Thread(target=self.run, args=(job,), daemon=True, name="coalesced-job").start()
                return total
        return total


class CoalescedByKey:
    """A :class:`Coalesced` job per key (a wave, say): different keys run side by side."""

    def __init__(self) -> None:
        self._jobs: dict[object, Coalesced] = {}
        self._lock = threading.Lock()

    def run(self, key: object, job: Callable[[], int | None]) -> int:
        with self._lock:
            coalesced = self._jobs.setdefault(key, Coalesced())
        return coalesced.run(job)
