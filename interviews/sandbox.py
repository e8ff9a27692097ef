"""Parse uploaded files in a child process, with time, memory and decompressed-size limits.

An upload is untrusted: a 1.6 MB .docx that unpacks to 451 MB once kept the web
server busy for minutes at 3.6 GB. So every upload a page parses goes through
:func:`parse_upload`, which hands the bytes to a fresh Python process
(``python -m interviews.sandbox_child``) that

* caps its own address space (``RLIMIT_AS``) and CPU time (``RLIMIT_CPU``) and may
  write no file, before it reads a byte of the upload;
* refuses a zip (.docx, .qdpx) unopened when any member, or all of them together,
  declares or actually inflates to more than ``min(absolute cap, ratio x its
  compressed size)``;
* refuses a .qdpx whose project.qde declares a DOCTYPE or nests deeper than any
  real project, in one streaming pass before the importer loads;
* then runs the ordinary parser and answers in JSON (never pickle, so a
  subverted child cannot run code in the server): plain data the web process
  only rebuilds objects from and stores, never parses again. Transcripts,
  interview CSVs, .qdpx projects, codebook CSVs and rosters all come this way.

The web process itself reads no more than a zip's end record, and its
directory only when that is small, so a bomb that says what it is is refused
before a child starts.

The parent waits at most ``wall_seconds`` from the moment the child has loaded
its libraries (which reads nothing of the upload, but can take seconds on a busy
machine) and kills the child after that. Only the calling session's script
thread waits (in ``select`` and ``communicate``, without the GIL), so everyone
else's pages keep loading. Every refusal is one line that
says what limit was hit.

This module is the web process's side and the public names; the rest lives in
:mod:`interviews.sandbox_limits` (the limits), :mod:`interviews.sandbox_zip` (zip and
XML pre-checks), :mod:`interviews.sandbox_runner` (starting and timing the child),
:mod:`interviews.sandbox_child` (the child itself) and :mod:`interviews.sandbox_parsers`
(the per-kind parsers and the JSON form their results travel in).
"""

from __future__ import annotations

import hashlib
import threading
import zipfile  # noqa: F401  (tests stub sandbox.zipfile.ZipFile to prove the web process reads no directory)
from collections import OrderedDict

from interviews.sandbox_limits import KINDS, LIMITS, MAX_XML_DEPTH, MAX_ZIP_MEMBERS, MIB, ZIP_KINDS, Limits, label_of
from interviews.sandbox_parsers import rebuild, tree
from interviews.sandbox_runner import Stopped, child_env, run_child
from interviews.sandbox_zip import check_declared, check_zip, end_record, too_many
from research.errors import FrontlineError

__all__ = ["KINDS", "LIMITS", "MAX_XML_DEPTH", "MAX_ZIP_MEMBERS", "MIB", "ZIP_KINDS", "Limits", "check_declared",
           "check_zip", "parse_upload"]

_child_env = child_env  # the names the sandbox had before its split
_tree = tree
_run_child = run_child


def parse_upload(kind: str, name: str, data: bytes, *, limits: Limits = LIMITS):
    """Parse an upload out of the web process and return what the in-process parser would.

    Args:
        kind: ``"transcript"`` (.txt, .md, .docx) returns a ``TranscriptPreview``;
            ``"csv"`` returns the ``read_csv_table`` DataFrame; ``"qdpx"`` returns
            the project as ``(root element, texts by GUID)`` for ``import_qdpx(project=...)``;
            ``"codebook"`` the rows for ``import_codebook_rows``; ``"roster"`` the
            names for ``replace_roster``. The web process never parses the bytes
            itself: it gets plain data back and only rebuilds objects from it.
        name: the uploaded file's name (only its base name is shown, and used for the extension).
        data: the file's bytes.
        limits: the child's limits.

    Raises:
        FrontlineError: the parser's own one-line message, or which limit the file broke.
    """
    if kind not in KINDS:
        raise ValueError(f"unknown upload kind {kind!r}")  # a programming error, not user input
    key = (kind, name, hashlib.sha256(data).hexdigest())  # not the limits: a stop is never cached (Stopped)
    with _CACHE_LOCK:
        cached = _CACHE.get(key)
        if cached is not None:
            _CACHE.move_to_end(key)
    if cached is None:
        cached = _outcome(lambda: _declared_then_child(kind, name, data, limits))
        with _CACHE_LOCK:
            _CACHE[key] = cached
            while len(_CACHE) > CACHE_SIZE:
                _CACHE.popitem(last=False)
    failure, value = cached
    if failure is not None:
        raise FrontlineError(failure)
    try:
        return rebuild(kind, value)  # fresh objects each time: the caller may change them, the cache stays as parsed
    except (TypeError, ValueError, IndexError, KeyError, AttributeError):  # only a subverted child answers so
        raise FrontlineError(f"{label_of(name)} could not be read: the reader answered out of form.") from None


CACHE_SIZE = 8
"""Streamlit reruns a page on every click, so the last few outcomes are kept, keyed by the bytes' digest."""
_CACHE: OrderedDict = OrderedDict()
_CACHE_LOCK = threading.Lock()


def _outcome(parse) -> tuple[str | None, object]:
    try:
        return None, parse()
    except Stopped:
        raise
    except FrontlineError as exc:
        return str(exc), None


def _declared_then_child(kind: str, name: str, data: bytes, limits: Limits):
    label = label_of(name)
    entries, directory = end_record(data)
    if entries is not None and entries > MAX_ZIP_MEMBERS:
        raise too_many(label, entries)
    if entries is not None and directory <= MAX_PARENT_DIRECTORY:
        check_declared(label, data, limits)  # a small directory: reading it here refuses a bomb at once
    return _run_child(kind, name, data, limits)  # the child checks again, under its memory limit


MAX_PARENT_DIRECTORY = 4 * MIB
"""The web process reads a zip's directory itself only when it is this small; a bigger (or ZIP64) one is the child's."""
