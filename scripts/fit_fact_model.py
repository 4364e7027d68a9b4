"""Fit the claim-pair model behind proposition facts (storylens.align.propositions) on newsfacts dev.

Training pairs are what the aligner itself scores: for each newsfacts cluster (real
multi-outlet news, hand-annotated with every proposition >= 2 articles assert), the
claims compare extracts, the candidate pairs the index proposes, and their
FACT_FEATURES (the story's pair signals, word-piece coverage and lead position). A pair is
positive when its two claims overlap gold sentences that mention one gold fact;
furniture and unlocated sentences are negatives. Gradient-boosted trees (log-loss,
fixed seed) are exported as numpy-evaluable JSON to src/storylens/data/fact_pair_model.json.
Only numbers derived from the text are kept (features and tree thresholds), no text.

    nice -n 10 .venv/bin/python scripts/fit_fact_model.py [--cache DIR] [--clusters odd|even|all] \
        [--out PATH] [--write]

``--clusters odd`` fits on every other cluster (sorted by name; the held-out half is
scored with ``bench/facts.py --model PATH --clusters even``): the CV figures in
bench/RESULTS.md. Reads ../shared/data/newsfacts at fit time.
"""

from __future__ import annotations

import argparse
import json
import pickle
import re
import sys
from collections import defaultdict
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "scripts"))
NEWSFACTS = ROOT.parent / "shared" / "data" / "newsfacts" / "dev"
TREES, DEPTH, RATE, MIN_LEAF, SEED = 150, 3, 0.08, 20, 0


def cluster_folders(which: str = "all", gold_dir: Path = NEWSFACTS) -> list[Path]:
    folders = sorted(p for p in gold_dir.iterdir() if (p / "gold.json").exists())
    if which == "odd":
        return folders[0::2]
    if which == "even":
        return folders[1::2]
    return folders


def analysed_cluster(folder: Path, cache: Path | None):
    """(articles, annotations) of a cluster as `analyze --one-story` reads it."""
    if cache is not None:
        path = cache / f"{folder.name}.pkl"
        if path.exists():
            return pickle.loads(path.read_bytes())
    from storylens.annotate import annotate_articles
    from storylens.clean import assign_syndication
    from storylens.ingest import IngestOptions
    from storylens.pipeline import ingest
    from storylens.store import Store

    with Store(":memory:") as store:
        result = ingest(sorted(str(p) for p in folder.glob("a*.txt")), store,
                        IngestOptions(manifest=folder / "manifest.csv"))
        articles = list(store.articles(list(dict.fromkeys(result.article_ids))))
    articles = assign_syndication(articles)
    annotations = annotate_articles(articles)
    if cache is not None:
        cache.mkdir(parents=True, exist_ok=True)
        (cache / f"{folder.name}.pkl").write_bytes(pickle.dumps((articles, annotations)))
    return articles, annotations


def gold_sentence_spans(folder: Path, articles) -> tuple[dict[str, list[tuple[int, int, str]]], dict, set]:
    """article id -> [(start, end, gold sentence id)], gold facts per sentence, junk ids."""
    sys.path.insert(0, str(ROOT.parent / "shared" / "tools"))
    from eval_facts import locate

    gold = json.loads((folder / "gold.json").read_text())
    sentences = dict(re.findall(r"^\[(a\d+\.\d+)\] (.*)$", (folder / "numbered.md").read_text(), re.M))
    fact_of: dict[str, set[int]] = defaultdict(set)
    for k, fact in enumerate(gold.get("facts", [])):
        for sid in fact["mentions"]:
            fact_of[sid].add(k)
    by_file = {Path(a.source or "").stem: a for a in articles}
    spans: dict[str, list[tuple[int, int, str]]] = defaultdict(list)
    for sid, text in sentences.items():
        article = by_file.get(sid.split(".")[0])
        span = locate(article.text, text) if article else None
        if span:
            spans[article.id].append((span[0], span[1], sid))
    return spans, fact_of, set(gold.get("junk", []))


