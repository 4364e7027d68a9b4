"""Model outputs kept in the store by content hash (issue 16): computed once per store."""

from __future__ import annotations

import numpy as np
import pytest

from storylens.models.cross_encoder import PairModel
from storylens.resources import get_embedder, keep_outputs_in, text_key
from storylens.store import Store, VectorTable

TEXTS = [
    "The ferry left Velmora at dawn with 212 passengers on board.",
    "Officials said the bridge would stay closed until Friday.",
    "Rain.",
    "A spokeswoman for the port authority, who asked not to be named because she was not "
    "authorised to speak to the press, said the inspection found cracks in two of the piers.",
    "The ferry left Velmora at dawn with 212 passengers on board.",
]


def test_a_sentence_vector_does_not_depend_on_its_batch():
    """What makes caching by content exact: the same text, alone or among others, same vector."""
    embedder = get_embedder()
    together = embedder.encode_inputs(TEXTS, 64)
    alone = np.vstack([embedder.encode_inputs([t], 1) for t in TEXTS])
    assert np.array_equal(together, alone)


def test_token_states_give_the_sentence_vectors_embed_would(tmp_path, monkeypatch):
    """One encoder pass serves the word pieces and the sentence vectors (issue 16), to the last bit,
    and those vectors are kept in the store like embed's."""
    embedder = get_embedder()
    unique = list(dict.fromkeys(TEXTS))
    embedder._memo.clear()
    expected = embedder.embed(unique)
    embedder._memo.clear()
    with Store(tmp_path / "s.db") as store:
        table = VectorTable(store)
        with keep_outputs_in(table):
            embedder.token_states(unique)
            monkeypatch.setattr(embedder, "encode_inputs", _refuse)
            assert np.array_equal(embedder.embed(TEXTS), expected[[unique.index(t) for t in TEXTS]])
        assert table.count(embedder.name) == len(unique)
        embedder._memo.clear()
        with keep_outputs_in(table):
            assert np.array_equal(embedder.embed(unique), expected)


def _refuse(*_args, **_kwargs):
    raise AssertionError("the model ran although the store holds its output")


def test_vectors_and_verdicts_are_read_back_from_the_store(tmp_path, monkeypatch):
    embedder = get_embedder()
    judge = PairModel(encoder=embedder)
    pairs = [(TEXTS[0], TEXTS[1]), (TEXTS[3], TEXTS[2]), (TEXTS[0], TEXTS[1])]
    with Store(tmp_path / "s.db") as store:
        table = VectorTable(store)
        embedder._memo.clear()
        with keep_outputs_in(table):
            first = embedder.embed(TEXTS)
            verdicts = judge.predict(pairs)
        assert table.count(embedder.name) == len(set(TEXTS))
        assert table.count(judge.output_name) == 2  # the repeated pair is judged once
        assert set(table.get(embedder.name, [text_key(TEXTS[2])])) == {text_key(TEXTS[2])}
    with Store(tmp_path / "s.db") as store:  # a later run: nothing is computed again
        embedder._memo.clear()
        monkeypatch.setattr(embedder, "encode_inputs", _refuse)
        with keep_outputs_in(VectorTable(store)):
            assert np.array_equal(embedder.embed(TEXTS), first)
            assert np.array_equal(judge.predict(pairs), verdicts)
        assert embedder.outputs is None  # the table is this block's only
        with pytest.raises(AssertionError, match="the model ran"):
            embedder.embed(["A sentence no store holds."])
    assert np.array_equal(verdicts[0], verdicts[2])


def test_store_migrates_to_the_vector_table(tmp_path):
    with Store(tmp_path / "s.db") as store:
        assert store.schema_version >= 3
        assert VectorTable(store).count() == 0


def test_a_claims_content_pieces_are_kept_and_read_back_to_the_bit(tmp_path, monkeypatch):
    """A story recomputed after new articles join it reads its old claims' word pieces from
    the store (issue 16): the same pieces and float16 vectors, and no encoder pass."""
    from storylens.align.tokens import TokenAlignment, content_pieces

    embedder = get_embedder()
    texts = [*TEXTS, " "]
    fresh = content_pieces(texts, embedder)  # no table: computed
    pairs = [(0, 1), (1, 3), (3, 2), (4, 0), (5, 1)]
    expected = TokenAlignment(texts, embedder).features(pairs)
    with Store(tmp_path / "s.db") as store:
        with keep_outputs_in(VectorTable(store)):
            content_pieces(texts, embedder)
            monkeypatch.setattr(embedder, "token_states", _refuse)
            kept = content_pieces(texts, embedder)
            assert np.array_equal(TokenAlignment(texts, embedder).features(pairs), expected)
    for (pieces, vectors), (kept_pieces, kept_vectors) in zip(fresh, kept, strict=True):
        assert pieces == kept_pieces
        assert vectors.dtype == kept_vectors.dtype == np.float16
        assert np.array_equal(vectors, kept_vectors)
