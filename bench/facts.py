"""Facts a fact-checker can trust (issue 13): storylens against hand-annotated news clusters.

Runs the shared scorer ``../shared/tools/eval_facts.py`` as a subprocess (it is the
protocol's definition) on a newsfacts split: each cluster is analysed as one story
(``storylens analyze a*.txt --manifest manifest.csv --one-story``) and scored over every
pair of gold sentences in different articles. Recorded, from the scorer's last line:
same-fact pair P/R/F1 beside the TF-IDF oracle of the same run, corroboration precision,
conflict recall and precision, summary citations supported, junk (furniture) shown.

Then, from the kept reports, the furniture the gold marks as ``junk``: how many junk
sentences survive cleaning (are found in the report's cleaned ``articles[].text``), how
many become claims (overlap a ``facts[].claims[]`` span), how many of those claims
``is_furniture`` flags (the sentence check later stages can use), and the cost: non-junk
gold sentences that cleaning removed.

    nice -n 10 .venv/bin/python bench/facts.py [--split dev|heldout | --gold DIR]
        [--cli PATH] [--keep DIR] [--label TEXT] [--write]
    nice -n 10 .venv/bin/python bench/facts.py --clean-only   # furniture after cleaning only

Without ``--cli`` the CLI is this checkout's code (``python -m storylens`` with
``src`` on the path, via a temporary wrapper). Skips with a message when ../shared is absent.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
SCORER = SHARED / "tools" / "eval_facts.py"
NEWSFACTS = SHARED / "data" / "newsfacts"
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _results import write_section  # noqa: E402

_LAST = re.compile(
    r"pairs P (?P<P>[\d.]+) R (?P<R>[\d.]+) F1 (?P<F1>[\d.]+) \(TF-IDF oracle F1 (?P<tfidf>[\d.]+)\); "
    r"corroboration precision (?P<corr>[\d.]+) \((?P<corr_n>\d+/\d+)\); "
    r"conflicts recall (?P<conf_r>[\d.]+) \((?P<conf_r_n>\d+/\d+)\) precision (?P<conf_p>[\d.]+) "
    r"\((?P<conf_p_n>\d+/\d+)\); summary citations supported (?P<cit>[\d.]+) \((?P<cit_n>\d+/\d+)\); "
    r"junk shown (?P<junk>\d+)"
)
_SENTENCE = re.compile(r"^\[(a\d+\.\d+)\] (.*)$", re.M)
TARGETS = ("targets on dev, to hold on held-out: pair P >= 0.80 with F1 >= 0.65; corroboration "
           "precision >= 0.90; conflict recall >= 0.50 with precision >= 0.70; summary citations "
           ">= 0.90; junk shown 0")


def parse_last_line(output: str) -> dict[str, str]:
    """The scorer's figures from its last line (ValueError when it is not there)."""
    lines = [line for line in output.splitlines() if line.strip()]
    found = _LAST.search(lines[-1]) if lines else None
    if found is None:
        raise ValueError(f"scorer output has no figures line: {lines[-1:]!r}")
    return found.groupdict()


def cli_wrapper(folder: Path) -> Path:
    """A shell script running this checkout's storylens with this interpreter."""
    script = folder / "storylens"
    script.write_text(
        f'#!/bin/sh\nPYTHONPATH="{ROOT / "src"}${{PYTHONPATH:+:$PYTHONPATH}}" '
        f'exec "{sys.executable}" -m storylens "$@"\n',
        encoding="utf-8",
    )
    script.chmod(0o755)
    return script


def run_scorer(gold: Path, cli: Path, keep: Path) -> tuple[str, float]:
    """The scorer's stdout and wall seconds; exits with its error when it fails."""
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, str(SCORER), str(gold), str(cli), "--keep", str(keep)],
        capture_output=True, text=True,
    )
    seconds = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(f"scorer failed ({result.returncode}):\n{result.stderr[-2000:]}"
                         f"{result.stdout[-2000:]}")
    return result.stdout, seconds


# ------------------------------------------------------------------ furniture


def clusters(gold: Path) -> list[Path]:
    return sorted(p for p in gold.iterdir() if (p / "gold.json").is_file())


