"""Gradient-boosted regression trees (or a linear model) read from JSON, evaluated with numpy.

The JSON format is what scripts/fit_summary_ranker.py and scripts/fit_align_model.py
export from scikit-learn: ``{"kind": "gbt", "features": [...], "base", "learning_rate",
"trees": [{"feature", "threshold", "left", "right", "value"}, ...]}`` or
``{"kind": "linear", "features", "base", "coef"}``. Evaluating it needs no scikit-learn
at run time.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np


@dataclass(frozen=True)
class TreeModel:
    """A fitted model over named features: summed tree leaves (or a linear sum) plus a base."""

    features: tuple[str, ...]
    base: float
    learning_rate: float
    trees: tuple[dict[str, np.ndarray], ...] = ()
    coef: np.ndarray | None = None

    def predict(self, features: np.ndarray) -> np.ndarray:
        if self.coef is not None:
            return self.base + features @ self.coef
        out = np.full(len(features), self.base)
        rows = np.arange(len(features))
        for tree in self.trees:
            node = np.zeros(len(features), dtype=int)
            while True:
                leaf = tree["left"][node] < 0
                if leaf.all():
                    break
                go_left = features[rows, np.maximum(tree["feature"][node], 0)] <= tree["threshold"][node]
                step = np.where(go_left, tree["left"][node], tree["right"][node])
                node = np.where(leaf, node, step)
            out += self.learning_rate * tree["value"][node]
        return out

    @classmethod
    def from_json(cls, data: Mapping, features: tuple[str, ...]):
        """The model in ``data``; refused when it was fitted on other features than the caller computes."""
        if tuple(data["features"]) != features:
            raise ValueError("model was fitted on other features; refit it")
        if data.get("kind") == "linear":
            return cls(tuple(data["features"]), float(data["base"]), 1.0, coef=np.array(data["coef"], dtype=float))
        trees = tuple(
            {
                "feature": np.array(t["feature"], dtype=int),
                "threshold": np.array(t["threshold"], dtype=float),
                "left": np.array(t["left"], dtype=int),
                "right": np.array(t["right"], dtype=int),
                "value": np.array(t["value"], dtype=float),
            }
            for t in data["trees"]
        )
        return cls(tuple(data["features"]), float(data["base"]), float(data["learning_rate"]), trees)


def read_model_file(path: Path) -> dict:
    """A shipped model file's JSON; {} when the file is absent (callers fall back to hand weights)."""
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
