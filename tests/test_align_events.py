"""Claims of articles about different events of one kind (a story mixing two
arrests, two fires) are kept apart; a one-event story is unaffected."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from align_helpers import annotate_by_hand, article, flood_story
from storylens import align
from storylens.align import PairScorer, extract_claims
from storylens.group import EVENT_MIN_ARTICLES, sub_events


def _flood_claims():
    articles, annotations = flood_story()
    index = align.EntityIndex.build(annotations.values())
    claims = [c for a in articles for c in extract_claims(a, annotations[a.id], index)]
    return articles, claims


def _prob(articles, claims, events):
    vectors = np.eye(len(claims), 8, dtype=np.float32)
    scorer = PairScorer(claims, {a.id: a for a in articles}, vectors, events=events)
    return scorer.prob(np.arange(len(claims)))


def test_claims_of_different_events_score_lower_by_the_penalty_and_others_unchanged():
    articles, claims = _flood_claims()
    first = articles[0].id
    events = {a.id: (0 if a.id == first else 1) for a in articles}
    plain = _prob(articles, claims, None)
    split = _prob(articles, claims, events)
    crosses = np.array([[(x.article_id == first) != (y.article_id == first) for y in claims] for x in claims])
    assert crosses.any()
    assert np.allclose(split[~crosses], plain[~crosses], atol=1e-6)
    logit = lambda p: np.log(p / (1 - p))  # noqa: E731
    off = crosses & (plain < 0.999) & (plain > 0.001)
    assert np.allclose(logit(plain[off]) - logit(split[off]), align.AlignSettings().other_event_penalty, atol=1e-3)


@settings(max_examples=25, deadline=None)
@given(st.lists(st.sampled_from([None, 0, 1, 2]), min_size=4, max_size=4))
def test_event_labels_never_raise_a_pair_and_one_shared_label_changes_nothing(labels):
    articles, claims = _flood_claims()
    plain = _prob(articles, claims, None)
    events = {a.id: label for a, label in zip(articles, labels, strict=False) if label is not None}
    labelled = _prob(articles, claims, events)
    assert (labelled <= plain + 1e-6).all()
    same = _prob(articles, claims, dict.fromkeys((a.id for a in articles), 7))
    assert np.allclose(same, plain, atol=1e-6)


FIRE = (
    "DUNMORE, March 4, 2019 - A fire destroyed the Keld Logistics warehouse in Dunmore on Monday night, "
    "fire chief Ola Brenn said. {extra}\nNobody was hurt in the Dunmore blaze, which burned for six hours."
)
OTHER_FIRE = (
    "PORT ELLIS, July 9, 2023 - Flames gutted a Varn Foods warehouse in Port Ellis on Sunday, "
    "and two workers were taken to hospital, police spokesman Emil Roos said. {extra}\n"
    "Investigators in Port Ellis are looking at a faulty freezer unit."
)


def _two_fire_story():
    extras = ("Crews from three towns fought the flames.", "The warehouse held paper goods.", "Smoke was seen for miles.")
    texts = [FIRE.format(extra=e) for e in extras] + [OTHER_FIRE.format(extra=e) for e in extras]
    articles = [article(f"outlet-{k}", text, outlet=f"Outlet {k}") for k, text in enumerate(texts)]
    names = (
        ("Dunmore", "GPE", "Dunmore"), ("Keld Logistics", "ORG", "Keld Logistics"), ("Ola Brenn", "PERSON", "Ola Brenn"),
        ("Port Ellis", "GPE", "Port Ellis"), ("Varn Foods", "ORG", "Varn Foods"), ("Emil Roos", "PERSON", "Emil Roos"),
    )
    annotations = {
        a.id: annotate_by_hand(a.text, entities=tuple(n for n in names if n[0] in a.text)) for a in articles
    }
    return articles, annotations


def test_grouping_tells_two_events_of_one_kind_apart_in_a_story():
    articles, annotations = _two_fire_story()
    events = sub_events(articles, annotations)
    assert events is not None
    first = {events[a.id] for a in articles[:3]}
    second = {events[a.id] for a in articles[3:]}
    assert len(first) == 1 and len(second) == 1 and first != second


def test_a_small_or_one_event_story_has_no_event_split():
    articles, annotations = _two_fire_story()
    assert sub_events(articles[:EVENT_MIN_ARTICLES + 1], annotations) is None
    fire = articles[:3]
    extra = [article(f"more-{k}", FIRE.format(extra=f"Update {k}: the site is closed."), outlet=f"More {k}") for k in range(3)]
    anns = {**annotations, **{a.id: annotate_by_hand(a.text) for a in extra}}
    assert sub_events(fire + extra, anns) is None
