"""Cited digest vs. LexRank, TextRank and lead on Multi-News (issue 6).

Each validation cluster is analysed as one story (the pipeline's one-story
path: clean -> annotate -> compare -> synthesise) with ``summary_words`` set to
the reference's length; ROUGE-1/2/L F1 (rouge-score, stemmed) of the digest is
printed beside sumy's LexRank and TextRank and a lead baseline, computed on
the same cleaned article texts with the same word budget in the same run.
Also reported: the share of summary sentences that carry a citation whose
span text equals the sentence (or, for a template, cites claims).

    nice -n 10 .venv/bin/python bench/summary.py [--limit N] [--offset K] [--capture DIR]
    nice -n 10 .venv/bin/python bench/summary.py --from-capture DIR [--limit N] [--offset K]

``--capture DIR`` also stores each cluster's synthesis inputs (group, articles,
annotations, comparison, reference, cleaned texts) as DIR/cNNN.pkl; with
``--from-capture DIR`` only the synthesis stage runs, on those stored inputs
(seconds instead of the pipeline's minutes): the way to iterate on the digest,
and what scripts/fit_summary_ranker.py fits the sentence ranker on.

Reads ../shared/data/multinews/validation.csv; says so and exits 0 when absent.
"""

from __future__ import annotations

import argparse
import ast
import csv
import pickle
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data" / "multinews" / "validation.csv"


class SyntokTokenizer:
    """sumy's tokenizer interface on syntok (sumy's default needs NLTK data)."""

    language = "english"

    def to_sentences(self, text: str) -> list[str]:
        import syntok.segmenter as segmenter

        sentences = []
        for paragraph in segmenter.process(text):
            for sentence in paragraph:
                joined = "".join(t.spacing + t.value for t in sentence).strip()
                if joined:
                    sentences.append(joined)
        return sentences

    def to_words(self, text: str) -> list[str]:
        import syntok.tokenizer as tokenizer

        return [t.value for t in tokenizer.Tokenizer().tokenize(text) if any(c.isalnum() for c in t.value)]


def words(text: str) -> int:
    return len(text.split())


def budget_prefix(budget: int) -> Callable[[list], list]:
    """A sumy 'count' that keeps best-rated sentences until the word budget is reached."""

    def take(infos: list) -> list:
        kept, total = [], 0
        for info in infos:
            if total >= budget:
                break
            kept.append(info)
            total += words(str(info.sentence))
        return kept

    return take


def sumy_summary(summarizer_cls, texts: Sequence[str], budget: int) -> str:
    from sumy.nlp.stemmers import Stemmer
    from sumy.parsers.plaintext import PlaintextParser
    from sumy.utils import get_stop_words

    parser = PlaintextParser.from_string("\n\n".join(texts), SyntokTokenizer())
    summarizer = summarizer_cls(Stemmer("english"))
    summarizer.stop_words = get_stop_words("english")
    return " ".join(str(s) for s in summarizer(parser.document, budget_prefix(budget)))


def lead_summary(texts: Sequence[str], budget: int) -> str:
    """Round-robin over articles' leading sentences: the classic strong news baseline."""
    tokenizer = SyntokTokenizer()
    per_article = [tokenizer.to_sentences(t) for t in texts]
    picked, total, depth = [], 0, 0
    while total < budget and any(depth < len(s) for s in per_article):
        for sentences in per_article:
            if depth < len(sentences) and total < budget:
                picked.append(sentences[depth])
                total += words(sentences[depth])
        depth += 1
    return " ".join(picked)


