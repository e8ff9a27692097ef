"""Analysis benchmark: Frontline's pipeline against BERTopic with its defaults, like for like.

- Texts: both sides get the same de-duplicated list. It is the distinct real ``like``/``dislike`` fragments of
  ``../shared/data/employees_opinion_ext.csv`` (21,035 of them); beyond that, distinct pairs of real fragments
  from different reviews. Without that folder the benchmark says so and uses distinct synthetic text (pairs of
  demo comments). No text repeats, so neither side can skip work the other does.
- Frontline's time is what a job does once its comments are read: embedding into a fresh cache, themes, topics
  with the stability measurement, lexicon and learned sentiment. BERTopic gets the same packaged MiniLM through
  PyTorch, with everything else at its defaults. Both models are loaded, and numba compiled, before timing.
- Three repetitions, the order alternating (Frontline first, then BERTopic first, ...): the median and range of
  each side, and the ratio of the medians. The peak memory of each run is sampled from ``/proc`` (resident
  set, above what the process held before the run).
- Cold start, in a fresh process: import, model load and a first batch of 64 comments, per backend.

Quality out of sample is in :mod:`bench.quality`; the in-sample figures here (the demo generator's own text
and planted themes) are labelled so.
"""

from __future__ import annotations

import csv
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data" / "employees_opinion_ext.csv"
REPETITIONS = 3
INCREMENT = 1000

EDGE_CASES = [
    ("long hours and not enough people on the phones", 0), ("we are short staffed again", 0),
    ("no breaks since the new rota", 0), ("the CRM logs me out every hour", 0), ("nobody listens to us", 0),
    ("pay hasn't kept up with the cost of living", 0), ("the knowledge base is out of date", 0),
    ("my team lead backs us up", 1), ("great coaching this month", 1), ("the new tool saves me minutes per call", 1),
    ("I love the people I work with", 1), ("management acted on our feedback", 1),
]


def _real_fragments() -> list[list[str]]:
    """Distinct real fragments grouped by review, in file order; empty without ../shared/data."""
    if not SHARED.exists():
        return []
    seen: set[str] = set()
    reviews = []
    with SHARED.open(encoding="utf-8-sig") as fh:
        for row in csv.DictReader(fh, delimiter=";"):
            fresh = [t.strip() for t in (row.get("like", ""), row.get("dislike", "")) if t and t.strip()]
            fresh = [t for t in fresh if not (t in seen or seen.add(t))]
            if fresh:
                reviews.append(fresh)
    return reviews


def _synthetic_fragments() -> list[list[str]]:
    from research.demo.seed import generate_responses

    distinct = dict.fromkeys(r.text for seed in range(3) for r in generate_responses(seed) if r.text)
    return [[t] for t in distinct]


def corpus(size: int) -> tuple[list[str], str]:
    """``size`` distinct texts and a note of where they came from."""
    reviews = _real_fragments()
    source = "distinct real fragments (employees_opinion_ext.csv)"
    if not reviews:
        reviews = _synthetic_fragments()
        source = "../shared/data is missing: distinct synthetic text (demo comments and pairs of them)"
    texts = list(dict.fromkeys(t for review in reviews for t in review))[:size]
    if len(texts) < size:  # a fragment joined to one from another review is a new, distinct text
        real = len(texts)
        known = set(texts)
        for step in range(1, len(reviews)):
            for i, first in enumerate(reviews):
                text = f"{first[0].rstrip('. ')}. {reviews[(i + step) % len(reviews)][-1]}"
                if text not in known:
                    known.add(text)
                    texts.append(text)
                if len(texts) == size:
                    break
            if len(texts) == size:
                break
        source += f"; {size - real:,} are pairs of them"
    return texts, source


class PeakMemory:
    """Samples this process's resident memory every 20 ms while the block runs; ``peak_mib`` is the highest
    reading above the level at entry (threads' and native libraries' memory included)."""

    def __enter__(self) -> PeakMemory:
        self.base = self.peak = _rss_mib()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def _sample(self) -> None:
        while not self._stop.wait(0.02):
            self.peak = max(self.peak, _rss_mib())

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, _rss_mib())

    @property
    def peak_mib(self) -> float:
        return self.peak - self.base


def _rss_mib() -> float:
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:  # pragma: no cover (not Linux)
        pass
    return 0.0


def run_frontline(texts, model, scorer, cache_dir, *, measure_stability: bool = True):
    """Frontline's whole analysis into a fresh (or the given) cache: (wall s, CPU s), result, peak MiB."""
    from research.analysis.embeddings import EmbeddingCache
    from research.analysis.pipeline import analyze_texts

    cache = EmbeddingCache(Path(cache_dir) / "cache.sqlite", "all-MiniLM-L6-v2")
    with PeakMemory() as memory:
        start, cpu = time.perf_counter(), time.process_time()
        result = analyze_texts(texts, model=model, scorer=scorer, cache=cache, measure_stability=measure_stability)
        seconds = (time.perf_counter() - start, time.process_time() - cpu)
    cache.close()
    return seconds, result, memory.peak_mib


def run_bertopic_defaults(texts, torch_model):
    """BERTopic with its defaults and the packaged model: (wall s, CPU s), peak MiB."""
    from bertopic import BERTopic

    with PeakMemory() as memory:
        start, cpu = time.perf_counter(), time.process_time()
        BERTopic(embedding_model=torch_model).fit_transform(texts)
        seconds = (time.perf_counter() - start, time.process_time() - cpu)
    return seconds, memory.peak_mib


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


