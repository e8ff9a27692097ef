"""Would learning sentiment from the organisation's own scores help? (issue 12's alternative route; not adopted)

Issue 12 allows learning sentiment "from the organisation's own pulse data, where each comment sits beside the
same person's scores". The nearest real data here is HRdatasets (``employees_opinion_ext.csv``, GPL-2): each
reviewer's overall score (1-5) beside what they like and dislike. For each employer the shipped head never saw,
five folds over reviewers: a logistic regression over [the head's log-odds, the embedding] is fitted on the other
reviewers' fragments, each labelled by its writer's score (4-5 high, 1-2 low, 3 left out), and scored on the
held-out reviewers: like against dislike AUC (does it still read how a text feels?) and high against low score
AUC of a reviewer's two fragments together (does it predict the score?).

Measured 2026-12-06 (onnx-int8, 3,404 reviewers with both fragments): at every strength the adapted model
predicted scores better (AUC 0.65-0.70 to 0.68-0.87) and read feeling worse (like/dislike 0.91-0.93 to
0.61-0.92): a score labels both of a person's fragments alike, so it teaches what high scorers write about,
not how a text feels. That is the risk in a pulse too (a team with low morale that praises its new tool), and
a comment's sentiment learned from its writer's score would also carry that score into the quote. So sentiment
stays the shipped head. Run:

    .venv/bin/python -m bench.sentiment_from_scores [../shared/data]
"""

from __future__ import annotations

import csv
import sys
import tempfile
from pathlib import Path

import numpy as np

HELD_OUT = ("Deloitte", "HSBC", "Oracle")
STRENGTHS = (0.01, 0.1, 1.0)


def main(argv: list[str]) -> int:
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import roc_auc_score
    from sklearn.model_selection import KFold

    from research.analysis.embeddings import load_embedding_model
    from research.analysis.sentiment import SentimentScorer

    data = Path(argv[0]) if argv else Path(__file__).resolve().parents[2] / "shared" / "data"
    rows = []
    with (data / "employees_opinion_ext.csv").open(encoding="utf-8-sig", newline="") as fh:
        for r in csv.DictReader(fh, delimiter=";"):
            like, dislike = (" ".join((r.get(c) or "").split()) for c in ("like", "dislike"))
            if r["company"] in HELD_OUT and r.get("score") and len(like.split()) >= 2 and len(dislike.split()) >= 2:
                rows.append((r["company"], float(r["score"]), like, dislike))
    model = load_embedding_model("all-MiniLM-L6-v2")
    with tempfile.TemporaryDirectory() as tmp:
        scorer = SentimentScorer(Path(tmp) / "nltk")

        def read(texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
            vectors = model.encode(texts, batch_size=64, normalize_embeddings=True, show_progress_bar=False)
            return vectors, scorer.head.log_odds(vectors, scorer.lexicon_scores(texts), texts)

        (v_like, h_like), (v_dislike, h_dislike) = read([r[2] for r in rows]), read([r[3] for r in rows])
    score, company = np.array([r[1] for r in rows]), np.array([r[0] for r in rows])
    print(f"{len(rows)} reviewers of {', '.join(HELD_OUT)} with both fragments")
    for strength in STRENGTHS:
        for name in HELD_OUT:
            index = np.flatnonzero(company == name)
            feel_y, feel_head, feel_adapted, score_y, score_head, score_adapted = [], [], [], [], [], []
            for fit, test in KFold(5, shuffle=True, random_state=0).split(index):
                fit, test = index[fit], index[test]
                fit = fit[(score[fit] <= 2) | (score[fit] >= 4)]
                x = np.vstack([np.column_stack([h_like[fit], v_like[fit]]),
                               np.column_stack([h_dislike[fit], v_dislike[fit]])])
                y = np.concatenate([score[fit] >= 4] * 2).astype(int)
                adapter = LogisticRegression(C=strength, max_iter=2000).fit(x, y)
                like = adapter.decision_function(np.column_stack([h_like[test], v_like[test]]))
                dislike = adapter.decision_function(np.column_stack([h_dislike[test], v_dislike[test]]))
                feel_y += [1] * len(test) + [0] * len(test)
                feel_head += [*h_like[test], *h_dislike[test]]
                feel_adapted += [*like, *dislike]
                judged = (score[test] <= 2) | (score[test] >= 4)
                score_y += list(score[test][judged] >= 4)
                score_head += list((h_like[test] + h_dislike[test])[judged])
                score_adapted += list((like + dislike)[judged])
            print(f"C={strength} {name}: like/dislike AUC head {roc_auc_score(feel_y, feel_head):.3f}, adapted "
                  f"{roc_auc_score(feel_y, feel_adapted):.3f}; high/low score AUC head "
                  f"{roc_auc_score(score_y, score_head):.3f}, adapted {roc_auc_score(score_y, score_adapted):.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
