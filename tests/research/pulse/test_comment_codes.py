"""Coding released pulse comments: the analysis suggests, the researcher accepts or corrects, the next one learns."""

from datetime import date

import pytest
from pulse_builders import add_wave, answers
from sqlalchemy import select

from research.pulse.comment_codes import (
    code_comment,
    coded_comment_examples,
    comment_codes,
    suggestions,
)
from research.pulse.errors import PulseError
from research.store.engine import session_scope
from research.store.models import AnalysisJob, Code, PulseAnswer, TextAnalysis

TODAY = date(2026, 11, 22)


@pytest.fixture
def analysed(engine):
    """Twelve comments of one team, analysed: the first six as tools (0.8 sure), the rest as "other"."""
    with session_scope(engine) as session:
        for key, name in (("tools", "Tools and systems"), ("pay", "Pay")):
            if session.scalar(select(Code).where(Code.key == key)) is None:
                session.add(Code(key=key, name=name, description="", colour="#123456"))
        add_wave(session, "W", TODAY, {"Billing": answers(12)})
        ids = list(session.scalars(select(PulseAnswer.id).where(PulseAnswer.value_text.is_not(None))
                                   .order_by(PulseAnswer.id)))
        job = AnalysisJob(status="succeeded")
        session.add(job)
        session.flush()
        session.add_all(TextAnalysis(job_id=job.id, answer_id=a, theme="tools" if i < 6 else "other", topic=0,
                                     sentiment=-0.5, theme_confidence=0.8 if i < 6 else 0.3)
                        for i, a in enumerate(ids))
    return engine, ids


def test_a_suggestion_accepted_or_corrected_is_stored_and_teaches(analysed):
    engine, ids = analysed
    with session_scope(engine) as session:
        offered, unfit = suggestions(session=session, answer_ids=ids)
        assert set(offered) == set(ids[:6])  # "other" suggests nothing, and the page can say why
        assert unfit == set(ids[6:])
        assert (offered[ids[0]].code_key, offered[ids[0]].confidence) == ("tools", 0.8)
        assert code_comment(session=session, answer_id=ids[0], code_key="tools", coder="ann", today=TODAY) \
            == "Tools and systems"
        code_comment(session=session, answer_id=ids[7], code_key="pay", coder="ann", today=TODAY)
        code_comment(session=session, answer_id=ids[0], code_key="pay", coder="bob", today=TODAY)  # corrected
    with session_scope(engine) as session:
        assert comment_codes(session=session, answer_ids=ids) == {ids[0]: "pay", ids[7]: "pay"}
        assert coded_comment_examples(session=session) == {"pay": ["the CRM freezes"]}


def test_an_unknown_code_or_a_vanished_comment_codes_nothing(analysed):
    engine, ids = analysed
    with session_scope(engine) as session:
        with pytest.raises(PulseError, match="no code 'parking'"):
            code_comment(session=session, answer_id=ids[0], code_key="parking", coder="ann", today=TODAY)
        session.delete(session.get(PulseAnswer, ids[1]))
        session.flush()
        with pytest.raises(PulseError, match="no longer there"):
            code_comment(session=session, answer_id=ids[1], code_key="tools", coder="ann", today=TODAY)
    with session_scope(engine) as session:
        assert comment_codes(session=session, answer_ids=ids) == {}
