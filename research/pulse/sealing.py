"""Seal pulse answers while they wait in the inbox, with a key the database never holds.

A waiting submission is written in the same transaction that flags its invite
used, so anything that keeps that transaction (PostgreSQL's write-ahead log and
its archives or replicas, a dead tuple an open snapshot keeps from VACUUM,
SQLite's ``-wal`` file) would pair an invite with its answers and receipt long
after the release. Sealed with authenticated encryption (Fernet: AES-128-CBC
and HMAC-SHA256), the payload tells a database administrator nothing; only the
web servers, which hold the key, open it when a batch is released.

The key is ``FRONTLINE_INBOX_KEY``, or one made on first use in the data
directory (owner-only). Every web replica needs the same key. Lose it, and the
answers still waiting cannot be released (the released ones are unaffected).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import os
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken

from research.errors import FrontlineError

NOT_SEALED = "a waiting pulse submission is not a sealed payload: it was not written by Frontline"


class Sealer:
    """Seals and opens inbox payloads (JSON-able dicts) with one key."""

    def __init__(self, key: bytes | str):
        try:
            self._fernet = Fernet(key)
        except (ValueError, TypeError):
            raise FrontlineError("FRONTLINE_INBOX_KEY is not a valid key: make one with "
                                 "Fernet.generate_key() (44 characters of URL-safe base64).") from None
        self._raw = base64.urlsafe_b64decode(key)
        # A key of its own for digests, derived from the whole key: never Fernet's signing key itself.
        self._digest_key = hmac.digest(self._raw, b"frontline pulse digest v1", "sha256")

    def for_purpose(self, purpose: bytes) -> Sealer:
        """A sealer with a key of its own for ``purpose``, derived from this one: what it seals cannot be moved
        into a table this sealer's payloads live in (or back) and still open there."""
        return Sealer(base64.urlsafe_b64encode(hmac.digest(self._raw, b"frontline " + purpose, "sha256")))

    @classmethod
    def from_settings(cls, settings) -> Sealer:
        """The configured key, or the data directory's own, made owner-only on first use."""
        if settings.inbox_key:
            return cls(settings.inbox_key)
        return cls(_key_file(settings.inbox_key_path))

    def seal(self, payload: dict, *, size: int = 0) -> dict:
        """``payload`` sealed, padded with spaces (JSON reads past them) to ``size`` bytes, or to the next
        multiple of it when longer, and stamped with time 0.

        A sealed token's length follows its payload's and Fernet stamps the second it was made, readably: a
        database administrator logging writes could pair an invite flagged used with its row's length and time,
        then match the length against the answers released later (an insider review matched one person of ten
        alone and the rest to two to four). With one ``size`` for a whole wave every row is alike in both.
        """
        data = json.dumps(payload).encode("ascii")
        if size > 0:
            data += b" " * (-len(data) % size)
        return {"sealed": self._fernet.encrypt_at_time(data, 0).decode("ascii")}

    def digest(self, name: str) -> str:
        """A keyed hash of ``name`` (64 hex digits): the database can store it, but not work it out from
        ``name`` without the key, so it cannot tell which stored digest is whose."""
        return hmac.new(self._digest_key, name.encode("utf-8"), hashlib.sha256).hexdigest()

    def receipt_key(self, receipt_hash: str) -> str:
        """What ``pulse_receipts`` stores for a receipt code's plain hash (:func:`research.pulse.submit.hash_receipt`).

        A plain hash of the code would let whoever reads the database and learns a code (over a shoulder, at a
        kiosk, from an agent told to show it) find that agent's response and every score in it: an insider
        review did so. Keyed, the code leads nowhere without the web servers' key.
        """
        return self.digest(f"receipt {receipt_hash}")

    def open(self, stored: dict) -> dict:
        """The payload of a stored row.

        Raises:
            FrontlineError: sealed with another key (a replica configured differently), or no sealed payload
                at all (a row written outside the application).
        """
        if canonical_token(stored) is None:
            raise FrontlineError(NOT_SEALED)
        try:
            payload = json.loads(self._fernet.decrypt(stored["sealed"].encode("ascii")))
        except InvalidToken:
            raise FrontlineError("a waiting pulse submission was sealed with another key: every web server "
                                 "needs the same FRONTLINE_INBOX_KEY") from None
        except ValueError:  # sealed with this key, but not JSON: not by :meth:`seal`
            raise FrontlineError(NOT_SEALED) from None
        if not isinstance(payload, dict):
            raise FrontlineError(NOT_SEALED)
        return payload


def canonical_token(stored: dict) -> str | None:
    """The sealed token of a stored payload as Fernet spells it, or None if it is no token at all.

    Fernet's decoding skips characters outside base64's alphabet, so one sealed token can be written in many
    ways (newlines or dots added) that all open to the same payload: whoever compares tokens compares this.
    """
    token = stored.get("sealed") if isinstance(stored, dict) else None
    if not isinstance(token, str):
        return None
    try:
        return base64.urlsafe_b64encode(base64.urlsafe_b64decode(token)).decode("ascii")
    except (ValueError, binascii.Error):
        return None


def is_canonical(stored: dict) -> bool:
    """Whether a stored payload's token is written exactly as Fernet writes it (see :func:`canonical_token`)."""
    token = canonical_token(stored)
    return token is not None and token == stored["sealed"]


def _key_file(path: Path) -> bytes:
    try:
        return path.read_bytes().strip()
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    key = Fernet.generate_key()
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process made it first: use theirs
        return path.read_bytes().strip()
    with os.fdopen(fd, "wb") as fh:
        fh.write(key)
    return key
