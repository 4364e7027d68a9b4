"""storylens: read many news reports of the same events and tell what is known,
who says so, how many independent outlets confirm it, and where they disagree."""

from storylens.annotate import annotate
from storylens.pipeline import analyze
from storylens.records import (
    Annotation,
    Article,
    Attribution,
    Claim,
    Entity,
    Fact,
    Place,
    Quantity,
    Report,
    Sentence,
    Span,
    Story,
    TimeExpr,
)

__version__ = "0.1.0"

__all__ = [
    "analyze",
    "annotate",
    "Annotation",
    "Article",
    "Attribution",
    "Claim",
    "Entity",
    "Fact",
    "Place",
    "Quantity",
    "Report",
    "Sentence",
    "Span",
    "Story",
    "TimeExpr",
]
