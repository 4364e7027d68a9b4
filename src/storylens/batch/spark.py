"""The Spark engine: the batch plan as Spark jobs (pyspark, Java 17+).

- per-input and per-article stages run in ``mapInPandas`` (the Python workers are
  reused, so each loads the models once and keeps them; Arrow batches of
  ``articles_per_task`` rows);
- grouping: ``groupBy(window).applyInPandas`` over overlapping time windows, each
  window's candidates from grouping's own inverted index and syndication's MinHash
  LSH; the windows' groups are stitched by union-find on the driver over ids only;
- compare + synthesise: ``groupBy(story).applyInPandas``, one story per call, with
  the size cap as the skew guard;
- tables: ``write.partitionBy("day").parquet``.

Inputs: local files and folders (listed on the driver), Parquet tables, and URIs
Spark reads (``s3a://bucket/news/``: files through ``binaryFile``, ``*.parquet`` as
tables). DIR must be a path every worker can write (local, NFS or a mount).
"""

from __future__ import annotations

import json
import math
import os
import sys
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path

from storylens.batch.inputs import InputUnit
from storylens.batch.local import write_report
from storylens.batch.output import Layout
from storylens.batch.plan import (
    ANNOTATED_COLUMNS,
    ASSIGN_COLUMNS,
    EDGE_COLUMNS,
    READ_COLUMNS,
    STORY_COLUMNS,
    annotate_rows,
    compare_story_rows,
    group_window,
    read_table_rows,
    read_unit,
    windows_of,
)
from storylens.batch.settings import BatchSettings
from storylens.batch.tables import PARTITION, TABLES, spark_schema, story_tables
from storylens.errors import UsageError
from storylens.ingest import IngestOptions
from storylens.records import InputError

TABLE_COLUMNS = ("text", "html", "url", "outlet", "published", "title", "language", "author")
_BINARY = {"vector"}
_TYPES = {"n_articles": "bigint", "capped": "boolean"}


def ddl(columns: Sequence[str]) -> str:
    return ", ".join(
        f"`{c}` {'binary' if c in _BINARY else _TYPES.get(c, 'string')}" for c in columns
    )


def _frame(rows: list[dict], columns: Sequence[str]):
    import pandas as pd

    return pd.DataFrame([{c: r.get(c) for c in columns} for r in rows], columns=list(columns))


def _records(pdf) -> list[dict]:
    """A pandas frame as row dicts with None for nulls."""
    return [{k: (None if v is None or (isinstance(v, float) and math.isnan(v)) else v)
             for k, v in row.items()} for row in pdf.to_dict("records")]


# --------------------------------------------------------------------------- worker functions


def _read_files(options: IngestOptions):
    def run(batches: Iterator) -> Iterator:
        for pdf in batches:
            rows = []
            for unit in _records(pdf):
                rows.extend(read_unit(unit["path"], unit["key"], unit["manifest"], options))
            yield _frame(rows, READ_COLUMNS)
    return run


def _read_uri_files(key: str, options: IngestOptions):
    """binaryFile rows (path, content) -> article rows; each file read under its own name."""
    def run(batches: Iterator) -> Iterator:
        for pdf in batches:
            rows = []
            for item in _records(pdf):
                name = item["path"].rstrip("/").rsplit("/", 1)[-1]
                if passed_over(name):
                    continue
                with tempfile.TemporaryDirectory() as folder:
                    local = os.path.join(folder, name)
                    with open(local, "wb") as handle:
                        handle.write(item["content"])
                    for row in read_unit(local, key, None, options):
                        if row.get("source"):
                            row["source"] = row["source"].replace(local, item["path"], 1)
                        rows.append(row)
            yield _frame(rows, READ_COLUMNS)
    return run


def passed_over(name: str) -> bool:
    """What a folder walk passes over (sidecars, manifests, hidden files, folder documentation).

    Over a URI the sidecars' and manifests' metadata are not applied: give table rows or
    JSON Lines with the metadata fields instead.
    """
    from storylens.ingest.metadata import SIDECAR_SUFFIX
    from storylens.ingest.walk import is_folder_documentation

    lower = name.lower()
    return (lower.startswith((".", "~", "#", "_")) or lower.endswith((SIDECAR_SUFFIX, ".csv", ".crc"))
            or is_folder_documentation(Path(name)))


