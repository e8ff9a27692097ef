"""Topic labels an executive may read: rebuilt from the quotable comments only, once per job and not per page.

The labels a job stores (``topic_summaries.label``) were built from every comment, small teams' included, so
the findings show labels rebuilt from the comments of teams at the comment threshold (counted in people, per
wave), and none for a topic whose words are not speakable (:func:`speakable_topics`). Rebuilding them means
extracting every candidate phrase of every quotable comment (:class:`research.analysis.phrases.PhraseIndex`),
about two CPU seconds at 100,000 comments: too much for every briefing and topic page.

So the labels are stored (``topic_label_sets``) under a digest of everything they are built from: the
quotable comments' text, topic, theme and sentiment in order, the speakable topics, the job's topics and the
codebook's theme names (:func:`label_inputs`). :func:`store_topic_labels` runs after a job succeeds (the
worker and ``frontline analyze`` call it); :func:`readable_labels` computes the digest from the comments it is
given and reads the labels stored under it. Anything that changes what may be quoted (a comment erased, a
team fallen under the threshold, other thresholds, a renamed theme) changes the digest, so the labels are then
rebuilt from the comments as they are now, never read from an older state; they are kept in this process
under their digest, and :func:`research.pulse.retention.erase_comments` deletes the stored sets, which may
hold erased comments' words.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections import OrderedDict
from dataclasses import dataclass

import pandas as pd
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from research.analysis.gaps import theme_names
from research.analysis.phrases import PhraseIndex
from research.analysis.topic_names import dominant_theme, readable_label
from research.analysis.topics import frequent_words
from research.findings.comment_mentions import without_places
from research.findings.gap_data import analysed_comments
from research.privacy.reporting import Thresholds, releasable_rows
from research.store.engine import session_scope
from research.store.models import TopicLabelSet, TopicSummary

WITHHELD = "(words withheld: too few people)"
LABELS_VERSION = 5
"""Part of every digest: raise it whenever the labelling itself changes (phrases, readable_label), so labels
stored by the older code are rebuilt rather than read."""
_KEPT = 16
"""Label sets kept in this process by digest, for inputs no stored set matches."""


def quotable(comments: pd.DataFrame, thresholds: Thresholds) -> pd.DataFrame:
    """The comments that may be quoted: from teams with at least the comment threshold of distinct people in
    that wave (a person answers every wave, so waves are never pooled to reach it)."""
    return releasable_rows(comments, by="team", parent="wave_id", threshold=thresholds.comments,
                           people="response_id")


def speakable_topics(comments: pd.DataFrame, thresholds: Thresholds,
                     released: pd.DataFrame | None = None) -> set[int]:
    """Topics whose words may be shown: their comments come from at least the comment threshold of distinct
    people in teams that are quotable, and those people are most of the topic. A topic built mostly from one
    small team's comments would otherwise quote that team through its label. ``released``: :func:`quotable`
    of the comments, when the caller has it."""
    if comments.empty:
        return set()
    released = quotable(comments, thresholds) if released is None else released
    people = comments.groupby("topic")["response_id"].nunique()
    counts = released.groupby("topic")["response_id"].nunique().reindex(people.index, fill_value=0)
    return {int(topic) for topic, n in people.items()
            if counts[topic] >= thresholds.comments and 2 * counts[topic] >= n}


@dataclass(frozen=True)
class LabelInputs:
    """Everything the readable labels are built from, and its digest."""

    quotable: pd.DataFrame  # index 0..n-1
    speakable: frozenset[int]
    topics: tuple[int, ...]
    names: dict[str, str]
    digest: str


def label_inputs(comments: pd.DataFrame, thresholds: Thresholds, topics: list[int],
                 names: dict[str, str]) -> LabelInputs:
    """The inputs of the labels of ``topics`` from ``comments`` (those with a topic, columns of
    :func:`research.findings.gap_data.analysed_comments`), with a SHA-256 digest of exactly what the labels
    read: the quotable comments' text, topic, theme and sentiment in their order, the speakable topics, the
    topics to label and the theme names."""
    released = quotable(comments, thresholds)
    speakable = frozenset(speakable_topics(comments, thresholds, released))
    released = released.reset_index(drop=True)
    ordered = tuple(sorted(int(t) for t in topics))
    payload = json.dumps([LABELS_VERSION, released["text"].tolist(), released["topic"].astype("int64").tolist(),
                          released["theme"].tolist(), released["sentiment"].astype("float64").tolist(),
                          sorted(speakable), ordered, sorted(names.items())], ensure_ascii=False)
    digest = hashlib.sha256(payload.encode("utf-8", "surrogatepass")).hexdigest()
    return LabelInputs(released, speakable, ordered, dict(names), digest)


def build_labels(inputs: LabelInputs) -> dict[int, str]:
    """Each topic's label from the quotable comments only; withheld for a topic that is not speakable."""
    rows = inputs.quotable
    index = PhraseIndex(rows["text"].tolist())
    labels = {}
    for topic in inputs.topics:
        if topic not in inputs.speakable:
            labels[topic] = WITHHELD
            continue
        members = rows.index[rows["topic"] == topic].tolist()
        mine = rows.loc[members]
        labels[topic] = readable_label(
            index, members, sentiments=mine["sentiment"].tolist(),
            theme_name=dominant_theme([inputs.names.get(t, "") for t in mine["theme"]]),
            fallback=frequent_words(mine["text"].tolist()))
    return labels


