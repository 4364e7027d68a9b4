"""Report writers: JSON (the contract), Markdown, HTML, tables (issue 6).

    write_report(report, path)          picks the format from the suffix (.json, .md, .html)
    read_report(path)                   a JSON report back into records (checked against the schema)
    export_tables(report, dir, fmt)     CSV or Parquet tables of facts, claims, quotes,
                                        entities, places, timeline and articles
    hide_paths(report)                  the report with local paths cut to file names
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from storylens.errors import UsageError
from storylens.records import Report
from storylens.report.export import export_tables, report_tables
from storylens.report.html import report_body, to_html
from storylens.report.jsonio import (
    read_report,
    report_schema,
    splice_reports,
    to_json,
    validate_report_dict,
)
from storylens.report.markdown import to_markdown
from storylens.report.paths import hide_paths

WRITERS = {".json": to_json, ".md": to_markdown, ".markdown": to_markdown, ".html": to_html, ".htm": to_html}

__all__ = [
    "export_tables",
    "hide_paths",
    "read_report",
    "report_schema",
    "report_body",
    "report_tables",
    "render",
    "splice_reports",
    "to_html",
    "to_json",
    "to_markdown",
    "validate_report_dict",
    "write_report",
    "write_report_text",
]


def render(report: Report, suffix: str) -> str:
    writer = WRITERS.get(suffix.lower())
    if writer is None:
        raise UsageError(f"unknown report format {suffix!r} (use .json, .md or .html)")
    return writer(report)


def write_report(report: Report, path: str | Path) -> Path:
    """Write the report in the format its suffix names; returns the path."""
    return write_report_text(render(report, Path(path).suffix), path)


def write_report_text(content: str | Iterable[str], path: str | Path) -> Path:
    """Write a rendered report (its text, or its pieces in order) to ``path`` in one step; returns the path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    with tmp.open("w", encoding="utf-8") as out:
        out.writelines([content] if isinstance(content, str) else content)
    tmp.replace(path)  # never leave a half-written report behind
    return path
