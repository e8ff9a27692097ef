"""`frontline analyze` on small, empty, malformed inputs, and with the network unreachable."""

import csv
import os
import subprocess

import pytest

from research.cli import main

from .test_offline import isolated_command

COMMENTS = [
    "The CRM freezes on every refund", "my team lead never backs us up", "",
    "parking is impossible since the car park closed", "we are understaffed every evening",
    "the knowledge base is out of date", "customers shout at us about wrong bills",
]


def write_csv(path, rows, header=("ref", "comment", "month")):
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows(rows)
    return path


@pytest.fixture
def env(monkeypatch, tmp_path):
    monkeypatch.setenv("FRONTLINE_DATA_DIR", str(tmp_path / "data"))
    return tmp_path


def read_out(path):
    with path.open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_one_output_row_per_input_row_with_the_contract_columns(env):
    source = write_csv(env / "in.csv", [(f"r{i}", t, "2026-10") for i, t in enumerate(COMMENTS)])
    out, report = env / "out.csv", env / "report.html"
    assert main(["analyze", str(source), "--text-column", "comment", "--id-column", "ref", "--time-column", "month",
                 "--out", str(out), "--report", str(report)]) == 0
    rows = read_out(out)
    assert list(rows[0]) == ["id", "theme", "theme_confidence", "theme2", "theme2_confidence", "topic",
                             "topic_label", "sentiment"]
    assert 0 < float(rows[0]["theme_confidence"]) <= 1
    assert [r["id"] for r in rows] == [f"r{i}" for i in range(len(COMMENTS))]
    assert rows[0]["theme"] == "tools" and float(rows[0]["sentiment"]) < 0
    assert rows[2]["theme"] == "" and rows[2]["topic"] == "-1"
    assert all(-1 <= float(r["sentiment"]) <= 1 for r in rows)
    page = report.read_text()
    assert "Tools and systems" in page and "<script" in page and 'src="http' not in page


def test_a_single_row_and_the_row_number_as_id(env):
    source = write_csv(env / "in.csv", [("x", "the CRM freezes", "")])
    out = env / "out.csv"
    assert main(["analyze", str(source), "--text-column", "comment", "--out", str(out)]) == 0
    assert [(r["id"], r["topic"]) for r in read_out(out)] == [("0", "0")]


@pytest.mark.parametrize(
    "content, args, message",
    [
        (None, [], "no such file"),
        (b"", [], "in.csv is empty"),
        (b"ref,comment\n", [], "header but no rows"),
        (b"ref,comment\n1,caf\xe9 au lait\n", [], 'in.csv is not UTF-8 text (byte 0xE9 in column 2 ("comment"))'),
        (b"ref,comment\n1,\n2,  \n", [], "has no text in any row"),
        (b"ref,body\n1,hello\n", [], "no column 'comment'"),
        (b"ref,comment\n1,hello\n", ["--id-column", "key"], "no column 'key'"),
    ],
)
def test_bad_input_is_one_line_and_a_non_zero_exit(env, capsys, content, args, message):
    source = env / "in.csv"
    if content is not None:
        source.write_bytes(content)
    out = env / "out.csv"
    assert main(["analyze", str(source), "--text-column", "comment", "--out", str(out), *args]) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1
    assert not out.exists()


def test_without_text_column_the_column_named_text_is_read(env, capsys):
    source = write_csv(env / "in.csv", [("r1", "The CRM freezes on every refund")], header=("ref", "Text"))
    out = env / "out.csv"
    assert main(["analyze", str(source), "--out", str(out)]) == 0
    assert [r["theme"] for r in read_out(out)] == ["tools"]
    assert "reading the comments from column 'Text'" in capsys.readouterr().err


def test_without_id_column_the_column_named_id_is_copied(env, capsys):
    """An outside walk's input had ids 1 to 10 and the output numbered rows 0 to 9: joined back, every row
    was off by one."""
    source = write_csv(env / "in.csv", [("7", "The CRM freezes"), ("9", "Pay is low")], header=("ID", "text"))
    out = env / "out.csv"
    assert main(["analyze", str(source), "--out", str(out)]) == 0
    assert [r["id"] for r in read_out(out)] == ["7", "9"]
    assert "copying the ids from column 'ID'" in capsys.readouterr().err


