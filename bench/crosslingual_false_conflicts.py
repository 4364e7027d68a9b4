"""False conflicts across languages: NTREX translations state what their English originals
state, so every conflict storylens finds between an original and its translation is a false
one (issue 18: places and days read in other languages must not invent disagreements).

    .venv/bin/python bench/crosslingual_false_conflicts.py [--limit N] [LANG ...]

Each of the first N test-half NTREX documents (bench/crosslingual.py's split) is analysed
with its translation as one story (--one-story); conflicts are counted by kind, with details.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import crosslingual as xl  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("languages", nargs="*", default=list(xl.ALIGN_LANGS))
    parser.add_argument("--limit", type=int, default=6, help="test-half documents per language")
    args = parser.parse_args()
    if not xl.DATA.exists():
        print(f"skipped: {xl.DATA} not found")
        return
    _, docs = xl.ntrex_docs()
    _, test = xl.split_docs(docs)
    kinds: Counter = Counter()
    details = []
    facts = 0
    for lang in args.languages:
        for d, report, _n in xl.alignment_runs(test[: args.limit], lang):
            for story in report.stories:
                facts += len(story.facts)
                for fact in story.facts:
                    for conflict in fact.conflicts:
                        kinds[(lang, conflict.kind)] += 1
                        details.append(f"{lang} {d}: {conflict.kind}: {conflict.detail}")
    stories = len(args.languages) * len(test[: args.limit])
    print(f"{stories} stories (original + translation), {facts} facts; false conflicts: "
          f"{sum(kinds.values())} {dict(kinds) or ''}")
    for line in details:
        print("-", line)


if __name__ == "__main__":
    main()