_built: OrderedDict[str, dict[int, str]] = OrderedDict()
_lock = threading.Lock()


def _remember(digest: str, labels: dict[int, str]) -> None:
    with _lock:
        _built[digest] = labels
        _built.move_to_end(digest)
        while len(_built) > _KEPT:
            _built.popitem(last=False)


def _stored(session: Session, job_id: int, digest: str) -> dict[int, str] | None:
    labels = session.scalar(select(TopicLabelSet.labels).where(TopicLabelSet.job_id == job_id,
                                                               TopicLabelSet.digest == digest))
    return None if labels is None else {int(topic): str(label) for topic, label in labels.items()}


def readable_labels(*, session: Session, job_id: int, comments: pd.DataFrame, thresholds: Thresholds,
                    topics: list[int], names: dict[str, str]) -> dict[int, str]:
    """The readable label of each of ``topics``: those stored for the job under the digest of these inputs,
    else those this process built for them, else built now (and kept here)."""
    inputs = label_inputs(comments, thresholds, topics, names)
    with _lock:
        known = _built.get(inputs.digest)
    if known is not None:
        return dict(known)
    labels = _stored(session, job_id, inputs.digest)
    if labels is None:
        labels = build_labels(inputs)
    labels = dict(zip(labels, without_places(session=session, texts=list(labels.values()))))
    _remember(inputs.digest, labels)
    return dict(labels)


def store_topic_labels(engine: Engine, job_id: int, *, thresholds: Thresholds) -> bool:
    """Build a finished job's readable labels at ``thresholds`` from its comments as they are now and store
    them under their digest (after the job succeeds, so no page has to). False when a set with that digest
    is already stored."""
    with session_scope(engine) as session:
        comments = analysed_comments(session=session, job_id=job_id)
        comments = comments[comments["topic"] >= 0]
        topics = list(session.scalars(select(TopicSummary.topic).where(TopicSummary.job_id == job_id)))
        names, _ = theme_names(session=session)
        inputs = label_inputs(comments, thresholds, topics, names)
        if _stored(session, job_id, inputs.digest) is not None:
            return False
        labels = build_labels(inputs)
        session.add(TopicLabelSet(job_id=job_id, digest=inputs.digest,
                                  labels={str(topic): label for topic, label in labels.items()}))
    _remember(inputs.digest, labels)
    return True


def clear_built() -> None:
    """Forget the label sets built in this process (tests)."""
    with _lock:
        _built.clear()
