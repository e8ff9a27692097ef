"""The briefing as PDF: a real offline render with Debian's Chromium, and a plain message when it cannot be made."""

import os
import re
import shutil
import time
from datetime import date

import pytest
from pulse_builders import add_wave, answers

from research.findings import briefing_pdf as module
from research.findings.briefing import build_briefing
from research.findings.briefing_pdf import BriefingPdfError, briefing_pdf
from research.privacy.reporting import Thresholds
from research.store.engine import session_scope

CHROMIUM = os.environ.get("FRONTLINE_CHROMIUM", "/usr/bin/chromium")


@pytest.fixture
def chromium() -> str:
    if not shutil.which(CHROMIUM):
        message = f"{CHROMIUM} not found: install Debian's chromium package (make test does)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return CHROMIUM


def pdf_title(pdf: bytes) -> str:
    """The document title Chromium writes from the HTML <title>: UTF-16 hex, or a literal string."""
    found = re.search(rb"/Title\s*<FEFF([0-9A-Fa-f]*)>", pdf)
    if found:
        return bytes.fromhex(found.group(1).decode()).decode("utf-16-be")
    literal = re.search(rb"/Title\s*\((.*?)\)\s*/", pdf, flags=re.S)
    return literal.group(1).decode("latin-1") if literal else ""


def test_a_small_briefing_prints_offline_to_an_a4_pdf_under_2_mb(engine, chromium):
    with session_scope(engine) as session:
        wave = add_wave(session, "Small wave", date(2026, 9, 1), {
            "North": answers(6, morale=4), "South": answers(7, morale=2), "East": answers(2, morale=1)})
        briefing = build_briefing(session=session, wave_id=wave, job_id=None,
                                  thresholds=Thresholds(scores=5, comments=10))
    started = time.perf_counter()
    pdf = briefing_pdf(briefing.html, chromium=chromium)
    seconds = time.perf_counter() - started
    assert pdf.startswith(b"%PDF-") and pdf.rstrip().endswith(b"%%EOF")
    assert len(pdf) < 2_000_000
    assert pdf_title(pdf) == "Frontline briefing: Small wave"
    width, height = map(float, re.search(rb"/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]", pdf).groups())
    assert (round(width / 72 * 25.4), round(height / 72 * 25.4)) == (210, 297)  # A4, not US letter
    assert seconds < 60


def embedded(pdf: bytes) -> tuple[set[str], int]:
    """The PDF's fonts (subset prefix dropped) and how many images it holds: Chromium prints colour emoji as images."""
    fonts = {name.decode().split("+")[-1] for name in re.findall(rb"/BaseFont\s*/([A-Za-z0-9+_-]+)", pdf)}
    return fonts, pdf.count(b"/Subtype /Image")


def test_agents_emoji_and_chinese_words_print_rather_than_as_empty_boxes(chromium):
    """Quotes keep what agents typed; without the fonts `make test` installs, these printed as empty boxes."""
    def printed(words: str) -> tuple[set[str], int]:
        return embedded(briefing_pdf(f"<!doctype html><meta charset=utf-8><title>q</title><p>{words}</p>",
                                     chromium=chromium))

    latin_fonts, no_images = printed("The rota app crashes")
    assert no_images == 0
    assert printed("The rota app 😀 crashes 👍")[1] > 0
    assert printed("The rota app crashes 排班软件又崩溃了")[0] - latin_fonts  # a font with the Chinese glyphs


def test_without_a_renderer_the_message_says_the_html_is_still_offered(monkeypatch):
    monkeypatch.setattr(module, "CANDIDATES", ("no-such-frontline-renderer",))
    for chromium in (None, "/nonexistent/chromium"):
        with pytest.raises(BriefingPdfError) as raised:
            briefing_pdf("<!doctype html><title>x</title>", chromium=chromium)
        message = str(raised.value)
        assert message == ("No PDF renderer is installed on this server (Chromium was not found), so the briefing "
                           "is offered as HTML only.")


def fake_renderer(tmp_path, body: str) -> str:
    script = tmp_path / "fake-chromium"
    script.write_text(f"#!/bin/sh\n{body}\n", encoding="utf-8")
    script.chmod(0o755)
    return str(script)


def test_a_renderer_that_fails_or_hangs_gives_one_plain_line(tmp_path):
    with pytest.raises(BriefingPdfError, match=r"^The PDF could not be rendered \(Chromium exited with code 3"):
        briefing_pdf("<p>x</p>", chromium=fake_renderer(tmp_path, "echo noise >&2; exit 3"))
    started = time.perf_counter()
    with pytest.raises(BriefingPdfError) as raised:
        briefing_pdf("<p>x</p>", chromium=fake_renderer(tmp_path, "sleep 30 & sleep 30"), timeout=0.5)
    assert time.perf_counter() - started < 10  # the whole process group was stopped, helpers included
    assert str(raised.value) == ("The PDF took longer than 0.5 seconds to render and was stopped; the HTML briefing "
                                 "is still offered.")
    assert "\n" not in str(raised.value)
