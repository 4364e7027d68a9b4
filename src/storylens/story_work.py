"""One story compared and summarised, and many stories in worker processes.

Compare and synthesis cost most of a run (issue 16) and a story reads only its own
articles, annotations and the store's kept model outputs: stories are independent
tasks. Workers are forked once the articles are annotated, so spaCy and the records
are shared copy-on-write; each worker builds its own MiniLM session with one thread
(an ONNX session's threads do not survive a fork) and opens its own connection to an
on-disk store, so what it computes is kept for later runs as in one process. A story's
result does not depend on the process that computes it: a sentence's vectors are the
same bits alone or in any batch and with one thread or two (bench/RESULTS.md).
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed

from storylens.annotate import annotate_articles
from storylens.clean import assign_syndication
from storylens.compare import analysed_articles, compare_story
from storylens.group import sub_events
from storylens.records import Annotation, Article, Report, Story, StoryGroup
from storylens.resources import keep_outputs_in
from storylens.store import Store, VectorTable
from storylens.synthesize import synthesize_story

Progress = Callable[[str, int, int | None], None]  # (stage, done, total)

# Two workers pay off once a run holds a few stories' worth of articles: a worker costs a
# fork and a MiniLM session (~0.5 s), a 3-article story ~2 CPU-s (bench/RESULTS.md, issue 16).
POOL_MIN_ARTICLES = 40
POOL_MAX_WORKERS = 2


def pool_size(workers: int | None, stories: int, articles: int) -> int:
    """How many processes analyse ``stories`` stories of ``articles`` articles in all.

    ``workers`` as the caller asked (capped by the stories there are); None: one per core
    (at most two) when the run is large enough to pay for them, else one.
    """
    if workers is not None:
        return max(1, min(workers, stories))
    if stories < 2 or articles < POOL_MIN_ARTICLES:
        return 1
    return max(1, min(os.cpu_count() or 1, POOL_MAX_WORKERS, stories))


def story_sub_events(
    group: StoryGroup, articles: Mapping[str, Article], annotations: Mapping[str, Annotation]
) -> dict[str, int] | None:
    """The sub-event label of each article compare reads (None: the story is one event)."""
    return sub_events(analysed_articles(group, articles), annotations)


def analyse_story(
    group: StoryGroup,
    articles: Mapping[str, Article],
    annotations: Mapping[str, Annotation],
    *,
    summary_words: int = 120,
) -> Story:
    """Compare one story's outlets and write its digest (model outputs kept where the caller keeps them)."""
    events = story_sub_events(group, articles, annotations)
    comparison = compare_story(group, articles, annotations, sub_events=events)
    return synthesize_story(group, articles, annotations, comparison, summary_words=summary_words)


def story_report(store: Store, group: StoryGroup, *, summary_words: int = 120) -> Report:
    """The report of one stored story (the web app's story resource).

    Annotations come from the store's cache; syndication is assessed within the
    story, as ``analyze`` does for the articles it is given.
    """
    articles = assign_syndication(list(store.articles(list(group.article_ids))))
    by_id = {a.id: a for a in articles}
    annotations = annotate_articles(articles, store=store)
    with keep_outputs_in(VectorTable(store) if store.on_disk else None):
        story = analyse_story(group, by_id, annotations, summary_words=summary_words)
    return Report(articles=tuple(articles), stories=(story,))


# ---------------------------------------------------------------------- worker processes

_worker_store: Store | None = None


def _start_worker(store_path: str | None) -> None:
    """A forked worker: one BLAS and ONNX thread each, its own models and store connection."""
    from threadpoolctl import threadpool_limits

    from storylens.models.cross_encoder import load_pair_model
    from storylens.resources import use_own_models

    global _worker_store
    threadpool_limits(1)
    use_own_models(onnx_threads=1)
    load_pair_model.cache_clear()  # it holds the parent's MiniLM session
    _worker_store = Store(store_path) if store_path else None


