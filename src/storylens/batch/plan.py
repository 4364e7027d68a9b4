"""The batch plan: the pipeline's stage functions applied to frames of rows.

Both engines run exactly these functions, so they give the same ids:

1. ``read_unit`` / ``read_table_rows`` (per input): ingest + clean -> article rows,
   and one error row per bad input;
2. ``annotate_rows`` (per batch of articles): annotations, agency credits and the
   lead's dense vector, with the models loaded once per worker process;
3. ``group_window`` (per time window): syndication links (MinHash LSH) and story
   groups (grouping's own inverted index) among the window's articles;
4. ``stitch`` (once, on small columns): groups and links of all windows joined by
   union-find, so a story that crosses a window boundary is one story;
5. ``compare_story_rows`` (per story): compare + synthesise -> a one-story report.

Rows are plain dicts of strings (records travel as JSON), so a frame is a pandas
DataFrame in Spark and a list in the process pool.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import date
from pathlib import Path

import numpy as np

from storylens.clean import (
    agency_credits,
    clean_document,
    seniority,
    syndication_labels,
    text_links,
)
from storylens.errors import InputFailure
from storylens.group import (
    EMBED_CACHE,
    embed_leads,
    group_articles,
    order_key,
    story_id,
    sub_events,
)
from storylens.ingest import IngestOptions, read_file, read_records
from storylens.ingest.metadata import Manifest
from storylens.records import (
    Annotation,
    Article,
    Document,
    GroupingReason,
    InputError,
    Report,
    StoryGroup,
)
from storylens.titles import story_title

# The staged article row: every column a string (None when unknown).
ARTICLE_COLUMNS = (
    "id", "source", "outlet", "title", "url", "published", "language", "author", "text",
    "removed", "day",
)
READ_COLUMNS = ("kind", "input", *ARTICLE_COLUMNS, "message")
ANNOTATED_COLUMNS = (*READ_COLUMNS, "annotation", "credits", "vector")
EDGE_COLUMNS = ("kind", "window", "a", "b", "title", "reason")
ASSIGN_COLUMNS = ("id", "story_id", "story_title", "story_day", "reason", "syndication_group", "duplicate_of")
STORY_COLUMNS = ("story_id", "key", "day", "n_articles", "capped", "report")
UNDATED = "undated"


# --------------------------------------------------------------------------- 1. read


def unit_key(path: str, stamp: str = "") -> str:
    """A stable key of one input unit (a file, a table file): its path and size/mtime."""
    return hashlib.sha1(f"{path}\x00{stamp}".encode()).hexdigest()[:16]


def article_row(article: Article, input_key: str) -> dict:
    day = article.published_at.date().isoformat() if article.published_at else UNDATED
    row = {name: getattr(article, name) for name in ARTICLE_COLUMNS if name not in ("removed", "day")}
    row.update(
        kind="article",
        input=input_key,
        removed=json.dumps([r.to_dict() for r in article.removed], ensure_ascii=False),
        day=day,
        message=None,
    )
    return row


def error_row(error: InputError, input_key: str) -> dict:
    row = dict.fromkeys(READ_COLUMNS)
    row.update(kind="error", input=input_key, source=error.source, message=error.message)
    return row


def _clean_rows(items: Iterable[Document | InputError], input_key: str) -> Iterator[dict]:
    for item in items:
        if isinstance(item, InputError):
            yield error_row(item, input_key)
            continue
        try:
            yield article_row(clean_document(item), input_key)
        except InputFailure as exc:
            yield error_row(InputError(source=exc.source, message=exc.message), input_key)


def read_unit(path: str, input_key: str, manifest: str | None = None,
              options: IngestOptions | None = None) -> list[dict]:
    """One input file -> its article rows and error rows (never raises for bad input)."""
    options = options or IngestOptions()
    try:
        listed = Manifest(Path(manifest)) if manifest else None
    except InputFailure as exc:
        return [error_row(InputError(source=exc.source, message=exc.message), input_key)]
    try:
        return list(_clean_rows(read_file(Path(path), options, manifest=listed), input_key))
    except Exception as exc:  # noqa: BLE001 - a reader bug must not end the job
        error = InputError(source=path, message=f"unexpected error: {type(exc).__name__}: {exc}")
        return [error_row(error, input_key)]


def table_source(file: str, record: Mapping) -> str:
    """A table row's name: its URL, else the file and a hash of its content."""
    url = record.get("url")
    if isinstance(url, str) and url.strip():
        return url.strip()
    body = str(record.get("text") or record.get("html") or "")
    return f"{file}#{hashlib.sha1(body.encode()).hexdigest()[:12]}"


