"""What the web app shows, as plain functions over the store (the app is a thin layer on these).

A story is analysed once (compare + synthesise over its cached annotations) and
its report JSON, counts and full-text index are stored in ``story_index``; pages
and API answers then read one row. Merge, split and new articles change story
ids, and :func:`analyse_pending` analyses what is new and drops what is gone.
"""

from __future__ import annotations

from collections.abc import Callable

from storylens.errors import NotFound
from storylens.pipeline import index_story, update_store
from storylens.records import Article, Report, Story, StoryGroup
from storylens.report import to_json
from storylens.store import Store, StoryIndex

Progress = Callable[[str, int, int | None], None]


def analyse_pending(store: Store, progress: Progress | None = None) -> int:
    """Group new articles, analyse every story not analysed yet, drop gone ones; returns how many
    (``pipeline.update_store`` in this process: the web app's own worker is the one thread)."""
    stats: dict = {}
    update_store(store, progress=progress, stats=stats, story_workers=1)
    return stats["recomputed"]


def report_json(store: Store, story_id: str) -> str:
    """The story resource: the report contract holding this one story."""
    index = StoryIndex(store)
    text = index.report(story_id)
    if text is None:
        group = store.story(story_id)
        if group is None:
            raise NotFound(f"no story {story_id!r}")
        text = index.report(group.id)
        if text is None:
            text = to_json(index_story(store, group))
    return text


def report_of(store: Store, story_id: str) -> Report:
    return Report.model_validate_json(report_json(store, story_id))


def fact_in(store: Store, fact_id: str) -> tuple[Report, Story, int]:
    """The report, story and index of the fact ``fact_id``."""
    for story_id in StoryIndex(store).stories_of_fact(fact_id):
        report = report_of(store, story_id)
        story = report.stories[0]
        for n, fact in enumerate(story.facts):
            if fact.id == fact_id:
                return report, story, n
    raise NotFound(f"no fact {fact_id!r}")


def article_of(store: Store, article_id: str) -> Article:
    article = store.article(article_id)
    if article is None:
        matches = store.find_articles(article_id) if len(article_id) >= 6 else []
        if len(matches) != 1:
            raise NotFound(f"no article {article_id!r}")
        article = store.article(matches[0])
    assert article is not None
    return article


def story_of_article(store: Store, article_id: str) -> StoryGroup | None:
    story_id = StoryIndex(store).story_of_article(article_id)
    return store.story(story_id) if story_id else None


def context_of(article: Article, start: int, end: int, width: int = 160) -> tuple[str, str, str]:
    """(before, span, after): a claim with some of the text around it."""
    lo = max(0, start - width)
    hi = min(len(article.text), end + width)
    before = article.text[lo:start]
    after = article.text[end:hi]
    return ("…" if lo else "") + before, article.text[start:end], after + ("…" if hi < len(article.text) else "")


def marked_segments(report: Report, article_id: str) -> list[dict]:
    """An article's text cut into plain and claimed pieces, each claim with its fact and status.

    The side-by-side view highlights each claimed sentence by its fact's status; an
    exclusive claim is a single-source fact. Overlaps keep the earliest, longest claim.
    """
    article = next((a for a in report.articles if a.id == article_id), None)
    if article is None:
        return []
    story = report.stories[0]
    spans = []
    for fact in story.facts:
        for claim in fact.claims:
            if claim.article_id == article_id and claim.end > claim.start:
                spans.append((claim.start, claim.end, fact))
    spans.sort(key=lambda s: (s[0], -s[1]))
    pieces, cursor = [], 0
    for start, end, fact in spans:
        if start < cursor:
            continue
        if start > cursor:
            pieces.append({"text": article.text[cursor:start]})
        status = "exclusive" if fact.status == "single_source" else fact.status
        pieces.append({"text": article.text[start:end], "fact_id": fact.id, "status": status})
        cursor = end
    if cursor < len(article.text):
        pieces.append({"text": article.text[cursor:]})
    return pieces


def outlet_view(report: Report, outlet: str) -> dict:
    """What one outlet says in a story: its facts, exclusives, omissions, wording, habits."""
    story = report.stories[0]
    view = next((o for o in story.outlets if o.outlet == outlet), None)
    if view is None:
        raise NotFound(f"no outlet {outlet!r} in story {story.id}")
    facts = {f.id: f for f in story.facts}

    def rows(ids) -> list[dict]:
        return [{"id": i, "text": facts[i].text, "status": facts[i].status} for i in ids if i in facts]

    return {
        "story_id": story.id, "story_title": story.title, "outlet": outlet,
        "articles": [{"id": a.id, "title": a.title or a.source} for a in report.articles if a.outlet == outlet],
        "facts": rows(view.fact_ids), "exclusive": rows(view.exclusive_fact_ids),
        "omitted": rows(view.omitted_fact_ids), "wording": {k: list(v) for k, v in view.wording.items()},
        "attributed_share": view.attributed_share, "cue_verbs": dict(view.cue_verbs),
    }


def entity_view(report: Report, name: str) -> dict:
    """One person, organisation or place of a story: mentions per outlet, what it said, its facts."""
    from storylens.report.views import quotes_by_entity

    story = report.stories[0]
    entity = next((e for e in story.entities if e.name == name), None)
    if entity is None:
        raise NotFound(f"no entity {name!r} in story {story.id}")
    outlets = {a.id: a.outlet for a in report.articles}
    quotes = next((q for e, q in quotes_by_entity(story, limit=len(story.entities)) if e.name == name), [])
    names = {entity.name, *entity.aliases}
    facts = [{"id": f.id, "text": f.text, "status": f.status} for f in story.facts
             if any(names & set(c.entities) for c in f.claims)]
    return {
        "story_id": story.id, "story_title": story.title, "name": entity.name, "type": entity.type,
        "aliases": list(entity.aliases), "mentions_by_outlet": dict(entity.mentions_by_outlet),
        "quotes": [{"text": q.text, "cue": q.cue, "direct": q.direct, "polarity": q.polarity,
                    "article_id": q.article_id, "outlet": outlets.get(q.article_id, "?")} for q in quotes],
        "facts": facts,
    }
