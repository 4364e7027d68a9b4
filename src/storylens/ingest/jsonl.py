"""JSON and JSON Lines: news-please records and their common variants.

JSONL is streamed line by line (the size cap applies per line), so a dump of
a million articles never sits in memory; a malformed line is reported with
its line number and the other lines go on.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, BinaryIO

from storylens.errors import InputFailure
from storylens.ingest.base import RawDoc
from storylens.ingest.decode import binary_kind, decode_text, human_size, read_capped
from storylens.ingest.html import looks_like_html
from storylens.ingest.metadata import normalize_meta
from storylens.records import InputError

BODY_FIELDS = ("maintext", "text", "body", "content", "article", "articleBody", "article_body",
               "full_text", "fulltext")
_LIST_KEYS = ("articles", "items", "data", "results", "documents", "records")


def fragment_to_text(value: str) -> str:
    """HTML markup inside a JSON body field -> plain paragraphs."""
    if not looks_like_html(value.encode("utf-8", "ignore")):
        return value
    import lxml.html

    try:
        root = lxml.html.fromstring(value)
    except Exception:  # noqa: BLE001 - keep the raw value rather than lose the article
        return value
    for br in root.iter("br"):
        br.tail = "\n" + (br.tail or "")
    blocks = [" ".join(el.text_content().split()) for el in root.iter("p", "h1", "h2", "h3", "li", "blockquote")]
    blocks = [b for b in blocks if b]
    return "\n\n".join(blocks) if blocks else " ".join(root.text_content().split())


def record_to_raw(record: Any, source: str, kind: str) -> RawDoc:
    """One JSON object -> RawDoc, or InputFailure naming what is missing."""
    if not isinstance(record, Mapping):
        raise InputFailure(source, f"expected a JSON object, got {type(record).__name__}")
    body = None
    for name in BODY_FIELDS:
        value = record.get(name)
        if isinstance(value, list):
            value = "\n\n".join(str(v) for v in value if v)
        if isinstance(value, str) and value.strip():
            body = value
            break
    if body is None:
        raise InputFailure(source, f"no article text (none of the fields {', '.join(BODY_FIELDS[:4])})")
    return RawDoc(source=source, text=fragment_to_text(body), kind=kind,
                  meta=normalize_meta(record), container=True)


def read_jsonl(path: Path, max_bytes: int) -> Iterator[RawDoc | InputError]:
    """Stream a JSON Lines file; each bad line is one InputError."""
    try:
        handle = path.open("rb")
    except OSError as exc:
        yield InputError(source=str(path), message=f"cannot read: {exc.strerror or exc}")
        return
    with handle:
        yield from read_jsonl_stream(handle, str(path), max_bytes)


def read_jsonl_stream(handle: BinaryIO, source: str, max_bytes: int) -> Iterator[RawDoc | InputError]:
    """JSON Lines from an open binary stream (a file or stdin)."""
    head = handle.read(8192)
    kind = binary_kind(head)
    if kind:
        yield InputError(source=source, message=f"binary file ({kind}), not JSON Lines; skipped")
        return
    lines = _ChainedLines(head, handle)
    line_no = nonblank = 0
    while True:
        line = lines.readline(max_bytes + 1)
        if not line:
            break
        line_no += 1
        where = f"{source}:{line_no}"
        if len(line) > max_bytes and not line.endswith(b"\n"):
            nonblank += 1
            while (chunk := lines.readline(1 << 20)) and not chunk.endswith(b"\n"):
                pass
            yield InputError(source=where, message=f"line {line_no} is over the "
                             f"{human_size(max_bytes)} size limit; skipped")
            continue
        if not line.strip():
            continue
        try:
            decoded = line.decode("utf-8")
        except UnicodeDecodeError as exc:
            nonblank += 1
            yield InputError(source=where, message=f"line {line_no}: invalid UTF-8 at byte {exc.start}")
            continue
        if not decoded.strip():
            continue  # nothing but Unicode spaces (no-break spaces and the like): a blank line
        nonblank += 1
        try:
            record = json.loads(decoded)
        except json.JSONDecodeError as exc:
            yield InputError(source=where,
                             message=f"malformed JSON on line {line_no}: {exc.msg} (column {exc.colno})")
            continue
        try:
            yield record_to_raw(record, where, "jsonl")
        except InputFailure as exc:
            yield InputError(source=where, message=f"line {line_no}: {exc.message}")
    if not nonblank:
        yield InputError(source=source, message="empty file")


class _ChainedLines:
    """A readline() over bytes already read plus the rest of a stream (stdin cannot seek)."""

    def __init__(self, head: bytes, rest: BinaryIO):
        self._buffer = io.BytesIO(head)
        self._rest = rest

    def readline(self, limit: int) -> bytes:
        line = self._buffer.readline(limit)
        if line.endswith(b"\n") or len(line) >= limit:
            return line
        return line + self._rest.readline(limit - len(line))


def read_json(path: Path, max_bytes: int) -> Iterator[RawDoc | InputError]:
    """A JSON file: one article object, a list of them, or {"articles": [...]}."""
    try:
        data = read_capped(path, max_bytes)
    except InputFailure as exc:
        yield InputError(source=exc.source, message=exc.message)
        return
    yield from parse_json_bytes(data, str(path))


def parse_json_bytes(data: bytes, source: str) -> Iterator[RawDoc | InputError]:
    try:
        parsed = json.loads(decode_text(data, source))
    except InputFailure as exc:
        yield InputError(source=exc.source, message=exc.message)
        return
    except json.JSONDecodeError as exc:
        yield InputError(source=source, message=f"malformed JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}")
        return
    if isinstance(parsed, Mapping) and not any(isinstance(parsed.get(f), str) for f in BODY_FIELDS):
        for key in _LIST_KEYS:
            if isinstance(parsed.get(key), list):
                parsed = parsed[key]
                break
    if isinstance(parsed, list):
        if not parsed:
            yield InputError(source=source, message="empty JSON list: no articles")
        for index, record in enumerate(parsed):
            try:
                yield record_to_raw(record, f"{source}[{index}]", "json")
            except InputFailure as exc:
                yield InputError(source=exc.source, message=exc.message)
        return
    try:
        raw = record_to_raw(parsed, source, "json")
    except InputFailure as exc:
        yield InputError(source=exc.source, message=exc.message)
        return
    raw.container = False
    yield raw
