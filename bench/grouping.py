"""Story grouping on ECB+ (../shared/data/ecbplus): B-cubed and pairwise P/R/F1.

Gold story = topic + sub-topic (``N_Mecb.xml`` = 1, ``N_Mecbplus.xml`` = 2): the
two sub-topics of a topic are different events of the same kind, so they are
hard negatives. Each file is detokenised to plain text, the opening URL line
kept out. The run groups the whole set with ``storylens.analyze`` and, in the
same process, the baseline: TF-IDF cosine + average-link agglomerative
clustering at its best single threshold (chosen on the evaluation set itself,
which flatters the baseline).

    .venv/bin/python bench/grouping.py              # evaluate (all topics)
    .venv/bin/python bench/grouping.py --calibrate  # fit weights/thresholds on odd topics
        (with the odd topics also read as a dated stream, bench/stream_grouping.py, for days_apart)
    .venv/bin/python bench/grouping.py --grouping-only  # stop after grouping (no synthesis)
    (--cache FILE keeps annotations and vectors in a SQLite store between runs)

Data is read at run time and never copied into the repository.
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
import time
from collections import Counter, defaultdict
from itertools import combinations
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data" / "ecbplus" / "topics"
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

_TOKEN = re.compile(r'<token t_id="\d+" sentence="(\d+)" number="\d+">([^<]*)</token>')
_NAME = re.compile(r"(\d+)_(\d+)(ecb|ecbplus)\.xml$")
_ENTITIES = {"&amp;": "&", "&quot;": '"', "&lt;": "<", "&gt;": ">", "&apos;": "'"}


def detokenise(tokens: list[str]) -> str:
    """Join tokens back into ordinary text (spacing around punctuation and clitics)."""
    s = " ".join(tokens)
    for k, v in _ENTITIES.items():
        s = s.replace(k, v)
    s = s.replace("``", '"').replace("''", '"')
    s = re.sub(r" ([,.;:!?%)\]}])", r"\1", s)
    s = re.sub(r"([(\[{$]) ", r"\1", s)
    s = re.sub(r" ('s|'re|'ve|'ll|'d|'m|n't)\b", r"\1", s, flags=re.I)
    s = re.sub(r" ([’'])\s?(s|re|ve|ll|d|m|t)\b", r"\1\2", s)
    s = re.sub(r"(\d): (\d)", r"\1:\2", s)
    s = re.sub(r'" ([^"]*?) "', r'"\1"', s)
    return s


def load_ecbplus(root: Path = DATA) -> list[tuple[str, str, str]]:
    """(file name, gold story, text) for every ECB+ article, sorted by file name."""
    out = []
    for path in sorted(root.glob("*/*.xml")):
        m = _NAME.match(path.name)
        if not m:
            continue
        sentences: dict[int, list[str]] = defaultdict(list)
        for number, token in _TOKEN.findall(path.read_text(encoding="utf-8")):
            sentences[int(number)].append(token)
        lines = [detokenise(sentences[k]) for k in sorted(sentences)]
        if lines and re.match(r"^https?\s*:", lines[0]):
            lines = lines[1:]
        gold = f"{m.group(1)}-{1 if m.group(3) == 'ecb' else 2}"
        out.append((path.name, gold, "\n".join(lines)))
    return out


# --------------------------------------------------------------------------- metrics


def bcubed(pred: list, gold: list) -> tuple[float, float, float]:
    pred_members, gold_members = defaultdict(list), defaultdict(list)
    for i, (p, g) in enumerate(zip(pred, gold, strict=True)):
        pred_members[p].append(i)
        gold_members[g].append(i)
    precision = recall = 0.0
    for i in range(len(pred)):
        common = sum(1 for j in pred_members[pred[i]] if gold[j] == gold[i])
        precision += common / len(pred_members[pred[i]])
        recall += common / len(gold_members[gold[i]])
    precision /= len(pred)
    recall /= len(pred)
    return precision, recall, 2 * precision * recall / (precision + recall)


def pairwise(pred: list, gold: list) -> tuple[float, float, float]:
    def pairs(labels):
        groups = defaultdict(list)
        for i, lab in enumerate(labels):
            groups[lab].append(i)
        return {p for members in groups.values() for p in combinations(members, 2)}

    p, g = pairs(pred), pairs(gold)
    precision = len(p & g) / len(p) if p else 1.0
    recall = len(p & g) / len(g) if g else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def fmt(name: str, pred: list, gold: list, extra: str = "") -> str:
    bp, br, bf = bcubed(pred, gold)
    pp, pr, pf = pairwise(pred, gold)
    return (
        f"{name:<34} B3 P {bp:.3f} R {br:.3f} F1 {bf:.3f} | pairwise P {pp:.3f} R {pr:.3f} "
        f"F1 {pf:.3f} | stories {len(set(pred))} {extra}"
    )


def baseline(texts: list[str], gold: list[str]) -> tuple[float, list]:
    """TF-IDF cosine, average-link, best single threshold (picked on this very set)."""
    from sklearn.cluster import AgglomerativeClustering
    from sklearn.feature_extraction.text import TfidfVectorizer

    best = None
    for options in ({}, {"stop_words": "english", "sublinear_tf": True}):
        x = TfidfVectorizer(**options).fit_transform(texts)
        distance = 1 - (x @ x.T).toarray()
        for threshold in np.arange(0.30, 0.99, 0.01):
            labels = AgglomerativeClustering(
                n_clusters=None,
                metric="precomputed",
                linkage="average",
                distance_threshold=threshold,
            ).fit_predict(distance)
            f1 = bcubed(list(labels), gold)[2]
            if best is None or f1 > best[0]:
                best = (f1, list(labels), f"{options or 'raw tf'} sim>={1 - threshold:.2f}")
    return best[0], best[1], best[2]


# --------------------------------------------------------------------------- runs


def calibrate(docs, cache: str | None = None) -> None:
    """Fit the pair model on odd topics; pick thresholds on odd topics; report all.

    The training pairs are the odd topics' candidate pairs twice: as the files come
    (undated: days_apart is 0) and read as a dated stream (bench/stream_grouping.py: two
    events of a kind two weeks apart), so the day gap is learnt beside the similarities
    and an undated pair is scored as any pair whose reports are days apart."""
    from sklearn.linear_model import LogisticRegression

    from storylens import group
    from storylens.annotate import annotate_articles
    from storylens.store import Store
    from stream_grouping import dated, read_stream

    store = Store(cache or ":memory:")
    t0 = time.perf_counter()
    articles, gold_of = ingested(docs, store)
    annotations = annotate_articles(articles, store=store)
    print(
        f"ingested and annotated {len(articles)} articles in {time.perf_counter() - t0:.0f}s "
        f"({sum(len(a.entities) for a in annotations.values())} entities)"
    )
    undated = candidate_set(group.build_profiles(articles, annotations, store=store), gold_of)
    stream = dated(docs)
    with Store(f"{cache}.stream" if cache else ":memory:") as stream_store:
        stream_articles, stream_annotations = read_stream(stream, stream_store)
        profiles = group.build_profiles(stream_articles, stream_annotations, store=stream_store)
    gold_by_stem = {name.removesuffix(".xml"): g for name, g, *_ in stream}
    streamed = candidate_set(profiles, {a.id: gold_by_stem[Path(a.source).stem] for a in stream_articles})
    pairs, features, gold, tune, same = undated
    all_same = sum(c * (c - 1) // 2 for c in Counter(gold.tolist()).values())
    print(f"candidate pairs {len(pairs)}; recall of same-story pairs {same.sum() / all_same:.3f}")
    print(f"dated stream: {len(streamed[0])} candidate pairs")
    x_train, y_train = [], []
    for pairs_of, features_of, _, tune_of, same_of in (undated, streamed):
        on_tune = tune_of[pairs_of[:, 0]] & tune_of[pairs_of[:, 1]]
        x_train.append(features_of[on_tune])
        y_train.append(same_of[on_tune])
    model = LogisticRegression(max_iter=5000).fit(np.concatenate(x_train), np.concatenate(y_train))
    weights, bias = model.coef_[0], float(model.intercept_[0])
    print("FEATURES =", group.FEATURES)
    print("WEIGHTS =", [round(float(w), 2) for w in weights], "BIAS =", round(bias, 2))

    def score(candidates, mask, merge, attach):
        pairs, features, gold, *_ = candidates
        return clustered(pairs, group.pair_probability(features, weights, bias), gold, mask, merge, attach)

    grid = []
    for merge in np.arange(0.30, 0.71, 0.05):
        for attach in (0.05, 0.1, 0.15, 0.2, 0.3, 1.01):
            grid.append((bcubed(*score(undated, tune, merge, attach))[2], round(merge, 2), attach))
    grid.sort(reverse=True)
    f1, merge, attach = grid[0]
    print(
        f"best on tune topics: MERGE_THRESHOLD = {merge}  ATTACH_THRESHOLD = {attach}  (B3 F1 {f1:.4f})"
    )
    for label, candidates in (("", undated), ("dated stream, ", streamed)):
        mask = candidates[3]
        for name, rows_in in (
            ("tune (odd topics)", mask),
            ("held out (even topics)", ~mask),
            ("all topics", np.ones(len(mask), bool)),
        ):
            print(fmt(label + name, *score(candidates, rows_in, merge, attach)))


def candidate_set(profiles, gold_of: dict[str, str]) -> tuple:
    """(pairs, features, gold per article, odd-topic mask per article, same story per pair)."""
    from storylens import group

    pairs = group.candidate_pairs(profiles)
    gold = np.array([gold_of[i] for i in profiles.ids])
    tune = np.array([int(g.split("-")[0]) % 2 == 1 for g in gold])
    return pairs, group.pair_features(profiles, pairs), gold, tune, gold[pairs[:, 0]] == gold[pairs[:, 1]]


def clustered(pairs, probability, gold, mask, merge, attach) -> tuple[list, list]:
    """(predicted, gold) labels of the articles in ``mask``, clustered on their own pairs."""
    from storylens import group

    rows = np.nonzero(mask)[0]
    position = {int(r): k for k, r in enumerate(rows)}
    keep = mask[pairs[:, 0]] & mask[pairs[:, 1]]
    sub_pairs = np.array([[position[int(a)], position[int(b)]] for a, b in pairs[keep]])
    sub_pairs = sub_pairs.reshape(-1, 2)
    labels = group.average_link(len(rows), sub_pairs, probability[keep], merge)
    labels = group.attach_singletons(labels, sub_pairs, probability[keep], attach)
    return list(labels), list(gold[rows])


def ingested(docs, store) -> tuple[list, dict[str, str]]:
    """Write the texts to files and run storylens ingest + clean on them, as analyze does.

    Returns the articles (syndication assigned) and gold story by article id.
    """
    from storylens.clean import assign_syndication
    from storylens.pipeline import ingest

    gold_by_stem = {name.removesuffix(".xml"): g for name, g, _ in docs}
    with tempfile.TemporaryDirectory() as tmp:
        result = ingest(write_texts(docs, tmp), store)
        ids = list(dict.fromkeys(result.article_ids))
        articles = assign_syndication(list(store.articles(ids)))
    gold = {a.id: gold_by_stem[Path(a.source).stem] for a in articles}
    return articles, gold


def write_texts(docs, folder: str) -> list[str]:
    """Each ECB+ document as NAME.txt in ``folder`` (the file stem keys the gold story)."""
    paths = []
    for name, _, text in docs:
        path = Path(folder) / (name.removesuffix(".xml") + ".txt")
        path.write_text(text + "\n", encoding="utf-8")
        paths.append(str(path))
    return paths


def evaluate(docs, grouping_only: bool = False, cache: str | None = None) -> None:
    import storylens
    from storylens.annotate import annotate_articles
    from storylens.group import group_articles
    from storylens.store import Store

    t0 = time.perf_counter()
    if grouping_only:  # the calls analyze makes up to grouping, nothing after
        with Store(cache or ":memory:") as store:
            articles, gold_of = ingested(docs, store)
            annotations = annotate_articles(articles, store=store)
            stories = group_articles(articles, annotations, store=store)
    else:
        with tempfile.TemporaryDirectory() as tmp:
            report = storylens.analyze(write_texts(docs, tmp), db=cache)  # cache: annotations, vectors
        articles, stories = report.articles, report.stories
        gold_by_stem = {name.removesuffix(".xml"): g for name, g, _ in docs}
        gold_of = {a.id: gold_by_stem[Path(a.source).stem] for a in articles}
    elapsed = time.perf_counter() - t0
    story_of = {a: s.id for s in stories for a in s.article_ids}
    ids = sorted(story_of, key=lambda a: next(x.source for x in articles if x.id == a))
    pred = [story_of[a] for a in ids]
    gold = [gold_of[a] for a in ids]
    text_of = {a.id: a.text for a in articles}
    missing = len(docs) - len(ids)
    print(
        f"ECB+ {len(docs)} articles, {len(set(gold))} gold stories; analysed {len(ids)} "
        f"({missing} lost by ingest/clean) in {elapsed:.0f}s "
        + ("(ingest to grouping)" if grouping_only else "(whole analyze pipeline)")
    )
    f1, labels, how = baseline([text_of[a] for a in ids], gold)
    print(fmt("baseline TF-IDF average-link", labels, gold, f"[{how}]"))
    print(fmt("storylens grouping" if grouping_only else "storylens.analyze", pred, gold))
    tune = [int(g.split("-")[0]) % 2 == 1 for g in gold]
    for name, flag in (("  tune topics (odd)", True), ("  held-out topics (even)", False)):
        idx = [i for i, t in enumerate(tune) if t == flag]
        if idx:  # --topics may leave one half empty
            print(fmt(name, [pred[i] for i in idx], [gold[i] for i in idx]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calibrate", action="store_true")
    parser.add_argument("--cache", help="SQLite file caching annotations/vectors (calibration)")
    parser.add_argument(
        "--grouping-only",
        action="store_true",
        help="stop after grouping (same calls as analyze; skips compare/synthesis)",
    )
    parser.add_argument("--topics", help="comma-separated topic numbers (default: all)")
    args = parser.parse_args()
    if not DATA.is_dir():
        print(f"skipped: {DATA} not found (ECB+ is read from ../shared at run time)")
        return
    docs = load_ecbplus()
    if args.topics:
        keep = set(args.topics.split(","))
        docs = [d for d in docs if d[1].split("-")[0] in keep]
    if args.calibrate:
        calibrate(docs, args.cache)
    else:
        evaluate(docs, args.grouping_only, args.cache)


if __name__ == "__main__":
    main()
