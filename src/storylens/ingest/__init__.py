"""Ingest: turn inputs (files, folders, stdin, URLs, feeds) into Documents.

Owned by the ingest work (issue 2). Contract:

    iter_documents(inputs, options) -> Iterator[Document | InputError]

yields one Document per article found, or one InputError per bad input (never
raises for bad input), streaming: nothing holds the whole corpus in memory.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from storylens.records import Document, InputError


@dataclass(frozen=True)
class IngestOptions:
    outlet: str | None = None
    published: str | None = None
    title: str | None = None
    language: str | None = None
    manifest: Path | None = None
    allow_private: bool = False
    timeout: float = 20.0
    max_bytes: int = 20_000_000


def iter_documents(
    inputs: Iterable[str], options: IngestOptions | None = None
) -> Iterator[Document | InputError]:
    options = options or IngestOptions()
    for item in inputs:
        path = Path(item)
        if path.is_dir():
            files = sorted(p for p in path.rglob("*") if p.is_file())
        else:
            files = [path]
        for file in files:
            try:
                text = file.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as exc:
                yield InputError(source=str(file), message=str(exc))
                continue
            yield Document(
                source=str(file),
                text=text,
                kind=file.suffix.lstrip(".") or "txt",
                outlet=options.outlet or file.stem,
                published=options.published,
            )
