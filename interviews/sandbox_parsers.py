"""The per-kind parsers the sandbox's child runs, and the plain JSON form their results travel in.

:func:`parse` runs in the child and returns only what JSON carries (lists, dicts, strings, numbers);
:func:`rebuild` runs in the web process and only constructs objects from that, never parses.
A .qdpx project travels as a flat list of elements (:func:`flat`, :func:`tree`), so neither side
recurses however deep a file nests.
"""

from __future__ import annotations

from interviews.sandbox_limits import MAX_XML_DEPTH, Limits, label_of
from interviews.sandbox_zip import check_xml_shape, check_zip, too_deep

MODULES = {"transcript": ("interviews.transcripts",), "csv": ("interviews.transcripts",),
           # The archive reader imports no database code; the pre-checks run before it is used.
           "qdpx": ("interviews.qdpx_archive",), "codebook": ("interviews.codebook_csv",),
           "roster": ("research.privacy.roster_file",)}
"""What parsing each kind imports: the child loads it before it reads the upload (and before the parent's clock)."""


def parse(kind: str, name: str, data: bytes, limits: Limits):
    """Run the ordinary in-process parser for ``kind``; returns something JSON can carry."""
    label = label_of(name)
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
        check_xml_shape(data)  # one streaming pass first: a hostile project.qde is refused before any tree is built
        from interviews.qdpx_archive import read_archive  # the importer's own reader, without its database code

        root, texts = read_archive(data)
        return {"tree": flat(root), "texts": texts}
    if kind == "codebook":
        from interviews.codebook_csv import read_codebook_rows

        return read_codebook_rows(data)
    from research.privacy.roster_file import parse_roster

    return parse_roster(data)


def rebuild(kind: str, value):
    """What the in-process parser would have returned, built from the child's plain answer."""
    if kind == "transcript":
        from interviews.transcripts import TranscriptPreview, Turn

        return TranscriptPreview([Turn(q, a) for q, a in value["turns"]], list(value["skipped"]), value["format"])
    if kind == "csv":
        import pandas as pd

        return pd.DataFrame(value["rows"], columns=value["columns"],
                            index=pd.Index(value["index"], name="line"), dtype=str)
    if kind == "qdpx":
        return tree(value["tree"]), dict(value["texts"])
    if kind == "codebook":
        return [dict(row) for row in value]
    return list(value)


def flat(root) -> list[list]:
    """An element tree as a flat pre-order list of ``[parent index, tag, attributes, text, tail]``.

    Flat, so neither side recurses (nor does JSON) however deep the file nests; the depth is
    checked here, in the child, and a file nested deeper than any real project is refused.
    """
    nodes: list[list] = []
    stack = [(root, -1, 1)]
    while stack:
        element, parent, depth = stack.pop()
        if depth > MAX_XML_DEPTH:
            raise too_deep()
        nodes.append([parent, element.tag, dict(element.attrib), element.text, element.tail])
        here = len(nodes) - 1
        stack.extend((child, here, depth + 1) for child in reversed(element))
    return nodes


def tree(nodes: list[list]):
    """Rebuild :func:`flat`'s list as elements: construction only, nothing is parsed."""
    import xml.etree.ElementTree as ET

    built: list[ET.Element] = []
    for parent, tag, attrib, text, tail in nodes:
        element = ET.Element(str(tag), {str(k): str(v) for k, v in attrib.items()})
        element.text, element.tail = (None if t is None else str(t) for t in (text, tail))
        if parent >= 0:
            built[int(parent)].append(element)  # a parent always comes before its children
        built.append(element)
    return built[0]
