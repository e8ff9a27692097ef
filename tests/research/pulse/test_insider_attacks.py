"""The insiders of the README's attacker model, each replaying an attack that once worked.

Every submission goes through ``send_response``, what the pulse page calls, and
every observation through the functions the pages and exports call: the
overview, the heatmaps, the briefing's tables and HTML, the waves table, the
researcher's comment page and the agent's preview. The database administrator
reads the tables as stored (SQLite without ``rowid``, PostgreSQL by ``ctid``
and ``xmin``, dead tuples included). Interview attributes are attacked in
``tests/research/findings/test_interview_evidence.py``.
"""

from __future__ import annotations

import io
import json
import logging
import re
import sqlite3
import uuid
import zipfile
from datetime import date, timedelta

import pytest
from cryptography.fernet import Fernet
from pulse_builders import SEALER
from sqlalchemy import func, select, text
from sqlalchemy.exc import OperationalError

from research.findings.anonymity_preview import anonymity_preview
from research.findings.briefing import briefing_csv_zip, build_briefing
from research.findings.heatmap import heatmap
from research.findings.overview import overview
from research.privacy.redaction import Redactor
from research.privacy.reporting import Thresholds
from research.pulse.errors import PulseError
from research.pulse.importer import import_responses
from research.pulse.library import QUESTION_LIBRARY
from research.pulse.links import create_links, hash_token
from research.pulse.replies import comments_for_reply
from research.pulse.retention import erase_comments
from research.pulse.sealing import Sealer
from research.pulse.submit import send_response
from research.pulse.waves import waves_table
from research.pulse.waves_admin import SegmentSpec, create_wave
from research.settings import load_settings
from research.store.engine import make_engine, session_scope
from research.store.models import (
    PulseAnswer,
    PulseInbox,
    PulseLink,
    PulseQuestion,
    PulseResponse,
    PulseSegment,
    PulseWave,
)

TODAY = date(2026, 11, 22)
STEPS = Thresholds(scores=5, comments=10)
TEAMS = {  # team: (site, headcount)
    "Billing": ("Cardiff", 14), "Chat": ("Cardiff", 12), "Tiny": ("Leeds", 3), "Four": ("Leeds", 4)}
TEXT_QUESTIONS = ["Anything about the rota?", "Anything about the tools?"]


def answers(marker: int, comment: str = "") -> dict:
    """One agent's answers; ``marker`` (0-100) is what the attacker tries to find again."""
    values = {"morale": 1 + marker % 5, "enps": marker % 11, "tools": 2, "management_support": 4, "workload": 3,
              "recovery_share": marker, "feedback_loop": 2}
    if comment:
        values.update(one_thing=comment, extra_text_1=comment + " (rota)", extra_text_2=comment + " (tools)")
    return values


@pytest.fixture
def wave(engine):
    """An open wave, three text questions, four teams; returns (wave id, {team: [invite tokens]})."""
    with session_scope(engine) as session:
        created = create_wave(
            session=session, title="Insider wave", opens_on=TODAY - timedelta(days=3),
            closes_on=TODAY + timedelta(days=7), question_keys=[q.key for q in QUESTION_LIBRARY],
            extra_text_questions=TEXT_QUESTIONS,
            segments=[SegmentSpec(team=t, site=site, channel="phone", industry="utilities", headcount=n)
                      for t, (site, n) in TEAMS.items()])
        tokens = {s.team: create_links(session=session, segment=s, count=s.headcount) for s in created.segments}
        return created.id, tokens


def send(engine, token, values, today=TODAY, steps=STEPS, sealer=SEALER):
    return send_response(engine=engine, token=token, answers=values, today=today, steps=steps, sealer=sealer)


