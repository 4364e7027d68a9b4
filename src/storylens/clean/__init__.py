"""Clean: normalisation, boilerplate removal with reasons, language, duplicates,
syndication. Owned by the cleaning work (issue 2). Contract:

    clean_document(doc) -> Article          (raises InputFailure when nothing usable is left)
    assign_syndication(articles) -> list[Article]   (same order; sets syndication_group,
                                                      duplicate_of)
    article_id(outlet, text) -> str         (content hash)
    translation_debris(text) -> spans       (machine-translation orphans, flagged only)
    is_furniture(sentence) -> reason | None (captions, credits, prompts inside a paragraph)
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from storylens.clean.boilerplate import classify_line, remove_boilerplate
from storylens.clean.debris import translation_debris
from storylens.clean.furniture import caption_sentences, is_furniture, leading_dateline
from storylens.clean.language import identify_language
from storylens.clean.normalize import normalize_text
from storylens.clean.syndication import (
    RepeatedLines,
    agency_credits,
    assign_syndication,
    seniority,
    syndication_labels,
    text_links,
)
from storylens.errors import InputFailure
from storylens.lexicon.words import word_count
from storylens.records import Article, Document, Removed

__all__ = [
    "MIN_WORDS",
    "RepeatedLines",
    "seniority",
    "syndication_labels",
    "text_links",
    "agency_credits",
    "article_id",
    "assign_syndication",
    "classify_line",
    "clean_document",
    "clean_text",
    "identify_language",
    "caption_sentences",
    "is_furniture",
    "leading_dateline",
    "translation_debris",
]

MIN_WORDS = 10  # fewer words than this is a caption or a stub, not an article


def article_id(outlet: str, text: str) -> str:
    """Content-hash id: the same text from the same outlet is the same article."""
    digest = hashlib.sha256(f"{outlet}\x00{text}".encode()).hexdigest()
    return digest[:16]


def clean_text(
    text: str, *, title: str | None = None, repeated: Callable[[str], bool] | None = None
) -> tuple[str, list[Removed]]:
    """Normalised, boilerplate-free text and the removed lines (no checks, no language)."""
    kept, removed = remove_boilerplate(normalize_text(text), title=title, repeated=repeated)
    return "\n\n".join(kept), removed


def clean_document(doc: Document, *, repeated: RepeatedLines | None = None) -> Article:
    """Turn an ingested document into a clean article, or say why it is unusable.

    ``repeated`` (optional) remembers short lines seen across the outlet's
    articles, so furniture that no pattern knows is caught by repetition.
    """
    if not doc.text.strip():
        raise InputFailure(doc.source, "empty text: nothing to clean")
    outlet = doc.outlet or "unknown"
    if repeated is not None:
        repeated.observe(outlet, normalize_text(doc.text))
    text, removed = clean_text(
        doc.text,
        title=doc.title,
        repeated=repeated.for_outlet(outlet) if repeated is not None else None,
    )
    if not text:
        raise InputFailure(
            doc.source, f"only boilerplate: all {len(removed)} lines were page furniture"
        )
    words = word_count(text)
    if words < MIN_WORDS:
        raise InputFailure(
            doc.source,
            f"too short to be an article: {words} words after cleaning (at least {MIN_WORDS})",
        )
    language = doc.language.strip().lower() if doc.language and doc.language.strip() else None
    if language is None:
        language, _ = identify_language(text)
    return Article(
        id=article_id(outlet, text),
        source=doc.source,
        outlet=outlet,
        title=doc.title,
        url=doc.url,
        published=doc.published,
        language=language,
        author=doc.author,
        text=text,
        removed=tuple(removed),
    )
