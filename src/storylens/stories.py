"""The stored stories as a service: list, show, merge and split (the CLI's story commands).

Contract:

    list_stories(store) -> rows        explain_story(store, story) -> text
    merge_stories(store, story_ids)    split_story(store, story, article_ids)

Grouping itself (group.py) is a pure function over articles; this module reads
and writes the stories kept in the store and records the user's corrections,
which group_articles applies on every later regrouping. It sits above the
stages it calls (annotate, group); every SQL statement stays in store.py.
"""

from __future__ import annotations

from collections.abc import Sequence

from storylens.annotate import ANNOTATOR_VERSION, annotate_articles, cache_version
from storylens.errors import NotFound, UsageError
from storylens.group import (
    SIGNALS_VERSION,
    ArticleSignals,
    article_signals,
    group_articles,
    order_key,
    story_id,
    title_of,
)
from storylens.records import Article, GroupingReason, StoryGroup
from storylens.store import Store


def _resolve(store: Store, story: str) -> StoryGroup:
    """The story named by its id or a unique start of it."""
    matches = store.story_ids(story) if story else []
    chosen = story if story in matches else matches[0] if len(matches) == 1 else None
    if len(matches) > 1 and chosen is None:
        shown = ", ".join(matches[:5]) + (f" and {len(matches) - 5} more" if len(matches) > 5 else "")
        raise NotFound(f"story {story!r} is ambiguous: {len(matches)} story ids start with it "
                       f"({shown}); type more of the id")
    group = store.story(chosen) if chosen else None
    if group is None:
        raise NotFound(f"no story {story!r} (see `storylens stories`)")
    return group


def refresh_stories(store: Store) -> list[StoryGroup]:
    """Regroup every stored article and save the stories.

    This is the incremental path: vectors and annotations are cached in the
    store, so only new articles cost model time; they join the stories they
    fit or start new ones, and the corrections are applied again.
    """
    articles = list(store.articles())
    groups = group_articles(articles, grouping_signals(articles, store), store=store)
    store.save_stories(groups)
    return groups


def grouping_signals(articles: Sequence[Article], store: Store) -> dict[str, ArticleSignals]:
    """What grouping reads of each article, kept in the store: only articles without it are
    annotated (or their stored annotation read), so regrouping a large store reads no annotation."""
    kind = f"{SIGNALS_VERSION}:{ANNOTATOR_VERSION}"
    keys = {a.id: f"{a.id}:{cache_version(a.published)}" for a in articles}
    stored = store.get_caches(kind, list(keys.values()))
    signals = {a.id: ArticleSignals.from_bytes(stored[keys[a.id]]) for a in articles if keys[a.id] in stored}
    missing = [a for a in articles if a.id not in signals]
    if missing:
        annotations = annotate_articles(missing, store=store)
        fresh = {a.id: article_signals(a, annotations[a.id]) for a in missing}
        store.put_cache(kind, ((keys[aid], s.to_bytes()) for aid, s in fresh.items()))
        signals.update(fresh)
    return signals


def list_stories(store: Store) -> list[dict]:
    """Rows for `storylens stories`: id, size, outlets, date span, title.

    Articles ingested since the last grouping are grouped first.
    """
    if store.ungrouped_count():
        refresh_stories(store)
    rows = []
    for group in store.stories():
        articles = list(store.articles(list(group.article_ids)))
        days = sorted(a.published_at.date().isoformat() for a in articles if a.published_at)
        span = "" if not days else days[0] if days[0] == days[-1] else f"{days[0]} – {days[-1]}"
        rows.append(
            {
                "id": group.id,
                "size": len(group.article_ids),
                "outlets": sorted({a.outlet for a in articles}),
                "dates": span,
                "title": group.title,
            }
        )
    rows.sort(key=lambda r: (-r["size"], r["id"]))
    return rows


