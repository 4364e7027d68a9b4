"""Quotation marks, the quotation pattern, and whether a place in the text is inside a
quotation."""

from __future__ import annotations

import re
from bisect import bisect_left

DOUBLE_MARKS = "\"“”"  # straight and curly double marks: what shows a direct quote in a sentence
SINGLE_MARKS = "‘’"
DOUBLE_PRIME = "″"  # typed for a closing mark by some outlets
APOSTROPHE = "'"  # also a straight single quotation mark
GUILLEMETS = "«»„"  # continental marks, in copy from outside the English-language press
QUOTE_MARKS = DOUBLE_MARKS + SINGLE_MARKS + DOUBLE_PRIME  # quotation marks that are never an apostrophe
QUOTE_CHARS = QUOTE_MARKS + APOSTROPHE  # any character that may open or close a quotation
OPENING_MARKS = "\"“‘" + APOSTROPHE
DOUBLE_MARK = re.compile(f"[{DOUBLE_MARKS}]")

# A quotation; a “ right after closing punctuation and before a space closes it (a common typo:
# "…problems for her here,“ said Jim Clyburn"), rather than opening a quote to the end of the line.
QUOTE_RE = re.compile(r"“(?:[^”″“\n]|“(?!\s))(?:[^”″\n](?![,.?!]“\s))*(?:[^”″\n][,.?!]“(?=\s)|[”″]|$)"
                      r"|\"[^\"\n]{2,}\"|‘[^’\n]{8,}’(?=[\s,.;:!?]|$)"
                      r"|''(?=\S)(?:[^'\n]|'(?!'))+?''", re.M)  # ''…'': the New York Times' quote marks


def quotation_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of every quotation in the text, in order, disjoint."""
    return [(m.start(), m.end()) for m in QUOTE_RE.finditer(text)]


def inside_quote(index: int, quotes: list[tuple[int, int]]) -> bool:
    """Whether a character sits strictly inside a quotation (``quotes``: in text order, disjoint,
    as ``quotation_spans`` finds them)."""
    position = bisect_left(quotes, (index, -1)) - 1
    return position >= 0 and index < quotes[position][1]


def quotation_open_at(text: str, position: int) -> bool:
    """Whether a quotation opened before ``position`` in a short text (a sentence) is still
    open there, by counting its double marks: no pairing needed for one sentence."""
    before = text[:position]
    return before.count('"') % 2 == 1 or before.count("“") > before.count("”")
