"""Group articles into stories (same real-world events).

Owned by the grouping work (issue 4). Contract:

    group_articles(articles, annotations, *, store=None) -> list[StoryGroup]
        deterministic and independent of input order; applies the user's
        merge/split corrections kept in the store.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence

from storylens.records import Annotation, Article, GroupingReason, StoryGroup


def story_id(article_ids: Sequence[str]) -> str:
    return "s-" + hashlib.sha256("\x00".join(sorted(article_ids)).encode()).hexdigest()[:10]


def one_story(articles: Sequence[Article]) -> StoryGroup:
    ids = tuple(sorted(a.id for a in articles))
    title = next((a.title for a in articles if a.title), "Story")
    return StoryGroup(
        id=story_id(ids),
        title=title,
        article_ids=ids,
        reasons=tuple(GroupingReason(article_id=i, score=1.0) for i in ids),
    )


def group_articles(
    articles: Sequence[Article], annotations: Mapping[str, Annotation], *, store=None
) -> list[StoryGroup]:
    return [one_story(articles)] if articles else []
