"""Analysis benchmark: Frontline's pipeline against BERTopic with its defaults, on the same texts in one run.

Texts: the real employee-review fragments in ../shared/data (like/dislike columns)
when present, topped up with demo comments. Quality out of sample is in
:mod:`bench.quality`; the figures here (theme NMI/ARI against the demo generator's
planted themes, sentiment on the demo's praise/complaints and hand-written edge
cases, topic stability) are in-sample and labelled so.
"""

from __future__ import annotations

import csv
import resource
import tempfile
import time
from pathlib import Path

import numpy as np

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data" / "employees_opinion_ext.csv"

EDGE_CASES = [
    ("long hours and not enough people on the phones", 0), ("we are short staffed again", 0),
    ("no breaks since the new rota", 0), ("the CRM logs me out every hour", 0), ("nobody listens to us", 0),
    ("pay hasn't kept up with the cost of living", 0), ("the knowledge base is out of date", 0),
    ("my team lead backs us up", 1), ("great coaching this month", 1), ("the new tool saves me minutes per call", 1),
    ("I love the people I work with", 1), ("management acted on our feedback", 1),
]


def corpus(size: int) -> list[str]:
    from research.demo.seed import generate_responses

    texts: list[str] = []
    if SHARED.exists():
        with SHARED.open(encoding="utf-8-sig") as fh:
            for row in csv.DictReader(fh, delimiter=";"):
                texts += [t.strip() for t in (row.get("like", ""), row.get("dislike", "")) if t and t.strip()]
    seed = 0
    while len(texts) < size:
        texts += [r.text for r in generate_responses(seed) if r.text]
        seed += 1
    return texts[:size]


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_frontline(texts, model, scorer, cache_dir):
    from research.analysis.embeddings import EmbeddingCache
    from research.analysis.pipeline import analyze_texts

    cache = EmbeddingCache(Path(cache_dir) / "cache.sqlite", "all-MiniLM-L6-v2")
    start = time.perf_counter()
    result = analyze_texts(texts, model=model, scorer=scorer, cache=cache, measure_stability=False)
    seconds = time.perf_counter() - start
    cache.close()
    return seconds, result


def run_bertopic_defaults(texts, model):
    from bertopic import BERTopic

    start = time.perf_counter()
    BERTopic(embedding_model=model).fit_transform(texts)
    return time.perf_counter() - start


def quality(model, scorer) -> dict[str, float]:
    from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score, roc_auc_score

    from research.analysis.embeddings import embed_texts
    from research.analysis.themes import ThemeMatcher
    from research.analysis.topics import topic_stability
    from research.demo.seed import generate_responses

    items = [r for r in generate_responses(7) if r.text]
    texts = [r.text for r in items]
    vectors = embed_texts(texts, model)
    themes = ThemeMatcher(lambda t: embed_texts(t, model)).assign(vectors, texts).themes
    truth = [r.theme if r.theme != "parking" else "other" for r in items]
    labels = [int(r.positive) for r in items] + [y for _, y in EDGE_CASES]
    scored = texts + [t for t, _ in EDGE_CASES]
    scores = scorer.score_many(scored, embed_texts(scored, model))
    return {
        "theme NMI": normalized_mutual_info_score(truth, themes),
        "theme ARI": adjusted_rand_score(truth, themes),
        "sentiment AUC": roc_auc_score(labels, scores),
        "sentiment accuracy": float(np.mean([(s >= 0.05) == bool(y) for s, y in zip(scores, labels)])),
        "topic stability (ARI, 3 seeds)": topic_stability(texts, vectors),
    }


def warm_up() -> None:
    """Pay the one-off numba compilations before anything is timed, so neither side carries them.

    BERTopic's default UMAP searches neighbours approximately above 4,096 points, so
    the warm-up uses 5,000; Frontline's path is warmed on a small corpus.
    """
    from hdbscan import HDBSCAN
    from umap import UMAP

    from research.analysis.topics import _large_corpus_labels

    points = np.random.default_rng(0).normal(size=(5000, 384)).astype(np.float32)
    HDBSCAN(min_cluster_size=10).fit(UMAP(n_components=5, metric="cosine").fit_transform(points))
    _large_corpus_labels(points[:400], seed=0)


def main(sizes=(1000, 10000)) -> None:
    from research.analysis.embeddings import load_embedding_model
    from research.analysis.sentiment import SentimentScorer

    with tempfile.TemporaryDirectory() as tmp:
        model = load_embedding_model("all-MiniLM-L6-v2")
        scorer = SentimentScorer(Path(tmp) / "nltk")
        warm_up()
        from bench import quality as out_of_sample

        out_of_sample.main(model, scorer)
        print("In-sample quality (the demo generator's own text and planted themes; proves little):")
        for name, value in quality(model, scorer).items():
            print(f"  {name:<34} {value:.3f}")
        print(f"{'comments':>8} {'frontline s':>12} {'per s':>8} {'BERTopic s':>11} {'per s':>8} {'ratio':>6} {'peak MiB':>9}")
        for size in sizes:
            texts = corpus(size)
            ours, _ = run_frontline(texts, model, scorer, Path(tmp) / f"cache-{size}")
            theirs = run_bertopic_defaults(texts, model)
            print(f"{size:>8} {ours:>12.1f} {size / ours:>8.0f} {theirs:>11.1f} {size / theirs:>8.0f} "
                  f"{theirs / ours:>6.2f} {peak_mib():>9.0f}", flush=True)
        texts = corpus(11000)
        cache_dir = Path(tmp) / "incremental"
        run_frontline(texts[:-1000], model, scorer, cache_dir)
        again, _ = run_frontline(texts, model, scorer, cache_dir)
        print(f"adding 1,000 comments to an analysed 10,000: {again:.1f} s")
