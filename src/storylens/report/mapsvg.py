"""An offline map of a story's places: an inline SVG, no tiles, no network.

Country outlines come from the Natural Earth-derived GeoJSON that the
``countryinfo`` package ships (MIT); only the countries that touch the region
of the story's places are drawn. The projection is equirectangular with the
horizontal scale corrected by cos(mid-latitude), which keeps a regional map's
shapes recognisable without any projection library.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from html import escape

from storylens.records import PlaceSummary

WIDTH = 800
MIN_SPAN_DEG = 12.0  # never zoom closer than this: a lone city still shows its country
PAD_FRACTION = 0.25
MAX_LABELS = 25
FOCUS_RADIUS_DEG = 25.0  # places farther than this from the story's centre are listed, not drawn

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


def _distance_deg(a: PlaceSummary, lat: float, lon: float) -> float:
    return math.hypot((a.lon - lon) * math.cos(math.radians(lat)), a.lat - lat)


def focus_places(
    places: Sequence[PlaceSummary], country_names: set[str]
) -> tuple[list[PlaceSummary], list[PlaceSummary], set[str]]:
    """(points on the map, places left off it, countries to shade).

    A place that is a whole country is shaded, not pinned. The map centres on the
    mention-weighted middle of the points; a far-off place (Washington in a story about
    Kabul) is listed beside the map rather than zooming it out to the whole world.
    """
    countries = {p.name.lower() for p in places if p.name.lower() in country_names}
    points = [p for p in places if p.name.lower() not in country_names] or list(places)
    weights = [max(p.mentions, 1) for p in points]
    order = sorted(range(len(points)), key=lambda i: points[i].lat)
    half, acc, mid_lat = sum(weights) / 2, 0, points[order[0]].lat
    for i in order:
        acc += weights[i]
        if acc >= half:
            mid_lat = points[i].lat
            break
    order = sorted(range(len(points)), key=lambda i: points[i].lon)
    acc, mid_lon = 0, points[order[0]].lon
    for i in order:
        acc += weights[i]
        if acc >= half:
            mid_lon = points[i].lon
            break
    near = [p for p in points if _distance_deg(p, mid_lat, mid_lon) <= FOCUS_RADIUS_DEG]
    far = [p for p in points if p not in near]
    return near or points, far if near else [], countries


@dataclass(frozen=True)
class MapView:
    """The SVG and what it could not show: places off the map, countries not drawn,
    and the places whose marker carries no label at each size (listed beside the map)."""

    svg: str
    off_map: tuple[str, ...] = ()
    unlabelled: tuple[str, ...] = ()  # no label on a wide screen (nor on a narrow one)
    unlabelled_narrow: tuple[str, ...] = ()  # labelled on a wide screen only


# Label sizes in SVG units: the map is 800 units wide, shown at up to ~830 px on a wide
# screen and ~360 px on a phone, where 13 units would be 6 px. Each size gets its own
# collision-free layout; CSS shows the one that fits the screen.
LABEL_SIZES = (("wide", 13.0), ("narrow", 26.0))
CHAR_WIDTH = 0.7  # glyph width of the label font, in ems (measured: bold system-ui runs ~0.68)


def _overlaps(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> bool:
    return not (a[2] <= b[0] or a[0] >= b[2] or a[3] <= b[1] or a[1] >= b[3])


class _LabelLayout:
    """Greedy label placement: a label goes where it overlaps nothing already kept, or is dropped."""

    def __init__(self, size: float, dots: list[tuple[float, float, float]], height: float):
        self.size = size
        self.height = height
        self.taken: list[tuple[float, float, float, float]] = [(x - r, y - r, x + r, y + r) for x, y, r in dots]

    def box(self, x: float, y: float, text: str) -> tuple[float, float, float, float]:
        # the font's full line box (ascender to descender), as the browser measures the text
        return (x, y - 0.95 * self.size, x + CHAR_WIDTH * self.size * len(text), y + 0.3 * self.size)

    def place(self, x: float, y: float, text: str) -> bool:
        box = self.box(x, y, text)
        if box[0] < 0 or box[2] > WIDTH or box[1] < 0 or box[3] > self.height:
            return False
        if any(_overlaps(box, t) for t in self.taken):
            return False
        self.taken.append(box)
        return True


def render_map(
    places: Sequence[PlaceSummary],
    *,
    title: str = "Places in this story",
    links: Mapping[str, str] | None = None,
    map_id: str = "map",
) -> MapView:
    """The SVG markup (safe to inline in HTML) and what it leaves out; an empty view
    when there are no places. ``links`` maps a place name to the href its marker opens
    (the facts that mention it): markers are links, so a tap or the keyboard reaches them."""
    places = [p for p in places if -90 <= p.lat <= 90 and -180 <= p.lon <= 180]
    if not places:
        return MapView("")
    links = links or {}
    outlines = country_outlines()
    names = {name.lower() for name, _, _, _ in outlines}
    points, far, shaded = focus_places(places, names)
    west, south, east, north = _bounds(points)
    x_scale = math.cos(math.radians((south + north) / 2))
    unit = WIDTH / max((east - west) * x_scale, 1e-6)
    height = max(240, min(900, round((north - south) * unit)))
    unit_y = height / (north - south)

    def project(lon: float, lat: float) -> tuple[float, float]:
        return (lon - west) * x_scale * unit, (north - lat) * unit_y

    title_id = f"{map_id}-title"
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="map" viewBox="0 0 {WIDTH} {height}" '
        f'role="group" aria-labelledby="{escape(title_id)}">',
        f'<title id="{escape(title_id)}">{escape(title)}</title>',
        f'<rect class="sea" x="0" y="0" width="{WIDTH}" height="{height}"/>',
    ]
    touched = {p.country for p in points if p.country}
    biggest = max(p.mentions for p in points) or 1
    point_xy = []
    for place in sorted(points, key=lambda p: (-p.mentions, p.name)):
        x, y = project(place.lon, place.lat)
        radius = 4 + 6 * math.sqrt(max(place.mentions, 1) / biggest)
        point_xy.append((place, x, y, radius))
    layouts = {cls: _LabelLayout(size, [(x, y, r + 1) for _, x, y, r in point_xy], height) for cls, size in LABEL_SIZES}

    circles, place_labels = [], []
    unlabelled: dict[str, list[str]] = {cls: [] for cls, _ in LABEL_SIZES}
    for rank, (place, x, y, radius) in enumerate(point_xy):
        mentions = f"{place.mentions} mention{'s' if place.mentions != 1 else ''}"
        tip = f"{place.name} ({place.lat:.2f}, {place.lon:.2f}), {mentions}"
        dot = f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{radius:.1f}"/>'
        href = links.get(place.name)
        if href:
            dot = f'<a href="{escape(href)}" aria-label="{escape(tip)}"><title>{escape(tip)}</title>{dot}</a>'
        else:
            dot = f"<title>{escape(tip)}</title>{dot}"
        circles.append(f'<g class="place" data-name="{escape(place.name)}">{dot}</g>')
        for cls, size in LABEL_SIZES:
            layout = layouts[cls]
            gap = radius + 0.25 * size
            width = CHAR_WIDTH * size * len(place.name)
            spots = (
                (x + gap, y + 0.3 * size),  # right
                (x - gap - width, y + 0.3 * size),  # left
                (x - width / 2, y - radius - 0.35 * size),  # above
                (x - width / 2, y + radius + size),  # below
                (x + 0.7 * gap, y - 0.7 * gap),  # above right
                (x + 0.7 * gap, y + 0.7 * gap + 0.7 * size),  # below right
                (x - 0.7 * gap - width, y - 0.7 * gap),  # above left
                (x - 0.7 * gap - width, y + 0.7 * gap + 0.7 * size),  # below left
            )
            if rank < MAX_LABELS and any(layout.place(lx, ly, place.name) for lx, ly in spots):
                lx, ly = layout.taken[-1][0], layout.taken[-1][3] - 0.3 * size
                place_labels.append(
                    f'<text class="place-label {cls}" x="{lx:.1f}" y="{ly:.1f}" data-name="{escape(place.name)}">'
                    f"{escape(place.name)}</text>"
                )
            elif place.name not in unlabelled[cls]:
                unlabelled[cls].append(place.name)
    country_labels = []
    drawn: set[str] = set()
    for name, iso, label, rings in outlines:
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
        drawn.add(name.lower())
        path = " ".join(
            "M" + "L".join(f"{x:.1f},{y:.1f}" for x, y in (project(lon, lat) for lon, lat in ring)) + "Z"
            for ring in visible
        )
        css = "land story-country" if iso in touched or name.lower() in shaded else "land"
        parts.append(f'<path class="{css}" d="{path}"><title>{escape(name)}</title></path>')
        if label and west <= label[1] <= east and south <= label[0] <= north:
            x, y = project(label[1], label[0])
            for cls, size in LABEL_SIZES:
                lx = x - CHAR_WIDTH * size * len(name) / 2
                if layouts[cls].place(lx, y, name):
                    country_labels.append(
                        f'<text class="country-label {cls}" x="{lx:.1f}" y="{y:.1f}">{escape(name)}</text>'
                    )
    parts.extend(country_labels)
    parts.extend(circles)
    parts.extend(place_labels)
    parts.append("</svg>")
    not_drawn = [p.name for p in places if p.name.lower() in shaded and p.name.lower() not in drawn and p not in points]
    off_map = tuple(dict.fromkeys([p.name for p in far] + not_drawn))
    wide = tuple(unlabelled["wide"])
    narrow = tuple(n for n in unlabelled["narrow"] if n not in wide)
    return MapView("".join(parts), off_map=off_map, unlabelled=wide, unlabelled_narrow=narrow)
