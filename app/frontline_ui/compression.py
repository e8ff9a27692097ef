"""gzip for the app's static files, which uvicorn sends uncompressed.

An agent's first visit downloads about 2.9 MB of Streamlit's JavaScript and CSS (fonts and images are already
compressed), a long wait on a phone's connection (an outside walk). Only paths under ``/static/``, Streamlit's
own build and the same for everyone, are compressed: a response that holds a secret beside something a visitor
typed could give the secret away through its compressed length (BREACH), and nothing under ``/static/`` holds
either. Level 6, not Starlette's 9: nearly the same size for a fraction of the CPU, once per device, as the
files are cached for a year.
"""

from __future__ import annotations

from starlette.middleware.gzip import GZipMiddleware
from starlette.types import ASGIApp, Receive, Scope, Send


class StaticGzip:
    """ASGI middleware: gzip what is under ``/static/`` for a browser that accepts it; pass the rest through."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.gzip = GZipMiddleware(app, minimum_size=1024, compresslevel=6)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and "/static/" in scope.get("path", ""):
            await self.gzip(scope, receive, send)
        else:
            await self.app(scope, receive, send)
