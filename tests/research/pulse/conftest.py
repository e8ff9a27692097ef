from datetime import date, timedelta

import pytest

from research.pulse.library import QUESTION_LIBRARY
from research.pulse.links import create_links
from research.pulse.waves_admin import SegmentSpec, create_wave
from research.store.engine import session_scope

TODAY = date(2026, 11, 22)


@pytest.fixture
def wave_ids(engine):
    """An open wave with the whole library and two segments; returns (wave id, {team: segment id})."""
    with session_scope(engine) as session:
        wave = create_wave(
            session=session, title="November pulse", opens_on=TODAY - timedelta(days=2),
            closes_on=TODAY + timedelta(days=7), question_keys=[q.key for q in QUESTION_LIBRARY],
            segments=[SegmentSpec(team="Billing", site="Cardiff", channel="phone", industry="utilities", headcount=120),
                      SegmentSpec(team="Chat", site="Cardiff", channel="chat", industry="utilities", headcount=120)],
        )
        return wave.id, {s.team: s.id for s in wave.segments}


@pytest.fixture
def make_links(engine, wave_ids):
    from research.store.models import PulseSegment

    def _make(team="Billing", count=1, kind="invite"):
        with session_scope(engine) as session:
            return create_links(session=session, segment=session.get(PulseSegment, wave_ids[1][team]),
                                count=count, kind=kind)
    return _make


GOOD_ANSWERS = {"morale": 4, "enps": 9, "tools": 2, "management_support": 3, "workload": 3,
                "recovery_share": 60, "feedback_loop": 2, "one_thing": "Fix the CRM, it freezes on refunds"}