def load_clusters(limit: int | None, offset: int) -> list[tuple[list[str], str]]:
    csv.field_size_limit(sys.maxsize)
    with DATA.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    rows = rows[offset : offset + limit if limit else None]
    return [(ast.literal_eval(r["documents"]), r["summary"].lstrip("– ").strip()) for r in rows]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--offset", type=int, default=0)
    parser.add_argument("--every", type=int, default=10, help="print the running scores every N clusters")
    parser.add_argument("--split", type=int, default=125, help="also report clusters before/after this index")
    parser.add_argument("--capture", type=Path, help="store each cluster's synthesis inputs in this folder")
    parser.add_argument("--from-capture", type=Path, help="synthesise from inputs stored by --capture")
    args = parser.parse_args()
    if not DATA.is_file():
        print(f"skip: {DATA} not present")
        return 0

    from rouge_score import rouge_scorer
    from sumy.summarizers.lex_rank import LexRankSummarizer
    from sumy.summarizers.text_rank import TextRankSummarizer

    from storylens import pipeline
    from storylens.clean import clean_document
    from storylens.errors import InputFailure
    from storylens.pipeline import build_report
    from storylens.records import Document, Report
    from storylens.synthesize import synthesize_story

    captured: dict = {}

    def capturing_synthesize(group, by_id, annotations, comparison, **options):
        """The pipeline's own synthesis call, remembering its inputs for --capture."""
        captured.update(group=group, articles=by_id, annotations=annotations, comparison=comparison)
        return synthesize_story(group, by_id, annotations, comparison, **options)

    if args.capture:
        pipeline.synthesize_story = capturing_synthesize

    clusters = load_clusters(args.limit, args.offset)
    scorer = rouge_scorer.RougeScorer(["rouge1", "rouge2", "rougeL"], use_stemmer=True)
    systems = ["storylens", "lexrank", "textrank", "lead"]
    scores: dict[str, dict[str, list[float]]] = {s: {"rouge1": [], "rouge2": [], "rougeL": []} for s in systems}
    seconds = dict.fromkeys(systems, 0.0)
    cited = total_sentences = templates = failures = 0
    print(f"Multi-News validation: {len(clusters)} clusters from {DATA}")
    if args.capture:
        args.capture.mkdir(parents=True, exist_ok=True)
    for n, (documents, reference) in enumerate(clusters, 1):
        index = args.offset + n - 1
        stored = None
        if args.from_capture:
            path = args.from_capture / f"c{index:03d}.pkl"
            stored = pickle.loads(path.read_bytes()) if path.is_file() else None
            if stored is None or stored.get("comparison") is None:
                print(f"  cluster {index}: not captured in {args.from_capture}", flush=True)
        articles = []
        for j, text in enumerate(documents if stored is None else ()):
            doc = Document(source=f"multinews/{index}/{j}", text=text, kind="txt", outlet=f"outlet-{j}")
            try:
                articles.append(clean_document(doc))
            except InputFailure:
                continue
        if stored is not None and stored.get("comparison") is not None:
            articles = list(stored["articles"].values())
        if not articles:
            failures += 1
            for name in systems:  # keep the per-cluster lists aligned for the split report
                for metric in scores[name]:
                    scores[name][metric].append(0.0)
            continue
        budget = words(reference)
        texts = stored["texts"] if stored is not None else [a.text for a in articles]
        outputs: dict[str, str] = {}

        started = time.perf_counter()
        if stored is not None:
            story = synthesize_story(
                stored["group"], stored["articles"], stored["annotations"], stored["comparison"],
                summary_words=budget,
            )
            report = Report(articles=tuple(articles), stories=(story,))
        else:
            captured.clear()
            report = build_report(articles, one_story_only=True, summary_words=budget)
            if args.capture:
                data = dict(index=index, reference=reference, texts=texts, **captured)
                (args.capture / f"c{index:03d}.pkl").write_bytes(pickle.dumps(data))
        seconds["storylens"] += time.perf_counter() - started
        by_id = {a.id: a for a in report.articles}
        summary = report.stories[0].summary if report.stories else ()
        for sentence in summary:
            total_sentences += 1
            templates += sentence.template
            first = sentence.citations[0] if sentence.citations else None
            if first and (sentence.template or by_id[first.article_id].text[first.start : first.end] == sentence.text):
                cited += 1
        outputs["storylens"] = " ".join(s.text for s in summary)

        for name, cls in (("lexrank", LexRankSummarizer), ("textrank", TextRankSummarizer)):
            started = time.perf_counter()
            outputs[name] = sumy_summary(cls, texts, budget)
            seconds[name] += time.perf_counter() - started
        started = time.perf_counter()
        outputs["lead"] = lead_summary(texts, budget)
        seconds["lead"] += time.perf_counter() - started

        for name, text in outputs.items():
            result = scorer.score(reference, text)
            for metric, value in result.items():
                scores[name][metric].append(100 * value.fmeasure)
        if n % args.every == 0:  # running table: a long run on a busy machine can be read at any time
            cited_share = 100 * cited / max(1, total_sentences)
            row = "  ".join(
                f"{name} {statistics.mean(scores[name]['rouge1']):.2f}/{statistics.mean(scores[name]['rouge2']):.2f}"
                f"/{statistics.mean(scores[name]['rougeL']):.2f}"
                for name in systems
            )
            print(f"  {n}/{len(clusters)} R1/R2/RL  {row}  cited {cited_share:.1f}%", flush=True)

    print()
    print(f"{'system':<10} {'ROUGE-1':>8} {'ROUGE-2':>8} {'ROUGE-L':>8} {'s/cluster':>10}")
    for name in systems:
        m = {k: statistics.mean(v) if v else 0.0 for k, v in scores[name].items()}
        per = seconds[name] / max(1, len(scores[name]["rouge1"]))
        print(f"{name:<10} {m['rouge1']:8.2f} {m['rouge2']:8.2f} {m['rougeL']:8.2f} {per:10.3f}")
    if args.split and 0 < args.split - args.offset < len(scores["storylens"]["rouge1"]):
        cut = args.split - args.offset
        for label, part in ((f"clusters {args.offset}-{args.split - 1} (weights tuned here)", slice(0, cut)),
                            (f"clusters {args.split}+ (held out from tuning)", slice(cut, None))):
            print(f"\n{label}")
            for name in systems:
                m = {k: statistics.mean(v[part]) for k, v in scores[name].items()}
                print(f"{name:<10} {m['rouge1']:8.2f} {m['rouge2']:8.2f} {m['rougeL']:8.2f}")
    share = 100 * cited / total_sentences if total_sentences else 0.0
    print(f"\nclusters scored: {len(scores['storylens']['rouge1'])}, skipped: {failures}")
    print(f"summary sentences cited: {cited}/{total_sentences} ({share:.1f}%), templates: {templates}")
    d1 = statistics.mean(scores["storylens"]["rouge1"]) - statistics.mean(scores["lexrank"]["rouge1"])
    d2 = statistics.mean(scores["storylens"]["rouge2"]) - statistics.mean(scores["lexrank"]["rouge2"])
    print(f"storylens - lexrank: ROUGE-1 {d1:+.2f}, ROUGE-2 {d2:+.2f} (target >= +2.00 each)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
