"""What each outlet says and how: quotes, entities across outlets, mention terms, per-outlet views."""


from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence

from storylens.align import (
    NON_REFERENT_LABELS,
    EntityIndex,
)
from storylens.compare.facts import independence_unit
from storylens.records import (
    Annotation,
    Article,
    Claim,
    EntitySummary,
    Fact,
    OutletView,
    Quote,
)

__all__ = [
    "TITLE",
    "mention_terms",
]


def _quotes(articles: Sequence[Article], annotations: Mapping[str, Annotation]) -> tuple[Quote, ...]:
    quotes = []
    for article in articles:
        for attribution in annotations[article.id].attributions:
            content = attribution.content
            if content.end <= content.start:
                continue
            quotes.append(
                Quote(
                    speaker=attribution.speaker or (attribution.source.text if attribution.source else None),
                    cue=attribution.cue.text.strip(),
                    text=article.text[content.start : content.end],
                    direct=attribution.direct,
                    article_id=article.id,
                    start=content.start,
                    end=content.end,
                    polarity=attribution.polarity,
                    kind=attribution.kind,
                )
            )
    return tuple(quotes)


def _entities(
    articles: Sequence[Article], annotations: Mapping[str, Annotation], index: EntityIndex
) -> tuple[EntitySummary, ...]:
    aliases: dict[str, set[str]] = defaultdict(set)
    by_outlet: dict[str, Counter[str]] = defaultdict(Counter)
    for article in articles:
        for entity in annotations[article.id].entities:
            if entity.label in NON_REFERENT_LABELS:
                continue
            name = index.of(entity)
            if not name:
                continue
            aliases[name].add(entity.text.strip())
            by_outlet[name][article.outlet] += 1
    order = sorted(aliases, key=lambda n: (-sum(by_outlet[n].values()), n))
    return tuple(
        EntitySummary(
            name=name,
            type=index.label.get(name, "MISC"),
            aliases=tuple(sorted(a for a in aliases[name] if a != name)),
            mentions_by_outlet=dict(sorted(by_outlet[name].items())),
        )
        for name in order
    )


TITLE = (
    r"ambassador|envoy|spokesman|spokeswoman|spokesperson|president|general|minister|secretary|"
    r"governor|commander|chairman|diplomat|official|leader|chief|strongman|warlord|correspondent"
)
_TITLE_BEFORE = re.compile(
    r"(?<![\w-])((?:(?:[A-Z][\w.\-]*|special|press|top|former|foreign|deputy|senior|army|defence|defense)[ \t]+){0,3}"
    r"(?i:" + TITLE + r"))[ \t]*,?[ \t]*$",
)
_APPOSITIVE = re.compile(r"(?:^|[.;:“\"\n][ \t]*|\b(?:that|said|and|while|with)[ \t]+)((?:The|the|A|a|An|an)[ \t]+[^,.;“”\"\n]{3,70}),[ \t]*$")
_DESCRIPTOR_AFTER = re.compile(
    r"^[ \t]+(movement|militants|fighters|group|forces|government|administration|officials|insurgents|rebels)\b"
)


def mention_terms(text: str, start: int, end: int) -> list[str]:
    """What an outlet calls a referent at one mention: the name, with its title
    ("Ambassador Khalilzad"), apposition ("The United States diplomat to
    Afghanistan") or descriptor ("Taliban movement")."""
    name = text[start:end].strip()
    terms = [name]
    before = text[max(0, start - 80) : start]
    appositive = _APPOSITIVE.search(before)
    if appositive and re.search(TITLE, appositive.group(1), re.I):
        terms.append(appositive.group(1).strip())  # "The regional governor, Maria Okafor"
    elif match := _TITLE_BEFORE.search(before):
        terms.append(f"{match.group(1).strip()} {name}")  # "Governor Okafor"
    if match := _DESCRIPTOR_AFTER.match(text[end : end + 30]):
        terms.append(f"{name} {match.group(1)}")
    return terms


def _outlet_views(
    articles: Sequence[Article],
    facts: Sequence[Fact],
    claims: Sequence[Claim],
    annotations: Mapping[str, Annotation],
    index: EntityIndex,
) -> tuple[OutletView, ...]:
    unit_of_outlet: dict[str, set[str]] = defaultdict(set)
    article_by_id = {a.id: a for a in articles}
    for article in articles:
        unit_of_outlet[article.outlet].add(independence_unit(article))
    all_units = {u for units in unit_of_outlet.values() for u in units}
    fact_units = {
        f.id: {independence_unit(article_by_id[c.article_id]) for c in f.claims if c.article_id in article_by_id}
        for f in facts
    }
    # wording: the surface forms each outlet uses for referents several outlets share
    terms: dict[str, dict[str, Counter[str]]] = defaultdict(lambda: defaultdict(Counter))
    for article in articles:
        for entity in annotations[article.id].entities:
            name = index.of(entity)
            if name:
                for term in mention_terms(article.text, entity.start, entity.end):
                    terms[name][article.outlet][term] += 1
    # only referents the outlets name differently say something about wording
    worded_differently = {
        name
        for name, per_outlet in terms.items()
        if len(per_outlet) >= 2 and len({frozenset(c) for c in per_outlet.values()}) >= 2
    }
    outlet_facts: dict[str, set[str]] = defaultdict(set)
    for f in facts:
        for c in f.claims:
            if c.article_id in article_by_id:
                outlet_facts[article_by_id[c.article_id].outlet].add(f.id)
    views = []
    for outlet in sorted(unit_of_outlet):
        own_units = unit_of_outlet[outlet]
        others = all_units - own_units
        carried = [f for f in facts if f.id in outlet_facts[outlet]]
        exclusive = [f for f in carried if fact_units[f.id] <= own_units]
        omitted = [
            f
            for f in facts
            if f.id not in outlet_facts[outlet]
            and len(fact_units[f.id] & others) >= 2
            and len(fact_units[f.id] & others) > len(others) / 2
        ]
        outlet_claims = [c for c in claims if c.article_id in article_by_id and article_by_id[c.article_id].outlet == outlet]
        attributed = [c for c in outlet_claims if c.attribution is not None and c.attribution.kind != "other"]
        cues = Counter(c.attribution.cue.lower() for c in attributed)
        wording = {
            name: tuple(t for t, _ in per_outlet[outlet].most_common())
            for name, per_outlet in sorted(terms.items())
            if outlet in per_outlet and name in worded_differently
        }
        views.append(
            OutletView(
                outlet=outlet,
                fact_ids=tuple(f.id for f in carried),
                exclusive_fact_ids=tuple(f.id for f in exclusive),
                omitted_fact_ids=tuple(f.id for f in omitted),
                wording=wording,
                attributed_share=round(len(attributed) / len(outlet_claims), 3) if outlet_claims else None,
                cue_verbs=dict(sorted(cues.items(), key=lambda kv: (-kv[1], kv[0]))),
            )
        )
    return tuple(views)
