"""Out-of-sample quality: themes and sentiment on real employee text the project did not write.

- Themes: ``../shared/data/employees_opinion_themes.csv`` (480 real fragments, ten workplace themes labelled by
  an annotator against written guidelines; see LABELLING.md beside it). Frontline is given the evaluator's
  categories as a ``name,description`` codebook (``bench/data/employees_opinion_codebook.csv``, one sentence per
  category summarising the guidelines' definitions, written once and not tuned to scores), and also runs with
  its own default codebook. Beside it, in the same run: plain similarity to the descriptions with the same
  model, and BERTopic with its defaults. With 10 labelled examples per code (``--examples``), macro-F1 is
  measured on the remaining fragments (median of three draws).
- Sentiment: like against dislike fragments of ``employees_opinion_ext.csv`` from the three employers the
  sentiment head was never trained on (``bench/train_sentiment.py``), and the 149 comments of
  ``employees_opinion.csv``, VADER against Frontline.

Nothing here runs without ../shared/data; the figures go to the README by hand from one run.
"""

from __future__ import annotations

import csv
import random
import statistics
import time
from collections import defaultdict
from pathlib import Path

import numpy as np

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
CODEBOOK = Path(__file__).with_name("data") / "employees_opinion_codebook.csv"


def _scores(gold: list[str], predicted: list[str], second: list[str] | None = None) -> dict[str, float]:
    from sklearn.metrics import adjusted_rand_score, f1_score, normalized_mutual_info_score

    labels = sorted(set(gold))
    result = {"NMI": normalized_mutual_info_score(gold, predicted), "ARI": adjusted_rand_score(gold, predicted),
              "macro-F1": f1_score(gold, predicted, labels=labels, average="macro", zero_division=0),
              "other": float(np.mean([p == "other" for p in predicted]))}
    if second is not None:
        lenient = [g if g in (p, s) else p for g, p, s in zip(gold, predicted, second)]
        result["macro-F1, theme2 counted"] = f1_score(gold, lenient, labels=labels, average="macro", zero_division=0)
    return result


