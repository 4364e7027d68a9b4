"""Regenerate the report golden files and the committed JSON Schema.

    .venv/bin/python scripts/regen_golden.py            # golden reports + schema
    .venv/bin/python scripts/regen_golden.py --schema   # only report/schema.json

Golden files (tests/golden/):
  fixture-story.{json,md,html}  the hand-built fictional story of tests/synth_fixture.py
  examples.{json,md,html}       the full pipeline's report of the bundled examples/
                                (fictional, ours), with their manifest
The tests re-render each golden JSON and compare with the golden Markdown/HTML, so a
change in the writers shows as a diff here; review it, then commit.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = ROOT / "tests" / "golden"
sys.path.insert(0, str(ROOT / "tests"))


def write(name: str, report) -> None:
    from storylens.report import to_html, to_json, to_markdown

    GOLDEN.mkdir(parents=True, exist_ok=True)
    (GOLDEN / f"{name}.json").write_text(to_json(report) + "\n", encoding="utf-8")
    (GOLDEN / f"{name}.md").write_text(to_markdown(report), encoding="utf-8")
    (GOLDEN / f"{name}.html").write_text(to_html(report), encoding="utf-8")
    print(f"wrote {GOLDEN / name}.{{json,md,html}}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--schema", action="store_true", help="only rewrite the JSON Schema")
    parser.add_argument("--no-examples", action="store_true", help="skip the full-pipeline examples report")
    args = parser.parse_args()

    from storylens.report.jsonio import SCHEMA_PATH, schema_text

    SCHEMA_PATH.write_text(schema_text(), encoding="utf-8")
    print(f"wrote {SCHEMA_PATH}")
    if args.schema:
        return 0

    from synth_fixture import build_report

    write("fixture-story", build_report(120))
    if not args.no_examples:
        import os

        import storylens

        os.chdir(ROOT)  # sources are recorded as given: relative paths keep the golden machine-independent
        report = storylens.analyze(["examples"], manifest="examples/manifest.csv")
        write("examples", report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
