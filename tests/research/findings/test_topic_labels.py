"""Readable topic labels: built once after a job, read back only while what they were built from is unchanged."""

import uuid
from datetime import date

import pandas as pd
import pytest
from sqlalchemy import delete, func, select

from research.analysis.gaps import theme_names
from research.findings import topic_labels
from research.findings.gap_data import analysed_comments
from research.findings.topic_explorer import topic_overview
from research.findings.topic_labels import (
    WITHHELD,
    build_labels,
    label_inputs,
    readable_labels,
    store_topic_labels,
)
from research.privacy.reporting import Thresholds
from research.store.engine import session_scope
from research.store.models import TopicLabelSet, TopicSummary

LIMITS = Thresholds(scores=5, comments=10)
NAMES = {"pay": "Pay and benefits", "schedule": "Schedules"}
WAVES = {1: date(2026, 4, 13), 2: date(2026, 7, 13), 3: date(2026, 10, 5)}


def comment(text, *, wave, team, topic, sentiment, theme="pay"):
    return {"response_id": uuid.uuid4(), "wave_id": wave, "wave": f"Wave {wave}", "opens_on": WAVES[wave],
            "team": team, "site": "Leeds", "theme": theme, "topic": topic, "sentiment": sentiment, "text": text}


def big_team_waves() -> list[dict]:
    """Three teams of 12 people in each of three waves: topic 0 is pay, topic 1 the rota."""
    return [comment(f"No pay rise this year ({team} {wave}.{n})", wave=wave, team=team, topic=0, sentiment=-0.5)
            if n < 9 else comment(f"Rota changes at short notice ({n})", wave=wave, team=team, topic=1,
                                  sentiment=-0.4, theme="schedule")
            for wave in WAVES for team in ("Billing", "Retail", "Sales") for n in range(12)]


@pytest.fixture(autouse=True)
def nothing_built_in_this_process():
    topic_labels.clear_built()
    yield
    topic_labels.clear_built()


def built_now(monkeypatch) -> list[str]:
    """The digests of the label sets built (not read) from here on."""
    built = []
    real = topic_labels.build_labels

    def counting(inputs):
        built.append(inputs.digest)
        return real(inputs)

    monkeypatch.setattr(topic_labels, "build_labels", counting)
    return built


def test_the_digest_follows_what_may_be_quoted_and_nothing_else():
    frame = pd.DataFrame(big_team_waves())
    base = label_inputs(frame, LIMITS, [0, 1], NAMES)
    assert base.speakable == {0, 1} and len(base.quotable) == len(frame)
    # Who said it is not part of the labels: new response ids (the same people's comments) keep the digest.
    renamed = frame.assign(response_id=[uuid.uuid4() for _ in range(len(frame))])
    assert label_inputs(renamed, LIMITS, [0, 1], NAMES).digest == base.digest
    # Small teams' comments are not quotable: adding them changes nothing the labels read. (Two of them, which
    # together reach the threshold: one alone would be recovered from the wave's total, so complementary
    # suppression would hide a big team too, and the digest would change.)
    small = pd.DataFrame([comment(f"secret {n}", wave=3, team=team, topic=0, sentiment=-0.5)
                          for team, people in (("Tiny", 5), ("Small", 6)) for n in range(people)])
    assert label_inputs(pd.concat([frame, small]), LIMITS, [0, 1], NAMES).digest == base.digest
    changed = frame.copy()
    changed.loc[0, "text"] = "No pay rise this year and the canteen is shut"
    others = [label_inputs(changed, LIMITS, [0, 1], NAMES),
              label_inputs(frame, Thresholds(scores=5, comments=13), [0, 1], NAMES),  # every team under it
              label_inputs(frame, LIMITS, [0, 1, 2], NAMES),
              label_inputs(frame, LIMITS, [0, 1], {**NAMES, "pay": "Pay"}),
              label_inputs(frame.iloc[::-1], LIMITS, [0, 1], NAMES)]
    assert len({base.digest} | {o.digest for o in others}) == 6


def test_labels_stored_after_a_job_are_read_back_exactly_as_they_would_be_built(analysed_demo, monkeypatch):
    engine, job_id = analysed_demo
    thresholds = Thresholds()
    try:
        assert store_topic_labels(engine, job_id, thresholds=thresholds)
        assert not store_topic_labels(engine, job_id, thresholds=thresholds)  # the same inputs: stored once
        topic_labels.clear_built()
        built = built_now(monkeypatch)
        with session_scope(engine) as session:
            comments = analysed_comments(session=session, job_id=job_id)
            comments = comments[comments["topic"] >= 0]
            topics = list(session.scalars(select(TopicSummary.topic).where(TopicSummary.job_id == job_id)))
            names, _ = theme_names(session=session)
            read = readable_labels(session=session, job_id=job_id, comments=comments, thresholds=thresholds,
                                   topics=topics, names=names)
            overview = topic_overview(session=session, job_id=job_id, thresholds=thresholds)
            assert built == []  # neither call built them
            fresh = build_labels(label_inputs(comments, thresholds, topics, names))
        assert read == fresh and set(read) == set(topics)
        assert dict(zip(overview.table["topic"], overview.table["label"])) == {
            t: fresh[t] for t in overview.table["topic"]}
    finally:
        with session_scope(engine) as session:
            session.execute(delete(TopicLabelSet).where(TopicLabelSet.job_id == job_id))


def test_labels_are_rebuilt_when_what_may_be_quoted_has_changed(analysed_demo, monkeypatch):
    """Stored labels at the default thresholds are never shown at stricter ones: under a threshold no team
    reaches, every label is withheld, as it was before labels were stored."""
    engine, job_id = analysed_demo
    try:
        store_topic_labels(engine, job_id, thresholds=Thresholds())
        topic_labels.clear_built()
        built = built_now(monkeypatch)
        with session_scope(engine) as session:
            strict = topic_overview(session=session, job_id=job_id, thresholds=Thresholds(scores=5, comments=1000))
            again = topic_overview(session=session, job_id=job_id, thresholds=Thresholds(scores=5, comments=1000))
        assert len(built) == 1  # built once, then kept in this process under its digest
        assert set(strict.table["label"]) == {WITHHELD} and strict.table.equals(again.table)
    finally:
        with session_scope(engine) as session:
            session.execute(delete(TopicLabelSet).where(TopicLabelSet.job_id == job_id))


def test_a_stored_set_is_read_only_for_its_own_job(analysed_demo, monkeypatch):
    engine, job_id = analysed_demo
    frame = pd.DataFrame(big_team_waves())
    inputs = label_inputs(frame, LIMITS, [0, 1], NAMES)
    with session_scope(engine) as session:
        session.add(TopicLabelSet(job_id=job_id, digest=inputs.digest, labels={"0": "planted", "1": "planted"}))
    try:
        built = built_now(monkeypatch)
        with session_scope(engine) as session:
            other = readable_labels(session=session, job_id=job_id + 1, comments=frame, thresholds=LIMITS,
                                    topics=[0, 1], names=NAMES)
        assert built == [inputs.digest] and "planted" not in other.values()
    finally:
        with session_scope(engine) as session:
            session.execute(delete(TopicLabelSet).where(TopicLabelSet.job_id == job_id))
            assert session.scalar(select(func.count()).select_from(TopicLabelSet)) == 0
