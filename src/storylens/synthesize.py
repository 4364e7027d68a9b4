"""Synthesise the cited digest of one story (issue 6). Contract:

    synthesize_story(group, articles, annotations, comparison, *, summary_words=120) -> Story
"""

from __future__ import annotations

from collections.abc import Mapping

from storylens.records import Annotation, Article, Comparison, Story, StoryGroup


def synthesize_story(
    group: StoryGroup,
    articles: Mapping[str, Article],
    annotations: Mapping[str, Annotation],
    comparison: Comparison,
    *,
    summary_words: int = 120,
) -> Story:
    return Story(
        id=group.id,
        title=group.title,
        article_ids=group.article_ids,
        facts=comparison.facts,
        quotes=comparison.quotes,
        entities=comparison.entities,
        outlets=comparison.outlets,
        grouping=group.reasons,
    )
