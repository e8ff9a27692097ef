"""Stored comments are redacted again with today's rules and roster: the old words leave the comment, the
analysis cache and the topic labels (an insider review read disguised names stored before a rule existed)."""

from datetime import date

import numpy as np
from pulse_builders import add_wave, answers
from sqlalchemy import func, select

from research.accounts import create_user
from research.accounts.drafts import keep_text, kept_text
from research.privacy.redaction import Redactor
from research.pulse.redact_again import redact_stored_comments
from research.settings import load_settings
from research.store.embedding_cache import EmbeddingCache
from research.store.engine import session_scope
from research.store.models import AuditEvent, PulseAnswer, PulseHeldText, PulseResponse

DISGUISED = ["🅾🅺🅰🅵🅾🆁 ignores every escalation", "rofakO moT never backs us up"]
PLAIN = "the CRM freezes on refunds"


def stored(session):
    return sorted(session.scalars(select(PulseAnswer.value_text).where(PulseAnswer.value_text.is_not(None))))


def test_comments_stored_before_a_rule_or_a_roster_are_redacted_again(engine, tmp_path):
    settings = load_settings({"FRONTLINE_DATA_DIR": str(tmp_path / "data")})
    with session_scope(engine) as session:
        wave = add_wave(session, "Autumn", date(2026, 9, 1), {"Billing": answers(3)})
        rows = session.scalars(select(PulseAnswer).join(PulseResponse).where(
            PulseResponse.wave_id == wave, PulseAnswer.value_text.is_not(None)).order_by(PulseAnswer.id)).all()
        for row, text in zip(rows, [*DISGUISED, PLAIN], strict=True):
            row.value_text = text  # as stored before today's rules
        held = session.scalar(select(PulseResponse.id).where(PulseResponse.wave_id == wave).limit(1))
        session.add(PulseHeldText(response_id=held, question_id=rows[0].question_id, value_text="ask Tom Okafor"))
        create_user(session=session, username="rita", role="researcher", password="a long password", actor="setup")
        session.flush()
        # pasted into an unsent action before the rule existed; sent later, it would carry the name on
        keep_text(session=session, username="rita", place="action:new", body=f"Agents say '{DISGUISED[1]}'. Fix it.")
        keep_text(session=session, username="rita", place="memo:interview:1", body="Tom's shift moved; unrelated.")
    settings.embedding_cache_path.parent.mkdir(parents=True, exist_ok=True)
    cache = EmbeddingCache(settings.embedding_cache_path, settings.embedding_model)
    cache.put_many({t: np.ones(4, dtype=np.float32) for t in [*DISGUISED, PLAIN]})
    cache.close()
    redactor = Redactor(["Tom Okafor"])

    with session_scope(engine) as session:
        preview = redact_stored_comments(session=session, redactor=redactor, actor="cli:root", settings=settings,
                                         dry_run=True)
        assert (preview.comments, preview.changed) == (3, False) and sorted(DISGUISED + [PLAIN]) == stored(session)
    with session_scope(engine) as session:
        done = redact_stored_comments(session=session, redactor=redactor, actor="cli:root", settings=settings)
    assert (done.comments, done.changed, done.cache_entries, done.drafts) == (3, True, 2, 1)
    with session_scope(engine) as session:
        assert kept_text(session=session, username="rita", place="action:new") == (
            "Agents say '[name] never backs us up'. Fix it.")
        assert kept_text(session=session, username="rita", place="memo:interview:1") == "Tom's shift moved; unrelated."
        assert stored(session) == sorted(["[name] ignores every escalation", "[name] never backs us up", PLAIN])
        assert list(session.scalars(select(PulseHeldText.value_text))) == ["ask [name]"]
        assert session.scalars(select(AuditEvent.subject).where(
            AuditEvent.action == "comments_redacted_again")).all() == [
                "3 comment(s) redacted again, 1 staff draft(s) quoting them"]
    cache = EmbeddingCache(settings.embedding_cache_path, settings.embedding_model)
    assert set(cache.get_many([*DISGUISED, PLAIN])) == {PLAIN}  # the old words' vectors are gone, the rest stay
    cache.close()
    with session_scope(engine) as session:  # nothing left to change: a second run changes nothing
        again = redact_stored_comments(session=session, redactor=redactor, actor="cli:root", settings=settings)
        assert (again.comments, again.changed) == (0, False)
        assert session.scalar(select(func.count()).select_from(AuditEvent).where(
            AuditEvent.action == "comments_redacted_again")) == 1
