"""Old comments are erased under the retention schedule; scores, and every figure made of them, stay."""

from datetime import date

from pulse_builders import add_wave, answers
from sqlalchemy import func, select

from research.findings.overview import overview
from research.privacy.reporting import Thresholds
from research.pulse.replies import add_reply
from research.pulse.retention import erase_comments
from research.settings import load_settings
from research.store.engine import session_scope
from research.store.models import (
    AnalysisJob,
    AuditEvent,
    PulseAnswer,
    PulseReceipt,
    PulseReply,
    PulseResponse,
    TextAnalysis,
    TopicLabelSet,
    TopicSummary,
)

FIVE = Thresholds(scores=5, comments=10)


def counts(session):
    texts = select(func.count()).select_from(PulseAnswer).where(PulseAnswer.value_text.is_not(None))
    return (session.scalar(texts), session.scalar(select(func.count()).select_from(PulseReply)),
            session.scalar(select(func.count()).select_from(PulseReceipt)))


def test_comments_before_the_day_go_and_the_scores_stay(engine, tmp_path):
    settings = load_settings({"FRONTLINE_DATA_DIR": str(tmp_path / "data")})
    with session_scope(engine) as session:
        spring = add_wave(session, "Spring", date(2025, 3, 1), {"Billing": answers(6, morale=2)})
        autumn = add_wave(session, "Autumn", date(2026, 9, 1), {"Billing": answers(7, morale=4)})
        for wave_id in (spring, autumn):
            response = session.scalar(select(PulseResponse).where(PulseResponse.wave_id == wave_id).limit(1))
            session.add(PulseReceipt(code_hash=f"hash-{wave_id}", response_id=response.id))
            add_reply(session=session, response_id=response.id, author="ana", body="Thanks, we are on it.",
                      today=date(2026, 10, 1))
    with session_scope(engine) as session:
        before = {w: overview(session=session, wave_id=w, thresholds=FIVE).kpis for w in (spring, autumn)}
        assert counts(session) == (13, 2, 2)

    with session_scope(engine) as session:
        preview = erase_comments(session=session, before=date(2026, 1, 1), actor="cli:root", settings=settings,
                                 dry_run=True)
        assert (preview.comments, preview.replies, preview.receipts, preview.erased) == (6, 1, 1, False)
        assert counts(session) == (13, 2, 2)  # a dry run erases nothing
        assert session.scalar(select(func.count()).select_from(AuditEvent)) == 0

    with session_scope(engine) as session:
        done = erase_comments(session=session, before=date(2026, 1, 1), actor="cli:root", settings=settings)
    assert (done.comments, done.replies, done.receipts, done.erased) == (6, 1, 1, True)
    with session_scope(engine) as session:
        assert counts(session) == (7, 1, 1)  # autumn's are untouched
        assert session.scalar(select(func.count()).select_from(PulseResponse)) == 13
        after = {w: overview(session=session, wave_id=w, thresholds=FIVE).kpis for w in (spring, autumn)}
        assert after == before
        assert session.scalars(select(AuditEvent.subject)).all() == [
            "6 comment(s), 1 reply(ies), 1 receipt(s) of responses before 2026-01-01"]


def test_erasure_drops_the_stored_readable_topic_labels(engine, tmp_path):
    """Labels rebuilt from the quotable comments may be made of erased words; pages rebuild them from what is
    left. A dry run, or an erasure with no comment to erase, keeps them."""
    settings = load_settings({"FRONTLINE_DATA_DIR": str(tmp_path / "data")})
    with session_scope(engine) as session:
        add_wave(session, "Spring", date(2025, 3, 1), {"Billing": answers(6)})
        job = AnalysisJob(status="succeeded")
        session.add(job)
        session.flush()
        session.add(TopicLabelSet(job_id=job.id, digest="d" * 64, labels={"0": "Spring words"}))
        session.add(TopicSummary(job_id=job.id, topic=0, label="New starters go live after a week", size=6,
                                 words=["starters", "week"]))
    stored = select(func.count()).select_from(TopicLabelSet)
    summary = select(TopicSummary.label, TopicSummary.words)
    for before, dry_run, left in ((date(2026, 1, 1), True, 1), (date(2025, 1, 1), False, 1),
                                  (date(2026, 1, 1), False, 0)):
        with session_scope(engine) as session:
            erase_comments(session=session, before=before, actor="cli:root", settings=settings, dry_run=dry_run)
        with session_scope(engine) as session:
            assert session.scalar(stored) == left
            kept = [("New starters go live after a week", ["starters", "week"])] if left else [
                ("Topic 0 (its label went with erased comments)", [])]  # the researchers' label was its words
            assert [tuple(r) for r in session.execute(summary)] == kept


