"""The embedding cache records when each entry was last used and evicts what went unused, on an injected clock."""

import sqlite3

import numpy as np

from research.store.embedding_cache import DAY_SECONDS, EmbeddingCache

START = 1_800_000_000.0


class Clock:
    """A clock the test moves by hand, so nothing sleeps."""

    def __init__(self, now: float = START):
        self.now = now

    def __call__(self) -> float:
        return self.now

    def days_later(self, days: float) -> None:
        self.now += days * DAY_SECONDS


def vector(seed: int) -> np.ndarray:
    return np.random.default_rng(seed).random(4, dtype=np.float32)


def score(text: str) -> float:
    return float(len(text))


def rows(path, table: str) -> int:
    with sqlite3.connect(path) as db:
        return db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def test_entries_unused_for_more_than_the_days_go_and_used_ones_stay(tmp_path):
    clock = Clock()
    cache = EmbeddingCache(tmp_path / "cache.sqlite", "m", clock=clock)
    cache.put_many({"kept": vector(1), "gone": vector(2)})
    cache.scores(["kept", "gone"], "v1", score)
    clock.days_later(50)
    assert set(cache.get_many(["kept"])) == {"kept"}  # a read is a use
    assert cache.scores(["kept"], "v1", score) == [4.0]
    clock.days_later(50)  # "gone" unused for 100 days, "kept" for 50
    assert cache.evict_unused(90) == 2
    assert set(cache.get_many(["kept", "gone"])) == {"kept"}
    assert cache.scores(["kept"], "v1", lambda t: -1.0) == [4.0]  # still cached: the scorer is not asked
    cache.close()
    assert rows(tmp_path / "cache.sqlite", "vectors") == rows(tmp_path / "cache.sqlite", "scores") == 1


def test_nothing_used_within_the_days_is_evicted(tmp_path):
    clock = Clock()
    cache = EmbeddingCache(tmp_path / "cache.sqlite", "m", clock=clock)
    cache.put_many({"a": vector(1)})
    cache.scores(["a"], "v1", score)
    clock.days_later(90)  # exactly the limit: not yet more than 90 days
    assert cache.evict_unused(90) == 0
    clock.days_later(1.1)
    assert cache.evict_unused(90) == 2
    cache.close()


def test_a_cache_from_before_last_use_was_recorded_gets_the_column_and_counts_from_the_first_eviction(tmp_path):
    path = tmp_path / "old.sqlite"
    with sqlite3.connect(path) as db:  # the layout every earlier release wrote, with one entry
        db.execute("CREATE TABLE vectors (key TEXT PRIMARY KEY, vector BLOB NOT NULL)")
        db.execute("CREATE TABLE scores (key TEXT PRIMARY KEY, score REAL NOT NULL)")
        db.execute("CREATE TABLE namespaces (tbl TEXT NOT NULL, name TEXT NOT NULL, PRIMARY KEY (tbl, name))")
        db.execute("INSERT INTO namespaces VALUES ('vectors', ?)", ("\x00backends keyed",))
        db.execute("INSERT INTO vectors VALUES ('old-key', ?)", (vector(1).tobytes(),))
    clock = Clock()
    cache = EmbeddingCache(path, "m", clock=clock)
    EmbeddingCache(path, "m", clock=clock).close()  # a second opener finds the column already there
    with sqlite3.connect(path) as db:
        for table in ("vectors", "scores"):
            assert "used" in {row[1] for row in db.execute(f"PRAGMA table_info({table})")}
    assert cache.evict_unused(1) == 0  # unknown last use: counted from now, not evicted at once
    clock.days_later(2)
    assert cache.evict_unused(1) == 1
    cache.close()
    assert rows(path, "vectors") == 0
