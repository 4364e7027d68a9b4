"""Word-piece coverage between two claims (align.tokens), on sentences of our own."""

from __future__ import annotations

import numpy as np
import pytest

from storylens.align.tokens import TOKEN_FEATURES, TokenAlignment

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
