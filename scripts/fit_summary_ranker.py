"""Fit the digest's sentence ranker on Multi-News and score it on held-out clusters.

Works from the per-cluster pipeline inputs captured once by
``bench/summary.py --capture DIR`` (articles, annotations, comparison and the
reference of each cluster), so each setting costs seconds, not the minutes the
pipeline takes. The ranker learns, on the fitting clusters only, how much of each
candidate sentence the reference summary repeats (ROUGE-1/2 precision of the
sentence against the reference); the digest is then built by the real
``storylens.synthesize.build_summary`` with that ranker and scored on the other
clusters beside LexRank, TextRank and lead computed on the same cleaned texts.

    nice -n 10 .venv/bin/python scripts/fit_summary_ranker.py --cache /tmp/sumcache \\
        --fit 0-124 --heldout 125-249 [--write]

``--write`` stores the fitted model in src/storylens/data/summary_ranker.json.
Reference texts and articles stay in the cache directory; only tree weights are written.
"""

from __future__ import annotations

import argparse
import dataclasses
import functools
import json
import pickle
import statistics
import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from storylens.synthesize import (  # noqa: E402
    FEATURES,
    RANKER_FILE,
    Ranker,
    SynthSettings,
    build_summary,
    candidate_features,
    collect_candidates,
)

SETTING_NAMES = {f.name for f in dataclasses.fields(SynthSettings)} - {"embed"}


def parse_range(text: str) -> list[int]:
    out: list[int] = []
    for part in text.split(","):
        low, _, high = part.partition("-")
        out.extend(range(int(low), int(high or low) + 1))
    return out


class EmbeddingCache:
    """MiniLM vectors memoised by sentence text, kept on disk between runs."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.vectors: dict[str, np.ndarray] = pickle.loads(path.read_bytes()) if path.is_file() else {}
        self.dirty = False

    def __call__(self, texts: list[str]) -> np.ndarray:
        missing = [t for t in dict.fromkeys(texts) if t not in self.vectors]
        if missing:
            from storylens.resources import get_embedder

            for text, vector in zip(missing, get_embedder().embed(missing), strict=True):
                self.vectors[text] = vector
            self.dirty = True
        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        return np.stack([self.vectors[t] for t in texts])

    def save(self) -> None:
        if self.dirty:
            self.path.write_bytes(pickle.dumps(self.vectors))
            self.dirty = False


def load_cluster(cache: Path, index: int) -> dict | None:
    path = cache / f"c{index:03d}.pkl"
    if not path.is_file():
        return None
    data = pickle.loads(path.read_bytes())
    return data if data.get("comparison") is not None else None


def _ngrams(tokens: list[str], n: int) -> Counter:
    return Counter(tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1))


def sentence_labels(texts: Sequence[str], reference: str, tokenize) -> np.ndarray:
    """Per sentence: (unigram precision, bigram precision) against the reference."""
    ref = tokenize(reference)
    ref1, ref2 = _ngrams(ref, 1), _ngrams(ref, 2)
    rows = []
    for text in texts:
        tokens = tokenize(text)
        s1, s2 = _ngrams(tokens, 1), _ngrams(tokens, 2)
        p1 = sum((s1 & ref1).values()) / max(1, sum(s1.values()))
        p2 = sum((s2 & ref2).values()) / max(1, sum(s2.values()))
        rows.append((p1, p2))
    return np.array(rows).reshape(-1, 2)


def cluster_rows(data: dict, tokenize, settings: SynthSettings) -> tuple[np.ndarray, np.ndarray]:
    group, articles, annotations = data["group"], data["articles"], data["annotations"]
    facts = data["comparison"].facts
    ids = [a for a in group.article_ids if a in articles]
    candidates = collect_candidates(ids, articles, annotations, facts, settings)
    vectors = settings.embed([c.text for c in candidates])
    features = candidate_features(candidates, vectors, articles, annotations, {f.id: f for f in facts}, settings)
    labels = sentence_labels([c.text for c in candidates], data["reference"], tokenize)
    return features, labels


def digest(data: dict, ranker, settings: SynthSettings) -> list:
    group, articles, annotations = data["group"], data["articles"], data["annotations"]
    ids = [a for a in group.article_ids if a in articles]
    facts = tuple(sorted(data["comparison"].facts, key=lambda f: (-f.importance, f.id)))
    budget = len(data["reference"].split())
    return list(build_summary(ids, articles, annotations, facts, budget, ranker=ranker, settings=settings))


def baseline_scores(data: dict, scorer, cache: dict) -> dict[str, tuple[float, float, float]]:
    """LexRank, TextRank and lead on the cluster's cleaned texts (memoised)."""
    key = data["index"]
    if key not in cache:
        from sumy.summarizers.lex_rank import LexRankSummarizer
        from sumy.summarizers.text_rank import TextRankSummarizer

        import summary as bench

        budget = len(data["reference"].split())
        texts = data["texts"]
        outputs = {
            "lexrank": bench.sumy_summary(LexRankSummarizer, texts, budget),
            "textrank": bench.sumy_summary(TextRankSummarizer, texts, budget),
            "lead": bench.lead_summary(texts, budget),
        }
        cache[key] = {name: _rouge(scorer, data["reference"], text) for name, text in outputs.items()}
    return cache[key]


