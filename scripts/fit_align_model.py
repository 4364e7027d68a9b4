"""Fit the claim-pair trees of storylens.align on the ECB+ development topics.

The pair model scores whether two claims of different articles state the same
thing. Its training pairs are those of ``bench/alignment.py --fit``: claim pairs
over annotated ECB+ sentences in different articles of one topic, positive when
the two sentences mention coreferent events; the features are
``storylens.align.FEATURES`` with the story's embedder (MiniLM by default).
Gradient-boosted trees (log-loss, so the output is a calibrated log-odds the
clustering cut reads as a probability; fixed seed) are exported to
src/storylens/data/align_pair_model.json and evaluated at run time with numpy
by ``storylens.models.TreeModel``.

    nice -n 10 .venv/bin/python scripts/fit_align_model.py --db /tmp/ecb.db [--write]

Held-out figures: ``bench/alignment.py --cv --embedder minilm`` refits these
trees on odd topics and scores the even ones with the full align + compare
(and back). Reads ../shared/data/ecbplus at fit time; only tree weights are written.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "src"))

TREES, DEPTH, RATE, MIN_LEAF, SEED = 200, 3, 0.05, 50, 0


def fit_trees(x: np.ndarray, y: np.ndarray, *, trees: int = TREES, depth: int = DEPTH, rate: float = RATE,
              min_leaf: int = MIN_LEAF, seed: int = SEED, features: tuple[str, ...] | None = None) -> dict:
    """A model dict in the JSON format ``models.TreeModel.from_json`` reads (raw log-odds)."""
    from sklearn.ensemble import GradientBoostingClassifier

    from storylens.align import FEATURES

    FEATURES = features or FEATURES  # noqa: N806 - the fitted model's feature names

    model = GradientBoostingClassifier(
        n_estimators=trees, max_depth=depth, learning_rate=rate, min_samples_leaf=min_leaf, random_state=seed,
    ).fit(x, y)
    exported = []
    for (estimator,) in model.estimators_:
        tree = estimator.tree_
        exported.append({
            "feature": [int(f) for f in tree.feature],
            "threshold": [float(t) for t in tree.threshold],
            "left": [int(c) for c in tree.children_left],
            "right": [int(c) for c in tree.children_right],
            "value": [float(v) for v in tree.value[:, 0, 0]],
        })
    prior = float(np.clip(y.mean(), 1e-6, 1 - 1e-6))
    base = float(np.log(prior / (1 - prior)))  # the log-loss model starts from the prior's log-odds
    out = {"kind": "gbt", "features": list(FEATURES), "base": base, "learning_rate": rate, "trees": exported}
    check = x[: min(len(x), 2000)].astype(np.float32)
    from storylens.models import TreeModel

    ours = TreeModel.from_json(out, features=FEATURES).predict(check)
    if not np.allclose(ours, model.decision_function(check), atol=1e-4):
        raise RuntimeError("exported trees do not reproduce the fitted model")
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", default="/tmp/storylens-bench-ecb.db", help="annotation cache")
    parser.add_argument("--embedder", choices=["minilm", "static"], default="minilm")
    parser.add_argument("--topics", help="comma-separated topic numbers (default: all)")
    parser.add_argument("--write", action="store_true", help="store the model in align.PAIR_MODEL_FILE")
    args = parser.parse_args()

    from alignment import DATA, annotated_sentences, pair_samples, topic_inputs
    from storylens import align
    from storylens.resources import get_embedder, get_static_embedder
    from storylens.store import Store

    if not DATA.exists():
        print(f"skip: {DATA} not found")
        return 0
    embedder = get_embedder() if args.embedder == "minilm" else get_static_embedder()
    gold_sentences = annotated_sentences()
    topics = sorted((p for p in (DATA / "topics").iterdir() if p.is_dir()), key=lambda p: int(p.name))
    if args.topics:
        topics = [t for t in topics if t.name in set(args.topics.split(","))]
    xs: list[np.ndarray] = []
    ys: list[bool] = []
    store = Store(args.db)
    for topic_dir in topics:
        articles, annotations, docs, items = topic_inputs(topic_dir, store, gold_sentences)
        x, y = pair_samples(articles, annotations, docs, items, embedder)
        xs.extend(x)
        ys.extend(y)
        print(f"topic {topic_dir.name}: {len(y)} claim pairs", file=sys.stderr)
    x_all, y_all = np.array(xs, dtype=np.float32), np.array(ys)
    model = fit_trees(x_all, y_all)
    print(f"fitted {len(model['trees'])} trees on {len(y_all)} claim pairs ({int(y_all.sum())} positive)")
    if args.write:
        path = align.PAIR_MODEL_FILE
        data = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
        data[args.embedder] = model
        path.write_text(json.dumps(data, separators=(",", ":")) + "\n", encoding="utf-8")
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
