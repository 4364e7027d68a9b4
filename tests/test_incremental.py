"""Incremental analysis of a store (issue 16): new articles cost only the stories they touch."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from storylens.cli import cli
from storylens.ingest import IngestOptions
from storylens.pipeline import analyze_store, analyze_store_json, ingest
from storylens.report import to_json
from storylens.resources import get_embedder
from storylens.store import Store

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
# the dam story's first reports and a lone report of another story; the dam story's last report comes later
EARLY = ["bucharest-observer-2026-03-10.txt", "continental-courier-2026-03-10.txt", "danube-post-2026-03-10.md",
         "coast-fm-news-2026-03-03.txt"]
LATE = "northern-chronicle-2026-03-11.html"


def _ingest(store: Store, folder: Path, names: list[str]) -> None:
    options = IngestOptions(manifest=folder / "manifest.csv")
    result = ingest([str(folder / n) for n in names], store, options)
    assert not result.errors


def _ids(report) -> list[tuple[str, tuple[str, ...]]]:
    return [(s.id, tuple(f.id for f in s.facts)) for s in report.stories]


@pytest.fixture(scope="module")
def stores(tmp_path_factory):
    """A store analysed before LATE arrived and after, and one given everything at once."""
    folder = tmp_path_factory.mktemp("examples")
    for path in EXAMPLES.iterdir():
        shutil.copy(path, folder / path.name)
    early = EARLY
    growing = Store(folder / "growing.db")
    _ingest(growing, folder, early)
    before = analyze_store(growing)
    _ingest(growing, folder, [LATE])
    stats: dict = {}
    embedder = get_embedder()
    encode = embedder.token_states
    stats["encoded"] = encoded = []

    def spy(texts, *args, **kwargs):
        encoded.extend(texts)
        return encode(texts, *args, **kwargs)

    embedder.token_states = spy
    try:
        after = analyze_store(growing, stats=stats)
    finally:
        del embedder.token_states
    whole = Store(folder / "whole.db")
    _ingest(whole, folder, early + [LATE])
    at_once = analyze_store(whole)
    yield before, after, stats, at_once, growing, folder
    growing.close()
    whole.close()


def test_new_article_recomputes_only_the_story_it_joins(stores):
    before, after, stats, *_ = stores
    joined = [s for s in after.stories if any(a.endswith(LATE) for a in
                                               (r.source for r in after.articles if r.id in s.article_ids))]
    assert len(joined) == 1 and len(joined[0].article_ids) > 1  # it joined a story of several reports
    assert stats["recomputed"] == 1 and stats["reused"] == len(after.stories) - 1
    earlier = {s.article_ids: s for s in before.stories}
    left_alone = [s for s in after.stories if s.article_ids in earlier]
    assert len(left_alone) == len(after.stories) - 1
    for story in left_alone:  # a story the new article left alone is the stored one, untouched
        assert story == earlier[story.article_ids]
    grown = joined[0]
    assert grown.id in {s.id for s in before.stories}  # the story kept its id as it grew (group.story_id)
    assert len(after.articles) == len(before.articles) + 1


def test_recomputed_story_reads_its_old_claims_word_pieces_from_the_store(stores):
    """Only the new article's sentences go through the encoder again (issue 16)."""
    _, after, stats, *_ = stores
    late = next(a for a in after.articles if a.source.endswith(LATE))
    assert stats["encoded"], "the new article's claims were not encoded"
    assert all(text in late.text for text in stats["encoded"]), [t for t in stats["encoded"] if t not in late.text]


def test_incremental_equals_from_scratch(stores):
    _, after, _, at_once, growing, _ = stores
    assert _ids(after) == _ids(at_once)  # same story ids, same fact ids
    assert to_json(after) == to_json(at_once)
    assert to_json(analyze_store(growing, rebuild=True)) == to_json(after)