def cluster_pairs(folder: Path, cache: Path | None):
    """Feature rows and labels of one cluster's candidate claim pairs."""
    _, _, x, y = cluster_candidates(folder, cache)
    return x, y


def cluster_claims(folder: Path, cache: Path | None):
    """(articles, their claims, the pair scorer over them, the claims' signals) of one cluster
    analysed as one story, as compare builds them."""
    from storylens.align import EntityIndex, extract_claims
    from storylens.align.propositions import ClaimSignals
    from storylens.align.scoring import PairScorer, embed_claims
    from storylens.compare import analysed_articles
    from storylens.group import one_story

    articles, annotations = analysed_cluster(folder, cache)
    by_id = {a.id: a for a in articles}
    story = analysed_articles(one_story(articles), by_id)
    index = EntityIndex.build([annotations[a.id] for a in story])
    claims = [c for a in story for c in extract_claims(a, annotations[a.id], index)]
    places = {p.name: p for a in story for p in annotations[a.id].places}
    scorer = PairScorer(claims, by_id, embed_claims(claims), places=places)
    return articles, claims, scorer, ClaimSignals(claims, by_id)


def claim_gold(folder: Path, articles, claims) -> tuple[list[set[str]], dict, set]:
    """Each claim's gold sentences (junk included), gold facts per sentence, junk ids."""
    spans, fact_of, junk = gold_sentence_spans(folder, articles)
    sentences = [
        {sid for s, e, sid in spans.get(c.article_id, ()) if s < c.end and c.start < e} for c in claims
    ]
    return sentences, fact_of, junk


def cluster_candidates(folder: Path, cache: Path | None):
    """(claim texts, candidate pairs (i, j), their feature rows, their labels) of one cluster."""
    from storylens.align.propositions import (
        DEFAULT_PROPOSITIONS,
        _eligible,
        candidate_pairs,
        pair_features,
    )

    articles, claims, scorer, signals = cluster_claims(folder, cache)
    texts = [c.text for c in claims]
    pairs = candidate_pairs(
        scorer.vectors, texts, scorer.claim_source, DEFAULT_PROPOSITIONS, _eligible(claims, DEFAULT_PROPOSITIONS)
    )
    x = pair_features(scorer, pairs, signals)
    gold_of, fact_of, junk = claim_gold(folder, articles, claims)
    y = np.array([
        any(fact_of[a] & fact_of[b] for a in gold_of[i] - junk for b in gold_of[j] - junk)
        for i, j in pairs
    ], dtype=bool)
    return texts, pairs, x, y


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cache", type=Path, help="keep annotated clusters here (pickles; scratch)")
    parser.add_argument("--clusters", choices=["all", "odd", "even"], default="all")
    parser.add_argument("--out", type=Path, help="write the model here (default with --write: the shipped file)")
    parser.add_argument("--write", action="store_true", help="store the model in align.propositions.FACT_MODEL_FILE")
    args = parser.parse_args()
    if not NEWSFACTS.exists():
        print(f"skip: {NEWSFACTS} not found")
        return 0
    from fit_align_model import fit_trees

    from storylens.align.propositions import FACT_FEATURES, FACT_MODEL_FILE

    xs, ys = [], []
    for folder in cluster_folders(args.clusters):
        x, y = cluster_pairs(folder, args.cache)
        xs.append(x)
        ys.append(y)
        print(f"{folder.name}: {len(y)} candidate pairs, {int(y.sum())} positive", file=sys.stderr)
    x_all, y_all = np.concatenate(xs), np.concatenate(ys)
    model = fit_trees(x_all, y_all, trees=TREES, depth=DEPTH, rate=RATE, min_leaf=MIN_LEAF, seed=SEED,
                      features=FACT_FEATURES)
    model["trained_on"] = f"newsfacts dev clusters ({args.clusters}), {len(y_all)} candidate pairs"
    print(f"fitted {len(model['trees'])} trees on {len(y_all)} pairs ({int(y_all.sum())} positive)")
    out = args.out or (FACT_MODEL_FILE if args.write else None)
    if out is not None:
        out.write_text(json.dumps(model, separators=(",", ":")) + "\n", encoding="utf-8")
        print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