MARKER = "zebra-crossing-grievance-8841"


def sqlite_file_with_old_comments(tmp_path) -> tuple:
    """A SQLite file holding six old comments that read MARKER, written back from the log: (path, wave id)."""
    from research.store.engine import make_engine
    from research.store.migrate import upgrade

    path = tmp_path / "frontline.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    with session_scope(engine) as session:
        wave = add_wave(session, "Old", date(2025, 3, 1), {"Billing": answers(6)})
        session.execute(PulseAnswer.__table__.update().where(PulseAnswer.value_text.is_not(None))
                        .values(value_text=MARKER))
    engine.dispose()  # the last connection closed writes the log back into the file
    assert MARKER.encode() in path.read_bytes()
    return path, wave


def test_erased_comments_are_overwritten_in_the_sqlite_file(tmp_path):
    """SQLite runs with secure_delete, so an erased comment cannot be read back from free pages."""
    from research.store.engine import make_engine

    settings = load_settings({"FRONTLINE_DATA_DIR": str(tmp_path / "data")})
    path, wave = sqlite_file_with_old_comments(tmp_path)
    marker = MARKER

    engine = make_engine(f"sqlite:///{path}")
    with session_scope(engine) as session:
        assert erase_comments(session=session, before=date(2026, 1, 1), actor="cli:root",
                              settings=settings).comments == 6
        assert session.scalar(select(func.count()).select_from(PulseResponse).where(PulseResponse.wave_id == wave)) == 6
    engine.dispose()
    assert marker.encode() not in path.read_bytes()


# --- the analysis cache forgets erased comments -------------------------------------------------------------

OLD_TEXTS = [f"old grievance {i}: the rota ignores my childcare, zebra-8841" for i in range(4)] + [
    "Flexible timings, good salary, zebra-8841"]  # read part by part: its parts are cached under their own keys
KEPT_TEXTS = [f"kept remark {i}: the knowledge base is out of date" for i in range(6)]
SHARED = "the CRM freezes"  # said in both waves: the kept one still needs its cache entry


def set_texts(session, wave_id, texts):
    rows = session.scalars(select(PulseAnswer).join(PulseResponse).where(
        PulseResponse.wave_id == wave_id, PulseAnswer.value_text.is_not(None)).order_by(PulseAnswer.id)).all()
    for row, text in zip(rows, texts, strict=True):
        row.value_text = text


def cache_files(settings):
    path = settings.embedding_cache_path
    return b"".join(p.read_bytes() for p in path.parent.glob(path.name + "*"))


def cache_keys(settings, table):
    return cache_keys_at(settings.embedding_cache_path, table)


def vector_key(model, text):
    import hashlib

    return hashlib.sha256(f"{model}\x00{text}".encode()).hexdigest()


