"""HTML pages: main text and metadata with trafilatura.

One extractor for every HTML that reaches storylens (files, WARC responses,
fetched URLs), so a page gives the same article whatever way it came in.
"""

from __future__ import annotations

import re
from typing import Any

from storylens.errors import InputFailure
from storylens.ingest.metadata import normalize_language, normalize_published

MIN_ARTICLE_WORDS = 5  # fewer words than this is a page without an article

# Tuned on ../shared/data/extraction with bench/extraction.py. Two trafilatura
# passes: a precise one (drops teasers, link lists, captions around the
# article) and a balanced one; the article is the balanced pass's paragraphs
# from the first to the last paragraph the precise pass kept (so a paragraph
# the precise pass dropped in the middle of the story comes back), widened by
# adjacent full prose paragraphs. When the precise pass keeps almost nothing
# it has failed on that layout and the balanced pass is used. Comments are
# never the article.
_COMMON_ARGS: dict[str, Any] = {
    "include_comments": False,
    "include_tables": True,
    "include_images": False,
    "include_links": False,
    "deduplicate": False,
}
_DATE_PARAMS = {"extensive_search": False, "original_date": True}
_EDGE_PROSE_WORDS = 40  # an adjacent paragraph this long and sentence-final joins the article
_MAX_PRECISE_ONLY_SHARE = 0.2  # precise pass found text the balanced one lacks: trust precise
_MIN_PRECISE_SHARE = 0.2  # precise pass kept under this share of the words: it failed, use balanced
_SENTENCE_END = re.compile(r"[.!?…][\"'”’)\]]*$")
_SNIFF_HTML = re.compile(rb"<(!doctype html|html|head|body|article|div|p)[\s>]", re.I)


def _norm(text: str) -> str:
    return " ".join(text.split()).casefold()


def _blocks(text: str | None) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def _is_prose(block: str, min_words: int) -> bool:
    return len(block.split()) >= min_words and bool(_SENTENCE_END.search(block))


def combine_passes(balanced: list[str], precise: list[str]) -> list[str]:
    """The balanced paragraphs spanning what the precise pass kept (see above)."""
    if not precise:
        return balanced
    precise_words = sum(len(p.split()) for p in precise)
    if precise_words < _MIN_PRECISE_SHARE * sum(len(b.split()) for b in balanced):
        return balanced
    balanced_norm = [_norm(b) for b in balanced]
    precise_norm = {_norm(p) for p in precise}
    kept = [i for i, b in enumerate(balanced_norm) if b in precise_norm]
    if not kept:
        return precise
    known = set(balanced_norm)
    precise_only = sum(len(p.split()) for p in precise if _norm(p) not in known)
    if precise_only > _MAX_PRECISE_ONLY_SHARE * sum(len(p.split()) for p in precise):
        return precise
    first, last = kept[0], kept[-1]
    while first > 0 and _is_prose(balanced[first - 1], _EDGE_PROSE_WORDS):
        first -= 1
    while last < len(balanced) - 1 and _is_prose(balanced[last + 1], _EDGE_PROSE_WORDS):
        last += 1
    return balanced[first: last + 1]


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


_PUBLISHED_NAMES = ("article:published_time", "og:published_time", "datepublished", "pubdate",
                    "publishdate", "publish-date", "dc.date.issued", "dcterms.created", "parsely-pub-date",
                    "sailthru.date", "date")
_META_TAG = re.compile(rb"<meta\b[^>]*>", re.I)
_META_ATTR = re.compile(rb"""(property|name|itemprop|content)\s*=\s*["']([^"']*)["']""", re.I)
_JSONLD_PUBLISHED = re.compile(rb'"datePublished"\s*:\s*"([^"]+)"')


def _published_datetime(html: bytes | str, day: str | None) -> str | None:
    """The full publication time from meta tags or JSON-LD, when it falls on ``day``.

    Why: trafilatura returns the date only, but the time and zone decide which
    day "yesterday" or "on Monday" means; the day itself stays trafilatura's
    (it weighs many more clues).
    """
    if not day:
        return None
    data = html if isinstance(html, bytes) else html.encode("utf-8", "ignore")
    candidates: list[bytes] = []
    for tag in _META_TAG.findall(data[:300_000]):
        attrs = {k.lower(): v for k, v in _META_ATTR.findall(tag)}
        name = (attrs.get(b"property") or attrs.get(b"name") or attrs.get(b"itemprop") or b"").lower()
        if name.decode("ascii", "ignore") in _PUBLISHED_NAMES and attrs.get(b"content"):
            candidates.append(attrs[b"content"])
    candidates += _JSONLD_PUBLISHED.findall(data)
    for raw in candidates:
        value = raw.decode("utf-8", "ignore").strip()
        if "T" not in value and ":" not in value:
            continue
        full = normalize_published(value)
        if full and full[:10] == day[:10] and len(full) > 10:
            return full
    return None


