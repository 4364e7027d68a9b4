"""The main job: ingest -> clean -> annotate -> group -> compare -> synthesise.

``analyze`` is the whole pipeline as one importable function; the CLI's
``analyze`` command is a thin wrapper over it. Each stage is a plain function
over records, so other engines (a pool, Spark) can call the same functions.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from storylens.annotate import annotate_articles, is_analysed_language, language_notice
from storylens.clean import assign_syndication, clean_document
from storylens.errors import InputFailure, UsageError
from storylens.group import group_articles, one_story
from storylens.ingest import IngestOptions, iter_documents
from storylens.records import (
    Article,
    Document,
    InputError,
    InputWarning,
    LanguageNotice,
    Report,
    StoryGroup,
)
from storylens.report import report_body, splice_reports, to_json
from storylens.store import Store, StoryIndex
from storylens.stories import refresh_stories
from storylens.story_work import (
    Progress,
    analyse_stories,
    stored_story_reports,
    story_report,
    story_sub_events,
)

__all__ = [
    "IngestResult", "StoreJson", "analyze", "analyze_store", "analyze_store_json", "build_report", "index_story",
    "ingest", "keep_story_report", "story_members", "story_report", "story_sub_events", "update_store",
]

INGEST_BATCH = 200
# Forked annotation workers pay off only for large batches (measured: 2 workers give
# 6.3 vs 3.0 articles/s on 84 PolNeAR articles on 2 idle cores).
PARALLEL_WORKERS = min(2, os.cpu_count() or 1)
PARALLEL_MIN_ARTICLES = 200


@dataclass
class IngestResult:
    article_ids: list[str] = field(default_factory=list)
    errors: list[InputError] = field(default_factory=list)
    warnings: list[InputWarning] = field(default_factory=list)
    new: int = 0


def name_some(sources: Sequence[str], limit: int = 3) -> str:
    """'a.txt, b.txt, c.txt and 12 more': inputs named without flooding the terminal."""
    shown = ", ".join(sources[:limit])
    return shown + (f" and {len(sources) - limit} more" if len(sources) > limit else "")


class BatchMetadata:
    """What the batch's metadata lacks, said once per batch instead of silently worked around."""

    def __init__(self, options: IngestOptions) -> None:
        self.outlet_flag = options.outlet
        self.sources: list[str] = []
        self.dated = 0
        self.guessed: list[tuple[str, str]] = []  # (source, outlet named after it)

    def observe(self, doc: Document) -> None:
        if self.outlet_flag and self.sources and doc.source not in self.sources:
            raise UsageError(
                f"--outlet {self.outlet_flag!r} names the outlet of one article, but the inputs hold "
                f"more than one ({name_some([*self.sources, doc.source])}); every article would get that "
                "outlet and none could corroborate another. Name outlets per article with a manifest "
                "CSV (path,outlet,...) or NAME.meta.json sidecars"
            )
        self.sources.append(doc.source)
        self.dated += doc.published is not None
        if doc.outlet_guessed and doc.outlet:
            self.guessed.append((doc.source, doc.outlet))

    def warnings(self) -> list[InputWarning]:
        found: list[InputWarning] = []
        if self.sources and not self.dated:
            found.append(InputWarning(
                message=f"no article has a publication date ({name_some(self.sources)}): days such as "
                "'on Monday' cannot be placed and stories are grouped without dates; give dates with "
                "--published DATE (one date for all), a manifest CSV with a published column, or "
                "NAME.meta.json sidecars with \"published\"",
                sources=tuple(self.sources),
            ))
        if self.guessed:
            named = [f"{source} -> {outlet!r}" for source, outlet in self.guessed]
            found.append(InputWarning(
                message=f"{len(self.guessed)} article(s) have no outlet, so their file names stand in "
                f"({name_some(named)}); outlets decide what counts as independent confirmation: name "
                "them with a manifest CSV (path,outlet,...), NAME.meta.json sidecars, or --outlet for "
                "a single article",
                sources=tuple(source for source, _ in self.guessed),
            ))
        return found


