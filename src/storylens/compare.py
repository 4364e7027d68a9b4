"""Align claims into facts and compare outlets (issues 5). Contract:

    compare_story(group, articles, annotations) -> Comparison
        facts (with status, outlets, independent_outlets, claims, conflicts),
        quotes, entities and per-outlet views for one story.
"""

from __future__ import annotations

from collections.abc import Mapping

from storylens.records import Annotation, Article, Comparison, StoryGroup


def compare_story(
    group: StoryGroup, articles: Mapping[str, Article], annotations: Mapping[str, Annotation]
) -> Comparison:
    return Comparison()
