"""Parse uploaded files in a child process, with time, memory and decompressed-size limits.

An upload is untrusted: a 1.6 MB .docx that unpacks to 451 MB once kept the web
server busy for minutes at 3.6 GB. So every upload a page parses goes through
:func:`parse_upload`, which hands the bytes to a fresh Python process
(``python -m interviews.sandbox``) that

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
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import math
import os
import select
import signal
import struct
import subprocess
import sys
import threading
import time
import zipfile
from collections import OrderedDict
from dataclasses import asdict, dataclass
from pathlib import Path

from research.errors import FrontlineError

MIB = 2**20
KINDS = ("transcript", "csv", "qdpx", "codebook", "roster")
ZIP_KINDS = {"qdpx"}  # plus a transcript named .docx
MAX_ZIP_MEMBERS = 10_000
MAX_XML_DEPTH = 100  # REFI-QDA nests Project/CodeBook/Codes/Code/Code...; a hundred levels is no real codebook


@dataclass(frozen=True)
class Limits:
    """What one parse may use. The defaults fit a 2-core server and any real interview file.

    Attributes:
        wall_seconds: the parent kills the child this long after it has loaded its libraries, whatever it is doing
            (with loading, about a second on an idle server, a refusal comes well within 10 s).
        cpu_seconds: the child's own CPU limit (the kernel stops it with SIGXCPU).
        memory_bytes: the child's address-space limit; Python and its libraries take about 360 MB of it.
        max_unpacked_bytes: no zip member, nor all together, may inflate to more than this.
        max_unpack_ratio: nor to more than this many times its compressed size...
        min_unpacked_allowance: ...except that anything may inflate to this much (tiny, very regular XML parts).
    """

    wall_seconds: float = 6.0
    cpu_seconds: int = 6
    memory_bytes: int = 1536 * MIB
    max_unpacked_bytes: int = 100 * MIB
    max_unpack_ratio: int = 100
    min_unpacked_allowance: int = 1 * MIB


LIMITS = Limits()


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
    key = (kind, name, hashlib.sha256(data).hexdigest())  # not the limits: a stop is never cached (_Stopped)
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
        return _rebuild(kind, value)  # fresh objects each time: the caller may change them, the cache stays as parsed
    except (TypeError, ValueError, IndexError, KeyError, AttributeError):  # only a subverted child answers so
        raise FrontlineError(f'"{_base_name(name)}" could not be read: the reader answered out of form.') from None


CACHE_SIZE = 8
"""Streamlit reruns a page on every click, so the last few outcomes are kept, keyed by the bytes' digest."""
_CACHE: OrderedDict = OrderedDict()
_CACHE_LOCK = threading.Lock()


class _Stopped(FrontlineError):
    """The child was stopped (time, CPU) or died: maybe only a busy moment, so never cached."""


def _outcome(parse) -> tuple[str | None, object]:
    try:
        return None, parse()
    except _Stopped:
        raise
    except FrontlineError as exc:
        return str(exc), None


def _declared_then_child(kind: str, name: str, data: bytes, limits: Limits):
    label = f'"{_base_name(name)}"'
    entries, directory = _end_record(data)
    if entries is not None and entries > MAX_ZIP_MEMBERS:
        raise _too_many(label, entries)
    if entries is not None and directory <= MAX_PARENT_DIRECTORY:
        check_declared(label, data, limits)  # a small directory: reading it here refuses a bomb at once
    return _run_child(kind, name, data, limits)  # the child checks again, under its memory limit


MAX_PARENT_DIRECTORY = 4 * MIB
"""The web process reads a zip's directory itself only when it is this small; a bigger (or ZIP64) one is the child's."""


def _end_record(data: bytes) -> tuple[int | None, int]:
    """(entries, directory size) from a zip's end record, read without building its directory; None: not known."""
    at = data.rfind(b"PK\x05\x06", max(0, len(data) - 22 - 65535))  # the record, after at most a 64 kB comment
    if at < 0 or len(data) < at + 22:
        return None, 0
    entries, directory = struct.unpack_from("<HI", data, at + 10)
    return (None, 0) if entries == 0xFFFF or directory == 0xFFFFFFFF else (entries, directory)


def _too_many(label: str, entries: int) -> FrontlineError:
    return FrontlineError(f"{label} holds {entries:,} files, more than the {MAX_ZIP_MEMBERS:,} allowed; "
                          "it was refused unopened.")