@pytest.mark.parametrize("header, why", [
    (("ref", "comment", "month"), "no column is called text; say which holds the comments with --text-column "
                                  "(the columns are ref, comment, month)"),
    (("ref", "Text", "text"), "names 'text' more than once (columns 2 and 3)"),
])
def test_without_text_column_an_unclear_file_is_refused_with_its_columns(env, capsys, header, why):
    source = write_csv(env / "in.csv", [("r1", "The CRM freezes", "2026-10")], header=header)
    out = env / "out.csv"
    assert main(["analyze", str(source), "--out", str(out)]) == 2
    assert why in capsys.readouterr().err
    assert not out.exists()


def test_the_opt_in_fine_tuned_sentiment_model_changes_the_scores(env, monkeypatch):
    source = write_csv(env / "in.csv", [(f"r{i}", t, "2026-10") for i, t in enumerate(COMMENTS)])
    scores = {}
    for asked in ("head", "head+fine-tuned"):
        monkeypatch.setenv("FRONTLINE_SENTIMENT_MODEL", asked)
        out = env / f"{asked}.csv"
        assert main(["analyze", str(source), "--text-column", "comment", "--out", str(out)]) == 0
        scores[asked] = [float(r["sentiment"]) for r in read_out(out)]
    assert scores["head"] != scores["head+fine-tuned"]
    complaints = (0, 1, 4)  # the CRM freezing, a team lead who never backs us up, understaffed evenings
    assert all(s[i] < 0 for s in scores.values() for i in complaints)


