"""Single sign-on through a real local OpenID Connect provider (oidc-provider-mock), in Chromium.

One `frontline serve`, configured for the provider only through FRONTLINE_OIDC_* variables; the
provider's own authorize form is filled in as a person would. The database is checked afterwards.
"""

from __future__ import annotations

import os
import re
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from oidc_provider_mock import User, run_server_in_thread
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

FRONTLINE = str(Path(sys.executable).parent / "frontline")

EXECUTIVE = User(sub="erin-7f3", claims={"preferred_username": "erin.exec", "groups": ["staff", "fl-exec"]})
STRANGER = User(sub="quinn-2b1", claims={"preferred_username": "quinn", "groups": ["staff"]})


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_healthy(url: str, process: subprocess.Popen, log: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert process.poll() is None, f"frontline serve exited: {log.read_text()}"
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.read() == b"ok":
                    return
        except OSError:
            time.sleep(0.3)
    raise AssertionError(f"frontline serve did not become healthy: {log.read_text()}")


@pytest.fixture(scope="module")
def sso_server(tmp_path_factory):
    """A provider in a thread of this process, and one `frontline serve` configured for it by variables only."""
    data = tmp_path_factory.mktemp("sso")
    with run_server_in_thread(user_claims=[EXECUTIVE, STRANGER]) as provider:
        port = free_port()
        env = {**os.environ, "FRONTLINE_DATA_DIR": str(data),
               "FRONTLINE_OIDC_METADATA_URL":
                   f"http://localhost:{provider.server_port}/.well-known/openid-configuration",
               "FRONTLINE_OIDC_CLIENT_ID": "frontline", "FRONTLINE_OIDC_CLIENT_SECRET": "not-a-real-secret",
               "FRONTLINE_OIDC_REDIRECT_URI": f"http://127.0.0.1:{port}/oauth2callback",
               "FRONTLINE_OIDC_PROVIDER_NAME": "Example IdP",
               "FRONTLINE_OIDC_ROLES": "fl-research=researcher,fl-exec=executive,fl-admin=admin"}
        env.pop("FRONTLINE_DATABASE_URL", None)
        env.pop("FRONTLINE_CONFIG", None)
        subprocess.run([FRONTLINE, "db", "upgrade"], env=env, check=True, capture_output=True, timeout=120)
        log = data / "serve.log"
        with log.open("w") as out:
            process = subprocess.Popen([FRONTLINE, "serve", "--port", str(port)], env=env, stdout=out,
                                       stderr=subprocess.STDOUT)
        url = f"http://127.0.0.1:{port}"
        try:
            wait_healthy(url, process, log)
            yield url, data, log
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()


def sign_in_at_provider(page, url: str, subject: str, wait_for_app) -> None:
    page.goto(url)
    wait_for_app(page)
    page.get_by_role("button", name="Sign in with Example IdP").click()
    page.wait_for_url(re.compile(r"/oauth2/authorize"))  # the provider's own form
    page.locator('input[name="sub"]').fill(subject)
    page.get_by_role("button", name="Authorize").click()
    page.wait_for_url(re.compile(r"^http://127\.0\.0\.1:\d+/"))
    wait_for_app(page)


def test_provider_sign_in_gives_the_mapped_role_and_an_unmapped_user_is_refused(sso_server, browser,
                                                                                 app_helpers):
    wait_for_app, _ = app_helpers
    url, data, log = sso_server
    assert (data / "streamlit" / "secrets.toml").stat().st_mode & 0o077 == 0  # the client secret: owner only

    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(30_000)
    sign_in_at_provider(page, url, EXECUTIVE.sub, wait_for_app)
    expect(page.locator("h1").first).to_have_text("Findings overview", timeout=30_000)
    expect(page.get_by_role("link", name="Heatmap")).to_be_visible()
    expect(page.get_by_role("link", name="Users")).to_have_count(0)
    expect(page.get_by_role("link", name="Interview studies")).to_have_count(0)
    # Sign-out ends the Frontline session and Streamlit's identity (st.logout), by way of the provider.
    page.get_by_role("link", name="Account").click()
    wait_for_app(page)
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(re.compile(r"/oauth2/end_session"))
    page.get_by_role("button", name="End session").click()
    page.wait_for_url(re.compile(r"^http://127\.0\.0\.1:\d+/"))
    wait_for_app(page)
    expect(page.get_by_role("button", name="Sign in with Example IdP")).to_be_visible()
    expect(page.get_by_role("link", name="Findings overview")).to_have_count(0)
    context.close()

    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(30_000)
    sign_in_at_provider(page, url, STRANGER.sub, wait_for_app)
    expect(page.get_by_text("has no Frontline role")).to_be_visible()
    expect(page.get_by_role("link", name="Findings overview")).to_have_count(0)
    expect(page.get_by_role("button", name="Sign out of Example IdP")).to_be_visible()
    context.close()

    with sqlite3.connect(data / "frontline.db") as db:
        users = db.execute("SELECT username, role, password_hash FROM users").fetchall()
        events = db.execute("SELECT actor, action, subject FROM audit_events ORDER BY id").fetchall()
    assert [(name, role) for name, role, _ in users] == [("erin.exec", "executive")]
    assert users[0][2].startswith("sso:")  # marked as single sign-on: no password signs it in
    assert ("erin.exec", "sign_in", "single sign-on as executive") in events
    assert ("erin.exec", "user_created", "erin.exec (executive, single sign-on)") in events
    assert [row[1] for row in events if row[0] == "erin.exec"][-1] == "sign_out"
    assert not any("quinn" in " ".join(row) for row in events)
