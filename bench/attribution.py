"""PolNeAR attribution spans: source, cue and content F1 (exact and overlap).

Gold: ../shared/data/polnear/<split> (brat standoff; one annotator's file per
article, the first in name order). Spans are compared per role. "exact" needs
identical offsets (after trimming spaces and edge punctuation on both sides);
"overlap" matches a predicted span to a gold span that shares at least one
character. A content may come in pieces (a quotation resumed after its cue):
gold keeps brat's fragments, and our attributions sharing one cue form one
content in the same way. Matching is one-to-one (greedy by overlap size), so one long
prediction cannot claim several gold spans. Beside it, in the same run, a
simple baseline: quotation marks, "X said …", "…, X said" and "according to X"
patterns over syntok sentences; and storylens with its lexicon rules alone (the cue
classifier off: annotate-5's attributions), so the classifier's gain is measured in the run.

    .venv/bin/python bench/attribution.py [--split dev|train] [--limit N] [--no-rules-row]
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from storylens.annotate import annotate_articles, attributions  # noqa: E402
from storylens.annotate.sentences import split_sentences  # noqa: E402
from storylens.records import Article  # noqa: E402

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "polnear"
ROLES = ("source", "cue", "content")
EDGE = " \t\n,.;:\"“”‘’'()—–-"


def load(split: str, limit: int | None = None):
    """[(name, text, {role: set of (start, end)})]"""
    items = []
    texts = sorted((DATA / split / "text").glob("*.txt"))
    anns = sorted((DATA / split / "attributions").glob("*.ann"))
    for text_path in texts[:limit]:
        stem = text_path.stem
        ann_path = next((a for a in anns if a.stem.rsplit("_", 1)[0] == stem), None)
        if ann_path is None:
            continue
        text = text_path.read_text(encoding="utf-8")
        gold = {role: set() for role in ROLES}
        for line in ann_path.read_text(encoding="utf-8").splitlines():
            if not line.startswith("T") or line.count("\t") < 1:
                continue  # a few train files carry a stray line
            _, meta, *_ = line.split("\t")
            kind, offsets = meta.split(" ", 1)
            role = kind.lower()
            if role not in gold:
                continue
            fragments = tuple(sorted(_trim(text, int(a), int(b)) for a, b in re.findall(r"(\d+) (\d+)", offsets)))
            gold[role].add(fragments)
        items.append((stem, text, gold))
    return items


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    """Strip edge spaces and punctuation, but keep a span that is nothing else (a ":" or "—" cue)."""
    original = (start, end)
    while start < end and text[start] in EDGE:
        start += 1
    while end > start and text[end - 1] in EDGE:
        end -= 1
    return (start, end) if end > start else original


def ours(items, rules_only: bool = False) -> list[dict[str, set]]:
    articles = [Article(id=name, source=name, outlet="polnear", text=text) for name, text, _ in items]
    if rules_only:  # the classifier off: the shipped model loader answers "no model"
        original = attributions.load_cue_model
        attributions.load_cue_model = lambda: None
        try:
            annotations = annotate_articles(articles)
        finally:
            attributions.load_cue_model = original
    else:
        annotations = annotate_articles(articles)
    out = []
    for name, text, _ in items:
        predicted = {role: set() for role in ROLES}
        contents: dict[tuple[int, int], list[tuple[int, int]]] = {}
        for item in annotations[name].attributions:
            if item.source is not None:
                predicted["source"].add((_trim(text, item.source.start, item.source.end),))
            predicted["cue"].add((_trim(text, item.cue.start, item.cue.end),))
            # a quotation continued after its cue is one content in several pieces, as in the gold
            contents.setdefault((item.cue.start, item.cue.end), []).append(
                _trim(text, item.content.start, item.content.end))
        predicted["content"] = {tuple(sorted(set(pieces))) for pieces in contents.values()}
        out.append(predicted)
    return out


_CUE = r"(?:said|says|told|according to|added|stated|announced)"
_SAID_AFTER = re.compile(r"^(?P<content>.+?),[\"”’]?\s+(?P<source>(?:[A-Z][\w.'-]*\s?){1,4}|he|she|they|it)\s+(?P<cue>said|says|added)\b")
_SAID_BEFORE = re.compile(r"(?P<source>(?:[A-Z][\w.'-]*\s?){1,4}|He|She|They|It|he|she|they)\s+(?P<cue>said|says|told\s+\w+|added|stated|announced)\s+(?:that\s+)?(?P<content>.+)$")
_ACCORDING = re.compile(r"(?P<cue>[Aa]ccording to)\s+(?P<source>[^,]+),\s*(?P<content>.+)$")
_QUOTE = re.compile(r"[“\"][^”\"]{10,}[”\"]")


def baseline(items) -> list[dict[str, set]]:
    out = []
    for _, text, _ in items:
        predicted = {role: set() for role in ROLES}
        for start, end in split_sentences(text):
            sentence = text[start:end]
            for pattern in (_SAID_AFTER, _ACCORDING, _SAID_BEFORE):
                m = pattern.search(sentence)
                if m:
                    for role in ROLES:
                        predicted[role].add((_trim(text, start + m.start(role), start + m.end(role)),))
                    break
            else:
                for m in _QUOTE.finditer(sentence):
                    predicted["content"].add((_trim(text, start + m.start(), start + m.end()),))
        out.append(predicted)
    return out


def _shared(gold: tuple, predicted: tuple) -> int:
    """Characters two (possibly discontinuous) spans have in common."""
    return sum(max(0, min(ge, pe) - max(gs, ps)) for gs, ge in gold for ps, pe in predicted)


def score(items, predictions) -> dict[str, dict[str, float]]:
    result = {}
    for role in ROLES:
        totals = {"exact": [0, 0, 0], "overlap": [0, 0, 0]}  # matched, predicted, gold
        for (_, _, gold), predicted in zip(items, predictions, strict=True):
            golds, preds = sorted(gold[role]), sorted(predicted[role])
            totals["exact"][0] += len(set(golds) & set(preds))
            pairs = sorted(
                ((_shared(g, p), gi, pi) for gi, g in enumerate(golds) for pi, p in enumerate(preds)
                 if _shared(g, p) > 0),
                reverse=True,
            )
            used_g, used_p = set(), set()
            for _, gi, pi in pairs:
                if gi not in used_g and pi not in used_p:
                    used_g.add(gi)
                    used_p.add(pi)
            totals["overlap"][0] += len(used_g)
            for key in totals:
                totals[key][1] += len(preds)
                totals[key][2] += len(golds)
        result[role] = {}
        for key, (matched, n_pred, n_gold) in totals.items():
            p = matched / n_pred if n_pred else 0.0
            r = matched / n_gold if n_gold else 0.0
            result[role][key] = 2 * p * r / (p + r) if p + r else 0.0
            result[role][key + "_p"] = p
            result[role][key + "_r"] = r
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", default="dev", choices=["dev", "train"])
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--no-rules-row", action="store_true", help="skip the rules-only run")
    args = parser.parse_args()
    if not (DATA / args.split).is_dir():
        print(f"skip: {DATA / args.split} is not present")
        return 0
    items = load(args.split, args.limit)
    words = sum(len(text.split()) for _, text, _ in items)
    started = time.perf_counter()
    our = score(items, ours(items))
    our_time = time.perf_counter() - started
    rows = [("storylens annotate()", our, our_time)]
    if not args.no_rules_row:
        started = time.perf_counter()
        rows.append(("storylens, rules only", score(items, ours(items, rules_only=True)),
                     time.perf_counter() - started))
    started = time.perf_counter()
    rows.append(("baseline (quotes+said)", score(items, baseline(items)), time.perf_counter() - started))
    gold_counts = {role: sum(len(g[role]) for _, _, g in items) for role in ROLES}
    print(f"PolNeAR {args.split}: {len(items)} articles, {words} words, gold spans {gold_counts}")
    print(f"{'system':<28}{'role':<9}{'exact F1':>9}{'overlap F1':>11}{'  (P / R overlap)':>20}")
    for name, result, seconds in rows:
        for role in ROLES:
            r = result[role]
            print(f"{name:<28}{role:<9}{r['exact']:>9.3f}{r['overlap']:>11.3f}"
                  f"{r['overlap_p']:>10.3f} / {r['overlap_r']:.3f}")
        print(f"{'':<28}time {seconds:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
