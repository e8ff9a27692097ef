"""Build pulse waves straight through the ORM for tests: fast, and any group sizes wanted."""

import re
from datetime import date, timedelta

from cryptography.fernet import Fernet

from research.pulse.library import QUESTION_LIBRARY
from research.pulse.links import create_links
from research.pulse.sealing import Sealer
from research.pulse.waves_admin import find_wave
from research.store.models import PulseAnswer, PulseQuestion, PulseResponse, PulseSegment, PulseWave

SEALER = Sealer(Fernet.generate_key())  # seals waiting pulse answers in tests that send through the library

NEUTRAL = {"morale": 3, "enps": 8, "tools": 3, "management_support": 3, "workload": 3, "recovery_share": 40,
           "feedback_loop": 3}


def answers(n, **values):
    """``n`` identical answer sets: the neutral ones with ``values`` overriding."""
    return [{**NEUTRAL, **values} for _ in range(n)]


def add_wave(session, title, opens_on, groups, headcount=None):
    """A wave with the whole question library and, per segment, the given answer sets.

    ``groups`` maps a team name, or a (team, site, channel, industry) tuple, to a list of
    answer dicts; ``headcount`` maps team names to headcounts.
    """
    wave = PulseWave(title=title, opens_on=opens_on, closes_on=opens_on + timedelta(days=11))
    wave.questions = [PulseQuestion(position=i + 1, key=q.key, kind=q.kind, prompt=q.prompt, scale_min=q.scale_min,
                                    scale_max=q.scale_max, required=q.required)
                      for i, q in enumerate(QUESTION_LIBRARY)]
    session.add(wave)
    session.flush()
    ids = {q.key: q.id for q in wave.questions}
    for spec, answer_sets in groups.items():
        team, site, channel, industry = spec if isinstance(spec, tuple) else (spec, "Cardiff", "phone", "utilities")
        segment = PulseSegment(wave_id=wave.id, team=team, site=site, channel=channel, industry=industry,
                               headcount=(headcount or {}).get(team))
        session.add(segment)
        session.flush()
        for values in answer_sets:
            response = PulseResponse(wave_id=wave.id, segment_id=segment.id, submitted_on=opens_on)
            response.answers = [PulseAnswer(question_id=ids[k], value_number=v) for k, v in values.items()]
            response.answers.append(PulseAnswer(question_id=ids["one_thing"], value_text="the CRM freezes"))
            session.add(response)
    session.flush()
    return wave.id


DEMO_OPEN_WAVE = "Pulse wave 4 (open now)"


def demo_invite(session) -> str:
    """A fresh single-use invite into the demo's open wave (Retail Care), opened as of today."""
    wave = find_wave(session=session, ref=DEMO_OPEN_WAVE)
    wave.opens_on = date.today() - timedelta(days=1)
    return create_links(session=session, segment=wave.segments[0])[0]


def shown_receipt(at) -> str:
    """The receipt code as the agent's thank-you page shows it (a heading of its own), in an AppTest."""
    return next(h.value for h in at.subheader if re.fullmatch(r"[A-Z2-9]{5}-[A-Z2-9]{5}-[A-Z2-9]{5}", h.value))
