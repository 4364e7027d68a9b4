"""Machine-translation debris, flagged and never removed.

Machine translation sometimes strands the adjective of a phrase after a full
stop: "after the withdrawal of forces. American." (from "American forces").
The sentence is real content, so cleaning keeps it; later stages may use
these spans to avoid treating the orphan as a sentence of its own.
"""

from __future__ import annotations

import re

# "<lower-case word>. <Capitalised adjective>." closing a paragraph
_ORPHAN = re.compile(
    r"\b([a-z][a-z]{2,})\.\s+([A-Z][a-z]+(?:an|ian|ese|ish|i|ic|al|ean))\.?(?=[ \t]*(?:\n|$))"
)


def translation_debris(text: str) -> list[tuple[int, int, str]]:
    """Spans (start, end, word) of adjectives orphaned after a paragraph's last full stop."""
    return [(m.start(2), m.end(2), m.group(2)) for m in _ORPHAN.finditer(text)]
