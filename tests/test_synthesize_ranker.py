"""The digest's learned sentence ranker: the shipped model, its export, its features."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import numpy as np
import pytest

from storylens.synthesize import (
    FEATURES,
    RANKER_FILE,
    Ranker,
    build_summary,
    candidate_features,
    collect_candidates,
    load_ranker,
)
from synth_fixture import build_annotations, build_articles, build_comparison

ROOT = Path(__file__).resolve().parents[1]


def _fit_script():
    spec = importlib.util.spec_from_file_location("fit_summary_ranker", ROOT / "scripts" / "fit_summary_ranker.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_shipped_ranker_loads_and_matches_the_feature_list():
    assert RANKER_FILE.is_file(), "the fitted ranker ships inside the package"
    data = json.loads(RANKER_FILE.read_text())
    assert tuple(data["features"]) == FEATURES
    assert "fitted_on" in data  # says which clusters it saw, so held-out figures stay honest
    ranker = load_ranker()
    assert ranker is not None
    scores = ranker.predict(np.zeros((3, len(FEATURES))))
    assert scores.shape == (3,) and np.isfinite(scores).all()


def test_exported_trees_predict_exactly_what_sklearn_predicts():
    """The JSON export plus the numpy evaluator reproduce the fitted model."""
    rng = np.random.default_rng(7)
    features = rng.normal(size=(600, len(FEATURES)))
    target = 0.5 * features[:, 0] - np.abs(features[:, 5]) + rng.normal(scale=0.1, size=600)
    spec = _fit_script().fit(features, target, "gbt", trees=20, depth=3, rate=0.1)
    ranker = Ranker.from_json(json.loads(json.dumps(spec)))

    from sklearn.ensemble import GradientBoostingRegressor

    reference = GradientBoostingRegressor(
        n_estimators=20, max_depth=3, learning_rate=0.1, subsample=0.8, min_samples_leaf=40, random_state=0
    ).fit(features, target)
    probe = rng.normal(size=(200, len(FEATURES)))
    assert np.allclose(ranker.predict(probe), reference.predict(probe), atol=1e-4)


def test_ranker_fitted_on_other_features_is_refused():
    with pytest.raises(ValueError, match="other features"):
        Ranker.from_json({"kind": "linear", "features": ["x"], "base": 0.0, "coef": [1.0]})


def test_features_are_finite_and_mark_what_they_should():
    articles = build_articles()
    annotations = build_annotations(articles)
    facts = build_comparison(articles).facts
    candidates = collect_candidates(sorted(articles), articles, annotations, facts)
    vectors = np.random.default_rng(0).normal(size=(len(candidates), 8))
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    features = candidate_features(candidates, vectors, articles, annotations, {f.id: f for f in facts})
    assert features.shape == (len(candidates), len(FEATURES)) and np.isfinite(features).all()
    column = {name: features[:, k] for k, name in enumerate(FEATURES)}
    texts = [c.text for c in candidates]
    quote = texts.index(next(t for t in texts if t.startswith('"We lost everything')))
    assert column["quoted"][quote] == 1.0 and column["first_person"][quote] == 0.0  # "We" is inside the quote
    first = [i for i, c in enumerate(candidates) if c.index == 0]
    assert all(column["is_first"][i] == 1.0 for i in first)
    toll = texts.index(next(t for t in texts if "3,000 residents" in t))
    assert column["numbers"][toll] >= 1


def test_hand_weights_remain_available_as_the_named_baseline():
    articles = build_articles()
    annotations = build_annotations(articles)
    facts = build_comparison(articles).facts
    learned = build_summary(sorted(articles), articles, annotations, facts, 60)
    hand = build_summary(sorted(articles), articles, annotations, facts, 60, ranker=False)
    for summary in (learned, hand):
        assert summary and all(s.citations for s in summary)
