"""Held-out (cross-validated) facts figures on newsfacts dev, scored in-process with eval_facts' protocol.

The proposition facts' pair model (scripts/fit_fact_model.py) is fitted on newsfacts dev,
so bench/facts.py on dev with the shipped model is in-sample. This bench fits it on every
other cluster (odd / even, sorted by name) and scores each half with the model fitted on the
other: the figures a user of unseen news can expect. The scoring loop is eval_facts.py's
(../shared/tools, imported for locate/overlaps/norm), run over `analyze --one-story`'s
stages in-process (ingest, clean, annotate, one story, compare, synthesise) so nothing is
re-annotated between the two halves.

    nice -n 10 .venv/bin/python bench/facts_cv.py [--cache DIR] [--no-summary] [-v] [--shipped]

--shipped scores every cluster with the shipped model (in-sample), for comparison.
"""

from __future__ import annotations

import json
import re
import sys
import time
from collections import defaultdict
from itertools import combinations
from pathlib import Path

import numpy as np

from storylens.compare import compare_story
from storylens.group import one_story
from storylens.records import Report
from storylens.report import to_json
from storylens.synthesize import synthesize_story

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT.parent / "shared" / "tools"))
sys.path.insert(0, str(ROOT / "scripts"))

GOLD = ROOT.parent / "shared" / "data" / "newsfacts" / "dev"
MODELS: dict[str, Path] = {}  # cluster name -> the pair model that scores it (None: shipped)
OVERRIDES: dict[str, float] = {}  # PropositionSettings fields set with --set NAME=VALUE
E = None  # eval_facts, imported in main (it lives in ../shared)


def load(folder, cache=None):
    from fit_fact_model import analysed_cluster

    return analysed_cluster(folder, cache)


def run(folder, summary=True, cache=None):
    arts, anns = load(folder, cache)
    by_id = {a.id: a for a in arts}
    g = one_story(arts)
    from storylens.align.propositions import PropositionSettings

    comp = compare_story(
        g, by_id, anns, propositions=PropositionSettings(model_file=MODELS.get(folder.name), **OVERRIDES)
    )
    if summary:
        story = synthesize_story(g, by_id, anns, comp)
    else:
        story = None
    if story is None:
        rep = {
            "articles": [json.loads(a.model_dump_json()) for a in arts],
            "stories": [
                {"facts": [json.loads(f.model_dump_json()) for f in comp.facts], "summary": []}
            ],
        }
    else:
        rep = json.loads(to_json(Report(articles=tuple(arts), stories=(story,), errors=())))
    return rep