def test_erasure_removes_the_erased_comments_from_the_analysis_cache(engine, tmp_path, model, scorer):
    """A job fills the cache exactly as in production; erasure leaves no key, vector or score of an erased
    text, in the rows or in the file's bytes, and keeps every entry a kept comment uses."""
    from research.analysis.embeddings import EmbeddingCache
    from research.analysis.jobs import enqueue_job, run_job
    from research.text_parts import parts_of

    settings = load_settings({"FRONTLINE_DATA_DIR": str(tmp_path / "data")})
    with session_scope(engine) as session:
        spring = add_wave(session, "Spring", date(2025, 3, 1), {"Billing": answers(6)})
        autumn = add_wave(session, "Autumn", date(2026, 9, 1), {"Billing": answers(7)})
        set_texts(session, spring, [SHARED, *OLD_TEXTS])
        set_texts(session, autumn, [SHARED, *KEPT_TEXTS])
        job = enqueue_job(session=session)
    cache = EmbeddingCache(settings.embedding_cache_path, settings.embedding_model)
    run_job(engine, job, model=model, scorer=scorer, cache=cache)
    erased_vectors = [v.tobytes() for v in cache.get_many(OLD_TEXTS).values()]
    cache.close()
    assert len(erased_vectors) == len(OLD_TEXTS)

    name, version = settings.embedding_model, scorer.version()
    parts = {vector_key(name, part) for t in OLD_TEXTS for part in parts_of(t)}
    erased = ({vector_key(name, t) for t in OLD_TEXTS} | parts, {vector_key(version, t) for t in OLD_TEXTS})
    kept = ({vector_key(name, t) for t in [SHARED, *KEPT_TEXTS]},
            {vector_key(version, t) for t in [SHARED, *KEPT_TEXTS]})
    before = (cache_keys(settings, "vectors"), cache_keys(settings, "scores"))
    assert parts & before[0]  # the job did cache parts of an erased comment
    erased = (erased[0] & before[0], erased[1])  # parts of comments read whole were never cached
    for table, rows in enumerate(before):  # the keys are built as this test builds them
        assert erased[table] <= rows and kept[table] <= rows
    assert all(v in cache_files(settings) for v in erased_vectors)
    with session_scope(engine) as session:
        assert session.scalar(select(func.count()).select_from(TextAnalysis)) == 13

    with session_scope(engine) as session:
        done = erase_comments(session=session, before=date(2026, 1, 1), actor="cli:root", settings=settings)
    assert (done.comments, done.cache_entries) == (6, len(erased[0]) + len(erased[1]))

    after = (cache_keys(settings, "vectors"), cache_keys(settings, "scores"))
    for table, rows in enumerate(after):
        assert not erased[table] & rows
        assert rows == before[table] - erased[table]  # kept comments and the codebook's anchors stay
    data = cache_files(settings)
    assert not any(key.encode() in data for key in erased[0] | erased[1])
    assert not any(v in data for v in erased_vectors)
    assert all(key.encode() in data for key in kept[0] | kept[1])
    with session_scope(engine) as session:  # the erased answers' analysis rows went with them (cascade)
        analysed = session.scalars(select(PulseAnswer.value_text).join(
            TextAnalysis, TextAnalysis.answer_id == PulseAnswer.id)).all()
        assert sorted(analysed) == sorted([SHARED, *KEPT_TEXTS])
        assert session.scalar(select(func.count()).select_from(TextAnalysis)) == 7


def test_erasure_forgets_the_single_spaced_form_a_coded_comment_teaches_the_themes_with(engine, tmp_path):
    import numpy as np

    from research.analysis.embeddings import EmbeddingCache

    ragged = "Too many  silent calls\nand the queue display lies"
    settings = load_settings({"FRONTLINE_DATA_DIR": str(tmp_path / "data")})
    with session_scope(engine) as session:
        set_texts(session, add_wave(session, "Spring", date(2025, 3, 1), {"Billing": answers(5)}), [ragged] * 5)
    cache = EmbeddingCache(settings.embedding_cache_path, settings.embedding_model)
    cache.put_many({ragged: np.ones(4), " ".join(ragged.split()): np.ones(4)})  # as the analysis caches them
    cache.close()
    with session_scope(engine) as session:
        erase_comments(session=session, before=date(2026, 1, 1), actor="cli:root", settings=settings)
    assert cache_keys(settings, "vectors") == set()


def test_a_dry_run_leaves_the_cache_alone(engine, tmp_path):
    import numpy as np

    from research.analysis.embeddings import EmbeddingCache

    settings = load_settings({"FRONTLINE_DATA_DIR": str(tmp_path / "data")})
    with session_scope(engine) as session:
        set_texts(session, add_wave(session, "Spring", date(2025, 3, 1), {"Billing": answers(5)}), OLD_TEXTS)
    cache = EmbeddingCache(settings.embedding_cache_path, settings.embedding_model)
    cache.put_many({t: np.ones(4) for t in OLD_TEXTS})
    cache.close()
    with session_scope(engine) as session:
        assert erase_comments(session=session, before=date(2026, 1, 1), actor="cli:root", settings=settings,
                              dry_run=True).cache_entries == 0
    assert cache_keys(settings, "vectors") == {vector_key(settings.embedding_model, t) for t in OLD_TEXTS}