def _read_tables(keys: dict[str, str], options: IngestOptions):
    def run(batches: Iterator) -> Iterator:
        for pdf in batches:
            rows = []
            for file, group in pdf.groupby("_file", sort=True):
                records = [{k: v for k, v in r.items() if k != "_file"} for r in _records(group)]
                path = file.removeprefix("file://")
                rows.extend(read_table_rows(records, path, keys.get(file) or keys.get(path, ""), options))
            yield _frame(rows, READ_COLUMNS)
    return run


def _annotate(batches: Iterator) -> Iterator:
    for pdf in batches:
        rows = _records(pdf)
        yield _frame(annotate_rows(rows) if rows else [], ANNOTATED_COLUMNS)


def _explode_windows(window_days: int):
    def run(batches: Iterator) -> Iterator:
        for pdf in batches:
            rows = [{**r, "window": w} for r in _records(pdf) for w in windows_of(r["day"], window_days)]
            yield _frame(rows, (*ANNOTATED_COLUMNS, "window"))
    return run


def _group(pdf):
    rows = _records(pdf)
    return _frame(group_window(rows[0]["window"], rows), EDGE_COLUMNS)


def _compare(max_story: int, summary_words: int, reports: str):
    def run(pdf):
        rows = _records(pdf)
        try:
            row = compare_story_rows(rows, max_story=max_story, summary_words=summary_words)
            write_report(Path(reports), row["story_id"], row["report"])
            row["error"] = None
        except Exception as exc:  # noqa: BLE001 - one story's failure must not end the job
            row = {"story_id": rows[0]["story_id"], "key": rows[0]["key"], "day": rows[0].get("story_day"),
                   "n_articles": len(rows), "capped": False, "report": None,
                   "error": f"compare failed: {type(exc).__name__}: {exc}"}
        return _frame([row], (*STORY_COLUMNS, "error"))
    return run


def _table_rows(batches: Iterator) -> Iterator:
    """Every table's rows of each story, in one Python pass: (table, day, row as JSON)."""
    for pdf in batches:
        rows = []
        for story in _records(pdf):
            for name, found in story_tables(story["report"], story["day"], bool(story["capped"])).items():
                rows.extend({"table": name, PARTITION: r[PARTITION], "row": json.dumps(r)} for r in found)
        yield _frame(rows, ("table", PARTITION, "row"))


# --------------------------------------------------------------------------- the engine


def spark_available() -> str | None:
    """None when Spark can run here, else why not (for the CLI and the tests' skip)."""
    import shutil

    try:
        import pyspark  # noqa: F401
    except ImportError:
        return "pyspark is not installed (pip install 'storylens[spark]')"
    java = os.path.join(os.environ["JAVA_HOME"], "bin", "java") if os.environ.get("JAVA_HOME") else shutil.which("java")
    if not java:
        return "no Java runtime (Spark needs Java 17+: apt-get install openjdk-17-jre-headless)"
    major = java_major(java)
    if major is not None and major < 17:
        return f"Java {major} found; Spark 4 needs Java 17+"
    return None


def java_major(java: str) -> int | None:
    """The runtime's major version from `java -version` ("17.0.15" -> 17, "1.8.0" -> 8)."""
    import re
    import subprocess

    try:
        shown = subprocess.run([java, "-version"], capture_output=True, text=True, timeout=30).stderr
    except (OSError, subprocess.SubprocessError):
        return None
    match = re.search(r'version "(\d+)(?:\.(\d+))?', shown)
    if not match:
        return None
    first = int(match.group(1))
    return int(match.group(2) or 0) if first == 1 else first


