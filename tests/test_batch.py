"""`storylens batch`: the local engine and Spark (local[2]) agree on a corpus of our own.

One run per engine for the whole module (the expensive part: models load once per
worker); the tests read what the runs wrote. Spark tests skip, saying why, when
pyspark or Java is missing; all of them run in one xdist worker (one SparkSession).
"""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from batch_fixture import write_corpus
from storylens.batch import BatchSettings, run_batch
from storylens.batch.plan import windows_of
from storylens.batch.tables import COLUMNS, PARTITION, TABLES
from storylens.cli import cli
from storylens.report import validate_report_dict

pytestmark = pytest.mark.xdist_group("batch")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> dict:
    root = tmp_path_factory.mktemp("batch-corpus")
    return write_corpus(root)


@pytest.fixture(scope="module")
def local_run(corpus, tmp_path_factory):
    out = tmp_path_factory.mktemp("batch-local")
    summary = run_batch(corpus["inputs"], out, BatchSettings(engine="local", workers=2))
    return summary, out


@pytest.fixture(scope="module")
def spark_run(corpus, tmp_path_factory):
    from storylens.batch.spark import spark_available

    why = spark_available()
    if why:
        pytest.skip(f"Spark tests skipped: {why}")
    out = tmp_path_factory.mktemp("batch-spark")
    summary = run_batch(corpus["inputs"], out, BatchSettings(engine="spark", master="local[2]"))
    return summary, out


def _rows(out: Path, table: str, columns: tuple[str, ...]) -> list[tuple]:
    rows = pq.read_table(out / "tables" / table).to_pylist()
    return sorted(tuple(str(r[c]) for c in columns) for r in rows)


def _stories(out: Path) -> dict[str, list[dict]]:
    """Story id -> its article rows."""
    found: dict[str, list[dict]] = {}
    for row in pq.read_table(out / "tables" / "articles").to_pylist():
        found.setdefault(row["story_id"], []).append(row)
    return found


def test_local_engine_reads_the_corpus_and_names_each_bad_input(local_run):
    summary, out = local_run
    assert summary.articles == 24
    failed = sorted(Path(e.source).name for e in summary.errors)
    assert failed == ["broken.json", "stub.txt"]
    assert all(e.message for e in summary.errors)
    errors = pq.read_table(out / "tables" / "errors.parquet").to_pylist()
    assert sorted(Path(e["source"]).name for e in errors) == failed
    saved = json.loads((out / "summary.json").read_text())
    assert saved["articles"] == 24 and len(saved["errors"]) == 2 and saved["line"] == summary.line()


def test_a_story_across_window_boundaries_is_one_story(local_run):
    _, out = local_run
    stories = _stories(out)
    recount = [rows for rows in stories.values() if any("recount" in (r["url"] or "") for r in rows)]
    assert len(recount) == 1, "the recount reports were split into several stories"
    days = sorted(date.fromisoformat(r["published"][:10]) for r in recount[0])
    assert len(days) == 8
    first, last = windows_of(days[0].isoformat(), 7), windows_of(days[-1].isoformat(), 7)
    assert not set(first) & set(last), "the fixture should put the ends in windows that do not overlap"
    for name, rows in stories.items():  # the three stories are not merged with anything else
        urls = " ".join(r["url"] or r["source"] for r in rows)
        assert not ("recount" in urls and "fire" in urls), name


