"""Article metadata: where it comes from and which source wins.

Sources, weakest first:

1. derived: the outlet from the URL's domain, else from the file name;
   the publication time stays unknown (None) -- never guessed from file times;
2. the document itself (HTML meta tags, JSON fields, feed entries);
3. a manifest CSV row (``path,outlet,url,published,title,language``);
4. a sidecar ``NAME.meta.json`` next to the file (or front matter in text);
5. the IngestOptions flags (``--outlet``, ``--published``, ...): the user said so.

For containers that hold many articles (JSONL, a JSON list, WARC, feeds) the
document's own fields beat the manifest and sidecar, which then only fill gaps:
one row cannot describe many different articles.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Mapping
from datetime import UTC, date, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from storylens.errors import InputFailure
from storylens.ingest.options import IngestOptions

FIELDS = ("outlet", "url", "published", "title", "language", "author", "site_name")
MANIFEST_COLUMNS = ("path", "outlet", "url", "published", "title", "language")
SIDECAR_SUFFIX = ".meta.json"

# Field names used by common news dumps (news-please, newspaper, schema.org, NewsAPI).
_ALIASES: dict[str, tuple[str, ...]] = {
    "outlet": ("outlet", "source_domain", "source", "publisher", "site", "domain"),
    "url": ("url", "canonical_url", "link", "uri"),
    "published": (
        "published", "date_publish", "published_at", "publishedAt", "datePublished",
        "published_time", "publishedTime", "pubDate", "date", "pub_date",
    ),
    "title": ("title", "headline", "name"),
    "language": ("language", "lang", "locale"),
    "author": ("author", "authors", "byline", "creator"),
    "site_name": ("site_name", "sitename", "siteName"),
}


def normalize_meta(raw: Mapping[str, Any], problems: list[str] | None = None) -> dict[str, str]:
    """Map the many spellings of metadata fields onto ours, as clean strings.

    A date that cannot be read is left out; ``problems`` (when given) gets a note
    saying so, for metadata the user wrote (sidecars, manifests).
    """
    out: dict[str, str] = {}
    for field, names in _ALIASES.items():
        for name in names:
            value = raw.get(name)
            if isinstance(value, Mapping):  # NewsAPI: "source": {"name": ...}
                value = value.get("name") or value.get("id")
            if isinstance(value, list | tuple):
                value = ", ".join(str(v).strip() for v in value if str(v).strip())
            if value is None or value == "":
                continue
            if field == "published":
                text = normalize_published(value)
            elif field == "language":
                text = normalize_language(str(value))
            elif field == "outlet" and re.fullmatch(r"(https?://)?[\w-]+(\.[\w-]+)+/?", str(value).strip()):
                text = outlet_from_url(str(value).strip())  # news-please source_domain
            else:
                text = " ".join(str(value).split())
            if text:
                out[field] = text
                break
            if field == "published" and problems is not None:
                problems.append(f"{name} {str(value)!r} is not a date; ignored")
    return out


def normalize_language(value: str) -> str | None:
    """'en-US' -> 'en': later stages only need the primary language."""
    primary = re.split(r"[-_]", value.strip())[0].lower()
    return primary if primary.isalpha() and 2 <= len(primary) <= 3 else None


def normalize_published(value: Any) -> str | None:
    """Any reasonable date/time notation -> ISO 8601, or None when unparsable."""
    if isinstance(value, datetime):
        return value.replace(microsecond=0).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, int | float) and not isinstance(value, bool):
        seconds = value / 1000 if value > 1e11 else value  # milliseconds since epoch
        try:
            return datetime.fromtimestamp(seconds, UTC).replace(microsecond=0).isoformat()
        except (OverflowError, OSError, ValueError):
            return None
    text = str(value).strip()
    if not text:
        return None
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        try:
            return date.fromisoformat(text).isoformat()
        except ValueError:
            return None
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).replace(microsecond=0).isoformat()
    except ValueError:
        pass
    try:
        return parsedate_to_datetime(text).replace(microsecond=0).isoformat()  # RSS dates
    except (TypeError, ValueError, IndexError):
        pass
    import dateparser  # slow import: only for unusual notations

    parsed = dateparser.parse(text, settings={"REQUIRE_PARTS": ["year", "month", "day"]})
    return parsed.replace(microsecond=0).isoformat() if parsed else None


def outlet_from_url(url: str | None) -> str | None:
    """'https://www.example-news.com/a/b' -> 'example-news.com'."""
    if not url:
        return None
    try:
        host = urlsplit(url if "//" in url else f"//{url}").hostname
    except ValueError:
        return None
    if not host:
        return None
    host = host.lower().strip(".")
    if not host:
        return None
    for prefix in ("www.", "www2.", "m.", "amp.", "mobile."):
        if host.startswith(prefix) and host.count(".") >= 2:
            host = host[len(prefix):]
            break
    return host


def outlet_from_path(path: Path) -> str:
    """The file name without extensions: 'reports/herald-flood.txt' -> 'herald-flood'."""
    name = path.name
    for suffix in (".warc.gz", ".html.gz"):
        if name.lower().endswith(suffix):
            return name[: -len(suffix)]
    return path.stem or name


def sidecar_path(path: Path) -> Path | None:
    """The sidecar of ``a.txt``: ``a.meta.json`` (or ``a.txt.meta.json``)."""
    for candidate in (path.with_name(f"{outlet_from_path(path)}{SIDECAR_SUFFIX}"),
                      path.with_name(f"{path.name}{SIDECAR_SUFFIX}")):
        if candidate.is_file():
            return candidate
    return None


def read_sidecar(path: Path, problems: list[InputFailure] | None = None) -> dict[str, str]:
    """Metadata from the file's sidecar, {} when there is none.

    An unreadable sidecar raises; a readable one with an unusable date gives the
    rest of its fields and, in ``problems``, what was left out.
    """
    meta_path = sidecar_path(path)
    if meta_path is None:
        return {}
    try:
        raw = json.loads(meta_path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputFailure(str(meta_path), f"unreadable sidecar metadata: {exc}") from exc
    if not isinstance(raw, dict):
        raise InputFailure(str(meta_path), "sidecar metadata must be a JSON object")
    notes: list[str] = []
    meta = normalize_meta(raw, notes)
    if notes and problems is not None:
        problems.append(InputFailure(str(meta_path), "; ".join(notes)))
    return meta


def is_manifest(path: Path) -> bool:
    """A CSV whose header has a ``path`` column and at least one metadata column."""
    if path.suffix.lower() != ".csv" or not path.is_file():
        return False
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            header = next(csv.reader(handle), [])
    except (OSError, UnicodeDecodeError, csv.Error):
        return False
    columns = {h.strip().lower() for h in header}
    return "path" in columns and bool(columns & set(MANIFEST_COLUMNS[1:]))


class Manifest:
    """Rows of a manifest CSV keyed by the resolved path of each listed file.

    A listed path must resolve (links followed) inside the manifest's folder: a
    manifest from elsewhere must not pull in ``/etc/passwd`` or ``../../secrets`` and
    embed it in a report. ``allow_outside`` (``--allow-outside-paths``) lifts that.
    """

    def __init__(self, path: Path, allow_outside: bool = False):
        self.path = path
        self.rows: dict[Path, dict[str, str]] = {}
        self.problems: dict[Path, str] = {}  # a row whose metadata was partly unusable
        self.refused: list[InputFailure] = []  # rows naming a file outside the folder
        self.order: list[Path] = []
        base = path.parent
        inside = base.resolve()
        try:
            with path.open(encoding="utf-8-sig", newline="") as handle:
                for line, row in enumerate(csv.DictReader(handle), 2):
                    clean = {(k or "").strip().lower(): (v or "").strip() for k, v in row.items()}
                    if not clean.get("path"):
                        continue
                    target = (base / clean["path"]).resolve()
                    if not allow_outside and not target.is_relative_to(inside):
                        self.refused.append(InputFailure(
                            f"{path} line {line}",
                            f"{clean['path']!r} is outside the manifest's folder; refused "
                            "(use --allow-outside-paths to read it)"))
                        continue
                    problems: list[str] = []
                    self.rows[target] = normalize_meta({k: v for k, v in clean.items() if k != "path"}, problems)
                    if problems:
                        self.problems[target] = f"{path} line {line}: " + "; ".join(problems)
                    self.order.append(base / clean["path"])
        except (OSError, UnicodeDecodeError, csv.Error) as exc:
            raise InputFailure(str(path), f"unreadable manifest: {exc}") from exc

    def lookup(self, file: Path) -> dict[str, str]:
        return self.rows.get(file.resolve(), {})

    def problem(self, file: Path) -> str | None:
        """What was wrong with the file's row (its other fields still apply)."""
        return self.problems.get(file.resolve())


def flag_meta(options: IngestOptions) -> dict[str, str]:
    """The user's flags as metadata (they win over every other source)."""
    raw = {"outlet": options.outlet, "published": options.published,
           "title": options.title, "language": options.language}
    return normalize_meta({k: v for k, v in raw.items() if v})


def merge_meta(
    *,
    document: Mapping[str, str | None],
    manifest: Mapping[str, str] | None = None,
    sidecar: Mapping[str, str] | None = None,
    flags: Mapping[str, str] | None = None,
    container: bool = False,
    fallback_outlet: str | None = None,
) -> dict[str, str | None]:
    """Combine metadata layers in the documented order of precedence."""
    layers: list[Mapping[str, Any]] = [document, manifest or {}, sidecar or {}]
    if container:
        layers = [manifest or {}, sidecar or {}, document]
    layers.append(flags or {})
    merged: dict[str, str | None] = dict.fromkeys(FIELDS)
    for layer in layers:
        for field in FIELDS:
            value = layer.get(field)
            if value:
                merged[field] = value
    if not merged["outlet"]:
        merged["outlet"] = outlet_from_url(merged["url"]) or fallback_outlet
    return merged