def gold_sentences(cluster: Path) -> tuple[dict[str, str], set[str]]:
    """{sentence id: text} and the ids the gold marks as junk."""
    sentences = dict(_SENTENCE.findall((cluster / "numbered.md").read_text(encoding="utf-8")))
    junk = set(json.loads((cluster / "gold.json").read_text(encoding="utf-8")).get("junk", []))
    return sentences, junk


def _locate():
    """The scorer's own ``locate`` (sentence -> span in the cleaned text)."""
    sys.path.insert(0, str(SCORER.parent))
    from eval_facts import locate

    return locate


def furniture(gold: Path, keep: Path | None) -> dict[str, int]:
    """Junk survival / claims and non-junk removals, from kept reports or from cleaning alone.

    With ``keep`` None the cleaned text is ``clean_text`` of each raw file (what the
    pipeline's cleaning does for a lone .txt input), and claims are not counted.
    """
    from storylens.clean import clean_text

    try:
        from storylens.clean import is_furniture
    except ImportError:  # older code: no sentence-level check to count
        def is_furniture(sentence: str) -> str | None:
            return None

    locate = _locate()
    counts = dict.fromkeys(
        ("junk", "junk_kept", "junk_claimed", "junk_claimed_flagged", "prose", "prose_lost",
         "prose_flagged", "junk_flagged"), 0)
    for cluster in clusters(gold):
        sentences, junk = gold_sentences(cluster)
        texts: dict[str, str] = {}
        claim_spans: dict[str, list[tuple[int, int, str]]] = {}
        if keep is not None:
            report = json.loads((keep / f"{cluster.name}.json").read_text(encoding="utf-8"))
            file_of = {a["id"]: Path(a.get("source") or "").stem for a in report["articles"]}
            texts = {file_of[a["id"]]: a["text"] for a in report["articles"]}
            for story in report["stories"]:
                for fact in story.get("facts", []):
                    for claim in fact.get("claims", []):
                        claim_spans.setdefault(file_of.get(claim["article_id"], ""), []).append(
                            (claim["start"], claim["end"], claim.get("text", "")))
        else:
            for path in sorted(cluster.glob("a*.txt")):
                texts[path.stem] = clean_text(path.read_text(encoding="utf-8"))[0]
        raw = {p.stem: p.read_text(encoding="utf-8") for p in cluster.glob("a*.txt")}
        for sid, sentence in sentences.items():
            article = sid.split(".")[0]
            if locate(raw.get(article, ""), sentence) is None:
                continue  # the gold's own split does not map back to the file: not counted
            span = locate(texts.get(article, ""), sentence)
            flagged = is_furniture(sentence) is not None
            if sid not in junk:
                counts["prose"] += 1
                counts["prose_lost"] += span is None
                counts["prose_flagged"] += flagged
                continue
            counts["junk"] += 1
            counts["junk_flagged"] += flagged
            if span is None:
                continue
            counts["junk_kept"] += 1
            claims = [c for c in claim_spans.get(article, []) if c[0] < span[1] and span[0] < c[1]]
            if claims:
                counts["junk_claimed"] += 1
                counts["junk_claimed_flagged"] += flagged
    return counts


def furniture_lines(counts: dict[str, int], with_claims: bool) -> list[str]:
    rows = [
        f"- gold junk sentences (found in the raw files): {counts['junk']}; still in the cleaned "
        f"text: **{counts['junk_kept']}**; flagged by `is_furniture`: {counts['junk_flagged']}",
        f"- non-junk gold sentences: {counts['prose']}; lost in cleaning: "
        f"**{counts['prose_lost']}**; flagged by `is_furniture`: **{counts['prose_flagged']}**",
    ]
    if with_claims:
        rows.insert(1, f"- junk sentences inside a claim of some fact: **{counts['junk_claimed']}** "
                       f"(of which `is_furniture` flags {counts['junk_claimed_flagged']})")
    return rows


# ------------------------------------------------------------------ results


HEADER = ("| run | pair P | pair R | pair F1 | TF-IDF oracle F1 | corroboration precision | "
          "conflict recall | conflict precision | summary citations supported | junk shown | "
          "junk kept by cleaning | junk in claims | non-junk lost | wall s |")


def table_rows(section: str) -> dict[str, str]:
    """Rows already recorded in the section, by run label (earlier runs stay)."""
    rows = {}
    for line in section.splitlines():
        if line.startswith("| ") and not line.startswith(("| run ", "|---")):
            rows[line.split("|")[1].strip()] = line
    return rows