def _rouge(scorer, reference: str, text: str) -> tuple[float, float, float]:
    result = scorer.score(reference, text)
    return tuple(100 * result[m].fmeasure for m in ("rouge1", "rouge2", "rougeL"))


def target_of(labels: np.ndarray, kind: str) -> np.ndarray:
    if kind == "p1":
        return labels[:, 0]
    if kind == "p2":
        return labels[:, 1]
    if kind == "p1+p2":
        return labels[:, 0] + labels[:, 1]
    return labels[:, 0] + 2 * labels[:, 1]


def fit(features: np.ndarray, target: np.ndarray, kind: str, trees: int, depth: int, rate: float) -> dict:
    """A model dict in the JSON format ``synthesize.Ranker.from_json`` reads."""
    if kind == "linear":
        from sklearn.linear_model import Ridge

        scale = features.std(axis=0) + 1e-9
        model = Ridge(alpha=1.0).fit(features / scale, target)
        return {"kind": "linear", "features": list(FEATURES), "base": float(model.intercept_),
                "coef": [float(c) for c in model.coef_ / scale]}
    from sklearn.ensemble import GradientBoostingRegressor

    model = GradientBoostingRegressor(
        n_estimators=trees, max_depth=depth, learning_rate=rate, subsample=0.8,
        min_samples_leaf=40, random_state=0,
    ).fit(features, target)
    exported = []
    for (estimator,) in model.estimators_:
        tree = estimator.tree_
        exported.append({
            "feature": [int(f) for f in tree.feature],
            "threshold": [round(float(t), 6) for t in tree.threshold],
            "left": [int(c) for c in tree.children_left],
            "right": [int(c) for c in tree.children_right],
            "value": [round(float(v), 6) for v in tree.value[:, 0, 0]],
        })
    base = float(model.init_.constant_[0][0]) if hasattr(model.init_, "constant_") else float(np.mean(target))
    return {"kind": "gbt", "features": list(FEATURES), "base": base, "learning_rate": rate, "trees": exported}


def evaluate(
    clusters: list[dict], ranker, scorer, baseline_cache: dict, settings: SynthSettings
) -> dict[str, list[tuple]]:
    results: dict[str, list[tuple]] = {"storylens": [], "lexrank": [], "textrank": [], "lead": []}
    sentences = cited = 0
    for data in clusters:
        summary = digest(data, ranker, settings)
        by_id = data["articles"]
        for s in summary:
            sentences += 1
            first = s.citations[0] if s.citations else None
            if first and (s.template or by_id[first.article_id].text[first.start : first.end] == s.text):
                cited += 1
        results["storylens"].append(_rouge(scorer, data["reference"], " ".join(s.text for s in summary)))
        for name, value in baseline_scores(data, scorer, baseline_cache).items():
            results[name].append(value)
    results["cited"] = [(cited, sentences)]
    return results


