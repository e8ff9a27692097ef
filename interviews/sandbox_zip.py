"""The sandbox's pre-checks on zip archives (.docx, .qdpx) and on a project's XML, before any parser runs.

A zip is refused unopened when any member, or all of them together, declares or actually
inflates to more than ``min(absolute cap, ratio x its compressed size)``; a project.qde is
refused when it declares a DOCTYPE or nests deeper than any real project. Standard library only.
"""

from __future__ import annotations

import io
import struct
import zipfile

from interviews.sandbox_limits import MAX_XML_DEPTH, MAX_ZIP_MEMBERS, MIB, Limits, base_name
from research.errors import FrontlineError


def end_record(data: bytes) -> tuple[int | None, int]:
    """(entries, directory size) from a zip's end record, read without building its directory; None: not known."""
    at = data.rfind(b"PK\x05\x06", max(0, len(data) - 22 - 65535))  # the record, after at most a 64 kB comment
    if at < 0 or len(data) < at + 22:
        return None, 0
    entries, directory = struct.unpack_from("<HI", data, at + 10)
    return (None, 0) if entries == 0xFFFF or directory == 0xFFFFFFFF else (entries, directory)


def too_many(label: str, entries: int) -> FrontlineError:
    """The refusal of an archive with more than ``MAX_ZIP_MEMBERS`` members."""
    return FrontlineError(f"{label} holds {entries:,} files, more than the {MAX_ZIP_MEMBERS:,} allowed; "
                          "it was refused unopened.")


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
        raise too_many(label, len(members))
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
    part = "" if member is None else f" ({base_name(member.filename)[:60]} alone may take {_size(allowed)})"
    return FrontlineError(f"{label} would unpack to {'more than ' if inflating else ''}{_size(unpacked)} from "
                          f"{_size(size)}, over the {_size(whole)} allowed for a file that size{part}; "
                          "it was refused unopened.")


def _size(n: int) -> str:
    return f"{n / 1024:.0f} kB" if n < MIB else f"{n / MIB:.1f}".removesuffix(".0") + " MB"


def too_deep() -> FrontlineError:
    """The refusal of a project nested deeper than ``MAX_XML_DEPTH``."""
    return FrontlineError(f"project.qde nests its elements more than {MAX_XML_DEPTH} deep, which no "
                          "REFI-QDA project does; the file was refused.")


def check_xml_shape(data: bytes) -> None:
    """Refuse a project.qde that declares a DOCTYPE or entities, or nests deeper than ``MAX_XML_DEPTH``.

    One streaming pass with expat (no tree, no entity expansion), before the archive is read
    into a tree, so these files are refused in a fraction of a second.
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
            raise too_deep()

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
