"""Sentence-pair judge: do two claims state the same proposition, contradict, or neither?

Embeddings and word overlap score "the drone hit the plane" and "the plane landed
safely" as close; a cross-encoder reads both sentences together and can tell them
apart. The shipped model is MiniLM-L6 fine-tuned on sentence-pair sets (see
``data/pair_model/meta.json`` and ``scripts/fit_pair_model.py``), exported to int8
ONNX and run with onnxruntime and ``tokenizers`` only.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

import numpy as np

MODEL_DIR = Path(__file__).resolve().parents[1] / "data" / "pair_model"
LABELS = ("same", "contradiction", "other")
SAME, CONTRADICTION, OTHER = range(3)


class PairModel:
    """Scores sentence pairs: probabilities over ``LABELS`` per pair."""

    def __init__(self, model_dir: Path | str = MODEL_DIR, *, threads: int = 1) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        model_dir = Path(model_dir)
        self.meta = json.loads((model_dir / "meta.json").read_text(encoding="utf-8"))
        if tuple(self.meta["labels"]) != LABELS:
            raise ValueError(f"pair model labels {self.meta['labels']} are not {LABELS}")
        self.max_len = int(self.meta["max_len"])
        self.tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        self.tokenizer.no_padding()
        self.tokenizer.enable_truncation(max_length=self.max_len, strategy="longest_first")
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        self.session = ort.InferenceSession(
            str(model_dir / "model.onnx"), options, providers=["CPUExecutionProvider"]
        )
        self._inputs = {i.name for i in self.session.get_inputs()}

    def predict(
        self, pairs: Sequence[tuple[str, str]], batch_size: int = 32, *, symmetric: bool = False
    ) -> np.ndarray:
        """(n, 3) probabilities [same, contradiction, other]; ``symmetric`` averages both orders."""
        probs = self._predict_ordered(pairs, batch_size)
        if symmetric and len(pairs):
            probs = (probs + self._predict_ordered([(b, a) for a, b in pairs], batch_size)) / 2
        return probs

    def _predict_ordered(self, pairs: Sequence[tuple[str, str]], batch_size: int) -> np.ndarray:
        out = np.zeros((len(pairs), len(LABELS)), dtype=np.float32)
        if not pairs:
            return out
        encodings = self.tokenizer.encode_batch([(a, b) for a, b in pairs])
        # Sorting by length keeps padding (wasted compute) small within each batch.
        order = np.argsort([len(e.ids) for e in encodings], kind="stable")
        for start in range(0, len(order), batch_size):
            rows = order[start : start + batch_size]
            width = max(len(encodings[r].ids) for r in rows)
            ids = np.zeros((len(rows), width), dtype=np.int64)
            mask = np.zeros_like(ids)
            types = np.zeros_like(ids)
            for k, r in enumerate(rows):
                e = encodings[r]
                n = len(e.ids)
                ids[k, :n] = e.ids
                mask[k, :n] = 1
                types[k, :n] = e.type_ids
            feeds = {"input_ids": ids, "attention_mask": mask, "token_type_ids": types}
            logits = self.session.run(None, {k: v for k, v in feeds.items() if k in self._inputs})[0]
            out[rows] = _softmax(logits.astype(np.float32))
        return out


def _softmax(logits: np.ndarray) -> np.ndarray:
    shifted = np.exp(logits - logits.max(axis=1, keepdims=True))
    return shifted / shifted.sum(axis=1, keepdims=True)


@lru_cache(maxsize=2)
def load_pair_model(threads: int = 1) -> PairModel:
    """The shipped model, loaded once per process."""
    return PairModel(threads=threads)
