"""The story's other sections: timeline, places, and entities, quotes and outlets when compare gave none."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence

from storylens.records import (
    Annotation,
    Article,
    Citation,
    EntitySummary,
    Fact,
    OutletView,
    PlaceSummary,
    Quote,
    TimelineEntry,
)
from storylens.synthesize.candidates import (
    _ISO_DATE,
    _fact_index,
    _facts_in,
    _sentences_of,
    tight_fact_ids,
)
from storylens.synthesize.settings import DEFAULT_SETTINGS, SynthSettings

# --------------------------------------------------------------------------- timeline


__all__ = [
    "build_places",
    "build_timeline",
    "fallback_entities",
    "fallback_outlets",
    "fallback_quotes",
]


def _sentence_at(spans: list[tuple[int, int, str]], start: int, end: int) -> tuple[int, int, str] | None:
    for s_start, s_end, text in spans:
        if s_start <= start and end <= s_end:
            return s_start, s_end, text
    for s_start, s_end, text in spans:
        if min(end, s_end) > max(start, s_start):
            return s_start, s_end, text
    return None


def build_timeline(
    article_ids: Sequence[str],
    articles: Mapping[str, Article],
    annotations: Mapping[str, Annotation],
    facts: Sequence[Fact],
    settings: SynthSettings = DEFAULT_SETTINGS,
) -> tuple[TimelineEntry, ...]:
    """Dated facts: every resolved time expression, attached to its fact or sentence."""
    claims_by_article = _fact_index(facts)
    tight = tight_fact_ids(facts)
    entries: dict[tuple, dict] = {}
    for article_id in article_ids:
        article = articles.get(article_id)
        annotation = annotations.get(article_id)
        if article is None or annotation is None or article.duplicate_of:
            continue
        spans = _sentences_of(article, annotation)
        for time in annotation.times:
            if not time.value or not _ISO_DATE.match(time.value):
                continue
            end_value = time.end_value if time.end_value and _ISO_DATE.match(time.end_value) else None
            if end_value == time.value:
                end_value = None
            sentence = _sentence_at(spans, time.start, time.end)
            if sentence is None:
                continue
            s_start, s_end, s_text = sentence
            fact_ids = _facts_in(s_start, s_end, claims_by_article.get(article_id, []))
            merge_on = next((f for f in fact_ids if f in tight), None)
            key = (time.value, end_value, merge_on or s_text.lower())
            entry = entries.setdefault(key, {"text": s_text, "fact_ids": tuple(fact_ids), "citations": []})
            citation = Citation(article_id=article_id, start=s_start, end=s_end)
            if citation not in entry["citations"]:
                entry["citations"].append(citation)
    ranked = sorted(entries.items(), key=lambda kv: (-len(kv[1]["citations"]), kv[0][0]))
    kept = ranked[: settings.max_timeline]
    kept.sort(key=lambda kv: (kv[0][0], kv[0][1] or "", -len(kv[1]["citations"])))
    return tuple(
        TimelineEntry(
            date=date,
            end_date=end_date,
            text=entry["text"],
            fact_ids=entry["fact_ids"],
            citations=tuple(entry["citations"]),
        )
        for (date, end_date, _), entry in kept
    )


# --------------------------------------------------------------------------- places, entities, quotes


def build_places(
    article_ids: Sequence[str], annotations: Mapping[str, Annotation]
) -> tuple[PlaceSummary, ...]:
    """One entry per resolved place, with how often and where it is mentioned."""
    found: dict[tuple, dict] = {}
    for article_id in article_ids:
        annotation = annotations.get(article_id)
        if annotation is None:
            continue
        for place in annotation.places:
            key = (place.geonameid,) if place.geonameid else (place.name, round(place.lat, 2), round(place.lon, 2))
            entry = found.setdefault(
                key,
                {"name": place.name, "lat": place.lat, "lon": place.lon, "country": place.country,
                 "mentions": 0, "article_ids": []},
            )
            entry["mentions"] += 1
            if article_id not in entry["article_ids"]:
                entry["article_ids"].append(article_id)
    places = [
        PlaceSummary(
            name=e["name"], lat=e["lat"], lon=e["lon"], country=e["country"],
            mentions=e["mentions"], article_ids=tuple(e["article_ids"]),
        )
        for e in found.values()
    ]
    places.sort(key=lambda p: (-p.mentions, p.name))
    return tuple(places)


_NAMED_LABELS = {"PERSON", "ORG", "NORP", "GPE", "LOC", "FAC", "EVENT"}


def fallback_entities(
    article_ids: Sequence[str], articles: Mapping[str, Article], annotations: Mapping[str, Annotation]
) -> tuple[EntitySummary, ...]:
    """Entities straight from the annotations when the comparison has none."""
    mentions: dict[tuple[str, str], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    aliases: dict[tuple[str, str], set[str]] = defaultdict(set)
    for article_id in article_ids:
        article, annotation = articles.get(article_id), annotations.get(article_id)
        if article is None or annotation is None:
            continue
        for entity in annotation.entities:
            if entity.label not in _NAMED_LABELS:
                continue
            key = (entity.canonical, entity.label)
            mentions[key][article.outlet] += 1
            if entity.text != entity.canonical:
                aliases[key].add(entity.text)
    summaries = [
        EntitySummary(
            name=name, type=label, aliases=tuple(sorted(aliases[(name, label)])),
            mentions_by_outlet=dict(sorted(counts.items())),
        )
        for (name, label), counts in mentions.items()
    ]
    summaries.sort(key=lambda e: (-sum(e.mentions_by_outlet.values()), e.name))
    return tuple(summaries)


def fallback_quotes(
    article_ids: Sequence[str], annotations: Mapping[str, Annotation]
) -> tuple[Quote, ...]:
    """Quotes straight from the annotations' attributions when the comparison has none."""
    quotes = []
    for article_id in article_ids:
        annotation = annotations.get(article_id)
        if annotation is None:
            continue
        for attribution in annotation.attributions:
            quotes.append(
                Quote(
                    speaker=attribution.speaker or (attribution.source.text if attribution.source else None),
                    cue=attribution.cue.text,
                    text=attribution.content.text,
                    direct=attribution.direct,
                    article_id=article_id,
                    start=attribution.content.start,
                    end=attribution.content.end,
                    polarity=attribution.polarity,
                )
            )
    return tuple(quotes)


def fallback_outlets(
    article_ids: Sequence[str], articles: Mapping[str, Article]
) -> tuple[OutletView, ...]:
    outlets = sorted({articles[a].outlet for a in article_ids if a in articles})
    return tuple(OutletView(outlet=o) for o in outlets)


