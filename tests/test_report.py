"""Report writers: JSON + schema, Markdown, offline HTML, CSV/Parquet tables."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import jsonschema
import pytest

from storylens.errors import UsageError
from storylens.records import Report
from storylens.report import (
    export_tables,
    to_html,
    to_json,
    to_markdown,
    validate_report_dict,
    write_report,
)
from storylens.report.jsonio import SCHEMA_PATH, schema_text
from storylens.report.mapsvg import render_map
from synth_fixture import build_report

GOLDEN = Path(__file__).parent / "golden"


@pytest.fixture(scope="module")
def report() -> Report:
    return build_report(120)


def test_committed_schema_matches_the_models():
    assert SCHEMA_PATH.read_text(encoding="utf-8") == schema_text(), (
        "records changed: run scripts/regen_golden.py --schema"
    )


def test_json_report_follows_spec_and_validates(report):
    data = json.loads(to_json(report))
    validate_report_dict(data)
    assert data["schema"] == "storylens.report/1"
    story = data["stories"][0]
    for key in ("id", "title", "article_ids", "summary", "facts", "timeline", "places", "entities", "quotes", "outlets"):
        assert key in story
    assert {"text", "citations"} <= set(story["summary"][0])
    assert {"article_id", "start", "end"} == set(story["summary"][0]["citations"][0])
    assert Report.model_validate(data) == report  # the JSON round-trips to the same records


def test_schema_rejects_a_broken_report(report):
    data = json.loads(to_json(report))
    data["stories"][0]["facts"][0]["status"] = "probably"
    with pytest.raises(jsonschema.ValidationError):
        validate_report_dict(data)
    data = json.loads(to_json(report))
    del data["stories"][0]["summary"][0]["citations"]
    with pytest.raises(jsonschema.ValidationError):
        validate_report_dict(data)


def test_markdown_has_every_section_and_numbered_sources(report):
    md = to_markdown(report)
    for heading in ("### Summary", "### Facts", "### Timeline", "### Places", "### People and organisations",
                    "### Outlets", "### Sources cited"):
        assert heading in md
    assert "**⚠ Disputed: " in md
    assert "**Conflicting** (2 independent outlets)" in md
    assert "13 May 2031" in md and "19–25 May 2031" in md
    hostile = report.model_copy(
        update={"stories": (report.stories[0].model_copy(update={"title": "<script>x</script> *bold* [l](u)"}),)}
    )
    assert "## \\<script\\>x\\</script\\> \\*bold\\* \\[l\\](u)" in to_markdown(hostile)


def test_html_is_self_contained_and_escapes_article_text(report):
    page = to_html(report)
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page
    assert "Content-Security-Policy" in page and "default-src 'none'" in page
    # no external resource of any kind: only in-page anchors
    assert not re.search(r"""(src|href)\s*=\s*["'](?!#)""", page)
    assert "<link" not in page and "@import" not in page and "url(" not in page
    for section in ("Summary", "Facts", "Timeline", "Map", "People and organisations", "Outlets compared"):
        assert f"<h3>{section}</h3>" in page
    assert "13 May 2031" in page and "<svg" in page and "Velmora" in page


def test_html_citations_link_to_marked_spans(report):
    page = to_html(report)
    targets = set(re.findall(r'href="#(c-[^"]+)"', page))
    marks = set(re.findall(r'<mark id="(c-[^"]+)"', page))
    assert targets and targets <= marks | {t for t in targets if t.startswith("a-")}
    assert not re.search(r"<@\d+@>", page)


def test_map_draws_country_outlines_offline():
    from storylens.records import PlaceSummary

    svg = render_map([PlaceSummary(name="Kabul", lat=34.53, lon=69.17, country="AF", mentions=3)]).svg
    assert svg.startswith("<svg") and "<path" in svg and "Afghanistan" in svg and "Kabul" in svg
    assert render_map([]).svg == ""


@pytest.mark.parametrize("suffix", [".json", ".md", ".html"])
def test_write_report_picks_format_from_suffix(report, tmp_path, suffix):
    path = write_report(report, tmp_path / f"nested/report{suffix}")
    content = path.read_text(encoding="utf-8")
    assert content.startswith({".json": "{", ".md": "# storylens report", ".html": "<!DOCTYPE html>"}[suffix])


def test_write_report_rejects_unknown_suffix(report, tmp_path):
    with pytest.raises(UsageError, match="unknown report format"):
        write_report(report, tmp_path / "report.pdf")


def test_export_tables_csv_and_parquet(report, tmp_path):
    import pyarrow.parquet as pq

    csv_paths = export_tables(report, tmp_path / "csv", "csv")
    names = {p.stem for p in csv_paths}
    assert {"facts", "quotes", "entities", "places", "claims", "timeline", "articles"} == names
    with (tmp_path / "csv" / "facts.csv").open(encoding="utf-8") as handle:
        facts = list(csv.DictReader(handle))
    assert len(facts) == len(report.stories[0].facts)
    assert {"corroborated", "conflicting", "disputed", "single_source"} == {f["status"] for f in facts}
    parquet = export_tables(report, tmp_path / "pq", "parquet")
    places = pq.read_table(tmp_path / "pq" / "places.parquet").to_pylist()
    assert places[0]["name"] == "Velmora" and places[0]["mentions"] == 4
    assert len(parquet) == len(csv_paths)
    with pytest.raises(UsageError):
        export_tables(report, tmp_path, "xlsx")


def test_empty_report_renders_everywhere():
    empty = Report()
    validate_report_dict(json.loads(to_json(empty)))
    assert "<!DOCTYPE html>" in to_html(empty)
    assert "# storylens report" in to_markdown(empty)


@pytest.mark.parametrize("name", sorted(p.stem for p in GOLDEN.glob("*.json")))
def test_golden_reports_are_unchanged(name):
    """The writers' output for fixed reports (our fixture story, our bundled examples).

    A difference means the writers or the records changed: review the diff of
    ``scripts/regen_golden.py``'s output and commit it.
    """
    source = GOLDEN / f"{name}.json"
    report = Report.model_validate_json(source.read_text(encoding="utf-8"))
    hint = "golden files out of date: run scripts/regen_golden.py and review the diff"
    assert to_json(report) + "\n" == source.read_text(encoding="utf-8"), hint
    assert to_markdown(report) == (GOLDEN / f"{name}.md").read_text(encoding="utf-8"), hint
    assert to_html(report) == (GOLDEN / f"{name}.html").read_text(encoding="utf-8"), hint


def test_fixture_story_synthesis_matches_golden():
    """The digest of the fixture story is stable (same input, same settings, same output)."""
    golden = Report.model_validate_json((GOLDEN / "fixture-story.json").read_text(encoding="utf-8"))
    fresh = build_report(120)
    assert [s.text for s in fresh.stories[0].summary] == [s.text for s in golden.stories[0].summary]
    assert fresh.stories[0].timeline == golden.stories[0].timeline


def test_cli_export_writes_tables_from_a_json_report(report, tmp_path):
    from click.testing import CliRunner

    from storylens.cli import cli

    source = write_report(report, tmp_path / "report.json")
    result = CliRunner().invoke(cli, ["export", str(source), "-o", str(tmp_path / "tables"), "--format", "parquet"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "tables" / "facts.parquet").is_file()
    assert "quotes.parquet" in result.output
    bad = tmp_path / "bad.json"
    bad.write_text('{"schema": "something else"}', encoding="utf-8")
    result = CliRunner().invoke(cli, ["export", str(bad), "-o", str(tmp_path / "t2")])
    assert result.exit_code != 0 and "not a storylens report" in result.output
