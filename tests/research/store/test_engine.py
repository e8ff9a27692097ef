import pytest
from sqlalchemy import text

from research.store.engine import DatabaseUnavailable, check_connection, make_engine, safe_url


def test_sqlite_runs_in_wal_mode_with_busy_timeout_and_foreign_keys(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'nested' / 'f.db'}", busy_timeout_ms=4321)
    with engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA busy_timeout")).scalar() == 4321
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
    assert (tmp_path / "nested" / "f.db").exists()


def test_postgresql_is_selected_by_url():
    engine = make_engine("postgresql://someone@127.0.0.1:5432/test")
    assert engine.dialect.name == "postgresql"
    assert engine.dialect.driver == "psycopg"


def test_malformed_url_is_a_clear_error():
    with pytest.raises(DatabaseUnavailable, match="not a valid SQLAlchemy URL"):
        make_engine("not a url")


def test_unreachable_server_is_a_one_line_error_without_the_password():
    engine = make_engine("postgresql://user:s3cret@127.0.0.1:1/x")
    with pytest.raises(DatabaseUnavailable) as info:
        check_connection(engine)
    message = str(info.value)
    assert "cannot reach the database" in message
    assert "s3cret" not in message
    assert "\n" not in message


def test_safe_url_hides_password():
    assert "s3cret" not in safe_url("postgresql://u:s3cret@h/db")
