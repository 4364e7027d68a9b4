"""Story grouping on a stream of same-kind events (issue 16): ECB+ interleaved over time.

ECB+ (../shared/data/ecbplus) holds per topic two real events of one kind (two
earthquakes, two arrests): gold story = topic + sub-topic. Here they arrive as a
stream with distinct dates, as a monitoring user sees them: topic t's first event
is reported on 2024-01-01 + 7t days and its second event 14 days later, each article
within two days of its event; topics overlap in time, so every week brings several
stories and the same kind of event recurs. Grouping reads the articles with those
dates (NAME.meta.json sidecars, ingest + clean + annotate + group as analyze does).
Baseline in the same run: TF-IDF cosine + average-link at its best single threshold,
chosen on this very set (bench/grouping.py's baseline; it flatters the baseline).
Reported: B-cubed and pairwise P/R/F1, and the pairwise precision over pairs of one
topic (the same kind of event), where over-merging shows.

    nice -n 5 .venv/bin/python bench/stream_grouping.py [--topics 1-12]
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))


def dated(docs, seed: int = 16) -> list[tuple[str, str, str, str]]:
    """(name, gold, text, published) with the stream's dates (see the module docstring)."""
    rng = random.Random(seed)
    out = []
    for name, gold, text in docs:
        topic, sub = (int(x) for x in gold.split("-"))
        day = date(2024, 1, 1) + timedelta(days=7 * topic + 14 * (sub - 1) + rng.randrange(3))
        out.append((name, gold, text, f"{day.isoformat()}T{8 + rng.randrange(10):02d}:00:00+00:00"))
    return out


def same_topic_precision(pred: list, gold: list) -> float:
    """Of the pairs grouped together whose articles share a topic, the share that share the event."""
    from itertools import combinations

    together = same = 0
    for i, j in combinations(range(len(pred)), 2):
        if pred[i] == pred[j] and gold[i].split("-")[0] == gold[j].split("-")[0]:
            together += 1
            same += gold[i] == gold[j]
    return same / together if together else 1.0


def main() -> int:
    from grouping import DATA, baseline, fmt, load_ecbplus

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--topics", default="", help="e.g. 1-12 (default: all)")
    args = parser.parse_args()
    if not DATA.is_dir():
        print(f"{DATA} is missing: skipped")
        return 0
    docs = load_ecbplus(DATA)
    if args.topics:
        lo, hi = (int(x) for x in args.topics.split("-"))
        docs = [d for d in docs if lo <= int(d[1].split("-")[0]) <= hi]
    stream = dated(docs)

    from storylens.annotate import annotate_articles
    from storylens.clean import assign_syndication
    from storylens.group import group_articles
    from storylens.pipeline import ingest
    from storylens.store import Store

    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp, Store(":memory:") as store:
        paths = []
        for name, _, text, published in stream:
            path = Path(tmp) / (name.removesuffix(".xml") + ".txt")
            path.write_text(text + "\n", encoding="utf-8")
            path.with_suffix(".meta.json").write_text(json.dumps({"published": published, "outlet": name}),
                                                      encoding="utf-8")
            paths.append(str(path))
        result = ingest(paths, store)
        articles = assign_syndication(list(store.articles(list(dict.fromkeys(result.article_ids)))))
        annotations = annotate_articles(articles, store=store)
        grouped = time.perf_counter()
        stories = group_articles(articles, annotations, store=store)
        grouping_s = time.perf_counter() - grouped
    gold_by_stem = {name.removesuffix(".xml"): gold for name, gold, *_ in stream}
    by_id = {a.id: a for a in articles}
    story_of = {a: s.id for s in stories for a in s.article_ids}
    ids = sorted(story_of, key=lambda a: by_id[a].source)
    pred = [story_of[a] for a in ids]
    gold = [gold_by_stem[Path(by_id[a].source).stem] for a in ids]
    print(f"ECB+ stream: {len(ids)} articles, {len(set(gold))} events in {len({g.split('-')[0] for g in gold})} "
          f"topics, dated over {7 * 36 + 16} days; analysed in {time.perf_counter() - started:.0f} s "
          f"(grouping {grouping_s:.1f} s)")
    _, labels, how = baseline([by_id[a].text for a in ids], gold)
    print(fmt("baseline TF-IDF average-link", labels, gold, f"[{how}]")
          + f" | same-topic pairwise P {same_topic_precision(list(labels), gold):.3f}")
    print(fmt("storylens grouping (dated)", pred, gold)
          + f" | same-topic pairwise P {same_topic_precision(pred, gold):.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
