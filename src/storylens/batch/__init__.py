"""``storylens batch``: the pipeline over a corpus, on a local process pool or Apache Spark.

Contract:

    run_batch(inputs, out, settings, options=None) -> BatchSummary

Both engines run the same plan (batch/plan.py) in the same order, so the same
inputs give the same article, story and fact ids on either:

    inputs -> read + clean (per file)  -> annotate (per batch of articles)
           -> group (per overlapping time window) -> stitch (union-find over windows)
           -> compare + synthesise (per story) -> tables, reports, summary

A re-run with the same DIR skips the inputs and stories the ledger marks as
finished (batch/output.py); bad input becomes an error row and the job goes on.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

from storylens.batch.inputs import InputUnit, expand_inputs
from storylens.batch.output import Layout
from storylens.batch.plan import stitch, story_key
from storylens.batch.settings import ENGINES, STAGES, BatchSettings
from storylens.batch.tables import TABLES, arrow_schema
from storylens.errors import UsageError
from storylens.ingest import IngestOptions
from storylens.records import InputError

__all__ = ["BatchSettings", "BatchSummary", "run_batch"]


@dataclass
class BatchSummary:
    engine: str
    inputs: int = 0
    inputs_reused: int = 0
    articles: int = 0
    duplicates_dropped: int = 0
    windows: int = 0
    stories: int = 0
    stories_reused: int = 0
    capped_stories: list[str] = field(default_factory=list)
    facts: int = 0
    errors: list[InputError] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)

    def line(self) -> str:
        """The one summary line the CLI prints."""
        return (
            f"{self.articles} articles, {self.stories} stories, {self.facts} facts, "
            f"{len(self.errors)} failed inputs ({self.engine}; {self.windows} windows; reused "
            f"{self.inputs_reused}/{self.inputs} inputs, {self.stories_reused}/{self.stories} stories"
            + (f"; {len(self.capped_stories)} stories over the size cap" if self.capped_stories else "")
            + ")"
        )

    def to_dict(self) -> dict:
        data = asdict(self)
        data["errors"] = [e.to_dict() for e in self.errors]
        data["line"] = self.line()
        return data


def _engine(settings: BatchSettings):
    if settings.engine == "local":
        from storylens.batch.local import LocalEngine

        return LocalEngine(settings)
    if settings.engine == "spark":
        from storylens.batch.spark import SparkEngine

        return SparkEngine(settings)
    raise UsageError(f"unknown engine {settings.engine!r} (use {' or '.join(ENGINES)})")


def run_batch(
    inputs: Sequence[str],
    out: str | Path,
    settings: BatchSettings | None = None,
    options: IngestOptions | None = None,
) -> BatchSummary:
    """Run the whole plan over ``inputs`` into ``out`` (see the module docstring)."""
    import time

    settings = settings or BatchSettings()
    if settings.window_days < 1:
        raise UsageError("--window-days must be at least 1")
    if settings.until not in STAGES:
        raise UsageError(f"--until {settings.until!r}: use one of {', '.join(STAGES)}")
    if settings.max_story < 2:
        raise UsageError("--max-story must be at least 2")
    options = options or IngestOptions()
    units, expand_errors = expand_inputs(list(inputs), engine=settings.engine)
    if not units and not expand_errors:
        raise UsageError("no inputs")
    layout = Layout(out)
    layout.drop_unrecorded()
    summary = BatchSummary(engine=settings.engine, inputs=len(units))
    clock = time.perf_counter()

    def lap(stage: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        summary.seconds[stage] = round(now - clock, 2)
        clock = now

    with _engine(settings) as engine:
        pending: list[InputUnit] = [u for u in units if u.key not in layout.ledger.inputs]
        summary.inputs_reused = len(units) - len(pending)
        engine.read_and_annotate(pending, layout, options)
        lap("read+annotate")
        finished_units = [u.key for u in units if u.key in layout.ledger.inputs]
        engine.load([layout.ledger.inputs[k] for k in finished_units], finished_units, layout)
        summary.articles, summary.duplicates_dropped = engine.article_counts()
        summary.errors = expand_errors + engine.errors()
        if settings.until == "annotate":
            return _finish(layout, summary)
        edges, meta, summary.windows = engine.windows(settings.window_days)
        lap("group")
        assignment = stitch(edges, meta)
        members: dict[str, list[str]] = {}
        for row in assignment:
            members.setdefault(row["story_id"], []).append(row["id"])
        keys = {sid: story_key(sid, ids) for sid, ids in members.items()}
        for row in assignment:
            row["key"] = keys[row["story_id"]]
        lap("stitch")
        todo = {k for k in keys.values() if k not in layout.ledger.stories}
        summary.stories = len(keys)
        summary.stories_reused = len(keys) - len(todo)
        if settings.until == "group":
            return _finish(layout, summary)
        engine.compare(assignment, todo, layout)
        lap("compare")
        finished = {k for k in keys.values() if k in layout.ledger.stories}
        current = sorted({layout.ledger.stories[k] for k in finished})
        summary.facts, summary.capped_stories = engine.write_tables(current, finished, layout)
        for name in TABLES:
            layout.ensure_table(name, arrow_schema(name))
        layout.prune_reports(set(keys))
        lap("tables")
    return _finish(layout, summary)


def _finish(layout: Layout, summary: BatchSummary) -> BatchSummary:
    _write_errors(layout, summary.errors)
    (layout.root / "summary.json").write_text(json.dumps(summary.to_dict(), indent=2), encoding="utf-8")
    return summary


def _write_errors(layout: Layout, errors: Sequence[InputError]) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.table({"source": [e.source for e in errors], "message": [e.message for e in errors]},
                     schema=pa.schema([("source", pa.string()), ("message", pa.string())]))
    pq.write_table(table, layout.tables / "errors.parquet")
