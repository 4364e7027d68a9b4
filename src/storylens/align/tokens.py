"""How much of one claim the other says, word piece by word piece (issue 13).

Why: a fact is a proposition two sentences share, and the sentences often say more
than it ("Stanford chemist Matthew Kanan led the study" inside a long quote's
attribution). A whole-sentence vector or a joint reading of both sentences is
swamped by what only one of them says; matching each content word piece of one
sentence to its closest piece in the other (contextual MiniLM vectors, weighted
by rarity in the story, as BERTScore does) tells how much of the shorter sentence
the longer one contains. Each sentence is encoded once; a pair costs one small
matrix product, so every candidate the index proposes can be read.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections import Counter
from collections.abc import Sequence
from functools import lru_cache

import numpy as np

from storylens.lexicon.words import stop_words

__all__ = ["TOKEN_FEATURES", "TokenAlignment", "content_pieces"]

TOKEN_FEATURES = ("tok_min", "tok_max", "rare_min", "rare_max")
MATCHED = 0.7  # a piece counts as said by the other sentence at this cosine


def _content(tokens: list[str], vectors: np.ndarray) -> tuple[list[str], np.ndarray]:
    stops = stop_words()
    keep = [k for k, tok in enumerate(tokens) if any(ch.isalnum() for ch in tok) and tok.lstrip("#") not in stops]
    if not keep:
        keep = list(range(len(tokens)))
    return [tokens[k] for k in keep], vectors[keep].astype(np.float16)


@lru_cache(maxsize=1)
def _pieces_kind() -> str:
    """The name content pieces are kept under: its version and the stop words that chose them."""
    stops = hashlib.blake2b("\n".join(sorted(stop_words())).encode(), digest_size=6).hexdigest()
    return f"content-pieces-1:{stops}"


def _pack(pieces: list[str], vectors: np.ndarray) -> bytes:
    header = json.dumps([vectors.shape[1], pieces], ensure_ascii=False).encode("utf-8")
    return len(header).to_bytes(4, "little") + header + vectors.astype(np.float16).tobytes()


def _unpack(value: bytes) -> tuple[list[str], np.ndarray]:
    size = int.from_bytes(value[:4], "little")
    width, pieces = json.loads(value[4 : 4 + size].decode("utf-8"))
    vectors = np.frombuffer(value[4 + size :], dtype=np.float16).reshape(len(pieces), width)
    return pieces, vectors


def content_pieces(texts: Sequence[str], encoder) -> list[tuple[list[str], np.ndarray]]:
    """Each text's content word pieces and their float16 contextual vectors.

    Where the encoder keeps derived outputs in a store (``MiniLMEmbedder.kept``), a claim's
    pieces are read back rather than encoded again: the bits are the ones computed (they are
    stored as float16, as used), so a story recomputed after new articles join it reads its
    old claims at the cost of a lookup (issue 16).
    """
    def compute(missing: list[str]) -> list[bytes]:
        return [_pack(*_content(tokens, vectors)) for tokens, vectors in encoder.token_states(missing)]

    keep = getattr(encoder, "kept", None)
    texts = list(texts)
    packed = keep(_pieces_kind(), texts, compute) if keep is not None else compute(texts)
    return [_unpack(value) for value in packed]


class TokenAlignment:
    """Content word pieces of a story's claims, encoded once, and their pairwise coverage."""

    def __init__(self, texts: Sequence[str], encoder) -> None:
        unique = list(dict.fromkeys(texts))
        self._encoder = encoder
        self._phrases: dict[str, tuple[list[str], np.ndarray]] = {}
        content = dict(zip(unique, content_pieces(unique, encoder), strict=True))
        self._pieces = [content[text] for text in texts]
        documents = Counter(piece for text in unique for piece in set(content[text][0]))
        n = len(unique)
        self._idf = {piece: math.log((n + 1) / (count + 0.5)) for piece, count in documents.items()}
        # what a claim's coverage needs of it alone, once per text rather than once per pair
        weighing = {text: _Weights(content[text][0], self._idf) for text in unique}
        self._weights = [weighing[text] for text in texts]

    def features(self, pairs: Sequence[tuple[int, int]]) -> np.ndarray:
        """(len(pairs), len(TOKEN_FEATURES)): soft coverage of each claim by the other (rarity-weighted)
        and the share of each claim's rarer half matched, the smaller and the larger of the two."""
        out = np.zeros((len(pairs), len(TOKEN_FEATURES)), dtype=np.float32)
        by_first: dict[int, list[int]] = {}
        for row, (i, j) in enumerate(pairs):
            if len(self._pieces[i][0]) and len(self._pieces[j][0]):
                by_first.setdefault(i, []).append(row)
        for i, rows in by_first.items():
            va, wa = self._pieces[i][1], self._weights[i]
            partners = [self._pieces[pairs[row][1]][1] for row in rows]
            similarity = _half_products(va, partners)
            begin = 0
            for row, vb in zip(rows, partners, strict=True):
                block = similarity[:, begin : begin + len(vb)]
                begin += len(vb)
                wb = self._weights[pairs[row][1]]
                best_a, best_b = block.max(axis=1), block.max(axis=0)
                soft = (wa.weighted(best_a), wb.weighted(best_b))
                rare = (wa.rare_matched(best_a), wb.rare_matched(best_b))
                out[row] = (min(soft), max(soft), min(rare), max(rare))
        return out

    def phrase_said_by(self, phrase: str, j: int) -> float:
        """The rarity-weighted share of a phrase's content pieces that claim j says (cosine > MATCHED).

        What a denial denies is a phrase inside its sentence ("there was ever an affair"); its
        target is the claim that says it, in whatever words ("an intimate relationship").
        """
        if phrase not in self._phrases:
            (self._phrases[phrase],) = content_pieces([phrase], self._encoder)
        pieces_a, va = self._phrases[phrase]
        pieces_b, vb = self._pieces[j]
        if not pieces_a or not pieces_b:
            return 0.0
        best = (va @ vb.T).astype(np.float32).max(axis=1)
        common = max(self._idf.values(), default=1.0)
        weights = np.array([self._idf.get(p, common) for p in pieces_a], dtype=np.float32)
        return _weighted((best > MATCHED).astype(np.float32), weights)


