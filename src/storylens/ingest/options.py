"""Ingest settings: one frozen object shared by every reader."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from storylens.errors import UsageError
from storylens.records import iso_published

USER_AGENT = "storylens/0.1 (+https://github.com/storylens/storylens; local news reader)"


@dataclass(frozen=True)
class IngestOptions:
    """What the caller (CLI flags or API) tells every reader.

    ``outlet``/``published``/``title``/``language`` are user statements and
    override whatever a document says; ``published`` must be ISO 8601
    (a UsageError otherwise). ``max_bytes`` caps what is read into
    memory for one document (a whole .txt/.html/.json file, one JSONL line, one
    WARC record, one HTTP response), so a huge input is refused, not loaded.
    """

    outlet: str | None = None
    published: str | None = None
    title: str | None = None
    language: str | None = None
    manifest: Path | None = None
    allow_private: bool = False
    allow_outside_paths: bool = False  # manifest rows may name files outside its folder
    timeout: float = 20.0
    max_bytes: int = 20_000_000
    user_agent: str = USER_AGENT
    max_feed_items: int = 100

    def __post_init__(self) -> None:
        if self.published is not None:
            try:
                object.__setattr__(self, "published", iso_published(self.published))
            except ValueError as exc:
                raise UsageError(f"--published: {exc}") from None
