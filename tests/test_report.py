"""Report writers: JSON + schema, Markdown, offline HTML, CSV/Parquet tables."""

from __future__ import annotations

import csv
import json
import re
from functools import lru_cache
from pathlib import Path

import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from storylens.errors import UsageError
from storylens.records import Citation, Report
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
        assert re.search(rf'<h3 id="s-[\w-]+">{section}</h3>', page), section
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


def test_html_contents_bar_links_every_section_and_the_articles(report):
    page = to_html(report)
    bar = re.search(r'<nav class="toc"[^>]*>(.*?)</nav>', page).group(1)
    targets = re.findall(r'href="#([^"]+)"', bar)
    assert len(targets) == 7 and targets[-1] == "articles"
    assert all(f'id="{t}"' in page for t in targets)


def test_article_urls_are_links_only_for_the_web():
    from storylens.report.html import external_link

    link = external_link("https://example.org/a?b=1&c=2")
    assert link.startswith('<a href="https://example.org/a?b=1&amp;c=2" rel="noopener noreferrer"')
    for hostile in ("javascript:alert(1)", "file:///etc/passwd", "data:text/html,x", "//evil.example/x"):
        assert "<a" not in external_link(hostile), hostile


def test_lang_and_direction_attributes():
    from storylens.report.html import lang_attrs

    assert lang_attrs("ar") == ' lang="ar" dir="rtl"' and lang_attrs("fa-IR") == ' lang="fa" dir="rtl"'
    assert lang_attrs("zh") == ' lang="zh"' and lang_attrs(None) == "" and lang_attrs('"><x') == ""


def _with_outlets(report: Report, views) -> Report:
    story = report.stories[0].model_copy(update={"outlets": tuple(views)})
    return report.model_copy(update={"stories": (story,)})


def test_outlet_lists_show_everything_and_omissions_only_when_they_mean_something(report):
    from storylens.records import OutletView

    facts = report.stories[0].facts
    many = tuple(f.id for f in facts) * 3  # more than the shown dozen
    page = to_html(_with_outlets(report, [OutletView(outlet="north-gazette", exclusive_fact_ids=many),
                                          OutletView(outlet="river-times")]))
    shown = len(many)
    assert f"Only here ({shown})" in page
    assert f"<summary>{shown - 12} more</summary>" in page
    assert "0 left out" not in page and "Leaves out" not in page and "With 2 outlets no fact can be left out" in page
    page = to_html(_with_outlets(report, [OutletView(outlet=o, omitted_fact_ids=(facts[0].id,) if o == "a" else ())
                                          for o in ("a", "b", "c")]))
    assert "1 left out" in page and "0 left out" in page and "An outlet leaves out a fact when" in page


def test_outlets_named_after_file_names_are_marked(report):
    page = to_html(report)  # the fixture's articles are named by file: north-gazette.txt -> north-gazette
    assert "from file name" in page and "are file names: no outlet was given" in page
    named = report.model_copy(update={"articles": tuple(
        a.model_copy(update={"outlet": "North Gazette"}) for a in report.articles)})
    assert "from file name" not in to_html(named)


def test_disputed_evidence_says_who_claims_and_who_denies():
    from storylens.records import Claim, ClaimAttribution, Conflict, Fact
    from storylens.report.html import _Page

    claims = (
        Claim(id="c1", article_id="a", start=0, end=5, text="x", attribution=ClaimAttribution(speaker="Union", cue="said")),
        Claim(id="c2", article_id="a", start=6, end=9, text="y",
              attribution=ClaimAttribution(speaker="Police", cue="denied", polarity="denies")),
    )
    fact = Fact(id="f", text="x", status="disputed", outlets=("Wire",), independent_outlets=1, claims=claims,
                conflicts=(Conflict(kind="denial", detail="Police denied it",
                                    claims=tuple(Citation(article_id="a", start=c.start, end=c.end) for c in claims)),))
    html = _Page(Report()).fact_item(fact)
    chips = re.findall(r'class="role-(\w+)"[^>]*>([^<]+)</a>', html)
    assert chips == [("claim", "a · claim by Union"), ("denial", "a · denial by Police")]