def looks(engine, wave_id) -> dict:
    """Everything an executive or researcher can read about the wave, as text."""
    with session_scope(engine) as session:
        seen = {"overview": repr(overview(session=session, wave_id=wave_id, thresholds=STEPS)),
                "waves": waves_table(session=session).to_csv(index=False),
                "comments": comments_for_reply(session=session, wave_id=wave_id, threshold=STEPS.comments)
                .drop(columns="response_id").to_csv(index=False)}
        for dimension in ("team", "site"):
            board = heatmap(session=session, wave_id=wave_id, dimension=dimension, thresholds=STEPS)
            seen[f"heatmap_{dimension}"] = repr((board.values.to_csv(), board.responses.to_dict(), board.hidden))
        briefing = build_briefing(session=session, wave_id=wave_id, job_id=None, thresholds=STEPS)
        with zipfile.ZipFile(io.BytesIO(briefing_csv_zip(briefing.tables))) as archive:  # as downloaded
            seen["briefing_csv"] = {name: archive.read(name) for name in archive.namelist()}
        # Plotly gives each chart a fresh random element id; nothing else may differ.
        seen["briefing_html"] = re.sub(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "ID",
                                       briefing.html)
        wave = session.get(PulseWave, wave_id)
        seen["previews"] = repr([anonymity_preview(session=session, segment_id=s.id, threshold=STEPS.scores)
                                 for s in wave.segments])
    return seen


def released(engine, wave_id, team) -> list[float]:
    """The recovery-share markers of a team's responses that any figure can include."""
    with session_scope(engine) as session:
        return sorted(session.scalars(
            select(PulseAnswer.value_number).join(PulseResponse).join(PulseQuestion)
            .join(PulseSegment, PulseSegment.id == PulseResponse.segment_id)
            .where(PulseResponse.wave_id == wave_id, PulseSegment.team == team,
                   PulseQuestion.key == "recovery_share")))


def test_watching_before_and_after_one_response_shows_nothing_until_a_whole_step(engine, wave):
    """The executive exports everything, one agent answers, the executive exports again: no difference."""
    wave_id, tokens = wave
    for i in range(5):
        send(engine, tokens["Billing"][i], answers(10 + i))
    before = looks(engine, wave_id)
    assert released(engine, wave_id, "Billing") == [10, 11, 12, 13, 14]
    for i in range(5, 9):  # four more agents answer, one at a time, each watched
        send(engine, tokens["Billing"][i], answers(50 + i))
        assert looks(engine, wave_id) == before, f"a figure moved after response {i + 1}"
    send(engine, tokens["Billing"][9], answers(59))  # the fifth completes a step: all five move together
    after = looks(engine, wave_id)
    assert after["overview"] != before["overview"] and after["briefing_csv"] != before["briefing_csv"]
    assert released(engine, wave_id, "Billing") == [10, 11, 12, 13, 14, 55, 56, 57, 58, 59]


def test_padding_cannot_lift_a_small_team_over_the_threshold(engine, wave):
    """A researcher holding the links answers in the place of a three-person team's colleagues."""
    wave_id, tokens = wave
    with session_scope(engine) as session:
        tiny = session.scalar(select(PulseSegment).where(PulseSegment.team == "Tiny"))
        with pytest.raises(
                PulseError, match="headcount of 3, and its invites and open-link answers leave room for fewer than 9"):
            create_links(session=session, segment=tiny, count=9)
        open_link = create_links(session=session, segment=tiny, kind="open")[0]
    with pytest.raises(PulseError, match="as many answers as the team has people"):
        send(engine, open_link, answers(1))
    send(engine, tokens["Tiny"][0], answers(77, "the real person's comment"))  # the one real answer
    for token in tokens["Tiny"][1:]:
        send(engine, token, answers(1, "fake"))  # the attacker uses every other invite
    assert released(engine, wave_id, "Tiny") == []
    seen = looks(engine, wave_id)
    assert "'Leeds': None" in seen["heatmap_site"] and "real person" not in seen["comments"]
    with session_scope(engine) as session, pytest.raises(PulseError, match="takes no imported file"):
        import_responses(session=session, wave=session.get(PulseWave, wave_id), rows=[{"m": "3"}] * 9,
                         mapping={"morale": "m"}, redactor=Redactor(), default_day=TODAY, segment="Tiny",
                         steps=Thresholds())


