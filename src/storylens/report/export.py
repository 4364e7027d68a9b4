"""Analyst tables: facts, claims, quotes, entities, places, timeline as CSV or Parquet.

One row per item with its story id, so the tables of many stories stack and
join (``claims.fact_id`` -> ``facts.fact_id``, ``*.article_id`` -> ``articles``).
CSV text cells that a spreadsheet would run as formulas are neutralised.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

from storylens.errors import UsageError
from storylens.records import Report

FORMATS = ("csv", "parquet")

# Cells a spreadsheet reads as a formula (OWASP "CSV Injection"): article text is untrusted.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: object) -> object:
    """A text cell that would start a formula gets a leading single quote (OWASP's advice).

    Only text: numbers (a negative longitude) stay numbers. Parquet keeps the raw text,
    since no spreadsheet evaluates it.
    """
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def report_tables(report: Report) -> dict[str, list[dict]]:
    """The report flattened to rows, one list per table (columns fixed per table)."""
    outlet = {a.id: a.outlet for a in report.articles}
    tables: dict[str, list[dict]] = {
        "articles": [], "facts": [], "claims": [], "quotes": [], "entities": [], "places": [], "timeline": [],
    }
    for a in report.articles:
        tables["articles"].append({
            "article_id": a.id, "source": a.source, "outlet": a.outlet, "title": a.title or "",
            "url": a.url or "", "published": a.published or "", "language": a.language or "",
            "syndication_group": a.syndication_group or "", "chars": len(a.text),
        })
    for story in report.stories:
        sid = story.id
        for fact in story.facts:
            tables["facts"].append({
                "story_id": sid, "fact_id": fact.id, "text": fact.text, "status": fact.status,
                "outlets": "; ".join(fact.outlets), "n_outlets": len(fact.outlets),
                "independent_outlets": fact.independent_outlets, "n_claims": len(fact.claims),
                "conflicts": "; ".join(f"{c.kind}: {c.detail}" for c in fact.conflicts),
                "importance": float(fact.importance),
            })
            for claim in fact.claims:
                att = claim.attribution
                tables["claims"].append({
                    "story_id": sid, "fact_id": fact.id, "claim_id": claim.id, "article_id": claim.article_id,
                    "outlet": outlet.get(claim.article_id, ""), "start": claim.start, "end": claim.end,
                    "text": claim.text, "speaker": (att.speaker or "") if att else "",
                    "cue": att.cue if att else "", "polarity": att.polarity if att else "",
                })
        for q in story.quotes:
            tables["quotes"].append({
                "story_id": sid, "speaker": q.speaker or "", "cue": q.cue, "text": q.text, "direct": q.direct,
                "polarity": q.polarity, "article_id": q.article_id, "outlet": outlet.get(q.article_id, ""),
                "start": q.start, "end": q.end,
            })
        for e in story.entities:
            tables["entities"].append({
                "story_id": sid, "name": e.name, "type": e.type, "aliases": "; ".join(e.aliases),
                "mentions": sum(e.mentions_by_outlet.values()),
                "mentions_by_outlet": json.dumps(e.mentions_by_outlet, ensure_ascii=False, sort_keys=True),
            })
        for p in story.places:
            tables["places"].append({
                "story_id": sid, "name": p.name, "lat": p.lat, "lon": p.lon, "country": p.country or "",
                "mentions": p.mentions, "article_ids": "; ".join(p.article_ids),
            })
        for t in story.timeline:
            tables["timeline"].append({
                "story_id": sid, "date": t.date, "end_date": t.end_date or "", "text": t.text,
                "fact_ids": "; ".join(t.fact_ids), "n_citations": len(t.citations),
            })
    return tables


_COLUMNS = {
    "articles": ["article_id", "source", "outlet", "title", "url", "published", "language", "syndication_group", "chars"],
    "facts": ["story_id", "fact_id", "text", "status", "outlets", "n_outlets", "independent_outlets", "n_claims",
              "conflicts", "importance"],
    "claims": ["story_id", "fact_id", "claim_id", "article_id", "outlet", "start", "end", "text", "speaker", "cue",
               "polarity"],
    "quotes": ["story_id", "speaker", "cue", "text", "direct", "polarity", "article_id", "outlet", "start", "end"],
    "entities": ["story_id", "name", "type", "aliases", "mentions", "mentions_by_outlet"],
    "places": ["story_id", "name", "lat", "lon", "country", "mentions", "article_ids"],
    "timeline": ["story_id", "date", "end_date", "text", "fact_ids", "n_citations"],
}


def export_tables(report: Report, out_dir: str | Path, fmt: str = "csv") -> list[Path]:
    """Write one file per table into ``out_dir``; returns the paths written."""
    fmt = fmt.lower()
    if fmt not in FORMATS:
        raise UsageError(f"unknown table format {fmt!r} (use csv or parquet)")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, rows in report_tables(report).items():
        columns = _COLUMNS[name]
        path = out / f"{name}.{fmt}"
        if fmt == "csv":
            with path.open("w", encoding="utf-8", newline="") as handle:
                writer = csv.DictWriter(handle, fieldnames=columns)
                writer.writeheader()
                writer.writerows({k: spreadsheet_safe(v) for k, v in row.items()} for row in rows)
        else:
            import pyarrow as pa
            import pyarrow.parquet as pq

            table = pa.Table.from_pylist(rows, schema=_arrow_schema(name)) if rows else _arrow_schema(name).empty_table()
            pq.write_table(table, path)
        written.append(path)
    return written


def _arrow_schema(name: str):
    import pyarrow as pa

    types = {
        "chars": pa.int64(), "n_outlets": pa.int64(), "independent_outlets": pa.int64(), "n_claims": pa.int64(),
        "importance": pa.float64(), "start": pa.int64(), "end": pa.int64(), "direct": pa.bool_(),
        "mentions": pa.int64(), "lat": pa.float64(), "lon": pa.float64(), "n_citations": pa.int64(),
    }
    return pa.schema([(c, types.get(c, pa.string())) for c in _COLUMNS[name]])
