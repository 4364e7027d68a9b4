"""Claim alignment on ECB+ (issue 5): pairwise P/R/F1 beside two baselines.

Protocol: each ECB+ topic (both sub-topics: two different events of one kind)
is analysed as ONE story. Universe: pairs of annotated sentences
(ECBplus_coreference_sentences.csv) in different articles of a topic. Gold
positive: the two sentences mention coreferent events (a shared
CROSS_DOC_COREF chain of ACTION/NEG mentions). storylens predicts positive
when one fact holds claims overlapping both sentences. Baselines in the same
run: TF-IDF cosine and MiniLM cosine between the two sentences, each at its
best global threshold (an oracle choice, which flatters the baselines).

    nice -n 10 .venv/bin/python bench/alignment.py [--topics 1,2,3] [--fit]

--fit refits the logistic pair weights of storylens.align on the topics given
and prints them (paste into align.MODEL_WEIGHTS; the pair trees are fitted by
scripts/fit_align_model.py). --cv (with --embedder static|minilm) fits on the
odd topics and scores the even ones with that fit, then the other way round:
held-out figures, never fitted and scored on the same topics. When trees are
shipped for the embedder, --cv refits the trees too (and the logistic weights,
which one-event stories use). --set pair_trees=0 scores with the logistic
weights only (the before run); --set changes any numeric field of
storylens.align.AlignSettings for one run.
"""

from __future__ import annotations

import argparse
import csv
import dataclasses
import hashlib
import re
import sys
import time
import xml.etree.ElementTree as ET
from collections import defaultdict
from itertools import combinations
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data" / "ecbplus"
sys.path.insert(0, str(ROOT / "src"))

NO_SPACE_BEFORE = re.compile(r"^(?:[.,;:!?%)\]}]|'s|'S|n't|'re|'ve|'ll|'d|'m|''|\.\.\.)$")
NO_SPACE_AFTER = {"(", "[", "{", "$", "``"}


def load_topic(topic_dir: Path) -> list[dict]:
    """Articles of one topic: text, sentence spans and event-chain ids per sentence."""
    docs = []
    for path in sorted(topic_dir.glob("*.xml")):
        root = ET.parse(path).getroot()
        tokens = [(int(t.get("t_id")), int(t.get("sentence")), t.text or "") for t in root.iter("token")]
        token_sentence = {tid: s for tid, s, _ in tokens}
        text_parts: list[str] = []
        spans: dict[int, list[int]] = {}
        length = 0
        previous_sentence = None
        previous_token = ""
        for _tid, sentence, word in tokens:
            if sentence != previous_sentence:
                if previous_sentence is not None:
                    text_parts.append("\n")
                    length += 1
                spans[sentence] = [length, length]
                sep = ""
            else:
                sep = "" if NO_SPACE_BEFORE.match(word) or previous_token in NO_SPACE_AFTER else " "
            text_parts.append(sep + word)
            length += len(sep) + len(word)
            spans[sentence][1] = length
            previous_sentence, previous_token = sentence, word
        mention_sentences: dict[str, set[int]] = {}
        mention_kind: dict[str, str] = {}
        markables = root.find("Markables")
        if markables is not None:
            for element in markables:
                anchors = [int(a.get("t_id")) for a in element.findall("token_anchor")]
                if anchors:
                    mention_sentences[element.get("m_id")] = {token_sentence[a] for a in anchors if a in token_sentence}
                    mention_kind[element.get("m_id")] = element.tag
        chains: dict[int, set[str]] = defaultdict(set)
        relations = root.find("Relations")
        if relations is not None:
            for relation in relations.findall("CROSS_DOC_COREF"):
                note = relation.get("note") or ""
                for source in relation.findall("source"):
                    kind = mention_kind.get(source.get("m_id"), "")
                    if kind.startswith(("ACTION", "NEG")):
                        for sentence in mention_sentences.get(source.get("m_id"), ()):
                            chains[sentence].add(note)
        docs.append(
            {
                "name": path.stem,
                "text": "".join(text_parts),
                "spans": {s: tuple(v) for s, v in spans.items()},
                "chains": dict(chains),
            }
        )
    return docs


