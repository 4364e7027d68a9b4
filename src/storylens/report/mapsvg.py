"""An offline map of a story's places: an inline SVG, no tiles, no network.

Country outlines come from the Natural Earth-derived GeoJSON that the
``countryinfo`` package ships (MIT); only the countries that touch the region
of the story's places are drawn. The projection is equirectangular with the
horizontal scale corrected by cos(mid-latitude), which keeps a regional map's
shapes recognisable without any projection library.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from functools import lru_cache
from html import escape

from storylens.records import PlaceSummary

WIDTH = 800
MIN_SPAN_DEG = 12.0  # never zoom closer than this: a lone city still shows its country
PAD_FRACTION = 0.25
MAX_LABELS = 25

Ring = list[tuple[float, float]]


@lru_cache(maxsize=1)
def country_outlines() -> tuple[tuple[str, str, tuple[float, float] | None, tuple[Ring, ...]], ...]:
    """(name, ISO alpha-2, label position, outer rings) for every country with a shape."""
    try:
        from countryinfo import all_countries
    except ImportError:  # the map degrades to points without outlines
        return ()
    outlines = []
    for country in all_countries():
        try:
            geo = country.geo_json()
            name = country.name()
            iso = (country.iso() or {}).get("alpha2", "")
            latlng = country.latlng()
        except Exception:  # a country record without a shape or codes
            continue
        rings: list[Ring] = []
        for feature in (geo or {}).get("features", []):
            geometry = feature.get("geometry") or {}
            polygons = geometry.get("coordinates", [])
            if geometry.get("type") == "Polygon":
                polygons = [polygons]
            elif geometry.get("type") != "MultiPolygon":
                continue
            for polygon in polygons:
                if polygon:
                    rings.append([(float(x), float(y)) for x, y in polygon[0]])
        if rings:
            label = (float(latlng[0]), float(latlng[1])) if latlng and len(latlng) == 2 else None
            outlines.append((str(name).title(), iso, label, tuple(rings)))
    return tuple(outlines)


def _bounds(places: Sequence[PlaceSummary]) -> tuple[float, float, float, float]:
    """(west, south, east, north) around the places, padded and never too small."""
    lons = [p.lon for p in places]
    lats = [p.lat for p in places]
    west, east, south, north = min(lons), max(lons), min(lats), max(lats)
    lon_span = max(east - west, MIN_SPAN_DEG)
    lat_span = max(north - south, MIN_SPAN_DEG * 0.6)
    mid_lon, mid_lat = (west + east) / 2, (south + north) / 2
    lon_span *= 1 + 2 * PAD_FRACTION
    lat_span *= 1 + 2 * PAD_FRACTION
    west, east = mid_lon - lon_span / 2, mid_lon + lon_span / 2
    south, north = max(-85.0, mid_lat - lat_span / 2), min(85.0, mid_lat + lat_span / 2)
    return max(-180.0, west), south, min(180.0, east), north


def render_map(places: Sequence[PlaceSummary], *, title: str = "Places in this story") -> str:
    """The SVG markup (safe to inline in HTML); an empty string when there are no places."""
    places = [p for p in places if -90 <= p.lat <= 90 and -180 <= p.lon <= 180]
    if not places:
        return ""
    west, south, east, north = _bounds(places)
    x_scale = math.cos(math.radians((south + north) / 2))
    unit = WIDTH / max((east - west) * x_scale, 1e-6)
    height = max(200, min(900, round((north - south) * unit)))
    unit_y = height / (north - south)

    def project(lon: float, lat: float) -> tuple[float, float]:
        return (lon - west) * x_scale * unit, (north - lat) * unit_y

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="map" viewBox="0 0 {WIDTH} {height}" '
        f'role="img" aria-labelledby="map-title">',
        f'<title id="map-title">{escape(title)}</title>',
        f'<rect class="sea" x="0" y="0" width="{WIDTH}" height="{height}"/>',
    ]
    touched = {p.country for p in places if p.country}
    labels = []
    for name, iso, label, rings in country_outlines():
        visible = [
            ring
            for ring in rings
            if not (
                max(x for x, _ in ring) < west
                or min(x for x, _ in ring) > east
                or max(y for _, y in ring) < south
                or min(y for _, y in ring) > north
            )
        ]
        if not visible:
            continue
        path = " ".join(
            "M" + "L".join(f"{x:.1f},{y:.1f}" for x, y in (project(lon, lat) for lon, lat in ring)) + "Z"
            for ring in visible
        )
        css = "land story-country" if iso in touched else "land"
        parts.append(f'<path class="{css}" d="{path}"><title>{escape(name)}</title></path>')
        if label and west <= label[1] <= east and south <= label[0] <= north:
            x, y = project(label[1], label[0])
            labels.append(f'<text class="country-label" x="{x:.1f}" y="{y:.1f}">{escape(name)}</text>')
    parts.extend(labels)
    biggest = max(p.mentions for p in places) or 1
    for rank, place in enumerate(sorted(places, key=lambda p: (-p.mentions, p.name))):
        x, y = project(place.lon, place.lat)
        radius = 4 + 6 * math.sqrt(max(place.mentions, 1) / biggest)
        mentions = f"{place.mentions} mention{'s' if place.mentions != 1 else ''}"
        parts.append(
            f'<g class="place" data-name="{escape(place.name)}">'
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{radius:.1f}">'
            f"<title>{escape(place.name)} ({place.lat:.2f}, {place.lon:.2f}), {mentions}</title></circle>"
        )
        if rank < MAX_LABELS:
            parts.append(
                f'<text class="place-label" x="{x + radius + 2:.1f}" y="{y + 4:.1f}">{escape(place.name)}</text>'
            )
        parts.append("</g>")
    parts.append("</svg>")
    return "".join(parts)
