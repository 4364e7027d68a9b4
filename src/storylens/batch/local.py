"""The local engine: the batch plan in a pool of forked worker processes (no Java needed).

Each worker loads the models once (the stage modules cache them) and keeps them
for every task it is given. Staged rows are Parquet files, one per input unit
and one per chunk of stories, written by this (driver) process.
"""

from __future__ import annotations

import json
import multiprocessing
from collections import defaultdict
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from storylens.batch.inputs import InputUnit
from storylens.batch.output import Layout
from storylens.batch.plan import (
    ANNOTATED_COLUMNS,
    STORY_COLUMNS,
    annotate_rows,
    compare_story_rows,
    group_window,
    read_table_rows,
    read_unit,
    windows_of,
)
from storylens.batch.settings import BatchSettings
from storylens.batch.tables import PARTITION, TABLES, arrow_schema, story_tables
from storylens.ingest import IngestOptions
from storylens.records import InputError

STORIES_PER_FILE = 64


def _chunks(items: Sequence, size: int) -> Iterator[Sequence]:
    for begin in range(0, len(items), size):
        yield items[begin : begin + size]


def read_input(unit: InputUnit, options: IngestOptions) -> list[dict]:
    """Worker task: one input unit read and cleaned (article rows and error rows)."""
    if unit.kind == "table":
        records = pq.read_table(unit.path).to_pylist()
        return read_table_rows(records, unit.path, unit.key, options)
    return read_unit(unit.path, unit.key, unit.manifest, options)


def _error_rows(rows: Sequence[dict]) -> list[dict]:
    return [{**r, "annotation": None, "credits": None, "vector": None} for r in rows if r["kind"] == "error"]


def compare_task(rows: list[dict], max_story: int, summary_words: int, reports: str) -> dict:
    """Worker task: one story compared, its JSON report written."""
    row = compare_story_rows(rows, max_story=max_story, summary_words=summary_words)
    write_report(Path(reports), row["story_id"], row["report"])
    return row


def write_report(folder: Path, story_id: str, report_json: str) -> None:
    """The story's report, indented like `storylens analyze -o report.json` (atomic)."""
    path = folder / f"{story_id}.json"
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(json.loads(report_json), ensure_ascii=False, indent=2), encoding="utf-8")
    tmp.replace(path)


def staged_schema(columns: Sequence[str]) -> pa.Schema:
    types = {"vector": pa.binary(), "n_articles": pa.int64(), "capped": pa.bool_()}
    return pa.schema([(c, types.get(c, pa.string())) for c in columns])


def _one_blas_thread() -> None:
    from threadpoolctl import threadpool_limits

    threadpool_limits(1)


