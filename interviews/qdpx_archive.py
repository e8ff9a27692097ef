"""Read a .qdpx archive: project.qde as an element tree and the plain text of its sources and notes.

It imports no database, pandas or redaction code, so the upload sandbox's child
(:mod:`interviews.sandbox_child`) reads a project without loading the importer's libraries
(about 1.3 s of CPU on a busy machine, under a 6 s limit). :mod:`interviews.refi_qda` uses the same reader.
"""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
import zipfile
import zlib
from xml.parsers import expat

from research.errors import FrontlineError
from research.qdpx_format import NS

MAX_ARCHIVE_BYTES = 50 * 1024 * 1024  # uncompressed project.qde + sources read, all together


def guid_key(value: str | None) -> str:
    """A GUID as a lookup key: tools write them with or without braces, in either case."""
    return (value or "").strip().strip("{}").lower()


def qualified(path: str) -> str:
    """An element path in the QDA-XML namespace (``*`` stays a wildcard)."""
    return "/".join(part if part == "*" else f"{{{NS}}}{part}" for part in path.split("/"))


def _refuse_doctype(*_args: object) -> None:
    raise FrontlineError("project.qde declares a DOCTYPE or entities; such files are refused (XML entity attacks).")


def _member(path: str) -> str:
    """The archive member an ``internal://`` path names, refusing paths that leave ``sources/``."""
    relative = path[len("internal://"):] if path.startswith("internal://") else ""
    parts = relative.replace("\\", "/").split("/")
    if not relative or ":" in relative or any(part in ("", ".", "..") for part in parts):
        raise FrontlineError(f"The source path {path!r} points outside the archive; only internal:// files are read.")
    return "sources/" + "/".join(parts)


def read_archive(data: bytes) -> tuple[ET.Element, dict[str, str]]:
    """Parse project.qde and read the plain text of every source and note, or refuse the archive.

    Returns:
        The project's root element and the texts keyed by :func:`guid_key` of their element's GUID.

    Raises:
        FrontlineError: not a zip, no project.qde, a DOCTYPE, malformed XML, a path outside ``sources/``,
            more than ``MAX_ARCHIVE_BYTES`` of text, or a source that is not UTF-8.
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError):
        raise FrontlineError("This is not a .qdpx file: it is not a zip archive, or it was cut short (download or "
                             "copy it again).") from None
    budget = MAX_ARCHIVE_BYTES

    def read(name: str) -> bytes:
        nonlocal budget
        try:
            info = archive.getinfo(name)
        except KeyError:
            raise FrontlineError(f"The archive has no {name}.") from None
        budget -= info.file_size  # checked before decompressing: a zip bomb is refused unread
        if budget < 0:
            raise FrontlineError(f"The archive holds more than {MAX_ARCHIVE_BYTES // 2**20} MB of project text.")
        try:
            with archive.open(info) as handle:
                return handle.read(info.file_size)
        except (zipfile.BadZipFile, RuntimeError, NotImplementedError, OSError, EOFError, zlib.error) as exc:
            raise FrontlineError(f"{name} cannot be read from the archive: {exc}") from None

    raw = read("project.qde")
    scanner = expat.ParserCreate()
    scanner.StartDoctypeDeclHandler = scanner.EntityDeclHandler = _refuse_doctype
    try:
        scanner.Parse(raw, True)
        root = ET.fromstring(raw)
    except (expat.ExpatError, ET.ParseError) as exc:
        raise FrontlineError(f"project.qde is not well-formed XML: {exc}") from None
    if root.tag != f"{{{NS}}}Project":
        raise FrontlineError(f"project.qde is not a REFI-QDA project: its root is not Project in {NS}.")
    texts = {}
    for element in [*root.iterfind(qualified("Sources/TextSource")), *root.iterfind(qualified("Notes/Note"))]:
        if path := element.get("plainTextPath"):
            try:
                texts[guid_key(element.get("guid"))] = read(_member(path)).decode("utf-8-sig")
            except UnicodeDecodeError:
                raise FrontlineError(f"{path} is not UTF-8 text.") from None
        elif (content := element.find(qualified("PlainTextContent"))) is not None:
            texts[guid_key(element.get("guid"))] = content.text or ""
    return root, texts
