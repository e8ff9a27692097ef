"""Foundation benchmarks: demo seeding, embedding and sentiment throughput.

Texts: the demo comments, plus the real employee reviews in ../shared/data when
that folder is beside the checkout (it is not part of the product).
Run with `make bench`; later analysis benchmarks extend this module.
"""

from __future__ import annotations

import csv
import platform
import resource
import tempfile
import time
from pathlib import Path

from sqlalchemy import select

from research.analysis.embeddings import load_embedding_model
from research.analysis.sentiment import SentimentScorer
from research.demo import seed_demo
from research.settings import load_settings
from research.store.engine import make_engine, session_scope
from research.store.migrate import upgrade
from research.store.models import PulseAnswer

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data" / "employees_opinion_ext.csv"


def timed(label: str, count: int, fn) -> float:
    start = time.perf_counter()
    fn()
    seconds = time.perf_counter() - start
    rate = f"{count / seconds:,.0f} per second" if count else ""
    print(f"{label:<44} {seconds:8.2f} s   {count:>7,} items   {rate}")
    return seconds


def real_reviews(limit: int = 2000) -> list[str]:
    if not SHARED.exists():
        return []
    with SHARED.open(encoding="utf-8-sig") as fh:
        rows = csv.DictReader(fh, delimiter=";")
        texts = [t for row in rows for t in (row.get("like", ""), row.get("dislike", "")) if t and t.strip()]
    return texts[:limit]


def main() -> None:
    print(f"Frontline benchmarks on {platform.node()} ({platform.machine()}, {platform.python_version()}),"
          f" {time.strftime('%Y-%m-%d')}")
    with tempfile.TemporaryDirectory() as tmp:
        settings = load_settings({"FRONTLINE_DATA_DIR": tmp})
        engine = make_engine(f"sqlite:///{tmp}/bench.db")
        upgrade(engine)

        def seed():
            with session_scope(engine) as session:
                seed_demo(session=session)

        timed("demo seed (SQLite, 648 responses)", 648, seed)
        with session_scope(engine) as session:
            comments = [t for t in session.scalars(select(PulseAnswer.value_text)) if t]
        texts = comments + real_reviews()
        scorer = SentimentScorer(settings.nltk_data_dir)
        timed("VADER sentiment", len(texts), lambda: scorer.score_many(texts))
        for backend in ("torch", settings.embedding_backend) if settings.embedding_backend != "torch" else ("torch",):
            model = load_embedding_model(settings.embedding_model, backend=backend)
            timed(f"MiniLM embeddings ({model.embedding_backend}, batch 64)", len(texts),
                  lambda model=model: model.encode(texts, batch_size=64))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory {peak:,.0f} MiB")


if __name__ == "__main__":
    import sys

    from bench import analysis, backup, dashboard

    main()
    dashboard.main()
    backup.main()
    sizes = tuple(int(a) for a in sys.argv[1:]) or (1000, 10000)  # `python -m bench 50000` for more
    analysis.main(sizes)
