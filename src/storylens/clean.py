"""Clean: normalisation, boilerplate removal with reasons, language, duplicates,
syndication. Owned by the cleaning work (issue 2). Contract:

    clean_document(doc) -> Article          (raises InputFailure when nothing usable is left)
    assign_syndication(articles) -> list[Article]   (same order; sets syndication_group,
                                                      duplicate_of)
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from storylens.errors import InputFailure
from storylens.records import Article, Document


def article_id(outlet: str, text: str) -> str:
    """Content-hash id: the same text from the same outlet is the same article."""
    digest = hashlib.sha256(f"{outlet}\x00{text}".encode()).hexdigest()
    return digest[:16]


def clean_document(doc: Document) -> Article:
    text = "\n\n".join(p.strip() for p in doc.text.split("\n\n") if p.strip())
    if not text:
        raise InputFailure(doc.source, "no text left after cleaning")
    outlet = doc.outlet or "unknown"
    return Article(
        id=article_id(outlet, text),
        source=doc.source,
        outlet=outlet,
        title=doc.title,
        url=doc.url,
        published=doc.published,
        language=doc.language,
        author=doc.author,
        text=text,
    )


def assign_syndication(articles: Sequence[Article]) -> list[Article]:
    return list(articles)