def test_four_people_with_three_text_questions_are_never_quoted(engine, wave):
    """Twelve answers from four people must not pass a threshold of ten people."""
    wave_id, tokens = wave
    for i, token in enumerate(tokens["Four"]):
        send(engine, token, answers(i, f"four-person team comment {i}"))
    for i, token in enumerate(tokens["Chat"][:6]):  # a team over the score step, under the comment step
        send(engine, token, answers(i, f"chat comment {i}"))
    seen = looks(engine, wave_id)
    assert "four-person" not in seen["comments"] and "chat comment" not in seen["comments"]
    with session_scope(engine) as session:
        assert session.scalars(select(PulseAnswer.value_text).where(PulseAnswer.value_text.is_not(None))).all() == []
    for i, token in enumerate(tokens["Chat"][6:10]):  # ten people have now written: their comments move together
        send(engine, token, answers(i, f"chat comment {6 + i}"))
    assert sorted(set(re.findall(r"chat comment \d+", looks(engine, wave_id)["comments"]))) == sorted(
        f"chat comment {i}" for i in range(10))


def stored_order(engine, table: str, column: str) -> list:
    """A column in the order the database keeps the rows (what a superuser reading pages sees)."""
    order = " ORDER BY ctid" if engine.dialect.name == "postgresql" else ""
    with engine.connect() as conn:
        return [uuid.UUID(str(row[0])) for row in conn.execute(text(f"SELECT {column} FROM {table}{order}"))]


