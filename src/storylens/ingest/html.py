"""HTML pages: main text and metadata with trafilatura.

One extractor for every HTML that reaches storylens (files, WARC responses,
fetched URLs), so a page gives the same article whatever way it came in.
"""

from __future__ import annotations

import re
from typing import Any

from storylens.errors import InputFailure
from storylens.ingest.metadata import normalize_language, normalize_published

MIN_ARTICLE_WORDS = 10  # fewer words than this is a page without an article

# Tuned on ../shared/data/extraction (bench/extraction.py): comments are never
# the article; favouring precision drops teasers and link lists around it.
_EXTRACT_ARGS: dict[str, Any] = {
    "include_comments": False,
    "include_tables": True,
    "include_images": False,
    "include_links": False,
    "favor_precision": True,
    "deduplicate": False,
}
_DATE_PARAMS = {"extensive_search": False, "original_date": True}
_SNIFF_HTML = re.compile(rb"<(!doctype html|html|head|body|article|div|p)[\s>]", re.I)


def looks_like_html(data: bytes) -> bool:
    """Sniff HTML from the first bytes (for stdin, URLs and odd extensions)."""
    return bool(_SNIFF_HTML.search(data[:4096]))


def _same(a: str, b: str) -> bool:
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


def _paragraphs(text: str, title: str | None) -> str:
    """One extracted block per paragraph; drop a repeated headline at the top.

    Why: trafilatura puts one block per line, while storylens paragraphs are
    separated by blank lines; the headline is already the title.
    """
    blocks = [line.strip() for line in text.splitlines() if line.strip()]
    if blocks and title and _same(blocks[0], title):
        blocks = blocks[1:]
    return "\n\n".join(blocks)


_LANG_ATTR = re.compile(rb"<html[^>]*?\slang\s*=\s*[\"']?([A-Za-z]{2,3})(?:[-_][A-Za-z0-9]+)?", re.I)


def _declared_language(html: bytes | str) -> str | None:
    """The page's own <html lang>, a hint until cleaning identifies the language."""
    head = html[:4096] if isinstance(html, bytes) else html[:4096].encode("utf-8", "ignore")
    match = _LANG_ATTR.search(head)
    return match.group(1).decode().lower() if match else None


def extract_text(html: bytes | str, url: str | None = None) -> str:
    """Only the article body (the path the extraction benchmark scores)."""
    import trafilatura

    result = trafilatura.extract(html, url=url, **_EXTRACT_ARGS)
    return _paragraphs(result or "", None)


def extract_html(html: bytes | str, source: str, url: str | None = None) -> tuple[dict[str, str], str]:
    """Return (metadata, article text) of an HTML page, or raise InputFailure."""
    import trafilatura

    try:
        doc = trafilatura.bare_extraction(
            html, url=url, with_metadata=True, date_extraction_params=_DATE_PARAMS, **_EXTRACT_ARGS
        )
    except Exception as exc:  # noqa: BLE001 - malformed markup must not end the batch
        raise InputFailure(source, f"could not parse HTML: {exc}") from exc
    text = (getattr(doc, "text", None) or "").strip() if doc is not None else ""
    text = _paragraphs(text, getattr(doc, "title", None) if doc is not None else None)
    if sum(1 for w in text.split() if any(c.isalnum() for c in w)) < MIN_ARTICLE_WORDS:
        raise InputFailure(source, "no article text found in the HTML page")
    meta: dict[str, str] = {}
    for field, attr in (("title", "title"), ("author", "author"), ("site_name", "sitename"),
                        ("url", "url")):
        value = getattr(doc, attr, None)
        if value:
            meta[field] = " ".join(str(value).split())
    published = normalize_published(doc.date) if getattr(doc, "date", None) else None
    if published:
        meta["published"] = published
    language = getattr(doc, "language", None) or _declared_language(html)
    if language and normalize_language(language):
        meta["language"] = normalize_language(language) or ""
    if url and "url" not in meta:
        meta["url"] = url
    return meta, text
