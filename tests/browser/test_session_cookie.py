"""The session-cookie routes of a real `frontline serve`, as a page on another site or a thief would call them."""

import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from research.accounts import cookie_session_id, resume_session, start_session
from research.store.engine import session_scope

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "app"))  # as tests/app do
from frontline_ui.session_cookie import cookie_fingerprint  # noqa: E402 - needs the line above

pytestmark = pytest.mark.browser

PASSWORD = "correct horse battery"


def post(server, route: str, body: str = "", headers: dict | None = None) -> tuple[int, dict]:
    request = urllib.request.Request(server.url + route, data=body.encode(), method="POST", headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers)
    except urllib.error.HTTPError as refused:
        return refused.code, dict(refused.headers)


def new_grant(engine, username: str = "res-cookie") -> str:
    with session_scope(engine) as session:
        return start_session(session=session, username=username).grant


def test_a_grant_sets_an_httponly_cookie_once_and_nothing_else_sets_or_clears_one(server, add_user):
    add_user("res-cookie", "researcher", PASSWORD)
    engine = create_engine(f"sqlite:///{server.env['FRONTLINE_DATA_DIR']}/frontline.db")
    grant = new_grant(engine)
    page_headers = {"X-Frontline-Session": "1", "Origin": server.url}

    assert post(server, "/api/session", grant)[0] == 403  # a plain form post from anywhere
    assert post(server, "/api/session", grant, {**page_headers, "Origin": "https://evil.example"})[0] == 403
    assert post(server, "/api/session", "not a grant", page_headers)[0] == 403
    assert post(server, "/api/session", "x" * 5000, page_headers)[0] == 403
    assert post(server, "/api/session", grant, {**page_headers, "Content-Length": "600000000"})[0] == 403

    status, headers = post(server, "/api/session", grant, page_headers)
    cookie = headers["set-cookie"]
    assert status == 204 and "HttpOnly" in cookie and "SameSite=strict" in cookie and "Path=/" in cookie
    token = cookie.split(";", 1)[0].split("=", 1)[1]
    assert token and grant not in cookie
    assert post(server, "/api/session", grant, page_headers)[0] == 403  # the grant worked once
    assert post(server, "/api/session", token, page_headers)[0] == 403  # and a cookie is no grant

    assert post(server, "/api/sign-out", "", {"Cookie": f"frontline_session={token}"})[0] == 403  # no header
    with session_scope(engine) as session:
        assert resume_session(session=session, token=token).account.username == "res-cookie"
    planted = {**page_headers, "Cookie": f"frontline_session=planted; frontline_session={token}"}
    assert post(server, "/api/sign-out", "", planted)[0] == 204  # two session cookies read as none ...
    with session_scope(engine) as session:
        assert resume_session(session=session, token=token) is not None  # ... so nothing was revoked by name
    # A page names the cookie it means to delete, by its session or, for a dead cookie, by a fingerprint:
    # the live cookie another tab got meanwhile is left alone.
    live = {**page_headers, "Cookie": f"frontline_session={token}"}
    with session_scope(engine) as session:
        live_id = cookie_session_id(session=session, token=token)
    for other in (f"only:{cookie_fingerprint('a dead token')}", f"session:{live_id + 1000}"):
        status, headers = post(server, "/api/sign-out", other, live)
        assert status == 204 and "set-cookie" not in {h.lower() for h in headers}
    assert post(server, "/api/sign-out", "only:" + "x" * 200, live)[0] == 413
    assert post(server, "/api/sign-out", "everything", live)[0] == 400
    with session_scope(engine) as session:
        assert resume_session(session=session, token=token) is not None
    status, headers = post(server, "/api/sign-out", f"session:{live_id}", live)
    assert status == 204 and "Max-Age=0" in headers["set-cookie"]

    # A cookie left idle overnight is deleted by its fingerprint, and nobody is recorded signing out.
    token = post(server, "/api/session", new_grant(engine), page_headers)[1]["set-cookie"].split(";")[0].split("=")[1]
    with session_scope(engine) as session:
        idle_id = cookie_session_id(session=session, token=token)
    with engine.begin() as connection:
        connection.execute(text("UPDATE staff_sessions SET last_seen_at = '2000-01-01 00:00:00' WHERE id = :id"),
                           {"id": idle_id})
    status, headers = post(server, "/api/sign-out", f"only:{cookie_fingerprint(token)}",
                           {**page_headers, "Cookie": f"frontline_session={token}"})
    assert status == 204 and "Max-Age=0" in headers["set-cookie"]
    with session_scope(engine) as session:
        assert resume_session(session=session, token=token) is None
        # The server is shared with the other browser tests: only this account's entries count.
        assert session.execute(text("SELECT count(*) FROM audit_events WHERE action = 'sign_out' "
                                    "AND actor = 'res-cookie'")).scalar() == 0
    token = post(server, "/api/session", new_grant(engine), page_headers)[1]["set-cookie"].split(";")[0].split("=")[1]

    status, headers = post(server, "/api/sign-out", "", {**page_headers, "Cookie": f"frontline_session={token}"})
    assert status == 204 and "Max-Age=0" in headers["set-cookie"]
    with session_scope(engine) as session:
        assert resume_session(session=session, token=token) is None  # revoked, not only deleted
    engine.dispose()