def _story_task(group: StoryGroup, articles: tuple[Article, ...], annotations: dict[str, Annotation],
                summary_words: int) -> Story:
    with keep_outputs_in(VectorTable(_worker_store) if _worker_store is not None else None):
        return analyse_story(group, {a.id: a for a in articles}, annotations, summary_words=summary_words)


def _stored_story_task(group: StoryGroup, summary_words: int) -> Report:
    assert _worker_store is not None
    return story_report(_worker_store, group, summary_words=summary_words)


def _pool(size: int, store: Store | None) -> ProcessPoolExecutor:
    path = str(store.path) if store is not None and store.on_disk else None
    return ProcessPoolExecutor(size, mp_context=multiprocessing.get_context("fork"),
                               initializer=_start_worker, initargs=(path,))


def _story_inputs(group: StoryGroup, articles: Mapping[str, Article], annotations: Mapping[str, Annotation]):
    """What a worker needs of one story: its articles (and the originals its copies point at)."""
    ids = [i for i in group.article_ids if i in articles]
    ids += [articles[i].duplicate_of for i in ids if articles[i].duplicate_of in articles]
    ids = list(dict.fromkeys(ids))
    return tuple(articles[i] for i in ids), {i: annotations[i] for i in ids if i in annotations}


def _largest_first(groups: Sequence[StoryGroup]) -> list[int]:
    """Task order: the longest tasks start first, so no worker is left alone with one at the end."""
    return sorted(range(len(groups)), key=lambda i: -len(groups[i].article_ids))


def _completed(size: int, store: Store | None, task: Callable, calls: dict) -> Iterator[tuple]:
    """(key, result) of ``task(*args)`` for each ``key: args`` of ``calls``, as each is done in
    ``size`` worker processes; calls are submitted in ``calls``' order."""
    with _pool(size, store) as pool:
        futures = {pool.submit(task, *args): key for key, args in calls.items()}
        for future in as_completed(futures):
            yield futures[future], future.result()


def analyse_stories(
    groups: Sequence[StoryGroup],
    articles: Mapping[str, Article],
    annotations: Mapping[str, Annotation],
    *,
    store: Store | None = None,
    summary_words: int = 120,
    workers: int | None = None,
    progress: Progress | None = None,
) -> list[Story]:
    """Every story analysed, in ``groups`` order; in ``pool_size`` processes."""
    size = pool_size(workers, len(groups), len(articles))
    if size == 1:
        stories = []
        with keep_outputs_in(VectorTable(store) if store is not None and store.on_disk else None):
            for n, group in enumerate(groups, 1):
                stories.append(analyse_story(group, articles, annotations, summary_words=summary_words))
                if progress:
                    progress("stories", n, len(groups))
        return stories
    calls = {i: (groups[i], *_story_inputs(groups[i], articles, annotations), summary_words)
             for i in _largest_first(groups)}
    found: dict[int, Story] = {}
    for n, (i, story) in enumerate(_completed(size, store, _story_task, calls), 1):
        found[i] = story
        if progress:
            progress("stories", n, len(groups))
    return [found[i] for i in range(len(groups))]


def stored_story_reports(
    store: Store,
    groups: Sequence[StoryGroup],
    *,
    summary_words: int = 120,
    workers: int | None = None,
    articles: int = 0,
) -> Iterator[tuple[StoryGroup, Report]]:
    """Each stored story's report (``story_report``), as each is done; ``articles``: how many
    the stories hold, to size the pool. Workers need the store on disk to read it."""
    size = pool_size(workers, len(groups), articles) if store.on_disk else 1
    if size == 1:
        for group in groups:
            yield group, story_report(store, group, summary_words=summary_words)
        return
    calls = {i: (groups[i], summary_words) for i in _largest_first(groups)}
    for i, report in _completed(size, store, _stored_story_task, calls):
        yield groups[i], report
