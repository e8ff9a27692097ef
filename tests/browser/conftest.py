"""A real `frontline serve` and Debian's Chromium driven by Playwright.

No browser is downloaded: Playwright launches /usr/bin/chromium. Under
``CI=true`` a missing Chromium fails the run instead of skipping it.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import expect

CHROMIUM = os.environ.get("FRONTLINE_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
BIN = Path(sys.executable).parent
# Screenshots the journeys take, kept after the run (ignored by git).
ARTIFACTS = Path(__file__).resolve().parents[2] / ".artifacts" / "browser"
ARTIFACTS.mkdir(parents=True, exist_ok=True)
# A page's rerun waits its turn for the CPU in CI, where the suite shares 2 cores with the server it drives and
# the workers that server starts: 5 s (Playwright's default for expect) was seen to end a wait for a rerun that came.
expect.set_options(timeout=15_000)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def frontline(*args: str, env: dict, stdin: str = "", timeout: float = 120) -> subprocess.CompletedProcess:
    result = subprocess.run([str(BIN / "frontline"), *args], input=stdin, text=True, capture_output=True,
                            env=env, timeout=timeout)
    assert result.returncode == 0, result.stderr
    return result


class Server:
    def __init__(self, env: dict, port: int, log_path: Path):
        self.env, self.port, self.log_path = env, port, log_path
        self.url = f"http://127.0.0.1:{port}"
        with log_path.open("w") as log:  # everything the server prints, for the tests that read it
            self.process = subprocess.Popen([str(BIN / "frontline"), "serve", "--port", str(port)], env=env,
                                            stdout=log, stderr=subprocess.STDOUT, text=True)

    def logs(self) -> str:
        """What the server and any worker it started have written to their logs so far."""
        files = dict.fromkeys([self.log_path, *Path(self.env["FRONTLINE_DATA_DIR"]).rglob("*.log")])
        return "\n".join(f.read_text(errors="replace") for f in files if f.is_file())

    def wait_healthy(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"frontline serve exited: {self.log_path.read_text()}")
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2) as response:
                    if response.read().decode() == "ok":
                        return
            except OSError:
                time.sleep(0.3)
        raise RuntimeError("frontline serve did not become healthy")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()


@pytest.fixture(scope="session")
def chromium_path() -> str:
    if not shutil.which(CHROMIUM):
        message = f"{CHROMIUM} not found: install Debian's chromium package (make test does)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return CHROMIUM


@pytest.fixture(scope="session")
def server(tmp_path_factory) -> Server:
    data = tmp_path_factory.mktemp("serve")
    env = {**os.environ, "FRONTLINE_DATA_DIR": str(data)}
    env.pop("FRONTLINE_DATABASE_URL", None)
    frontline("db", "upgrade", env=env)
    frontline("demo", env=env)
    frontline("analyze", "--db", env=env, timeout=600)  # the executive pages show its results
    server = Server(env, free_port(), data / "serve.log")
    server.artifacts = ARTIFACTS
    try:
        server.wait_healthy()
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def browser(chromium_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """A failed browser test's report carries what the page showed and the server's last lines: CI prints
    only the report, and a timeout alone does not say whether the page was on an error, a form or a spinner."""
    report = yield
    page = item.funcargs.get("page") if hasattr(item, "funcargs") else None
    if report.failed and call.when == "call" and page is not None:
        try:
            text = page.locator('[data-testid="stApp"]').inner_text(timeout=5_000)
        except Exception as exc:  # noqa: BLE001 - a closed or hung page is itself the finding
            text = f"(page text unavailable: {type(exc).__name__})"
        report.sections.append(("page at failure", f"{page.url}\n{text[-3000:]}"))
        server = item.funcargs.get("server")
        if server is not None:
            report.sections.append(("server log tail", server.logs()[-3000:]))
    return report


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(30_000)
    yield page
    context.close()


def wait_for_app(page) -> None:
    """Wait until Streamlit has connected and finished running the script."""
    page.wait_for_selector('[data-testid="stApp"][data-test-connection-state="CONNECTED"]')
    page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]')


def wait_until_settled(page, quiet_ms: int = 700) -> None:
    """Wait until the script has stayed finished for ``quiet_ms``, as a person reads the page before the first tap.

    In a clean-clone CI run the first answer, given the instant the form appeared, was dropped from the
    submission (the review then asked for it): a run that had not really ended yet. A second run can start
    just after :func:`wait_for_app` sees the first one end, so this waits for a quiet spell.
    """
    for _ in range(20):
        wait_for_app(page)
        page.wait_for_timeout(quiet_ms)
        if page.locator('[data-testid="stApp"][data-test-script-state="notRunning"]').count():
            return
    raise AssertionError("the page kept rerunning")


def session_cookie(page, *, other_than: str | None = None, timeout_s: float = 30) -> dict:
    """The staff session cookie once the browser has it (set by the app's route a moment after sign-in)."""
    deadline = time.monotonic() + timeout_s
    while True:
        cookie = next((c for c in page.context.cookies() if c["name"] == "frontline_session" and c["value"]), None)
        if cookie is not None and cookie["value"] != other_than:
            return cookie
        if time.monotonic() > deadline:
            raise AssertionError("the browser never got its session cookie")
        page.wait_for_timeout(100)


def wait_for_no_session_cookie(page, timeout_s: float = 30) -> None:
    """Wait until the browser holds no staff session cookie (the app's route deletes it a moment after the run)."""
    deadline = time.monotonic() + timeout_s
    while any(c["name"].endswith("frontline_session") for c in page.context.cookies()):
        if time.monotonic() > deadline:
            raise AssertionError("the browser kept its session cookie")
        page.wait_for_timeout(100)


def sign_in(page, base_url: str, username: str, password: str) -> None:
    page.goto(base_url)
    wait_for_app(page)
    page.get_by_role("textbox", name="Username").fill(username)
    page.get_by_role("textbox", name="Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    wait_for_app(page)
    settle_after_sign_in(page)


def settle_after_sign_in(page) -> None:
    """Wait for the sign-in's outcome; when signed in, for the session cookie and a quiet page too.

    The cookie arrives a moment after sign-in and its rerun closed a select box or an expander opened in between
    (seen in clean-clone runs under load): a person reads the page before the first tap.
    """
    menu = page.get_by_test_id("stSidebarNav")  # attached, not visible: a phone's menu starts folded away
    expect(menu.or_(page.get_by_text("Choose your own password to continue."))
           .or_(page.get_by_text("Wrong username or password.")).first).to_be_attached(timeout=30_000)
    if menu.count():
        session_cookie(page)
        wait_until_settled(page)


@pytest.fixture
def app_helpers():
    """The page helpers, handed to tests as a fixture (conftest modules are not importable)."""
    return wait_for_app, sign_in


@pytest.fixture
def add_user(server):
    """Create an account the way an administrator does: `frontline users add --password-stdin`."""
    def _add(username: str, role: str, password: str) -> None:
        frontline("users", "add", "--username", username, "--role", role, "--password-stdin",
                  env=server.env, stdin=password + "\n")
    return _add