def test_store_json_is_the_json_of_its_records(stores):
    """The store's report spliced from its stored story reports is to_json of the records, byte
    for byte, the story that changed included."""
    _, after, _, _, growing, _ = stores
    spliced = analyze_store_json(growing)
    assert "".join(spliced.pieces) == to_json(after)
    assert (spliced.articles, spliced.stories) == (len(after.articles), len(after.stories))


def test_cli_analyze_without_inputs_reports_the_store(stores, tmp_path):
    *_, folder = stores
    runner = CliRunner()
    db = str(folder / "growing.db")
    result = runner.invoke(cli, ["analyze", "--db", db, "-q", "-o", str(tmp_path / "r.json"), "-o", str(tmp_path / "r2.json")])
    assert result.exit_code == 0, result.output
    with Store(db) as store:
        records = to_json(analyze_store(store))
    assert (tmp_path / "r.json").read_text(encoding="utf-8") == records  # spliced, not read back
    assert (tmp_path / "r2.json").read_text(encoding="utf-8") == records
    markdown = runner.invoke(cli, ["analyze", "--db", db, "-q", "-o", str(tmp_path / "r.md")])
    assert markdown.exit_code == 0 and (tmp_path / "r.md").read_text(encoding="utf-8").startswith("#")
    stdout = runner.invoke(cli, ["analyze", "--db", db, "-q"])
    assert stdout.exit_code == 0 and stdout.output == records + "\n"
    missing = runner.invoke(cli, ["analyze", "--db", str(tmp_path / "none.db"), "-q"])
    assert missing.exit_code == 2 and "no such store" in missing.output
    refused = runner.invoke(cli, ["analyze", "--db", str(folder / "growing.db"), "--one-story", "-q"])
    assert refused.exit_code == 2 and "need INPUTS" in refused.output


def test_regrouping_reads_kept_signals_not_annotations(stores):
    """What grouping reads of each article is kept in the store; a regrouping from it equals a
    grouping from the articles' annotations (so a large store regroups without loading them)."""
    from storylens.annotate import annotate_articles
    from storylens.group import ArticleSignals, article_signals, group_articles
    from storylens.stories import grouping_signals

    *_, growing, _ = stores
    articles = list(growing.articles())
    annotations = annotate_articles(articles, store=growing)
    kept = grouping_signals(articles, growing)
    assert set(kept) == {a.id for a in articles}
    for article in articles:
        signals = kept[article.id]
        assert signals == article_signals(article, annotations[article.id])
        assert ArticleSignals.from_bytes(signals.to_bytes()) == signals
    assert group_articles(articles, kept, store=growing) == group_articles(articles, annotations, store=growing)


def test_a_date_given_on_a_second_ingest_regroups_and_reanalyses(tmp_path):
    """Stored articles ingested again with a date they lacked are grouped again and their stories
    analysed again, so the report equals a store that had the dates from the start; ingesting
    them again unchanged recomputes nothing."""
    folder = tmp_path / "in"
    folder.mkdir()
    names = EARLY[:3]
    for name in names:
        shutil.copy(EXAMPLES / name, folder / name)
    inputs = [str(folder / n) for n in names]
    dated = IngestOptions(published="2026-03-10")
    with Store(tmp_path / "later.db") as later, Store(tmp_path / "fresh.db") as fresh:
        ingest(inputs, later, IngestOptions())
        undated = analyze_store(later)
        assert any(a.published is None for a in undated.articles)
        ingest(inputs, later, dated)
        stats: dict = {}
        after = analyze_store(later, stats=stats)
        assert stats["recomputed"] >= 1
        assert all(a.published for a in after.articles)
        ingest(inputs, fresh, dated)
        assert to_json(after) == to_json(analyze_store(fresh))
        ingest(inputs, later, dated)  # the same again: nothing to redo
        again: dict = {}
        assert to_json(analyze_store(later, stats=again)) == to_json(after)
        assert again["recomputed"] == 0
