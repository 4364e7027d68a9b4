"""storylens: read many news reports of the same events and tell what is known,
who says so, how many independent outlets confirm it, and where they disagree.

The public API is imported lazily so that ``storylens --help`` and usage
errors answer without loading the NLP models. An exported name always means the
exported function, even where a submodule has the same name (``annotate``): the
import system binds a submodule on its package when it is first imported, which
would otherwise replace ``storylens.annotate`` (the function) by the stage package
(``from storylens.annotate import ...`` still reaches the stage).
"""

from __future__ import annotations

import importlib
import sys
import types
from typing import TYPE_CHECKING

__version__ = "0.1.0"

_EXPORTS = {
    "analyze": "storylens.pipeline",
    "annotate": "storylens.annotate",
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
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


class _Package(types.ModuleType):
    """The storylens module: a submodule import never rebinds an exported name."""

    def __setattr__(self, name: str, value: object) -> None:
        if name in _EXPORTS and isinstance(value, types.ModuleType):
            return  # the submodule stays in sys.modules; the name keeps meaning the function
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package
