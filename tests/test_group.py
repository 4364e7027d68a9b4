"""Story grouping on fictional fixtures: same event together, same kind apart,
order-invariant, explainable, and correctable (corrections survive re-runs)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from storylens.annotate import annotate_articles
from storylens.group import group_articles
from storylens.records import Annotation, Article
from storylens.store import Store
from storylens.stories import explain_story, list_stories, merge_stories, split_story

FIXTURES = Path(__file__).parent / "fixtures" / "group" / "articles.json"
RAW = json.loads(FIXTURES.read_text(encoding="utf-8"))


def make_article(item: dict) -> Article:
    return Article(
        id=hashlib.sha256(item["key"].encode()).hexdigest()[:16],
        source=item["key"] + ".txt",
        outlet=item["outlet"],
        title=item["title"],
        published=item["published"],
        text=item["text"],
    )


ARTICLES = [make_article(item) for item in RAW]
EVENT = {make_article(item).id: item["event"] for item in RAW}
BY_KEY = {item["key"]: make_article(item).id for item in RAW}


@pytest.fixture(scope="module")
def cache_store():
    """One in-memory store so embeddings are computed once for the module."""
    with Store(":memory:") as store:
        yield store


@pytest.fixture(scope="module")
def annotations(cache_store) -> dict[str, Annotation]:
    return annotate_articles(ARTICLES, store=cache_store)


def partition(groups) -> set[frozenset[str]]:
    return {frozenset(g.article_ids) for g in groups}


def gold_partition(ids) -> set[frozenset[str]]:
    by_event: dict[str, set[str]] = {}
    for i in ids:
        by_event.setdefault(EVENT[i], set()).add(i)
    return {frozenset(v) for v in by_event.values()}


def test_same_event_together_same_kind_apart(annotations, cache_store):
    groups = group_articles(ARTICLES, annotations, store=cache_store)
    assert partition(groups) == gold_partition(EVENT)
    quake_a = next(g for g in groups if BY_KEY["quake-a1"] in g.article_ids)
    assert BY_KEY["quake-b1"] not in quake_a.article_ids  # a different earthquake


def test_works_without_entities(cache_store):
    """Annotations may be missing or hold only sentences: grouping still works."""
    groups = group_articles(ARTICLES, {}, store=cache_store)
    assert partition(groups) == gold_partition(EVENT)


def test_reasons_explain_each_article(annotations, cache_store):
    groups = group_articles(ARTICLES, annotations, store=cache_store)
    quake_a = next(g for g in groups if BY_KEY["quake-a1"] in g.article_ids)
    assert [r.article_id for r in quake_a.reasons] == list(quake_a.article_ids)
    for reason in quake_a.reasons:
        assert 0.0 < reason.score <= 1.0
        assert reason.shared_terms  # e.g. valdora, corvina
        assert reason.shared_entities
    names = " ".join(n for r in quake_a.reasons for n in r.shared_entities).lower()
    assert "valdora" in names or "carvajal" in names
    assert quake_a.title in {a.title for a in ARTICLES if a.id in quake_a.article_ids}
    # earliest article first, so the story id does not move as later reports join
    published = [next(a for a in ARTICLES if a.id == i).published for i in quake_a.article_ids]
    assert published == sorted(published)


def test_empty_and_degenerate_inputs(cache_store):
    assert group_articles([], {}, store=cache_store) == []
    blank = Article(id="blank", source="blank.txt", outlet="x", text="")
    groups = group_articles([blank, ARTICLES[0]], {}, store=cache_store)
    assert sorted(len(g.article_ids) for g in groups) == [1, 1]


@settings(
    max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(order=st.permutations(range(len(ARTICLES))), drop=st.integers(0, len(ARTICLES)))
def test_input_order_does_not_matter(order, drop, annotations, cache_store):
    """Any order of the same articles (and duplicates given twice) yields the same stories."""
    reference = group_articles(ARTICLES, annotations, store=cache_store)
    shuffled = [ARTICLES[i] for i in order]
    if drop < len(ARTICLES):
        shuffled.append(ARTICLES[drop])  # the same article ingested twice
    assert group_articles(shuffled, annotations, store=cache_store) == reference


def test_merge_and_split_survive_rerun_and_new_ingest(annotations, tmp_path):
    first = ARTICLES[:-1]  # the lone bridge story arrives later
    with Store(tmp_path / "s.db") as store:
        store.upsert_articles(ARTICLES)
        groups = group_articles(first, annotations, store=store)
        store.save_stories(groups)
        story_of = {a: g.id for g in groups for a in g.article_ids}

        merged = merge_stories(store, [story_of[BY_KEY["quake-a1"]], story_of[BY_KEY["court-c1"]]])
        assert {BY_KEY["quake-a2"], BY_KEY["court-c2"]} <= set(merged.article_ids)
        parts = split_story(store, merged.id, [BY_KEY["quake-a3"][:10]])
        assert [len(p.article_ids) for p in parts] == [4, 1]
        assert {s["id"] for s in list_stories(store)} == {g.id for g in store.stories()}
        text = explain_story(store, parts[0].id)
        assert "user correction" in text and "score" in text

        # re-analysis of everything, plus a new article: the corrections still hold
        again = group_articles(ARTICLES, annotations, store=store)
        together = next(g for g in again if BY_KEY["quake-a1"] in g.article_ids)
        assert {BY_KEY["quake-a2"], BY_KEY["court-c1"], BY_KEY["court-c2"]} <= set(
            together.article_ids
        )
        assert BY_KEY["quake-a3"] not in together.article_ids
        alone = next(g for g in again if BY_KEY["quake-a3"] in g.article_ids)
        assert alone.article_ids == (BY_KEY["quake-a3"],)
        assert all(r.corrected for r in together.reasons)
        assert any(BY_KEY["solo-d1"] in g.article_ids for g in again)
        # untouched stories are unaffected
        assert frozenset({BY_KEY["quake-b1"], BY_KEY["quake-b2"]}) in partition(again)

        # a later merge overrides the earlier split
        store.save_stories(again)
        merge_stories(store, [together.id, alone.id])
        final = group_articles(ARTICLES, annotations, store=store)
        assert any({BY_KEY["quake-a3"], BY_KEY["quake-a1"]} <= set(g.article_ids) for g in final)
