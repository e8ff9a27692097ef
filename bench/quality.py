"""Out-of-sample quality: themes and sentiment on real employee text the project did not write.

- Themes: ``../shared/data/employees_opinion_themes.csv`` (480 real fragments, ten workplace themes labelled by
  an annotator against written guidelines; see LABELLING.md beside it). Frontline is given the evaluator's
  categories as a ``name,description`` codebook (``bench/data/employees_opinion_codebook.csv``, one sentence per
  category summarising the guidelines' definitions, written once and not tuned to scores), and also runs with
  its own default codebook. Beside it, in the same run: plain similarity to the descriptions with the same
  model, and BERTopic with its defaults. With 10 labelled examples per code (``--examples``), macro-F1 is
  measured on the remaining fragments (median of five draws) in each half of a fixed split: half A is where
  choices about how examples teach were made, half B is held out from those choices.
- Themes on a proxy of issue 12's evaluator set (six categories: pay, benefits, manager, development, work-life
  balance, process): the fragments whose primary label is one of the six matching labels, with a six-row
  ``name,description`` codebook (``bench/data/six_category_codebook.csv``, one sentence per category from
  LABELLING.md's definitions, committed before any score on it was seen), the same three methods side by side.
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
SIX_CODEBOOK = Path(__file__).with_name("data") / "six_category_codebook.csv"
SIX_LABELS = ("pay", "benefits", "management", "career_growth", "work_life_balance", "tools_process")
"""The labels of employees_opinion_themes.csv that stand for the six rows of SIX_CODEBOOK, in its order."""


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


def _rows() -> list[dict[str, str]]:
    with (DATA / "employees_opinion_themes.csv").open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh, delimiter=";"))


def _halves(n: int) -> dict[str, list[int]]:
    """A fixed split of the labelled file: choices about how examples teach were made on half A only."""
    order = list(range(n))
    random.Random(12).shuffle(order)
    return {"A (choices made on it)": sorted(order[: n // 2]), "B (held out)": sorted(order[n // 2:])}


def _table(texts, gold, vectors, codebook, embed, model, gold_of=None) -> list[tuple[str, dict[str, float]]]:
    """Frontline, plain similarity to the descriptions and BERTopic's defaults on the same texts and vectors;
    ``gold_of`` maps a code key to the label it stands for in ``gold``."""
    from bertopic import BERTopic

    from research.analysis.embeddings import backend_of
    from research.analysis.themes import ThemeMatcher

    label = gold_of or {c.key: c.key for c in codebook}
    ours = ThemeMatcher(embed, codebook).assign(vectors, texts)
    described = embed([c.description for c in codebook])
    plain = [label[codebook[i].key] for i in (vectors @ described.T).argmax(axis=1)]
    # BERTopic does not know the ONNX runner (it would fetch its default model by name); with the vectors
    # given it needs no embedding model at all.
    topics, _ = BERTopic(embedding_model=model if backend_of(model) == "torch" else None).fit_transform(
        texts, vectors)
    bertopic = _scores(gold, [str(t) for t in topics])
    bertopic.pop("macro-F1")  # its topics are not the evaluator's categories: only NMI and ARI compare
    return [("Frontline, evaluator's codebook", _scores(gold, [label.get(t, t) for t in ours.themes],
                                                        [label.get(t, t) for t in ours.secondary])),
            ("plain description-similarity", _scores(gold, plain)),
            ("BERTopic defaults (topics as clusters)", bertopic)]


def _print(table: list[tuple[str, dict[str, float]]]) -> None:
    for name, figures in table:
        print(f"  {name:<40} " + "  ".join(f"{k} {v:.3f}" for k, v in figures.items()))


def _taught(texts, gold, vectors, codebook, embed, rows: list[int], clear: list[bool], gold_of=None,
            draws: int = 5) -> list[tuple]:
    """Per draw: 10 labelled examples per code (half a code's fragments when it has fewer than 20) drawn from
    ``rows``, the rest of ``rows`` scored; macro-F1 with the examples and without them on the same rest, and with
    the examples on the rest's fragments not marked ambiguous (``clear``)."""
    from research.analysis.themes import ThemeMatcher

    label = gold_of or {c.key: c.key for c in codebook}
    results = []
    for draw in range(draws):
        rnd = random.Random(draw)
        by_label = defaultdict(list)
        for i in rows:
            by_label[gold[i]].append(i)
        taught: dict[str, list[str]] = {}
        used: set[int] = set()
        for code in codebook:
            pool = by_label.get(label[code.key], [])
            picked = rnd.sample(pool, min(10, len(pool) // 2))
            used |= set(picked)
            taught[code.key] = [texts[i] for i in picked]
        rest = [i for i in rows if i not in used]
        rest_texts, rest_gold = [texts[i] for i in rest], [gold[i] for i in rest]
        figures = []
        for examples in (taught, None):
            found = [label.get(t, t) for t in
                     ThemeMatcher(embed, codebook, exemplars=examples).assign(vectors[rest], rest_texts).themes]
            figures.append(_scores(rest_gold, found)["macro-F1"])
            if examples:
                plain = [k for k, i in enumerate(rest) if clear[i]]
                unambiguous = _scores([rest_gold[k] for k in plain], [found[k] for k in plain])["macro-F1"]
        results.append((*figures, unambiguous))
    return results


def _print_taught(name: str, results: list[tuple]) -> None:
    taught, untaught, clear = ([r[k] for r in results] for k in range(3))
    print(f"  {name}: with 10 examples per code, macro-F1 on the rest, median of {len(results)} draws "
          f"{statistics.median(taught):.3f} (range {min(taught):.3f} to {max(taught):.3f}); without them, "
          f"same fragments, {statistics.median(untaught):.3f}; with them, on the rest's fragments not marked "
          f"ambiguous, {statistics.median(clear):.3f}")


def _print_unambiguous(texts, gold, vectors, codebook, embed, clear: list[bool], gold_of) -> None:
    """The same run's Frontline and plain-similarity themes, scored only on the fragments not marked ambiguous
    (one theme, or one clearly dominant: closer to single labelled sentences)."""
    from research.analysis.themes import ThemeMatcher

    found = ThemeMatcher(embed, codebook).assign(vectors, texts).themes
    plain = (vectors @ embed([c.description for c in codebook]).T).argmax(axis=1)
    kept = [i for i, c in enumerate(clear) if c]
    kept_gold = [gold[i] for i in kept]
    print(f"  on the {len(kept)} of them not marked ambiguous:")
    _print([("Frontline, evaluator's codebook", _scores(kept_gold, [gold_of.get(found[i], found[i]) for i in kept])),
            ("plain description-similarity", _scores(kept_gold, [gold_of[codebook[plain[i]].key] for i in kept]))])


def _supervised(vectors, gold) -> float:
    """For scale: macro-F1 of a logistic regression on the same embeddings given four fifths of all the labels
    (5-fold, stratified), no codebook."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import f1_score
    from sklearn.model_selection import StratifiedKFold, cross_val_predict

    model = LogisticRegression(C=4.0, max_iter=2000, class_weight="balanced")
    found = cross_val_predict(model, vectors, gold, cv=StratifiedKFold(5, shuffle=True, random_state=0))
    return float(f1_score(gold, found, average="macro"))


def themes(model) -> None:
    from interviews.codebook import codebook_from_csv
    from research.analysis.embeddings import embed_texts
    from research.analysis.themes import ThemeMatcher
    from research.codebook import DEFAULT_CODEBOOK

    rows = _rows()
    texts, gold = [r["text"] for r in rows], [r["theme"] for r in rows]
    vectors = embed_texts(texts, model)

    def embed(anchors):
        return embed_texts(anchors, model)

    codebook = codebook_from_csv(CODEBOOK.read_bytes())
    print(f"Themes on {len(texts)} real fragments (employees_opinion_themes.csv), out of sample:")
    ours = ThemeMatcher(embed, codebook).assign(vectors, texts)
    default = ThemeMatcher(embed, DEFAULT_CODEBOOK).assign(vectors, texts)
    default_figures = _scores(gold, default.themes)
    default_figures.pop("macro-F1")  # other codes than the evaluator's
    _print(_table(texts, gold, vectors, codebook, embed, model) + [("Frontline, default codebook", default_figures)])
    flagged = [bool(s) for s in ours.secondary]
    hits = [s == r["theme2"] for s, r in zip(ours.secondary, rows) if s]
    print(f"  secondary themes given: {np.mean(flagged):.0%} of fragments; of those, {np.mean(hits):.0%} match theme2"
          f" (the labels give one to {np.mean([bool(r['theme2']) for r in rows]):.0%})")
    clear = [r["ambiguous"] != "1" for r in rows]
    for half, members in _halves(len(texts)).items():
        _print_taught(f"half {half}, {len(members)} fragments",
                      _taught(texts, gold, vectors, codebook, embed, members, clear))
    print(f"  for scale, a logistic regression on the embeddings given 4/5 of all labels (5-fold): macro-F1 "
          f"{_supervised(vectors, gold):.3f}")
    six(texts, gold, vectors, embed, model, clear)


def six(texts, gold, vectors, embed, model, clear: list[bool]) -> None:
    """The proxy of issue 12's evaluator set: the fragments whose primary label is one of its six categories,
    with a six-row codebook (``bench/data/six_category_codebook.csv``, written before any score on it)."""
    from interviews.codebook import codebook_from_csv

    codebook = codebook_from_csv(SIX_CODEBOOK.read_bytes())
    gold_of = dict(zip([c.key for c in codebook], SIX_LABELS))
    members = [i for i, g in enumerate(gold) if g in SIX_LABELS]
    sub_texts, sub_gold = [texts[i] for i in members], [gold[i] for i in members]
    print(f"Six categories ({', '.join(c.name for c in codebook)}): the {len(members)} fragments labelled "
          f"{', '.join(SIX_LABELS)}, out of sample:")
    _print(_table(sub_texts, sub_gold, vectors[members], codebook, embed, model, gold_of))
    _print_unambiguous(sub_texts, sub_gold, vectors[members], codebook, embed, [clear[i] for i in members], gold_of)
    halves = _halves(len(texts))
    for half, rows in halves.items():
        chosen = [members.index(i) for i in rows if i in members]
        _print_taught(f"half {half}, {len(chosen)} fragments",
                      _taught(sub_texts, sub_gold, vectors[members], codebook, embed, chosen,
                              [clear[i] for i in members], gold_of))
    print(f"  for scale, a logistic regression on the embeddings given 4/5 of all labels (5-fold): macro-F1 "
          f"{_supervised(vectors[members], sub_gold):.3f}")


def sentiment(model, scorer) -> None:
    import copy

    from sklearn.metrics import roc_auc_score

    from bench.train_sentiment import HELD_OUT, _fragments
    from research.analysis.embeddings import embed_texts
    from research.analysis.sentiment import UNSURE, load_tuned_model

    scorer = copy.copy(scorer)  # FRONTLINE_SENTIMENT_MODEL=head
    scorer.tuned, scorer.unsure = None, None
    fine_tuned = copy.copy(scorer)  # FRONTLINE_SENTIMENT_MODEL=head+fine-tuned
    fine_tuned.tuned = load_tuned_model()
    when_unsure = copy.copy(fine_tuned)  # head+fine-tuned-when-unsure, the default
    when_unsure.unsure = UNSURE

    held = [(t, y) for company, t, y in _fragments(DATA) if company in HELD_OUT]
    rnd = random.Random(7)
    held = rnd.sample([r for r in held if r[1] == 1], 2000) + rnd.sample([r for r in held if r[1] == 0], 2000)
    with (DATA / "employees_opinion.csv").open(encoding="utf-8-sig", newline="") as fh:
        other = [(r["comment"], int(r["assessment"] == "positive")) for r in csv.DictReader(fh, delimiter=";")]
    print("Sentiment AUC, out of sample (VADER with Frontline's workplace terms / Frontline's head / the head "
          "with the fine-tuned model where it is unsure, the default / with the fine-tuned model on every text):")
    for name, pairs in ((f"like vs dislike, employers never trained on ({', '.join(sorted(HELD_OUT))})", held),
                        ("employees_opinion.csv, positive vs negative", other)):
        texts, labels = [t for t, _ in pairs], [y for _, y in pairs]
        lexicon = scorer.lexicon_scores(texts)
        wall, cpu = time.perf_counter(), time.process_time()
        vectors = embed_texts(texts, model)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        learned = scorer.score_many(texts, vectors, lexicon=lexicon)
        tuned = unsure = "n/a (no fine-tuned model file)"
        if fine_tuned.tuned is not None:
            wall_unsure = time.perf_counter()
            some = when_unsure.score_many(texts, vectors, lexicon=lexicon)
            read = float(np.mean(np.abs(scorer.head.log_odds(vectors, lexicon, texts)) < UNSURE))
            unsure = (f"{roc_auc_score(labels, some):.3f} ({read:.0%} of texts read by the fine-tuned model, "
                      f"{len(texts) / (time.perf_counter() - wall_unsure):,.0f} texts/s)")
            wall_tuned, cpu_tuned = time.perf_counter(), time.process_time()
            both = fine_tuned.score_many(texts, vectors, lexicon=lexicon)
            wall_tuned, cpu_tuned = time.perf_counter() - wall_tuned, time.process_time() - cpu_tuned
            tuned = (f"{roc_auc_score(labels, both):.3f} (with the head, {len(texts) / wall_tuned:,.0f} texts/s, "
                     f"{cpu_tuned:.1f} CPU s)")
        print(f"  {name} (n={len(texts)}): VADER {roc_auc_score(labels, lexicon):.3f}, "
              f"Frontline's head {roc_auc_score(labels, learned):.3f}, where it is unsure with the fine-tuned model "
              f"{unsure}, with the fine-tuned model on every text {tuned}; "
              f"embedding {len(texts) / wall:,.0f} texts/s ({cpu:.1f} CPU s)")


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
