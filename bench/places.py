"""Place resolution: how the gazetteer resolver's choices change against a baseline revision.

No gold of resolved places ships in ../shared, so this measures change, not accuracy: every
place mention of real news texts (newsfacts, every split; the first two documents of the
first Multi-News validation rows) goes through annotate once, the candidate lists each
article hands ``annotate.places.resolve_places`` are kept, and both this checkout's resolver
and the one at ``--baseline`` (a git revision, read with ``git show``) choose from them.
Each mention resolved differently is printed with a stretch of its text, to be read (the
stretch is not written to RESULTS.md: it is third-party text).

    nice -n 10 .venv/bin/python bench/places.py [--baseline REV] [--multinews N] [--write]
"""

from __future__ import annotations

import argparse
import ast
import csv
import importlib.util
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
DATA = ROOT.parent / "shared" / "data"


def texts(multinews: int) -> list[str]:
    found = [p.read_text(encoding="utf-8") for p in sorted((DATA / "newsfacts").rglob("*.txt"))]
    csv.field_size_limit(10**8)
    with (DATA / "multinews" / "validation.csv").open(encoding="utf-8") as handle:
        for n, row in enumerate(csv.DictReader(handle)):
            if n >= multinews:
                break
            found += [d[:20000] for d in ast.literal_eval(row["documents"])[:2] if len(d) > 400]
    return found


def baseline_resolver(revision: str):
    source = subprocess.run(["git", "show", f"{revision}:src/storylens/annotate/places.py"], cwd=ROOT,
                            check=True, capture_output=True, text=True).stdout
    with tempfile.NamedTemporaryFile("w", suffix=".py", delete=False) as handle:
        handle.write(source)
    spec = importlib.util.spec_from_file_location("places_baseline", handle.name)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.resolve_places


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", default="948c322", help="git revision of the resolver to compare with")
    parser.add_argument("--multinews", type=int, default=200, help="Multi-News validation rows to read")
    parser.add_argument("--write", action="store_true", help="record the result in bench/RESULTS.md")
    args = parser.parse_args()
    if not (DATA / "newsfacts").is_dir():
        print("../shared/data is absent: nothing to measure")
        return 0
    import storylens.annotate as annotate
    from storylens.annotate.places import resolve_places

    kept: list[tuple[int, list]] = []
    current_text = [0]
    real = annotate.resolve_places

    def keep(candidates):
        kept.append((current_text[0], list(candidates)))
        return real(candidates)

    annotate.resolve_places = keep
    corpus = texts(args.multinews)
    for n, text in enumerate(corpus):
        current_text[0] = n
        annotate.annotate(text)
    baseline = baseline_resolver(args.baseline)
    mentions, changed = 0, []
    for n, candidates in kept:
        for options, old, new in zip(candidates, baseline(candidates), resolve_places(candidates), strict=True):
            if not options:
                continue
            mentions += 1
            if (old and old.geonameid) != (new and new.geonameid):
                changed.append((n, old, new))
    lines = [f"{len(corpus)} texts, {mentions} place mentions, {len(changed)} resolved differently "
             f"from {args.baseline}:"]
    for n, old, new in changed:
        lines.append(f"- {old.name} ({old.country}-{old.admin1}) -> {new.name} ({new.country}-{new.admin1})")
        name = new.name if new else old.name
        at = corpus[n].find(name)  # the context is printed to be read, never written (third-party text)
        print("    …" + " ".join(corpus[n][max(0, at - 90): at + 60].split()) + "…")
    report = "\n".join(lines)
    print(report)
    if args.write:
        from _results import write_section

        write_section("places", "Command: `nice -n 10 .venv/bin/python bench/places.py --write`\n\n" + report)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
