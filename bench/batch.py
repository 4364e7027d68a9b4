"""`storylens batch` throughput: Spark local[1] and local[2] against the local process pool.

Corpora (read at run time, written to a temporary folder as JSON Lines):
- ``multinews``: every Multi-News validation article of over 300 characters (648 real
  articles in 250 clusters); cluster i is dated 2024-01-01 + i//2 days, its articles
  spread over outlets, so each 7-day window holds about 14 clusters to tell apart;
- ``gen-N``: N rewritten real articles (bench/grouping_scale.py's generator: stories
  of variants of ECB+, PolNeAR and Multi-News texts, dated over a year).

Each run is a fresh ``storylens batch`` process (nothing cached) into a fresh DIR;
the process tree is sampled every 0.25 s for the peak RSS of the driver, of the
largest Python worker and of the JVM. Reported: articles/s, per-stage seconds (from
DIR/summary.json), peak memory, the 1 -> 2 core speed-up, and what drives cost:
staged bytes (what the window shuffle moves, each article twice), the largest
window and the largest story.

    nice -n 10 .venv/bin/python bench/batch.py [--corpora multinews,gen-5000]
        [--engines spark1,spark2,local] [--json results.json] [--keep DIR]
    nice -n 10 .venv/bin/python bench/batch.py --growth DIR/out-multinews-local
"""

from __future__ import annotations

import argparse
import ast
import csv
import json
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

ENGINES = {
    "spark1": ["--engine", "spark", "--master", "local[1]"],
    "spark2": ["--engine", "spark", "--master", "local[2]"],
    "local": ["--engine", "local", "--workers", "2"],
    "local1": ["--engine", "local", "--workers", "1"],
}


