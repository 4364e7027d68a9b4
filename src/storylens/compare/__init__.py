"""Compare outlets over aligned claims (issue 5, SPEC 2.6).

The package: ``conflicts`` (number, date, place and negation checks; denial
targets), ``facts`` (facts from an alignment), ``outlets`` (quotes, entities,
per-outlet views); compare_story runs them over one story. Contract:

    compare_story(group, articles, annotations, *, sub_events=None, settings=None) -> Comparison
        facts (with status, outlets, independent_outlets, claims, conflicts),
        quotes, entities and per-outlet views for one story.

Status rules, in order:
- ``disputed``: a party denies the fact ("X denied Y" disputes Y), in the same
  sentence, the same article or another one;
- ``conflicting``: claims of one fact disagree on a number, a date or a place,
  or one negates what another states;
- ``corroborated``: at least two *independent* outlets assert it (syndicated
  copies count once: an outlet's independence unit is its syndication group);
- ``single_source`` otherwise.
A reported claim ("X said Y") supports Y as something X said; a denial never
counts as support.
"""

from __future__ import annotations

from collections.abc import Mapping

from storylens.align import AlignSettings, EntityIndex, align_claims, extract_claims
from storylens.align.languages import link_across_languages, mixes_languages
from storylens.align.propositions import (
    DEFAULT_PROPOSITIONS,
    PropositionSettings,
    align_propositions,
)
from storylens.compare.conflicts import (
    DEFAULT_SETTINGS,
    GENERIC_COUNTED,
    NEGATION,
    CompareSettings,
    denial_content,
    judged_conflicts,
    merge_conflicting,
    story_slot_conflicts,
    story_title_conflicts,
)

# private helpers stay importable from the package (the tests check them one by one)
from storylens.compare.conflicts import _contradiction as _contradiction
from storylens.compare.conflicts import _date_conflict as _date_conflict
from storylens.compare.conflicts import _number_conflict as _number_conflict
from storylens.compare.conflicts import _place_conflict as _place_conflict
from storylens.compare.conflicts import _same_side as _same_side
from storylens.compare.conflicts import _shares_a_count as _shares_a_count
from storylens.compare.facts import _drop_contained_facts as _drop_contained_facts
from storylens.compare.facts import _facts, fact_id, independence_unit
from storylens.compare.facts import _merge_identical_claims as _merge_identical_claims
from storylens.compare.facts import _representative as _representative
from storylens.compare.outlets import TITLE, _entities, _outlet_views, _quotes, mention_terms
from storylens.records import Annotation, Article, Claim, Comparison, StoryGroup

__all__ = [
    "DEFAULT_SETTINGS",
    "GENERIC_COUNTED",
    "NEGATION",
    "TITLE",
    "CompareSettings",
    "analysed_articles",
    "compare_story",
    "denial_content",
    "fact_id",
    "independence_unit",
    "mention_terms",
]


def compare_story(
    group: StoryGroup,
    articles: Mapping[str, Article],
    annotations: Mapping[str, Annotation],
    *,
    embedder=None,
    sub_events: Mapping[str, int] | None = None,
    align_settings: AlignSettings | None = None,
    settings: CompareSettings | None = None,
    propositions: PropositionSettings = DEFAULT_PROPOSITIONS,
) -> Comparison:
    """Align the story's claims into facts and compare its outlets.

    ``sub_events`` labels which event each article reports when the story mixes
    two events of a kind (group.sub_events over ``story_articles``); claims of
    articles about different events are not one fact. None: one event.
    ``settings``: the comparison's tunable numbers (CompareSettings; None: today's).
    """
    story_articles = analysed_articles(group, articles)
    story_annotations = {a.id: annotations.get(a.id, Annotation()) for a in story_articles}
    entity_index = EntityIndex.build(story_annotations.values())
    claims: list[Claim] = []
    for article in story_articles:
        claims.extend(extract_claims(article, story_annotations[article.id], entity_index))
    places = {p.name: p for ann in story_annotations.values() for p in ann.places}
    settings = DEFAULT_SETTINGS if settings is None else settings
    if not claims:  # nothing to align: e.g. a story of one article in a language read as sentences only
        facts = []
    elif settings.facts == "propositions":
        alignment = align_propositions(claims, articles, places=places, embedder=embedder, settings=propositions)
        # claims not in English join the facts they state by a multilingual model (issue 18)
        across = link_across_languages(alignment, articles) if mixes_languages(claims, articles) else []
        # a story's slots (the dead, the displaced, an age) first: they are one thing by definition
        quantities = {a: ann.quantities for a, ann in story_annotations.items()}
        conflicts = story_slot_conflicts(alignment, sub_events, settings, quantities)
        conflicts += story_title_conflicts(alignment, sub_events)
        conflicts += judged_conflicts(alignment, places, settings, quantities)
        conflicts += across
        merge_conflicting(alignment, conflicts)
        facts = _facts(alignment, articles, places, settings)
    else:
        alignment = align_claims(
            claims, articles, embedder=embedder, places=places, events=sub_events, settings=align_settings
        )
        facts = _facts(alignment, articles, places, settings)
    quotes = _quotes(story_articles, story_annotations)
    entities = _entities(story_articles, story_annotations, entity_index)
    outlets = _outlet_views(story_articles, facts, claims, story_annotations, entity_index)
    return Comparison(facts=tuple(facts), quotes=quotes, entities=entities, outlets=outlets)


def analysed_articles(group: StoryGroup, articles: Mapping[str, Article]) -> list[Article]:
    """The story's articles that compare reads, in story order.

    Exact duplicates carry nothing new: only the first copy is kept.
    """
    story_articles = [articles[i] for i in group.article_ids if i in articles]
    return [a for a in story_articles if not (a.duplicate_of and a.duplicate_of in articles)] or story_articles
