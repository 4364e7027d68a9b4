"""Grouping at scale: time and peak memory at 5k, 10k and 20k articles (2 cores).

Articles are rewrites of real news texts read at run time from ../shared/data
(ECB+, PolNeAR, Multi-News): each base text becomes a story of several
variants (a random quarter of the sentences dropped, the body paragraphs
reordered, published within two days of each other), so the corpus has
realistic story sizes and vocabulary. Grouping reads dense vectors from the
store's cache (as after ingest); here the cache holds seeded stand-in vectors,
since grouping cost does not depend on their values, and the MiniLM embedding
cost (per article, linear) is measured on its own ("embed" rows). Each size runs in a fresh subprocess so
peak RSS is its own. Baseline in the same run: all-pairs TF-IDF cosine +
scikit-learn average-link (what bench/grouping.py compares quality with),
at the sizes where its n^2 distance matrix still fits.

    nice -n 10 .venv/bin/python bench/grouping_scale.py [--sizes 5000,10000,20000]
"""

from __future__ import annotations

import argparse
import ast
import csv
import json
import random
import resource
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))


def base_texts() -> list[str]:
    from grouping import load_ecbplus

    texts = [text for _, _, text in load_ecbplus(DATA / "ecbplus" / "topics")]
    texts += [
        p.read_text(encoding="utf-8") for p in sorted((DATA / "polnear").glob("*/text/*.txt"))
    ]
    csv.field_size_limit(1 << 30)
    with open(DATA / "multinews" / "validation.csv", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            try:
                texts += [d.replace(" \n ", "\n") for d in ast.literal_eval(row["documents"])]
            except (ValueError, SyntaxError):
                continue
    return [t for t in texts if len(t) > 300]


def corpus(size: int, seed: int = 13):
    from storylens.records import Article

    texts = base_texts()
    rng = random.Random(seed)
    start = date(2024, 1, 1)
    base_day = [start + timedelta(days=rng.randrange(365)) for _ in texts]
    articles = []
    for j in range(size):
        b = j % len(texts)
        lines = [line for line in texts[b].split("\n") if line.strip()]
        head, body = lines[:1], lines[1:]
        body = [line for line in body if rng.random() > 0.25] or body[:1]
        rng.shuffle(body)
        day = base_day[b] + timedelta(days=rng.randrange(3))
        articles.append(
            Article(
                id=f"a{j:06d}",
                source=f"synthetic/{j}.txt",
                outlet=f"outlet-{rng.randrange(40)}",
                published=day.isoformat(),
                text="\n".join(head + body),
            )
        )
    return articles


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child(size: int, method: str) -> dict:
    articles = corpus(size)
    before = peak_mb()
    out = {"size": size, "method": method}
    if method == "embed":
        from storylens import group
        from storylens.resources import get_embedder

        embedder = get_embedder()
        t0 = time.perf_counter()
        group.embed_leads(articles, embedder=embedder)
        out["total_s"] = time.perf_counter() - t0
    elif method == "storylens":
        from storylens import group

        # Stand-in for the MiniLM vectors the store caches at ingest: one seeded
        # random unit vector per base text, plus noise per variant. Grouping cost
        # does not depend on the values; embedding cost is measured on its own.
        rng = np.random.default_rng(5)
        bases = rng.normal(size=(len(base_texts()), 384)).astype(np.float32)
        cache = {}
        for j, article in enumerate(articles):
            v = bases[j % len(bases)] + 0.5 * rng.normal(size=384).astype(np.float32)
            cache[article.id] = (v / np.linalg.norm(v)).astype(np.float32).tobytes()

        class Cached:
            dim = 384
            name = "cached"

            def embed(self, texts):
                raise AssertionError("every vector comes from the cache")

        class CacheStore:  # the two calls grouping makes on a store
            def get_cache(self, kind, key):
                return cache[key]

            def put_cache(self, kind, items):
                pass

            def corrections(self):
                return []

        before = peak_mb()
        t0 = time.perf_counter()
        groups = group.group_articles(articles, {}, store=CacheStore(), embedder=Cached())
        out["total_s"] = time.perf_counter() - t0
        out["stories"] = len(groups)
        out["largest"] = max(len(g.article_ids) for g in groups)
    else:
        from sklearn.cluster import AgglomerativeClustering
        from sklearn.feature_extraction.text import TfidfVectorizer

        t0 = time.perf_counter()
        x = TfidfVectorizer(stop_words="english", sublinear_tf=True).fit_transform(
            [a.text for a in articles]
        )
        distance = 1 - (x @ x.T).toarray()
        labels = AgglomerativeClustering(
            n_clusters=None, metric="precomputed", linkage="average", distance_threshold=0.82
        ).fit_predict(distance)
        out["total_s"] = time.perf_counter() - t0
        out["stories"] = int(labels.max()) + 1
    out["peak_rss_mb"] = peak_mb()
    out["grouping_rss_mb"] = peak_mb() - before
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="5000,10000,20000")
    parser.add_argument("--baseline-sizes", default="2500,5000")
    parser.add_argument("--embed-sizes", default="500")
    parser.add_argument("--child", nargs=2, metavar=("SIZE", "METHOD"))
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(int(args.child[0]), args.child[1])))
        return
    if not (DATA / "ecbplus").is_dir():
        print(f"skipped: {DATA} not found")
        return
    runs = [(int(s), "embed") for s in args.embed_sizes.split(",") if s]
    runs += [(int(s), "storylens") for s in args.sizes.split(",")]
    runs += [(int(s), "baseline") for s in args.baseline_sizes.split(",") if s]
    for size, method in runs:
        result = subprocess.run(
            [sys.executable, __file__, "--child", str(size), method],
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0:
            print(f"{method} {size}: failed\n{result.stderr[-2000:]}")
            continue
        r = json.loads(result.stdout.strip().splitlines()[-1])
        detail = {
            "storylens": f"{r.get('stories')} stories (largest {r.get('largest')}), vectors cached",
            "baseline": f"{r.get('stories')} stories",
            "embed": "MiniLM int8 vectors of title + opening (per article, linear)",
        }[method]
        print(
            f"{method:<10} {size:>6} articles: {r['total_s']:7.1f}s "
            f"({size / r['total_s']:6.0f} articles/s), peak RSS {r['peak_rss_mb']:6.0f} MB "
            f"(+{r['grouping_rss_mb']:.0f} MB while grouping) — {detail}",
            flush=True,
        )


if __name__ == "__main__":
    main()
