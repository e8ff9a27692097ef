"""The embedding and score cache: a SQLite file beside the data, keyed by a hash of each text.

It lives in the store layer, below analysis and pulse, because two layers use it: the analysis
(:func:`research.analysis.embeddings.embed_texts`, sentiment scores) fills it, and erasing comments
(:mod:`research.pulse.retention`) must remove what it holds of them. Deleting the file costs only time.
Each entry records when it was last used, so the worker can evict what no analysis needs any more
(:meth:`EmbeddingCache.evict_unused`) and the file does not grow for ever.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from research.errors import FrontlineError

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np


class CacheBusy(FrontlineError):
    """Another process holds the embedding cache, so erased entries could not be removed for good."""


_UNRECORDED = "\x00unrecorded"
"""The ``namespaces`` entry of a table filled before namespaces were recorded."""

DEFAULT_BACKEND = "onnx-int8"
"""The backend whose vectors take the plain model-name keys (as do vectors from models that name no backend)."""

_BACKENDS_KEYED = "\x00backends keyed"
"""The ``namespaces`` entry saying plain keys hold :data:`DEFAULT_BACKEND`'s vectors. A cache without it was
written when PyTorch made every vector under plain keys, so its vectors are dropped once (one re-run's time)."""


TOUCH_SECONDS = 3600.0
"""How old an entry's last-use time may get before a read rewrites it: reads (the Topic explorer page's
included) then write at most once an hour per entry, and eviction allows that hour of slack."""

DAY_SECONDS = 86400


class EmbeddingCache:
    """Embeddings by text hash in a SQLite file beside the data, so re-runs embed only new texts.

    It is a cache, not part of the schema: deleting the file costs only time.
    Keys include the model name and, except for the default ONNX int8, the backend (PyTorch, ONNX float32), so
    switching models or backends never mixes vectors; a cache from before backends were keyed held PyTorch
    vectors under the default's keys and is emptied of vectors when first opened. A key is a hash of the text, so it
    would confirm a guessed comment: :meth:`forget` removes the entries of erased comments, and the file runs
    with ``secure_delete`` so removed bytes are overwritten. The ``namespaces`` table remembers every model
    name and score version keys were made with, so :meth:`forget` also finds entries made before the model
    or the sentiment terms changed. The last topic fit's topic of each text (``topic_members``, by the same kind
    of key) lets an analysis that adds a few comments extend that fit (:mod:`research.analysis.topic_memory`).
    Each row's ``used`` column holds when it was last stored or read (Unix seconds from ``clock``), for
    :meth:`evict_unused`.
    """

    def __init__(self, path: Path, model_name: str, *, clock: Callable[[], float] = time.time):
        import sqlite3

        path.parent.mkdir(parents=True, exist_ok=True)
        self._clock = clock
        self._db = sqlite3.connect(path, timeout=30, check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA secure_delete=ON")
        self._db.execute("CREATE TABLE IF NOT EXISTS vectors (key TEXT PRIMARY KEY, vector BLOB NOT NULL, used REAL)")
        self._db.execute("CREATE TABLE IF NOT EXISTS scores (key TEXT PRIMARY KEY, score REAL NOT NULL, used REAL)")
        self._db.execute("CREATE TABLE IF NOT EXISTS topic_members (key TEXT PRIMARY KEY, generation INTEGER NOT NULL, "
                         "topic INTEGER NOT NULL, used REAL)")
        self._db.execute("CREATE TABLE IF NOT EXISTS topic_fits (space TEXT PRIMARY KEY, generation INTEGER NOT NULL, "
                         "fit TEXT NOT NULL)")
        for table in ("vectors", "scores", "topic_members"):
            self._record_use_in(table)
        with self._db:
            recorded = self._db.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'namespaces'").fetchone()
            self._db.execute("CREATE TABLE IF NOT EXISTS namespaces (tbl TEXT NOT NULL, name TEXT NOT NULL, "
                             "PRIMARY KEY (tbl, name))")
            if not recorded:  # a cache from before namespaces were kept: its keys' models are unknown
                for table in ("vectors", "scores"):
                    if self._db.execute(f"SELECT 1 FROM {table} LIMIT 1").fetchone():
                        self._note(table, _UNRECORDED)
            elif not self._db.execute("SELECT 1 FROM namespaces WHERE tbl = 'vectors' AND name = ?",
                                      (_BACKENDS_KEYED,)).fetchone():
                # PyTorch vectors under the keys the default backend now uses: never read them as its own
                self._db.execute("DELETE FROM vectors")
                self._db.execute("DELETE FROM namespaces WHERE tbl = 'vectors'")
            self._note("vectors", _BACKENDS_KEYED)
        self._model = model_name
        self._path = path

    def _record_use_in(self, table: str) -> None:
        """Give a table from before last use was recorded its ``used`` column (left empty: such a row counts as
        used at the first eviction that sees it), and index it so eviction reads no vectors."""
        import sqlite3

        if "used" not in {row[1] for row in self._db.execute(f"PRAGMA table_info({table})")}:
            try:
                self._db.execute(f"ALTER TABLE {table} ADD COLUMN used REAL")
            except sqlite3.OperationalError as exc:  # another process added it first
                if "duplicate column" not in str(exc):
                    raise
        self._db.execute(f"CREATE INDEX IF NOT EXISTS {table}_used ON {table} (used)")

    @staticmethod
    def _hash(namespace: str, text: str) -> str:
        import hashlib

        return hashlib.sha256(f"{namespace}\x00{text}".encode()).hexdigest()

    def _space(self, backend: str | None) -> str:
        """The key namespace of this model's vectors from ``backend``: the model name alone for the default
        backend (and models that name none), the name and the backend for the others."""
        return self._model if backend in (None, DEFAULT_BACKEND) else f"{self._model}\x00{backend}"

    def _note(self, table: str, name: str) -> None:
        """Remember that ``table`` holds keys made with ``name``, inside the caller's transaction."""
        self._db.execute("INSERT OR IGNORE INTO namespaces (tbl, name) VALUES (?, ?)", (table, name))

    def _lookup(self, table: str, column: str, keys: list[str]) -> dict[str, Any]:
        """Stored values by key (bytes from ``vectors``, floats from ``scores``), asked for in chunks that stay
        under SQLite's parameter limit; the rows found are recorded as used."""
        found: dict[str, Any] = {}
        stale: list[str] = []
        cutoff = self._clock() - TOUCH_SECONDS
        for start in range(0, len(keys), 500):
            chunk = keys[start:start + 500]
            for key, value, used in self._db.execute(
                    f"SELECT key, {column}, used FROM {table} WHERE key IN ({','.join('?' * len(chunk))})", chunk):
                found[key] = value
                if used is None or used < cutoff:
                    stale.append(key)
        if stale:
            self._touch(table, stale)
        return found

    def _touch(self, table: str, keys: list[str]) -> None:
        """Record that ``keys`` were used now. Best effort: a file too busy to write only delays it to a later
        read, and a reader must not fail for it."""
        import sqlite3

        now = self._clock()
        try:
            with self._db:
                for start in range(0, len(keys), 500):
                    chunk = keys[start:start + 500]
                    self._db.execute(f"UPDATE {table} SET used = ? WHERE key IN ({','.join('?' * len(chunk))})",
                                     [now, *chunk])
        except sqlite3.OperationalError:
            pass

    def get_many(self, texts: list[str], backend: str | None = None) -> dict[str, np.ndarray]:
        """Vectors cached for ``texts`` by ``backend`` (never another backend's), by text."""
        import numpy as np

        space = self._space(backend)
        keys = {self._hash(space, t): t for t in set(texts)}
        return {keys[k]: np.frombuffer(blob, dtype=np.float32)
                for k, blob in self._lookup("vectors", "vector", list(keys)).items()}

    def put_many(self, vectors: dict[str, np.ndarray], backend: str | None = None) -> None:
        """Store vectors ``backend`` made, recording the namespace so :meth:`forget` finds them."""
        import numpy as np

        space, now = self._space(backend), self._clock()
        with self._db:
            self._note("vectors", space)
            self._db.executemany(
                "INSERT OR REPLACE INTO vectors (key, vector, used) VALUES (?, ?, ?)",
                [(self._hash(space, t), np.asarray(v, dtype=np.float32).tobytes(), now) for t, v in vectors.items()],
            )

    def scores(self, texts: list[str], version: str, score) -> list[float]:
        """Per-text scores (e.g. sentiment) under ``version``, computing and storing only the missing ones."""
        keys = [self._hash(version, t) for t in texts]
        known = self._lookup("scores", "score", list(dict.fromkeys(keys)))
        missing = {k: t for k, t in zip(keys, texts) if k not in known}
        fresh = {k: float(score(t)) for k, t in missing.items()}
        if fresh:
            with self._db:
                self._note("scores", version)
                now = self._clock()
                self._db.executemany("INSERT OR REPLACE INTO scores (key, score, used) VALUES (?, ?, ?)",
                                     [(k, v, now) for k, v in fresh.items()])
            known.update(fresh)
        return [known[k] for k in keys]

    def _topic_space(self, space: str) -> str:
        return f"topics\x00{self._model}\x00{space}"

    def topic_fit(self, space: str) -> tuple[int, dict] | None:
        """The last full topic fit recorded under ``space``: its generation and what it stored (JSON)."""
        import json

        row = self._db.execute("SELECT generation, fit FROM topic_fits WHERE space = ?",
                               (self._topic_space(space),)).fetchone()
        return (int(row[0]), json.loads(row[1])) if row else None

    def topic_members(self, texts: list[str], space: str, generation: int) -> dict[str, int]:
        """The topic each of ``texts`` had in fit ``generation`` under ``space`` (texts it did not hold are absent)."""
        keys = {self._hash(self._topic_space(space), t): t for t in set(texts)}
        found = self._lookup("topic_members", "generation || ':' || topic", list(keys))
        result = {}
        for key, value in found.items():
            held, topic = value.split(":")
            if int(held) == generation:
                result[keys[key]] = int(topic)
        return result

    def remember_topics(self, space: str, members: dict[str, int], fit: dict, *, new_fit: bool) -> int:
        """Store each text's topic (all of them after a full fit, the new ones after an extension) and the fit's
        words and stability; a full fit starts a new generation, so older memberships are never read again.
        Returns the generation."""
        import json

        namespace = self._topic_space(space)
        with self._db:
            self._note("topic_members", namespace)
            row = self._db.execute("SELECT generation FROM topic_fits WHERE space = ?", (namespace,)).fetchone()
            generation = (int(row[0]) + 1 if new_fit else int(row[0])) if row else 1
            self._db.execute("INSERT OR REPLACE INTO topic_fits (space, generation, fit) VALUES (?, ?, ?)",
                             (namespace, generation, json.dumps(fit)))
            now = self._clock()
            self._db.executemany(
                "INSERT OR REPLACE INTO topic_members (key, generation, topic, used) VALUES (?, ?, ?, ?)",
                [(self._hash(namespace, t), generation, int(topic), now) for t, topic in members.items()])
        return generation

    def forget(self, texts) -> int:
        """Remove every vector, score and remembered topic of ``texts``, and the vectors of their parts (the
        themes embed a comment's sentences and list items one by one: :func:`research.text_parts.parts_of`), and
        overwrite their bytes in the file; returns the rows. The remembered topic fits go too (their words may be
        the erased texts'). A vector a kept comment shares with an erased one's part goes too: that costs only
        its embedding on the next run.

        Keys are made for the cache's model and every model and score version recorded in ``namespaces``.
        Rows of a cache written before that table existed cannot be told apart, so such a table is
        emptied the first time (it costs one re-run's time). The file is then vacuumed, which also drops
        copies left in free space before ``secure_delete`` was on, and the write-ahead log is truncated.

        Raises:
            CacheBusy: another process holds the file, so the bytes may not be gone yet.
        """
        import sqlite3

        from research.text_parts import parts_of

        texts = {t for t in texts if isinstance(t, str)}
        with_parts = texts | {part for text in texts for part in parts_of(text)}  # parts are only ever embedded
        if not texts:
            return 0
        removed = 0
        try:
            with self._db:
                # A fit's words may come from the erased texts: the next analysis fits its topics afresh.
                self._db.execute("DELETE FROM topic_fits")
                for table in ("vectors", "scores", "topic_members"):
                    spaces = {n for (n,) in self._db.execute("SELECT name FROM namespaces WHERE tbl = ?", (table,))}
                    if _UNRECORDED in spaces:
                        removed += self._db.execute(f"DELETE FROM {table}").rowcount
                        self._db.execute("DELETE FROM namespaces WHERE tbl = ? AND name = ?", (table, _UNRECORDED))
                        continue
                    if table == "vectors":
                        spaces.add(self._model)
                    keys = [self._hash(space, t) for space in sorted(spaces)
                            for t in (with_parts if table == "vectors" else texts)]
                    for start in range(0, len(keys), 500):
                        chunk = keys[start:start + 500]
                        removed += self._db.execute(
                            f"DELETE FROM {table} WHERE key IN ({','.join('?' * len(chunk))})", chunk).rowcount
            self._db.execute("VACUUM")
            busy = self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0]
        except sqlite3.OperationalError as exc:
            raise CacheBusy(f"cannot clean the embedding cache {self._path} ({exc}); stop the analysis "
                            "workers and run again") from None
        if busy:
            raise CacheBusy(f"the embedding cache {self._path} is in use, so its log may still hold erased "
                            "entries; stop the analysis workers and run again")
        return removed

    def evict_unused(self, days: int) -> int:
        """Remove the vectors and scores no analysis or page has used for ``days`` days; returns the rows removed.

        Without this the file would keep every text ever analysed, long after the comments are gone from
        every wave anyone looks at. An entry from before last use was recorded counts as used at the first
        eviction that sees it. Nothing used within ``days`` days is removed (reads record use to within
        :data:`TOUCH_SECONDS`, which the cut-off allows for). Removed bytes are overwritten
        (``secure_delete``) and their pages reused, so the file stops growing rather than shrinking.

        Raises:
            CacheBusy: another process held the file for longer than the lock timeout.
        """
        import sqlite3

        now = self._clock()
        cutoff = now - days * DAY_SECONDS - TOUCH_SECONDS
        removed = 0
        try:
            with self._db:
                for table in ("vectors", "scores", "topic_members"):
                    self._db.execute(f"UPDATE {table} SET used = ? WHERE used IS NULL", (now,))
                    removed += self._db.execute(f"DELETE FROM {table} WHERE used < ?", (cutoff,)).rowcount
        except sqlite3.OperationalError as exc:
            raise CacheBusy(f"cannot evict unused entries from the embedding cache {self._path} ({exc})") from None
        return removed

    def close(self) -> None:
        self._db.close()


def cached_forms(texts: set[str]) -> set[str]:
    """Every form the analysis caches a text under: as stored, stripped, and with its runs of spaces and line
    breaks made single spaces (a coded text teaching the themes)."""
    return texts | {t.strip() for t in texts} | {" ".join(t.split()) for t in texts}


def forget_cached_texts(path: Path, model_name: str, forms: set[str]) -> int:
    """Remove ``forms`` (the :func:`cached_forms` of the texts erased, less any a kept text shares) and their
    parts from the cache at ``path``, if there is one; returns the rows removed. Raises :class:`CacheBusy` when
    another process holds it."""
    if not forms or not path.exists():
        return 0
    cache = EmbeddingCache(path, model_name)
    try:
        return cache.forget(forms)
    finally:
        cache.close()