def _declared_language(html: bytes | str) -> str | None:
    """The page's own <html lang>, a hint until cleaning identifies the language."""
    head = html[:4096] if isinstance(html, bytes) else html[:4096].encode("utf-8", "ignore")
    match = _LANG_ATTR.search(head)
    return match.group(1).decode().lower() if match else None


def add_split_chunks(html: bytes | str, blocks: list[str]) -> list[str]:
    """Add the other chunks of an article body split into sibling containers.

    Why: some sites cut the body into several containers with the same class
    (ad slots between them); extractors keep one chunk and lose the rest. When
    the paragraphs we kept sit in such a container, the paragraphs of its
    same-class twins are added in document order, if they read as prose and
    do not repeat (repeated blocks are teaser templates).
    """
    from trafilatura.utils import load_html

    tree = load_html(html)
    if tree is None or not blocks:
        return blocks
    known = {_norm(b) for b in blocks}
    holders: dict[tuple[str, str], int] = {}
    for para in tree.iter("p"):
        parent = para.getparent()
        klass = parent.get("class") if parent is not None else None
        if klass and "comment" not in klass.lower() and _norm(para.text_content()) in known:
            key = (parent.tag, klass)
            holders[key] = holders.get(key, 0) + 1
    if not holders:
        return blocks
    (tag, klass), count = max(holders.items(), key=lambda kv: kv[1])
    twins = [el for el in tree.iter(tag) if el.get("class") == klass]
    if count < 2 or len(twins) < 2:
        return blocks
    main = max(twins, key=lambda el: sum(_norm(p.text_content()) in known for p in el.iter("p")))
    before: list[str] = []
    after: list[str] = []
    side = before
    for twin in twins:
        if twin is main:
            side = after
            continue
        for para in twin.iter("p"):
            text = " ".join(para.text_content().split())
            if text and _norm(text) not in known:
                side.append(text)
    added = before + after
    if len({_norm(t) for t in added}) < len(added):
        return blocks  # repeated paragraphs: teaser templates, not a split story
    if (len(added) < 2 or sum(len(t.split()) for t in added) < 40
            or sum(_is_prose(t, 5) for t in added) * 2 < len(added)):
        return blocks
    return before + blocks + after


def _extract(html: bytes | str, url: str | None, with_metadata: bool) -> tuple[Any, list[str]]:
    """Run both passes; return (trafilatura document or None, article paragraphs)."""
    import trafilatura

    precise_doc = trafilatura.bare_extraction(
        html, url=url, with_metadata=with_metadata, date_extraction_params=_DATE_PARAMS,
        favor_precision=True, **_COMMON_ARGS)
    precise = _blocks(getattr(precise_doc, "text", None)) if precise_doc is not None else []
    balanced = _blocks(trafilatura.extract(html, url=url, **_COMMON_ARGS))
    return precise_doc, add_split_chunks(html, combine_passes(balanced, precise))


def extract_text(html: bytes | str, url: str | None = None) -> str:
    """Only the article body, paragraphs separated by blank lines."""
    _, blocks = _extract(html, url, with_metadata=False)
    return _paragraphs("\n".join(blocks), None)


def extract_html(html: bytes | str, source: str, url: str | None = None) -> tuple[dict[str, str], str]:
    """Return (metadata, article text) of an HTML page, or raise InputFailure."""
    try:
        doc, blocks = _extract(html, url, with_metadata=True)
    except Exception as exc:  # noqa: BLE001 - malformed markup must not end the batch
        raise InputFailure(source, f"could not parse HTML: {exc}") from exc
    text = _paragraphs("\n".join(blocks), getattr(doc, "title", None) if doc is not None else None)
    if sum(1 for w in text.split() if any(c.isalnum() for c in w)) < MIN_ARTICLE_WORDS:
        raise InputFailure(source, "no article text found in the HTML page")
    meta: dict[str, str] = {}
    for field, attr in (("title", "title"), ("author", "author"), ("site_name", "sitename"),
                        ("url", "url")):
        value = getattr(doc, attr, None)
        if value:
            meta[field] = " ".join(str(value).split())
    published = normalize_published(doc.date) if getattr(doc, "date", None) else None
    published = _published_datetime(html, published) or published
    if published:
        meta["published"] = published
    language = getattr(doc, "language", None) or _declared_language(html)
    if language and normalize_language(language):
        meta["language"] = normalize_language(language) or ""
    if url and "url" not in meta:
        meta["url"] = url
    return meta, text