def _weighted(best: np.ndarray, weights: np.ndarray) -> float:
    total = float(weights.sum())
    return float((best * weights).sum()) / total if total > 0 else 0.0


class _Weights:
    """A claim's content pieces' rarity weights, their sum and its rarer half."""

    def __init__(self, pieces: list[str], idf: dict[str, float]) -> None:
        self.weights = np.array([idf[p] for p in pieces], dtype=np.float32)
        self.total = float(self.weights.sum())
        self.rare = self.weights >= np.quantile(self.weights, 0.5) if len(pieces) else self.weights > 0

    def weighted(self, best: np.ndarray) -> float:
        return float((best * self.weights).sum()) / self.total if self.total > 0 else 0.0

    def rare_matched(self, best: np.ndarray) -> float:
        return float((best[self.rare] > MATCHED).mean())


# Below this many piece pairs numpy's float16 product is cheaper than its emulation.
_EMULATE_FROM = 400


def _half_products(va: np.ndarray, partners: list[np.ndarray]) -> np.ndarray:
    """``(va @ vb.T).astype(float32)`` of float16 pieces for every partner vb, side by side.

    numpy multiplies float16 matrices without BLAS, one product at a time (~8 ns each;
    most of the pair features' time). Its loop sums each row-column product in float32,
    in order, and rounds the sum to float16; the same sums done a column of pieces at a
    time over all partners give the same bits at a fraction of the cost (each product of
    two float16 values is exact in float32, so only the order of the sums matters, and it
    is kept). ``tests/test_align_tokens.py`` checks the bits.
    """
    vb = np.concatenate(partners) if len(partners) > 1 else partners[0]
    if len(va) * len(vb) < _EMULATE_FROM:
        return (va @ vb.T).astype(np.float32)
    a = np.ascontiguousarray(va.T, dtype=np.float32)
    b = np.ascontiguousarray(vb.T, dtype=np.float32)
    total = np.zeros((a.shape[1], b.shape[1]), dtype=np.float32)
    term = np.empty_like(total)
    for k in range(a.shape[0]):
        np.multiply.outer(a[k], b[k], out=term)
        total += term
    return total.astype(np.float16).astype(np.float32)
