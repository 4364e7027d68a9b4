"""Analyst tables: what a spreadsheet opens must not run, and the Parquet keeps the text."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from storylens.report import export_tables
from synth_fixture import build_report

HOSTILE = ["=HYPERLINK(\"http://evil.example\",\"x\")", "+SUM(A1:A2)", "-2+3+cmd|' /C calc'!A0",
           "@SUM(1,2)", "\tTAB=1", "\rCR=1"]


@pytest.fixture(scope="module")
def hostile_report():
    report = build_report(120)
    articles = tuple(a.model_copy(update={"title": HOSTILE[n % len(HOSTILE)], "outlet": HOSTILE[(n + 1) % len(HOSTILE)]})
                     for n, a in enumerate(report.articles))
    story = report.stories[0]
    facts = tuple(f.model_copy(update={"text": HOSTILE[n % len(HOSTILE)]}) for n, f in enumerate(story.facts))
    places = (story.places[0].model_copy(update={"lon": -8.5}), *story.places[1:])
    story = story.model_copy(update={"facts": facts, "places": places})
    return report.model_copy(update={"articles": articles, "stories": (story,)})


def test_csv_cells_that_a_spreadsheet_would_run_are_neutralised(hostile_report, tmp_path: Path) -> None:
    export_tables(hostile_report, tmp_path, "csv")
    cells = []
    for path in tmp_path.glob("*.csv"):
        with path.open(encoding="utf-8", newline="") as handle:
            cells += [cell for row in csv.reader(handle) for cell in row]
    assert cells
    assert not [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r") and c != "-8.5"]
    for text in HOSTILE:  # OWASP: a leading single quote makes the cell text, the rest kept as is
        assert "'" + text in cells
    with (tmp_path / "places.csv").open(encoding="utf-8", newline="") as handle:
        lons = [row["lon"] for row in csv.DictReader(handle)]
    assert "-8.5" in lons  # numbers stay numbers: a negative coordinate is not text


def test_parquet_keeps_the_raw_text(hostile_report, tmp_path: Path) -> None:
    import pyarrow.parquet as pq

    export_tables(hostile_report, tmp_path, "parquet")
    facts = pq.read_table(tmp_path / "facts.parquet").to_pylist()
    assert {f["text"] for f in facts} <= set(HOSTILE) and len({f["text"] for f in facts}) > 1
    titles = {a["title"] for a in pq.read_table(tmp_path / "articles.parquet").to_pylist()}
    assert titles <= set(HOSTILE)
