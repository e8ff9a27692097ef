"""Releases and scrubs asked for by many sends at once run once for all of them, and none is dropped."""

import threading
import time

from research.pulse.coalesce import Coalesced, CoalescedByKey


def test_calls_made_while_the_job_runs_are_folded_into_one_more_round():
    started, go_on = threading.Event(), threading.Event()
    rounds = []

    def job():
        rounds.append(len(rounds))
        if len(rounds) == 1:
            started.set()
            go_on.wait(5)
        return 1

    coalesced = Coalesced()
    runner = threading.Thread(target=lambda: rounds_run.append(coalesced.run(job)))
    rounds_run = []
    runner.start()
    started.wait(5)
    others = [coalesced.run(job) for _ in range(5)]  # five sends while the first release runs
    go_on.set()
    runner.join(5)

    assert others == [0] * 5  # each left the work to the running thread at once
    assert rounds_run == [2] and len(rounds) == 2  # which went round once more for all five


def test_a_runner_past_its_budget_hands_what_is_still_wanted_to_a_background_thread():
    coalesced = Coalesced(budget=0.05)
    done = threading.Event()
    rounds = []

    def job():
        rounds.append(threading.current_thread().name)
        if len(rounds) < 4:
            coalesced.run(job)  # another send asks meanwhile, as under steady load (and leaves it to us)
            time.sleep(0.03)
        else:
            done.set()

    started = time.monotonic()
    coalesced.run(job)
    assert time.monotonic() - started < 0.5  # the caller got its answer without doing every round
    assert done.wait(5), "the rest of the rounds were dropped"
    assert "coalesced-job" in rounds


def test_different_keys_run_side_by_side():
    by_key = CoalescedByKey()
    inside = threading.Barrier(2, timeout=5)
    results = []

    def job():
        inside.wait()  # both jobs inside at once, or the barrier times out
        return 1

    threads = [threading.Thread(target=lambda k=k: results.append(by_key.run(k, job))) for k in (1, 2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(5)
    assert results == [1, 1]


def test_a_failing_background_round_logs_only_the_error_type(caplog):
    coalesced = Coalesced(budget=0)  # past its budget after one round: the next round runs in the background
    failed = threading.Event()
    rounds = []

    def job():
        rounds.append(threading.current_thread().name)
        if len(rounds) == 1:
            coalesced.run(job)  # another send asks meanwhile
            return 1
        failed.set()
        raise ValueError("I hate my manager Kevin")  # as a database error may quote the answers it was moving

    with caplog.at_level("WARNING"):
        coalesced.run(job)
        assert failed.wait(5)
        for _ in range(50):  # the log line follows the raise on the background thread
            if caplog.records:
                break
            time.sleep(0.01)
    assert [r.getMessage() for r in caplog.records] == ["background round failed (ValueError); the next call retries"]


def test_a_failed_round_leaves_nothing_running_and_the_next_call_does_the_work():
    coalesced = Coalesced()
    rounds = []

    def failing():
        rounds.append("failed")
        coalesced.run(failing)  # a send asks meanwhile and leaves it to this round, which then fails
        raise ConnectionError("the database is restarting")

    try:
        coalesced.run(failing)
    except ConnectionError:
        pass
    started = time.monotonic()
    assert coalesced.wait_idle(5)  # nothing runs: a wait for the rows to settle does not hang
    assert time.monotonic() - started < 1
    assert coalesced.run(lambda: rounds.append("retried") or 1) == 1  # the next send's call does the work
    assert rounds == ["failed", "retried"]


def test_wait_idle_waits_for_a_background_round_to_finish():
    coalesced = Coalesced(budget=0)
    release = threading.Event()
    rounds = []

    def job():
        rounds.append(threading.current_thread().name)
        if len(rounds) == 1:
            coalesced.run(job)  # asked meanwhile: the next round goes to the background
            return 1
        release.wait(5)
        return 1

    coalesced.run(job)
    assert not coalesced.wait_idle(0.2)  # the background round is still running
    release.set()
    assert coalesced.wait_idle(5)
    assert rounds[1:] == ["coalesced-job"]
