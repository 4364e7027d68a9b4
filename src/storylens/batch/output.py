"""The output folder of a batch job, and what makes it resumable.

    DIR/tables/<table>/day=YYYY-MM-DD/*.parquet   the tables (batch/tables.py)
    DIR/tables/errors.parquet                     one row per failed input
    DIR/reports/<story_id>.json                   one storylens.report/1 report per story
    DIR/summary.json                              counts and per-input errors
    DIR/_work/                                    staged rows and the ledger of finished parts

The ledger (``_work/ledger.json``) maps each finished input unit and each
finished story (id + members) to the staged file that holds its rows. It is
written after the rows are, atomically, so a killed job leaves at worst staged
files the ledger does not name; a re-run ignores and replaces those.
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Ledger:
    inputs: dict[str, str] = field(default_factory=dict)  # unit key -> staged file
    stories: dict[str, str] = field(default_factory=dict)  # story key -> staged file


class Layout:
    """Paths under DIR and the ledger of finished work."""

    def __init__(self, root: str | Path):
        self.root = Path(str(root).removeprefix("file://"))
        self.work = self.root / "_work"
        self.staged_inputs = self.work / "inputs"
        self.staged_stories = self.work / "stories"
        self.tables = self.root / "tables"
        self.reports = self.root / "reports"
        for folder in (self.staged_inputs, self.staged_stories, self.tables, self.reports):
            folder.mkdir(parents=True, exist_ok=True)
        self.ledger = self._read_ledger()

    @property
    def ledger_path(self) -> Path:
        return self.work / "ledger.json"

    def _read_ledger(self) -> Ledger:
        try:
            data = json.loads(self.ledger_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return Ledger()
        ledger = Ledger(inputs=dict(data.get("inputs", {})), stories=dict(data.get("stories", {})))
        # a staged file that is gone (cleaned by hand) means the work is not done
        ledger.inputs = {k: v for k, v in ledger.inputs.items() if (self.work / v).exists()}
        ledger.stories = {k: v for k, v in ledger.stories.items() if (self.work / v).exists()}
        return ledger

    def record(self, *, inputs: dict[str, str] | None = None, stories: dict[str, str] | None = None) -> None:
        """Mark work finished (paths relative to _work); atomic replace of the ledger."""
        self.ledger.inputs.update(inputs or {})
        self.ledger.stories.update(stories or {})
        tmp = self.ledger_path.with_name("ledger.json.tmp")
        tmp.write_text(json.dumps({"inputs": self.ledger.inputs, "stories": self.ledger.stories},
                                  indent=0, sort_keys=True), encoding="utf-8")
        os.replace(tmp, self.ledger_path)

    def unrecorded(self, folder: Path) -> list[Path]:
        """Staged files or folders under ``folder`` that the ledger does not name (a killed run's)."""
        named = {self.work / v for v in (*self.ledger.inputs.values(), *self.ledger.stories.values())}
        return [p for p in sorted(folder.iterdir()) if p not in named]

    def drop_unrecorded(self) -> None:
        for folder in (self.staged_inputs, self.staged_stories):
            for path in self.unrecorded(folder):
                shutil.rmtree(path) if path.is_dir() else path.unlink()

    def relative(self, path: Path) -> str:
        return str(path.relative_to(self.work))

    def staged(self, relative: str) -> Path:
        return self.work / relative

    def report_path(self, story_id: str) -> Path:
        return self.reports / f"{story_id}.json"

    def write_report(self, story_id: str, report_json: str) -> None:
        path = self.report_path(story_id)
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_text(report_json, encoding="utf-8")
        os.replace(tmp, path)

    def clear_tables(self) -> None:
        """Tables are rebuilt from the staged stories at the end of every run."""
        shutil.rmtree(self.tables, ignore_errors=True)
        self.tables.mkdir(parents=True, exist_ok=True)

    def ensure_table(self, name: str, schema) -> None:
        """A table with no rows is still a readable (empty) table, with its columns."""
        import pyarrow.parquet as pq

        folder = self.tables / name
        folder.mkdir(parents=True, exist_ok=True)
        if not any(folder.rglob("*.parquet")):
            pq.write_table(schema.empty_table(), folder / "part-0.parquet")

    def prune_reports(self, keep: set[str]) -> None:
        """Reports of stories that no longer exist (regrouped with new articles) go."""
        for path in self.reports.glob("*.json"):
            if path.stem not in keep:
                path.unlink()
