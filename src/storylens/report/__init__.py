"""Report writers: JSON (the contract), Markdown, HTML, tables (issue 6).

    write_report(report, path)   picks the format from the suffix (.json, .md, .html)
"""

from __future__ import annotations

import json
from pathlib import Path

from storylens.errors import UsageError
from storylens.records import Report


def to_json(report: Report) -> str:
    return json.dumps(report.to_dict(), ensure_ascii=False, indent=2)


def write_report(report: Report, path: str | Path) -> Path:
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".json":
        content = to_json(report)
    else:
        raise UsageError(f"{path}: unknown report format {suffix!r} (use .json, .md or .html)")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(content, encoding="utf-8")
    return path