def annotated_sentences() -> dict[str, set[tuple[str, int]]]:
    """topic -> {(doc name, sentence number)} from the coreference index."""
    out: dict[str, set[tuple[str, int]]] = defaultdict(set)
    with open(DATA / "ECBplus_coreference_sentences.csv", newline="") as handle:
        for row in csv.DictReader(handle):
            out[row["Topic"]].add((f"{row['Topic']}_{row['File']}", int(row["Sentence Number"])))
    return out


def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def best_threshold(scores: np.ndarray, gold: np.ndarray) -> tuple[float, float, float, float]:
    order = np.argsort(-scores)
    sorted_gold = gold[order]
    tp = np.cumsum(sorted_gold)
    fp = np.cumsum(~sorted_gold)
    total = gold.sum()
    precision = tp / np.maximum(tp + fp, 1)
    recall = tp / max(total, 1)
    f1 = np.where(precision + recall > 0, 2 * precision * recall / np.maximum(precision + recall, 1e-12), 0)
    k = int(np.argmax(f1))
    return float(precision[k]), float(recall[k]), float(f1[k]), float(scores[order][k])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--topics", help="comma-separated topic numbers (default: all present)")
    parser.add_argument("--fit", action="store_true", help="refit the pair weights and print them")
    parser.add_argument("--cv", action="store_true", help="odd/even topic cross-validation of the pair weights")
    parser.add_argument("--no-minilm", action="store_true", help="skip the MiniLM baseline")
    parser.add_argument("--threshold", type=float, help="override AlignSettings.threshold (tuning)")
    parser.add_argument(
        "--set", action="append", default=[], metavar="NAME=VALUE",
        help="override a numeric field of storylens.align.AlignSettings, e.g. other_event_penalty=0 (before/after runs)",
    )
    parser.add_argument("--embedder", choices=["auto", "static", "minilm"], default="auto")
    parser.add_argument("--db", default="/tmp/storylens-bench-ecb.db", help="annotation cache")
    parser.add_argument(
        "--facts", choices=["propositions", "events"], default="propositions",
        help="the fact builder: one proposition per fact (default) or the issue-5 event clusters",
    )
    args = parser.parse_args()
    if not DATA.exists():
        print(f"skip: {DATA} not found")
        return 0

    from sklearn.feature_extraction.text import TfidfVectorizer

    from storylens import align
    from storylens.annotate import annotate_articles
    from storylens.compare import CompareSettings, compare_story
    from storylens.group import one_story
    from storylens.pipeline import story_sub_events
    from storylens.records import Article, Comparison
    from storylens.store import Store

    settings = align.AlignSettings()
    if args.threshold is not None:
        settings = dataclasses.replace(settings, threshold=args.threshold)
    for setting in args.set:
        name, _, value = setting.partition("=")
        name = name.lower()  # the old constant names (OTHER_EVENT_PENALTY) still work
        current = getattr(settings, name, None)
        if not isinstance(current, int | float):
            parser.error(f"--set {setting}: storylens.align.AlignSettings has no numeric field {name}")
        settings = dataclasses.replace(settings, **{name: type(current)(float(value))})
    args.settings = settings
    from storylens.resources import get_embedder, get_static_embedder

    forced = {"auto": None, "static": get_static_embedder, "minilm": get_embedder}[args.embedder]
    embedder = forced() if forced else None
    gold_sentences = annotated_sentences()
    topics = sorted((p for p in (DATA / "topics").iterdir() if p.is_dir()), key=lambda p: int(p.name))
    if args.topics:
        wanted = set(args.topics.split(","))
        topics = [t for t in topics if t.name in wanted]

    pair_gold: list[bool] = []
    pair_ours: list[bool] = []
    pair_tfidf: list[float] = []
    pair_texts: list[tuple[str, str]] = []
    fit_x: list[np.ndarray] = []
    fit_y: list[np.ndarray] = []
    topic_samples: dict[str, tuple[int, int]] = {}  # topic -> slice of fit_x
    held: dict[str, tuple] = {}  # topic -> (articles, annotations, docs, items) for --cv
    if args.cv:
        args.fit = True
    seconds_annotate = seconds_compare = 0.0
    n_articles = n_sentences = 0
    store = Store(args.db)
    for topic_dir in topics:
        docs = load_topic(topic_dir)
        articles = []
        for doc in docs:
            article_id = "a-" + hashlib.sha256(doc["name"].encode()).hexdigest()[:12]
            doc["id"] = article_id
            articles.append(Article(id=article_id, source=doc["name"], outlet=doc["name"], text=doc["text"]))
        by_id = {a.id: a for a in articles}
        n_articles += len(articles)
        started = time.perf_counter()
        annotations = annotate_articles(articles, store=store)
        seconds_annotate += time.perf_counter() - started
        started = time.perf_counter()
        if args.fit:  # fitting only needs the pair features below
            comparison = Comparison()
        else:
            story = one_story(articles)
            comparison = compare_story(
                story, by_id, annotations, embedder=embedder, sub_events=story_sub_events(story, by_id, annotations),
                align_settings=settings, settings=CompareSettings(facts=args.facts),
            )
        seconds_compare += time.perf_counter() - started

        fact_claims: dict[str, list[tuple[str, int, int]]] = {
            fact.id: [(c.article_id, c.start, c.end) for c in fact.claims] for fact in comparison.facts
        }
        wanted = gold_sentences.get(topic_dir.name, set())
        items = []  # (doc, sentence number, span, chains, text)
        for doc in docs:
            for sentence, span in doc["spans"].items():
                if (doc["name"], sentence) in wanted:
                    items.append((doc, sentence, span, doc["chains"].get(sentence, set())))
        n_sentences += len(items)

        def facts_of(doc: dict, span: tuple[int, int], fact_claims=fact_claims) -> set[str]:
            return {
                fact_id
                for fact_id, spans in fact_claims.items()
                if any(a == doc["id"] and s < span[1] and e > span[0] for a, s, e in spans)
            }

        item_facts = [facts_of(doc, span) for doc, _, span, _ in items]
        all_texts = [d["text"][s:e] for d in docs for s, e in d["spans"].values()]
        vectorizer = TfidfVectorizer(stop_words="english", sublinear_tf=True).fit(all_texts)
        item_texts = [doc["text"][span[0] : span[1]] for doc, _, span, _ in items]
        tfidf = vectorizer.transform(item_texts)
        cosines = (tfidf @ tfidf.T).toarray()
        for a, b in combinations(range(len(items)), 2):
            if items[a][0]["name"] == items[b][0]["name"]:
                continue
            pair_gold.append(bool(items[a][3] & items[b][3]))
            pair_ours.append(bool(item_facts[a] & item_facts[b]))
            pair_tfidf.append(float(cosines[a, b]))
            pair_texts.append((item_texts[a], item_texts[b]))

        if args.cv:
            held[topic_dir.name] = (articles, annotations, docs, items)
        if args.fit:
            first_sample = len(fit_x)
            x_topic, y_topic = pair_samples(articles, annotations, docs, items, embedder)
            fit_x.extend(x_topic)
            fit_y.extend(y_topic)
            topic_samples[topic_dir.name] = (first_sample, len(fit_x))
        print(f"topic {topic_dir.name}: {len(articles)} articles, {len(items)} annotated sentences", file=sys.stderr)

    if args.cv:
        return cross_validate(args, held, topic_samples, fit_x, fit_y, embedder)
    gold = np.array(pair_gold)
    ours = np.array(pair_ours)
    tp = int((gold & ours).sum())
    fp = int((~gold & ours).sum())
    fn = int((gold & ~ours).sum())
    p, r, f = prf(tp, fp, fn)
    print(f"ECB+ claim alignment: {len(topics)} topics, {n_articles} articles, {n_sentences} annotated sentences, "
          f"{len(gold)} pairs ({int(gold.sum())} gold positive)")
    print(f"{'method':<34} {'P':>6} {'R':>6} {'F1':>6}  threshold")
    print(f"{'storylens align+compare':<34} {p:6.3f} {r:6.3f} {f:6.3f}  (fixed, no oracle)")
    bp, br, bf, bt = best_threshold(np.array(pair_tfidf), gold)
    print(f"{'baseline TF-IDF cosine (best thr)':<34} {bp:6.3f} {br:6.3f} {bf:6.3f}  {bt:.3f}")
    if not args.no_minilm:
        from storylens.resources import get_embedder

        texts = sorted({t for pair in pair_texts for t in pair})
        vectors = get_embedder().embed(texts)
        row = {t: i for i, t in enumerate(texts)}
        minilm = np.array([float(vectors[row[a]] @ vectors[row[b]]) for a, b in pair_texts])
        mp, mr, mf, mt = best_threshold(minilm, gold)
        print(f"{'baseline MiniLM cosine (best thr)':<34} {mp:6.3f} {mr:6.3f} {mf:6.3f}  {mt:.3f}")
    print(f"time: annotate {seconds_annotate:.1f} s (cached after first run), align+compare {seconds_compare:.1f} s")
    if args.fit and args.embedder == "auto":
        print("--fit needs --embedder static or minilm")
    if args.fit and fit_x:
        from sklearn.linear_model import LogisticRegression

        x = np.array(fit_x)
        y = np.array(fit_y)
        model = LogisticRegression(C=1.0, max_iter=2000, class_weight=None).fit(x, y)
        print("fitted on", len(y), "claim pairs,", int(y.sum()), "positive")
        print(f'"{args.embedder}": ({np.round(model.coef_[0], 2).tolist()}, {round(float(model.intercept_[0]), 2)}),')
        for name, w in zip(align.FEATURES, model.coef_[0], strict=True):
            print(f"  {name:<12} {w:+.2f}")
    return 0


