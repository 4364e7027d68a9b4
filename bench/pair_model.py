"""The sentence-pair cross-encoder (storylens.models.cross_encoder) on held-out pair data.

Figures (the shipped head over the packaged int8 MiniLM, read through ``PairModel``):
  a. MSRP test (news paraphrases; never trained on): accuracy and F1 of ``same``
     (P(same) >= 0.5, and at the best threshold as an oracle).
  b. SNLI test (the model saw SNLI dev only): 3-way accuracy, entailment = same,
     neutral = other, contradiction = contradiction.
  c. newsfacts dev (the product's own measure; never trained on): every pair of non-junk
     sentences of numbered.md in different articles of one cluster, gold = the two
     sentences mention one gold fact (the universe of ../shared/tools/eval_facts.py).
     ROC AUC, best F1 and precision at recall 0.5 of P(same), beside TF-IDF cosine
     (fitted per cluster as eval_facts does). Conflicts: the pairs of sides of each
     gold conflict, and the P(contradiction) they get against same-fact pairs.
  d. Speed: pairs/s, load time, head file size.

    nice -n 10 .venv/bin/python bench/pair_model.py [--symmetric] [--limit N] [--write]

Reads ../shared/data relative to the repository root; says so and skips when absent.
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import sys
import time
from collections import defaultdict
from itertools import combinations
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

from storylens.models.cross_encoder import CONTRADICTION, HEAD_FILE, SAME, PairModel  # noqa: E402


def detok(text: str) -> str:
    text = re.sub(r"\s+([.,;:!?%)'])", r"\1", text.strip())
    return re.sub(r"\s+", " ", text)


def best_f1(scores: np.ndarray, gold: np.ndarray) -> tuple[float, float]:
    """(best F1 over thresholds, the threshold reaching it)."""
    order = np.argsort(-scores, kind="stable")
    hits = np.cumsum(gold[order])
    n = np.arange(1, len(order) + 1)
    precision, recall = hits / n, hits / max(1, gold.sum())
    f1 = np.where(precision + recall > 0, 2 * precision * recall / np.maximum(precision + recall, 1e-12), 0)
    k = int(np.argmax(f1))
    return float(f1[k]), float(scores[order][k])


def precision_at_recall(scores: np.ndarray, gold: np.ndarray, target: float = 0.5) -> float:
    order = np.argsort(-scores, kind="stable")
    hits = np.cumsum(gold[order])
    n = np.arange(1, len(order) + 1)
    ok = hits / max(1, gold.sum()) >= target
    return float((hits / n)[ok].max()) if ok.any() else 0.0


def predict(model: PairModel, pairs, symmetric: bool) -> np.ndarray:
    probs = model.predict(pairs)
    if symmetric:
        probs = (probs + model.predict([(b, a) for a, b in pairs])) / 2
    return probs


def msrp(model: PairModel, symmetric: bool) -> str:
    path = DATA / "pairs" / "msrp" / "msr_paraphrase_test.txt"
    with path.open(encoding="utf-8-sig") as fh:
        rows = list(csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE))[1:]
    pairs = [(r[3], r[4]) for r in rows]
    gold = np.array([r[0] == "1" for r in rows])
    p_same = predict(model, pairs, symmetric)[:, SAME]
    pred = p_same >= 0.5
    tp = float((pred & gold).sum())
    f1 = 2 * tp / max(1.0, pred.sum() + gold.sum())
    oracle, threshold = best_f1(p_same, gold)
    return (f"MSRP test ({len(pairs)} pairs, {gold.mean():.0%} paraphrases): accuracy {(pred == gold).mean():.3f}, "
            f"F1(same) {f1:.3f} at P(same) >= 0.5; best F1 {oracle:.3f} at {threshold:.2f} (oracle)")


def snli(model: PairModel, symmetric: bool) -> str:
    base = DATA / "pairs" / "snli"
    s1 = (base / "s1.test").read_text(encoding="utf-8").splitlines()
    s2 = (base / "s2.test").read_text(encoding="utf-8").splitlines()
    labels = (base / "labels.test").read_text(encoding="utf-8").splitlines()
    mapping = {"entailment": 0, "contradiction": 1, "neutral": 2}
    keep = [i for i, y in enumerate(labels) if y in mapping]
    pairs = [(detok(s1[i]), detok(s2[i])) for i in keep]
    gold = np.array([mapping[labels[i]] for i in keep])
    pred = predict(model, pairs, symmetric).argmax(1)
    per = " ".join(f"{name} {(pred[gold == k] == k).mean():.3f}" for name, k in mapping.items())
    return f"SNLI test ({len(pairs)} pairs): 3-way accuracy {(pred == gold).mean():.3f} (recall: {per})"


def newsfacts_pairs(limit: int = 0):
    """Per cluster: universe pairs with gold and TF-IDF cosine, and gold conflict side pairs."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    pairs, gold, tfidf, conflicts, is_fact_pair = [], [], [], [], []
    folders = sorted(p for p in (DATA / "newsfacts" / "dev").iterdir() if (p / "gold.json").exists())
    for folder in folders[: limit or None]:
        spec = json.loads((folder / "gold.json").read_text(encoding="utf-8"))
        sents = dict(re.findall(r"^\[(a\d+\.\d+)\] (.*)$", (folder / "numbered.md").read_text(encoding="utf-8"), re.M))
        junk = set(spec.get("junk", []))
        fact_of = defaultdict(set)
        for k, fact in enumerate(spec.get("facts", [])):
            for mention in fact["mentions"]:
                fact_of[mention].add(k)
        universe = sorted(s for s in sents if s not in junk)
        vectors = TfidfVectorizer(stop_words="english").fit([sents[s] for s in universe] or ["x"])
        matrix = vectors.transform([sents[s] for s in universe])
        cosine = (matrix @ matrix.T).toarray()
        for i, j in combinations(range(len(universe)), 2):
            x, y = universe[i], universe[j]
            if x.split(".")[0] == y.split(".")[0]:
                continue
            pairs.append((sents[x], sents[y]))
            gold.append(bool(fact_of[x] & fact_of[y]))
            tfidf.append(cosine[i, j])
        for conflict in spec.get("conflicts", []):
            sides = [side["s"] for side in conflict["sides"] if side["s"] in sents]
            for x, y in combinations(sides, 2):
                if x != y:
                    conflicts.append((sents[x], sents[y], conflict.get("kind", "?")))
                    is_fact_pair.append(bool(fact_of[x] & fact_of[y]))
    return pairs, np.array(gold), np.array(tfidf), conflicts, np.array(is_fact_pair), len(folders[: limit or None])