class SparkEngine:
    def __init__(self, settings: BatchSettings):
        why = spark_available()
        if why:
            raise UsageError(f"--engine spark: {why}")
        from pyspark.sql import SparkSession

        self.settings = settings
        submitted = settings.master is None and bool(os.environ.get("PYSPARK_GATEWAY_PORT"))
        master = None if submitted else (settings.master or "local[2]")
        self.owned = SparkSession.getActiveSession() is None
        builder = SparkSession.builder.appName("storylens-batch")
        conf = settings.spark_conf
        if master is not None:  # under spark-submit its --master and --conf decide
            builder = builder.master(master)
        if master is not None and master.startswith("local"):
            os.environ.setdefault("PYSPARK_PYTHON", sys.executable)  # workers see our packages
            conf = default_conf(settings) + conf
        for key, value in conf:
            builder = builder.config(key, value)
        self.spark = builder.getOrCreate()
        self.spark.sparkContext.setLogLevel("ERROR")
        self.articles = None
        self.error_list: list[InputError] = []
        self.dropped = 0
        self.count = 0

    def __enter__(self) -> SparkEngine:
        return self

    def __exit__(self, *exc) -> None:
        if self.articles is not None:
            self.articles.unpersist()
        if self.owned:
            self.spark.stop()

    # ------------------------------------------------------------------ read + annotate
    def read_and_annotate(self, units: Sequence[InputUnit], layout: Layout, options: IngestOptions) -> None:
        per_job = max(1, self.settings.inputs_per_job)
        for begin in range(0, len(units), per_job):
            batch = units[begin : begin + per_job]
            target = layout.staged_inputs / f"job-{batch[0].key}"
            read = self._read(batch, options)
            read = read.persist()
            articles = read.filter("kind = 'article'")
            n = articles.count()
            parts = max(1, math.ceil(n / max(1, self.settings.articles_per_task)))
            annotated = articles.repartition(parts, "id").mapInPandas(_annotate, ddl(ANNOTATED_COLUMNS))
            errors = read.filter("kind = 'error'").selectExpr(
                *[f"`{c}`" for c in READ_COLUMNS], "CAST(NULL AS STRING) AS annotation",
                "CAST(NULL AS STRING) AS credits", "CAST(NULL AS BINARY) AS vector")
            annotated.unionByName(errors).write.mode("overwrite").parquet(str(target))
            read.unpersist()
            layout.record(inputs={u.key: layout.relative(target) for u in batch})

    def _read(self, units: Sequence[InputUnit], options: IngestOptions):
        from pyspark.sql import functions as F

        spark = self.spark
        frames = []
        files = [u for u in units if u.kind == "file"]
        if files:
            listed = spark.createDataFrame([(u.path, u.key, u.manifest) for u in files],
                                           "path string, key string, manifest string")
            frames.append(listed.repartition(min(len(files), 64)).mapInPandas(_read_files(options), ddl(READ_COLUMNS)))
        tables = [u for u in units if u.kind == "table"]
        uris = [u for u in units if u.kind == "uri"]
        table_paths = [u.path for u in tables] + [u.path for u in uris if u.path.rstrip("/").endswith(".parquet")]
        if table_paths:
            keys = {u.path: u.key for u in tables + uris}
            keys.update({"file://" + p: k for p, k in list(keys.items())})
            df = spark.read.option("mergeSchema", "true").parquet(*table_paths)
            columns = []
            for c in TABLE_COLUMNS:
                if c not in df.columns:
                    continue
                kind = dict(df.dtypes)[c]
                if kind.startswith("timestamp"):
                    columns.append(F.date_format(F.col(c), "yyyy-MM-dd'T'HH:mm:ssXXX").alias(c))
                else:
                    columns.append(F.col(c).cast("string").alias(c))
            df = df.select(*columns, F.input_file_name().alias("_file"))
            for u in uris:  # a URI folder of tables: every file carries the URI's key
                keys.setdefault(u.path, u.key)
            frames.append(df.mapInPandas(_read_tables(keys, options), ddl(READ_COLUMNS)))
        for u in uris:
            if u.path.rstrip("/").endswith(".parquet"):
                continue
            raw = (spark.read.format("binaryFile").option("recursiveFileLookup", "true")
                   .load(u.path).select("path", "content"))
            frames.append(raw.mapInPandas(_read_uri_files(u.key, options), ddl(READ_COLUMNS)))
        if not frames:
            return spark.createDataFrame([], ddl(READ_COLUMNS))
        out = frames[0]
        for frame in frames[1:]:
            out = out.unionByName(frame)
        return out

    def load(self, staged: Sequence[str], keys: Sequence[str], layout: Layout) -> None:
        from pyspark.sql import Window
        from pyspark.sql import functions as F

        if not staged:
            self.articles = self.spark.createDataFrame([], ddl(ANNOTATED_COLUMNS)).persist()
            return
        rows = self.spark.read.parquet(*[str(layout.staged(s)) for s in sorted(set(staged))])
        rows = rows.filter(F.col("input").isin(list(keys)))
        errors = rows.filter("kind = 'error'").select("source", "message").collect()
        self.error_list = [InputError(source=r.source, message=r.message) for r in errors]
        self.error_list.sort(key=lambda e: (e.source, e.message))
        articles = rows.filter("kind = 'article'")
        first = Window.partitionBy("id").orderBy("source")
        ranked = articles.withColumn("_rank", F.row_number().over(first))
        self.articles = ranked.filter("_rank = 1").drop("_rank").persist()
        self.count = self.articles.count()
        self.dropped = articles.count() - self.count

    def article_counts(self) -> tuple[int, int]:
        return self.count, self.dropped

    def errors(self) -> list[InputError]:
        return self.error_list

    # ------------------------------------------------------------------ windows
    def windows(self, window_days: int) -> tuple[list[dict], list[dict], int]:
        exploded = self.articles.mapInPandas(_explode_windows(window_days), ddl((*ANNOTATED_COLUMNS, "window")))
        edges = exploded.groupBy("window").applyInPandas(_group, ddl(EDGE_COLUMNS)).collect()
        meta = self.articles.select("id", "published", "day", "credits").collect()
        windows = {e.window for e in edges}
        return [e.asDict() for e in edges], [m.asDict() for m in meta], len(windows)

    # ------------------------------------------------------------------ stories
    def compare(self, assignment: list[dict], todo: set[str], layout: Layout) -> None:
        pending = [a for a in assignment if a["key"] in todo]
        if not pending:
            return
        columns = (*ASSIGN_COLUMNS, "key")
        plan = self.spark.createDataFrame([tuple(a[c] for c in columns) for a in pending], ddl(columns))
        joined = self.articles.drop("syndication_group", "duplicate_of").join(plan, on="id", how="inner")
        run = _compare(self.settings.max_story, self.settings.summary_words, str(layout.reports))
        stories = joined.groupBy("key").applyInPandas(run, ddl((*STORY_COLUMNS, "error")))
        target = layout.staged_stories / f"job-{min(todo)}"
        stories.write.mode("overwrite").parquet(str(target))
        done = self.spark.read.parquet(str(target)).select("key", "story_id", "error").collect()
        for row in done:
            if row.error:
                self.error_list.append(InputError(source=f"story {row.story_id}", message=row.error))
        layout.record(stories={r.key: layout.relative(target) for r in done if not r.error})

    # ------------------------------------------------------------------ tables
    def write_tables(self, staged: Sequence[str], keys: set[str], layout: Layout) -> tuple[int, list[str]]:
        from pyspark.sql import functions as F

        layout.clear_tables()
        if staged:
            stories = self.spark.read.parquet(*[str(layout.staged(s)) for s in staged])
            stories = stories.filter(F.col("key").isin(sorted(keys)) & F.col("error").isNull()).persist()
        else:
            stories = self.spark.createDataFrame([], ddl((*STORY_COLUMNS, "error")))
        long = stories.mapInPandas(_table_rows, f"table string, {PARTITION} string, row string").persist()
        for name in TABLES:
            table = long.filter(F.col("table") == name).select(
                F.from_json("row", spark_schema(name)).alias("r")).select("r.*")
            table.write.mode("overwrite").partitionBy(PARTITION).parquet(str(layout.tables / name))
        facts = long.filter(F.col("table") == "facts").count()
        long.unpersist()
        capped = sorted(r.story_id for r in stories.filter("capped").select("story_id").collect())
        stories.unpersist()
        return facts, capped


def default_conf(settings: BatchSettings) -> tuple[tuple[str, str], ...]:
    """Small settings for a shared laptop; a cluster's spark-submit flags override them."""
    return (
        ("spark.ui.enabled", "false"),
        ("spark.ui.showConsoleProgress", "false"),
        ("spark.sql.shuffle.partitions", "4"),
        ("spark.default.parallelism", "4"),
        ("spark.driver.memory", "1g"),
        ("spark.python.worker.reuse", "true"),
        ("spark.sql.execution.arrow.maxRecordsPerBatch", str(max(1, settings.articles_per_task))),
        ("spark.sql.adaptive.enabled", "false"),
    )