def explain_story(store: Store, story: str) -> str:
    """`storylens show STORY`: each article, its score, and what it shares with the rest."""
    group = _resolve(store, story)
    reasons = {r.article_id: r for r in group.reasons}
    lines = [f"{group.id}  {group.title}", f"{len(group.article_ids)} article" + ("" if len(group.article_ids) == 1 else "s"), ""]
    for article_id in group.article_ids:
        article = store.article(article_id)
        reason = reasons.get(article_id)
        head = f"{article_id[:12]}  {article.outlet if article else '?'}"
        if article is not None and article.published_at:
            head += f"  {article.published_at.date().isoformat()}"
        if article is not None:
            head += f"  {title_of(article)}"
        lines.append(head)
        if reason is None:
            continue
        why = f"    score {reason.score:.2f}"
        if reason.corrected:
            why += "  (placed by a user correction)"
        lines.append(why)
        if reason.shared_entities:
            lines.append("    shared names: " + ", ".join(reason.shared_entities))
        if reason.shared_terms:
            lines.append("    shared terms: " + ", ".join(reason.shared_terms))
        if reason.shared_dates:
            lines.append("    shared dates: " + ", ".join(reason.shared_dates))
    return "\n".join(lines)


def _ordered_ids(store: Store, article_ids: Sequence[str]) -> list[str]:
    """Ids in (published, id) order; ids the store does not hold go last."""
    found = sorted(store.articles(list(article_ids)), key=order_key)
    known = [a.id for a in found]
    return known + sorted(set(article_ids) - set(known))


def merge_stories(store: Store, story_ids: Sequence[str]) -> StoryGroup:
    """Merge stories now and record a must-link between all their articles."""
    groups = [_resolve(store, s) for s in story_ids]
    if len({g.id for g in groups}) < 2:
        raise UsageError("merge needs at least two different stories")
    article_ids = sorted({a for g in groups for a in g.article_ids})
    store.add_correction("merge", {"article_ids": article_ids, "stories": [g.id for g in groups]})
    ordered = _ordered_ids(store, article_ids)
    reasons = {r.article_id: r for g in groups for r in g.reasons}
    merged = StoryGroup(
        id=story_id(ordered),
        title=max(groups, key=lambda g: len(g.article_ids)).title,
        article_ids=tuple(ordered),
        reasons=tuple(
            reasons[a].model_copy(update={"corrected": True})
            if a in reasons
            else GroupingReason(article_id=a, score=1.0, corrected=True)
            for a in ordered
        ),
    )
    gone = {g.id for g in groups}
    store.save_stories([g for g in store.stories() if g.id not in gone] + [merged])
    return merged


def split_story(store: Store, story: str, article_ids: Sequence[str]) -> list[StoryGroup]:
    """Move articles out of a story into their own; record cannot-links to the rest."""
    group = _resolve(store, story)
    moved: list[str] = []
    for given in article_ids:
        matches = [a for a in group.article_ids if a.startswith(given)]
        if len(matches) != 1:
            raise NotFound(f"article {given!r} is not (uniquely) in story {group.id}")
        moved.append(matches[0])
    rest = [a for a in group.article_ids if a not in set(moved)]
    if not rest:
        raise UsageError("split would leave the story empty: name fewer articles")
    store.add_correction(
        "split", {"article_ids": sorted(set(moved)), "others": sorted(rest), "story": group.id}
    )
    reasons = {r.article_id: r for r in group.reasons}
    parts = []
    for ids in (rest, moved):
        ordered = _ordered_ids(store, ids)
        first = store.article(ordered[0])
        parts.append(
            StoryGroup(
                id=story_id(ordered),
                title=group.title if ids is rest else (title_of(first) if first else group.title),
                article_ids=tuple(ordered),
                reasons=tuple(
                    (reasons.get(a) or GroupingReason(article_id=a, score=1.0)).model_copy(
                        update={"corrected": True}
                    )
                    for a in ordered
                ),
            )
        )
    store.save_stories([g for g in store.stories() if g.id != group.id] + parts)
    return parts
