"""Markup in an uploaded file's name, its CSV headers or its contents is shown as text on every upload page.

Each upload page is driven through its error and success paths with files whose names, headers, cells,
project names and source names hold markup: a script tag, a ``javascript:`` link, a remote image, a
link, bold text and an HTML link. Wherever the pages echo that text into an element Streamlit renders
as Markdown (alerts, captions, labels, flashed confirmations), it must be escaped: no link, image, tag,
bold text or bare address may be live. Each test also checks the markup did reach the page, escaped.
"""

import csv
import io
import re
from xml.sax.saxutils import quoteattr

from streamlit.testing.v1 import element_tree as et
from upload_bombs import QDA_NS, qdpx, qdpx_source_bomb

MARKUP = ('<script>alert(1)</script> [c](javascript:alert(1)) ![x](http://127.0.0.1:9/p.png) '
          '[Click](http://evil) **x** <a href="http://127.0.0.1:9/a">a</a>')
# A file's shown name is its base name (after the last slash), so names carry markup without slashes too.
NAME = '<script>alert(1)</script>[c](javascript:alert(1))**x**<a href=#>a</a>[Click](evil)'
GFM_URL = re.compile(r"(https?://|www(?=\.))([-.\w]+)([^ \t\r\n]*)", re.IGNORECASE)  # what remark-gfm links bare


def markdown_strings(node) -> list[str]:
    """The strings of ``node`` and its children that Streamlit renders as Markdown."""
    found = []
    if isinstance(node, (et.Markdown, et.AlertBase, et.HeadingBase, et.Toast)):
        found.append(str(node.value))
    if isinstance(node, et.Html):
        found.append("<html element>")
    if isinstance(node, (et.Widget, et.Expander, et.Tab, et.Metric)) and getattr(node, "label", None):
        found.append(node.label)
    if isinstance(node, et.Radio):
        found += [str(o) for o in node.options]
    for child in getattr(node, "children", {}).values():
        found += markdown_strings(child)
    return found


def live(markdown: str) -> list[str]:
    """What in a Markdown string would render as a link, an image, an HTML tag, bold text or an autolink."""
    found = [m.group(0) for m in re.finditer(r"(?<!\\)\[[^\]]*(?<!\\)\]\(", markdown)]
    found += [m.group(0) for m in re.finditer(r"(?<!\\)<[A-Za-z/!][^>]*>", markdown)]
    found += ["**x**"] if "**x**" in markdown else []
    found += ["<html element>"] if markdown == "<html element>" else []
    read = re.sub(r"\\(.)", r"\1", markdown)  # escapes are resolved before GFM looks for bare addresses
    return found + [m.group(0) for m in GFM_URL.finditer(read)]


class Page:
    """One page under test, collecting every Markdown string it renders after each run."""

    def __init__(self, make_app, page: str):
        self.at = make_app("researcher", "researcher").run()
        self.seen: list[str] = []
        self.run(self.at.switch_page(f"views/{page}.py"))

    def run(self, element) -> None:
        element.run()
        assert not self.at.exception, self.at.exception
        self.seen += markdown_strings(self.at._tree)

    def upload(self, key: str, name: str, data: bytes) -> None:
        uploader = next(u for u in self.at.file_uploader if u.key.startswith(key))
        self.run(uploader.set_value((name, data, "application/octet-stream")))

    def click(self, label: str) -> None:
        self.run(next(b for b in self.at.button if b.label == label).click())

    def errors(self) -> list[str]:
        return [e.value.replace("\\", "") for e in self.at.error]  # as read, escapes resolved

    def check(self) -> None:
        assert [(s, live(s)) for s in self.seen if live(s)] == []
        escaped = [s for s in self.seen if "javascript" in s or "Click" in s]
        assert escaped, "the uploaded markup should have been shown (escaped) somewhere"


def csv_bytes(*rows) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode()


def test_transcript_names_and_contents(make_app):
    page = Page(make_app, "interview_import")
    page.run(next(s for s in page.at.selectbox if s.label == "Participant").select_index(0))
    page.upload("import_transcript", NAME + ".txt", b"")  # refused: the message quotes the name
    page.upload("import_transcript", MARKUP + ".docx", b"not a zip")
    assert any("valid Word" in e for e in page.errors())
    page.upload("import_transcript", NAME + ".txt", f"Q: {MARKUP}?\nA: {MARKUP}\n\n{MARKUP}\n".encode())
    page.click("Import this transcript")
    page.check()


