"""Fit the attribution cue classifier (src/storylens/data/cue_model.json) on PolNeAR train.

Every proposal of annotate.attributions.cue_candidates (the lexicon rules' cues, every
other verb and copular adjective read through the same span logic) is labelled by whether its
cue overlaps a gold cue and the source it found (if any) overlaps a gold source — the bench's
source score is what the judge is for, so a right cue with a wrong source counts as a miss
(``--label cue`` for the cue alone); a logistic regression over the sparse features is fitted. The keep/add thresholds
are chosen by k-fold cross-validation inside train on the end-to-end score the bench
reports (source overlap F1, content overlap F1 as a tie-break), each article scored by
the model fitted without it. Dev is never read here.

    .venv/bin/python scripts/fit_cue_model.py [--cache /tmp/cue-fit] [--folds 5] [--C 0.35] [--label source|cue]

Needs ../shared/data/polnear (and scikit-learn, used only here). Parsed train articles are
cached as a spaCy DocBin in --cache so a refit skips the parse (~8 min on 2 cores).
"""

from __future__ import annotations

import argparse
import copy
import json
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

import attribution as bench  # noqa: E402
from storylens.annotate import _mentions, _nlp  # noqa: E402
from storylens.annotate import attributions as attr  # noqa: E402
from storylens.annotate.cuemodel import MODEL_FILE, CueModel  # noqa: E402
from storylens.annotate.entities import canonical_forms  # noqa: E402
from storylens.annotate.sentences import doc_text, split_sentences  # noqa: E402
from storylens.lexicon.quotes import quotation_spans  # noqa: E402

MIN_COUNT = 3
KEEP_GRID = (0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5)
ADD_GRID = (0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7)


def parsed_docs(split: str, cache: Path, items):
    """The articles parsed with the annotator's pipeline, cached as a DocBin."""
    from spacy.tokens import DocBin

    nlp = _nlp()
    path = cache / f"{split}.spacy"
    names_path = cache / f"{split}.names"
    names = [name for name, _, _ in items]
    if path.exists() and names_path.exists() and names_path.read_text().split("\n") == names:
        return list(DocBin().from_disk(path).get_docs(nlp.vocab))
    cache.mkdir(parents=True, exist_ok=True)
    started = time.time()
    bin_ = DocBin(store_user_data=True)
    docs = []
    for doc in nlp.pipe([text for _, text, _ in items], batch_size=32):
        bin_.add(doc)
        docs.append(doc)
    bin_.to_disk(path)
    names_path.write_text("\n".join(names))
    print(f"parsed {len(docs)} {split} articles in {time.time() - started:.0f} s", flush=True)
    return docs


def _overlaps(span: tuple[int, int], gold: set) -> bool:
    return any(start < span[1] and span[0] < end for fragments in gold for start, end in fragments)


def _source_checked(item, text: str, gold: dict) -> bool:
    """A proposal on a gold cue whose source (if it found one) overlaps a gold source."""
    if not _overlaps(item.cue, gold["cue"]):
        return False
    return item.source is None or _overlaps(bench._trim(text, *item.source), gold["source"])


def fit_logistic(rows: list[list[int]], labels: np.ndarray, width: int, c: float) -> tuple[np.ndarray, float]:
    from scipy.sparse import csr_matrix
    from sklearn.linear_model import LogisticRegression

    indptr = np.cumsum([0] + [len(r) for r in rows])
    indices = np.fromiter((i for r in rows for i in r), dtype=np.int64, count=int(indptr[-1]))
    matrix = csr_matrix((np.ones(len(indices)), indices, indptr), shape=(len(rows), width))
    model = LogisticRegression(C=c, max_iter=2000, solver="liblinear", random_state=0)
    model.fit(matrix, labels)
    return model.coef_[0], float(model.intercept_[0])


def evaluate(items, docs, context, candidates, scores, keep: float, add: float) -> dict:
    """End-to-end bench score when each article's proposals carry the given probabilities."""
    predictions = []
    original = attr.find_attributions
    try:
        for (_, text, _), doc, (mentions, canonical, sentences), proposals, probabilities in zip(
                items, docs, context, candidates, scores, strict=True):
            thresholds = CueModel(weights={}, bias=0.0, keep=keep, add=add)
            selected = [copy.copy(item) for (item, _), p in zip(proposals, probabilities, strict=True)
                        if attr.selected(item, p, thresholds)]
            found = attr._unnest(selected, text)
            attr.find_attributions = lambda _doc, _model=None, found=found: found
            records = attr.build_attributions(doc, mentions, canonical, sentences)
            predicted = {role: set() for role in bench.ROLES}
            contents: dict = {}
            for record in records:
                if record.source is not None:
                    predicted["source"].add((bench._trim(text, record.source.start, record.source.end),))
                predicted["cue"].add((bench._trim(text, record.cue.start, record.cue.end),))
                contents.setdefault((record.cue.start, record.cue.end), []).append(
                    bench._trim(text, record.content.start, record.content.end))
            predicted["content"] = {tuple(sorted(set(pieces))) for pieces in contents.values()}
            predictions.append(predicted)
    finally:
        attr.find_attributions = original
    return bench.score(items, predictions)


