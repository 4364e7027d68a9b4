"""How far the fact pair judge alone gets on newsfacts dev, before facts are formed (issue 13).

Every pair of claims from different sources in each cluster is scored by the fold model fitted on
the other half (as bench/facts_cv.py), and each claim pair stands for the gold sentence pairs it
overlaps; a sentence pair is linked at threshold t when one of its claim pairs scores >= t. The
figures are eval_facts' same-fact pair P/R/F1 had every judged pair above t become a fact of two:
the ceiling of any grouping of claims into facts with this judge. Also: how many gold pairs any
claim pair covers, and how many the index's candidates do.

    nice -n 5 .venv/bin/python bench/fact_pair_ceiling.py --cache DIR --models DIR

(--cache / --models as bench/facts_cv.py: the analysed clusters and the two fold models; the
models are fitted there when missing.)
"""

from __future__ import annotations

import argparse
import sys
from itertools import combinations
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
sys.path.insert(0, str(ROOT.parent / "shared" / "tools"))
GOLD = ROOT.parent / "shared" / "data" / "newsfacts" / "dev"
THRESHOLDS = (0.2, 0.3, 0.4, 0.45, 0.5, 0.6, 0.7, 0.8)


def cluster_scores(folder: Path, cache: Path, model_file: Path) -> tuple[set, dict, dict]:
    """(gold sentence pairs, best score of each covered sentence pair, the same over candidates)."""
    import fit_fact_model as fit

    from storylens.align.propositions import (
        DEFAULT_PROPOSITIONS,
        _eligible,
        candidate_pairs,
        fact_model,
        pair_features,
    )

    articles, claims, scorer, signals = fit.cluster_claims(folder, cache)
    source = scorer.claim_source
    candidates = set(candidate_pairs(scorer.vectors, [c.text for c in claims], source, DEFAULT_PROPOSITIONS,
                                     _eligible(claims, DEFAULT_PROPOSITIONS)))
    pairs = [(i, j) for i, j in combinations(range(len(claims)), 2) if source[i] != source[j]]
    scores = 1.0 / (1.0 + np.exp(-fact_model(model_file).predict(pair_features(scorer, pairs, signals))))
    gold_of, fact_of, junk = fit.claim_gold(folder, articles, claims)
    covered = [sentences - junk for sentences in gold_of]
    spans, _, _ = fit.gold_sentence_spans(folder, articles)
    universe = sorted({sid for found in spans.values() for _, _, sid in found} - junk)
    gold_pairs = {
        (folder.name, x, y) for x, y in combinations(universe, 2)
        if x.split(".")[0] != y.split(".")[0] and fact_of[x] & fact_of[y]
    }
    best: dict = {}
    best_candidate: dict = {}
    for (i, j), p in zip(pairs, scores.tolist(), strict=True):
        for x in covered[i]:
            for y in covered[j]:
                if x.split(".")[0] == y.split(".")[0]:
                    continue
                key = (folder.name, *sorted((x, y)))
                best[key] = max(best.get(key, 0.0), p)
                if (i, j) in candidates:
                    best_candidate[key] = max(best_candidate.get(key, 0.0), p)
    return gold_pairs, best, best_candidate


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cache", type=Path, required=True)
    parser.add_argument("--models", type=Path, required=True)
    args = parser.parse_args()
    import fit_fact_model as fit

    for half in ("odd", "even"):
        if not (args.models / f"fitted-on-{half}.json").exists():
            raise SystemExit(f"{args.models}: no fold models; run bench/facts_cv.py --models {args.models} first")
    gold: set = set()
    every: dict = {}
    indexed: dict = {}
    for half, other in (("odd", "even"), ("even", "odd")):
        for folder in fit.cluster_folders(other, GOLD):
            g, b, c = cluster_scores(folder, args.cache, args.models / f"fitted-on-{half}.json")
            gold |= g
            every.update(b)
            indexed.update(c)
    print(f"gold sentence pairs {len(gold)}; covered by a claim pair {len(gold & every.keys())}; "
          f"by the index's candidates {len(gold & indexed.keys())}")
    print("| pairs | threshold | P | R | F1 | linked |\n|---|---|---|---|---|---|")
    for name, table in (("every cross-source pair", every), ("candidates only", indexed)):
        for t in THRESHOLDS:
            linked = {k for k, v in table.items() if v >= t}
            tp = len(linked & gold)
            p, r = tp / max(1, len(linked)), tp / len(gold)
            print(f"| {name} | {t} | {p:.3f} | {r:.3f} | {2 * p * r / max(1e-9, p + r):.3f} | {len(linked)} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