def topic_inputs(topic_dir: Path, store, gold_sentences: dict) -> tuple[list, dict, list[dict], list]:
    """One topic's articles, their annotations (cached in ``store``), docs and annotated sentences."""
    from storylens.annotate import annotate_articles
    from storylens.records import Article

    docs = load_topic(topic_dir)
    articles = []
    for doc in docs:
        doc["id"] = "a-" + hashlib.sha256(doc["name"].encode()).hexdigest()[:12]
        articles.append(Article(id=doc["id"], source=doc["name"], outlet=doc["name"], text=doc["text"]))
    annotations = annotate_articles(articles, store=store)
    wanted = gold_sentences.get(topic_dir.name, set())
    items = [
        (doc, sentence, span, doc["chains"].get(sentence, set()))
        for doc in docs
        for sentence, span in doc["spans"].items()
        if (doc["name"], sentence) in wanted
    ]
    return articles, annotations, docs, items


def pair_samples(articles, annotations, docs: list[dict], items: list, embedder) -> tuple[list, list]:
    """Pair features (align.FEATURES) and gold labels of the claim pairs over annotated
    sentences in different articles: what the pair model is fitted on."""
    from storylens import align

    by_id = {a.id: a for a in articles}
    claims = []
    entity_index = align.EntityIndex.build(annotations[a.id] for a in articles)
    for article in articles:
        claims.extend(align.extract_claims(article, annotations[article.id], entity_index))
    vectors = align.embed_claims(claims, embedder)
    places = {p.name: p for ann in annotations.values() for p in ann.places}
    scorer = align.PairScorer(claims, by_id, vectors, places=places)
    index_of_doc = {d["id"]: d for d in docs}
    claim_item = []
    for i, claim in enumerate(claims):
        doc = index_of_doc[claim.article_id]
        for k, (d, _, span, _) in enumerate(items):
            if d is doc and claim.start < span[1] and claim.end > span[0]:
                claim_item.append((i, k))
    xs: list[np.ndarray] = []
    ys: list[bool] = []
    if claim_item:
        idx = np.array(sorted({i for i, _ in claim_item}))
        feats = scorer.features(idx)
        pos = {c: n for n, c in enumerate(idx)}
        for (i, ka), (j, kb) in combinations(claim_item, 2):
            if items[ka][0] is items[kb][0]:
                continue
            xs.append(feats[:, pos[i], pos[j]])
            ys.append(bool(items[ka][3] & items[kb][3]))
    return xs, ys


