"""Invariants: every span lies inside its text and equals its slice; annotation is deterministic."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from storylens.annotate import annotate
from storylens.annotate.sentences import first_sentences, split_sentences

WORDS = [
    "The", "minister", "said", "that", "Kabul", "fell", "on", "Monday", ".", ",", "\u201c", "\u201d", '"',
    "According", "to", "officials", "at", "least", "20", "people", "were", "killed", "U.S.", "Gen.", "Smith",
    "denied", "the", "report", "\n", "\n\n", "Doha", "August", "31", "he", "told", "reporters", "sixth",
    "hundreds", "of", "thousands", "\u00e9t\u00e9", "\u062f\u0648\u062d\u0629", "  ", "-", "(AP)", "Tuesday",
]


def _spans(ann):
    yield from ann.sentences
    yield from ann.entities
    yield from ann.quantities
    yield from ann.times
    yield from ann.places
    for item in ann.attributions:
        yield item
        yield item.cue
        yield item.content
        if item.source is not None:
            yield item.source


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(WORDS), min_size=0, max_size=60).map(" ".join),
       st.sampled_from([None, "2021-08-10", "2021-08-10T12:00:00+04:30"]))
def test_every_span_is_a_slice_of_its_text(text, published):
    ann = annotate(text, published=published)
    for span in _spans(ann):
        assert 0 <= span.start <= span.end <= len(text)
        assert span.text == text[span.start:span.end]
    assert ann == annotate(text, published=published)


@settings(max_examples=25, deadline=None)
@given(st.text(min_size=0, max_size=200))
def test_arbitrary_unicode_never_crashes(text):
    ann = annotate(text, published="2021-08-10")
    for span in _spans(ann):
        assert span.text == text[span.start:span.end]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from([*WORDS, "\u3002", "Story", "Continued", "Below", "a"]), min_size=0, max_size=200)
       .map(" ".join), st.integers(min_value=1, max_value=8), st.integers(min_value=8, max_value=300))
def test_the_first_sentences_are_those_of_the_whole_text(text, count, window):
    """Segmenting a lead alone gives the spans segmenting the whole text gives (titles read a lead)."""
    assert first_sentences(text, count, window=window) == split_sentences(text)[:count]
