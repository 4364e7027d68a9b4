"""What every reader hands back before metadata is merged."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class RawDoc:
    """One article as a reader found it: text plus the metadata it carried.

    ``container`` is True when the input holds many articles (JSONL, WARC,
    feeds): then the article's own metadata beats a sidecar or manifest row.
    """

    source: str
    text: str
    kind: str
    meta: dict[str, str] = field(default_factory=dict)
    container: bool = False
    notes: tuple[str, ...] = ()  # what reading had to assume (an encoding), said to the user