def newsfacts(model: PairModel, symmetric: bool, limit: int) -> tuple[str, np.ndarray, list]:
    from sklearn.metrics import roc_auc_score

    pairs, gold, tfidf, conflicts, conflict_is_fact, clusters = newsfacts_pairs(limit)
    started = time.time()
    probs = predict(model, pairs, symmetric)
    seconds = time.time() - started
    lines = [f"newsfacts dev: {clusters} clusters, {len(pairs)} cross-article pairs of non-junk sentences, "
             f"{int(gold.sum())} same-fact ({seconds:.0f} s to score)"]
    combined = np.sqrt(np.clip(tfidf, 0, 1) * probs[:, SAME])  # not fitted: a geometric mean
    for name, score in (("cross-encoder P(same)", probs[:, SAME]), ("TF-IDF cosine", tfidf),
                        ("sqrt(TF-IDF x P(same))", combined)):
        f1, threshold = best_f1(score, gold)
        lines.append(f"  {name}: ROC AUC {roc_auc_score(gold, score):.3f}, best F1 {f1:.3f} at {threshold:.3f}, "
                     f"precision at recall 0.5 {precision_at_recall(score, gold):.3f}")
    for t in (0.5, 0.7, 0.9):
        pred = probs[:, SAME] >= t
        tp = float((pred & gold).sum())
        lines.append(f"  P(same) >= {t}: precision {tp / max(1, pred.sum()):.3f} recall {tp / max(1, gold.sum()):.3f}")
    if conflicts:
        conflict_probs = predict(model, [(a, b) for a, b, _ in conflicts], symmetric)
        c_contra = conflict_probs[:, CONTRADICTION]
        fact_contra = probs[gold, CONTRADICTION]
        rest_contra = probs[~gold, CONTRADICTION]
        lines.append(
            f"  gold conflict side pairs ({len(conflicts)}; {int(conflict_is_fact.sum())} of them also same-fact pairs): "
            f"P(contradiction) median {np.median(c_contra):.3f}, mean {c_contra.mean():.3f}; argmax contradiction "
            f"{int((conflict_probs.argmax(1) == CONTRADICTION).sum())}, argmax same "
            f"{int((conflict_probs.argmax(1) == SAME).sum())}")
        lines.append(f"  same-fact pairs: P(contradiction) median {np.median(fact_contra):.3f}, mean {fact_contra.mean():.3f}; "
                     f"other pairs: median {np.median(rest_contra):.3f}, mean {rest_contra.mean():.3f}")
        from sklearn.metrics import roc_auc_score as auc

        scores = np.concatenate([c_contra, fact_contra])
        labels = np.concatenate([np.ones(len(c_contra)), np.zeros(len(fact_contra))])
        lines.append(f"  ROC AUC of P(contradiction), conflict pairs vs same-fact pairs {auc(labels, scores):.3f}; "
                     f"vs all other pairs {auc(np.concatenate([np.ones(len(c_contra)), np.zeros(len(rest_contra))]), np.concatenate([c_contra, rest_contra])):.3f}")
        for t in (0.3, 0.5, 0.7):
            lines.append(f"  P(contradiction) >= {t}: conflict pairs {int((c_contra >= t).sum())}/{len(c_contra)}, "
                         f"same-fact pairs {int((fact_contra >= t).sum())}/{len(fact_contra)}, "
                         f"all universe pairs {int((probs[:, CONTRADICTION] >= t).sum())}/{len(probs)}")
        by_kind = defaultdict(list)
        for (_, _, kind), p in zip(conflicts, c_contra, strict=True):
            by_kind[kind].append(p)
        lines.append("  by kind (median P(contradiction)): " + ", ".join(
            f"{k} {np.median(v):.2f} (n={len(v)})" for k, v in sorted(by_kind.items())))
    return "\n".join(lines), probs, pairs


