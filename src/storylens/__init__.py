"""storylens: read many news reports of the same events and tell what is known,
who says so, how many independent outlets confirm it, and where they disagree.

The public API is imported lazily so that ``storylens --help`` and usage
errors answer without loading the NLP models.

``storylens.annotate`` names both the annotate stage (a package) and its one-text
function. Importing a submodule binds it on its package, so whichever was touched
first would win; instead the stage package itself is callable
(``storylens.annotate(text, published=...)`` runs the function) and is what the
name always means, in any import order, and ``import storylens.annotate as stage``
keeps working.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

__version__ = "0.1.0"

_EXPORTS = {
    "analyze": "storylens.pipeline",
    "annotate": "storylens.annotate",  # the callable stage package (see above)
    "Annotation": "storylens.records",
    "Article": "storylens.records",
    "Attribution": "storylens.records",
    "Claim": "storylens.records",
    "Entity": "storylens.records",
    "Fact": "storylens.records",
    "Place": "storylens.records",
    "Quantity": "storylens.records",
    "Report": "storylens.records",
    "Sentence": "storylens.records",
    "Span": "storylens.records",
    "Story": "storylens.records",
    "TimeExpr": "storylens.records",
}

__all__ = [
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
    "analyze",
    "annotate",
]

if TYPE_CHECKING:  # pragma: no cover
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


def __getattr__(name: str):
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'storylens' has no attribute {name!r}")
    value = importlib.import_module(module) if module == f"storylens.{name}" else getattr(
        importlib.import_module(module), name
    )
    globals()[name] = value
    return value