def ingest(
    inputs: Iterable[str],
    store: Store,
    options: IngestOptions | None = None,
    progress: Progress | None = None,
) -> IngestResult:
    """Read, clean and store inputs in committed batches (streaming).

    A killed process keeps every batch already committed; a re-run upserts
    the same content-hash ids, so nothing is duplicated.
    """
    result = IngestResult()
    batch: list[Article] = []
    metadata = BatchMetadata(options or IngestOptions())

    def flush() -> None:
        if batch:
            result.new += store.upsert_articles(batch)
            batch.clear()

    for item in iter_documents(inputs, options):
        if isinstance(item, InputError):
            result.errors.append(item)
            continue
        metadata.observe(item)
        result.warnings.extend(InputWarning(message=f"{item.source}: {note}", sources=(item.source,))
                               for note in item.notes)
        try:
            article = clean_document(item)
        except InputFailure as exc:
            result.errors.append(InputError(source=exc.source, message=exc.message))
            continue
        batch.append(article)
        result.article_ids.append(article.id)
        if progress:
            progress("ingest", len(result.article_ids), None)
        if len(batch) >= INGEST_BATCH:
            flush()
    flush()
    if not metadata.dated and result.article_ids:  # dates kept from an earlier ingest count
        metadata.dated = store.dated_count(list(dict.fromkeys(result.article_ids)))
    result.warnings.extend(metadata.warnings())
    return result


def build_report(
    articles: Sequence[Article],
    *,
    store: Store | None = None,
    one_story_only: bool = False,
    summary_words: int = 120,
    errors: Sequence[InputError] = (),
    warnings: Sequence[InputWarning] = (),
    progress: Progress | None = None,
    story_workers: int | None = None,
) -> Report:
    """Annotate, group, compare and synthesise already-cleaned articles.

    ``story_workers``: processes comparing stories (None: two for a large run on two or
    more cores, else one; see ``story_work.pool_size``). The report is the same either way.
    """
    articles = assign_syndication(articles)
    if store is not None:
        store.upsert_articles(articles)
    by_id = {a.id: a for a in articles}
    workers = PARALLEL_WORKERS if len(articles) >= PARALLEL_MIN_ARTICLES else 1
    annotations = annotate_articles(articles, store=store, n_process=workers)
    if progress:
        progress("annotate", len(articles), len(articles))
    if one_story_only:
        groups = [one_story(articles)] if articles else []
    else:
        groups = group_articles(articles, annotations, store=store)
        if store is not None:
            store.save_stories(groups)
    stories = analyse_stories(groups, by_id, annotations, store=store, summary_words=summary_words,
                              workers=story_workers, progress=progress)
    notices = tuple(n for n in map(language_notice, articles) if n is not None)
    return Report(articles=tuple(articles), stories=tuple(stories), errors=tuple(errors),
                  warnings=tuple(warnings), language_notices=notices)


def analyze(
    inputs: Iterable[str | Path],
    *,
    published: str | None = None,
    outlet: str | None = None,
    manifest: str | Path | None = None,
    one_story: bool = False,
    db: str | Path | None = None,
    summary_words: int = 120,
    allow_private: bool = False,
    allow_outside_paths: bool = False,
    progress: Progress | None = None,
    story_workers: int | None = None,
) -> Report:
    """Analyse inputs end to end and return the report.

    ``db=None`` keeps everything in memory (a throw-away store); give a path to
    keep articles, annotations and corrections between runs.
    """
    options = IngestOptions(
        outlet=outlet,
        published=published,
        manifest=Path(manifest) if manifest else None,
        allow_private=allow_private,
        allow_outside_paths=allow_outside_paths,
    )
    with Store(db if db is not None else ":memory:") as store:
        result = ingest([str(i) for i in inputs], store, options, progress=progress)
        ids = list(dict.fromkeys(result.article_ids))  # first occurrence, input order
        articles = list(store.articles(ids))
        return build_report(
            articles,
            store=store,
            one_story_only=one_story,
            summary_words=summary_words,
            errors=result.errors,
            warnings=result.warnings,
            progress=progress,
            story_workers=story_workers,
        )


def story_members(group: StoryGroup) -> str:
    """A signature of the story's articles: its stored report holds while this holds."""
    return hashlib.blake2b("\n".join(sorted(group.article_ids)).encode(), digest_size=12).hexdigest()


def index_story(store: Store, group: StoryGroup) -> Report:
    """Analyse one story and keep its report, counts and search text in the store's story index."""
    report = story_report(store, group)
    keep_story_report(store, group, report)
    return report


def keep_story_report(store: Store, group: StoryGroup, report: Report) -> None:
    """Keep one story's report, counts and search text in the store's story index."""
    story = report.stories[0]
    days = sorted(a.published_at.date().isoformat() for a in report.articles if a.published_at)
    statuses = Counter(f.status for f in story.facts)
    outlets = sorted({a.outlet for a in report.articles})
    row = {
        "story_id": group.id,
        "title": group.title,
        "n_articles": len(group.article_ids),
        "n_outlets": len(outlets),
        "outlets": json.dumps(outlets, ensure_ascii=False),
        "first_day": days[0] if days else None,
        "last_day": days[-1] if days else None,
        "n_facts": len(story.facts),
        "n_corroborated": statuses["corroborated"],
        "n_disputed": statuses["disputed"],
        "n_conflicting": statuses["conflicting"],
        "report": to_json(report),
        "page": report_body(report),  # the story page's body, rendered once here rather than per request
        "indexed_at": time.time(),
        "members": story_members(group),
    }
    body = "\n".join(f"{a.title or ''}\n{a.text}" for a in report.articles)
    StoryIndex(store).put(
        row, outlets, [f.id for f in story.facts], "\n".join(f.text for f in story.facts), body
    )