def test_the_command_cleans_the_cache_the_analysis_uses(engine, cli_env, monkeypatch, capsys):
    """``frontline pulse erase-comments --yes`` finds the cache from the same settings as ``frontline analyze``."""
    import numpy as np

    from research.analysis.embeddings import EmbeddingCache
    from research.cli import main

    settings = load_settings()
    with session_scope(engine) as session:
        set_texts(session, add_wave(session, "Spring", date(2025, 3, 1), {"Billing": answers(5)}), OLD_TEXTS)
        set_texts(session, add_wave(session, "Autumn", date(2026, 9, 1), {"Billing": answers(6)}), KEPT_TEXTS)
    cache = EmbeddingCache(settings.embedding_cache_path, settings.embedding_model)
    cache.put_many({t: np.full(4, i, dtype=np.float32) for i, t in enumerate(OLD_TEXTS + KEPT_TEXTS)})
    cache.scores(OLD_TEXTS + KEPT_TEXTS, "vader+test", len)
    cache.close()
    assert main(["pulse", "erase-comments", "--before", "2026-01-01", "--yes"]) == 0
    assert "erased 5 comment(s)" in capsys.readouterr().out
    assert cache_keys(settings, "vectors") == {vector_key(settings.embedding_model, t) for t in KEPT_TEXTS}
    assert cache_keys(settings, "scores") == {vector_key("vader+test", t) for t in KEPT_TEXTS}


def test_forget_covers_every_model_and_score_version_the_cache_has_used(tmp_path):
    import numpy as np

    from research.analysis.embeddings import EmbeddingCache

    path = tmp_path / "cache.sqlite"
    for name in ("old-model", "new-model"):
        cache = EmbeddingCache(path, name)
        cache.put_many({"secret": np.ones(4), "other": np.zeros(4)})
        cache.scores(["secret", "other"], f"v-{name}", len)
        cache.close()
    cache = EmbeddingCache(path, "new-model")
    assert cache.forget(["secret"]) == 4
    assert cache.get_many(["secret", "other"]).keys() == {"other"}
    cache.close()
    assert cache_keys_at(path, "vectors") == {vector_key(m, "other") for m in ("old-model", "new-model")}
    assert cache_keys_at(path, "scores") == {vector_key(f"v-{m}", "other") for m in ("old-model", "new-model")}


def test_a_cache_from_before_namespaces_were_kept_is_emptied_on_first_erasure(tmp_path):
    """Its keys' models and versions are unknown, so no key of an erased text can be told apart."""
    import sqlite3

    from research.analysis.embeddings import EmbeddingCache

    path = tmp_path / "cache.sqlite"
    with sqlite3.connect(path) as db:  # the layout written by earlier versions
        db.execute("CREATE TABLE vectors (key TEXT PRIMARY KEY, vector BLOB NOT NULL)")
        db.execute("CREATE TABLE scores (key TEXT PRIMARY KEY, score REAL NOT NULL)")
        db.execute("INSERT INTO vectors VALUES (?, x'00')", (vector_key("some-old-model", "secret"),))
        db.execute("INSERT INTO scores VALUES (?, 0.5)", (vector_key("vader+0123", "secret"),))
    db.close()
    cache = EmbeddingCache(path, "m")
    cache.put_many({"later": [1.0]})
    assert cache.forget(["secret"]) == 3
    assert cache.forget(["secret"]) == 0  # from then on only the named texts go
    cache.close()
    assert cache_keys_at(path, "vectors") == set() and cache_keys_at(path, "scores") == set()


def cache_keys_at(path, table):
    import sqlite3

    db = sqlite3.connect(path)
    try:
        return {key for (key,) in db.execute(f"SELECT key FROM {table}")}
    finally:
        db.close()


def test_unsent_replies_to_erased_comments_go_and_replies_to_kept_ones_stay(engine, tmp_path):
    """An unsent reply may quote the comment it answers; an insider found such drafts outliving the erasure."""
    from research.accounts import create_user
    from research.accounts.drafts import keep_text, kept_text, reply_place

    settings = load_settings({"FRONTLINE_DATA_DIR": str(tmp_path / "data")})
    with session_scope(engine) as session:
        create_user(session=session, username="ana", role="researcher", password="a long password", actor="setup")
        drafts = {}
        for title, opened in (("Spring", date(2025, 3, 1)), ("Autumn", date(2026, 9, 1))):
            wave_id = add_wave(session, title, opened, {"Billing": answers(6, morale=2)})
            answer = session.scalars(select(PulseAnswer).join(PulseResponse).where(PulseResponse.wave_id == wave_id)
                                     .where(PulseAnswer.value_text.is_not(None))).first()
            drafts[title] = reply_place(answer.response_id, answer.id)
            keep_text(session=session, username="ana", place=drafts[title], body=f"Re '{answer.value_text}': we are")

    with session_scope(engine) as session:
        erase_comments(session=session, before=date(2026, 1, 1), actor="cli:root", settings=settings)
    with session_scope(engine) as session:
        assert kept_text(session=session, username="ana", place=drafts["Spring"]) is None
        assert kept_text(session=session, username="ana", place=drafts["Autumn"]).startswith("Re '")


