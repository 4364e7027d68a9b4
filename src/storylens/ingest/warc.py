"""WARC archives: every HTML response goes through the HTML extractor.

Streamed record by record with warcio (gzip or not); the size cap applies per
record. Non-HTML records (images, scripts) are not articles and are passed
over; HTML pages without an article are counted and reported once.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from storylens.errors import InputFailure
from storylens.ingest.base import RawDoc
from storylens.ingest.decode import human_size
from storylens.ingest.html import extract_html, looks_like_html
from storylens.records import InputError

_HTML_TYPES = ("text/html", "application/xhtml+xml")


def read_warc(path: Path, max_bytes: int) -> Iterator[RawDoc | InputError]:
    """Yield one RawDoc per HTML response record that holds an article."""
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    source = str(path)
    pages = articles = 0
    try:
        with path.open("rb") as stream:
            for record in ArchiveIterator(stream):
                if record.rec_type not in ("response", "resource"):
                    continue
                uri = record.rec_headers.get_header("WARC-Target-URI") or ""
                if record.rec_type == "response":
                    if record.http_headers is None:
                        continue
                    status = record.http_headers.get_statuscode() or ""
                    ctype = (record.http_headers.get_header("Content-Type") or "").lower()
                    if not status.startswith("2"):
                        continue
                else:
                    ctype = (record.rec_headers.get_header("Content-Type") or "").lower()
                where = f"{source}#{uri}" if uri else f"{source}#{pages + 1}"
                body = record.content_stream().read(max_bytes + 1)
                if len(body) > max_bytes:
                    yield InputError(source=where, message=f"record over the {human_size(max_bytes)} size limit; skipped")
                    continue
                if not (ctype.startswith(_HTML_TYPES) or (not ctype and looks_like_html(body))):
                    continue
                pages += 1
                try:
                    meta, text = extract_html(body, where, url=uri or None)
                except InputFailure:
                    continue
                articles += 1
                yield RawDoc(source=where, text=text, kind="warc", meta=meta, container=True)
    except (ArchiveLoadFailed, OSError, EOFError, ValueError) as exc:
        yield InputError(source=source, message=f"unreadable WARC: {exc}")
        return
    if articles == 0:
        detail = f"none of its {pages} HTML pages holds an article" if pages else "it holds no HTML responses"
        yield InputError(source=source, message=f"no article found in WARC: {detail}")