def existing_section(heading: str) -> str:
    from _results import RESULTS

    text = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else ""
    found = re.search(rf"^## {re.escape(heading)}\n(.*?)(?=^## |\Z)", text, re.S | re.M)
    return found.group(1) if found else ""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", default="dev", help="newsfacts split folder (dev, heldout)")
    parser.add_argument("--gold", type=Path, help="any folder with the newsfacts layout")
    parser.add_argument("--cli", type=Path, help="storylens CLI (default: this checkout)")
    parser.add_argument("--keep", type=Path, help="keep the per-cluster JSON reports here")
    parser.add_argument("--label", help="row label in RESULTS.md (default: git HEAD)")
    parser.add_argument("--clean-only", action="store_true",
                        help="only the furniture counts after cleaning (no pipeline run)")
    parser.add_argument("--write", action="store_true", help="write the bench/RESULTS.md section")
    args = parser.parse_args()
    gold = args.gold or NEWSFACTS / args.split
    if not SCORER.is_file() or not gold.is_dir():
        print(f"facts: {SCORER.relative_to(ROOT.parent)} or {gold} absent, skipped")
        return
    split = gold.name if args.gold else args.split
    shown_args = []  # machine paths stay out of RESULTS.md
    for arg in sys.argv[1:]:
        named = {str(args.cli): "CLI", str(args.keep): "DIR", str(args.gold): "GOLD_DIR"}
        shown_args.append(named.get(arg, arg) if " " not in arg else f'"{arg}"')
    command = "nice -n 10 .venv/bin/python bench/facts.py " + " ".join(shown_args)
    if args.clean_only:
        counts = furniture(gold, None)
        print("\n".join(furniture_lines(counts, with_claims=False)))
        return
    with tempfile.TemporaryDirectory() as tmp:
        keep = args.keep or Path(tmp) / "reports"
        keep.mkdir(parents=True, exist_ok=True)
        cli = args.cli or cli_wrapper(Path(tmp))
        output, seconds = run_scorer(gold, cli, keep)
        print(output.rstrip())
        figures = parse_last_line(output)
        counts = furniture(gold, keep)
    print("\n".join(furniture_lines(counts, with_claims=True)))
    label = args.label or subprocess.run(
        ["git", "-C", str(ROOT), "log", "-1", "--format=%h %s"], capture_output=True, text=True
    ).stdout.strip()[:70].replace("|", "/")
    f = figures
    row = (f"| {label} | {f['P']} | {f['R']} | {f['F1']} | {f['tfidf']} | {f['corr']} ({f['corr_n']}) | "
           f"{f['conf_r']} ({f['conf_r_n']}) | {f['conf_p']} ({f['conf_p_n']}) | {f['cit']} ({f['cit_n']}) | "
           f"{f['junk']} | {counts['junk_kept']}/{counts['junk']} | {counts['junk_claimed']} | "
           f"{counts['prose_lost']}/{counts['prose']} | {seconds:.0f} |")
    print(row)
    if not args.write:
        return
    heading = f"newsfacts {split}: facts a fact-checker can trust"
    rows = table_rows(existing_section(heading))
    rows[label] = row
    shown = gold.relative_to(ROOT.parent) if gold.is_relative_to(ROOT.parent) else gold
    per_cluster = [line for line in output.splitlines() if re.match(r"^\S+: sentences ", line)]
    body = "\n".join([
        f"Command: `{command.strip()}` (runs `../shared/tools/eval_facts.py ../{shown} CLI "
        f"--keep DIR` and reads its last line; {TARGETS})",
        "",
        HEADER,
        "|" + "---|" * (HEADER.count("|") - 1),
        *rows.values(),
        "",
        "Junk = the gold's furniture sentences; \"junk kept by cleaning\" = found in the report's "
        "cleaned text; \"junk in claims\" = overlapping a claim of some fact; \"non-junk lost\" = "
        "gold prose sentences no longer found in the cleaned text. Latest run, furniture:",
        "",
        *furniture_lines(counts, with_claims=True),
        "",
        "Latest run, per cluster:",
        "",
        "```",
        *per_cluster,
        "```",
    ])
    write_section(heading, body)
    print(f"wrote the '{heading}' section of bench/RESULTS.md")


if __name__ == "__main__":
    main()
