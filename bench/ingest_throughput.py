"""Ingest throughput and peak memory: storylens.pipeline.ingest into an on-disk Store.

Runs, each in a fresh subprocess (so peak RSS belongs to that run alone):

* the bundled examples/ (whatever is there);
* 2,500 / 5,000 / 10,000 generated fictional articles (a mix of .txt with
  sidecars, .html pages with navigation/footer, and .jsonl files of 50
  news-please records), to show memory stays flat as the count grows;
* baseline, same files: plain reading + trafilatura.extract for HTML +
  json.loads for JSONL, no cleaning, no store.

    nice -n 10 .venv/bin/python bench/ingest_throughput.py [--write] [--sizes 2500,5000,10000]
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

NOTES = "Notes: memory stays flat as the count grows (peak RSS and the readers' traced heap peak are the same at 2.5k, 5k and 10k articles): folders are walked lazily, JSONL is read line by line, and `pipeline.ingest` commits in batches. storylens is slower than the baseline because it does more per article: two extraction passes plus metadata for HTML, the cleaning stage (normalisation, boilerplate, language id) and SQLite upserts; the baseline only reads and extracts. Timings vary by up to 2x between runs on this shared 2-core machine; compare rows of the same run."

PLACES = ["Velmora", "Ardo", "Lisk", "Granvik", "Port Ellery", "Ostby", "Karsa", "Tamberg", "Nordvik",
          "Selwyn Bay", "Marlow Falls", "Irvane", "Kestrel Point", "Dunmore", "Halvik"]
PEOPLE = ["Ilse Varga", "Tomas Reyk", "Anna Lindqvist", "Marta Oyelaran", "Ingrid Castellanos",
          "Tomasz Reyes", "Ida Berg", "Jonas Ekdahl", "Priya Natarajan", "Samuel Okafor", "Lena Hartmann"]
ROLES = ["the mayor", "a union spokesperson", "the regional governor", "the harbour master",
         "a police spokesperson", "the health minister", "an emergency services official"]
SUBJECTS = ["The council", "Fire crews", "Residents", "Dock workers", "Engineers", "The ministry",
            "Rescue teams", "Local businesses", "Farmers", "The port authority", "Hospital staff"]
VERBS = ["said", "warned", "confirmed", "told reporters", "announced", "added"]
EVENTS = ["a bridge closure", "a storm", "a strike", "flooding", "a power cut", "a ferry suspension",
          "a factory fire", "a landslide", "a water shortage", "a rail strike"]
OUTLETS = ["Lakeside Gazette", "Coast Daily", "Northern Post", "Valley Times", "Harbour Herald",
           "Island Courier", "Metro Ledger", "Plains Observer"]


def sentence(rng: random.Random) -> str:
    n = rng.randint(2, 400)
    return rng.choice([
        f"{rng.choice(SUBJECTS)} in {rng.choice(PLACES)} {rng.choice(['spent', 'lost', 'reported', 'expected'])} "
        f"{n} {rng.choice(['hours', 'homes', 'vehicles', 'workers', 'tonnes', 'beds'])} after {rng.choice(EVENTS)}, "
        f"{rng.choice(ROLES)} {rng.choice(VERBS)}.",
        f"\"We are {rng.choice(['not', 'still', 'now'])} {rng.choice(['ready', 'waiting', 'working'])} "
        f"to {rng.choice(['reopen', 'rebuild', 'respond', 'negotiate'])},\" said {rng.choice(PEOPLE)}.",
        f"According to {rng.choice(PEOPLE)}, {rng.choice(ROLES)}, about {n} people were affected on "
        f"{rng.choice(['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday'])}.",
        f"{rng.choice(PEOPLE)} {rng.choice(VERBS)} that {rng.choice(EVENTS)} in {rng.choice(PLACES)} "
        f"would cost {n} million {rng.choice(['euros', 'crowns', 'dollars'])}.",
    ])


def article(rng: random.Random, n: int) -> tuple[str, list[str]]:
    place = rng.choice(PLACES)
    title = f"{rng.choice(EVENTS).capitalize()} hits {place} ({n})"
    paragraphs = [" ".join(sentence(rng) for _ in range(rng.randint(2, 4))) for _ in range(rng.randint(4, 9))]
    paragraphs[0] = f"{place.upper()} - {paragraphs[0]}"
    return title, paragraphs


def generate(folder: Path, count: int, seed: int = 7) -> None:
    """count fictional articles: 40% .txt (+ sidecar), 30% .html, 30% in .jsonl files of 50."""
    rng = random.Random(seed)
    jsonl_lines: list[str] = []
    for n in range(count):
        title, paragraphs = article(rng, n)
        outlet = rng.choice(OUTLETS)
        published = f"2025-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}T{rng.randint(0, 23):02d}:00:00+00:00"
        kind = n % 10
        sub = folder / f"d{n // 1000:02d}"
        sub.mkdir(exist_ok=True)
        if kind < 4:
            (sub / f"a{n:05d}.txt").write_text(title + "\n\n" + "\n\n".join(paragraphs) + "\n", encoding="utf-8")
            if kind < 2:
                (sub / f"a{n:05d}.meta.json").write_text(json.dumps({"outlet": outlet, "published": published}))
        elif kind < 7:
            body = "".join(f"<p>{p}</p>\n" for p in paragraphs)
            (sub / f"a{n:05d}.html").write_text(
                f"<!DOCTYPE html><html lang='en'><head><title>{title} | {outlet}</title>"
                f"<meta property='og:site_name' content='{outlet}'>"
                f"<meta property='article:published_time' content='{published}'></head><body>"
                "<nav><a href='/'>Home</a> <a href='/news'>News</a> <a href='/sport'>Sport</a></nav>"
                f"<article><h1>{title}</h1>{body}</article>"
                "<aside><h3>Related</h3><ul><li><a href='/x'>Council meets on budget</a></li></ul></aside>"
                f"<footer>&copy; 2025 {outlet}. All rights reserved.</footer></body></html>", encoding="utf-8")
        else:
            jsonl_lines.append(json.dumps({
                "title": title, "maintext": "\n\n".join(paragraphs), "date_publish": published.replace("T", " ")[:19],
                "source_domain": outlet.lower().replace(" ", "") + ".example", "language": "en",
                "url": f"https://{outlet.lower().replace(' ', '')}.example/{n}"}))
            if len(jsonl_lines) == 50:
                (sub / f"j{n:05d}.jsonl").write_text("\n".join(jsonl_lines) + "\n", encoding="utf-8")
                jsonl_lines = []
    if jsonl_lines:
        (folder / "rest.jsonl").write_text("\n".join(jsonl_lines) + "\n", encoding="utf-8")


# ----------------------------------------------------------------------------- one measured run (child)


def child_storylens(folder: str, db: str) -> dict:
    from storylens.pipeline import ingest
    from storylens.store import Store

    start = time.perf_counter()
    with Store(db) as store:
        result = ingest([folder], store)
        stored = store.article_count()
    elapsed = time.perf_counter() - start
    return {"articles": len(result.article_ids), "stored": stored, "errors": len(result.errors),
            "seconds": elapsed}


def child_baseline(folder: str) -> dict:
    import trafilatura

    start = time.perf_counter()
    count = 0
    for path in sorted(Path(folder).rglob("*")):
        if path.name.endswith(".meta.json") or not path.is_file() or path.name.lower().startswith("readme"):
            continue
        if path.suffix in (".txt", ".md"):
            count += bool(path.read_text(encoding="utf-8").strip())
        elif path.suffix in (".html", ".htm"):
            count += bool(trafilatura.extract(path.read_bytes()))
        elif path.suffix == ".jsonl":
            with path.open(encoding="utf-8") as handle:
                count += sum(1 for line in handle if line.strip() and json.loads(line))
    return {"articles": count, "stored": 0, "errors": 0, "seconds": time.perf_counter() - start}


def child_iter_documents(folder: str) -> dict:
    """Ingest readers alone under tracemalloc: the Python heap peak of the stream."""
    import tracemalloc

    from storylens.ingest import iter_documents
    from storylens.records import Document

    tracemalloc.start()
    start = time.perf_counter()
    count = errors = 0
    for item in iter_documents([folder]):
        if isinstance(item, Document):
            count += 1
        else:
            errors += 1
    seconds = time.perf_counter() - start
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return {"articles": count, "stored": 0, "errors": errors, "seconds": seconds,
            "traced_peak_mb": peak / 1e6}


def child(mode: str, folder: str, db: str) -> None:
    # Warm imports outside the timed part so both systems are timed on the work itself.
    import trafilatura  # noqa: F401

    import storylens.clean  # noqa: F401
    import storylens.ingest  # noqa: F401

    runs = {"storylens": lambda: child_storylens(folder, db), "baseline": lambda: child_baseline(folder),
            "iter_documents": lambda: child_iter_documents(folder)}
    result = runs[mode]()
    result["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(result))


def measure(mode: str, folder: Path, db: Path) -> dict:
    out = subprocess.run([sys.executable, __file__, "--child", mode, str(folder), str(db)],
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


# ----------------------------------------------------------------------------- main


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--write", action="store_true")
    parser.add_argument("--sizes", default="2500,5000,10000")
    parser.add_argument("--child", nargs=3, metavar=("MODE", "FOLDER", "DB"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        cases: list[tuple[str, Path]] = []
        examples = ROOT / "examples"
        if any(examples.glob("*.*")):
            cases.append(("examples/", examples))
        for size in (int(s) for s in args.sizes.split(",") if s):
            folder = Path(tmp) / f"gen{size}"
            folder.mkdir()
            generate(folder, size)
            cases.append((f"{size:,} generated", folder))
        for label, folder in cases:
            for mode in ("storylens", "baseline", "iter_documents"):
                db = Path(tmp) / f"{mode}-{label.split()[0].strip('/').replace(',', '')}.db"
                result = measure(mode, folder, db)
                rate = result["articles"] / result["seconds"] if result["seconds"] else 0.0
                name = {"storylens": "storylens `pipeline.ingest` (read+extract+clean+SQLite)",
                        "baseline": "baseline: read + trafilatura.extract, no clean/store",
                        "iter_documents": "storylens `iter_documents` only, under tracemalloc"}[mode]
                traced = f"{result['traced_peak_mb']:.1f}" if "traced_peak_mb" in result else "-"
                row = (f"| {label} | {name} | {result['articles']} | {result['stored'] or '-'} | "
                       f"{result['errors']} | {result['seconds']:.1f} | {rate:.0f} | {result['peak_rss_mb']:.0f} | "
                       f"{traced} |")
                print(row, flush=True)
                rows.append(row)
    table = ["| input | system | articles | rows stored | errors | seconds | articles/s | peak RSS MB "
             "| traced heap peak MB |", "|---|---|---|---|---|---|---|---|---|", *rows]
    print("\n".join(table))
    if args.write:
        from _results import write_section

        body = ("Command: `nice -n 10 .venv/bin/python bench/ingest_throughput.py --write`\n\n"
                "Each row is a fresh subprocess (imports warmed before timing; peak RSS = ru_maxrss of "
                "that process, so it includes the interpreter and libraries; the tracemalloc row is "
                "the Python heap peak of the readers alone, slowed by tracing). Generated articles: "
                "fictional, 40% .txt (half with sidecars), 30% .html pages with nav/footer, 30% "
                "news-please records in .jsonl files of 50, in sub-folders of 1,000.\n\n" + "\n".join(table)
                + "\n\n" + NOTES)
        write_section("Ingest: throughput and memory", body)
        print("written to bench/RESULTS.md")


if __name__ == "__main__":
    main()
