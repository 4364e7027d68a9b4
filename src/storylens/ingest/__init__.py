"""Ingest: turn inputs (files, folders, stdin, URLs, feeds) into Documents.

Owned by the ingest work (issue 2). Contract:

    iter_documents(inputs, options) -> Iterator[Document | InputError]

yields one Document per article found, or one InputError per bad input (never
raises for bad input), streaming: nothing holds the whole corpus in memory.

One reader per input kind: ``text`` (.txt/.md, front matter, headline),
``html`` (trafilatura), ``jsonl`` (.json/.jsonl, news-please fields), ``warc``,
``web`` (URLs and RSS/Atom feeds), plus ``metadata`` (sidecars, manifest,
flags; see its docstring for precedence) and ``walk`` (folders).
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

from storylens.errors import InputFailure
from storylens.ingest.base import RawDoc
from storylens.ingest.decode import (
    binary_kind,
    check_text,
    decode_bytes,
    decode_text,
    read_capped,
    read_stream_capped,
)
from storylens.ingest.html import extract_html, looks_like_html
from storylens.ingest.jsonl import (
    BODY_FIELDS,
    parse_json_bytes,
    read_jsonl,
    read_jsonl_stream,
    record_to_raw,
)
from storylens.ingest.metadata import (
    Manifest,
    flag_meta,
    is_manifest,
    merge_meta,
    normalize_meta,
    outlet_from_path,
    outlet_from_url,
    read_sidecar,
)
from storylens.ingest.options import IngestOptions
from storylens.ingest.text import parse_text
from storylens.ingest.walk import (
    FEED_EXTENSIONS,
    HTML_EXTENSIONS,
    JSON_EXTENSIONS,
    SUPPORTED,
    TEXT_EXTENSIONS,
    WARC_EXTENSIONS,
    WalkStats,
    extension,
    walk,
)
from storylens.ingest.warc import read_warc
from storylens.ingest.web import (
    is_url,
    looks_like_feed,
    parse_feed,
    read_feed_entries,
    read_url,
    url_scheme,
)
from storylens.records import Document, InputError

__all__ = ["IngestOptions", "iter_documents", "read_file", "read_records"]

STDIN = "-"


def iter_documents(
    inputs: Iterable[str], options: IngestOptions | None = None
) -> Iterator[Document | InputError]:
    """Every article in ``inputs`` as a Document, every bad input as an InputError."""
    options = options or IngestOptions()
    flags = flag_meta(options)
    manifest: Manifest | None = None
    if options.manifest is not None:
        try:
            manifest = Manifest(Path(options.manifest), options.allow_outside_paths)
        except InputFailure as exc:
            yield InputError(source=exc.source, message=exc.message)
    inputs = list(inputs) if not isinstance(inputs, Iterator) else inputs
    if not inputs and manifest is not None:  # the manifest is the list of files to read
        yield from (InputError(source=e.source, message=e.message) for e in manifest.refused)
        inputs = [str(p) for p in manifest.order]
    for item in inputs:
        item = str(item)
        try:
            yield from _read_input(item, options, flags, manifest)
        except Exception as exc:  # noqa: BLE001 - a reader bug must not end the batch
            yield InputError(source=item, message=f"unexpected error: {type(exc).__name__}: {exc}")


def _read_input(item: str, options: IngestOptions, flags: dict[str, str],
                manifest: Manifest | None) -> Iterator[Document | InputError]:
    if item == STDIN:
        yield from _finish(_read_stdin(options), flags, fallback_outlet="stdin")
        return
    if is_url(item):
        yield from _finish(read_url(item, options), flags, fallback_outlet=None)
        return
    scheme = url_scheme(item)
    if scheme is not None and not Path(item).exists():
        yield InputError(source=item, message=f"unsupported URL scheme {scheme!r}; only http and https")
        return
    path = Path(item)
    if path.is_dir():
        stats = WalkStats()
        found = 0
        for file, folder_manifest in walk(path, stats):
            found += 1
            yield from read_file(file, options, flags, manifest or folder_manifest)
        if not found:
            yield InputError(source=item, message=f"no usable file in folder ({stats.describe()})")
        return
    if not path.exists():
        yield InputError(source=item, message="no such file or directory")
        return
    if is_manifest(path):
        try:
            listed = Manifest(path, options.allow_outside_paths)
        except InputFailure as exc:
            yield InputError(source=exc.source, message=exc.message)
            return
        for refused in listed.refused:
            yield InputError(source=refused.source, message=refused.message)
        if not listed.order and not listed.refused:
            yield InputError(source=item, message="manifest lists no files")
        for file in listed.order:
            yield from _read_input(str(file), options, flags, manifest or listed)
        return
    yield from read_file(path, options, flags, manifest)


def read_file(path: Path, options: IngestOptions, flags: dict[str, str] | None = None,
              manifest: Manifest | None = None) -> Iterator[Document | InputError]:
    """All articles of one file, with its sidecar and manifest metadata applied."""
    flags = flag_meta(options) if flags is None else flags
    problems: list[InputFailure] = []
    try:
        sidecar = read_sidecar(path, problems)
    except InputFailure as exc:
        problems.append(exc)
        sidecar = {}
    row = manifest.lookup(path) if manifest is not None else {}
    row_problem = manifest.problem(path) if manifest is not None else None
    if row_problem:
        problems.append(InputFailure(str(path), row_problem))
    for problem in problems:  # metadata the user wrote and we could not use: said, not dropped silently
        yield InputError(source=problem.source, message=problem.message)
    try:
        yield from _finish(_read_path(path, options), flags, sidecar=sidecar, manifest=row,
                           fallback_outlet=outlet_from_path(path))
    except Exception as exc:  # noqa: BLE001 - one file's reader bug must not end its folder
        yield InputError(source=str(path), message=f"unexpected error: {type(exc).__name__}: {exc}")


def read_records(
    records: Iterable[tuple[str, dict]], options: IngestOptions | None = None, kind: str = "parquet"
) -> Iterator[Document | InputError]:
    """Table rows with article columns (``text`` or ``html``, ``url``, ``outlet``,
    ``published``, ``title``, ``language``) as Documents; each row is named by its source.

    A row with ``html`` and no text goes through the HTML extractor; other rows
    are read like a news-please JSON record (its field spellings are accepted).
    """
    flags = flag_meta(options or IngestOptions())

    def raws() -> Iterator[RawDoc | InputError]:
        for source, record in records:
            record = {k: v for k, v in record.items() if v is not None and v == v}  # no nulls/NaN
            html = record.pop("html", None)
            try:
                if html and not any(record.get(name) for name in BODY_FIELDS):
                    data = html.encode("utf-8") if isinstance(html, str) else bytes(html)
                    meta, text = extract_html(data, source, url=record.get("url"))
                    meta = {**meta, **normalize_meta(record)}
                    yield RawDoc(source=source, text=text, kind=kind, meta=meta, container=True)
                else:
                    yield record_to_raw(record, source, kind)
            except InputFailure as exc:
                yield InputError(source=exc.source, message=exc.message)

    yield from _finish(raws(), flags, fallback_outlet=None)


def _read_path(path: Path, options: IngestOptions) -> Iterator[RawDoc | InputError]:
    """Dispatch on the extension to the reader for that kind of file."""
    source = str(path)
    ext = extension(path)
    if ext == ".jsonl" or ext == ".ndjson":
        yield from read_jsonl(path, options.max_bytes)
        return
    if ext in WARC_EXTENSIONS:
        yield from read_warc(path, options.max_bytes)
        return
    if ext not in SUPPORTED + (".xml",):
        yield InputError(source=source, message=f"unsupported file type {ext or '(no extension)'!r}; "
                         "expected .txt, .md, .html, .json, .jsonl, .warc[.gz], .rss or .atom")
        return
    try:
        data = read_capped(path, options.max_bytes)
    except InputFailure as exc:
        yield InputError(source=exc.source, message=exc.message)
        return
    if ext in JSON_EXTENSIONS:
        yield from parse_json_bytes(data, source)
    elif ext in FEED_EXTENSIONS or ext == ".xml":
        yield from _read_feed_bytes(data, source, options)
    elif ext in HTML_EXTENSIONS:
        yield from _read_html_bytes(data, source, kind="html")
    else:
        assert ext in TEXT_EXTENSIONS
        try:
            decoded = decode_bytes(data, source)
            meta, text = parse_text(decoded.text, markdown=ext in (".md", ".markdown"))
        except InputFailure as exc:
            yield InputError(source=exc.source, message=exc.message)
            return
        kind = "md" if ext in (".md", ".markdown") else "txt"
        yield RawDoc(source=source, text=text, kind=kind, meta=meta, notes=_notes(decoded.note))


def _read_html_bytes(data: bytes, source: str, kind: str) -> Iterator[RawDoc | InputError]:
    if not data.strip():
        yield InputError(source=source, message="empty file")
        return
    binary = binary_kind(data)
    if binary:
        yield InputError(source=source, message=f"binary file ({binary}), not HTML; skipped")
        return
    try:
        meta, text = extract_html(data, source)
    except InputFailure as exc:
        yield InputError(source=exc.source, message=exc.message)
        return
    yield RawDoc(source=source, text=text, kind=kind, meta=meta)


def _read_feed_bytes(data: bytes, source: str, options: IngestOptions) -> Iterator[RawDoc | InputError]:
    try:
        decode_text(data, source)  # empty / binary checks with clear messages
        if not looks_like_feed(data):
            raise InputFailure(source, "not an RSS or Atom feed")
        entries = parse_feed(data, source)
    except InputFailure as exc:
        yield InputError(source=exc.source, message=exc.message)
        return
    yield from read_feed_entries(entries, source, options)


def _read_stdin(options: IngestOptions) -> Iterator[RawDoc | InputError]:
    """'-': sniff HTML, a feed, JSON / JSON Lines or plain text from standard input."""
    import io

    source = "<stdin>"
    try:
        data = read_stream_capped(sys.stdin.buffer, options.max_bytes, source)
    except InputFailure as exc:
        yield InputError(source=exc.source, message=exc.message)
        return
    head = data.lstrip()[:1]
    if looks_like_feed(data):
        yield from _read_feed_bytes(data, source, options)
    elif looks_like_html(data):
        yield from _read_html_bytes(data, source, kind="stdin")
    elif head == b"[" or (head == b"{" and data.strip().count(b"\n") == 0):
        yield from parse_json_bytes(data, source)
    elif head == b"{":
        yield from read_jsonl_stream(io.BytesIO(data), source, options.max_bytes)
    else:
        try:
            decoded = decode_bytes(data, source)
            meta, text = parse_text(decoded.text)
        except InputFailure as exc:
            yield InputError(source=exc.source, message=exc.message)
            return
        yield RawDoc(source=source, text=text, kind="stdin", meta=meta, notes=_notes(decoded.note))


def _notes(note: str | None) -> tuple[str, ...]:
    return (note,) if note else ()


def _finish(raws: Iterable[RawDoc | InputError], flags: dict[str, str], *,
            sidecar: dict[str, str] | None = None, manifest: dict[str, str] | None = None,
            fallback_outlet: str | None) -> Iterator[Document | InputError]:
    """Merge metadata layers and build the Document records."""
    for raw in raws:
        if isinstance(raw, InputError):
            yield raw
            continue
        try:
            text = check_text(raw.text.strip("\n"), raw.source)
        except InputFailure as exc:
            yield InputError(source=exc.source, message=exc.message)
            continue
        meta = merge_meta(document=raw.meta, manifest=manifest, sidecar=sidecar, flags=flags,
                          container=raw.container, fallback_outlet=fallback_outlet)
        named = any(layer and layer.get("outlet") for layer in (raw.meta, manifest, sidecar, flags))
        guessed = not named and not outlet_from_url(meta["url"]) and meta["outlet"] == fallback_outlet
        yield Document(source=raw.source, text=text, kind=raw.kind, outlet_guessed=guessed,
                       notes=raw.notes, **meta)