def test_row_order_and_days_say_nothing_about_who_sent_what(engine, wave):
    """The administrator lists responses as stored, hoping the order (or the day) is the order of sending."""
    wave_id, tokens = wave
    steps = Thresholds(scores=12, comments=12)  # one batch of twelve, so a kept order could not hide by chance
    for i, token in enumerate(tokens["Billing"][:12]):
        send(engine, token, answers(i * 8, f"comment {i}"), today=TODAY - timedelta(days=2 - i // 6), steps=steps)
    with session_scope(engine) as session:
        marker = {rid: value for rid, value in session.execute(
            select(PulseAnswer.response_id, PulseAnswer.value_number).join(PulseQuestion)
            .where(PulseQuestion.key == "recovery_share"))}
        days = set(session.scalars(select(PulseResponse.submitted_on)))
    sent = [i * 8 for i in range(12)]
    responses = [marker[r] for r in stored_order(engine, "pulse_responses", "id")]
    receipts = [marker[r] for r in stored_order(engine, "pulse_receipts", "response_id")]
    answers_kept = [marker[r] for r in dict.fromkeys(stored_order(engine, "pulse_answers", "response_id"))]
    assert sorted(responses) == sent
    for order in (responses, receipts, answers_kept):
        assert order not in (sent, sent[::-1])
    assert days == {TODAY - timedelta(days=1)}  # the day of the release, not the days they were sent
    if engine.dialect.name == "sqlite":
        for table in ("pulse_responses", "pulse_answers", "pulse_receipts", "pulse_inbox", "pulse_held_texts"):
            with engine.connect() as conn, pytest.raises(OperationalError, match="rowid"):
                conn.execute(text(f"SELECT rowid FROM {table}"))


def billing_invites(engine, title: str, count: int, headcount: int = 20) -> list[str]:
    """A one-team wave (every library question and the two extra text questions) and ``count`` invites."""
    with session_scope(engine) as session:
        created = create_wave(
            session=session, title=title, opens_on=TODAY - timedelta(days=1), closes_on=TODAY + timedelta(days=7),
            question_keys=[q.key for q in QUESTION_LIBRARY], extra_text_questions=TEXT_QUESTIONS,
            segments=[SegmentSpec(team="Billing", site="Cardiff", headcount=headcount)])
        return create_links(session=session, segment=created.segments[0], count=count) if count else []


@pytest.fixture
def pg_engine(pg_url):
    engine = make_engine(pg_url)
    with engine.begin() as conn:
        conn.execute(text("CREATE EXTENSION IF NOT EXISTS pageinspect"))
    yield engine
    engine.dispose()


def test_no_transaction_id_links_a_used_invite_to_a_response(pg_engine):
    """The administrator joins ``xmin`` of used invites to the response tables, and reads dead inbox tuples."""
    tokens = billing_invites(pg_engine, "xmin wave", 12)
    for i, token in enumerate(tokens[:11]):
        send(pg_engine, token, answers(i, f"comment {i}"))
    with pg_engine.connect() as conn:
        used = set(conn.execute(text("SELECT xmin::text FROM pulse_links WHERE used")).scalars())
        kept = {table: set(conn.execute(text(f"SELECT xmin::text FROM {table}")).scalars())
                for table in ("pulse_responses", "pulse_answers", "pulse_receipts", "pulse_held_texts")}
        waiting = conn.execute(text("SELECT count(*) FROM pulse_inbox")).scalar()
        dead = conn.execute(text(
            "SELECT count(*) FROM generate_series(0, pg_relation_size('pulse_inbox') / 8192 - 1) AS page, "
            "LATERAL heap_page_items(get_raw_page('pulse_inbox', page::int)) WHERE t_data IS NOT NULL")).scalar()
        pages = b"".join(conn.execute(text(
            "SELECT get_raw_page('pulse_inbox', page::int) "
            "FROM generate_series(0, pg_relation_size('pulse_inbox') / 8192 - 1) AS page")).scalars())
    assert len(used) == 11
    for table, xmins in kept.items():
        assert not xmins & used, f"{table} shares a transaction with a used invite"
    assert len(kept["pulse_responses"]) == 2  # two batches (5 and 5): a transaction id names a batch, not a person
    assert waiting == 1 and dead == waiting  # the released submissions' dead tuples are gone; one still waits
    assert b"comment 10" not in pages and b"numbers" not in pages  # and the one waiting is sealed


def test_an_open_reader_keeps_nothing_readable_in_sqlites_files(tmp_path):
    """The administrator keeps a read transaction open so the checkpoint cannot clear the write-ahead log."""
    from research.store.migrate import upgrade

    path = tmp_path / "frontline.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    tokens = billing_invites(engine, "WAL wave", 7)
    reader = sqlite3.connect(path, isolation_level=None)
    reader.execute("BEGIN")
    reader.execute("SELECT count(*) FROM pulse_waves").fetchone()  # a snapshot held open throughout
    try:
        for i, token in enumerate(tokens):
            send(engine, token, answers(i, f"wal secret {i}"))
        wal = (tmp_path / "frontline.db-wal").read_bytes()
        files = (tmp_path / "frontline.db").read_bytes() + wal
    finally:
        reader.close()
        engine.dispose()
    assert b"wal secret 0" in wal  # the open reader did keep the log: the released comments are in it
    # The first five were released (their comments then wait, unsealed but tied to no invite, for ten
    # writers); the two still waiting, and every submission as it was written beside its invite, are sealed.
    assert b"wal secret 5" not in files and b"wal secret 6" not in files and b'"numbers"' not in files


def test_two_link_requests_at_once_cannot_both_take_the_last_places(pg_engine):
    """The researcher asks for a team's whole headcount of invites twice at the same moment."""
    import threading

    billing_invites(pg_engine, "Race wave", 0, headcount=5)
    with session_scope(pg_engine) as session:
        segment_id = session.scalar(select(PulseSegment.id).where(PulseSegment.team == "Billing"))
    barrier, outcomes = threading.Barrier(2), []

    def ask():
        try:
            with session_scope(pg_engine) as session:
                segment = session.get(PulseSegment, segment_id)
                barrier.wait()
                outcomes.append(len(create_links(session=session, segment=segment, count=5)))
        except PulseError:
            outcomes.append("refused")

    threads = [threading.Thread(target=ask) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes, key=str) == [5, "refused"]
    with session_scope(pg_engine) as session:
        assert len(session.scalars(select(PulseLink).where(PulseLink.segment_id == segment_id)).all()) == 5


def waiting_row_of(engine, token: str, segment: str) -> dict:
    """The administrator finds one agent's sealed inbox row: on PostgreSQL by the ``xmin`` it shares with the
    invite flagged used (the token's hash is in the links CSV), on SQLite as the only waiting row of its team."""
    with engine.connect() as conn:
        if engine.dialect.name == "postgresql":
            return dict(conn.execute(text(
                "SELECT i.* FROM pulse_inbox i JOIN pulse_links l ON i.xmin = l.xmin WHERE l.token_hash = :h"),
                {"h": hash_token(token)}).mappings().one())
        return dict(conn.execute(text(
            "SELECT i.* FROM pulse_inbox i JOIN pulse_segments s ON s.id = i.segment_id WHERE s.team = :t"),
            {"t": segment}).mappings().one())


def insert_inbox_row(engine, row: dict, new_id: bool) -> None:
    """The administrator writes a sealed row back, as it was or under a fresh id. No key is needed."""
    values = dict(row)
    if new_id:
        made = uuid.uuid4()
        values["id"] = made if engine.dialect.name == "postgresql" else made.hex
    if engine.dialect.name == "postgresql":
        values["payload"] = json.dumps(values["payload"])
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO pulse_inbox (id, wave_id, segment_id, submitted_on, payload) "
                          "VALUES (:id, :wave_id, :segment_id, :submitted_on, :payload)"), values)