def test_behind_https_the_cookie_is_host_bound_and_secure(server, add_user):
    """A proxy ending TLS forwards plain HTTP; the page's Origin still says https, and the cookie follows it."""
    add_user("res-https", "researcher", PASSWORD)
    engine = create_engine(f"sqlite:///{server.env['FRONTLINE_DATA_DIR']}/frontline.db")
    with session_scope(engine) as session:
        grant = start_session(session=session, username="res-https").grant
    engine.dispose()
    host = server.url.split("://", 1)[1]
    status, headers = post(server, "/api/session", grant, {"X-Frontline-Session": "1", "Origin": f"https://{host}"})
    assert status == 204
    assert headers["set-cookie"].startswith("__Host-frontline_session=") and "Secure" in headers["set-cookie"]


def test_a_draft_sent_as_a_page_unloads_is_kept_for_the_cookies_account_only(server, add_user):
    """``/api/draft``: the text of a box sent by the page as it unloads (a websocket message would be lost)."""
    import json

    from research.accounts.drafts import kept_text

    add_user("res-unload", "researcher", PASSWORD)
    engine = create_engine(f"sqlite:///{server.env['FRONTLINE_DATA_DIR']}/frontline.db")
    with session_scope(engine) as session:
        grant = start_session(session=session, username="res-unload").grant
    page_headers = {"X-Frontline-Session": "1", "Origin": server.url}
    token = post(server, "/api/session", grant, page_headers)[1]["set-cookie"].split(";", 1)[0].split("=", 1)[1]
    signed_in = {**page_headers, "Cookie": f"frontline_session={token}"}
    draft = json.dumps({"place": "memo:interview:1", "text": "Memo: the  Monday freeze", "keepEmpty": False})

    assert post(server, "/api/draft", draft, {"Cookie": f"frontline_session={token}"})[0] == 403  # no header
    assert post(server, "/api/draft", draft, {**signed_in, "Origin": "https://evil.example"})[0] == 403
    assert post(server, "/api/draft", draft, page_headers)[0] == 403  # no session cookie
    assert post(server, "/api/draft", draft, {**page_headers, "Cookie": "frontline_session=forged"})[0] == 403
    assert post(server, "/api/draft", "not json", signed_in)[0] == 400
    assert post(server, "/api/draft", json.dumps({"place": 1, "text": "x"}), signed_in)[0] == 400
    assert post(server, "/api/draft", json.dumps({"place": "p" * 161, "text": "x"}), signed_in)[0] == 403  # no 500
    assert post(server, "/api/draft", json.dumps({"place": "p", "text": "x" * 200_000}), signed_in)[0] == 413
    with session_scope(engine) as session:
        assert kept_text(session=session, username="res-unload", place="memo:interview:1") is None  # none kept

    assert post(server, "/api/draft", draft, signed_in)[0] == 204
    with session_scope(engine) as session:
        assert kept_text(session=session, username="res-unload", place="memo:interview:1") == \
            "Memo: the  Monday freeze"
        actions = [a for (a,) in session.execute(
            text("SELECT action FROM audit_events WHERE actor = 'res-unload'")).all()]
    assert "session_resumed" not in actions  # acting for the account signs nothing in
    post(server, "/api/sign-out", "", signed_in)
    assert post(server, "/api/draft", draft, signed_in)[0] == 403  # a revoked session keeps nothing
    engine.dispose()
