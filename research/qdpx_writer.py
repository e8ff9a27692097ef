"""Writing REFI-QDA (.qdpx) projects: the pieces every export shares.

A study's interviews (:mod:`interviews.qdpx_export`) and a wave's released pulse comments
(:mod:`research.pulse.comments_qdpx`) are exported as separate projects with one codebook, so GUIDs come from
Frontline keys in one namespace: a code has the same GUID in both files, and a QDA tool that opens both sees
one code. The vocabulary itself is :mod:`research.qdpx_format`.
"""

from __future__ import annotations

import io
import uuid
import xml.etree.ElementTree as ET
import zipfile
from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Protocol

from research.qdpx_format import COLOUR, GUID_NAMESPACE, NOT_XML


class CodeLike(Protocol):
    """What a code's export reads of a codebook row."""

    id: int
    parent_id: int | None
    key: str
    name: str
    colour: str
    description: str


def guid(kind: str, key: object) -> str:
    return str(uuid.uuid5(GUID_NAMESPACE, f"{kind}:{key}"))


def sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: object) -> ET.Element:
    element = ET.SubElement(parent, tag, {k: NOT_XML.sub("", str(v)) for k, v in attrs.items()
                                                        if v is not None})
    if text is not None:
        element.text = NOT_XML.sub("", text)  # XML 1.0 cannot carry most control characters
    return element


def stamp(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    moment = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def zip_project(root: ET.Element, files: dict[str, bytes]) -> bytes:
    """project.qde and the sources as a zip whose bytes depend only on its contents."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path, data in [("project.qde", ET.tostring(root, encoding="utf-8", xml_declaration=True)),
                           *files.items()]:
            info = zipfile.ZipInfo(path)  # the fixed 1980 timestamp keeps the bytes reproducible
            info.external_attr = 0o644 << 16
            archive.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def export_codes(parent: ET.Element, codes: Sequence[CodeLike], memo_refs: Mapping[tuple[str, int], list[str]]
                 ) -> None:
    """Nest codes under their parents; codes caught in a parent cycle go at the top level. ``memo_refs`` gives
    the memo GUIDs attached to ("code", id)."""
    ids = {c.id for c in codes}
    children: dict[int | None, list[CodeLike]] = defaultdict(list)
    for code in codes:
        children[code.parent_id if code.parent_id in ids else None].append(code)
    emitted: set[int] = set()

    def add(under: ET.Element, code: CodeLike) -> None:
        emitted.add(code.id)
        element = sub(under, "Code", guid=guid("code", code.key), name=code.name, isCodable="true",
                      color=code.colour if COLOUR.fullmatch(code.colour or "") else None)
        if code.description:
            sub(element, "Description", code.description)
        for ref in memo_refs.get(("code", code.id), ()):
            sub(element, "NoteRef", targetGUID=ref)
        for child in children[code.id]:
            if child.id not in emitted:
                add(element, child)

    for code in [*children[None], *codes]:
        if code.id not in emitted:
            add(parent, code)
