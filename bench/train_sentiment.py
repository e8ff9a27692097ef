"""Trains the sentiment head that ships in ``research/analysis/data/sentiment_head.npz``.

Source: the like / dislike columns of ``employees_opinion_ext.csv`` in ../shared/data (HRdatasets by Vicenc
Fernandez, GPL-2): real employees' own split of what they like and dislike about their employer. The head is a
logistic regression on the packaged MiniLM embedding plus VADER's compound score. Three of the nine employers
(one per industry) are held out and never trained on, and the 149 comments of ``employees_opinion.csv`` (another
source in the same package, positive / negative) are a second held-out check. Run:

    .venv/bin/python -m bench.train_sentiment [../shared/data]
"""

from __future__ import annotations

import csv
import random
import sys
import tempfile
from pathlib import Path

import numpy as np

HELD_OUT = {"HSBC", "Deloitte", "Oracle"}
PER_CLASS = 8000


def _fragments(data: Path):
    seen = set()
    with (data / "employees_opinion_ext.csv").open(encoding="utf-8-sig", newline="") as fh:
        for row in csv.DictReader(fh, delimiter=";"):
            for column, label in (("like", 1), ("dislike", 0)):
                text = " ".join((row.get(column) or "").split())
                if len(text.split()) >= 2 and text.lower() not in seen:
                    seen.add(text.lower())
                    yield row["company"], text, label


def main(argv: list[str]) -> int:
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import roc_auc_score

    from research.analysis.embeddings import load_embedding_model
    from research.analysis.sentiment import HEAD_PATH, SentimentScorer

    data = Path(argv[0] if argv else Path(__file__).resolve().parents[2] / "shared" / "data")
    rows = list(_fragments(data))
    rnd = random.Random(20261202)
    train = [r for r in rows if r[0] not in HELD_OUT]
    test = [r for r in rows if r[0] in HELD_OUT]
    likes, dislikes = [r for r in train if r[2] == 1], [r for r in train if r[2] == 0]
    per_class = min(PER_CLASS, len(likes), len(dislikes))
    train = rnd.sample(likes, per_class) + rnd.sample(dislikes, per_class)
    test = rnd.sample([r for r in test if r[2] == 1], 1500) + rnd.sample([r for r in test if r[2] == 0], 1500)
    with (data / "employees_opinion.csv").open(encoding="utf-8-sig", newline="") as fh:
        other = [(r["comment"], int(r["assessment"] == "positive")) for r in csv.DictReader(fh, delimiter=";")]

    model = load_embedding_model("all-MiniLM-L6-v2")
    with tempfile.TemporaryDirectory() as tmp:
        vader = SentimentScorer(Path(tmp) / "nltk", head=None)

        def features(texts):
            vectors = model.encode(texts, batch_size=64, normalize_embeddings=True, show_progress_bar=False)
            return np.column_stack([vectors, vader.lexicon_scores(texts)])

        x_train, y_train = features([r[1] for r in train]), np.array([r[2] for r in train])
        x_test, y_test = features([r[1] for r in test]), np.array([r[2] for r in test])
        x_other, y_other = features([t for t, _ in other]), np.array([y for _, y in other])
    head = LogisticRegression(C=1.0, max_iter=2000).fit(x_train, y_train)
    for name, x, y in (("held-out employers", x_test, y_test), ("employees_opinion.csv", x_other, y_other)):
        print(f"{name} (n={len(y)}): VADER AUC {roc_auc_score(y, x[:, -1]):.3f}, "
              f"head AUC {roc_auc_score(y, head.decision_function(x)):.3f}, "
              f"accuracy {np.mean(head.predict(x) == y):.3f}")
    np.savez_compressed(HEAD_PATH, weights=head.coef_[0].astype(np.float32), bias=np.float32(head.intercept_[0]),
                        source=np.array("HRdatasets employees_opinion_ext.csv like/dislike (GPL-2); "
                                        f"{2 * per_class} fragments from six employers"))
    print(f"wrote {HEAD_PATH}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
