"""The pair trees (gradient-boosted, fitted on ECB+ by scripts/fit_align_model.py) score
claim pairs in a story that mixes two events; a one-event story keeps the logistic weights."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from align_helpers import annotate_by_hand, article, flood_story
from storylens import align
from storylens.align import FEATURES, PairScorer, align_claims, extract_claims, pair_model
from storylens.models import TreeModel
from storylens.resources import get_embedder
from test_align_events import FIRE, OTHER_FIRE


def _row(**values: float) -> np.ndarray:
    row = np.zeros((1, len(FEATURES)), dtype=np.float32)
    for name, value in values.items():
        row[0, FEATURES.index(name)] = value
    return row


def test_shipped_trees_load_for_minilm_and_read_evidence_as_evidence():
    trees = pair_model("minilm")
    assert trees is not None and trees.features == FEATURES and len(trees.trees) > 0
    empty = _row(ent_none=1.0, no_evidence=1.0, cos=0.1)
    shared = _row(cos=0.8, lex=0.5, ent_overlap=0.8, num_shared=1.0, date_shared=1.0, doc_ent=0.1, doc_sim=0.05)
    other_event = _row(cos=0.8, lex=0.5, ent_overlap=0.8, num_shared=1.0, date_shared=1.0, doc_ent=-0.2, doc_sim=-0.1)
    p = 1 / (1 + np.exp(-trees.predict(np.vstack([empty, shared, other_event]))))
    assert p[0] < 0.2 < align.AlignSettings().threshold < p[1]  # a log-odds the cut reads as a probability
    assert p[2] < p[1]  # the same words in articles unlike each other (another event) count for less


def test_trees_fitted_on_other_features_are_refused():
    data = {"kind": "gbt", "features": ["cos"], "base": 0.0, "learning_rate": 0.1, "trees": []}
    with pytest.raises(ValueError):
        TreeModel.from_json(data, features=FEATURES)


NAMES = (
    ("Dunmore", "GPE", "Dunmore"), ("Keld Logistics", "ORG", "Keld Logistics"), ("Ola Brenn", "PERSON", "Ola Brenn"),
    ("Port Ellis", "GPE", "Port Ellis"), ("Varn Foods", "ORG", "Varn Foods"), ("Emil Roos", "PERSON", "Emil Roos"),
)


def _two_fires():
    """Two warehouse fires, three outlets each, each outlet adding a sentence of its own."""
    texts = [FIRE.format(extra=e) for e in (
        "Crews from three towns fought the flames.", "The warehouse held paper goods.", "Smoke was seen for miles.",
    )] + [OTHER_FIRE.format(extra=e) for e in (
        "The company said it would rebuild.", "Roads near the docks were closed.", "Firefighters stayed overnight.",
    )]
    articles = [article(f"outlet-{k}", text, outlet=f"Outlet {k}") for k, text in enumerate(texts)]
    annotations = {
        a.id: annotate_by_hand(a.text, entities=tuple(n for n in NAMES if n[0] in a.text)) for a in articles
    }
    return articles, annotations


def _fire_claims():
    articles, annotations = _two_fires()
    index = align.EntityIndex.build(annotations.values())
    claims = [c for a in articles for c in extract_claims(a, annotations[a.id], index)]
    return articles, claims


def test_a_story_of_two_fires_is_scored_by_the_trees_and_keeps_the_fires_apart():
    articles, claims = _fire_claims()
    by_id = {a.id: a for a in articles}
    events = {a.id: (0 if k < 3 else 1) for k, a in enumerate(articles)}
    alignment = align_claims(claims, by_id, embedder=get_embedder(), events=events)
    vectors = align.embed_claims(claims, get_embedder())
    logistic = PairScorer(claims, by_id, vectors, weights=np.array(align.MODEL_WEIGHTS["minilm"][0]),
                          bias=align.MODEL_WEIGHTS["minilm"][1], events=events)
    assert not np.allclose(alignment.prob, logistic.prob(np.arange(len(claims))))
    fire_of = {a.id: k < 3 for k, a in enumerate(articles)}
    for cluster in alignment.clusters:
        assert len({fire_of[claims[i].article_id] for i in cluster}) == 1
    # the same fire's opening sentence, reported by three outlets, is one fact
    opening = [i for i, c in enumerate(claims) if "Keld Logistics warehouse" in c.text]
    assert len(opening) == 3 and len({alignment.cluster_of[i] for i in opening}) == 1


def test_a_one_event_story_aligns_exactly_as_with_the_logistic_weights():
    articles, annotations = flood_story()
    index = align.EntityIndex.build(annotations.values())
    claims = [c for a in articles for c in extract_claims(a, annotations[a.id], index)]
    by_id = {a.id: a for a in articles}
    with_trees = align_claims(claims, by_id, embedder=get_embedder())
    without = align_claims(claims, by_id, embedder=get_embedder(), settings=align.AlignSettings(pair_trees=False))
    assert with_trees.clusters == without.clusters
    assert np.array_equal(with_trees.prob, without.prob)


@settings(max_examples=20, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=10_000), min_size=2, max_size=12, unique=True))
def test_tree_probabilities_are_symmetric_probabilities_on_any_subset(picks):
    articles, claims = _fire_claims()
    events = {a.id: (0 if k < 3 else 1) for k, a in enumerate(articles)}
    vectors = np.random.default_rng(len(picks)).standard_normal((len(claims), 16)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    scorer = PairScorer(claims, {a.id: a for a in articles}, vectors, events=events, trees=pair_model("minilm"))
    idx = np.array(sorted({p % len(claims) for p in picks}))
    prob = scorer.prob(idx)
    assert np.allclose(prob, prob.T)
    assert ((prob >= 0) & (prob <= 1)).all() and np.allclose(np.diag(prob), 1.0)
