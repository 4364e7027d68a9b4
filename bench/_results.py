"""Write one benchmark's section into bench/RESULTS.md without touching the others."""

from __future__ import annotations

import re
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"


def _read(path: Path) -> str:
    return path.read_text(encoding="utf-8") if path.exists() else "# Benchmark results\n"


def _write(path: Path, text: str) -> None:
    path.write_text(text.rstrip("\n") + "\n", encoding="utf-8")


def _section(heading: str) -> re.Pattern[str]:
    """The section ``## heading``, up to the next ``## `` or the end."""
    return re.compile(rf"^## {re.escape(heading)}\n.*?(?=^## |\Z)", re.S | re.M)


def write_section(heading: str, body: str, path: Path = RESULTS) -> None:
    """Replace the section ``## heading`` (up to the next ``## ``) or append it."""
    text = _read(path)
    section = f"## {heading}\n\n{body.strip()}\n\n"
    pattern = _section(heading)
    if pattern.search(text):
        text = pattern.sub(lambda _: section, text, count=1)
    else:
        text = text.rstrip("\n") + "\n\n" + section
    _write(path, text)


def append_subsection(heading: str, subheading: str, body: str, path: Path = RESULTS) -> None:
    """Add ``### subheading`` at the end of the section ``## heading`` (made if missing), keeping what
    the section already holds: for benches whose runs are a history, not one current figure."""
    text = _read(path)
    entry = f"### {subheading}\n\n{body.strip()}\n\n"
    found = _section(heading).search(text)
    if found:
        text = text[: found.end()].rstrip("\n") + "\n\n" + entry + text[found.end() :]
    else:
        text = text.rstrip("\n") + f"\n\n## {heading}\n\n" + entry
    _write(path, text)