def test_wire_copy_counts_once(local_run):
    _, out = local_run
    articles = pq.read_table(out / "tables" / "articles").to_pylist()
    wire = [a for a in articles if Path(a["source"]).name.startswith("wire-")]
    assert len(wire) == 2
    assert wire[0]["syndication_group"] == wire[1]["syndication_group"] == "wire:reuters"
    assert sorted(bool(a["duplicate_of"]) for a in wire) == [False, True]
    assert wire[0]["story_id"] == wire[1]["story_id"]
    story = [a for a in articles if a["story_id"] == wire[0]["story_id"]]
    assert len(story) == 8  # the wire copies and the six outlets' own reports are one story
    independent = {a["syndication_group"] or a["article_id"] for a in story}
    assert len(independent) == 7
    facts = [f for f in pq.read_table(out / "tables" / "facts").to_pylist() if f["story_id"] == wire[0]["story_id"]]
    statuses = {f["status"] for f in facts}
    assert {"corroborated", "conflicting"} <= statuses
    assert max(f["independent_outlets"] for f in facts) <= 7
    conflicts = pq.read_table(out / "tables" / "conflicts").to_pylist()
    assert any(c["story_id"] == wire[0]["story_id"] for c in conflicts)


def test_tables_read_back_with_pyarrow_partitioned_by_day(local_run):
    _, out = local_run
    for name in TABLES:
        folder = out / "tables" / name
        table = pq.read_table(folder)
        assert set(COLUMNS[name]) <= set(table.column_names), name
        days = sorted(p.name for p in folder.iterdir() if p.is_dir())
        assert all(d.startswith(f"{PARTITION}=") for d in days), name
        assert bool(days) == bool(table.num_rows), name
    articles = pq.read_table(out / "tables" / "articles").to_pylist()
    assert len(articles) == 24
    removed = [json.loads(a["removed"]) for a in articles]
    assert all(isinstance(r, list) for r in removed)
    stories = pq.read_table(out / "tables" / "stories").to_pylist()
    assert sum(s["n_articles"] for s in stories) == 24
    reports = sorted(p.stem for p in (out / "reports").glob("*.json"))
    assert reports == sorted(s["story_id"] for s in stories)
    facts = {r["fact_id"] for r in pq.read_table(out / "tables" / "facts").to_pylist()}
    for path in (out / "reports").glob("*.json"):
        data = json.loads(path.read_text(encoding="utf-8"))
        validate_report_dict(data)
        assert data["schema"] == "storylens.report/1"
        assert {f["id"] for s in data["stories"] for f in s["facts"]} <= facts


def test_resume_skips_finished_inputs_and_stories(local_run, corpus, tmp_path):
    summary, first = local_run
    out = tmp_path / "resumed"
    shutil.copytree(first, out)  # the other tests keep reading the first run's folder
    before = _rows(out, "facts", ("story_id", "fact_id", "status"))
    extra = tmp_path / "extra.txt"
    extra.write_text(
        "The Marrow Creek ferry resumed service on Friday after a three-week suspension for engine repairs, "
        "the Marrow Creek transit board said in a statement.\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["batch", *corpus["inputs"], str(extra), "--out", str(out),
                                      "--engine", "local", "--workers", "1"])
    assert result.exit_code == 1, result.output  # the two bad inputs are still reported
    again = json.loads((out / "summary.json").read_text())
    assert again["inputs"] == summary.inputs + 1
    assert again["inputs_reused"] == summary.inputs  # only the new file was read
    assert again["stories_reused"] == summary.stories  # only the new story was compared
    assert again["articles"] == 25 and again["stories"] == summary.stories + 1
    assert "reused 12/13 inputs" in result.output
    after = _rows(out, "facts", ("story_id", "fact_id", "status"))
    assert set(before) <= set(after)


def test_spark_and_local_engines_agree(local_run, spark_run):
    (local, local_out), (spark, spark_out) = local_run, spark_run
    assert (spark.articles, spark.stories, spark.facts) == (local.articles, local.stories, local.facts)
    assert [e.to_dict() for e in spark.errors] == [e.to_dict() for e in local.errors]
    checks = {
        "stories": ("story_id", "n_articles", "title", PARTITION),
        "articles": ("article_id", "story_id", "syndication_group", "duplicate_of", PARTITION),
        "facts": ("story_id", "fact_id", "status", "independent_outlets", "text"),
        "claims": ("fact_id", "claim_id", "article_id", "start", "end"),
        "conflicts": ("fact_id", "kind", "detail"),
        "outlets": ("story_id", "outlet", "n_facts", "n_exclusive"),
    }
    for table, columns in checks.items():
        assert _rows(spark_out, table, columns) == _rows(local_out, table, columns), table
    for path in (local_out / "reports").glob("*.json"):
        assert json.loads((spark_out / "reports" / path.name).read_text()) == json.loads(path.read_text())


