"""MiniLM's CPU cost by batch size and ONNX threads, and that the outputs do not move (issue 16).

Sentences of the first Multi-News validation articles (bench/batch.py's reader, read at run
time from ../shared/data) are encoded alone (sentence vectors), in pairs (the judge's joint
reading) and for their word pieces, at each batch size, in a fresh MiniLMEmbedder per thread
count. Reported: wall and CPU seconds, and whether every output equals the first setting's to
the last bit (what lets the batch size be chosen for speed alone).

    nice -n 5 .venv/bin/python bench/minilm_batches.py [--sentences 400] [--batches 64,32,8,4,1]
        [--threads 1,2]
"""

from __future__ import annotations

import argparse
import json
import re
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def sentences(count: int) -> list[str]:
    from batch import multinews

    with tempfile.TemporaryDirectory() as tmp:
        path = multinews(Path(tmp), 60)
        if path is None:
            return []
        texts: list[str] = []
        for line in path.read_text(encoding="utf-8").splitlines():
            text = json.loads(line)["maintext"]
            texts += [s.strip() for s in re.split(r"(?<=[.!?])\s+", text) if len(s.strip()) > 20]
    return list(dict.fromkeys(texts))[:count]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sentences", type=int, default=400)
    parser.add_argument("--batches", default="64,32,8,4,1")
    parser.add_argument("--threads", default="1,2")
    args = parser.parse_args()
    texts = sentences(args.sentences)
    if not texts:
        print("../shared/data/multinews is missing: nothing to measure; skipped")
        return 0
    from storylens.resources import MiniLMEmbedder

    half = len(texts) // 2
    pairs = list(zip(texts[:half], texts[half:], strict=False))
    print("| threads | batch | sentences wall | sentences CPU | pairs wall | pairs CPU | outputs equal |")
    print("|---|---|---|---|---|---|---|")
    reference = None
    for threads in (int(t) for t in args.threads.split(",")):
        encoder = MiniLMEmbedder(threads=threads)
        encoder.encode_inputs(texts[:8], 8)  # the session's first run outside the clock
        for batch in (int(b) for b in args.batches.split(",")):
            wall, cpu = time.perf_counter(), _cpu()
            vectors = encoder.encode_inputs(texts, batch)
            sentence_wall, sentence_cpu = time.perf_counter() - wall, _cpu() - cpu
            wall, cpu = time.perf_counter(), _cpu()
            joint = encoder.encode_pairs(pairs, batch)
            pair_wall, pair_cpu = time.perf_counter() - wall, _cpu() - cpu
            states = encoder.token_states(texts[:100], batch)
            outputs = (vectors.tobytes(), joint.tobytes(), [v.tobytes() for _, v in states])
            reference = reference or outputs
            print(f"| {threads} | {batch} | {sentence_wall:.2f} s | {sentence_cpu:.2f} s | {pair_wall:.2f} s | "
                  f"{pair_cpu:.2f} s | {'yes' if outputs == reference else 'NO'} |", flush=True)
    print(f"({len(texts)} sentences, {len(pairs)} pairs)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