def skip_repeated_receipts(engine) -> None:
    """The administrator's trigger: a receipt hash already stored is silently not inserted again."""
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text(
                "CREATE FUNCTION skip_repeated_receipt() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                "IF EXISTS (SELECT 1 FROM pulse_receipts WHERE code_hash = NEW.code_hash) THEN RETURN NULL; "
                "END IF; RETURN NEW; END $$"))
            conn.execute(text("CREATE TRIGGER skip_repeated_receipt BEFORE INSERT ON pulse_receipts "
                              "FOR EACH ROW EXECUTE FUNCTION skip_repeated_receipt()"))
        else:
            conn.execute(text(
                "CREATE TRIGGER skip_repeated_receipt BEFORE INSERT ON pulse_receipts WHEN EXISTS "
                "(SELECT 1 FROM pulse_receipts WHERE code_hash = NEW.code_hash) BEGIN SELECT RAISE(IGNORE); END"))


@pytest.fixture
def receipt_trigger(engine):
    """Installs the administrator's trigger when called; dropped afterwards, as PostgreSQL's test database
    is shared by the tests that follow."""
    yield lambda: skip_repeated_receipts(engine)
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            conn.execute(text("DROP TRIGGER IF EXISTS skip_repeated_receipt ON pulse_receipts"))
            conn.execute(text("DROP FUNCTION IF EXISTS skip_repeated_receipt()"))


def inbox_count(engine, team: str) -> int:
    with session_scope(engine) as session:
        return session.scalar(select(func.count()).select_from(PulseInbox).join(
            PulseSegment, PulseSegment.id == PulseInbox.segment_id).where(PulseSegment.team == team))


@pytest.mark.parametrize("receipts_out_of_the_way_by", ["trigger", "erase_comments"])
def test_copies_of_one_waiting_submission_never_count_as_other_people(engine, wave, tmp_path, caplog,
                                                                      receipt_trigger, receipts_out_of_the_way_by):
    """The administrator, without the key, copies one agent's sealed row nine times under new ids, gets the
    copies' repeated receipt out of the way (a trigger, or the operator's erase-comments run, which re-seals
    waiting rows without their receipt) and waits for another team's step to release the wave."""
    wave_id, tokens = wave
    key = Fernet.generate_key()
    settings = load_settings({"FRONTLINE_INBOX_KEY": key.decode(), "FRONTLINE_DATA_DIR": str(tmp_path / "data")})
    sealer = Sealer(key)
    send(engine, tokens["Chat"][0], answers(77, "the victim's own words"), sealer=sealer)
    victim = waiting_row_of(engine, tokens["Chat"][0], "Chat")
    for _ in range(9):
        insert_inbox_row(engine, victim, new_id=True)
    if receipts_out_of_the_way_by == "trigger":
        receipt_trigger()
    else:
        with session_scope(engine) as session:
            erase_comments(session=session, before=TODAY + timedelta(days=1), actor="cli:root", settings=settings)
    with caplog.at_level(logging.WARNING, logger="research.pulse"):
        for i in range(5):  # another team's step fills, and the wave is released
            send(engine, tokens["Billing"][i], answers(10 + i), sealer=sealer)
    assert released(engine, wave_id, "Billing") == [10, 11, 12, 13, 14]
    assert released(engine, wave_id, "Chat") == []  # not ten respondents who all answered like the victim
    assert "victim" not in looks(engine, wave_id)["comments"]
    assert inbox_count(engine, "Chat") == 10  # nothing released, nothing lost: left for an operator
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert any("do not match" in w for w in warnings)
    assert not any("77" in w or "victim" in w for w in warnings)  # the warning names no content

    for i in range(1, 5):  # four real colleagues answer: the victim is released once, among five people
        send(engine, tokens["Chat"][i], answers(20 + i), sealer=sealer)
    assert released(engine, wave_id, "Chat") == [21, 22, 23, 24, 77]
    assert inbox_count(engine, "Chat") == 9  # the copies stay refused