def multinews(folder: Path, limit: int | None = None) -> Path | None:
    source = DATA / "multinews" / "validation.csv"
    if not source.exists():
        return None
    csv.field_size_limit(1 << 30)
    lines = []
    with open(source, encoding="utf-8") as handle:
        for i, row in enumerate(csv.DictReader(handle)):
            try:
                docs = ast.literal_eval(row["documents"])
            except (ValueError, SyntaxError):
                continue
            day = date(2024, 1, 1) + timedelta(days=i // 2)
            for j, doc in enumerate(d for d in docs if len(d) > 300):
                lines.append({"maintext": doc.replace(" \n ", "\n"), "source_domain": f"outlet-{(i + j) % 37}",
                              "date_publish": f"{day.isoformat()} {8 + j:02d}:00:00",
                              "url": f"https://outlet-{(i + j) % 37}.example/mn-{i}-{j}"})
    lines = lines[:limit] if limit else lines  # whole clusters first: the first N in file order
    path = folder / "multinews.jsonl"
    path.write_text("\n".join(json.dumps(x) for x in lines) + "\n", encoding="utf-8")
    return path


def generated(folder: Path, size: int) -> Path:
    from grouping_scale import corpus

    path = folder / f"gen-{size}.jsonl"
    with path.open("w", encoding="utf-8") as handle:
        for article in corpus(size):
            handle.write(json.dumps({"maintext": article.text, "source_domain": article.outlet,
                                     "date_publish": article.published,
                                     "url": f"https://{article.outlet}.example/{article.id}"}) + "\n")
    return path


def run(input_path: Path, engine: str, out: Path, until: str = "all") -> dict:
    """One fresh batch process; wall time, summary and peak RSS per kind of process."""
    import psutil

    command = [sys.executable, "-m", "storylens", "batch", str(input_path), "--out", str(out), *ENGINES[engine],
               "--until", until]
    env = {"PYTHONPATH": str(ROOT / "src"), "PATH": "/usr/bin:/bin", "HOME": "/tmp"}
    start = time.perf_counter()
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    root = psutil.Process(process.pid)
    peaks: dict[int, tuple[str, int]] = {}
    while process.poll() is None:
        try:
            tree = [root, *root.children(recursive=True)]
        except psutil.Error:
            tree = []
        for p in tree:
            try:
                rss = p.memory_info().rss
                kind = "driver" if p.pid == root.pid else ("jvm" if "java" in p.name() else "worker")
            except psutil.Error:
                continue
            if rss > peaks.get(p.pid, ("", 0))[1]:
                peaks[p.pid] = (kind, rss)
        time.sleep(0.25)
    wall = time.perf_counter() - start
    stdout, stderr = process.communicate()
    summary = json.loads((out / "summary.json").read_text()) if (out / "summary.json").exists() else {}
    mib = 1 << 20

    def peak(kind: str) -> float:
        return round(max((rss for k, rss in peaks.values() if k == kind), default=0) / mib)

    staged = sum(p.stat().st_size for p in (out / "_work" / "inputs").rglob("*.parquet"))
    return {
        "engine": engine, "exit": process.returncode, "wall_s": round(wall, 1),
        "articles": summary.get("articles"), "stories": summary.get("stories"), "facts": summary.get("facts"),
        "articles_per_s": round((summary.get("articles") or 0) / wall, 2), "stages_s": summary.get("seconds"),
        "peak_mib": {"driver": peak("driver"), "largest_worker": peak("worker"), "jvm": peak("jvm"),
                     "workers_seen": sum(1 for k, _ in peaks.values() if k == "worker")},
        "staged_mib": round(staged / mib, 1), "line": stdout.strip().splitlines()[-1:] or stderr[-300:],
        "shape": shape(out),
    }


def shape(out: Path) -> dict:
    """What drives cost: the largest window (articles), story sizes."""
    import pyarrow.parquet as pq

    from storylens.batch.plan import windows_of

    try:
        articles = pq.read_table(out / "tables" / "articles", columns=["published", "story_id"]).to_pylist()
    except Exception:  # noqa: BLE001 - a failed run has no tables; the exit code says so
        return {}
    windows = Counter(w for a in articles for w in windows_of((a["published"] or "")[:10] or None, 7))
    sizes = sorted(Counter(a["story_id"] for a in articles).values(), reverse=True)
    return {"largest_window": max(windows.values(), default=0), "windows": len(windows),
            "largest_story": sizes[0] if sizes else 0, "stories_over_10": sum(1 for s in sizes if s > 10)}


def growth(out: Path) -> list[dict]:
    """Cost of the two stages that are not per article, on a finished run's staged rows:
    one window's grouping at growing window sizes, one story's compare at growing story sizes."""
    import pyarrow.parquet as pq

    from storylens.batch.plan import compare_story_rows, group_window

    rows = [r for p in sorted((out / "_work" / "inputs").rglob("*.parquet"))
            for r in pq.read_table(p).to_pylist() if r["kind"] == "article"]
    rows.sort(key=lambda r: (r["published"] or "", r["id"]))
    found = []
    group_window("warm", rows[:8])  # models loaded before the clock starts
    for size in (40, 80, 160, 320, 640):
        if size > len(rows):
            break
        start = time.perf_counter()
        edges = group_window("w", rows[:size])
        found.append({"stage": "group one window", "articles": size, "seconds": round(time.perf_counter() - start, 2),
                      "edges": len(edges)})
        print(json.dumps(found[-1]), flush=True)
    for size in (3, 6, 12, 24):
        if size > len(rows):
            break
        story = [{**r, "story_id": "s-bench", "story_title": None, "story_day": r["day"], "reason": None,
                  "syndication_group": None, "duplicate_of": None} for r in rows[:size]]
        start = time.perf_counter()
        result = compare_story_rows(story, max_story=200, summary_words=120)
        facts = len(json.loads(result["report"])["stories"][0]["facts"])
        found.append({"stage": "compare one story", "articles": size,
                      "seconds": round(time.perf_counter() - start, 2), "facts": facts})
        print(json.dumps(found[-1]), flush=True)
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpora", default="multinews,gen-5000")
    parser.add_argument("--engines", default="spark1,spark2,local")
    parser.add_argument("--json", type=Path)
    parser.add_argument("--until", default="all", help="stop the runs after annotate or group")
    parser.add_argument("--keep", type=Path, help="write corpora and outputs here (kept)")
    parser.add_argument("--growth", type=Path, help="only time window and story growth on a finished DIR")
    args = parser.parse_args()
    if args.growth:
        growth(args.growth)
        return
    results = []
    with tempfile.TemporaryDirectory(prefix="storylens-batch-bench-") as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        for name in args.corpora.split(","):
            if name.startswith("multinews"):  # multinews or multinews-N (its first N articles)
                path = multinews(folder, int(name.split("-")[1]) if "-" in name else None)
            else:
                path = generated(folder, int(name.split("-")[1]))
            if path is None:
                print(f"{name}: ../shared/data/multinews is missing; skipped")
                continue
            for engine in args.engines.split(","):
                result = {"corpus": name, "until": args.until,
                          **run(path, engine, folder / f"out-{name}-{engine}", args.until)}
                results.append(result)
                print(json.dumps(result), flush=True)
                if args.json:
                    args.json.write_text(json.dumps(results, indent=1))
    by = {(r["corpus"], r["engine"]): r for r in results}
    for corpus in dict.fromkeys(r["corpus"] for r in results):
        one, two = by.get((corpus, "spark1")), by.get((corpus, "spark2"))
        if one and two and two["wall_s"]:
            print(f"{corpus}: Spark speed-up local[1] -> local[2] = {one['wall_s'] / two['wall_s']:.2f}x")


if __name__ == "__main__":
    main()
