"""Folders: a deterministic, streaming walk over the files worth reading.

Order is by name at every level (depth-first), so the same folder always
gives the same article order. Passed over without a message: hidden files and
folders, sidecars (``*.meta.json``), manifest CSVs, folder documentation by
name (README, LICENSE, CHANGELOG, ...), and files whose extension no reader
handles (a folder of articles may hold images). Named explicitly, any of them
is read or reported.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

from storylens.ingest.metadata import SIDECAR_SUFFIX, Manifest, is_manifest

TEXT_EXTENSIONS = (".txt", ".text", ".md", ".markdown")
HTML_EXTENSIONS = (".html", ".htm", ".xhtml")
JSON_EXTENSIONS = (".json", ".jsonl", ".ndjson")
WARC_EXTENSIONS = (".warc", ".warc.gz", ".arc.gz")
FEED_EXTENSIONS = (".rss", ".atom")
SUPPORTED = TEXT_EXTENSIONS + HTML_EXTENSIONS + JSON_EXTENSIONS + WARC_EXTENSIONS + FEED_EXTENSIONS
_DOC_NAMES = {"readme", "license", "licence", "copying", "changelog", "changes", "contributing",
              "authors", "notice", "code_of_conduct", "security"}


def extension(path: Path) -> str:
    """The reader-relevant extension, lower case ('.warc.gz' counts as one)."""
    name = path.name.lower()
    for double in (".warc.gz", ".arc.gz"):
        if name.endswith(double):
            return double
    return path.suffix.lower()


def is_folder_documentation(path: Path) -> bool:
    """README.md, LICENSE, CHANGELOG.txt ...: documentation of a folder, not articles."""
    return path.name.split(".", 1)[0].lower() in _DOC_NAMES


class WalkStats:
    """What a walk passed over, for the 'no usable file' message."""

    def __init__(self) -> None:
        self.skipped: dict[str, int] = {}

    def skip(self, why: str) -> None:
        self.skipped[why] = self.skipped.get(why, 0) + 1

    def describe(self) -> str:
        if not self.skipped:
            return "the folder holds no files"
        parts = [f"{n} {why}" for why, n in sorted(self.skipped.items())]
        return "passed over " + ", ".join(parts)


def walk(root: Path, stats: WalkStats | None = None) -> Iterator[tuple[Path, Manifest | None]]:
    """Yield (file, manifest that covers it) for every candidate article file.

    A ``manifest.csv`` (or any CSV with a manifest header) in a folder applies
    to that folder's subtree; a deeper manifest takes over below it.
    """
    yield from _walk(root, None, set(), stats or WalkStats())


def _walk(folder: Path, manifest: Manifest | None, seen: set[tuple[int, int]],
          stats: WalkStats) -> Iterator[tuple[Path, Manifest | None]]:
    try:
        stat = folder.stat()
        key = (stat.st_dev, stat.st_ino)
        if key in seen:  # a symlink loop
            return
        seen.add(key)
        with os.scandir(folder) as scan:
            entries = sorted(scan, key=lambda e: e.name)
    except OSError:
        return
    for entry in entries:
        if entry.name.endswith(".csv") and entry.is_file() and is_manifest(Path(entry.path)):
            try:
                manifest = Manifest(Path(entry.path))
            except Exception:  # noqa: BLE001 - an unreadable manifest is reported when read directly
                pass
            break
    for entry in entries:
        if entry.name.startswith((".", "~", "#")):
            stats.skip("hidden")
            continue
        path = Path(entry.path)
        try:
            if entry.is_dir():
                yield from _walk(path, manifest, seen, stats)
                continue
            if not entry.is_file():
                continue
        except OSError:
            continue
        name = entry.name.lower()
        if name.endswith(SIDECAR_SUFFIX) or name.endswith(".csv") or is_folder_documentation(path):
            stats.skip("metadata/documentation")
            continue
        if extension(path) not in SUPPORTED:
            stats.skip(f"unsupported ({extension(path) or 'no extension'})")
            continue
        yield path, manifest
