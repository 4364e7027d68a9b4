"""The batch output tables, flattened from each story's report.

The report module's analyst tables (facts, claims, quotes, entities, places,
timeline, articles) plus what a corpus needs besides: the articles' removed
lines, one row per story, per-fact conflicts and per-outlet views. Every row
carries ``story_id`` and ``date`` (the partition: the story's first publication
day, or the article's own for ``articles``).
"""

from __future__ import annotations

import json

from storylens.records import Report
from storylens.report import report_tables

TABLES = ("articles", "stories", "facts", "claims", "conflicts", "quotes", "entities", "places",
          "timeline", "outlets")
_INT = ("chars", "n_outlets", "independent_outlets", "n_claims", "start", "end", "mentions",
        "n_citations", "n_articles", "n_facts", "n_exclusive", "n_omitted", "n_removed")
_FLOAT = ("importance", "lat", "lon", "attributed_share")
_BOOL = ("direct", "capped")

COLUMNS: dict[str, tuple[str, ...]] = {
    "articles": ("article_id", "story_id", "source", "outlet", "title", "url", "published", "language",
                 "syndication_group", "duplicate_of", "chars", "n_removed", "removed"),
    "stories": ("story_id", "title", "n_articles", "n_outlets", "n_facts", "first_published",
                "last_published", "capped"),
    "facts": ("story_id", "fact_id", "text", "status", "outlets", "n_outlets", "independent_outlets",
              "n_claims", "conflicts", "importance"),
    "claims": ("story_id", "fact_id", "claim_id", "article_id", "outlet", "start", "end", "text",
               "speaker", "cue", "polarity"),
    "conflicts": ("story_id", "fact_id", "kind", "detail", "citations"),
    "quotes": ("story_id", "speaker", "cue", "text", "direct", "polarity", "article_id", "outlet",
               "start", "end"),
    "entities": ("story_id", "name", "type", "aliases", "mentions", "mentions_by_outlet"),
    "places": ("story_id", "name", "lat", "lon", "country", "mentions", "article_ids"),
    "timeline": ("story_id", "date", "end_date", "text", "fact_ids", "n_citations"),
    "outlets": ("story_id", "outlet", "n_facts", "n_exclusive", "n_omitted", "attributed_share",
                "cue_verbs", "wording"),
}
# the timeline's own ``date`` column is the event's; the partition column is ``day``
PARTITION = "day"


def column_type(column: str) -> str:
    """'int', 'float', 'bool' or 'str': one place for both engines' schemas."""
    if column in _INT:
        return "int"
    if column in _FLOAT:
        return "float"
    if column in _BOOL:
        return "bool"
    return "str"


def story_tables(report_json: str, day: str, capped: bool) -> dict[str, list[dict]]:
    """The rows of every table for one story's report."""
    report = Report.model_validate_json(report_json)
    (story,) = report.stories
    flat = report_tables(report)
    tables: dict[str, list[dict]] = {name: [] for name in TABLES}
    by_id = {a.id: a for a in report.articles}
    for row in flat["articles"]:
        article = by_id[row["article_id"]]
        tables["articles"].append({
            **row, "story_id": story.id, "duplicate_of": article.duplicate_of or "",
            "n_removed": len(article.removed),
            "removed": json.dumps([r.to_dict() for r in article.removed], ensure_ascii=False),
            PARTITION: article.published_at.date().isoformat() if article.published_at else "undated",
        })
    published = sorted(a.published for a in report.articles if a.published)
    tables["stories"].append({
        "story_id": story.id, "title": story.title, "n_articles": len(story.article_ids),
        "n_outlets": len({a.outlet for a in report.articles}), "n_facts": len(story.facts),
        "first_published": published[0] if published else "",
        "last_published": published[-1] if published else "", "capped": capped,
    })
    for name in ("facts", "claims", "quotes", "entities", "places", "timeline"):
        tables[name] = flat[name]
    for fact in story.facts:
        for conflict in fact.conflicts:
            tables["conflicts"].append({
                "story_id": story.id, "fact_id": fact.id, "kind": conflict.kind, "detail": conflict.detail,
                "citations": json.dumps([c.to_dict() for c in conflict.claims]),
            })
    for view in story.outlets:
        tables["outlets"].append({
            "story_id": story.id, "outlet": view.outlet, "n_facts": len(view.fact_ids),
            "n_exclusive": len(view.exclusive_fact_ids), "n_omitted": len(view.omitted_fact_ids),
            "attributed_share": view.attributed_share,
            "cue_verbs": json.dumps(view.cue_verbs, sort_keys=True, ensure_ascii=False),
            "wording": json.dumps(view.wording, sort_keys=True, ensure_ascii=False),
        })
    for name, rows in tables.items():
        tables[name] = [
            {**{c: row.get(c) for c in COLUMNS[name]}, PARTITION: row.get(PARTITION, day)} for row in rows
        ]
    return tables


def arrow_schema(name: str):
    import pyarrow as pa

    kinds = {"int": pa.int64(), "float": pa.float64(), "bool": pa.bool_(), "str": pa.string()}
    return pa.schema([(c, kinds[column_type(c)]) for c in COLUMNS[name]] + [(PARTITION, pa.string())])


def spark_schema(name: str) -> str:
    kinds = {"int": "bigint", "float": "double", "bool": "boolean", "str": "string"}
    return ", ".join(f"`{c}` {kinds[column_type(c)]}" for c in (*COLUMNS[name], PARTITION))
