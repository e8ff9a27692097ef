"""The executive briefing as a PDF, printed offline by the system's Chromium.

The HTML briefing (:mod:`research.findings.briefing`) is already self-contained: inline SVG charts, no script,
nothing to fetch. This prints that same file to an A4 PDF with Debian's ``chromium`` in headless mode, run as
a subprocess with a time limit from a private temporary directory (profile, home and files all inside it and
deleted afterwards). Every host name resolves to nothing, so even a stray reference could not reach the
network. Chromium is the renderer the browser tests already install; a server without it still offers the
HTML, and the page says why there is no PDF.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from research.errors import FrontlineError

log = logging.getLogger(__name__)

CANDIDATES = ("chromium", "chromium-browser")
TIMEOUT_SECONDS = 60.0
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--disable-extensions", "--no-first-run",
         "--no-default-browser-check", "--mute-audio", "--hide-scrollbars", "--no-pdf-header-footer",
         "--host-resolver-rules=MAP * ~NOTFOUND")


class BriefingPdfError(FrontlineError):
    """No PDF renderer is installed, or it failed or ran out of time; the message is one plain line."""


def find_chromium() -> str | None:
    """The path of an installed Chromium, or None."""
    for name in CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    return None


def briefing_pdf(html: str, *, chromium: str | None = None, timeout: float = TIMEOUT_SECONDS) -> bytes:
    """Print a self-contained HTML briefing to PDF bytes (A4, as the briefing's print CSS lays it out).

    Args:
        html: the briefing as :func:`research.findings.briefing.build_briefing` returns it.
        chromium: the Chromium executable; found on the PATH when not given.
        timeout: seconds before the renderer is stopped.

    Raises:
        BriefingPdfError: no Chromium is installed, it exited without writing a PDF, or it took too long.
    """
    executable = chromium or find_chromium()
    if not executable or not os.access(executable, os.X_OK):
        raise BriefingPdfError("No PDF renderer is installed on this server (Chromium was not found), so the "
                               "briefing is offered as HTML only.")
    with tempfile.TemporaryDirectory(prefix="frontline-pdf-") as private:
        folder = Path(private)
        source, target = folder / "briefing.html", folder / "briefing.pdf"
        source.write_text(html, encoding="utf-8")
        command = [executable, *FLAGS, f"--user-data-dir={folder / 'profile'}", f"--print-to-pdf={target}",
                   source.as_uri()]
        code = _run(command, folder, timeout)
        pdf = target.read_bytes() if target.is_file() else b""
    if not pdf.startswith(b"%PDF-"):
        raise BriefingPdfError(f"The PDF could not be rendered (Chromium exited with code {code} and wrote no "
                               "PDF); the HTML briefing is still offered.")
    return pdf


def _run(command: list[str], home: Path, timeout: float) -> int:
    """Run the renderer in its own process group, so a timeout stops Chromium's helper processes too."""
    env = {**os.environ, "HOME": str(home), "XDG_CONFIG_HOME": str(home / "config"),
           "XDG_CACHE_HOME": str(home / "cache")}
    try:
        process = subprocess.Popen(command, cwd=home, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.PIPE, start_new_session=True)
    except OSError as error:
        raise BriefingPdfError(f"The PDF renderer could not be started ({error.strerror or 'not runnable'}); "
                               "the HTML briefing is still offered.") from None
    try:
        _, errors = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        raise BriefingPdfError(f"The PDF took longer than {timeout:g} seconds to render and was stopped; the "
                               "HTML briefing is still offered.") from None
    if process.returncode:
        log.warning("chromium exited with %s: %s", process.returncode, errors.decode(errors="replace")[-2000:])
    return process.returncode
