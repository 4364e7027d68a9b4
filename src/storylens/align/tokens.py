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

import math
from collections import Counter
from collections.abc import Sequence

import numpy as np

from storylens.lexicon.words import stop_words

__all__ = ["TOKEN_FEATURES", "TokenAlignment"]

TOKEN_FEATURES = ("tok_min", "tok_max", "rare_min", "rare_max")
MATCHED = 0.7  # a piece counts as said by the other sentence at this cosine


def _content(tokens: list[str], vectors: np.ndarray) -> tuple[list[str], np.ndarray]:
    stops = stop_words()
    keep = [k for k, tok in enumerate(tokens) if any(ch.isalnum() for ch in tok) and tok.lstrip("#") not in stops]
    if not keep:
        keep = list(range(len(tokens)))
    return [tokens[k] for k in keep], vectors[keep].astype(np.float16)


class TokenAlignment:
    """Content word pieces of a story's claims, encoded once, and their pairwise coverage."""

    def __init__(self, texts: Sequence[str], encoder) -> None:
        unique = list(dict.fromkeys(texts))
        self._encoder = encoder
        self._phrases: dict[str, tuple[list[str], np.ndarray]] = {}
        states = encoder.token_states(unique)
        content = {text: _content(tokens, vectors) for text, (tokens, vectors) in zip(unique, states, strict=True)}
        self._pieces = [content[text] for text in texts]
        documents = Counter(piece for text in unique for piece in set(content[text][0]))
        n = len(unique)
        self._idf = {piece: math.log((n + 1) / (count + 0.5)) for piece, count in documents.items()}

    def features(self, pairs: Sequence[tuple[int, int]]) -> np.ndarray:
        """(len(pairs), len(TOKEN_FEATURES)): soft coverage of each claim by the other (rarity-weighted)
        and the share of each claim's rarer half matched, the smaller and the larger of the two."""
        out = np.zeros((len(pairs), len(TOKEN_FEATURES)), dtype=np.float32)
        for row, (i, j) in enumerate(pairs):
            (pieces_a, va), (pieces_b, vb) = self._pieces[i], self._pieces[j]
            if not pieces_a or not pieces_b:
                continue
            similarity = (va @ vb.T).astype(np.float32)
            best_a, best_b = similarity.max(axis=1), similarity.max(axis=0)
            weights_a = np.array([self._idf[p] for p in pieces_a], dtype=np.float32)
            weights_b = np.array([self._idf[p] for p in pieces_b], dtype=np.float32)
            soft = (_weighted(best_a, weights_a), _weighted(best_b, weights_b))
            rare = (_rare_matched(best_a, weights_a), _rare_matched(best_b, weights_b))
            out[row] = (min(soft), max(soft), min(rare), max(rare))
        return out


    def phrase_said_by(self, phrase: str, j: int) -> float:
        """The rarity-weighted share of a phrase's content pieces that claim j says (cosine > MATCHED).

        What a denial denies is a phrase inside its sentence ("there was ever an affair"); its
        target is the claim that says it, in whatever words ("an intimate relationship").
        """
        if phrase not in self._phrases:
            ((tokens, vectors),) = self._encoder.token_states([phrase])
            self._phrases[phrase] = _content(tokens, vectors)
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


def _rare_matched(best: np.ndarray, weights: np.ndarray) -> float:
    rare = weights >= np.quantile(weights, 0.5)
    return float((best[rare] > MATCHED).mean())
