"""Stories compared in worker processes (issue 16): the same report as one process, both cores used."""

from __future__ import annotations

import shutil
from pathlib import Path

from storylens.ingest import IngestOptions
from storylens.pipeline import analyze, analyze_store, ingest
from storylens.report import to_json
from storylens.store import Store, VectorTable
from storylens.story_work import POOL_MIN_ARTICLES, pool_size

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def _inputs(folder: Path = EXAMPLES) -> list[str]:
    return sorted(str(p) for p in folder.iterdir() if p.suffix in {".txt", ".md", ".html", ".jsonl"})


def test_pool_size_follows_the_run():
    assert pool_size(None, stories=1, articles=500) == 1  # one story: nothing to share out
    assert pool_size(None, stories=5, articles=POOL_MIN_ARTICLES - 1) == 1  # too small to pay for a fork
    assert pool_size(None, stories=5, articles=POOL_MIN_ARTICLES) in {1, 2}  # one per core, at most two
    assert pool_size(3, stories=2, articles=4) == 2  # asked for: capped by the stories there are
    assert pool_size(1, stories=9, articles=900) == 1


def test_two_workers_write_the_report_one_process_writes(tmp_path):
    manifest = EXAMPLES / "manifest.csv"
    serial = analyze(_inputs(), manifest=manifest, story_workers=1)
    pooled = analyze(_inputs(), manifest=manifest, db=tmp_path / "pooled.db", story_workers=2)
    assert len(serial.stories) >= 2
    assert to_json(pooled) == to_json(serial)
    with Store(tmp_path / "pooled.db") as store:  # what the workers computed is kept for the next run
        assert VectorTable(store).count() > 0


def test_a_store_analysed_by_workers_equals_one_analysed_in_one_process(tmp_path):
    workers = 2
    folder = tmp_path / "examples"
    shutil.copytree(EXAMPLES, folder)
    reports = []
    for name, story_workers in (("serial.db", 1), ("pooled.db", workers)):
        with Store(folder / name) as store:
            result = ingest(_inputs(folder), store, IngestOptions(manifest=folder / "manifest.csv"))
            assert not result.errors
            stats: dict = {}
            reports.append(analyze_store(store, story_workers=story_workers, stats=stats))
            assert stats["recomputed"] == stats["stories"] >= 2
    serial, pooled = reports
    assert [(s.id, [f.id for f in s.facts]) for s in pooled.stories] == \
        [(s.id, [f.id for f in s.facts]) for s in serial.stories]
    assert to_json(pooled) == to_json(serial)
    with Store(folder / "pooled.db") as store:  # the stored reports serve the next run
        stats = {}
        again = analyze_store(store, story_workers=workers, stats=stats)
        assert stats["recomputed"] == 0 and to_json(again) == to_json(serial)