def test_analyze_runs_with_the_network_unreachable(tmp_path):
    source = write_csv(tmp_path / "in.csv", [(i, t, "") for i, t in enumerate(COMMENTS)])
    out = tmp_path / "out.csv"
    script = (
        "import sys\nfrom research.cli import main\n"
        f"sys.exit(main(['analyze', {str(source)!r}, '--text-column', 'comment', '--out', {str(out)!r}]))\n"
    )
    command = isolated_command(script)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HF_", "TRANSFORMERS_"))}
    env.update(FRONTLINE_DATA_DIR=str(tmp_path / "data"), HOME=str(tmp_path))
    result = subprocess.run(command, capture_output=True, text=True, env=env, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    assert len(read_out(out)) == len(COMMENTS)


def test_a_larger_file_takes_the_umap_path_and_keeps_every_row(env):
    from research.demo.seed import generate_responses

    texts = [r.text for seed in range(3) for r in generate_responses(seed) if r.text][:1500]
    source = write_csv(env / "in.csv", [(i, t, "") for i, t in enumerate(texts)])
    out = env / "out.csv"
    assert main(["analyze", str(source), "--text-column", "comment", "--out", str(out)]) == 0
    rows = read_out(out)
    assert len(rows) == 1500 and [r["id"] for r in rows] == [str(i) for i in range(1500)]
    assert {r["topic"] for r in rows} >= {"0", "1", "2"} and "-1" not in {r["topic"] for r in rows}


def test_a_researchers_codebook_and_examples_decide_the_themes(env):
    """With ``--codebook`` (just name and description) the themes are that codebook's; ``--examples`` teaches it
    a way of saying things its descriptions do not."""
    comments = ["nowhere to park my car before the early shift", "the car park was full again this morning",
                "salary has not gone up in three years", "my pay is below what others get",
                "the rota came out a day before the week started", "shift patterns change without notice"]
    source = write_csv(env / "in.csv", [(str(i), t, "") for i, t in enumerate(comments)])
    codebook = env / "codebook.csv"
    codebook.write_text("name,description\nParking,Car park and parking spaces at the site\n"
                        "Pay,Salary and pay rises\nRota,Shift patterns and the rota\n", encoding="utf-8")
    out = env / "out.csv"
    assert main(["analyze", str(source), "--text-column", "comment", "--out", str(out),
                 "--codebook", str(codebook)]) == 0
    assert [r["theme"] for r in read_out(out)] == ["Parking", "Parking", "Pay", "Pay", "Rota", "Rota"]

    examples = env / "examples.csv"
    write_csv(examples, [("there was nowhere to leave the car", "Parking"), ("the bus from the station", "parking."),
                         ("we got a raise", "pay"), ("bonus was cut", "Pay"),
                         ("weekend work again", "rota"), ("nights every week", "Rota")], header=("text", "code"))
    assert main(["analyze", str(source), "--text-column", "comment", "--out", str(out),
                 "--codebook", str(codebook), "--examples", str(examples)]) == 0
    assert [r["theme"] for r in read_out(out)][:2] == ["Parking", "Parking"]


def test_the_output_names_a_codebooks_categories_as_written_and_none_runs_as_a_formula(env):
    """Whoever scores the output against their own categories finds them spelled as in their codebook."""
    source = write_csv(env / "in.csv", [("=1+1", "I never see my kids because of the late shifts", ""),
                                        ("2", "the salary is far too low for this work", "")])
    codebook = write_csv(env / "codebook.csv", [("Work-life balance", "Hours and shifts against life outside work"),
                                                ("=SUM(1)", "Salary and pay rises")], header=("name", "description"))
    out = env / "out.csv"
    assert main(["analyze", str(source), "--text-column", "comment", "--id-column", "ref", "--out", str(out),
                 "--codebook", str(codebook)]) == 0
    rows = read_out(out)
    assert [r["theme"] for r in rows] == ["Work-life balance", "'=SUM(1)"]
    assert rows[0]["id"] == "'=1+1"


@pytest.mark.parametrize("flag, content, message", [
    ("--codebook", b"name\nPay\n", "needs the column(s) description"),
    ("--codebook", b"\xff\xfe", "not UTF-8"),
    ("--examples", b"text,code\nno raise,salaries\n", "names the code 'salaries', which is not in the codebook"),
    ("--examples", b"text\nno raise\n", "needs the column(s) code"),
    ("--examples", b"text,code\n,pay\n", "has a code but no text"),
])
def test_a_bad_codebook_or_examples_file_is_one_line(env, capsys, flag, content, message):
    source = write_csv(env / "in.csv", [("1", "the CRM freezes", "")])
    bad = env / "bad.csv"
    bad.write_bytes(content)
    out = env / "out.csv"
    assert main(["analyze", str(source), "--text-column", "comment", "--out", str(out), flag, str(bad)]) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1 and not out.exists()


def test_a_stored_job_ends_by_storing_its_readable_topic_labels(env, monkeypatch):
    """``analyze --db`` hands the job the step that stores the labels at the configured thresholds."""
    from contextlib import nullcontext

    import research.cli.analyze as analyze
    from research.findings.topic_labels import store_topic_labels
    from research.privacy.reporting import Thresholds

    monkeypatch.setenv("FRONTLINE_MIN_COMMENT_GROUP_SIZE", "12")
    assert main(["db", "upgrade"]) == 0
    seen = {}
    monkeypatch.setattr(analyze, "analysis_tools", lambda settings: nullcontext((None, None, None)))
    monkeypatch.setattr(analyze, "run_job", lambda engine, job_id, **kw: seen.update(kw, job_id=job_id))
    assert main(["analyze", "--db"]) == 0
    after = seen["after_success"]
    assert after.func is store_topic_labels and after.keywords == {"thresholds": Thresholds(scores=5, comments=12)}


def test_a_worker_ends_each_job_by_storing_its_readable_topic_labels(env, monkeypatch):
    """``frontline worker`` hands every job the same step, at the configured thresholds."""
    import research.cli.worker as worker
    from research.findings.topic_labels import store_topic_labels
    from research.privacy.reporting import Thresholds

    monkeypatch.setenv("FRONTLINE_MIN_GROUP_SIZE", "6")
    assert main(["db", "upgrade"]) == 0
    seen = {}
    monkeypatch.setattr(worker, "work", lambda engine, **kw: seen.update(kw) or 0)
    monkeypatch.setattr(worker.signal, "signal", lambda *args: None)  # the test process keeps its own handler
    assert main(["worker", "--once"]) == 0
    after = seen["after_success"]
    assert after.func is store_topic_labels and after.keywords == {"thresholds": Thresholds(scores=6, comments=10)}
