"""The topic explorer's labels and quotes: readable, typical, and only ever from teams at the comment threshold.

Comments are built here as the analysis stores them (one row per comment with its wave, team, person, topic,
theme and sentiment), so each rule is checked on data whose answer is known.
"""

import uuid
from datetime import date

import numpy as np
import pandas as pd
import pytest

from research.findings.topic_explorer import topic_overview, topic_quotes
from research.findings.topic_labels import WITHHELD
from research.privacy.reporting import Thresholds
from research.store.engine import session_scope
from research.store.models import AnalysisJob, TopicSummary

LIMITS = Thresholds(scores=5, comments=10)
WAVES = {1: date(2026, 4, 13), 2: date(2026, 7, 13), 3: date(2026, 10, 5), 4: date(2026, 12, 1)}

PAY_COMPLAINTS = ["No pay rise this year and prices keep climbing", "No pay rise this year, again",
                  "There was no pay rise this year for the floor", "no pay rise this year while targets went up"]
PAY_PRAISE = "The pay rise this year was generous, thank you"
ROTA = ["Rota changes at short notice every week", "The rota changes at short notice and I can't plan",
        "rota changes at short notice, nobody asks us"]


def comment(text, *, wave, team, topic, sentiment, theme="pay", person=None):
    return {"response_id": person or uuid.uuid4(), "wave_id": wave, "wave": f"Wave {wave}",
            "opens_on": WAVES[wave], "team": team, "site": "Leeds", "theme": theme, "topic": topic,
            "sentiment": sentiment, "text": text}


def big_team_waves(waves=(1, 2, 3)) -> list[dict]:
    """Two teams of 12 people in each wave: topic 0 is pay (mostly complaints), topic 1 the rota."""
    rows = []
    for wave in waves:
        for team in ("Billing", "Retail"):
            for n in range(12):
                if n < 8:
                    rows.append(comment(f"{PAY_COMPLAINTS[n % 4]} ({team} {wave}.{n})" if n >= 4 else PAY_COMPLAINTS[n],
                                        wave=wave, team=team, topic=0, sentiment=-0.5))
                elif n == 8:
                    rows.append(comment(PAY_PRAISE, wave=wave, team=team, topic=0, sentiment=0.7))
                else:
                    rows.append(comment(ROTA[n - 9], wave=wave, team=team, topic=1, sentiment=-0.4, theme="schedule"))
    return rows


def fake_embed(texts):
    """Meaning by hand: pay, praise and rota directions, so the centre of the pay topic is known."""
    vectors = []
    for text in texts:
        low = text.lower()
        vectors.append([("pay" in low) + 0.3 * ("prices" in low or "targets" in low),
                        2.0 * ("generous" in low), 1.0 * ("rota" in low), 0.1])
    return np.array(vectors, dtype=float)


def test_quotes_survive_a_newest_wave_too_small_to_quote(session):
    # The demo's open wave: once two agents answer it, it is the newest wave, and its one team is under the
    # comment threshold. Quotes used to come from the newest wave only, so every topic showed none.
    frame = pd.DataFrame(big_team_waves() + [
        comment("My manager never listens about pay", wave=4, team="Retail", topic=0, sentiment=-0.6),
        comment("Pay rise this year: none", wave=4, team="Retail", topic=0, sentiment=-0.6)])
    quotes = topic_quotes(session=session, job_id=1, topic=0, thresholds=LIMITS, comments=frame, embed=fake_embed)
    assert quotes
    assert not {"My manager never listens about pay", "Pay rise this year: none"} & set(quotes)


def test_quotes_are_of_the_topics_own_tone_central_and_not_repeated(session):
    frame = pd.DataFrame(big_team_waves())
    quotes = topic_quotes(session=session, job_id=1, topic=0, thresholds=LIMITS, comments=frame, embed=fake_embed)
    assert quotes and PAY_PRAISE not in quotes  # a topic of complaints is not illustrated by its compliment
    assert all("no pay rise this year" in q.lower() for q in quotes)
    assert len(quotes) == len(set(quotes))
    # Near-duplicates (the same complaint with a team's suffix) are shown once.
    vectors = fake_embed(quotes)
    unit = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
    assert all(unit[i] @ unit[j] < 0.9 for i in range(len(quotes)) for j in range(i))
    prefixed = pd.DataFrame(big_team_waves() + [
        comment(f"Honestly, {PAY_COMPLAINTS[0].lower()}", wave=3, team=team, topic=0, sentiment=-0.5)
        for team in ("Billing", "Retail")])
    # Even when the model sees every text as different, a quote that repeats another's words is skipped.
    unrelated = topic_quotes(session=session, job_id=1, topic=0, thresholds=LIMITS, comments=prefixed,
                             embed=lambda texts: np.eye(len(texts)))
    assert len(unrelated) == 4  # the four different complaints, each once
    assert sum(PAY_COMPLAINTS[0].lower() in q.lower() for q in unrelated) == 1  # "Honestly, X" beside "X": once
    # Without a model, word vectors stand in and the rules still hold.
    plain = topic_quotes(session=session, job_id=1, topic=0, thresholds=LIMITS, comments=frame)
    assert plain and PAY_PRAISE not in plain and all("pay rise" in q.lower() for q in plain)
    # Praise the learned sentiment misread as negative, central as it may be, does not illustrate complaints.
    misread = "The pay rise this year was really good, thank you"
    central = pd.DataFrame(big_team_waves() + [comment(misread, wave=3, team=team, topic=0, sentiment=-0.95)
                                                for team in ("Billing", "Retail")])
    quotes = topic_quotes(session=session, job_id=1, topic=0, thresholds=LIMITS, comments=central, embed=fake_embed)
    assert quotes and misread not in quotes