def read_table_rows(records: Iterable[Mapping], file: str, input_key: str,
                    options: IngestOptions | None = None) -> list[dict]:
    """Rows of a Parquet table with article columns -> article rows and error rows."""
    named = ((table_source(file, r), dict(r)) for r in records)
    return list(_clean_rows(read_records(named, options), input_key))


# --------------------------------------------------------------------------- 2. annotate


def article_from_row(row: Mapping) -> Article:
    removed = json.loads(row.get("removed") or "[]")
    fields = {name: row.get(name) for name in ARTICLE_COLUMNS if name not in ("removed", "day")}
    extra = {name: row.get(name) for name in ("syndication_group", "duplicate_of") if row.get(name)}
    return Article(**fields, removed=tuple(removed), **extra)


def annotation_from_row(row: Mapping) -> Annotation:
    text = row.get("annotation")
    return Annotation.model_validate_json(text) if text else Annotation()


class VectorCache:
    """Lead vectors computed once at annotation, handed to grouping as its cache."""

    def __init__(self, rows: Iterable[Mapping]):
        self.vectors = {r["id"]: r["vector"] for r in rows if r.get("vector") is not None}

    def get_cache(self, kind: str, key: str) -> bytes | None:
        return self.vectors.get(key) if kind.startswith(EMBED_CACHE) else None

    def put_cache(self, kind: str, items) -> None:
        if not kind.startswith(EMBED_CACHE):  # other vectors (the multilingual ones) are not the leads'
            return
        for key, value in items:
            self.vectors[key] = value


def annotate_rows(rows: Sequence[Mapping]) -> list[dict]:
    """Annotation (JSON), agency credits (JSON list) and lead vector (bytes) per article row."""
    from storylens.annotate import annotate_articles

    articles = [article_from_row(r) for r in rows]
    notes = annotate_articles(articles)
    # one article per call: a vector must not depend on which batch the engine formed
    vectors = [embed_leads([article])[0] for article in articles]
    out = []
    for row, article, vector in zip(rows, articles, vectors, strict=True):
        out.append({
            **row,
            "annotation": notes[article.id].model_dump_json(),
            "credits": json.dumps(sorted(agency_credits(article))),
            "vector": vector.astype(np.float32).tobytes(),
        })
    return out


# --------------------------------------------------------------------------- 3. windows


def windows_of(day: str | None, window_days: int) -> list[str]:
    """The two overlapping windows an article's day falls in (one for undated articles).

    Window k spans days [k*W, (k+2)*W): two articles fewer than W days apart
    always share one.
    """
    if not day or day == UNDATED:
        return [UNDATED]
    k = date.fromisoformat(day).toordinal() // max(1, window_days)
    return [f"w{k - 1:07d}", f"w{k:07d}"]


def group_window(window: str, rows: Sequence[Mapping]) -> list[dict]:
    """Story groups and syndication links among one window's articles (edge rows)."""
    articles = [article_from_row(r) for r in rows]
    annotations = {r["id"]: annotation_from_row(r) for r in rows}
    edges: list[dict] = []
    syndicated, duplicates = text_links(articles)
    for kind, pairs in (("syn", syndicated), ("dup", duplicates)):
        for i, j in pairs:
            edges.append(dict(kind=kind, window=window, a=articles[i].id, b=articles[j].id, title=None, reason=None))
    groups = group_articles(articles, annotations, store=VectorCache(rows), corrections=[])
    for group in groups:
        reasons = {r.article_id: r for r in group.reasons}
        for article_id in group.article_ids:
            edges.append(dict(
                kind="story", window=window, a=article_id, b=group.article_ids[0], title=group.title,
                reason=reasons[article_id].model_dump_json() if article_id in reasons else None,
            ))
    return edges