COLD_START = """
import time
start = time.perf_counter()
from research.analysis.embeddings import load_embedding_model
model = load_embedding_model("all-MiniLM-L6-v2", backend={backend!r})
loaded = time.perf_counter()
model.encode({texts!r}, batch_size=64)
print(model.embedding_backend, loaded - start, time.perf_counter() - loaded)
"""


def cold_start(backend: str, texts: list[str]) -> str:
    """Import, load and a first batch of 64 in a fresh process (the ONNX export already made)."""
    code = COLD_START.format(backend=backend, texts=texts[:64])
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=600)
    if done.returncode != 0:
        return f"failed: {done.stderr.strip().splitlines()[-1:]}"
    running, load, first = done.stdout.split()[-3:]
    return f"{running}: load {float(load):.1f} s + first 64 {float(first):.2f} s"


def _spread(values: list[float]) -> str:
    return f"{statistics.median(values):7.1f} s ({min(values):.1f} to {max(values):.1f})"


def compare(size: int, model, torch_model, scorer, tmp: Path) -> None:
    """Three alternating repetitions at ``size`` distinct texts; one line per side and the ratio."""
    texts, source = corpus(size)
    ours, theirs, our_memory, their_memory = [], [], [], []
    for rep in range(REPETITIONS):
        order = ("frontline", "bertopic") if rep % 2 == 0 else ("bertopic", "frontline")
        for side in order:
            if side == "frontline":
                seconds, _, memory = run_frontline(texts, model, scorer, tmp / f"cache-{size}-{rep}")
                ours.append(seconds)
                our_memory.append(memory)
            else:
                seconds, memory = run_bertopic_defaults(texts, torch_model)
                theirs.append(seconds)
                their_memory.append(memory)
    print(f"{size:>7,} comments ({source}), {REPETITIONS} alternating runs, wall (CPU) seconds:")
    for name, runs, memory in ((f"Frontline ({model.embedding_backend}, stability included)", ours, our_memory),
                               ("BERTopic defaults (torch)", theirs, their_memory)):
        wall = [w for w, _ in runs]
        cpu = statistics.median(c for _, c in runs)
        print(f"  {name:<46} {_spread(wall)} ({cpu:.1f} CPU s)  {size / statistics.median(wall):6,.0f}/s  "
              f"peak +{max(memory):,.0f} MiB")
    more, _ = corpus(size + INCREMENT)
    if more[:size] == texts:
        # What a re-run after a wave's new comments costs: the last Frontline cache, 1,000 more distinct texts.
        (wall, cpu), _, _ = run_frontline(more, model, scorer, tmp / f"cache-{size}-{REPETITIONS - 1}")
        print(f"  Frontline, {INCREMENT:,} more comments on the analysed {size:,}: {wall:.1f} s ({cpu:.1f} CPU s)")
    ratio = statistics.median(w for w, _ in ours) / statistics.median(w for w, _ in theirs)
    cpu_ratio = statistics.median(c for _, c in ours) / statistics.median(c for _, c in theirs)
    print(f"  Frontline / BERTopic, ratio of medians: {ratio:.2f} wall, {cpu_ratio:.2f} CPU (CPU time is the "
          "steadier figure when other work shares the cores)", flush=True)


def main(sizes=(1000, 10000)) -> None:
    from research.analysis.embeddings import load_embedding_model
    from research.cli.tools import sentiment_scorer
    from research.settings import load_settings

    print(f"Analysis benchmark; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores at the start "
          "(a shared machine: other load slows both sides)")
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        start = time.perf_counter()
        model = load_embedding_model("all-MiniLM-L6-v2")  # the configured backend; exported here on first use
        print(f"Frontline's embedding backend: {model.embedding_backend} (load, with any first-use export, "
              f"{time.perf_counter() - start:.1f} s)")
        torch_model = model if model.embedding_backend == "torch" else load_embedding_model(
            "all-MiniLM-L6-v2", backend="torch")
        # The configured sentiment model (FRONTLINE_SENTIMENT_MODEL; by default the fine-tuned model reads the
        # texts the head is unsure of), as a real job scores
        scorer = sentiment_scorer(load_settings({**os.environ, "FRONTLINE_DATA_DIR": str(tmp)}))
        reads = "head" if scorer.tuned is None else "head and fine-tuned model" + (
            " (the fine-tuned model where the head is unsure)" if scorer.unsure is not None else "")
        print(f"Frontline's sentiment: {reads}")
        warm_up()
        probe, _ = corpus(64)
        print("Cold start in a fresh process: " + "; ".join(
            cold_start(backend, probe) for backend in dict.fromkeys((model.embedding_backend, "torch"))))
        from bench import quality as out_of_sample

        out_of_sample.main(model, scorer)
        print("In-sample quality (the demo generator's own text and planted themes; proves little):")
        for name, value in quality(model, scorer).items():
            print(f"  {name:<34} {value:.3f}")
        for size in sizes:
            compare(size, model, torch_model, scorer, tmp)
        texts, _ = corpus(11000)
        cache_dir = tmp / "incremental"
        run_frontline(texts[:-1000], model, scorer, cache_dir)
        (again, cpu), _, _ = run_frontline(texts, model, scorer, cache_dir)
        print(f"adding 1,000 comments to an analysed 10,000 (stability included): {again:.1f} s ({cpu:.1f} CPU s)")


if __name__ == "__main__":
    main(tuple(int(a) for a in sys.argv[1:]) or (1000, 10000))
