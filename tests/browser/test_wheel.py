"""The built wheel is the product: installed into a new virtualenv, away from the checkout, it migrates,
seeds the demo and serves the app.

The new venv has no pip and downloads nothing. The wheel goes in with ``--no-deps``. Only then does a
``.pth`` line put this venv's site-packages (the dependencies already installed) *behind* the new
venv's own, so pip never sees the editable install here. The editable finder's own ``.pth`` is never
run from there, so ``research`` can only come from the wheel, and the test checks that it does.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import sysconfig
import time
import urllib.request
import zipfile
from pathlib import Path

import pytest
from wheel_recipe import BUILD_WHEEL, HEALTH_PATH, HEALTHY, INSTALL, MIGRATE, SERVE, SOURCES, WHEEL_GLOB

REPO = Path(__file__).resolve().parents[2]
# The app folder ships under another name (setup.py says why).
SHIPPED_AS = {"research": "research", "interviews": "interviews", "app": "frontline_app"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run(*command: str | Path, env: dict, cwd: Path, timeout: float = 120) -> str:
    result = subprocess.run([str(c) for c in command], check=False, env=env, cwd=cwd, capture_output=True, text=True,
                            timeout=timeout)
    assert result.returncode == 0, f"{command}: {result.stdout}\n{result.stderr}"
    return result.stdout


def build_wheel(tmp: Path, env: dict) -> Path:
    """Build from a copy of the sources, so no build/ or egg-info lands in the checkout others share."""
    source = tmp / "src"
    source.mkdir()
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info", "build")
    for name in SOURCES:
        path = REPO / name
        if path.is_dir():
            shutil.copytree(path, source / name, ignore=ignore)
        else:
            shutil.copy2(path, source / name)
    run(sys.executable, "-m", *BUILD_WHEEL, "--no-build-isolation", "--no-index", "-q", "-w", tmp / "dist", source,
        env=env, cwd=tmp)
    (wheel,) = (tmp / "dist").glob(WHEEL_GLOB)
    return wheel


def expected_files() -> set[str]:
    """Every module and data file in the source tree, by the path it has in the wheel."""
    found = set()
    for folder, shipped in SHIPPED_AS.items():
        for path in (REPO / folder).rglob("*"):
            if path.is_file() and "__pycache__" not in path.parts and path.suffix in (".py", ".typed", ".mako",
                                                                                      ".npz"):
                found.add(f"{shipped}/{path.relative_to(REPO / folder).as_posix()}")
    return found


def make_venv(tmp: Path, wheel: Path, env: dict) -> Path:
    """A venv holding only the wheel, with the already-installed dependencies appended to its path."""
    venv = tmp / "venv"
    run(sys.executable, "-m", "venv", "--without-pip", venv, env=env, cwd=tmp)
    python = venv / "bin" / "python"
    pip, install = INSTALL  # pip's --python goes between the two
    run(sys.executable, "-m", pip, "--python", python, install, "--no-deps", "--no-index", "-q", wheel,
        env=env, cwd=tmp)
    site = Path(run(python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))", env=env,
                    cwd=tmp).strip())
    (site / "zz_dependencies.pth").write_text(sysconfig.get_path("purelib") + "\n")
    return venv


def wait_healthy(process: subprocess.Popen, url: str, log: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"frontline serve exited: {log.read_text()}")
        try:
            with urllib.request.urlopen(f"{url}{HEALTH_PATH}", timeout=2) as response:
                if response.read().decode() == HEALTHY:
                    return
        except OSError:
            time.sleep(0.3)  # polling for readiness, not timing anything
    pytest.fail(f"frontline serve did not become healthy: {log.read_text()}")


@pytest.mark.browser
def test_the_wheel_installs_into_a_new_venv_and_serves(tmp_path, browser):
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("FRONTLINE_", "PYTHON", "VIRTUAL_ENV", "PIP_"))}
    env.update(HOME=str(tmp_path), FRONTLINE_DATA_DIR=str(tmp_path / "data"), PIP_NO_INDEX="1",
               PIP_DISABLE_PIP_VERSION_CHECK="1", HF_HUB_OFFLINE="1",
               NUMBA_CACHE_DIR=os.environ.get("NUMBA_CACHE_DIR", str(tmp_path / "numba")))
    wheel = build_wheel(tmp_path, env)
    shipped = set(zipfile.ZipFile(wheel).namelist())
    assert not expected_files() - shipped, f"missing from the wheel: {sorted(expected_files() - shipped)}"
    assert {"research/py.typed", "interviews/py.typed", "frontline_app/main.py",
            "frontline_app/frontline_asgi.py"} <= shipped

    venv = make_venv(tmp_path, wheel, env)
    elsewhere = tmp_path / "elsewhere"  # a working directory with no source tree to pick up
    elsewhere.mkdir()
    where = run(venv / "bin" / "python", "-c", "import importlib.util, research, interviews; "
                "print(research.__file__); print(interviews.__file__); "
                "print(importlib.util.find_spec('frontline_app').origin)", env=env, cwd=elsewhere)
    assert all(line.startswith(str(venv)) for line in where.splitlines()), where

    frontline = venv / "bin" / MIGRATE[0]
    assert "upgraded from empty" in run(frontline, *MIGRATE[1:], env=env, cwd=elsewhere)
    demo = run(frontline, "demo", env=env, cwd=elsewhere)
    assert "demo data created" in demo

    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log = tmp_path / "serve.log"
    with log.open("w") as out:
        server = subprocess.Popen([str(frontline), *SERVE[1:], "--port", str(port)], env=env, cwd=elsewhere,
                                  stdout=out, stderr=subprocess.STDOUT)
    try:
        wait_healthy(server, url, log)
        # serve exec'd Streamlit in place: its command line names the installed app, not app/ in the checkout
        command = Path(f"/proc/{server.pid}/cmdline").read_bytes().split(b"\0")
        assert str(venv).encode() in next(part for part in command if part.endswith(b"frontline_asgi.py"))
        with urllib.request.urlopen(url + "/", timeout=10) as response:
            page = response.read().decode()
        assert response.status == 200 and '<div id="root">' in page
        # the installed app's own scripts run: the demo researcher signs in and lands on their start page
        assert sign_in_as_researcher(browser, url, demo) == "Interview studies"
    finally:
        server.terminate()
        server.wait(timeout=20)


def sign_in_as_researcher(browser, url: str, demo_output: str) -> str:
    """Sign in with the demo researcher's printed password in Chromium; return the start page's heading.

    The suite's one Chromium (``browser``): a second Playwright in this process would refuse to start.
    """
    password = re.search(r"^  researcher +(\S+)$", demo_output, re.MULTILINE).group(1)
    context = browser.new_context()
    try:
        page = context.new_page()
        page.set_default_timeout(30_000)
        page.goto(url)
        wait_for_app(page)
        page.get_by_role("textbox", name="Username").fill("researcher")
        page.get_by_role("textbox", name="Password").fill(password)
        page.get_by_role("button", name="Sign in").click()
        wait_for_app(page)
        page.locator("h1", has_text="Interview studies").wait_for()
        return page.locator("h1").first.inner_text()
    finally:
        context.close()


def wait_for_app(page) -> None:
    page.wait_for_selector('[data-testid="stApp"][data-test-connection-state="CONNECTED"]')
    page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]')