def table(title: str, results: dict[str, list[tuple]]) -> None:
    n = len(results["storylens"])
    cited, sentences = results["cited"][0]
    print(f"\n{title} ({n} clusters)")
    print(f"{'system':<12} {'ROUGE-1':>8} {'ROUGE-2':>8} {'ROUGE-L':>8}")
    for name in ("storylens", "lexrank", "textrank", "lead"):
        means = [statistics.mean(r[k] for r in results[name]) for k in range(3)]
        print(f"{name:<12} {means[0]:8.2f} {means[1]:8.2f} {means[2]:8.2f}")
    lex = [statistics.mean(r[k] for r in results["lexrank"]) for k in range(2)]
    own = [statistics.mean(r[k] for r in results["storylens"]) for k in range(2)]
    print(f"storylens - lexrank: ROUGE-1 {own[0] - lex[0]:+.2f}, ROUGE-2 {own[1] - lex[1]:+.2f}; "
          f"cited {cited}/{sentences} ({100 * cited / max(1, sentences):.1f}%)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cache", type=Path, default=Path("/tmp/sumcache"))
    parser.add_argument("--fit", default="0-124")
    parser.add_argument("--heldout", default="125-249")
    parser.add_argument("--model", default="gbt", choices=["gbt", "linear", "hand", "shipped"])
    parser.add_argument("--target", default="p1+2p2", choices=["p1", "p2", "p1+p2", "p1+2p2"])
    parser.add_argument("--trees", type=int, default=150)
    parser.add_argument("--depth", type=int, default=3)
    parser.add_argument("--rate", type=float, default=0.05)
    parser.add_argument("--cv", type=int, default=0, help="k-fold cross-validation on the fitting clusters only")
    parser.add_argument("--set", action="append", default=[], metavar="NAME=VALUE",
                        help="override a field of storylens.synthesize.SynthSettings, e.g. mmr_redundancy=0.3")
    parser.add_argument("--sweep", default="", help="settings to compare by cross-validation, separated by ';', "
                        "each a space-separated list of NAME=VALUE (SynthSettings fields or model/target/trees/depth/rate)")
    parser.add_argument("--write", action="store_true", help=f"store the model in {RANKER_FILE}")
    args = parser.parse_args()

    from rouge_score import rouge_scorer

    scorer = rouge_scorer.RougeScorer(["rouge1", "rouge2", "rougeL"], use_stemmer=True)
    stemmer = scorer._tokenizer._stemmer
    stemmer.stem = functools.lru_cache(maxsize=None)(stemmer.stem)  # same stems, each word once
    tokenize = scorer._tokenizer.tokenize
    embeddings = EmbeddingCache(args.cache / "embeddings.pkl")
    base = SynthSettings(embed=embeddings)  # memoised MiniLM: same vectors, computed once
    current = base
    baseline_path = args.cache / "baselines.pkl"
    baseline_cache = pickle.loads(baseline_path.read_bytes()) if baseline_path.is_file() else {}

    fit_clusters = [d for i in parse_range(args.fit) if (d := load_cluster(args.cache, i))]
    held_clusters = [d for i in parse_range(args.heldout) if (d := load_cluster(args.cache, i))] if args.heldout else []
    print(f"fitting clusters: {len(fit_clusters)} ({args.fit}); held out: {len(held_clusters)} ({args.heldout})")
    rows = {d["index"]: cluster_rows(d, tokenize, base) for d in fit_clusters}
    embeddings.save()

    def apply(settings: Sequence[str]) -> None:
        nonlocal current
        for setting in settings:
            name, _, value = setting.partition("=")
            if name in ("model", "target"):
                setattr(args, name, value)
            elif name in ("trees", "depth"):
                setattr(args, name, int(value))
            elif name == "rate":
                args.rate = float(value)
            elif name.lower() in SETTING_NAMES:  # the old constant names (MMR_REDUNDANCY) still work
                kind = type(getattr(current, name.lower()))
                current = dataclasses.replace(current, **{name.lower(): value if kind is str else kind(float(value))})
            else:
                parser.error(f"unknown setting {name}")

    def model_for(indices: Sequence[int]):
        if args.model == "hand":
            return False
        if args.model == "shipped":
            return True
        features = np.vstack([rows[i][0] for i in indices])
        target = np.concatenate([target_of(rows[i][1], args.target) for i in indices])
        return fit(features, target, args.model, args.trees, args.depth, args.rate)

    def cross_validate(title: str) -> None:
        folds = [fit_clusters[k :: args.cv] for k in range(args.cv)]
        merged: dict[str, list] = {}
        for k, fold in enumerate(folds):
            train = [d["index"] for j, f in enumerate(folds) if j != k for d in f]
            spec = model_for(train)
            ranker = Ranker.from_json(spec) if isinstance(spec, dict) else spec
            part = evaluate(fold, ranker, scorer, baseline_cache, current)
            for name, values in part.items():
                merged.setdefault(name, []).extend(values)
        merged["cited"] = [tuple(map(sum, zip(*merged["cited"], strict=True)))]
        table(title, merged)

    apply(args.set)
    if args.sweep:
        args.cv = args.cv or 5
        defaults = dict(vars(args)), current
        for config in args.sweep.split(";"):
            vars(args).update(defaults[0])
            current = defaults[1]
            apply(args.set + config.split())
            cross_validate(f"{args.cv}-fold cross-validation, {' '.join(args.set + config.split()) or 'defaults'}")
        embeddings.save()
        baseline_path.write_bytes(pickle.dumps(baseline_cache))
        return 0
    if args.cv:
        cross_validate(f"{args.cv}-fold cross-validation on the fitting clusters")

    spec = model_for([d["index"] for d in fit_clusters])
    ranker = Ranker.from_json(spec) if isinstance(spec, dict) else spec
    if not args.cv:
        table("fitting clusters (in-sample)", evaluate(fit_clusters, ranker, scorer, baseline_cache, current))
    if held_clusters:
        table("HELD-OUT clusters", evaluate(held_clusters, ranker, scorer, baseline_cache, current))
    embeddings.save()
    baseline_path.write_bytes(pickle.dumps(baseline_cache))
    if args.write and isinstance(spec, dict):
        spec["fitted_on"] = f"Multi-News validation clusters {args.fit} (target {args.target})"
        RANKER_FILE.write_text(json.dumps(spec, separators=(",", ":")) + "\n", encoding="utf-8")
        print(f"wrote {RANKER_FILE} ({RANKER_FILE.stat().st_size} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
