"""``frontline serve``: the Streamlit app, found in the installed package ``frontline_app``."""

from __future__ import annotations

import argparse
import dataclasses
import importlib.util
import os
import sys
from pathlib import Path

from research.cli.common import migrated_engine
from research.errors import FrontlineError
from research.settings import Settings
from research.sso import write_streamlit_secrets

APP_PACKAGE = "frontline_app"
"""The repository's ``app/`` folder, as the wheel installs it (see setup.py); an editable install maps it back."""


APP_ENTRY = "frontline_asgi.py"
"""The app's ASGI entry: ``main.py`` served with the app's own routes (the HttpOnly session cookie)."""


def app_main() -> Path:
    """The app's entry script, located without importing the app (the library never imports the UI layer)."""
    spec = importlib.util.find_spec(APP_PACKAGE)
    for folder in (spec.submodule_search_locations or []) if spec else []:
        main = Path(folder) / APP_ENTRY
        if main.is_file():
            return main
    raise FrontlineError(f"the Streamlit app (package {APP_PACKAGE}) is not installed: reinstall Frontline")


def streamlit_command(main: Path, port: int, address: str) -> list[str]:
    """The `streamlit run` command line with Frontline's hardened server options."""
    return [
        sys.executable, "-m", "streamlit", "run", str(main),
        "--server.headless", "true",
        "--server.port", str(port),
        "--server.address", address,
        "--browser.gatherUsageStats", "false",
        "--server.fileWatcherType", "none",
        "--client.toolbarMode", "minimal",
        "--server.enableXsrfProtection", "true",
        # Tracebacks and exception messages go to the server's log, never to a browser.
        "--client.showErrorDetails", "none",
        # Tables' own toolbar download bypasses the audited, inert export: every download is a button.
        "--client.disableDataExport", "true",
    ]


def run(args: argparse.Namespace, settings: Settings) -> int:
    main = app_main()
    migrated_engine(settings)
    if not 1 <= args.port <= 65535:
        raise FrontlineError(f"--port {args.port} is not a TCP port (1-65535)")
    command = streamlit_command(main, args.port, args.address)
    if "FRONTLINE_PUBLIC_URL" not in os.environ:
        # Invite links start with the public address: left at its default, they named port 8501 whatever port
        # this server took, and a new user handed out dead links. The app (after exec) reads it from here.
        os.environ["FRONTLINE_PUBLIC_URL"] = f"http://localhost:{args.port}"
        settings = dataclasses.replace(settings, public_url=os.environ["FRONTLINE_PUBLIC_URL"])
        print(f"pulse links will start with {settings.public_url} (set FRONTLINE_PUBLIC_URL to the address agents "
              "reach)", flush=True)
    # Single sign-on: Streamlit reads its [auth] section from this private file only (never ./.streamlit).
    secrets_file = write_streamlit_secrets(settings)
    if secrets_file is not None:
        command += ["--secrets.files", str(secrets_file)]
    print(f"serving Frontline on http://{args.address}:{args.port}", flush=True)
    os.execv(sys.executable, command)
    return 0  # pragma: no cover - execv does not return
