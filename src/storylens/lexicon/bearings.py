"""Compass bearings in place phrases: "northeastern Wyoming", "the north-west of the country".

Two reports that put one event in the northeast and the northwest of one place disagree
about where it happened (compare's place check); "northern" and "northeastern" do not.
"""

from __future__ import annotations

import re

__all__ = ["bearing_before", "bearing_words", "bearings_disagree"]

_BEARING = re.compile(
    r"\b(north|south)?[\s-]?(east|west)?(?:ern|erly)?\s+(?:part\s+of\s+|corner\s+of\s+)?$", re.I
)


def bearing_before(text: str, at: int) -> frozenset[str]:
    """The compass components ({"north", "east"}, ...) of the word(s) just before ``text[at:]``."""
    found = _BEARING.search(text[max(0, at - 40) : at])
    if found is None:
        return frozenset()
    return frozenset(part.lower() for part in found.groups() if part)


def bearing_words(text: str, at: int) -> str:
    """The words giving the bearing before ``text[at:]`` ("northeastern", "the north-west part of")."""
    found = _BEARING.search(text[max(0, at - 40) : at])
    return found.group(0).strip() if found else ""


def bearings_disagree(a: frozenset[str], b: frozenset[str]) -> bool:
    """North against south, or east against west: "northeastern" / "northwestern" disagree."""
    return any(x in a and y in b or y in a and x in b for x, y in (("north", "south"), ("east", "west")))