def test_a_released_submission_written_back_is_not_released_again(engine, wave, caplog, receipt_trigger):
    """The administrator keeps one agent's sealed row (same id, same payload) and writes it back after its
    release, so that it comes out again beside four new people: the repeated answers would be the agent's."""
    wave_id, tokens = wave
    send(engine, tokens["Chat"][0], answers(77, "the victim's own words"))
    victim = waiting_row_of(engine, tokens["Chat"][0], "Chat")
    for i in range(1, 5):
        send(engine, tokens["Chat"][i], answers(20 + i))
    assert released(engine, wave_id, "Chat") == [21, 22, 23, 24, 77]
    insert_inbox_row(engine, victim, new_id=False)  # the same row, back in the inbox
    receipt_trigger()
    with caplog.at_level(logging.WARNING, logger="research.pulse"):
        for i in range(5, 9):
            send(engine, tokens["Chat"][i], answers(30 + i))
    assert released(engine, wave_id, "Chat") == [21, 22, 23, 24, 77]  # the four new ones wait for a fifth
    assert inbox_count(engine, "Chat") == 5
    assert any("already released" in r.getMessage() for r in caplog.records if r.levelno == logging.WARNING)
    send(engine, tokens["Chat"][9], answers(39))
    assert released(engine, wave_id, "Chat") == [21, 22, 23, 24, 35, 36, 37, 38, 39, 77]
    assert inbox_count(engine, "Chat") == 1  # the written-back row stays, refused


def respelt(row: dict, engine, token: str) -> dict:
    """The waiting row with its sealed token written another way (a copy under a new id once inserted)."""
    payload = {"sealed": token}
    return {**row, "payload": payload if engine.dialect.name == "postgresql" else json.dumps(payload)}


def test_respelt_copies_of_a_row_sealed_before_binding_never_count_as_other_people(engine, wave, caplog,
                                                                                   receipt_trigger, monkeypatch):
    """The administrator, without the key, copies an agent's row sealed before payloads carried their row
    (an upgrade happened while it waited), each copy's token with newlines or a dot added, which Fernet skips
    when opening it: known by a hash of the token's text, the copies were released as five respondents who
    all answered like the agent. Then writes the row back after its release, its hash deleted from
    ``pulse_released`` (or never there: released before that table existed)."""
    import research.pulse.inbox as inbox

    wave_id, tokens = wave
    monkeypatch.setattr(inbox, "bound", lambda row_id, wave_id, segment_id, content: content)  # the old sealing
    send(engine, tokens["Chat"][0], answers(77, "the victim's own words"))
    monkeypatch.undo()
    victim = waiting_row_of(engine, tokens["Chat"][0], "Chat")
    if isinstance(victim["payload"], str):
        victim["payload"] = json.loads(victim["payload"])
    token = victim["payload"]["sealed"]
    assert "v" not in SEALER.open(victim["payload"])  # a legacy row indeed
    receipt_trigger()
    for spelt in (token[:10] + "\n" + token[10:], token[:10] + "\n\n" + token[10:], token[:20] + "." + token[20:],
                  token + "\n"):
        insert_inbox_row(engine, respelt(victim, engine, spelt), new_id=True)
    with caplog.at_level(logging.WARNING, logger="research.pulse"):
        for i in range(5):  # another team's step fills, and the wave is released
            send(engine, tokens["Billing"][i], answers(10 + i))
    assert released(engine, wave_id, "Chat") == []  # not five respondents who all answered like the victim
    assert inbox_count(engine, "Chat") == 5
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert any("4 do not match their row" in w for w in warnings)
    assert not any("77" in w or "victim" in w or token[:20] in w for w in warnings)

    for i in range(1, 5):  # four real colleagues answer: the victim is released once, among five people
        send(engine, tokens["Chat"][i], answers(20 + i))
    assert released(engine, wave_id, "Chat") == [21, 22, 23, 24, 77]
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM pulse_released"))
    insert_inbox_row(engine, respelt(victim, engine, token), new_id=True)  # the row as it was, and respelt again
    insert_inbox_row(engine, respelt(victim, engine, token[:30] + "\n" + token[30:]), new_id=True)
    for i in range(5, 10):
        send(engine, tokens["Chat"][i], answers(30 + i))
    assert released(engine, wave_id, "Chat") == [21, 22, 23, 24, 35, 36, 37, 38, 39, 77]
    assert inbox_count(engine, "Chat") == 6  # the four first copies and the two written back stay, refused


