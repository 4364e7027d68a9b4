"""Invariants of ingest, checked on generated input (hypothesis)."""

from __future__ import annotations

import json
import tempfile
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from storylens.errors import InputFailure
from storylens.ingest import iter_documents
from storylens.ingest.decode import decode_text
from storylens.ingest.metadata import normalize_published, outlet_from_url
from storylens.ingest.text import parse_text
from storylens.records import Document, InputError

WORD = st.text(alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789éü’\"'.,:;?!-()",
               min_size=1, max_size=12)
LINE = st.lists(WORD, min_size=0, max_size=25).map(" ".join)
TEXT = st.lists(LINE, min_size=1, max_size=12).map("\n".join)


@settings(max_examples=300, deadline=None)
@given(TEXT)
def test_headline_split_never_loses_or_adds_words(text: str) -> None:
    if text.lstrip().startswith(("---", "+++")):
        return  # front matter is metadata by design
    meta, body = parse_text(text)
    title = meta.get("title", "")
    assert (title.split() + body.split()) == text.split()
    if title:
        assert "\n" not in title and body.strip()


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=400))
def test_decode_returns_text_or_explains(data: bytes) -> None:
    try:
        text = decode_text(data, "x.txt")
    except InputFailure as exc:
        assert exc.source == "x.txt" and exc.message and "\n" not in exc.message
    else:
        assert isinstance(text, str) and text.strip()


@settings(max_examples=200, deadline=None)
@given(st.text(min_size=1, max_size=300).filter(lambda s: s.strip() and s.isprintable()))
def test_utf8_text_round_trips(text: str) -> None:
    assert decode_text(text.encode("utf-8"), "x") == text


RECORD = st.one_of(
    st.fixed_dictionaries({"title": st.text(max_size=30), "maintext": st.text(max_size=200)}),
    st.dictionaries(st.text(max_size=8), st.text(max_size=20), max_size=3),
)
PRINTABLE = st.text(st.characters(blacklist_categories=("Cc", "Cs")), max_size=60)
RAW_LINE = st.one_of(RECORD.map(json.dumps), PRINTABLE)  # control bytes make a file binary


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(RAW_LINE, min_size=0, max_size=8))
@example(['{"title": "", "maintext": ""}', "\xa0"])  # a line of no-break spaces is blank
def test_jsonl_gives_one_item_per_nonblank_line_and_never_raises(lines: list[str]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "crawl.jsonl"
        path.write_text("\n".join(lines), encoding="utf-8")
        items = list(iter_documents([str(path)]))
    nonblank = [n for n, line in enumerate(lines, 1) if line.strip()]
    assert all(isinstance(i, Document | InputError) for i in items)
    if not nonblank:
        assert len(items) == 1 and isinstance(items[0], InputError)
        return
    assert [i.source.rsplit(":", 1)[1] for i in items] == [str(n) for n in nonblank]


@settings(max_examples=200, deadline=None)
@given(st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(UTC)))
def test_published_normalisation_is_idempotent(moment: datetime) -> None:
    once = normalize_published(moment.isoformat())
    assert once is not None and normalize_published(once) == once
    assert datetime.fromisoformat(once) == moment.replace(microsecond=0)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=80))
def test_outlet_from_url_never_raises(value: str) -> None:
    outlet = outlet_from_url(value)
    assert outlet is None or (outlet and outlet == outlet.lower() and not outlet.startswith("."))
    assert outlet_from_url("https://www.harbour-herald.example/a/b?c=d") == "harbour-herald.example"


EXTENSIONS = st.sampled_from([".txt", ".md", ".html", ".json", ".jsonl", ".warc", ".warc.gz", ".rss", ".xml"])
CONTENT = st.one_of(
    st.binary(max_size=300),
    TEXT.map(lambda t: t.encode("utf-8")),
    TEXT.map(lambda t: f"<html><body><p>{t}</p></body></html>".encode()),
)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(EXTENSIONS, CONTENT)
def test_any_file_content_gives_documents_or_errors_never_exceptions(ext: str, data: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"input{ext}"
        path.write_bytes(data)
        items = list(iter_documents([str(path)]))
    assert items, "every input is accounted for"
    for item in items:
        assert isinstance(item, Document | InputError)
        if isinstance(item, InputError):
            assert item.source.startswith(str(path)) and item.message
            assert "unexpected error" not in item.message
        else:
            assert item.text.strip()


@pytest.mark.parametrize("data", [b"\xc2\x85", b"\xc2\xa0\n\xe2\x80\x83"])
def test_text_of_unicode_whitespace_alone_is_an_empty_file(data: bytes) -> None:
    with pytest.raises(InputFailure, match="only whitespace"):
        decode_text(data, "x.txt")
