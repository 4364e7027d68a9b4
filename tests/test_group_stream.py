"""Grouping on a stream: two strikes of one kind five weeks apart stay two stories, one
strike reported over three days stays one, and without publication dates the day gap
costs nothing (fictional fixtures: tests/fixtures/group/stream.json)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np
import pytest

from storylens.annotate import annotate_articles
from storylens.group import (
    FEATURES,
    NEWS_CYCLE_DAYS,
    build_profiles,
    candidate_pairs,
    days_apart,
    group_articles,
    pair_features,
)
from storylens.records import Article
from storylens.store import Store

RAW = json.loads((Path(__file__).parent / "fixtures" / "group" / "stream.json").read_text(encoding="utf-8"))


def make_article(item: dict, published: str | None = "as given") -> Article:
    return Article(
        id=hashlib.sha256(item["key"].encode()).hexdigest()[:16],
        source=item["key"] + ".txt",
        outlet=item["outlet"],
        title=item["title"],
        published=item["published"] if published == "as given" else published,
        text=item["text"],
    )


ARTICLES = [make_article(item) for item in RAW]
EVENT = {a.id: item["event"] for a, item in zip(ARTICLES, RAW, strict=True)}
KEY = {a.id: item["key"] for a, item in zip(ARTICLES, RAW, strict=True)}


@pytest.fixture(scope="module")
def store():
    with Store(":memory:") as s:
        yield s


@pytest.fixture(scope="module")
def annotations(store):
    return annotate_articles(ARTICLES, store=store)


def test_two_strikes_weeks_apart_are_two_stories_and_one_strike_over_three_days_is_one(annotations, store):
    groups = group_articles(ARTICLES, annotations, store=store)
    found = {frozenset(KEY[a] for a in g.article_ids) for g in groups}
    assert found == {
        frozenset({"strike-1a", "strike-1b", "strike-1c"}),  # 4 to 6 February: one strike
        frozenset({"strike-2a", "strike-2b"}),  # 11 and 12 March: the next one
    }


def test_the_day_gap_is_what_parts_them(annotations, store):
    """The texts are near copies: across the two strikes, days_apart is the feature that
    is large, and inside one strike (three days: one news cycle) it is 0."""
    profiles = build_profiles(ARTICLES, annotations, store=store)
    pairs = candidate_pairs(profiles)
    gaps = pair_features(profiles, pairs)[:, FEATURES.index("days_apart")]
    event = [EVENT[a] for a in profiles.ids]
    same = np.array([event[i] == event[j] for i, j in pairs.tolist()])
    assert same.any() and (~same).any()
    assert np.all(gaps[same] == 0)
    assert np.all(gaps[~same] >= (34 - 7 - NEWS_CYCLE_DAYS) / 7)  # five weeks apart, at most 7 days named before


def test_without_dates_the_day_gap_is_zero_and_grouping_runs(store):
    undated = [make_article(item, published=None) for item in RAW]
    notes = annotate_articles(undated, store=store)
    profiles = build_profiles(undated, notes, store=store)
    pairs = candidate_pairs(profiles)
    assert len(pairs) and np.all(days_apart(profiles, pairs) == 0)
    groups = group_articles(undated, notes, store=store)
    assert sorted(a for g in groups for a in g.article_ids) == sorted(a.id for a in undated)
    # one dated article, the rest undated: no pair has two dates, so nothing is penalised
    mixed = [ARTICLES[0], *undated[1:]]
    profiles = build_profiles(mixed, annotate_articles(mixed, store=store), store=store)
    assert np.all(days_apart(profiles, candidate_pairs(profiles)) == 0)


def test_a_later_report_naming_the_day_of_the_event_is_not_kept_apart(store):
    """Published two weeks after the first strike but naming its day (4 February): the
    gap is counted from the day it names, not from its publication."""
    first = ARTICLES[0]
    follow_up = make_article(RAW[1]).model_copy(update={
        "id": "f" * 16,
        "published": "2025-02-18T10:00:00+00:00",
        "text": "The Drivers' Guild said on Monday it would ballot members again after the strike on "
        "February 4 halted Harrowgate Rail services across the Tarrow valley.\n"
        + RAW[1]["text"].split("\n", 1)[1],
    })
    unnamed = follow_up.model_copy(update={"id": "e" * 16, "text": RAW[1]["text"]})
    articles = [first, follow_up, unnamed]
    notes = annotate_articles(articles, store=store)
    profiles = build_profiles(articles, notes, store=store)
    index = {a: i for i, a in enumerate(profiles.ids)}
    pairs = np.array([sorted((index[first.id], index[other.id])) for other in (follow_up, unnamed)])
    named, not_named = days_apart(profiles, pairs).tolist()
    assert named == 0  # it names 4 February
    assert not_named == pytest.approx((14 - NEWS_CYCLE_DAYS) / 7)  # only its publication day
