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
