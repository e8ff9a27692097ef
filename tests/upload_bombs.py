"""Hostile uploads built in the test: small on disk, huge once unpacked."""

import io
import zipfile

import docx

MIB = 2**20


def word_file(*paragraphs: str) -> bytes:
    """A real .docx with one paragraph per argument."""
    document, out = docx.Document(), io.BytesIO()
    for text in paragraphs:
        document.add_paragraph(text)
    document.save(out)
    return out.getvalue()


def docx_bomb(unpacked_mib: int) -> bytes:
    """A real .docx whose document.xml is a valid Word body of ``unpacked_mib`` MiB of one paragraph.

    Written in chunks, so building the 451 MiB one of the issue (1.6 MB packed) needs no big buffer.
    """
    out = io.BytesIO()
    paragraph = b"<w:p><w:r><w:t>The billing tool froze again today.</w:t></w:r></w:p>"
    with zipfile.ZipFile(io.BytesIO(word_file("x"))) as normal, zipfile.ZipFile(out, "w") as bomb:
        for info in normal.infolist():
            if info.filename != "word/document.xml":
                bomb.writestr(info, normal.read(info), compress_type=zipfile.ZIP_DEFLATED)
                continue
            head = normal.read(info).partition(b"<w:body>")[0]
            big = zipfile.ZipInfo("word/document.xml")
            big.compress_type = zipfile.ZIP_DEFLATED
            with bomb.open(big, "w", force_zip64=True) as member:
                member.write(head + b"<w:body>")
                block = paragraph * (MIB // len(paragraph))
                for _ in range(unpacked_mib):
                    member.write(block)
                member.write(b"</w:body></w:document>")
    return out.getvalue()


QDA_NS = "urn:QDA-XML:project:1.0"


def qdpx(project_qde: bytes, sources: dict[str, bytes] | None = None) -> bytes:
    """A .qdpx archive holding ``project_qde`` and ``sources`` (member name to bytes), deflated."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("project.qde", project_qde)
        for name, data in (sources or {}).items():
            archive.writestr(name, data)
    return out.getvalue()


def qdpx_source_bomb(unpacked_mib: int) -> bytes:
    """A well-formed project whose one text source inflates to ``unpacked_mib`` MiB, written in chunks."""
    guid = "0b1c2d3e-0000-4000-8000-000000000001"
    project = (f'<?xml version="1.0" encoding="utf-8"?><Project xmlns="{QDA_NS}" name="Bomb"><Sources>'
               f'<TextSource guid="{guid}" name="s" plainTextPath="internal://{guid}.txt"/></Sources></Project>')
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("project.qde", project)
        info = zipfile.ZipInfo(f"sources/{guid}.txt")
        info.compress_type = zipfile.ZIP_DEFLATED
        with archive.open(info, "w", force_zip64=True) as member:
            block = b"The CRM froze again. " * (MIB // 21)
            for _ in range(unpacked_mib):
                member.write(block)
    return out.getvalue()


def qdpx_billion_laughs() -> bytes:
    """project.qde with the classic nested-entity expansion (a few hundred bytes that expand to gigabytes)."""
    entities = '<!ENTITY lol "lol">' + "".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">' for i in range(1, 10))
    return qdpx((f'<?xml version="1.0"?><!DOCTYPE Project [{entities}]>'
                 f'<Project xmlns="{QDA_NS}" name="&lol9;"/>').encode())


def qdpx_deeply_nested(depth: int = 50_000) -> bytes:
    """project.qde nesting ``depth`` elements inside one another: small on disk, a deep tree once parsed."""
    return qdpx((f'<Project xmlns="{QDA_NS}" name="Deep">' + "<Code>" * depth + "</Code>" * depth
                 + "</Project>").encode())