def score(folders, summary=True, verbose=False, cache=None):
    T = defaultdict(int)
    per = []
    for folder in folders:
        gold = json.loads((folder / "gold.json").read_text())
        sents = dict(
            re.findall(r"^\[(a\d+\.\d+)\] (.*)$", (folder / "numbered.md").read_text(), re.M)
        )
        junk = set(gold.get("junk", []))
        fact_of = defaultdict(set)
        for fi, f in enumerate(gold.get("facts", [])):
            for m in f["mentions"]:
                fact_of[m].add(fi)
        rep = run(folder, summary, cache)
        by_file = {Path(a.get("source") or "").stem: a for a in rep["articles"]}
        aid_file = {a["id"]: Path(a.get("source") or "").stem for a in rep["articles"]}
        loc = {}
        for sid, s in sents.items():
            art = by_file.get(sid.split(".")[0])
            if art:
                sp = E.locate(art["text"], s)
                if sp:
                    loc[sid] = sp
        facts = [f for st in rep["stories"] for f in st.get("facts", [])]

        def sents_of(c, aid_file=aid_file, loc=loc):
            f = aid_file.get(c["article_id"])
            return {
                sid
                for sid, sp in loc.items()
                if sid.split(".")[0] == f and E.overlaps(sp, (c["start"], c["end"]))
            }

        pred_pairs, fact_sents = set(), []
        for f in facts:
            ss = set()
            for c in f.get("claims", []):
                ss |= sents_of(c)
            fact_sents.append(ss)
            for x, y in combinations(sorted(ss), 2):
                if x.split(".")[0] != y.split(".")[0]:
                    pred_pairs.add((x, y))
        universe = sorted(s for s in loc if s not in junk)
        tp = fp = fn = 0
        for i, j in combinations(range(len(universe)), 2):
            x, y = universe[i], universe[j]
            if x.split(".")[0] == y.split(".")[0]:
                continue
            g = bool(fact_of[x] & fact_of[y])
            p = (x, y) in pred_pairs
            tp += g and p
            fp += p and not g
            fn += g and not p
        T["tp"] += tp
        T["fp"] += fp
        T["fn"] += fn
        for f, ss in zip(facts, fact_sents, strict=True):
            if f.get("status") != "corroborated" and (f.get("independent_outlets") or 0) < 2:
                continue
            T["corr"] += 1
            arts = defaultdict(set)
            for s in ss:
                arts[s.split(".")[0]].add(s)
            ok = len(arts) >= 2 and all(
                any(
                    fact_of[s] & fact_of[t]
                    for s in mine
                    for a2, theirs in arts.items()
                    if a2 != a
                    for t in theirs
                )
                for a, mine in arts.items()
            )
            T["corr_ok"] += ok
            T["junk_shown"] += len(ss & junk)
            if verbose and not ok:
                print("  CORR BAD", " | ".join(f"{s} {sents[s][:70]}" for s in sorted(ss)) or " | ".join(
                    f"{c['article_id'][:6]}:{c['start']} {c.get('text', '')[:70]}" for c in f.get("claims", [])))
            if verbose:
                for s in sorted(ss & junk):
                    print("  JUNK in fact", s, sents[s][:100])
        gold_conf_pairs = []
        for c in gold.get("conflicts", []):
            sides = [x["s"] for x in c["sides"]]
            gold_conf_pairs.append(
                {tuple(sorted((a, b))) for a, b in combinations(sides, 2) if a != b}
            )
        pred_conf = []
        pred_conf_desc = []
        for f in facts:
            for c in f.get("conflicts", []):
                groups = [sents_of(x) for x in c.get("claims", [])]
                pairs = {
                    tuple(sorted((a, b)))
                    for g1, g2 in combinations(groups, 2)
                    for a in g1
                    for b in g2
                    if a != b
                }
                pred_conf.append(pairs)
                pred_conf_desc.append(
                    (c["kind"], c.get("detail", "")[:80], [sorted(g) for g in groups])
                )
        T["conf_gold"] += len(gold_conf_pairs)
        T["conf_found"] += sum(any(g & p for p in pred_conf) for g in gold_conf_pairs)
        T["conf_pred"] += len(pred_conf)
        okc = [any(p & g for g in gold_conf_pairs) for p in pred_conf]
        T["conf_pred_ok"] += sum(okc)
        for st in rep["stories"]:
            for x in st.get("summary", []):
                if x.get("template"):
                    continue
                own = None
                for c in x.get("citations", []):
                    ss = sents_of(c)
                    T["junk_shown"] += len(ss & junk)
                    if verbose:
                        for s in sorted(ss & junk):
                            print("  JUNK in summary", s, sents[s][:100])
                    if (
                        own is None
                        and ss
                        and E.norm(x["text"])[:40] in E.norm(" ".join(sents[s] for s in ss))
                    ):
                        own = ss
                if own is None:
                    continue
                for c in x.get("citations", []):
                    ss = sents_of(c)
                    if (
                        not ss
                        or ss == own
                        or all(s.split(".")[0] in {o.split(".")[0] for o in own} for s in ss)
                    ):
                        continue
                    T["cit"] += 1
                    supported = any(fact_of[a] & fact_of[b] for a in own for b in ss)
                    T["cit_ok"] += supported
                    if verbose and not supported:
                        print("  CITE BAD", sorted(own), "->", sorted(ss), "|", x["text"][:70], "|",
                              " ".join(sents[s] for s in sorted(ss))[:90])
        per.append(
            f"{folder.name}: tp {tp} fp {fp} fn {fn}; facts {len(facts)} corr {sum(1 for f in facts if f['status'] == 'corroborated')}; conf pred {len(pred_conf)} ok {sum(okc)} gold {len(gold_conf_pairs)}"
        )
        if verbose:
            for d, o in zip(pred_conf_desc, okc, strict=True):
                print("  CONF", "OK " if o else "BAD", d)
            for c, g in zip(gold.get("conflicts", []), gold_conf_pairs, strict=True):
                if not any(g & p for p in pred_conf):
                    print("  CONF MISSED", c["kind"], c["about"][:50], "|",
                          " / ".join(f"{x['s']} {x['value'][:30]}" for x in c["sides"]))
    P = T["tp"] / (T["tp"] + T["fp"]) if T["tp"] + T["fp"] else 0.0
    R = T["tp"] / (T["tp"] + T["fn"]) if T["tp"] + T["fn"] else 0.0
    F = 2 * P * R / (P + R) if P + R else 0.0

    def f(a, b):
        return T[a] / T[b] if T[b] else 0.0

    print("\n".join(per))
    print(
        f"pairs P {P:.3f} R {R:.3f} F1 {F:.3f}; corr {f('corr_ok', 'corr'):.3f} ({T['corr_ok']}/{T['corr']}); conf R {f('conf_found', 'conf_gold'):.3f} ({T['conf_found']}/{T['conf_gold']}) P {f('conf_pred_ok', 'conf_pred'):.3f} ({T['conf_pred_ok']}/{T['conf_pred']}); cit {f('cit_ok', 'cit'):.3f} ({T['cit_ok']}/{T['cit']}); junk {T['junk_shown']}"
    )


