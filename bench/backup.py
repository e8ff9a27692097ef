"""Backup benchmark: 100,000 pulse responses (900,000 rows) from SQLite to an archive and into PostgreSQL.

The archive is what a team carries from the embedded default to a server, so
the figures are the time to write it from SQLite and to restore it into SQLite
and, when ``FRONTLINE_BENCH_POSTGRES_URL`` (or the tests' server) is set, into
a new PostgreSQL database created for the run and dropped after it.
"""

from __future__ import annotations

import os
import tempfile
import time
import uuid
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import make_url

from bench.dashboard import build
from research.store.backup import backup, restore
from research.store.engine import make_engine
from research.store.migrate import upgrade

RESPONSES = 100_000


def _line(label: str, seconds: float, rows: int) -> None:
    print(f"{label:<44} {seconds:8.2f} s   {rows:>9,} rows   {rows / seconds:,.0f} rows/s")


def main(responses: int = RESPONSES) -> None:
    pg_url = os.environ.get("FRONTLINE_BENCH_POSTGRES_URL") or os.environ.get("FRONTLINE_TEST_DATABASE_URL")
    with tempfile.TemporaryDirectory() as tmp:
        source = make_engine(f"sqlite:///{tmp}/source.db")
        upgrade(source)
        build(source, responses)
        archive = Path(tmp) / "backup.zip"
        start = time.perf_counter()
        summary = backup(source, archive)
        _line("backup from SQLite", time.perf_counter() - start, summary.total)
        print(f"{'archive size':<44} {archive.stat().st_size / 2**20:8.1f} MiB")
        source.dispose()

        target = make_engine(f"sqlite:///{tmp}/restored.db")
        start = time.perf_counter()
        restore(target, archive)
        _line("restore into SQLite", time.perf_counter() - start, summary.total)
        target.dispose()

        if not pg_url:
            print("restore into PostgreSQL: skipped (set FRONTLINE_BENCH_POSTGRES_URL)")
            return
        admin = make_engine(pg_url).execution_options(isolation_level="AUTOCOMMIT")
        name = f"frontline_bench_{uuid.uuid4().hex[:8]}"
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            target = make_engine(make_url(admin.url.render_as_string(False)).set(database=name)
                                 .render_as_string(False))
            start = time.perf_counter()
            restore(target, archive)
            _line("restore into PostgreSQL", time.perf_counter() - start, summary.total)
            target.dispose()
        finally:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()


if __name__ == "__main__":
    main()