def test_a_small_teams_words_reach_neither_label_nor_quotes(engine):
    secret = "the canteen microwave in the east wing smells"
    people = [uuid.uuid4() for _ in range(4)]
    small = [comment(f"{secret} {n}", wave=3, team="Tiny", topic=0, sentiment=-0.5, person=p)
             for n, p in enumerate(people)]
    frame = pd.DataFrame(big_team_waves() + small)
    with session_scope(engine) as session:
        job = AnalysisJob(status="succeeded")
        session.add(job)
        session.flush()
        # The stored labels were built from every comment, the small team's included.
        session.add_all([TopicSummary(job_id=job.id, topic=0, label="Canteen microwave in the east wing", size=30),
                         TopicSummary(job_id=job.id, topic=1, label="rota, notice", size=18),
                         TopicSummary(job_id=job.id, topic=2, label="Canteen microwave smells", size=40)])
        session.flush()
        overview = topic_overview(session=session, job_id=job.id, thresholds=LIMITS, comments=frame)
        quotes = topic_quotes(session=session, job_id=job.id, topic=0, thresholds=LIMITS, comments=frame,
                              embed=fake_embed)
        # A topic made mostly of the small team's comments (its four people answering many text questions)
        # shows no words at all.
        mostly_small = pd.concat([frame, pd.DataFrame(
            [comment(f"{secret} again {n}", wave=3, team="Tiny", topic=2, sentiment=-0.5, person=people[n % 4])
             for n in range(40)])])
        withheld = topic_overview(session=session, job_id=job.id, thresholds=LIMITS, comments=mostly_small)
    labels = dict(zip(overview.table["topic"], overview.table["label"]))
    assert labels[0] == "No pay rise this year" and labels[1].endswith("Rota changes at short notice")
    assert all(len(label) <= 60 and "microwave" not in label.lower() for label in labels.values())
    assert quotes and not any("microwave" in q for q in quotes)
    assert dict(zip(withheld.table["topic"], withheld.table["label"]))[2] == WITHHELD
    assert topic_quotes(session=None, job_id=1, topic=2, thresholds=LIMITS, comments=mostly_small) == []


def test_pages_take_the_vectors_the_analysis_cached_and_never_need_a_model(tmp_path):
    from research.analysis.embeddings import EmbeddingCache
    from research.findings.topic_explorer import cached_embedder

    path = tmp_path / "cache" / "embeddings.sqlite"
    assert cached_embedder(path, "m", ["torch"])(["a"]) is None and not path.exists()
    cache = EmbeddingCache(path, "m")
    cache.put_many({t: np.asarray(v, dtype=np.float32) for t, v in zip(PAY_COMPLAINTS, fake_embed(PAY_COMPLAINTS))},
                   "torch")
    cache.close()
    embed = cached_embedder(path, "m", ["onnx", "torch"])
    assert np.allclose(embed(PAY_COMPLAINTS[::-1]), fake_embed(PAY_COMPLAINTS[::-1]))
    assert embed(PAY_COMPLAINTS + [PAY_PRAISE]) is None  # one text missing: the caller falls back to words
    assert cached_embedder(path, "another model", ["torch"])(PAY_COMPLAINTS) is None


def test_a_topic_whose_latest_wave_turned_shows_that_waves_tone_beside_its_label(session):
    """Complaints about pay in two waves, praise of it in the third: the label speaks for every wave, so the
    latest wave's own mean sentiment shows beside it; a latest wave too few people raised it in shows none."""
    turned = [row if row["wave_id"] != 3 or row["topic"] != 0 else {**row, "sentiment": 0.7}
              for row in big_team_waves()]
    overview = topic_overview(session=session, job_id=1, thresholds=LIMITS, comments=pd.DataFrame(turned))
    pay = overview.table.set_index("topic").loc[0]
    assert pay["latest_sentiment"] == pytest.approx(0.7) and pay["mean_sentiment"] < 0.2
    few = [row for row in turned if row["wave_id"] != 3 or row["topic"] != 0]
    few += [comment("Pay is better now", wave=3, team="Billing", topic=0, sentiment=0.8)
            for _ in range(LIMITS.scores - 1)]
    sparse = topic_overview(session=session, job_id=1, thresholds=LIMITS, comments=pd.DataFrame(few))
    assert np.isnan(sparse.table.set_index("topic").loc[0, "latest_sentiment"])