def _context(doc, text: str):
    mentions = _mentions(doc)
    sentences = doc.user_data.get("storylens_sentences") or split_sentences(text)
    return mentions, canonical_forms(text, mentions), sentences


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cache", type=Path, default=Path("/tmp/cue-fit"))
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--C", type=float, default=0.35, dest="c")
    parser.add_argument("--label", choices=("source", "cue"), default="source",
                        help="fit on cue-and-source agreement (default) or on the cue alone")
    parser.add_argument("--out", type=Path, default=MODEL_FILE)
    parser.add_argument("--no-write", action="store_true", help="cross-validate only")
    args = parser.parse_args()

    items = bench.load("train")
    docs = parsed_docs("train", args.cache, items)
    for doc in docs:
        doc_text(doc)
    started = time.time()
    candidates = [attr.cue_candidates(doc) for doc in docs]
    labels = [np.array([_overlaps(item.cue, gold["cue"]) if args.label == "cue" else _source_checked(item, text, gold)
                        for item, _ in proposals], dtype=int)
              for (_, text, gold), proposals in zip(items, candidates, strict=True)]
    print(f"{sum(len(c) for c in candidates)} proposals ({sum(int(y.sum()) for y in labels)} positive) "
          f"in {time.time() - started:.0f} s", flush=True)

    folds = np.arange(len(docs)) % args.folds

    def vocabulary(doc_indexes) -> dict[str, int]:
        counts = Counter(f for d in doc_indexes for _, features in candidates[d] for f in set(features))
        return {f: i for i, f in enumerate(sorted(f for f, n in counts.items() if n >= MIN_COUNT))}

    def fit(doc_indexes) -> CueModel:
        vocab = vocabulary(doc_indexes)
        rows = [[vocab[f] for f in set(features) if f in vocab] for d in doc_indexes for _, features in candidates[d]]
        y = np.concatenate([labels[d] for d in doc_indexes])
        coef, bias = fit_logistic(rows, y, len(vocab), args.c)
        names = sorted(vocab, key=vocab.get)
        return CueModel(weights={f: round(float(w), 5) for f, w in zip(names, coef, strict=True) if abs(w) > 1e-6},
                        bias=round(bias, 5), keep=0.5, add=0.5)

    # out-of-fold probabilities
    scores: list = [None] * len(docs)
    for fold in range(args.folds):
        model = fit([d for d in range(len(docs)) if folds[d] != fold])
        for d in np.nonzero(folds == fold)[0].tolist():
            scores[d] = model.probabilities([features for _, features in candidates[d]])
        print(f"fold {fold} fitted", flush=True)
    y_all = np.concatenate(labels)
    p_all = np.concatenate([np.array(s) for s in scores])
    from sklearn.metrics import roc_auc_score

    print(f"out-of-fold proposal AUC {roc_auc_score(y_all, p_all):.3f}", flush=True)
    context = [_context(doc, text) for doc, (_, text, _) in zip(docs, items, strict=True)]
    rule_proposals = [[(item, []) for item in attr._rule_proposals(doc, text, quotation_spans(text), attr.sentence_finder(doc))]
                      for doc, (_, text, _) in zip(docs, items, strict=True)]  # find_attributions(doc, RULES_ONLY)
    rules = evaluate(items, docs, context, rule_proposals, [[1.0] * len(c) for c in rule_proposals], 0.5, 0.5)
    print("rules only (train): " + "  ".join(f"{r} {rules[r]['overlap']:.3f}" for r in bench.ROLES), flush=True)
    tried: dict = {}

    def trial(keep: float, add: float):
        if (keep, add) not in tried:
            result = evaluate(items, docs, context, candidates, scores, keep, add)
            tried[keep, add] = (result["source"]["overlap"], result["content"]["overlap"])
            print(f"keep {keep:.2f} add {add:.2f}: " + "  ".join(
                f"{r} {result[r]['overlap']:.3f} ({result[r]['overlap_p']:.3f}/{result[r]['overlap_r']:.3f})"
                for r in bench.ROLES), flush=True)
        return tried[keep, add]

    # coordinate search: keep with a middling add, add with that keep, keep again
    keep, add = 0.5, 0.5
    for _ in range(2):
        keep = max(KEEP_GRID, key=lambda k: trial(k, add))
        add = max(ADD_GRID, key=lambda a: trial(keep, a))
    best = trial(keep, add)
    print(f"chosen by {args.folds}-fold CV: keep {keep}, add {add}, CV source {best[0]:.3f} content {best[1]:.3f}")
    if args.no_write:
        return
    final = fit(list(range(len(docs))))
    final = CueModel(weights=final.weights, bias=final.bias, keep=keep, add=add)
    args.out.write_text(json.dumps(final.to_json(), separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"wrote {args.out} ({len(final.weights)} weights)")


if __name__ == "__main__":
    main()
