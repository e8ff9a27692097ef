import io
import os
import subprocess
import sys

import pytest

from research.cli import main

PASSWORD = "correct horse battery"


def run(argv, monkeypatch, stdin=""):
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    return main(argv)


def frontline(*args, env=None, stdin=""):
    """Run the installed console script, as a user would."""
    return subprocess.run(
        [os.path.join(os.path.dirname(sys.executable), "frontline"), *args],
        input=stdin, capture_output=True, text=True, env={**os.environ, **(env or {})}, timeout=120,
    )


def test_help_lists_every_command():
    result = frontline("--help")
    assert result.returncode == 0
    for command in ("serve", "demo", "db", "users", "pulse"):
        assert command in result.stdout
    assert "FRONTLINE_DATABASE_URL" in result.stdout


def test_users_add_list_disable(cli_env, monkeypatch, capsys):
    assert run(["users", "add", "--username", "rita", "--role", "researcher", "--password-stdin"],
               monkeypatch, PASSWORD + "\n") == 0
    assert run(["users", "list"], monkeypatch) == 0
    listing = capsys.readouterr().out
    assert "rita" in listing and "researcher" in listing and "active" in listing
    assert run(["users", "disable", "rita"], monkeypatch) == 0
    run(["users", "list"], monkeypatch)
    assert "disabled" in capsys.readouterr().out
    assert run(["users", "disable", "rita"], monkeypatch) == 0  # asking again succeeds, says so, writes nothing
    assert capsys.readouterr().out == "rita is already disabled: nothing changed.\n"


