"""The app's own HTTP routes that set and clear the staff session cookie, ``HttpOnly``.

Streamlit talks to the page over a websocket, which cannot set a cookie, and a
cookie written by script cannot be ``HttpOnly``: a script injected into the page
could read it. So after sign-in the page posts its one-time grant to
``/api/session``, which swaps it for the session's token
(:func:`research.accounts.exchange_grant`) and answers with ``Set-Cookie``:
``HttpOnly``, ``SameSite=Strict``, ``Path=/``, ``Secure`` on HTTPS, for the
session's lifetime. The page never sees the token; the browser sends it with
the websocket handshake of every reload, where ``st.context.cookies`` reads it.
``/api/sign-out`` revokes the session the cookie names and deletes the cookie. The page always says which
cookie it means, by the session it signed out of (``session:<id>``) or, for a cookie that resumed nothing, by
its :func:`cookie_fingerprint` (``only:<fingerprint>``), and the route acts only when the browser still sends
that cookie: a tab that learns late that its session ended never deletes the live cookie another tab's
sign-in has set meanwhile. Those requests write nothing to the audit trail (the sign-out was recorded when
it happened; a dead cookie records none).

Both routes want a custom header (``X-Frontline-Session``) and, when the
browser names one, an ``Origin`` that is this site: a form or link on another
site can send neither, so it cannot sign anyone out or plant a session.

Over HTTPS the cookie is ``__Host-frontline_session``: the browser lets no other
host (a sibling subdomain) set a cookie of that name, and the app reads no other
name there. A request carrying two session cookies (one planted beside the real
one) is read as carrying none. Whether the page is on HTTPS is read from the
``Origin`` the browser sends, which a TLS-ending proxy passes on unchanged.
"""

from __future__ import annotations

import hashlib
from urllib.parse import urlsplit

from starlette.concurrency import run_in_threadpool
from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response
from starlette.routing import Route

from research.accounts import SESSION_LIFETIME, cookie_session_id, end_session, exchange_grant

SESSION_COOKIE = "frontline_session"
SECURE_SESSION_COOKIE = "__Host-frontline_session"
SESSION_ROUTE = "/api/session"
SIGN_OUT_ROUTE = "/api/sign-out"
REQUIRED_HEADER = "X-Frontline-Session"
MAX_GRANT = 100
"""Longer than any grant :func:`research.accounts.start_session` makes (43 characters)."""
MAX_SIGN_OUT_BODY = 100
"""Longer than ``only:`` and a fingerprint (69 characters)."""


def cookie_fingerprint(token: str) -> str:
    """Names a cookie in a page without holding it: a hash unlike the one :mod:`research.accounts` stores."""
    return hashlib.sha256(b"frontline cookie fingerprint\x00" + token.encode("utf-8", "replace")).hexdigest()


def on_https(origin: str | None, scheme: str = "http") -> bool:
    """Whether the page is served over HTTPS: as the browser's ``Origin`` says, else as the request came."""
    return (urlsplit(origin).scheme if origin else scheme) == "https"


def session_token(cookie_header: str | None, origin: str | None) -> str | None:
    """The session token in a raw ``Cookie`` header, under the name this scheme uses; None if absent or twice."""
    name = SECURE_SESSION_COOKIE if on_https(origin) else SESSION_COOKIE
    values = [value.strip() for key, _, value in (part.strip().partition("=")
                                                  for part in (cookie_header or "").split(";")) if key == name]
    return values[0] if len(values) == 1 and values[0] else None


def same_site(request: Request) -> bool:
    """Sent by this site's page: its header, and an ``Origin`` (when there is one) naming this host."""
    if request.headers.get(REQUIRED_HEADER) != "1":
        return False
    origin = request.headers.get("origin")
    return origin is None or urlsplit(origin).netloc == request.headers.get("host")