def test_hide_paths_cuts_local_paths_to_file_names(report):
    from storylens.records import InputError
    from storylens.report import hide_paths

    local = report.model_copy(update={
        "articles": tuple(a.model_copy(update={"source": f"/home/ana/leaks/{a.source}"}) for a in report.articles),
        "errors": (InputError(source="/home/ana/leaks/bad.bin", message="unreadable sidecar /home/ana/leaks/bad.meta.json"),),
    })
    hidden = hide_paths(local)
    for render in (to_json, to_markdown, to_html):
        assert "/home/ana" not in render(hidden) and "/home/ana" in render(local)
    assert hidden.errors[0].source == "bad.bin" and "bad.meta.json" in hidden.errors[0].message


def test_map_labels_never_overlap_and_unlabelled_markers_are_reported():
    from storylens.records import PlaceSummary
    from storylens.report.mapsvg import CHAR_WIDTH, LABEL_SIZES

    crowd = [PlaceSummary(name=f"Town {n}", lat=34.5 + 0.05 * n, lon=69.1 + 0.05 * n, country="AF", mentions=1)
             for n in range(8)]
    view = render_map(crowd, links={p.name: f"#p-{n}" for n, p in enumerate(crowd)})
    sizes = dict(LABEL_SIZES)
    for cls, size in sizes.items():
        boxes = [
            (float(x), float(y) - 0.95 * size, float(x) + CHAR_WIDTH * size * len(t), float(y) + 0.3 * size)
            for x, y, t in re.findall(rf'<text class="place-label {cls}" x="([\d.-]+)" y="([\d.-]+)"[^>]*>([^<]+)<', view.svg)
        ]
        assert boxes
        for i, a in enumerate(boxes):
            assert all(a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1] for b in boxes[i + 1:])
    assert view.unlabelled_narrow  # eight towns in a few kilometres: some go without a label on a phone
    assert view.svg.count("<a href=") == 8


def test_json_report_holds_exactly_the_records_whatever_the_characters():
    """to_json is pydantic's encoder (issue 16: an eighth of json.dumps's time on a 195 MB report):
    what it writes reads back as the records' own dict, odd characters and numbers included."""
    from storylens.records import Article as ArticleRecord

    text = 'Zürich — “quoted” \\ back\tslash \u2028 line\x00 nul 😀 ½ \ud7ff end "x"'
    odd = ArticleRecord(id="odd", source="odd.txt", outlet="Ōutlet", text=text, title="Tïtle\n2")
    for source in sorted(GOLDEN.glob("*.json")):
        report = Report.model_validate_json(source.read_text(encoding="utf-8"))
        report = report.model_copy(update={"articles": (*report.articles, odd)})
        assert json.loads(to_json(report)) == report.to_dict()
        assert Report.model_validate_json(to_json(report)) == report


@settings(max_examples=25, deadline=None)
@given(data=st.data())
def test_a_report_spliced_from_its_stories_reports_is_the_same_text(data):
    """splice_reports finds the seams of to_json's text without parsing it: the golden report cut
    into one-story reports, in any order, and spliced back (articles in the report's order) is the
    text to_json writes for the stories in that order."""
    from storylens.report import splice_reports

    report = _golden_examples()
    stories = data.draw(st.permutations(report.stories))
    parts = []
    for story in stories:
        members = tuple(a for a in report.articles if a.id in story.article_ids)
        parts.append(to_json(Report(articles=members, stories=(story,))))
    articles = data.draw(st.permutations(report.articles))
    spliced = splice_reports(parts, [a.id for a in articles], Report(language_notices=report.language_notices))
    assert "".join(spliced) == to_json(Report(articles=tuple(articles), stories=tuple(stories),
                                              language_notices=report.language_notices))
    assert "".join(splice_reports([], [])) == to_json(Report())


@lru_cache(maxsize=1)
def _golden_examples() -> Report:
    from storylens.report import read_report

    report = read_report(GOLDEN / "examples.json")
    assert len(report.stories) >= 2
    return report