@pytest.mark.parametrize(
    "argv, stdin, message",
    [
        (["users", "add", "--username", "bob", "--role", "boss", "--password-stdin"], PASSWORD, "unknown role 'boss'"),
        (["users", "add", "--username", "bob", "--role", "admin"], "", "--password-stdin"),
        (["users", "disable", "ghost"], "", "no user named 'ghost'"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(cli_env, monkeypatch, capsys, argv, stdin, message):
    assert run(argv, monkeypatch, stdin) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1 and "Traceback" not in err


def test_existing_user_is_refused(cli_env, monkeypatch, capsys):
    argv = ["users", "add", "--username", "rita", "--role", "admin", "--password-stdin"]
    assert run(argv, monkeypatch, PASSWORD) == 0
    assert run(argv, monkeypatch, PASSWORD) == 2
    assert "user 'rita' already exists" in capsys.readouterr().err


def test_unreachable_database_is_one_line_without_traceback(tmp_path):
    result = frontline("users", "list", env={"FRONTLINE_DATABASE_URL": "postgresql://u:pw@127.0.0.1:1/none",
                                             "FRONTLINE_DATA_DIR": str(tmp_path)})
    assert result.returncode == 2
    assert result.stderr.startswith("frontline: error: cannot reach the database")
    assert "Traceback" not in result.stderr and result.stderr.count("\n") == 1


def test_commands_refuse_an_unmigrated_database(tmp_path):
    env = {"FRONTLINE_DATA_DIR": str(tmp_path)}
    refused = frontline("users", "list", env=env)
    assert refused.returncode == 2 and "run `frontline db upgrade`" in refused.stderr
    assert frontline("db", "upgrade", env=env).returncode == 0
    assert frontline("users", "list", env=env).returncode == 0


def test_serve_refuses_an_unmigrated_database(tmp_path):
    result = frontline("serve", "--port", "8765", env={"FRONTLINE_DATA_DIR": str(tmp_path)})
    assert result.returncode == 2 and "frontline db upgrade" in result.stderr


def test_demo_prints_passwords_once(cli_env, monkeypatch, capsys):
    assert run(["demo"], monkeypatch) == 0
    first = capsys.readouterr().out
    assert "demo data created" in first and "executive" in first
    assert run(["demo"], monkeypatch) == 0
    second = capsys.readouterr().out
    assert "nothing changed" in second and "executive " not in second


def test_demo_if_empty_leaves_a_real_database_alone(cli_env, monkeypatch, capsys):
    from research.store.engine import make_engine, session_scope
    from research.store.models import Study

    engine = make_engine(cli_env["FRONTLINE_DATABASE_URL"])
    with session_scope(engine) as session:
        session.add(Study(title="Our own study"))
    engine.dispose()
    assert run(["demo", "--if-empty"], monkeypatch) == 0
    assert "demo data not added" in capsys.readouterr().out


def test_demo_analyse_leaves_the_findings_pages_results_and_analyses_only_once(cli_env, monkeypatch, capsys):
    from sqlalchemy import func, select

    from research.analysis.jobs import current_results_job
    from research.store.engine import make_engine, session_scope
    from research.store.models import AnalysisJob, TopicSummary

    assert run(["demo", "--if-empty", "--analyse"], monkeypatch) == 0
    assert "analysing the demo comments" in capsys.readouterr().out
    engine = make_engine(cli_env["FRONTLINE_DATABASE_URL"])
    with session_scope(engine) as session:
        job = current_results_job(session=session)
        assert job is not None  # what "No analysis has run yet" on the executive's pages waits for
        assert session.scalar(select(func.count()).select_from(TopicSummary).where(TopicSummary.job_id == job)) > 0
    assert run(["demo", "--if-empty", "--analyse"], monkeypatch) == 0  # make run again: nothing is redone
    with session_scope(engine) as session:
        assert session.scalar(select(func.count()).select_from(AnalysisJob)) == 1
    engine.dispose()


def test_backup_and_restore_move_the_data_to_a_new_database(cli_env, monkeypatch, capsys, tmp_path):
    assert run(["demo"], monkeypatch) == 0
    archive = tmp_path / "frontline.zip"
    assert run(["backup", str(archive)], monkeypatch) == 0
    assert "keep it as safe as the database" in capsys.readouterr().out
    assert run(["backup", str(archive)], monkeypatch) == 2
    assert "already exists" in capsys.readouterr().err

    monkeypatch.setenv("FRONTLINE_DATABASE_URL", f"sqlite:///{tmp_path / 'moved.db'}")
    assert run(["restore", str(archive)], monkeypatch) == 0
    assert "restored" in capsys.readouterr().out
    assert run(["users", "list"], monkeypatch) == 0
    assert "researcher" in capsys.readouterr().out  # the demo accounts came along
    assert run(["restore", str(archive)], monkeypatch) == 2
    err = capsys.readouterr().err
    assert "already holds data" in err and err.count("\n") == 1


def test_backup_and_links_from_the_shell_are_in_the_audit_trail(cli_env, monkeypatch, capsys, tmp_path):
    assert run(["demo"], monkeypatch) == 0
    assert run(["pulse", "links", "Pulse wave 4 (open now)", "--segment", "Retail Care", "--count", "3"],
               monkeypatch) == 0
    assert run(["backup", str(tmp_path / "b.zip")], monkeypatch) == 0
    capsys.readouterr()
    assert run(["audit", "--since", "2026-01-01"], monkeypatch) == 0
    lines = capsys.readouterr().out.splitlines()
    assert "backup" in lines[0] and "links_created" in lines[1] and "3 invite link(s) for Retail Care" in lines[1]
    assert all(" cli:" in line or " demo " in line for line in lines)
    assert run(["audit", "--since", "last week"], monkeypatch) == 2
    assert "write a date as YYYY-MM-DD" in capsys.readouterr().err
    assert run(["audit", "--limit", "-1"], monkeypatch) == 2
    assert "--limit is a number of events" in capsys.readouterr().err
    assert run(["audit", "--csv", str(tmp_path / "trail.csv")], monkeypatch) == 0
    assert "links_created" in (tmp_path / "trail.csv").read_text()
    assert run(["audit", "--csv", str(tmp_path / "trail.csv")], monkeypatch) == 2
    assert "already exists" in capsys.readouterr().err
    assert run(["audit", "--action", "export"], monkeypatch) == 0
    assert "audit trail (CSV) to" in capsys.readouterr().out  # taking a copy of the trail is itself recorded


def test_erasing_old_comments_asks_for_yes_and_refuses_a_future_day(cli_env, monkeypatch, capsys):
    from datetime import date

    assert run(["demo"], monkeypatch) == 0
    capsys.readouterr()
    assert run(["pulse", "erase-comments", "--before", "2099-01-01"], monkeypatch) == 2
    assert "has not come yet" in capsys.readouterr().err
    assert run(["pulse", "erase-comments", "--before", "yesterday"], monkeypatch) == 2
    assert "write a date as YYYY-MM-DD" in capsys.readouterr().err
    today = date.today().isoformat()
    assert run(["pulse", "erase-comments", "--before", today], monkeypatch) == 0
    preview = capsys.readouterr().out
    assert preview.startswith("would erase ") and "run again with --yes" in preview
    assert run(["pulse", "erase-comments", "--before", today, "--yes"], monkeypatch) == 0
    done = capsys.readouterr().out
    assert done.startswith("erased ") and done.split()[1] == preview.split()[2]  # the same number of comments
    assert run(["pulse", "erase-comments", "--before", today], monkeypatch) == 0
    assert capsys.readouterr().out.startswith("would erase 0 comment(s)")


def test_serve_makes_links_name_its_own_port_unless_told_the_public_address(tmp_path, monkeypatch, capsys):
    """Left at its default, the public address named port 8501 whatever port the server took: dead links."""
    import research.cli.serve as serve

    ran = []
    monkeypatch.setattr(serve.os, "execv", lambda path, command: ran.append(os.environ["FRONTLINE_PUBLIC_URL"]))
    monkeypatch.setattr(serve, "migrated_engine", lambda settings: None)
    monkeypatch.delenv("FRONTLINE_PUBLIC_URL", raising=False)
    monkeypatch.setenv("FRONTLINE_DATA_DIR", str(tmp_path))
    assert main(["serve", "--port", "8672"]) == 0
    assert ran == ["http://localhost:8672"] and "pulse links will start with http://localhost:8672" in \
        capsys.readouterr().out
    monkeypatch.setenv("FRONTLINE_PUBLIC_URL", "https://pulse.example.org")
    assert main(["serve", "--port", "8673"]) == 0
    assert ran[-1] == "https://pulse.example.org"
