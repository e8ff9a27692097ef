"""``/api/draft``: the text of a box sent as its page unloads, kept as the signed-in account's draft.

A draft normally reaches the server over the page's websocket a moment after typing stops
(:mod:`frontline_ui.draft_keeper`). Text typed just before a reload or a closed tab would
still be waiting for that moment, and a websocket message sent while the page unloads is
lost. So the keeper sends it here instead, with ``fetch(..., {keepalive: true})``, which
the browser completes after the page is gone. The account is the one the HttpOnly session
cookie names (:func:`research.accounts.cookie_account`; nothing is signed in or audited);
like the cookie routes, the request must carry ``X-Frontline-Session`` and come from this
site's page, so another site cannot write anyone's drafts.
"""

from __future__ import annotations

import json

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from frontline_ui.session_cookie import page_body, session_token
from research.accounts import cookie_account
from research.accounts.drafts import MAX_DRAFT_CHARS, keep_text
from research.errors import FrontlineError

DRAFT_ROUTE = "/api/draft"
MAX_BODY = 6 * MAX_DRAFT_CHARS + 1_000
"""The longest draft, every character JSON-escaped, and its place."""


def _keep(token: str, place: str, text: str, keep_empty: bool) -> bool:
    from frontline_ui import resources  # the app's one engine; imported late so this module loads without it

    try:
        with resources.db_session() as session:
            account = cookie_account(session=session, token=token)
            if account is None:
                return False
            keep_text(session=session, username=account.username, place=place, body=text, keep_empty=keep_empty)
    except (FrontlineError, ValueError):  # ValueError: a place no page names (empty or too long)
        return False
    return True


async def keep_draft(request: Request) -> Response:
    """Keep ``{"place", "text", "keepEmpty"}`` as the cookie's account's draft (204), or refuse (400/403/413)."""
    body = await page_body(request, MAX_BODY, "refused: too long to keep")
    if isinstance(body, Response):
        return body
    token = session_token(request.headers.get("cookie"), request.headers.get("origin"))
    if not token:
        return Response("refused: not signed in", status_code=403)
    try:
        sent = json.loads(body)
        place, text, keep_empty = sent["place"], sent["text"], sent.get("keepEmpty", False)
    except (ValueError, TypeError, KeyError):
        return Response("refused: not a draft", status_code=400)
    if not (isinstance(place, str) and isinstance(text, str) and isinstance(keep_empty, bool)):
        return Response("refused: not a draft", status_code=400)
    if not await run_in_threadpool(_keep, token, place, text, keep_empty):
        return Response("refused: no live session, or not a draft that can be kept", status_code=403)
    return Response(status_code=204, headers={"Cache-Control": "no-store"})
