"""How well redaction does on comments written for this test, by people's kind of detail.

``redaction_cases.csv`` (359 comments) was written before the name rules and
then used while developing them; ``redaction_heldout.csv`` (133 comments) was
written afterwards and never used to change a rule. Each row names one span:
a name, a contact detail or an identifier that must be fully replaced, or a
tool or product that must survive. Names come from many cultures, in lower
case, at the start of sentences, and include names that are also words.
"""

from __future__ import annotations

import csv
import time
from collections import Counter
from pathlib import Path

import pytest

from research.privacy.redaction import Redactor

HERE = Path(__file__).parent
SENSITIVE = ("name", "contact", "identifier")


def _cases(name: str) -> list[dict[str, str]]:
    with open(HERE / name, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _score(rows: list[dict[str, str]], redactor: Redactor) -> tuple[Counter, Counter, list[str]]:
    """Per kind: spans caught (sensitive) or redacted (tools), spans in all, and the failures to show."""
    hit, total, failures, done = Counter(), Counter(), [], {}
    for row in rows:
        text, kind, span = row["text"], row["kind"], row["span"]
        result = done.setdefault(text, redactor.redact(text))
        covered = {i for r in result.replacements for i in range(r.start, r.end)}
        total[kind] += 1
        if kind == "none":
            hit[kind] += result.changed
            continue
        start = text.index(span)
        chars = {i for i in range(start, start + len(span)) if text[i].isalnum()}
        if kind == "tool":
            hit[kind] += bool(chars & covered)
            failed = bool(chars & covered)
        else:
            hit[kind] += chars <= covered
            failed = not chars <= covered
        if failed:
            failures.append(f"{kind} {span!r}: {result.text}")
    return hit, total, failures


@pytest.mark.parametrize("name", ["redaction_cases.csv", "redaction_heldout.csv"])
def test_recall_of_identifying_details_and_tools_left_alone(name):
    rows = _cases(name)
    assert len({r["text"] for r in rows}) >= (300 if name == "redaction_cases.csv" else 100)
    hit, total, failures = _score(rows, Redactor())
    recall = {kind: hit[kind] / total[kind] for kind in SENSITIVE}
    tools = hit["tool"] / total["tool"]
    print(f"\n{name}: recall " + ", ".join(f"{k} {recall[k]:.3f} ({hit[k]}/{total[k]})" for k in SENSITIVE)
          + f"; tools redacted {tools:.1%} ({hit['tool']}/{total['tool']}); "
          f"plain comments changed {hit['none']}/{total['none']}")
    for failure in failures:
        print("  ", failure)
    assert min(recall.values()) >= 0.95, failures
    assert tools <= 0.02, failures
    assert hit["none"] <= 0.1 * total["none"], failures


def test_redaction_time_per_thousand_comments():
    texts = [r["text"] for r in _cases("redaction_cases.csv")]
    texts = (texts * (1000 // len(texts) + 1))[:1000]
    redactor = Redactor(["Dave Jones", "Zoë Brontë", "Sarah Connor", "Priya Natarajan"])
    start = time.perf_counter()
    results = [redactor.redact(t) for t in texts]
    elapsed = time.perf_counter() - start
    print(f"\nredaction: {elapsed:.2f} s per 1,000 comments (mean {sum(map(len, texts)) / len(texts):.0f} chars)")
    assert sum(r.changed for r in results) > 700  # the measured work is real redaction, not a no-op