def pair_labels(comparison, docs: list[dict], items: list) -> tuple[list[bool], list[bool]]:
    """Gold and predicted labels of every annotated sentence pair of one topic."""
    spans_of = {fact.id: [(c.article_id, c.start, c.end) for c in fact.claims] for fact in comparison.facts}
    item_facts = [
        {f for f, spans in spans_of.items() if any(a == doc["id"] and s < span[1] and e > span[0] for a, s, e in spans)}
        for doc, _, span, _ in items
    ]
    gold, ours = [], []
    for a, b in combinations(range(len(items)), 2):
        if items[a][0]["name"] != items[b][0]["name"]:
            gold.append(bool(items[a][3] & items[b][3]))
            ours.append(bool(item_facts[a] & item_facts[b]))
    return gold, ours


def cross_validate(args, held: dict, topic_samples: dict, fit_x: list, fit_y: list, embedder) -> int:
    """Fit on odd topics, score even ones (and back): held-out P/R/F1."""
    from sklearn.linear_model import LogisticRegression

    from storylens import align
    from storylens.compare import CompareSettings, compare_story
    from storylens.group import one_story
    from storylens.pipeline import story_sub_events

    if args.embedder == "auto":
        print("--cv needs --embedder static or minilm")
        return 2
    x, y = np.array(fit_x, dtype=np.float32), np.array(fit_y)
    halves = {"odd": [t for t in held if int(t) % 2], "even": [t for t in held if not int(t) % 2]}
    base = args.settings
    saved = base.model_weights[args.embedder]
    shipped_trees = align.pair_model(args.embedder, base)  # trees score mixed-event stories when shipped
    if shipped_trees is not None:
        sys.path.insert(0, str(ROOT / "scripts"))
        from fit_align_model import fit_trees

        from storylens.models import TreeModel
    total_gold: list[bool] = []
    total_ours: list[bool] = []
    total_fixed: list[bool] = []
    for train, test in (("odd", "even"), ("even", "odd")):
        rows = np.concatenate([np.arange(*topic_samples[t]) for t in halves[train] if t in topic_samples])
        model = LogisticRegression(C=1.0, max_iter=2000).fit(x[rows], y[rows])
        weights = ([round(float(w), 2) for w in model.coef_[0]], round(float(model.intercept_[0]), 2))
        refit_trees = None
        if shipped_trees is not None:
            refit_trees = TreeModel.from_json(fit_trees(x[rows], y[rows]), features=align.FEATURES)
        for label, setting, trees in (("refit", weights, refit_trees), ("shipped", saved, shipped_trees)):
            settings = dataclasses.replace(
                base,
                model_weights={**base.model_weights, args.embedder: setting},
                pair_models={**(base.pair_models or {}), args.embedder: trees},
            )
            gold, ours = [], []
            for t in halves[test]:
                articles, annotations, docs, items = held[t]
                by_id = {a.id: a for a in articles}
                story = one_story(articles)
                events = story_sub_events(story, by_id, annotations)
                comparison = compare_story(
                    story, by_id, annotations, embedder=embedder, sub_events=events, align_settings=settings,
                    settings=CompareSettings(facts=args.facts),
                )
                g, o = pair_labels(comparison, docs, items)
                gold += g
                ours += o
            gold_a, ours_a = np.array(gold), np.array(ours)
            p, r, f = prf(int((gold_a & ours_a).sum()), int((~gold_a & ours_a).sum()), int((gold_a & ~ours_a).sum()))
            origin = f"fitted on {train} topics" if label == "refit" else "fitted on all topics"
            print(f"{label:>7} weights ({origin}) -> scored on {test}: P {p:.3f} R {r:.3f} F1 {f:.3f}")
            if label == "refit":
                total_gold += gold
                total_ours += ours
                print(f'         "{args.embedder}": {weights},' + (" (and refit trees)" if trees else ""))
            else:
                total_fixed += ours
    gold_a = np.array(total_gold)
    for label, predicted in (("refit (held-out)", total_ours), ("shipped (fitted on all topics)", total_fixed)):
        ours_a = np.array(predicted)
        p, r, f = prf(int((gold_a & ours_a).sum()), int((~gold_a & ours_a).sum()), int((gold_a & ~ours_a).sum()))
        print(f"both halves, {label}: P {p:.3f} R {r:.3f} F1 {f:.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