def _run_child(kind: str, name: str, data: bytes, limits: Limits):
    """Start the child, let it load its libraries, then give it the bytes and ``wall_seconds`` to answer.

    The clock starts when the child says it is ready: loading the libraries reads nothing from the
    upload, and on a busy machine it alone can take seconds, which must not count against a real file.
    """
    header = json.dumps({"kind": kind, "name": name, "limits": asdict(limits)}).encode()
    label = f'"{_base_name(name)}"'
    child = subprocess.Popen([sys.executable, "-B", "-m", "interviews.sandbox"], stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=_child_env(), cwd=_ROOT)
    try:
        with contextlib.suppress(OSError):  # it died already: its exit status says so below
            child.stdin.write(struct.pack(">I", len(header)) + header)
            child.stdin.flush()
        ready, _, _ = select.select([child.stdout], [], [], STARTUP_SECONDS)
        if not ready:
            raise _Stopped(f"{label} could not be read now: the server is too busy to start its reader; "
                           "try again in a minute.")
        if os.read(child.stdout.fileno(), 1) == READY:
            try:
                out, err = child.communicate(data, timeout=limits.wall_seconds)
            except subprocess.TimeoutExpired:
                raise _Stopped(f"{label} took longer than {limits.wall_seconds:g} s to read and was stopped; "
                               "split it into smaller files.") from None
        else:
            out, err = child.communicate()
    finally:
        if child.poll() is None:
            child.kill()
            child.communicate()
    return _answer(kind, label, subprocess.CompletedProcess(child.args, child.returncode, out, err), limits)


READY = b"R"
STARTUP_SECONDS = 60.0
"""How long the child may take to load its libraries before it reads the upload (only a very busy machine needs more than a second or two)."""


_ROOT = str(Path(__file__).resolve().parents[1])


def _child_env() -> dict[str, str]:
    """A bare environment: no database URL or other secret reaches code that reads hostile bytes.

    The maths libraries get one thread each, since their thread pools eat address space.
    """
    env = {k: v for k, v in os.environ.items() if k in _PASSED_ON or k.startswith("LC_")}
    env.update(OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", MKL_NUM_THREADS="1", PYTHONDONTWRITEBYTECODE="1",
               PYTHONPATH=_ROOT)
    return env


_PASSED_ON = {"PATH", "LANG", "TMPDIR", "HOME"}


def _answer(kind: str, label: str, done: subprocess.CompletedProcess, limits: Limits):
    """Turn the child's JSON (or its death) into the parsed value or one FrontlineError."""
    if done.returncode == -signal.SIGXCPU:
        raise _Stopped(f"{label} needed more than {limits.cpu_seconds} s of processing to read and was "
                             "stopped; split it into smaller files.")
    try:
        reply = json.loads(done.stdout)
    except ValueError:
        reply = None
    if done.returncode != 0 or not isinstance(reply, dict):
        how = f"signal {-done.returncode}" if done.returncode < 0 else f"status {done.returncode}"
        raise _Stopped(f"{label} could not be read: the reader stopped ({how}); the file may be damaged.")
    if "error" in reply:
        raise FrontlineError(str(reply["error"]))
    return reply["value"]


def _rebuild(kind: str, value):
    if kind == "transcript":
        from interviews.transcripts import TranscriptPreview, Turn

        return TranscriptPreview([Turn(q, a) for q, a in value["turns"]], list(value["skipped"]), value["format"])
    if kind == "csv":
        import pandas as pd

        return pd.DataFrame(value["rows"], columns=value["columns"],
                            index=pd.Index(value["index"], name="line"), dtype=str)
    if kind == "qdpx":
        return _tree(value["tree"]), dict(value["texts"])
    if kind == "codebook":
        return [dict(row) for row in value]
    return list(value)


def _flat(root) -> list[list]:
    """An element tree as a flat pre-order list of ``[parent index, tag, attributes, text, tail]``.

    Flat, so neither side recurses (nor does JSON) however deep the file nests; the depth is
    checked here, in the child, and a file nested deeper than any real project is refused.
    """
    nodes: list[list] = []
    stack = [(root, -1, 1)]
    while stack:
        element, parent, depth = stack.pop()
        if depth > MAX_XML_DEPTH:
            raise FrontlineError(f"project.qde nests its elements more than {MAX_XML_DEPTH} deep, which no "
                                 "REFI-QDA project does; the file was refused.")
        nodes.append([parent, element.tag, dict(element.attrib), element.text, element.tail])
        here = len(nodes) - 1
        stack.extend((child, here, depth + 1) for child in reversed(element))
    return nodes


