from datetime import date

import pytest
from pulse_builders import SEALER

from research.findings.anonymity_preview import anonymity_preview, preview_sentences
from research.privacy.redaction import Redactor
from research.privacy.reporting import Thresholds
from research.pulse.errors import PulseError
from research.pulse.inbox import release_ready
from research.pulse.submit import submit_response
from research.pulse.waves_admin import (
    SegmentSpec,
    _checked_segments,
    create_wave,
    find_segment,
    find_wave,
)
from research.store.engine import session_scope
from research.store.models import PulseWave

from .conftest import GOOD_ANSWERS, TODAY

D1, D2 = date(2026, 12, 1), date(2026, 12, 12)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"title": "  "}, "title of 1 to 200"),
        ({"closes_on": date(2026, 11, 1)}, "closes .* before it opens"),
        ({"question_keys": ["morale", "shoe_size"]}, "Unknown library question"),
        ({"question_keys": []}, "at least one question"),
        ({"segments": []}, "at least one segment"),
        ({"segments": [SegmentSpec(team="A"), SegmentSpec(team="A ")]}, "listed twice"),
        ({"title": "November pulse"}, "already exists"),
    ],
)
def test_bad_waves_are_refused_and_nothing_is_stored(engine, wave_ids, kwargs, message):
    args = dict(title="December", opens_on=D1, closes_on=D2, question_keys=["morale"],
                segments=[SegmentSpec(team="A")])
    args.update(kwargs)
    with pytest.raises(PulseError, match=message):
        with session_scope(engine) as session:
            create_wave(session=session, **args)
    with session_scope(engine) as session:
        assert session.query(PulseWave).count() == 1


def test_wave_copies_library_questions_with_edited_prompts_and_extra_text(engine):
    with session_scope(engine) as session:
        wave = create_wave(session=session, title="December", opens_on=D1, closes_on=D2,
                           question_keys=["morale", "one_thing"], prompts={"morale": "How is morale on your team?"},
                           extra_text_questions=["Anything about the new rota?"], segments=[SegmentSpec(team="A")])
        assert [(q.key, q.prompt) for q in wave.questions] == [
            ("morale", "How is morale on your team?"),
            ("one_thing", "What one thing would make your job easier?"),
            ("extra_text_1", "Anything about the new rota?"),
        ]
        assert find_wave(session=session, ref=str(wave.id)).title == "December"
        assert find_segment(wave=wave, team="a").team == "A"
        with pytest.raises(PulseError, match="no pulse wave"):
            find_wave(session=session, ref="Nope")


def test_preview_says_which_groups_count_without_giving_counts(engine, wave_ids, make_links):
    tokens = make_links(team="Chat", count=5)
    for token in tokens:
        with session_scope(engine) as session:
            submit_response(session=session, token=token, answers=GOOD_ANSWERS, today=TODAY, redactor=Redactor(),
                            sealer=SEALER)
    release_ready(engine=engine, wave_id=wave_ids[0], steps=Thresholds(5, 10), today=TODAY, sealer=SEALER)
    with session_scope(engine) as session:
        statuses = anonymity_preview(session=session, segment_id=wave_ids[1]["Billing"], threshold=5)
    assert [(s.level, s.meets_threshold) for s in statuses] == [
        ("team", False), ("site", True), ("channel", False), ("industry", True), ("wave", True)]
    lines = preview_sentences(statuses, 5)
    assert lines[0] == ("Your team (Billing): its scores will not be shown on their own for now; your scores will "
                        "only count in the site total.")
    assert lines[-2].startswith("A group is not shown on its own while it has fewer than 5 responses, or while")
    assert sum("fewer than" in line for line in lines) == 1  # the reason once, not once a group
    assert not any(ch.isdigit() for ch in "".join(lines).replace("5", ""))


def test_preview_says_nothing_is_published_while_every_group_is_small(engine, wave_ids):
    with session_scope(engine) as session:
        lines = preview_sentences(anonymity_preview(session=session, segment_id=wave_ids[1]["Billing"], threshold=5), 5)
    assert lines[-1] == ("The whole wave has fewer than 5 responses so far: no figure that includes your answers "
                         "is published until it does.")


def test_the_wave_pages_get_plain_segment_rows_shape_and_links_by_segment_id(engine):
    """What pulse_links.py and pulse_waves.py render: plain values, read in the library, never lazy loads."""
    from research.pulse.waves_admin import WaveShape, create_segment_links, segment_summaries, wave_shape

    with session_scope(engine) as session:
        wave = create_wave(session=session, title="Plain data", opens_on=D1, closes_on=D2,
                           question_keys=["morale", "tools"], extra_text_questions=["Anything else?"],
                           segments=[SegmentSpec(team="A", headcount=12), SegmentSpec(team="B", site="Leeds")])
        wave_id = wave.id
    with session_scope(engine) as session:
        first, second = segment_summaries(session=session, wave_id=wave_id, step=5)
        tokens = create_segment_links(session=session, segment_id=first.id, count=3, kind="invite", today=D1)
    assert (first.label, first.headcount, first.places_taken) == ("A", 12, 0)
    assert (second.label, second.headcount) == ("B / Leeds", None)
    assert len(tokens) == 3
    with session_scope(engine) as session:
        assert [s.places_taken for s in segment_summaries(session=session, wave_id=wave_id, step=5)] == [3, 0]
        assert wave_shape(session=session, wave_id=wave_id) == WaveShape("Plain data", 3, 2)
        with pytest.raises(PulseError, match="no longer there"):
            create_segment_links(session=session, segment_id=10_000, count=1, kind="invite", today=D1)
        with pytest.raises(PulseError, match="no wave"):
            wave_shape(session=session, wave_id=10_000)


def test_the_pulse_page_gets_its_questions_as_plain_values_in_order(engine):
    """app/views/pulse.py keeps these after its session closes and checks answers against them."""
    from research.pulse.submit import answer_problems, validate_answers
    from research.pulse.waves import QuestionView, wave_questions

    with session_scope(engine) as session:
        wave = create_wave(session=session, title="Questions", opens_on=D1, closes_on=D2,
                           question_keys=["one_thing", "morale"], segments=[SegmentSpec(team="A")])
        wave_id = wave.id
    with session_scope(engine) as session:
        questions = wave_questions(session=session, wave_id=wave_id)
    assert all(isinstance(q, QuestionView) for q in questions)
    assert [(q.key, q.kind, q.required) for q in questions] == [("one_thing", "text", False), ("morale", "scale", True)]
    assert (questions[1].scale_min, questions[1].scale_max) == (1, 5)
    assert "morale" in answer_problems(questions, {"morale": None})
    assert validate_answers(questions, {"morale": 4, "one_thing": ""}) == {"morale": 4}


def test_a_segment_that_names_nothing_is_dropped_not_saved():
    specs = [SegmentSpec(team="Billing", headcount=12), SegmentSpec(site="  ")]
    assert _checked_segments(specs) == specs[:1]
