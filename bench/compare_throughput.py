"""Align + compare throughput on a 50-article, ~2,000-sentence story (issue 5).

Articles are real news from ../shared/data/multinews (validation clusters,
taken in order until 50 articles), annotated first (not timed here: that is
the annotation stage, cached by content hash). Then compare_story - claims,
embeddings, pair scoring, clustering, statuses, outlet views - is timed, cold
(models loaded in the timed run) and warm. Baseline in the same process: the
naive route of embedding every sentence with MiniLM (what the story would cost
with the better embedder alone, before any alignment work).

    nice -n 10 .venv/bin/python bench/compare_throughput.py [--articles 50]
"""

from __future__ import annotations

import argparse
import ast
import csv
import hashlib
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data" / "multinews" / "validation.csv"
sys.path.insert(0, str(ROOT / "src"))


def load_articles(count: int, min_chars: int = 2500):
    from storylens.records import Article

    csv.field_size_limit(1 << 30)
    articles = []
    with open(DATA, newline="") as handle:
        for row_number, row in enumerate(csv.DictReader(handle)):
            for n, text in enumerate(ast.literal_eval(row["documents"])):
                text = text.replace(" \n \n ", "\n\n").strip()
                if len(text) < min_chars:
                    continue
                article_id = "a-" + hashlib.sha256(text.encode()).hexdigest()[:12]
                articles.append(
                    Article(id=article_id, source=f"multinews:{row_number}:{n}", outlet=f"outlet-{len(articles) % 37}", text=text)
                )
                if len(articles) == count:
                    return articles
    return articles


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=50)
    parser.add_argument("--baseline-sample", type=int, default=500, help="sentences MiniLM embeds (rate x all)")
    parser.add_argument("--db", default="/tmp/storylens-bench-throughput.db")
    args = parser.parse_args()
    if not DATA.exists():
        print(f"skip: {DATA} not found")
        return 0
    import resource

    from storylens.annotate import annotate_articles
    from storylens.compare import compare_story
    from storylens.group import one_story
    from storylens.pipeline import story_sub_events
    from storylens.store import Store

    articles = load_articles(args.articles)
    by_id = {a.id: a for a in articles}
    annotations = annotate_articles(articles, store=Store(args.db))
    sentences = sum(len(a.sentences) for a in annotations.values())
    group = one_story(articles)

    started, cpu = time.perf_counter(), time.process_time()
    comparison = compare_story(group, by_id, annotations, sub_events=story_sub_events(group, by_id, annotations))
    cold, cold_cpu = time.perf_counter() - started, time.process_time() - cpu
    started, cpu = time.perf_counter(), time.process_time()
    comparison = compare_story(group, by_id, annotations, sub_events=story_sub_events(group, by_id, annotations))
    warm, warm_cpu = time.perf_counter() - started, time.process_time() - cpu
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    claims = len({c.id for f in comparison.facts for c in f.claims})

    from storylens.resources import get_embedder

    texts = [s.text for a in annotations.values() for s in a.sentences]
    sample = texts[:: max(1, len(texts) // args.baseline_sample)][: args.baseline_sample]
    embedder = get_embedder()
    embedder.embed(sample[:8])
    started = time.perf_counter()
    embedder.embed(sample)
    baseline = (time.perf_counter() - started) * len(texts) / len(sample)  # same rate, all sentences

    statuses = {}
    for fact in comparison.facts:
        statuses[fact.status] = statuses.get(fact.status, 0) + 1
    print(f"story: {len(articles)} articles, {sentences} sentences, {claims} claims -> {len(comparison.facts)} facts {statuses}")
    print(f"storylens compare_story, cold (loads models): {cold:6.2f} s wall, {cold_cpu:6.2f} s CPU  ({sentences / cold:5.0f} sentences/s)")
    print(f"storylens compare_story, warm:                {warm:6.2f} s wall, {warm_cpu:6.2f} s CPU  ({sentences / warm:5.0f} sentences/s)")
    print(f"machine load average during the run: {os.getloadavg()[0]:.1f} (2 cores)")
    print(f"baseline: MiniLM-embed every sentence only:   {baseline:6.2f} s  ({sentences / baseline:7.0f} sentences/s; rate on {len(sample)} sampled)")
    print(f"ratio baseline/storylens (warm): {baseline / warm:.1f}x; peak RSS {peak_mb:.0f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