def _cookie(response: Response, request: Request, value: str, max_age: int) -> None:
    secure = on_https(request.headers.get("origin"), request.url.scheme)
    response.set_cookie(SECURE_SESSION_COOKIE if secure else SESSION_COOKIE, value, max_age=max_age, path="/",
                        httponly=True, samesite="strict", secure=secure)


async def capped_body(request: Request, limit: int) -> bytes | None:
    """The request body if it is at most ``limit`` bytes, else None, never reading more than that."""
    declared = request.headers.get("content-length")
    if declared is not None and (not declared.isdigit() or int(declared) > limit):
        return None
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            return None
    return body


async def page_body(request: Request, limit: int, too_long: str) -> bytes | Response:
    """The body of a request this site's page sent, at most ``limit`` bytes; or the refusal to answer with
    (403 not from the page, 400 cut off, 413 ``too_long``)."""
    if not same_site(request):
        return Response("refused: not sent by this site's page", status_code=403)
    try:
        body = await capped_body(request, limit)
    except ClientDisconnect:
        return Response(status_code=400)
    return Response(too_long, status_code=413) if body is None else body


def _exchange(grant: str) -> str | None:
    from frontline_ui import resources  # the app's one engine; imported late so this module loads without it

    with resources.db_session() as session:
        return exchange_grant(session=session, grant=grant)


def _revoke(token: str, only: str | None) -> bool:
    """Revoke the session ``token`` names; with ``only`` (the body's condition), only when the token is that
    one, unaudited. Whether the cookie is to be deleted."""
    from frontline_ui import resources

    with resources.db_session() as session:
        if only is None:
            end_session(session=session, token=token)
            return True
        kind, _, value = only.partition(":")
        if kind == "only" and cookie_fingerprint(token) == value or \
                kind == "session" and str(cookie_session_id(session=session, token=token)) == value:
            end_session(session=session, token=token, audit=False)
            return True
        return False


async def set_session_cookie(request: Request) -> Response:
    """Swap the grant in the body for the session's token, set as the HttpOnly cookie (204), or refuse (403)."""
    if not same_site(request):
        return Response("refused: not sent by this site's page", status_code=403)
    try:
        body = await capped_body(request, MAX_GRANT)
    except ClientDisconnect:
        return Response(status_code=400)
    grant = body.decode("ascii", "replace") if body else ""
    token = await run_in_threadpool(_exchange, grant) if grant else None
    if token is None:
        return Response("refused: no live session has this grant", status_code=403)
    response = Response(status_code=204, headers={"Cache-Control": "no-store"})
    _cookie(response, request, token, int(SESSION_LIFETIME.total_seconds()))
    return response


async def clear_session_cookie(request: Request) -> Response:
    """Revoke the session the cookie names and delete the cookie (204); refuse a request not from this site's
    page (403), a body that is no condition (400) or a long one (413).

    A body ``session:<id>`` or ``only:<fingerprint>`` limits this to the cookie of that session or that
    :func:`cookie_fingerprint`; another cookie is left alone (204, nothing deleted). An empty body acts on
    whatever cookie is sent.
    """
    body = await page_body(request, MAX_SIGN_OUT_BODY, "refused: too long")
    if isinstance(body, Response):
        return body
    only = body.decode("ascii", "replace") or None
    if only is not None and only.partition(":")[0] not in ("only", "session"):
        return Response("refused: the body names no cookie", status_code=400)
    token = session_token(request.headers.get("cookie"), request.headers.get("origin"))
    deleted = await run_in_threadpool(_revoke, token, only) if token else False
    response = Response(status_code=204, headers={"Cache-Control": "no-store"})
    if deleted or (not token and only is None):
        _cookie(response, request, "", 0)
    return response


def routes() -> list[Route]:
    from frontline_ui.draft_route import DRAFT_ROUTE, keep_draft  # it builds on this module's checks

    return [Route(SESSION_ROUTE, set_session_cookie, methods=["POST"]),
            Route(SIGN_OUT_ROUTE, clear_session_cookie, methods=["POST"]),
            Route(DRAFT_ROUTE, keep_draft, methods=["POST"])]
