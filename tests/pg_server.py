"""Stop and start the local PostgreSQL server for the fault tests.

Only a server on this machine (127.0.0.1 or localhost) whose cluster
`pg_ctlcluster` manages is ever touched; anything else fails the test
rather than restarting someone else's database.
"""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

import psycopg
from sqlalchemy.engine import make_url

CLUSTERS = Path("/etc/postgresql")


class LocalPostgres:
    def __init__(self, url: str):
        parsed = make_url(url)
        if parsed.host not in ("127.0.0.1", "localhost"):
            raise RuntimeError(f"refusing to restart PostgreSQL on {parsed.host}: only a local server is restarted")
        versions = sorted(p.name for p in CLUSTERS.iterdir()) if CLUSTERS.is_dir() else []
        if not versions:
            raise RuntimeError("no PostgreSQL cluster under /etc/postgresql to restart")
        self.version = versions[-1]
        self.dsn = f"host={parsed.host} port={parsed.port or 5432} user={parsed.username or 'postgres'} dbname=postgres"

    def _ctl(self, action: str) -> None:
        subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", self.version, "main", action, "-m", "fast"]
                       if action == "stop" else
                       ["pg_ctlcluster", "--skip-systemctl-redirect", self.version, "main", action],
                       check=True, capture_output=True, timeout=120)

    def stop(self) -> None:
        self._ctl("stop")

    def start(self) -> None:
        """Start the server (if it is down) and wait until it accepts connections."""
        if not self.accepting():
            self._ctl("start")
        deadline = time.monotonic() + 60
        while not self.accepting():
            if time.monotonic() > deadline:
                raise RuntimeError("PostgreSQL did not come back within 60 s")
            time.sleep(0.2)

    def accepting(self) -> bool:
        try:
            with psycopg.connect(self.dsn, connect_timeout=2):
                return True
        except psycopg.OperationalError:
            return False