def update_store(
    store: Store,
    *,
    rebuild: bool = False,
    progress: Progress | None = None,
    stats: dict | None = None,
    story_workers: int | None = None,
    computed: dict[str, Report] | None = None,
) -> list[StoryGroup]:
    """Bring every story's stored report up to date, recomputing only the stories that changed.

    Articles ingested since the last run are grouped (grouping is a function of the
    set of articles, so the stories equal a from-scratch grouping); a story whose
    articles are unchanged keeps its stored report, and a story that new
    articles join or create is analysed from the stored annotations, vectors and
    pair verdicts. ``rebuild`` recomputes every story. ``stats`` (if given) receives
    how many stories were reused and recomputed. ``story_workers`` as in ``build_report``
    (a store in memory is analysed in this process). Returns the store's stories; the
    reports it computes are stored and, only if ``computed`` is given, kept there by story id
    (the web app and the spliced JSON read them from the store: holding thousands of story
    records for nothing is what makes a large run's memory grow).
    """
    if store.ungrouped_count() or not store.story_ids():
        refresh_stories(store)
    groups = store.stories()
    index = StoryIndex(store)
    index.prune({g.id: story_members(g) for g in groups})
    kept = set() if rebuild else set(index.indexed_ids())
    fresh = [g for g in groups if g.id not in kept]
    size = sum(len(g.article_ids) for g in fresh)
    reports = stored_story_reports(store, fresh, workers=story_workers, articles=size)
    for n, (group, report) in enumerate(reports, 1):
        keep_story_report(store, group, report)
        if computed is not None:
            computed[group.id] = report
        if progress:
            progress("stories", n, len(fresh))
    if stats is not None:
        stats.update(stories=len(groups), recomputed=len(fresh), reused=len(groups) - len(fresh))
    return groups


def analyze_store(
    store: Store,
    *,
    rebuild: bool = False,
    progress: Progress | None = None,
    stats: dict | None = None,
    story_workers: int | None = None,
) -> Report:
    """The report of every story in the store (``update_store`` first), as records."""
    computed: dict[str, Report] = {}
    groups = update_store(
        store, rebuild=rebuild, progress=progress, stats=stats, story_workers=story_workers, computed=computed
    )
    index = StoryIndex(store)
    stories_by_id = {}
    articles_by_id: dict[str, Article] = {}
    for group in groups:
        report = computed.get(group.id) or Report.model_validate_json(index.report(group.id) or "{}")
        stories_by_id[group.id] = report.stories[0]
        articles_by_id.update((a.id, a) for a in report.articles)
    order = [a for a in store.article_ids() if a in articles_by_id]
    articles = [articles_by_id[a] for a in order]
    notices = tuple(n for n in map(language_notice, articles) if n is not None)
    return Report(articles=tuple(articles), stories=tuple(stories_by_id[g.id] for g in groups),
                  language_notices=notices)


@dataclass(frozen=True)
class StoreJson:
    """A store's JSON report as pieces of text to write in order (joined: ``to_json``'s text),
    with what a caller tells the user about it."""

    pieces: tuple[str, ...]
    articles: int
    stories: int
    language_notices: tuple[LanguageNotice, ...] = ()


def analyze_store_json(
    store: Store,
    *,
    rebuild: bool = False,
    progress: Progress | None = None,
    stats: dict | None = None,
    story_workers: int | None = None,
) -> StoreJson:
    """``to_json(analyze_store(store))``, the same text, spliced from the stored story reports
    rather than read back into records (issue 16: on a 5,000-article store, validating the
    2,000 unchanged stories' reports cost more than recomputing the changed ones)."""
    groups = update_store(store, rebuild=rebuild, progress=progress, stats=stats, story_workers=story_workers)
    index = StoryIndex(store)
    texts = (index.report(group.id) or to_json(Report()) for group in groups)  # each let go once cut
    reported = {a for group in groups for a in group.article_ids}
    order = [a for a in store.article_ids() if a in reported]
    languages = store.article_languages()
    partly_read = store.articles([a for a in order if not is_analysed_language(languages.get(a))])
    notices = tuple(n for n in map(language_notice, partly_read) if n is not None)
    pieces = tuple(splice_reports(texts, order, Report(language_notices=notices)))
    return StoreJson(pieces=pieces, articles=len(order), stories=len(groups), language_notices=notices)