def _tree(nodes: list[list]):
    """Rebuild :func:`_flat`'s list as elements: construction only, nothing is parsed."""
    import xml.etree.ElementTree as ET

    built = []
    for parent, tag, attrib, text, tail in nodes:
        element = ET.Element(str(tag), {str(k): str(v) for k, v in attrib.items()})
        element.text, element.tail = (None if t is None else str(t) for t in (text, tail))
        if parent >= 0:
            built[int(parent)].append(element)  # a parent always comes before its children
        built.append(element)
    return built[0]


def _base_name(name: str) -> str:
    return name.replace("\\", "/").rsplit("/", 1)[-1]


# ---- the child's side ---------------------------------------------------------------------------------------


def check_declared(label: str, data: bytes, limits: Limits) -> None:
    """Refuse a zip whose own directory declares more members or bytes than the limits allow.

    Reading the directory inflates nothing, so the web process does this before it starts a child:
    a bomb that says what it is gets its refusal at once.

    Raises:
        FrontlineError: too many members, or a member or the whole archive declared too large.
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError):
        return
    with archive:
        members = archive.infolist()
    if len(members) > MAX_ZIP_MEMBERS:
        raise _too_many(label, len(members))
    whole = _allowance(len(data), limits)
    if (declared := sum(m.file_size for m in members)) > whole:
        raise _too_big(label, declared, whole, len(data))


def check_zip(label: str, data: bytes, limits: Limits) -> None:
    """Refuse a zip that declares, or actually inflates to, more than the limits allow, reading it in chunks.

    A damaged or non-zip file passes: the format's own parser then says what is wrong with it.

    Raises:
        FrontlineError: a member or the whole archive would unpack too far.
    """
    check_declared(label, data, limits)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError):
        return
    with archive:
        whole = _allowance(len(data), limits)
        total = 0
        for member in archive.infolist():
            allowed = min(_allowance(member.compress_size, limits), whole - total)
            if member.file_size > allowed:
                raise _too_big(label, total + member.file_size, whole, len(data), member, allowed)
            total += _inflated_size(archive, member, allowed, label, len(data), whole, total)


def _allowance(compressed: int, limits: Limits) -> int:
    return min(limits.max_unpacked_bytes, max(limits.min_unpacked_allowance, limits.max_unpack_ratio * compressed))


def _inflated_size(archive, member, allowed: int, label: str, size: int, whole: int, total: int) -> int:
    """The member's real inflated size, stopping (and refusing) as soon as it passes ``allowed``."""
    seen = 0
    try:
        with archive.open(member) as handle:
            while chunk := handle.read(MIB):
                seen += len(chunk)
                if seen > allowed:
                    raise _too_big(label, total + seen, whole, size, member, allowed, inflating=True)
    except FrontlineError:
        raise
    except Exception:  # noqa: BLE001 - damaged, encrypted or exotic members are the parser's to report
        pass
    return seen


def _too_big(label, unpacked, whole, size, member=None, allowed=None, *, inflating=False) -> FrontlineError:
    """One line: how far the file would unpack, what its size allows, and (for one member) what that part allows."""
    part = "" if member is None else f" ({_base_name(member.filename)[:60]} alone may take {_size(allowed)})"
    return FrontlineError(f"{label} would unpack to {'more than ' if inflating else ''}{_size(unpacked)} from "
                          f"{_size(size)}, over the {_size(whole)} allowed for a file that size{part}; "
                          "it was refused unopened.")


def _size(n: int) -> str:
    return f"{n / 1024:.0f} kB" if n < MIB else f"{n / MIB:.1f}".removesuffix(".0") + " MB"