def test_interview_csv_headers_and_cells(make_app):
    page = Page(make_app, "interview_import")
    page.upload("import_csv", NAME + ".csv", csv_bytes([MARKUP, MARKUP], ["P01", "x"]))  # a header named twice
    assert any("more than once" in e for e in page.errors())
    page.upload("import_csv", NAME + ".csv", csv_bytes(
        [MARKUP, "answer " + MARKUP, "date " + MARKUP],
        [MARKUP, MARKUP, MARKUP], ["P01", "The CRM " + MARKUP, "2026-13-45"]))
    page.run(page.at.selectbox(key="map_participant").set_value(MARKUP))  # no header names a participant
    page.run(page.at.selectbox(key="map_answer").set_value("answer " + MARKUP))
    page.run(page.at.selectbox(key="map_date").set_value("date " + MARKUP))
    page.run(page.at.checkbox(key="import_csv_consent").check())
    page.click("Import these rows")
    page.check()


def test_codebook_headers_and_cells(make_app):
    page = Page(make_app, "codebook")
    page.upload("codebook_upload", NAME + ".csv", csv_bytes([MARKUP, "description"], ["x", "y"]))
    page.click("Import codes")
    assert any("needs a 'name' column" in e for e in page.errors())
    page.upload("codebook_upload", NAME + ".csv", csv_bytes(
        ["key", "name", "description", "colour", "parent"],
        ["k1", "Bad " + NAME, MARKUP, MARKUP, ""],  # names are at most 120 characters
        ["k2", "Good " + NAME, MARKUP, "#123456", MARKUP]))
    page.click("Import codes")
    assert any(s.value.startswith("Added 1") for s in page.at.success)
    page.run(page.at)  # the next run lists the new code's markup name in the codebook
    page.check()


def test_roster_file_names_and_names(make_app):
    page = Page(make_app, "pulse_links")
    page.upload("roster_upload", NAME + ".txt", b"\x00\x01binary")  # refused
    page.upload("roster_upload", NAME + ".txt", f"{MARKUP}\nDana Whitfield\n".encode())
    page.click("Replace the roster with this file")
    assert any("Roster replaced from" in s.value for s in page.at.success)
    page.check()


def qdpx_project(name: str) -> bytes:
    guid, empty = "1a2b3c4d-0000-4000-8000-000000000001", "1a2b3c4d-0000-4000-8000-000000000002"
    project = (f'<?xml version="1.0" encoding="utf-8"?><Project xmlns="{QDA_NS}" name={quoteattr(name)}>'
               f'<Cases><Case guid="k1" name={quoteattr(MARKUP)}><SourceRef targetGUID="{guid}"/></Case></Cases>'
               f'<Sources><TextSource guid="{guid}" name={quoteattr(MARKUP)} plainTextPath="internal://{guid}.txt"/>'
               f'<PictureSource guid="{empty}" name={quoteattr("Photo " + MARKUP)}/></Sources>'
               f'<Notes><Note guid="n1" name={quoteattr(MARKUP)}><PlainTextContent>{MARKUP.replace("<", "&lt;")}'
               f'</PlainTextContent></Note></Notes></Project>')
    return qdpx(project.encode(), {f"sources/{guid}.txt": MARKUP.encode()})


def test_qdpx_names_project_names_and_source_names(make_app):
    page = Page(make_app, "interview_import")
    page.upload("import_qdpx", NAME + ".qdpx", qdpx_source_bomb(20))  # refused: the message quotes the name
    page.click("Import project")
    assert any("would unpack" in e for e in page.errors())
    page.upload("import_qdpx", NAME + ".qdpx", qdpx_project(MARKUP))
    page.run(page.at.checkbox(key="import_qdpx_consent").check())
    page.click("Import project")
    assert any(s.value.startswith("Created a study") for s in page.at.success)
    page.upload("import_qdpx", NAME + ".qdpx", qdpx_project(MARKUP))  # the title is taken now
    page.click("Import project")
    assert any("already exists" in e for e in page.errors())
    page.check()