def themes(model) -> None:
    from interviews.codebook import codebook_from_csv
    from research.analysis.embeddings import embed_texts
    from research.analysis.themes import ThemeMatcher
    from research.codebook import DEFAULT_CODEBOOK

    with (DATA / "employees_opinion_themes.csv").open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh, delimiter=";"))
    texts, gold = [r["text"] for r in rows], [r["theme"] for r in rows]
    gold_pairs = [(r["theme"], r["theme2"]) for r in rows]
    vectors = embed_texts(texts, model)

    def embed(anchors):
        return embed_texts(anchors, model)

    codebook = codebook_from_csv(CODEBOOK.read_bytes())
    print(f"Themes on {len(texts)} real fragments (employees_opinion_themes.csv), out of sample:")
    ours = ThemeMatcher(embed, codebook).assign(vectors, texts)
    described = embed([c.description for c in codebook])
    plain = [codebook[i].key for i in (vectors @ described.T).argmax(axis=1)]
    default = ThemeMatcher(embed, DEFAULT_CODEBOOK).assign(vectors, texts)
    from bertopic import BERTopic

    from research.analysis.embeddings import backend_of

    # BERTopic does not know the ONNX runner (it would fetch its default model by name); with the vectors
    # given it needs no embedding model at all.
    topics, _ = BERTopic(embedding_model=model if backend_of(model) == "torch" else None).fit_transform(
        texts, vectors)
    table = [("Frontline, evaluator's codebook", _scores(gold, ours.themes, ours.secondary)),
             ("plain description-similarity", _scores(gold, plain)),
             ("BERTopic defaults (topics as clusters)", _scores(gold, [str(t) for t in topics])),
             ("Frontline, default codebook", _scores(gold, default.themes))]
    for _, figures in table[2:]:  # their labels are not the evaluator's categories: only NMI and ARI compare
        figures.pop("macro-F1")
    for name, figures in table:
        print(f"  {name:<40} " + "  ".join(f"{k} {v:.3f}" for k, v in figures.items()))
    flagged = [bool(s) for s in ours.secondary]
    hits = [s == g2 for s, (_, g2) in zip(ours.secondary, gold_pairs) if s]
    print(f"  secondary themes given: {np.mean(flagged):.0%} of fragments; of those, {np.mean(hits):.0%} match theme2"
          f" (the labels give one to {np.mean([bool(g2) for _, g2 in gold_pairs]):.0%})")

    keys = [c.key for c in codebook]
    f1s, untaught = [], []
    for draw in range(3):
        rnd = random.Random(draw)
        by_code = defaultdict(list)
        for i, g in enumerate(gold):
            by_code[g].append(i)
        taught: dict[str, list[str]] = {}
        used: set[int] = set()
        for key in keys:
            pool = by_code.get(key, [])
            picked = rnd.sample(pool, min(10, len(pool) // 2))
            used |= set(picked)
            taught[key] = [texts[i] for i in picked]
        rest = [i for i in range(len(texts)) if i not in used]
        taught_result = ThemeMatcher(embed, codebook, exemplars=taught).assign(vectors[rest], [texts[i] for i in rest])
        rest_texts, rest_gold = [texts[i] for i in rest], [gold[i] for i in rest]
        f1s.append(_scores(rest_gold, taught_result.themes)["macro-F1"])
        untaught.append(_scores(rest_gold, ThemeMatcher(embed, codebook).assign(vectors[rest], rest_texts).themes)
                        ["macro-F1"])
    print(f"  with 10 examples per code (5 for codes with fewer than 20), macro-F1 on the rest: "
          f"median {statistics.median(f1s):.3f} (range {min(f1s):.3f} to {max(f1s):.3f}); without the examples, "
          f"on the same fragments, {statistics.median(untaught):.3f}")


def sentiment(model, scorer) -> None:
    from sklearn.metrics import roc_auc_score

    from bench.train_sentiment import HELD_OUT, _fragments
    from research.analysis.embeddings import embed_texts

    held = [(t, y) for company, t, y in _fragments(DATA) if company in HELD_OUT]
    rnd = random.Random(7)
    held = rnd.sample([r for r in held if r[1] == 1], 2000) + rnd.sample([r for r in held if r[1] == 0], 2000)
    with (DATA / "employees_opinion.csv").open(encoding="utf-8-sig", newline="") as fh:
        other = [(r["comment"], int(r["assessment"] == "positive")) for r in csv.DictReader(fh, delimiter=";")]
    print("Sentiment AUC, out of sample (VADER with Frontline's workplace terms / Frontline's head):")
    for name, pairs in ((f"like vs dislike, employers never trained on ({', '.join(sorted(HELD_OUT))})", held),
                        ("employees_opinion.csv, positive vs negative", other)):
        texts, labels = [t for t, _ in pairs], [y for _, y in pairs]
        lexicon = scorer.lexicon_scores(texts)
        wall, cpu = time.perf_counter(), time.process_time()
        vectors = embed_texts(texts, model)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        learned = scorer.score_many(texts, vectors, lexicon=lexicon)
        print(f"  {name} (n={len(texts)}): VADER {roc_auc_score(labels, lexicon):.3f}, "
              f"Frontline {roc_auc_score(labels, learned):.3f}; embedding {len(texts) / wall:,.0f} texts/s "
              f"({cpu:.1f} CPU s)")


def main(model, scorer) -> None:
    if not (DATA / "employees_opinion_themes.csv").exists():
        print("out-of-sample quality: ../shared/data is not beside the checkout; skipped")
        return
    themes(model)
    sentiment(model, scorer)


if __name__ == "__main__":
    import sys
    import tempfile

    from research.analysis.embeddings import load_embedding_model
    from research.analysis.sentiment import SentimentScorer
    from research.settings import EMBEDDING_BACKENDS

    # `python -m bench.quality torch onnx-int8`: the same figures for each backend, one after the other.
    with tempfile.TemporaryDirectory() as tmp:
        scorer = SentimentScorer(Path(tmp) / "nltk")
        for backend in sys.argv[1:] or ["torch"]:
            if backend not in EMBEDDING_BACKENDS:
                sys.exit(f"unknown backend {backend!r}; use {', '.join(EMBEDDING_BACKENDS)}")
            model = load_embedding_model("all-MiniLM-L6-v2", backend=backend)
            print(f"== embedding backend {backend} (running: {model.embedding_backend})")
            main(model, scorer)
