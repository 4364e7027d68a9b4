"""Synthesise the cited digest of one story (issue 6).

The package: ``settings`` (SynthSettings), ``candidates`` (source sentences that may
enter the digest), ``ranking`` (features, ranker, selection), ``digest`` (citations,
templates, build_summary), ``sections`` (timeline, places, fallbacks); each public
name is re-exported here. Contract:

    synthesize_story(group, articles, annotations, comparison, *, summary_words=120) -> Story

The digest is extractive on purpose: every summary sentence is a source
sentence verbatim, cited to its own span and to the claims of every other
article that carries the same fact, so a reader can check each line. The only
text not taken from a source is a clearly marked template stating a dispute
or conflict ("Disputed: A says ...; B denies it: ..."), which cites the very
claims it quotes.

Sentences are ranked by a small learned model (gradient-boosted trees shipped
as data/summary_ranker.json, evaluated with numpy) over what storylens knows of
each sentence: position in its article, centrality, support from the other
articles, corroboration by independent outlets, the comparison's fact
importance, named entities, numbers, dates, attribution, quotes and asides
(see FEATURES). It was fitted offline by scripts/fit_summary_ranker.py on
Multi-News clusters 0-124 to predict how much of a sentence a human summary
repeats; clusters 125-249 are held out (bench/RESULTS.md). Redundancy is
removed by maximal marginal relevance. When alignment produced no facts, the
same ranking runs on sentences alone; without the model file, session 1's hand
weights (``hand_scores``) are used.
"""

from __future__ import annotations

from collections.abc import Mapping

from storylens.records import Annotation, Article, Comparison, Story, StoryGroup
from storylens.synthesize.candidates import (
    MAX_WORDS,
    MIN_WORDS,
    Candidate,
    collect_candidates,
    tight_fact_ids,
)

# private helpers stay importable from the package (the tests check them one by one)
from storylens.synthesize.digest import _unquoted as _unquoted
from storylens.synthesize.digest import _without_dateline as _without_dateline
from storylens.synthesize.digest import (
    build_summary,
    conflict_template,
)
from storylens.synthesize.ranking import (
    FEATURES,
    RANKER_FILE,
    Ranker,
    candidate_features,
    hand_scores,
    load_ranker,
    score_candidates,
    select_candidates,
)
from storylens.synthesize.sections import (
    build_places,
    build_timeline,
    fallback_entities,
    fallback_outlets,
    fallback_quotes,
)
from storylens.synthesize.settings import (
    DEFAULT_SETTINGS,
    SynthSettings,
)

__all__ = [
    "Candidate",
    "DEFAULT_SETTINGS",
    "FEATURES",
    "MAX_WORDS",
    "MIN_WORDS",
    "RANKER_FILE",
    "Ranker",
    "SynthSettings",
    "build_places",
    "build_summary",
    "build_timeline",
    "candidate_features",
    "collect_candidates",
    "conflict_template",
    "fallback_entities",
    "fallback_outlets",
    "fallback_quotes",
    "hand_scores",
    "load_ranker",
    "score_candidates",
    "select_candidates",
    "synthesize_story",
    "tight_fact_ids",
]


def synthesize_story(
    group: StoryGroup,
    articles: Mapping[str, Article],
    annotations: Mapping[str, Annotation],
    comparison: Comparison,
    *,
    summary_words: int = 120,
    settings: SynthSettings | None = None,
) -> Story:
    """The whole dossier of one story: digest, facts, timeline, places, people, outlets."""
    settings = DEFAULT_SETTINGS if settings is None else settings
    article_ids = [a for a in group.article_ids if a in articles]
    facts = tuple(sorted(comparison.facts, key=lambda f: (-f.importance, f.id)))
    return Story(
        id=group.id,
        title=group.title,
        article_ids=group.article_ids,
        summary=build_summary(article_ids, articles, annotations, facts, summary_words, settings=settings),
        facts=facts,
        timeline=build_timeline(article_ids, articles, annotations, facts, settings),
        places=build_places(article_ids, annotations),
        entities=comparison.entities or fallback_entities(article_ids, articles, annotations),
        quotes=comparison.quotes or fallback_quotes(article_ids, annotations),
        outlets=comparison.outlets or fallback_outlets(article_ids, articles),
        grouping=group.reasons,
    )
