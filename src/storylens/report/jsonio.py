"""The JSON report (SPEC 8) and its JSON Schema, generated from the records.

The schema file ``report/schema.json`` is committed so consumers can read the
contract without Python; ``scripts/regen_golden.py --schema`` rewrites it and a
test fails when the models and the committed file drift apart.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

from storylens.errors import UsageError
from storylens.records import Report

SCHEMA_PATH = Path(__file__).with_name("schema.json")


def to_json(report: Report) -> str:
    """The report as indented JSON, serialised by pydantic's own encoder: the same text as
    ``json.dumps(report.to_dict(), ensure_ascii=False, indent=2)`` (checked byte for byte on a
    195 MB report of 5,007 articles) at an eighth of the time (1.6 s instead of 13.6 s)."""
    return report.model_dump_json(by_alias=True, indent=2)


def report_schema() -> dict:
    """The JSON Schema of a serialised report, straight from the pydantic models."""
    schema = Report.model_json_schema(by_alias=True, mode="serialization")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "storylens.report/1"
    return schema


def schema_text() -> str:
    return json.dumps(report_schema(), indent=2, sort_keys=True) + "\n"


@lru_cache(maxsize=1)
def committed_schema() -> dict:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


def validate_report_dict(data: dict) -> None:
    """Raise jsonschema.ValidationError when ``data`` breaks the committed contract."""
    import jsonschema

    jsonschema.validate(data, committed_schema(), cls=jsonschema.Draft202012Validator)


def read_report(path: str | Path) -> Report:
    """Load a JSON report written by storylens; a clear one-line error when it is not one."""
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise UsageError(f"{path}: not a readable JSON report ({exc})") from exc
    if not isinstance(data, dict) or data.get("schema") != Report().schema_:
        raise UsageError(f"{path}: not a storylens report (schema {Report().schema_} expected)")
    try:
        return Report.model_validate(data)
    except ValueError as exc:
        first = str(exc).splitlines()[:3]
        raise UsageError(f"{path}: report does not follow the schema: {' '.join(first)}") from exc
