"""``frontline analyze``: themes, topics and sentiment for a CSV of comments, or the stored comments as a job."""

from __future__ import annotations

import argparse
import csv
import math
import sys
from functools import partial
from pathlib import Path

from interviews.codebook import codebook_from_csv
from research.analysis.examples import examples_from_csv
from research.analysis.jobs import enqueue_job, run_job
from research.analysis.pipeline import analyze_texts
from research.analysis.report import render_report
from research.cli.common import migrated_engine, read_file
from research.cli.tools import analysis_tools
from research.codebook import DEFAULT_CODEBOOK
from research.csv_input import CsvInputError, read_csv_rows, require_columns
from research.errors import FrontlineError
from research.findings.topic_labels import store_topic_labels
from research.privacy.reporting import Thresholds
from research.settings import Settings
from research.spreadsheets import inert_cell
from research.store.engine import session_scope

OUTPUT_COLUMNS = ["id", "theme", "theme_confidence", "theme2", "theme2_confidence", "topic", "topic_label",
                  "sentiment"]


def run(args: argparse.Namespace, settings: Settings) -> int:
    if args.db:
        if args.input:
            raise FrontlineError("give either an INPUT file or --db, not both")
        return _run_stored(args, settings)
    if not args.input or not args.out:
        raise FrontlineError("analyze needs INPUT --out OUT.csv (or --db for stored comments)")
    return _run_csv(args, settings)


def _run_stored(args: argparse.Namespace, settings: Settings) -> int:
    engine = migrated_engine(settings)
    job_id = args.job
    if job_id is None:
        with session_scope(engine) as session:
            job_id = enqueue_job(session=session, requested_by="cli")
    with analysis_tools(settings) as (model, scorer, cache):
        run_job(engine, job_id, model=model, scorer=scorer, cache=cache,
                after_success=partial(store_topic_labels, engine, thresholds=Thresholds.from_settings(settings)))
    print(f"analysis job {job_id} succeeded")
    return 0


def _fixed(value: float | None) -> str:
    return "" if value is None or math.isnan(value) else f"{value:.3f}"


def _analysis_codebook(args: argparse.Namespace):
    """The codebook (``--codebook``, else the default) and labelled examples (``--examples``) for a CSV run."""
    codebook = list(DEFAULT_CODEBOOK)
    if args.codebook:
        codebook = codebook_from_csv(read_file(args.codebook, "--codebook"))
    examples = None
    if args.examples:
        examples = examples_from_csv(read_file(args.examples, "--examples"), codebook)
    return codebook, examples


def _text_column(source: Path, rows: list[dict[str, str]]) -> str:
    """Without ``--text-column``, the file's column called "text" (in any case), as in an examples file; the
    reader has already refused a file that names a column twice, "Text" and "text" included."""
    have = list(rows[0]) if rows else []
    named = [c for c in have if c.strip().lower() == "text"]
    if not named:
        raise CsvInputError(f"{source}: no column is called text; say which holds the comments with "
                            f"--text-column (the columns are {', '.join(have)})")
    print(f"reading the comments from column {named[0]!r}", file=sys.stderr)
    return named[0]


def _id_column(rows: list[dict[str, str]]) -> str | None:
    """Without ``--id-column``, the file's column called "id" (in any case), if it has one: an outside walk's
    output numbered rows 0 to 9 beside an input whose own ids ran 1 to 10, and joined the wrong rows."""
    named = [c for c in (list(rows[0]) if rows else []) if c.strip().lower() == "id"]
    if named:
        print(f"copying the ids from column {named[0]!r}", file=sys.stderr)
    return named[0] if named else None


def _progress(stage: str, done: int, total: int) -> None:
    print(f"{stage}: {done}/{total}", file=sys.stderr, flush=True)


def _run_csv(args: argparse.Namespace, settings: Settings) -> int:
    source, out = Path(args.input), Path(args.out)
    rows = read_csv_rows(source)
    column = args.text_column or _text_column(source, rows)
    id_column = args.id_column or _id_column(rows)
    require_columns(source, rows, column, id_column, args.time_column, args.segment_column)
    texts = [row.get(column) or "" for row in rows]
    if not any(t.strip() for t in texts):
        raise CsvInputError(f"{source}: column {column!r} has no text in any row")
    if not out.parent.is_dir():
        raise FrontlineError(f"--out {out}: folder {out.parent} does not exist")
    codebook, examples = _analysis_codebook(args)
    with analysis_tools(settings) as (model, scorer, cache):
        result = analyze_texts(texts, model=model, scorer=scorer, cache=cache, codebook=codebook,
                               exemplars=examples, progress=_progress)
    ids = [row.get(id_column, "") for row in rows] if id_column else list(range(len(rows)))
    with out.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(OUTPUT_COLUMNS)
        for ident, row in zip(ids, result.rows.itertuples(index=False)):
            # Ids, code names and labels come from people's files and words: none may run as a formula.
            writer.writerow([inert_cell(ident), inert_cell(row.theme), _fixed(row.theme_confidence),
                             inert_cell(row.theme2), _fixed(row.theme2_confidence), row.topic,
                             inert_cell(row.topic_label), f"{row.sentiment:.4f}"])
    print(f"wrote {len(rows)} rows to {out}", file=sys.stderr)
    if args.report:
        if args.time_column:
            result.rows[args.time_column] = [row.get(args.time_column, "") for row in rows]
        Path(args.report).write_text(render_report(result, title=f"Frontline analysis of {source.name}",
                                                   time_column=args.time_column, codebook=codebook),
                                     encoding="utf-8")
        print(f"wrote report to {args.report}", file=sys.stderr)
    return 0
