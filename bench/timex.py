"""TempEval-3 (TBAQ-cleaned) DATE normalisation: exact-value accuracy.

For every gold TIMEX3 of type DATE, normalise its text against the document
creation time (DCT) and compare with the gold ``value``. Gold spans are given
(this measures resolution, not detection). Beside it, in the same run, plain
dateparser (RELATIVE_BASE = DCT, PREFER_DATES_FROM = past), whose parsed date is
printed at the gold value's granularity (day, week, month, year) — a generous
baseline, since dateparser itself has no notion of granularity.

    .venv/bin/python bench/timex.py [--split timebank|aquaint|all]
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from collections import Counter
from datetime import date, datetime
from pathlib import Path
from xml.etree import ElementTree

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from storylens.annotate.times import is_future_context, resolve  # noqa: E402

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "tempeval3" / "TBAQ-cleaned"


def load(split: str):
    """(dct, timex text, sentence, gold value, file, nearby text) for each DATE timex."""
    folders = {"timebank": ["TimeBank"], "aquaint": ["AQUAINT"], "all": ["TimeBank", "AQUAINT"]}[split]
    items = []
    for folder in folders:
        for path in sorted((DATA / folder).glob("*.tml")):
            root = ElementTree.parse(path).getroot()
            dct_node = root.find("DCT/TIMEX3")
            dct = date.fromisoformat(dct_node.get("value")[:10])
            text_node = root.find("TEXT")
            plain = []
            marks = []
            for chunk_kind, node, text in _walk(text_node):
                if chunk_kind == "timex":
                    marks.append((sum(len(p) for p in plain), node, text))
                plain.append(text)
            full = "".join(plain)
            for offset, node, text in marks:
                if node.get("type") != "DATE":
                    continue
                left = max(full.rfind(".", 0, offset), full.rfind("\n", 0, offset)) + 1
                right_candidates = [i for i in (full.find(".", offset + len(text)), full.find("\n", offset + len(text)))
                                    if i >= 0]
                right = min(right_candidates) if right_candidates else len(full)
                window = full[max(0, offset - 250): offset + len(text) + 250]
                items.append((dct, text, full[left:right], node.get("value"), path.name, window))
    return items


def _walk(node):
    """Yield ("text"|"timex", node, text) pieces in document order."""
    if node.text:
        yield ("text", node, node.text)
    for child in node:
        inner = "".join(child.itertext())
        yield ("timex" if child.tag == "TIMEX3" else "text", child, inner)
        if child.tail:
            yield ("text", node, child.tail)


def ours(dct: date, text: str, sentence: str, window: str = "") -> str | None:
    index = sentence.find(text)
    future = is_future_context(sentence, index if index >= 0 else None)
    return resolve(text, dct, future=future, context=window or sentence).timex


def baseline(dct: date, text: str, gold: str) -> str | None:
    import dateparser

    parsed = dateparser.parse(text, settings={"RELATIVE_BASE": datetime(dct.year, dct.month, dct.day),
                                              "PREFER_DATES_FROM": "past"})
    if parsed is None:
        return None
    if re.fullmatch(r"\d{4}-W\d\d", gold):
        iso_year, week, _ = parsed.isocalendar()
        return f"{iso_year}-W{week:02d}"
    if re.fullmatch(r"\d{4}-\d\d", gold):
        return parsed.strftime("%Y-%m")
    if re.fullmatch(r"\d{4}", gold):
        return parsed.strftime("%Y")
    return parsed.strftime("%Y-%m-%d")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", default="all", choices=["timebank", "aquaint", "all"])
    parser.add_argument("--errors", type=int, default=0, help="print this many of our errors")
    args = parser.parse_args()
    if not DATA.is_dir():
        print(f"skip: {DATA} is not present")
        return 0
    items = load(args.split)
    started = time.perf_counter()
    our_values = [ours(dct, text, sentence, window) for dct, text, sentence, _, _, window in items]
    our_time = time.perf_counter() - started
    started = time.perf_counter()
    base_values = [baseline(dct, text, gold) for dct, text, _, gold, _, _ in items]
    base_time = time.perf_counter() - started
    golds = [item[3] for item in items]
    our_right = sum(o == g for o, g in zip(our_values, golds, strict=True))
    base_right = sum(b == g for b, g in zip(base_values, golds, strict=True))
    n = len(items)
    print(f"TempEval-3 TBAQ-cleaned ({args.split}): {n} DATE expressions, gold spans, anchored on the DCT")
    print(f"  storylens resolve():            accuracy {our_right / n:.3f}  ({our_right}/{n})  {our_time:.2f} s")
    print(f"  dateparser (granularity given): accuracy {base_right / n:.3f}  ({base_right}/{n})  {base_time:.2f} s")
    if args.errors:
        errors = Counter()
        for (_dct, text, _sentence, gold, _name, _window), value in zip(items, our_values, strict=True):
            if value != gold:
                errors[(text.lower(), gold if not gold[:1].isdigit() else "date", value if value is None or not value[:1].isdigit() else "date")] += 1
        for key, count in errors.most_common(args.errors):
            print(f"  {count:3d}  {key}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