def _logged_ids(parameters) -> list[str]:
    """Every value of a statement's parameters in order, UUIDs spelt one way (SQLite binds them as hex)."""
    if isinstance(parameters, dict):
        parameters = list(parameters.values())
    if isinstance(parameters, (list, tuple)):
        return [v for p in parameters for v in _logged_ids(p)]
    if isinstance(parameters, uuid.UUID):
        return [str(parameters)]
    if isinstance(parameters, str) and re.fullmatch(r"[0-9a-f]{32}", parameters):
        return [str(uuid.UUID(parameters))]
    return [str(parameters)]


def test_a_statement_log_ties_no_waiting_row_to_its_response(engine):
    """The administrator logs every statement (``ALTER DATABASE ... SET log_statement = 'all'``): a send's
    ``INSERT INTO pulse_inbox`` follows its ``UPDATE pulse_links``, so each waiting row's id names its invite.
    The release deleted those rows in the shuffled order it then wrote their responses and answers in, so
    lining up the DELETE with the INSERTs paired every invite with its answers."""
    from sqlalchemy import event

    tokens = billing_invites(engine, "Logged wave", 12)
    steps = Thresholds(scores=12, comments=12)  # one batch of twelve
    log: list[tuple[str, list[str]]] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        log.append((" ".join(statement.split()), _logged_ids(parameters)))

    event.listen(engine, "before_cursor_execute", record)
    try:
        marker_of_row = {}
        for i, token in enumerate(tokens):
            start = len(log)
            send(engine, token, answers(i * 8, f"comment {i}"), steps=steps)
            writes = [n for n in range(start, len(log)) if log[n][0].startswith("INSERT INTO pulse_inbox")]
            assert len(writes) == 1
            marker_of_row[next(v for v in log[writes[0]][1] if re.fullmatch(r"[0-9a-f-]{36}", v))] = i * 8
    finally:
        event.remove(engine, "before_cursor_execute", record)
    release = log[writes[0] + 1:]
    with session_scope(engine) as session:
        marker_of_response = {str(r): v for r, v in session.execute(
            select(PulseAnswer.response_id, PulseAnswer.value_number).join(PulseQuestion)
            .where(PulseQuestion.key == "recovery_share"))}
        receipts = set(session.scalars(text("SELECT code_hash FROM pulse_receipts")))
    assert sorted(marker_of_response.values()) == sorted(marker_of_row.values())
    keyed = {"inbox ids": set(marker_of_row), "digests": {SEALER.digest(f"row:{r}") for r in marker_of_row},
             "receipts": receipts}
    for statement, values in release:
        for family, known in keyed.items():
            listed = [v for v in values if v in known]
            if family == "receipts" and statement.startswith("INSERT INTO pulse_receipts"):
                continue  # stored beside their responses anyway
            assert listed == sorted(listed), f"{statement[:40]} lists {family} in a row's order"
    deleted = next(values for statement, values in release if statement.startswith("DELETE FROM pulse_inbox"))
    assert sorted(deleted) == sorted(marker_of_row)
    written = [v for statement, values in release if statement.startswith("INSERT INTO pulse_responses")
               for v in values if v in marker_of_response]
    assert sorted(written) == sorted(marker_of_response)
    paired = sum(marker_of_row[row] == marker_of_response[response] for row, response in zip(deleted, written))
    assert paired < len(deleted)  # the attack's pairing is a chance one (about one right of twelve), not all