def test_windows_overlap_so_close_articles_share_one():
    days = [date(2024, 1, 1).fromordinal(date(2024, 1, 1).toordinal() + d) for d in range(30)]
    for a in days:
        for b in days:
            close = abs((a - b).days) < 7
            shared = set(windows_of(a.isoformat(), 7)) & set(windows_of(b.isoformat(), 7))
            assert bool(shared) or not close, (a, b)
    assert windows_of(None, 7) == windows_of("undated", 7) == ["undated"]


def test_stitch_joins_groups_across_windows_and_names_wire_copies():
    from storylens.batch.plan import stitch

    meta = [{"id": i, "published": f"2024-01-{d:02d}", "day": f"2024-01-{d:02d}", "credits": c}
            for i, d, c in (("a", 1, "[]"), ("b", 5, '["reuters"]'), ("c", 9, "[]"), ("d", 9, "[]"))]
    edges = [
        {"kind": "story", "window": "w1", "a": "a", "b": "a", "title": "early", "reason": None},
        {"kind": "story", "window": "w1", "a": "b", "b": "a", "title": "early", "reason": None},
        {"kind": "story", "window": "w2", "a": "b", "b": "b", "title": "late", "reason": None},
        {"kind": "story", "window": "w2", "a": "c", "b": "b", "title": "late", "reason": None},
        {"kind": "story", "window": "w2", "a": "d", "b": "d", "title": "alone", "reason": None},
        {"kind": "syn", "window": "w2", "a": "b", "b": "c", "title": None, "reason": None},
        {"kind": "dup", "window": "w2", "a": "b", "b": "c", "title": None, "reason": None},
    ]
    rows = {r["id"]: r for r in stitch(edges, meta)}
    assert rows["a"]["story_id"] == rows["b"]["story_id"] == rows["c"]["story_id"] != rows["d"]["story_id"]
    assert rows["a"]["story_day"] == "2024-01-01"
    assert rows["b"]["syndication_group"] == rows["c"]["syndication_group"] == "wire:reuters"
    assert rows["c"]["duplicate_of"] == "b" and rows["b"]["duplicate_of"] is None
    assert stitch(list(reversed(edges)), list(reversed(meta))) == stitch(edges, meta)  # order-free


def test_table_rows_with_html_or_text_and_a_row_without_either(tmp_path):
    from storylens.batch.plan import read_table_rows

    body = "The Marrow Creek ferry resumed service on Friday after a three-week suspension for repairs."
    records = [
        {"text": body, "outlet": "creek-news", "published": "2024-02-02", "url": None},
        {"html": f"<html><head><title>Ferry back</title></head><body><article><p>{body}</p>"
                 f"<p>{body.replace('Friday', 'Saturday')}</p></article></body></html>",
         "url": "https://harbour.example/ferry", "published": "2024-02-03"},
        {"title": "no body at all", "url": "https://empty.example/x"},
    ]
    rows = read_table_rows(records, str(tmp_path / "t.parquet"), "key")
    kinds = [r["kind"] for r in rows]
    assert kinds.count("article") == 2 and kinds.count("error") == 1
    error = next(r for r in rows if r["kind"] == "error")
    assert error["source"] == "https://empty.example/x" and "no article text" in error["message"]
    first = next(r for r in rows if r["kind"] == "article" and r["outlet"] == "creek-news")
    assert first["day"] == "2024-02-02" and first["source"].startswith(str(tmp_path / "t.parquet") + "#")
