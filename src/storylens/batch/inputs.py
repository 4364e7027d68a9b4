"""What a batch reads: inputs expanded into units of work (one file, one table file).

Folders are walked on the driver with ingest's own rules (sidecars, manifests,
hidden files) plus ``*.parquet`` tables; each file becomes one unit with a key
(its path, size and modification time), the unit of resuming. A URI Spark reads
(``s3a://``, ``hdfs://``) stays one unit that the Spark engine lists itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from storylens.batch.plan import unit_key
from storylens.ingest.walk import WalkStats, walk
from storylens.records import InputError

TABLE_EXTENSIONS = (".parquet",)


@dataclass(frozen=True)
class InputUnit:
    kind: str  # "file" (the CLI's formats), "table" (Parquet with article columns), "uri"
    path: str
    key: str
    manifest: str | None = None


def is_uri(item: str) -> bool:
    return "://" in item and not item.startswith("file://")


def _file_unit(path: Path, manifest: str | None = None) -> InputUnit:
    stat = path.stat()
    kind = "table" if path.suffix.lower() in TABLE_EXTENSIONS else "file"
    resolved = str(path.resolve())
    return InputUnit(kind, resolved, unit_key(resolved, f"{stat.st_size}:{stat.st_mtime_ns}"), manifest)


def expand_inputs(inputs: list[str], *, engine: str) -> tuple[list[InputUnit], list[InputError]]:
    """Units in a stable order, and one error per input that gives none."""
    units: list[InputUnit] = []
    errors: list[InputError] = []
    for item in inputs:
        item = str(item)
        if is_uri(item):
            if engine != "spark":
                errors.append(InputError(source=item, message="a URI input needs --engine spark"))
            else:
                units.append(InputUnit("uri", item, unit_key(item)))
            continue
        path = Path(item.removeprefix("file://"))
        if path.is_dir():
            stats = WalkStats()
            found = [
                _file_unit(file, str(manifest.path) if manifest is not None else None)
                for file, manifest in walk(path, stats)
            ]
            found += [_file_unit(p) for p in sorted(path.rglob("*.parquet"))
                      if not any(part.startswith(".") for part in p.relative_to(path).parts)]
            if not found:
                errors.append(InputError(source=item, message=f"no usable file in folder ({stats.describe()})"))
            units.extend(sorted(found, key=lambda u: u.path))
        elif path.is_file():  # an unsupported type is named by its reader, in one line
            units.append(_file_unit(path))
        else:
            errors.append(InputError(source=item, message="no such file or directory"))
    unique = list({u.key: u for u in units}.values())
    return unique, errors
