"""Plain text and Markdown articles: front matter, headline, body.

A first line becomes the title only when it looks like a headline: short, a
line of its own (followed by a blank line or a Markdown heading), no
sentence-final full stop, not a dateline or byline, and text follows it. A
report that starts straight with its lede keeps every sentence in the body.
"""

from __future__ import annotations

import re
from typing import Any

from storylens.ingest.metadata import normalize_meta
from storylens.lexicon.datelines import LEDE_DATELINE

_FRONT_MATTER = re.compile(r"\A(?:---|\+\+\+)[ \t]*\r?\n(.*?)\r?\n(?:---|\+\+\+|\.\.\.)[ \t]*(?:\r?\n|\Z)", re.S)
_MD_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
_MD_LINK = re.compile(r"\[([^\]]+)\]\((?:[^()]|\([^)]*\))*\)")
_MD_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$")
_MD_EMPHASIS = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")
_BYLINE = re.compile(r"^(by|von|par|por)\s+[A-Z]", re.I)
_MAX_TITLE_CHARS = 200
_MAX_TITLE_WORDS = 30


def split_front_matter(text: str) -> tuple[dict[str, str], str]:
    """Parse a leading ``---`` YAML (or ``+++`` TOML-ish) block of key: value lines."""
    match = _FRONT_MATTER.match(text)
    if not match:
        return {}, text
    raw: dict[str, Any] = {}
    try:
        import yaml

        loaded = yaml.safe_load(match.group(1))
        if isinstance(loaded, dict):
            raw = {str(k): v for k, v in loaded.items()}
    except Exception:  # noqa: BLE001 - not YAML: fall back to key: value lines
        raw = {}
    if not raw:
        for line in match.group(1).splitlines():
            key, sep, value = line.partition(":" if ":" in line else "=")
            if sep and key.strip():
                raw[key.strip()] = value.strip().strip("'\"")
    if not raw:
        return {}, text
    return normalize_meta(raw), text[match.end():]


def looks_like_headline(line: str, next_line: str | None, rest: str) -> bool:
    """Decide whether the first line is a headline rather than the lede."""
    line = line.strip()
    words = line.split()
    if not words or not rest.strip():
        return False
    if len(line) > _MAX_TITLE_CHARS or len(words) > _MAX_TITLE_WORDS:
        return False
    if next_line is not None and next_line.strip():
        return False  # a wrapped paragraph, not a line of its own
    if line.endswith((".", ",", ";", ":")) and not line.endswith("..."):
        return False  # headlines do not end with a full stop; sentences do
    if _BYLINE.match(line) or LEDE_DATELINE.match(line):
        return False
    if not (line[0].isupper() or line[0].isdigit() or line[0] in "\"'“‘«¿¡"):
        return False
    if line.count(". ") >= 1 and len(words) > 12:
        return False  # two sentences on one line
    return True


def markdown_to_text(text: str) -> tuple[str, str | None]:
    """Strip Markdown markup that is not prose; return (text, first heading)."""
    heading: str | None = None
    lines = []
    for line in text.splitlines():
        match = _MD_HEADING.match(line)
        if match:
            line = match.group(1)
            if heading is None and not "".join(lines).strip():
                heading = line.strip()
                continue
        line = _MD_IMAGE.sub("", line)
        line = _MD_LINK.sub(r"\1", line)
        line = _MD_EMPHASIS.sub(r"\2", line)
        if re.fullmatch(r"\s*([-*_]\s*){3,}", line):
            line = ""
        lines.append(line)
    return "\n".join(lines), heading


def parse_text(text: str, *, markdown: bool = False) -> tuple[dict[str, str], str]:
    """Return (metadata, body) for a text or Markdown article."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    meta, body = split_front_matter(text)
    heading = None
    if markdown:
        body, heading = markdown_to_text(body)
    if heading:
        meta.setdefault("title", heading)
        return meta, body.strip("\n")
    lines = body.strip("\n").split("\n")
    first = lines[0] if lines else ""
    next_line = lines[1] if len(lines) > 1 else None
    rest = "\n".join(lines[1:])
    if looks_like_headline(first, next_line, rest):
        meta.setdefault("title", first.strip())
        body = rest
    return meta, body.strip("\n")
