"""The CLI has no accounts of its own: it acts with the database credentials it is given.

So every command is checked with credentials the server refuses (the CLI's
"no login"), and the secrets it handles (the database password, a new staff
password read from stdin) are checked never to appear in anything it prints.
"""

import io
import sys

import pytest
from sqlalchemy.engine import make_url

from research.cli import build_parser, main

DB_SECRET = "Sup3r-Secret-DB-pw"
USER_SECRET = "staff password never shown"

# One invocation of every command; the test below fails when a command is added without one.
COMMANDS = {
    ("serve",): ["serve", "--port", "8799"],
    ("demo",): ["demo"],
    ("db", "upgrade"): ["db", "upgrade"],
    ("db", "current"): ["db", "current"],
    ("backup",): ["backup", "{tmp}/b.zip"],
    ("audit",): ["audit"],
    ("restore",): ["restore", "{tmp}/b.zip"],
    ("pulse", "erase-comments"): ["pulse", "erase-comments", "--before", "2026-01-01", "--yes"],
    ("pulse", "redact-again"): ["pulse", "redact-again", "--yes"],
    ("pulse", "links"): ["pulse", "links", "1", "--segment", "Billing"],
    ("pulse", "headcount"): ["pulse", "headcount", "1", "--segment", "Billing", "--people", "30"],
    ("pulse", "import"): ["pulse", "import", "{tmp}/in.csv", "--wave", "1", "--map", "morale=Q1", "--segment", "B"],
    ("analyze",): ["analyze", "--db"],
    ("worker",): ["worker", "--once"],
    ("users", "add"): ["users", "add", "--username", "mallory", "--role", "admin", "--password-stdin"],
    ("users", "list"): ["users", "list"],
    ("users", "disable"): ["users", "disable", "admin"],
    ("users", "enable"): ["users", "enable", "admin"],
    ("users", "passwd"): ["users", "passwd", "admin", "--password-stdin"],
    ("users", "unlock"): ["users", "unlock", "admin"],
}


def leaf_commands(parser, prefix=()):
    actions = [a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction"]
    if not actions:
        return [prefix]
    return [leaf for name, sub in actions[0].choices.items() for leaf in leaf_commands(sub, prefix + (name,))]


def run(argv, monkeypatch, capsys):
    monkeypatch.setattr(sys, "stdin", io.StringIO(USER_SECRET + "\n"))
    code = main(argv)
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def test_every_command_is_covered():
    assert sorted(leaf_commands(build_parser())) == sorted(COMMANDS)


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_every_command_is_refused_without_valid_database_credentials(command, pg_url, monkeypatch, capsys, tmp_path):
    intruder = make_url(pg_url).set(username="intruder", password=DB_SECRET).render_as_string(False)
    monkeypatch.setenv("FRONTLINE_DATABASE_URL", intruder)
    monkeypatch.setenv("FRONTLINE_DATA_DIR", str(tmp_path / "data"))
    (tmp_path / "in.csv").write_text("Q1\n4\n")
    code, output = run([a.replace("{tmp}", str(tmp_path)) for a in COMMANDS[command]], monkeypatch, capsys)
    assert code == 2
    assert "cannot reach the database" in output and 'role "intruder" does not exist' in output
    assert output.count("\n") == 1 and "Traceback" not in output
    assert DB_SECRET not in output and USER_SECRET not in output
    assert not (tmp_path / "b.zip").exists()


def test_secrets_are_never_printed_by_commands_that_succeed(pg_url, monkeypatch, capsys, tmp_path):
    with_password = make_url(pg_url).set(password=DB_SECRET).render_as_string(False)  # trust auth ignores it
    monkeypatch.setenv("FRONTLINE_DATABASE_URL", with_password)
    monkeypatch.setenv("FRONTLINE_DATA_DIR", str(tmp_path / "data"))
    outputs = []
    for argv in (["db", "upgrade"], ["db", "current"], ["users", "add", "--username", "rita", "--role", "admin",
                 "--password-stdin"], ["users", "passwd", "rita", "--password-stdin"], ["users", "list"],
                 ["worker", "--once"], ["backup", str(tmp_path / "b.zip")]):
        code, output = run(argv, monkeypatch, capsys)
        assert code == 0, output
        outputs.append(output)
    printed = "\n".join(outputs)
    assert "rita" in printed and "127.0.0.1" in printed  # it did say what it did, and where
    assert DB_SECRET not in printed and USER_SECRET not in printed
