"""Resolve place mentions to coordinates, offline.

Each mention has gazetteer candidates; we prefer (1) places in the countries
the article is about (countries it names, and the countries of unambiguous
places it names), (2) places in the regions it names (US states: "Lewiston" in a
story that names Idaho is Lewiston, Idaho, not the larger Lewiston, Maine), (3) places
near other places it names (a story that names Boise), (4) larger places. A named
region weighs at most a tenfold population, so it breaks near-ties only.
"""

from __future__ import annotations

import math
import re
from collections import Counter

from storylens.annotate.gazetteer import GeoPlace, load_gazetteer
from storylens.lexicon.regions import AP_STATES

# At most this much (log10 of population: a tenfold size) for being in a region the article
# names: enough to pick Lewiston, Idaho (32,500) over Lewiston, Maine (36,200) in an Idaho
# story; a city's region is not counted (a film review naming Chicago would otherwise, with
# the nearness bonus, move "Washington" to Washington, Illinois).
REGION_WEIGHT = 1.0


def candidates_for(name: str) -> tuple[GeoPlace, ...]:
    index = load_gazetteer()
    found = index.get(name)
    if found:
        return found
    for variant in (name.removeprefix("the ").removeprefix("The "), name.rstrip(".")):
        if variant in index:
            return index[variant]
    return ()


# ", Colorado", ", Colo.", ", Texas", ", France" right after a place name: up to three capitalised words.
_QUALIFIER = re.compile(r",\s+((?:[A-Z][\w.]*)(?:\s+[A-Z][\w.]*){0,2})")


def within_qualifier(text: str, end: int, candidates: tuple[GeoPlace, ...]) -> tuple[GeoPlace, ...]:
    """The candidates inside the US state or country named right after the mention ("Woodland
    Park, Colorado" is not Woodland Park, New Jersey; "Paris, Texas" is not Paris, France);
    all of them when nothing qualifies it or none lies there."""
    found = _QUALIFIER.match(text, end)
    if len(candidates) < 2 or not found:
        return candidates
    words = found.group(1).split()
    for size in range(len(words), 0, -1):  # "New Mexico" before "New"
        within = _regions_named(" ".join(words[:size]))
        if within:
            kept = tuple(c for c in candidates if c.country in within or _region(c) in within)
            return kept or candidates
    return candidates


def _regions_named(name: str) -> set:
    """Country codes and (country, state) pairs a qualifier names."""
    if name in AP_STATES:
        return {("US", AP_STATES[name])}
    named: set = set()
    for place in candidates_for(name):
        if place.kind == "country" and place.country:
            named.add(place.country)
        elif place.kind == "admin1" and _region(place):
            named.add(_region(place))
    return named


def _region(place: GeoPlace) -> tuple[str, str] | None:
    """(country, first-level region) of a place, None when unknown."""
    if not place.country:
        return None
    return (place.country, place.admin1) if place.admin1 else None


def _located(place: GeoPlace) -> bool:
    """Whether a place has coordinates (a country whose capital the gazetteer lacks carries 0, 0)."""
    return not (place.lat == 0.0 and place.lon == 0.0)


def _anchors_nearness(place: GeoPlace) -> bool:
    """A named place that makes towns near it likelier: located, and not a state (its point is
    the middle of its people, not a place the story is near; its towns get the region's weight)."""
    return _located(place) and place.kind != "admin1"


def _distance_km(a: GeoPlace, b: GeoPlace) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (a.lat, a.lon, b.lat, b.lon))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 6371.0 * 2 * math.asin(math.sqrt(min(1.0, h)))


def resolve_places(mention_candidates: list[tuple[GeoPlace, ...]]) -> list[GeoPlace | None]:
    """Pick one candidate per mention, using the whole article as context."""
    countries: Counter[str] = Counter()
    regions: Counter[tuple[str, str]] = Counter()
    anchors: list[GeoPlace] = []
    for candidates in mention_candidates:
        if not candidates:
            continue
        if candidates[0].kind == "admin1" and len({_region(c) for c in candidates}) == 1 and _region(candidates[0]):
            regions[_region(candidates[0])] += 1  # a state the article names ("Idaho")
        if candidates[0].kind == "country" and candidates[0].country:
            countries[candidates[0].country] += 2
        elif len({c.country for c in candidates}) == 1 and candidates[0].country:
            countries[candidates[0].country] += 1
            if _anchors_nearness(candidates[0]):
                anchors.append(candidates[0])
        elif candidates[0].population >= 10 * max(1, candidates[1].population if len(candidates) > 1 else 0):
            if _anchors_nearness(candidates[0]):
                anchors.append(candidates[0])
    total = sum(countries.values()) or 1
    region_total = sum(regions.values()) or 1
    chosen: list[GeoPlace | None] = []
    for candidates in mention_candidates:
        if not candidates:
            chosen.append(None)
            continue
        if len(candidates) == 1:
            chosen.append(candidates[0])
            continue

        ambiguous_region = len({_region(c) for c in candidates}) > 1

        def score(place: GeoPlace, ambiguous_region: bool = ambiguous_region) -> float:
            value = math.log10(max(place.population, 10))
            if place.kind == "country":
                value += 2.0
            value += 4.0 * countries.get(place.country or "", 0) / total
            region = _region(place)
            if region is not None and ambiguous_region:
                value += REGION_WEIGHT * regions.get(region, 0) / region_total
            if anchors:
                nearest = min(_distance_km(place, a) for a in anchors if a.geonameid != place.geonameid) \
                    if any(a.geonameid != place.geonameid for a in anchors) else 1e4
                if nearest < 300:
                    value += 1.5
                elif nearest < 1000:
                    value += 0.5
            return value

        chosen.append(max(candidates, key=lambda p: (score(p), -p.geonameid)))
    return chosen
