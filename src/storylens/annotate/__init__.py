"""Annotate: sentences, entities, attributions, quantities, times, places.

Owned by the annotation work (issue 3). Contract:

    annotate(text, *, published=None, language=None) -> Annotation
    annotate_articles(articles, store=None) -> dict[article_id, Annotation]
        (cached in the store by content hash when a store is given)
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from storylens.records import Annotation, Article, Sentence


def annotate(text: str, *, published: str | None = None, language: str | None = None) -> Annotation:
    sentences = [
        Sentence(start=m.start(), end=m.end(), text=m.group())
        for m in re.finditer(r"[^\n.!?]+[.!?]*", text)
        if m.group().strip()
    ]
    return Annotation(sentences=tuple(sentences))


def annotate_articles(articles: Sequence[Article], store=None) -> dict[str, Annotation]:
    return {a.id: annotate(a.text, published=a.published, language=a.language) for a in articles}