def test_an_erased_comment_pasted_into_any_draft_leaves_it_and_the_rest_of_the_draft_stays(engine, tmp_path):
    """An insider found an erased comment still quoted in a new action's unsent description."""
    from research.accounts import create_user
    from research.accounts.drafts import keep_text, kept_text

    settings = load_settings({"FRONTLINE_DATA_DIR": str(tmp_path / "data")})
    with session_scope(engine) as session:
        create_user(session=session, username="ana", role="researcher", password="a long password", actor="setup")
        old = add_wave(session, "Spring", date(2025, 3, 1), {"Billing": answers(6, morale=2)})
        add_wave(session, "Autumn", date(2026, 9, 1), {"Billing": answers(6, morale=2)})
        erased = session.scalars(select(PulseAnswer.value_text).join(PulseResponse).where(
            PulseResponse.wave_id == old, PulseAnswer.value_text.is_not(None))).first()
        keep_text(session=session, username="ana", place="action:new",
                  body=f"Agents said:\n> {erased.upper()}\nAsk WFM about the rota by Friday.")
        keep_text(session=session, username="ana", place="memo:excerpt:3", body="Own words about rotas only.")

    with session_scope(engine) as session:
        erase_comments(session=session, before=date(2026, 1, 1), actor="cli:root", settings=settings)
    with session_scope(engine) as session:
        assert kept_text(session=session, username="ana", place="action:new") == (
            "Agents said:\n> [erased comment]\nAsk WFM about the rota by Friday.")
        assert kept_text(session=session, username="ana", place="memo:excerpt:3") == "Own words about rotas only."


def test_an_erasure_removes_the_copies_an_upgrade_left_of_the_database_file(tmp_path):
    """Each copy ``db upgrade`` makes before migrating holds every comment an erasure takes out of the file."""
    from research.store.engine import copy_sqlite, flush_erasure, make_engine, upgrade_copy

    settings = load_settings({"FRONTLINE_DATA_DIR": str(tmp_path / "data")})
    path, _ = sqlite_file_with_old_comments(tmp_path)
    cli = make_engine(f"sqlite:///{path}")
    copy = upgrade_copy(cli, "0042abc", "20261101T000000Z")
    copy_sqlite(cli, copy)
    own_backup = path.with_name("frontline-backup.zip")
    own_backup.write_bytes(b"an administrator's own backup")
    assert MARKER.encode() in copy.read_bytes()

    with session_scope(cli) as session:
        erase_comments(session=session, before=date(2026, 1, 1), actor="cli:root", settings=settings)
    assert flush_erasure(cli)
    cli.dispose()
    assert not copy.exists() and own_backup.exists()


def test_erased_comments_leave_the_database_file_while_the_app_holds_it_open(tmp_path):
    """With the server's connections open, nothing checkpoints on close: an insider read every erased comment
    back from the database file and the old frames of its log."""
    import sqlite3

    from research.store.engine import flush_erasure, make_engine

    settings = load_settings({"FRONTLINE_DATA_DIR": str(tmp_path / "data")})
    path, _ = sqlite_file_with_old_comments(tmp_path)
    marker = MARKER
    held = sqlite3.connect(path)  # the app's pooled connection, open and idle through the erasure
    try:
        held.execute("SELECT count(*) FROM pulse_answers").fetchone()
        cli = make_engine(f"sqlite:///{path}")
        with session_scope(cli) as session:
            erase_comments(session=session, before=date(2026, 1, 1), actor="cli:root", settings=settings)
        assert flush_erasure(cli)
        cli.dispose()
        wal = path.with_name(path.name + "-wal")
        assert marker.encode() not in path.read_bytes()
        assert not wal.exists() or marker.encode() not in wal.read_bytes()
    finally:
        held.close()