def _limit_self(limits: Limits) -> None:
    """Cap this process before it touches the upload; the kernel enforces these, not Python."""
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (limits.memory_bytes, limits.memory_bytes))
    spent = math.ceil(time.process_time())  # loading the libraries; the upload's own budget starts now
    resource.setrlimit(resource.RLIMIT_CPU, (limits.cpu_seconds + spent, limits.cpu_seconds + spent + 2))
    resource.setrlimit(resource.RLIMIT_FSIZE, (0, 0))  # the parser has no business writing files
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def _parse(kind: str, name: str, data: bytes, limits: Limits):
    """Run the ordinary in-process parser for ``kind``; returns something JSON can carry."""
    label = f'"{_base_name(name)}"'
    if kind == "transcript":
        from interviews.transcripts import check_upload, parse_transcript

        if check_upload(name, data) == "docx":
            check_zip(label, data, limits)
        preview = parse_transcript(name, data)
        return {"turns": [[t.question, t.answer] for t in preview.turns], "skipped": preview.skipped,
                "format": preview.format}
    if kind == "csv":
        from interviews.transcripts import check_upload, read_csv_table

        check_upload(name, data)
        table = read_csv_table(data)
        return {"columns": list(table.columns), "index": [int(i) for i in table.index],
                "rows": table.to_numpy().tolist()}
    if kind == "qdpx":
        check_zip(label, data, limits)
        _check_xml_shape(data)  # before the importer and its libraries load: these refusals come at once
        # The importer's own reader (it refuses DOCTYPEs and paths outside the archive), until it offers a public one.
        from interviews.refi_qda import _read_archive

        root, texts = _read_archive(data)
        return {"tree": _flat(root), "texts": texts}
    if kind == "codebook":
        from interviews.codebook_csv import read_codebook_rows

        return read_codebook_rows(data)
    from research.privacy.roster_file import parse_roster

    return parse_roster(data)


def _check_xml_shape(data: bytes) -> None:
    """Refuse a project.qde that declares a DOCTYPE or entities, or nests deeper than ``MAX_XML_DEPTH``.

    One streaming pass with expat (no tree, no entity expansion), before the importer and its
    libraries are even loaded, so these files are refused in a fraction of a second.
    """
    from xml.parsers import expat

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            raw = archive.read("project.qde")  # check_zip has bounded what it inflates to
    except (KeyError, zipfile.BadZipFile, ValueError, OSError, RuntimeError, NotImplementedError, EOFError):
        return  # the importer says what is missing or damaged
    depth = 0

    def start(*_args) -> None:
        nonlocal depth
        depth += 1
        if depth > MAX_XML_DEPTH:
            raise FrontlineError(f"project.qde nests its elements more than {MAX_XML_DEPTH} deep, which no "
                                 "REFI-QDA project does; the file was refused.")

    def end(*_args) -> None:
        nonlocal depth
        depth -= 1

    def doctype(*_args) -> None:
        raise FrontlineError("project.qde declares a DOCTYPE or entities; such files are refused (XML entity attacks).")

    scanner = expat.ParserCreate()
    scanner.StartElementHandler, scanner.EndElementHandler = start, end
    scanner.StartDoctypeDeclHandler = scanner.EntityDeclHandler = doctype
    try:
        scanner.Parse(raw, True)
    except expat.ExpatError:
        return  # not well-formed: the importer's own message says where


def _preload(kind: str) -> None:
    """Import what parsing ``kind`` needs before the upload is read (and before the parent's clock starts)."""
    import importlib

    for module in _MODULES.get(kind, ()):
        importlib.import_module(module)


_MODULES = {"transcript": ("interviews.transcripts",), "csv": ("interviews.transcripts",),
            # Not the .qdpx importer: its database libraries take seconds to load on a busy machine, and a hostile
            # project.qde is refused by the expat pass before they are needed (see _parse).
            "qdpx": (), "codebook": ("interviews.codebook_csv",),
            "roster": ("research.privacy.roster_file",)}


def _child() -> int:
    raw = sys.stdin.buffer
    size = struct.unpack(">I", raw.read(4))[0]
    header = json.loads(raw.read(size))
    limits = Limits(**header["limits"])
    _preload(header["kind"])
    _limit_self(limits)
    sys.stdout.buffer.write(READY)
    sys.stdout.buffer.flush()
    data = raw.read()
    label = f'"{_base_name(header["name"])}"'
    try:
        reply = {"value": _parse(header["kind"], header["name"], data, limits)}
    except FrontlineError as exc:
        if isinstance(exc.__cause__, MemoryError):
            reply = {"error": _memory_message(label, limits)}
        else:
            reply = {"error": str(exc)}
    except MemoryError:
        reply = {"error": _memory_message(label, limits)}
    except Exception as exc:  # noqa: BLE001 - a parser bug on hostile input is still a one-line refusal
        reply = {"error": f"{label} could not be read ({type(exc).__name__}); the file may be damaged."}
    sys.stdout.write(json.dumps(reply))
    return 0


def _memory_message(label: str, limits: Limits) -> str:
    return (f"{label} needed more than {limits.memory_bytes // MIB} MB of memory to read and was stopped; "
            "split it into smaller files.")


if __name__ == "__main__":
    sys.exit(_child())