def speed(pairs) -> str:
    sample = pairs[:1000]
    started = time.time()
    model = PairModel()
    loaded = time.time() - started
    model.predict(sample[:32])
    started = time.time()
    model.predict(sample)
    rate = len(sample) / (time.time() - started)
    return (f"head file {HEAD_FILE.stat().st_size / 1e3:.0f} kB; load {loaded:.2f} s, {rate:.0f} pairs/s "
            f"on {len(sample)} newsfacts pairs (2 threads)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--symmetric", action="store_true", help="average both orders of each pair")
    parser.add_argument("--limit", type=int, default=0, help="newsfacts: first N clusters only")
    parser.add_argument("--skip", default="", help="comma list of parts to skip: msrp,snli,newsfacts,speed")
    parser.add_argument("--write", action="store_true", help="record the figures in bench/RESULTS.md")
    args = parser.parse_args()
    if not (DATA / "pairs").exists() or not (DATA / "newsfacts").exists():
        print(f"skipped: {DATA} (pairs/, newsfacts/) is not present")
        return
    skip = set(filter(None, args.skip.split(",")))
    model = PairModel()
    out = [f"model: {json.loads(HEAD_FILE.read_text())['encoder']}; "
           f"symmetric averaging {'on' if args.symmetric else 'off'}"]
    if "msrp" not in skip:
        out.append(msrp(model, args.symmetric))
        print(out[-1], flush=True)
    if "snli" not in skip:
        out.append(snli(model, args.symmetric))
        print(out[-1], flush=True)
    pairs = []
    if "newsfacts" not in skip:
        text, _, pairs = newsfacts(model, args.symmetric, args.limit)
        out.append(text)
        print(text, flush=True)
    if "speed" not in skip:
        if not pairs:
            pairs = newsfacts_pairs(1)[0]
        out.append("speed: " + speed(pairs))
        print(out[-1], flush=True)
    if args.write:
        from _results import write_section

        command = "nice -n 10 .venv/bin/python bench/pair_model.py " + " ".join(sys.argv[1:])
        write_section("Pair model (cross-encoder, issue 13)", "```\n" + "\n".join(out) + f"\n```\n\n`{command}`")


if __name__ == "__main__":
    main()