class LocalEngine:
    def __init__(self, settings: BatchSettings):
        self.settings = settings
        self.rows: list[dict] = []
        self.dropped = 0
        self.story_errors: list[InputError] = []
        context = multiprocessing.get_context("fork")
        self.pool = ProcessPoolExecutor(max(1, settings.workers), mp_context=context,
                                        initializer=_one_blas_thread)

    def __enter__(self) -> LocalEngine:
        return self

    def __exit__(self, *exc) -> None:
        self.pool.shutdown(cancel_futures=True)

    # ------------------------------------------------------------------ read + annotate
    def read_and_annotate(self, units: Sequence[InputUnit], layout: Layout, options: IngestOptions) -> None:
        """Inputs read in the pool, their articles annotated in chunks across the pool
        (one big JSONL file keeps every worker busy); staged and recorded per input."""
        reads = [self.pool.submit(read_input, unit, options) for unit in units]
        per_task = max(1, self.settings.articles_per_task)
        for unit, read in zip(units, reads, strict=True):  # in input order: the ledger grows in order
            rows = read.result()
            articles = [r for r in rows if r["kind"] == "article"]
            chunks = [self.pool.submit(annotate_rows, chunk) for chunk in _chunks(articles, per_task)]
            annotated = [row for chunk in chunks for row in chunk.result()]
            path = layout.staged_inputs / f"{unit.key}.parquet"
            table = pa.Table.from_pylist(annotated + _error_rows(rows), schema=staged_schema(ANNOTATED_COLUMNS))
            pq.write_table(table, path)
            layout.record(inputs={unit.key: layout.relative(path)})

    def load(self, staged: Sequence[str], keys: Sequence[str], layout: Layout) -> None:
        rows = []
        wanted = set(keys)
        for relative in sorted(set(staged)):
            rows.extend(r for r in pq.read_table(layout.staged(relative)).to_pylist() if r["input"] in wanted)
        self.error_rows = [r for r in rows if r["kind"] == "error"]
        articles = sorted((r for r in rows if r["kind"] == "article"), key=lambda r: (r["id"], r["source"]))
        unique = {}
        for row in articles:  # the same article from two inputs: the first source by name
            unique.setdefault(row["id"], row)
        self.dropped = len(articles) - len(unique)
        self.rows = list(unique.values())

    def article_counts(self) -> tuple[int, int]:
        return len(self.rows), self.dropped

    def errors(self) -> list[InputError]:
        found = [InputError(source=r["source"], message=r["message"]) for r in self.error_rows]
        return sorted(found, key=lambda e: (e.source, e.message)) + self.story_errors

    # ------------------------------------------------------------------ windows
    def windows(self, window_days: int) -> tuple[list[dict], list[dict], int]:
        by_window: dict[str, list[dict]] = defaultdict(list)
        for row in self.rows:
            for window in windows_of(row["day"], window_days):
                by_window[window].append(row)
        names = sorted(by_window)
        edges = []
        for found in self.pool.map(group_window, names, [by_window[n] for n in names]):
            edges.extend(found)
        meta = [{k: r[k] for k in ("id", "published", "day", "credits")} for r in self.rows]
        return edges, meta, len(names)

    # ------------------------------------------------------------------ stories
    def compare(self, assignment: list[dict], todo: set[str], layout: Layout) -> None:
        by_id = {r["id"]: r for r in self.rows}
        stories: dict[str, list[dict]] = defaultdict(list)
        for a in assignment:
            if a["key"] in todo:
                stories[a["key"]].append({**by_id[a["id"]], **{k: v for k, v in a.items() if k != "id"}})
        keys = sorted(stories)
        futures = [
            self.pool.submit(compare_task, stories[k], self.settings.max_story, self.settings.summary_words,
                             str(layout.reports))
            for k in keys
        ]
        done: list[dict] = []

        def flush() -> None:
            if not done:
                return
            path = layout.staged_stories / f"{done[0]['key']}.parquet"
            pq.write_table(pa.Table.from_pylist(done, schema=staged_schema(STORY_COLUMNS)), path)
            layout.record(stories={row["key"]: layout.relative(path) for row in done})
            done.clear()

        for key, future in zip(keys, futures, strict=True):
            try:
                done.append(future.result())
            except Exception as exc:  # noqa: BLE001 - one story's failure must not end the job
                self.story_errors.append(
                    InputError(source=f"story {key}", message=f"compare failed: {type(exc).__name__}: {exc}")
                )
            if len(done) >= STORIES_PER_FILE:
                flush()
        flush()

    # ------------------------------------------------------------------ tables
    def write_tables(self, staged: Sequence[str], keys: set[str], layout: Layout) -> tuple[int, list[str]]:
        import pyarrow.dataset as ds

        tables: dict[str, list[dict]] = {name: [] for name in TABLES}
        capped = []
        for relative in sorted(set(staged)):
            for row in pq.read_table(layout.staged(relative)).to_pylist():
                if row["key"] not in keys:
                    continue
                if row["capped"]:
                    capped.append(row["story_id"])
                for name, rows in story_tables(row["report"], row["day"], row["capped"]).items():
                    tables[name].extend(rows)
        layout.clear_tables()
        for name, rows in tables.items():
            table = pa.Table.from_pylist(rows, schema=arrow_schema(name))
            ds.write_dataset(
                table, layout.tables / name, format="parquet", partitioning=[PARTITION],
                partitioning_flavor="hive", existing_data_behavior="delete_matching",
                basename_template="part-{i}.parquet",
            )
        return len(tables["facts"]), sorted(capped)
