"""Word-piece coverage between two claims (align.tokens), on sentences of our own."""

from __future__ import annotations

import numpy as np
import pytest

from storylens.align.tokens import TOKEN_FEATURES, TokenAlignment, _half_products

SHORT = "Harbour engineer Mira Solberg led the survey of the flooded pier."
LONG = (
    "The survey, which harbour engineer Mira Solberg led over three weeks of storms, found that the "
    "flooded pier had lost a third of its pilings, the council said on Tuesday."
)
UNRELATED = "The ferry timetable for the winter season will be published in the council's newsletter."
PARAPHRASE = "The study of the flooded pier was led by Mira Solberg, a harbour engineer."


@pytest.fixture(scope="module")
def alignment() -> TokenAlignment:
    from storylens.resources import get_embedder

    return TokenAlignment([SHORT, LONG, UNRELATED, PARAPHRASE], get_embedder())


def _row(alignment: TokenAlignment, i: int, j: int) -> dict[str, float]:
    return dict(zip(TOKEN_FEATURES, alignment.features([(i, j)])[0].tolist(), strict=True))


def test_a_sentence_inside_a_longer_one_is_covered(alignment):
    inside, apart = _row(alignment, 0, 1), _row(alignment, 0, 2)
    assert inside["tok_max"] > apart["tok_max"] + 0.1  # the short claim is said by the long one
    assert inside["rare_max"] > apart["rare_max"]


def test_a_paraphrase_covers_both_ways(alignment):
    para, apart = _row(alignment, 0, 3), _row(alignment, 0, 2)
    assert para["tok_min"] > apart["tok_min"] + 0.1
    assert para["tok_min"] > 0.7


def test_features_are_symmetric_and_bounded(alignment):
    forward = alignment.features([(0, 1), (2, 3)])
    backward = alignment.features([(1, 0), (3, 2)])
    assert np.allclose(forward, backward, atol=1e-3)
    assert ((forward >= 0) & (forward <= 1.0 + 1e-3)).all()


@pytest.mark.parametrize("rows, widths", [(1, [1]), (3, [2, 5]), (12, [7, 20, 1, 15]), (30, [25] * 12)])
def test_half_products_are_numpys_float16_products_to_the_bit(rows, widths):
    """The emulated float16 matrix product (issue 16) must not move a single pair feature."""
    rng = np.random.default_rng(rows)

    def pieces(n: int) -> np.ndarray:
        x = rng.standard_normal((n, 384)).astype(np.float32)
        return (x / np.linalg.norm(x, axis=1, keepdims=True)).astype(np.float16)

    va, partners = pieces(rows), [pieces(w) for w in widths]
    expected = np.hstack([(va @ vb.T).astype(np.float32) for vb in partners])
    assert _half_products(va, partners).tobytes() == expected.tobytes()


def test_features_equal_the_plain_per_pair_reading(alignment):
    """Grouping pairs by their first claim and weighing each claim once changes no bit."""
    pairs = [(i, j) for i in range(4) for j in range(4) if i != j]
    expected = np.zeros((len(pairs), len(TOKEN_FEATURES)), dtype=np.float32)
    for row, (i, j) in enumerate(pairs):
        (pieces_a, va), (pieces_b, vb) = alignment._pieces[i], alignment._pieces[j]
        similarity = (va @ vb.T).astype(np.float32)
        best = (similarity.max(axis=1), similarity.max(axis=0))
        weights = [np.array([alignment._idf[p] for p in pieces], dtype=np.float32) for pieces in (pieces_a, pieces_b)]
        soft = [float((b * w).sum()) / float(w.sum()) for b, w in zip(best, weights, strict=True)]
        rare = [float((b[w >= np.quantile(w, 0.5)] > 0.7).mean()) for b, w in zip(best, weights, strict=True)]
        expected[row] = (min(soft), max(soft), min(rare), max(rare))
    assert alignment.features(pairs).tobytes() == expected.tobytes()


def test_shared_value_counts_on_sets_equal_the_indicator_product():
    """Counting shared numbers, places, days... on sets (issue 16) gives the sparse product's counts."""
    from storylens.align.scoring import KeySets, _gram

    rng = np.random.default_rng(7)
    rows = [{f"v{x}" for x in rng.integers(0, 9, size=rng.integers(0, 4))} for _ in range(40)]
    keys = KeySets(rows)
    idx = rng.permutation(40)[:17]
    assert _gram(keys, idx).tobytes() == _gram(keys.matrix, idx).astype(np.float32).tobytes()