class _Union:
    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, x: str) -> str:
        self.parent.setdefault(x, x)
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def stitch(edges: Iterable[Mapping], meta: Iterable[Mapping]) -> list[dict]:
    """One assignment row per article: its story and syndication group, stitched over windows.

    ``meta`` rows carry id, published, day and credits only: the texts never reach here.
    A story's title and each article's reason come from the largest window group that
    holds it (ties: the earlier window), so they do not depend on which window ran first.
    """
    meta = {m["id"]: m for m in meta}
    stories = _Union()
    window_groups: dict[tuple[str, str], list[Mapping]] = defaultdict(list)
    syndicated, duplicates = [], []
    for edge in edges:
        if edge["kind"] == "story":
            window_groups[(edge["window"], edge["b"])].append(edge)
        elif edge["kind"] == "syn":
            syndicated.append((edge["a"], edge["b"]))
        else:
            duplicates.append((edge["a"], edge["b"]))
    for members in window_groups.values():
        for edge in members:
            stories.union(edge["a"], members[0]["b"])
    ids = sorted(meta)
    for article_id in ids:
        stories.find(article_id)
    # the best window group of every article: most members, then earliest window, then anchor
    best: dict[str, tuple] = {}
    for (window, anchor), members in window_groups.items():
        rank = (-len(members), window, anchor)
        for edge in members:
            if edge["a"] not in best or rank < best[edge["a"]][0]:
                best[edge["a"]] = (rank, edge)
    components: dict[str, list[str]] = defaultdict(list)
    for article_id in ids:
        components[stories.find(article_id)].append(article_id)

    index = {a: i for i, a in enumerate(ids)}
    seniorities = [seniority(_stub(meta[a])) for a in ids]
    credits = [set(json.loads(meta[a].get("credits") or "[]")) for a in ids]
    group, duplicate_of = syndication_labels(
        seniorities,
        credits,
        [(index[a], index[b]) for a, b in syndicated if a in index and b in index],
        [(index[a], index[b]) for a, b in duplicates if a in index and b in index],
    )
    rows = []
    for members in components.values():
        ordered = sorted(members, key=lambda a: order_key(_stub(meta[a])))
        sid = story_id(ordered)
        chosen = min((best[a][0] for a in members if a in best), default=None)
        title = next((best[a][1]["title"] for a in members if a in best and best[a][0] == chosen), None)
        day = next((meta[a]["day"] for a in ordered if meta[a].get("day") not in (None, UNDATED)), UNDATED)
        for article_id in ordered:
            edge = best.get(article_id, (None, {}))[1]
            rows.append(dict(
                id=article_id, story_id=sid, story_title=title, story_day=day,
                reason=edge.get("reason"),
                syndication_group=group[index[article_id]],
                duplicate_of=duplicate_of[index[article_id]],
            ))
    rows.sort(key=lambda r: r["id"])
    return rows


def _stub(row: Mapping) -> Article:
    """An Article carrying only what ordering needs (id and publication time)."""
    return Article(id=row["id"], source="", outlet="", text="", published=row.get("published"))


def story_key(story: str, article_ids: Iterable[str]) -> str:
    """A story's id and a hash of its members: a resumed job reuses a story only if both match."""
    digest = hashlib.sha1("\x00".join(sorted(article_ids)).encode()).hexdigest()[:12]
    return f"{story}-{digest}"


# --------------------------------------------------------------------------- 5. per story


def compare_story_rows(rows: Sequence[Mapping], *, max_story: int, summary_words: int) -> dict:
    """Compare and synthesise one story (its rows carry the assignment) -> a STORY_COLUMNS row.

    The skew guard: past ``max_story`` articles only the earliest ``max_story`` are
    compared (the story still lists every article, and ``capped`` says so).
    """
    from storylens.annotate import language_notice
    from storylens.compare import analysed_articles, compare_story
    from storylens.synthesize import synthesize_story

    articles = sorted((article_from_row(r) for r in rows), key=order_key)
    by_id = {a.id: a for a in articles}
    annotations = {r["id"]: annotation_from_row(r) for r in rows}
    first = rows[0]
    reasons = {r["id"]: GroupingReason.model_validate_json(r["reason"]) for r in rows if r.get("reason")}
    ids = tuple(a.id for a in articles)
    group = StoryGroup(
        id=first["story_id"],
        title=first.get("story_title") or story_title(articles),
        article_ids=ids,
        reasons=tuple(reasons.get(a) or GroupingReason(article_id=a, score=1.0) for a in ids),
    )
    capped = len(articles) > max_story
    compared = {a.id: a for a in articles[:max_story]} if capped else by_id
    events = sub_events(analysed_articles(group, compared), annotations)
    comparison = compare_story(group, compared, annotations, sub_events=events)
    story = synthesize_story(group, compared, annotations, comparison, summary_words=summary_words)
    notices = tuple(n for n in map(language_notice, articles) if n is not None)
    report = Report(articles=tuple(articles), stories=(story,), language_notices=notices)
    return dict(
        story_id=group.id, key=story_key(group.id, ids), day=first.get("story_day") or UNDATED,
        n_articles=len(ids), capped=capped, report=json.dumps(report.to_dict(), ensure_ascii=False),
    )