def main() -> None:
    import argparse
    import tempfile

    global E
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cache", type=Path, help="keep annotated clusters here (scratch pickles)")
    parser.add_argument("--no-summary", action="store_true")
    parser.add_argument("--set", action="append", default=[], metavar="NAME=VALUE",
                        help="a PropositionSettings field for this run (e.g. link=0.4)")
    parser.add_argument("--models", type=Path,
                        help="keep the two fitted models here and reuse them when present")
    parser.add_argument(
        "--write-model", action="store_true",
        help="also fit on every cluster and write the shipped model (what scripts/fit_fact_model.py --write does)",
    )
    parser.add_argument(
        "--shipped", action="store_true", help="score with the shipped model (in-sample)"
    )
    parser.add_argument("-v", action="store_true", help="list every conflict shown")
    args = parser.parse_args()
    if not GOLD.is_dir() or not (ROOT.parent / "shared" / "tools" / "eval_facts.py").is_file():
        print("facts_cv: ../shared/data/newsfacts or ../shared/tools absent, skipped")
        return
    import eval_facts
    import fit_fact_model as fit
    from fit_align_model import fit_trees

    from storylens.align.propositions import FACT_FEATURES, PropositionSettings

    E = eval_facts
    folders = fit.cluster_folders("all", GOLD)
    with tempfile.TemporaryDirectory() as tmp:
        for assignment in args.set:
            name, _, value = assignment.partition("=")
            OVERRIDES[name] = type(getattr(PropositionSettings(), name))(value)
        models_dir = args.models or Path(tmp)
        models_dir.mkdir(parents=True, exist_ok=True)
        reuse = args.models is not None and all(
            (models_dir / f"fitted-on-{half}.json").exists() for half in ("odd", "even")
        )
        if reuse and not args.shipped:
            for half, other in (("odd", "even"), ("even", "odd")):
                for f in fit.cluster_folders(other, GOLD):
                    MODELS[f.name] = models_dir / f"fitted-on-{half}.json"
        elif not args.shipped:
            halves = {}
            for half, other in (("odd", "even"), ("even", "odd")):
                rows = halves[half] = [
                    fit.cluster_pairs(f, args.cache) for f in fit.cluster_folders(half, GOLD)
                ]
                x = np.concatenate([r[0] for r in rows])
                y = np.concatenate([r[1] for r in rows])
                model = fit_trees(
                    x,
                    y,
                    trees=fit.TREES,
                    depth=fit.DEPTH,
                    rate=fit.RATE,
                    min_leaf=fit.MIN_LEAF,
                    seed=fit.SEED,
                    features=FACT_FEATURES,
                )
                path = models_dir / f"fitted-on-{half}.json"
                path.write_text(json.dumps(model), encoding="utf-8")
                for f in fit.cluster_folders(other, GOLD):
                    MODELS[f.name] = path
            if args.write_model:
                from storylens.align.propositions import FACT_MODEL_FILE

                # in the fit script's order (clusters sorted by name), so the file is the one
                # `scripts/fit_fact_model.py --write` reproduces
                odd, even = iter(halves["odd"]), iter(halves["even"])
                rows = [next(odd) if k % 2 == 0 else next(even) for k in range(len(folders))]
                x = np.concatenate([r[0] for r in rows])
                y = np.concatenate([r[1] for r in rows])
                model = fit_trees(x, y, trees=fit.TREES, depth=fit.DEPTH, rate=fit.RATE, min_leaf=fit.MIN_LEAF,
                                  seed=fit.SEED, features=FACT_FEATURES)
                model["trained_on"] = f"newsfacts dev clusters (all), {len(y)} candidate pairs"
                FACT_MODEL_FILE.write_text(json.dumps(model, separators=(",", ":")) + "\n", encoding="utf-8")
                print(f"wrote {FACT_MODEL_FILE} ({len(y)} pairs, {int(y.sum())} positive)")
        started = time.time()
        score(folders, not args.no_summary, args.v, args.cache)
        print(f"{time.time() - started:.1f}s")


if __name__ == "__main__":
    main()
