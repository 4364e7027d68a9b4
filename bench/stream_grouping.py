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
topic (the same kind of event), where over-merging shows; storylens also without its
day-gap feature (weight 0, everything else equal) in the same run.

``--dates datelines`` reads each article with its own real dateline instead (the
"May 2, 2013" line most ECB+ sub-topic-2 files open with; the others stay undated):
there one event's reports span days to months (follow-ups), which a day-gap feature
must not split. ``--split held-out`` keeps the even topics (the day-gap weight was
chosen on the odd ones, ``--split tune``).

    nice -n 5 .venv/bin/python bench/stream_grouping.py [--topics 1-12] [--split held-out]
        [--dates stream|datelines] [--cache FILE]

(--cache: one file per --dates reading; a store keeps the dates an article was first read with.)
"""

from __future__ import annotations

import argparse
import json
import random
import re
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


_MONTH = r"(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?,?"
_DATELINES = (  # (pattern, groups of year, month, day): "May 2, 2013", "14 June 2013", "05 / 02 / 2013", "2013-09-26"
    (re.compile(_MONTH + r" (\d{1,2})(?:st|nd|rd|th)?,? (\d{4})\b", re.I), (3, 1, 2)),
    (re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)? " + _MONTH + r" (\d{4})\b", re.I), (3, 2, 1)),
    (re.compile(r"\b(\d{1,2}) ?/ ?(\d{1,2}) ?/ ?(\d{4})\b"), (3, 1, 2)),
    (re.compile(r"\b(\d{4}) ?- ?(\d{1,2}) ?- ?(\d{1,2})\b"), (1, 2, 3)),
)
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")


_DATELINE_WORDS = set(
    "published posted updated first last modified on at by am pm a p m et pt ct edt est pdt pst cdt cst "
    "gmt bst utc ist cet cest hrs mon tue tues wed thu thur thurs fri sat sun monday tuesday wednesday thursday friday "
    "saturday sunday".split()
)


def dateline(text: str) -> date | None:
    """The date of a dateline among an ECB+ file's first four lines ("May 2, 2013",
    "Posted on Thu Jun 13, 2013 08:45 AM PDT"), if any: a line holding a date and only
    dateline words; a date inside a sentence (a birth date, an earlier event) is not one."""
    for line in text.splitlines()[:4]:
        for pattern, (y, m, d) in _DATELINES:
            match = pattern.search(line)
            if match is None:
                continue
            rest = re.findall(r"[a-z]+", (line[: match.start()] + " " + line[match.end():]).lower())
            if not set(rest) <= _DATELINE_WORDS:
                continue
            month = match[m] if match[m].isdigit() else str(_MONTHS.index(match[m][:3].lower()) + 1)
            try:
                return date(int(match[y]), int(month), int(match[d]))
            except ValueError:
                continue
    return None


def datelined(docs) -> list[tuple[str, str, str, str | None]]:
    """(name, gold, text, published): each article dated by its own dateline, else undated."""
    out = []
    for name, gold, text in docs:
        day = dateline(text)
        out.append((name, gold, text, f"{day.isoformat()}T12:00:00+00:00" if day else None))
    return out


def in_split(gold: str, split: str) -> bool:
    """--split: tune = odd topics (the day-gap weight was chosen there), held-out = even."""
    odd = int(gold.split("-")[0]) % 2 == 1
    return split == "all" or (split == "tune") == odd


def read_stream(stream, store) -> tuple[list, dict]:
    """Ingest, clean and annotate the dated texts as analyze does: (articles, annotations)."""
    from storylens.annotate import annotate_articles
    from storylens.clean import assign_syndication
    from storylens.pipeline import ingest

    with tempfile.TemporaryDirectory() as tmp:
        paths = []
        for name, _, text, published in stream:
            path = Path(tmp) / (name.removesuffix(".xml") + ".txt")
            path.write_text(text + "\n", encoding="utf-8")
            meta = {"outlet": name} | ({"published": published} if published else {})
            path.with_suffix(".meta.json").write_text(json.dumps(meta), encoding="utf-8")
            paths.append(str(path))
        result = ingest(paths, store)
        articles = assign_syndication(list(store.articles(list(dict.fromkeys(result.article_ids)))))
    return articles, annotate_articles(articles, store=store)


def without_days_apart(articles, annotations, store) -> dict[str, int]:
    """Story label per article id from the grouping model with the day-gap weight at 0
    (empty when the model has no such feature)."""
    import numpy as np

    from storylens import group

    if "days_apart" not in group.FEATURES:  # a checkout from before the feature
        return {}
    profiles = group.build_profiles(articles, annotations, store=store)
    pairs = group.candidate_pairs(profiles)
    weights = group.WEIGHTS.copy()
    weights[group.FEATURES.index("days_apart")] = 0.0
    probability = group.pair_probability(group.pair_features(profiles, pairs), weights)
    labels, _ = group.cluster(profiles, pairs, probability, group.Constraints())
    return dict(zip(profiles.ids, np.asarray(labels).tolist(), strict=True))


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
    parser.add_argument("--split", choices=("all", "tune", "held-out"), default="all",
                        help="odd topics (tune), even topics (held-out) or all")
    parser.add_argument("--dates", choices=("stream", "datelines"), default="stream")
    parser.add_argument("--cache", help="SQLite file keeping annotations and vectors between runs")
    args = parser.parse_args()
    if not DATA.is_dir():
        print(f"{DATA} is missing: skipped")
        return 0
    docs = [d for d in load_ecbplus(DATA) if in_split(d[1], args.split)]
    if args.topics:
        lo, hi = (int(x) for x in args.topics.split("-"))
        docs = [d for d in docs if lo <= int(d[1].split("-")[0]) <= hi]
    stream = dated(docs) if args.dates == "stream" else datelined(docs)

    from storylens.group import group_articles
    from storylens.store import Store

    started = time.perf_counter()
    with Store(args.cache or ":memory:") as store:
        articles, annotations = read_stream(stream, store)
        grouped = time.perf_counter()
        stories = group_articles(articles, annotations, store=store)
        grouping_s = time.perf_counter() - grouped
        ablation = without_days_apart(articles, annotations, store)
    gold_by_stem = {name.removesuffix(".xml"): gold for name, gold, *_ in stream}
    by_id = {a.id: a for a in articles}
    story_of = {a: s.id for s in stories for a in s.article_ids}
    ids = sorted(story_of, key=lambda a: by_id[a].source)
    pred = [story_of[a] for a in ids]
    gold = [gold_by_stem[Path(by_id[a].source).stem] for a in ids]
    days = sorted(a.published_at.date() for a in articles if a.published_at)
    span = f"dated over {(days[-1] - days[0]).days + 1} days" if days else "undated"
    print(f"ECB+ {args.dates} ({args.split} topics): {len(ids)} articles ({len(days)} dated), "
          f"{len(set(gold))} events in {len({g.split('-')[0] for g in gold})} topics, {span}; "
          f"analysed in {time.perf_counter() - started:.0f} s (grouping {grouping_s:.1f} s)")
    _, labels, how = baseline([by_id[a].text for a in ids], gold)
    print(fmt("baseline TF-IDF average-link", labels, gold, f"[{how}]")
          + f" | same-topic pairwise P {same_topic_precision(list(labels), gold):.3f}")
    if ablation:
        before = [ablation[a] for a in ids]
        print(fmt("storylens, days_apart weight 0", before, gold)
              + f" | same-topic pairwise P {same_topic_precision(before, gold):.3f}")
    print(fmt("storylens grouping (dated)", pred, gold)
          + f" | same-topic pairwise P {same_topic_precision(pred, gold):.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
