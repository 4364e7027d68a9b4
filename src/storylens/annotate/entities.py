"""Named entities with in-article canonical forms, and gazetteer fixes for places.

spaCy finds the mentions; we (1) relabel or add place names the gazetteer
knows and the small model got wrong, (2) trim titles and articles from the
mention, and (3) link short forms to the fullest form in the same article
("Khalilzad", "Ambassador Khalilzad" -> "Zalmay Khalilzad").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from storylens.annotate.gazetteer import COMMON_ENGLISH_NAME, GeoPlace, find_place_names
from storylens.lexicon.words import english_zipf

TITLES = frozenset(
    """
    mr mr. mrs mrs. ms ms. dr dr. prof prof. sen sen. rep rep. gov gov. gen gen. lt lt. col col. maj maj.
    capt capt. sgt sgt. adm adm. president vice prime minister secretary ambassador envoy general
    senator governor spokesman spokeswoman spokesperson chairman chairwoman chief commander director
    king queen prince princess sheikh sheik mullah imam pope judge justice former late candidate
    representative congressman congresswoman mayor officer lieutenant colonel major captain sergeant
    admiral marshal minister foreign defence defense interior special us u.s. russian afghan iranian
    british american deputy acting top leader warlord press army pentagon state department
    """.split()
)
COUNTRY_NAMES = {
    "US": "United States", "U.S.": "United States", "USA": "United States", "U.S.A.": "United States",
    "America": "United States", "the United States": "United States", "UK": "United Kingdom",
    "U.K.": "United Kingdom", "Britain": "United Kingdom", "the United Kingdom": "United Kingdom",
}
KEEP_LABELS = {"PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "EVENT", "DATE", "TIME", "CARDINAL",
               "ORDINAL", "QUANTITY", "MONEY", "PERCENT", "LAW", "PRODUCT", "WORK_OF_ART", "LANGUAGE"}
PLACE_OVERRIDE_POPULATION = 20000


@dataclass(slots=True)
class Mention:
    start: int
    end: int
    label: str
    places: tuple[GeoPlace, ...] = ()


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    """Drop a leading "the", possessive "'s" and surrounding punctuation from a mention."""
    piece = text[start:end]
    lead = re.match(r"^(?:the\s+|The\s+|[\s\"“”‘’'(\[]+)*", piece)
    if lead and lead.end() < len(piece):
        start += lead.end()
    piece = text[start:end]
    tail = re.search(r"(?:['’]s|['’]|[\s\"“”‘’,.;:)\]]+)+$", piece)
    if tail and tail.start() > 0:
        # keep the dot of an abbreviation such as "U.S."
        cut = tail.start()
        if piece[cut:cut + 1] == "." and re.search(r"\b[A-Z]\.[A-Z]$", piece[:cut]):
            cut += 1
        end = start + cut
    return start, end


# Words that begin a place's name rather than a person's ("Lake Kivu", "Northern Kunduz").
PLACE_PREFIXES = frozenset(
    """
    north south east west northern southern eastern western central upper lower greater inner outer old new
    little great lake mount mt port fort saint st san santa santo cape gulf bay camp province county district
    city town downtown metro river
    """.split()
)
PlaceMatch = tuple[int, int, tuple[GeoPlace, ...]]


def persons_named_like_places(text: str, mentions: list[Mention], matches: list[PlaceMatch],
                              proper_noun_starts: set[int]) -> list[Mention]:
    """People whose surname is also a place: "Cornel Bălan" (Bălan is a Romanian town).

    A gazetteer name right after a proper noun that is neither a place, a
    title, a place prefix nor part of another entity reads as given name +
    surname; spaCy's small model often misses such names altogether.
    """
    place_starts = {start for start, _, _ in matches}
    found = []
    for start, end, _ in matches:
        given = re.search(r"(?:^|(?<=[\s\"“(]))([A-Z][^\W\d_]+) $", text[max(0, start - 30):start])
        if not given:
            continue
        given_start = start - len(given.group(1)) - 1
        word = given.group(1).lower()
        if (given_start not in proper_noun_starts or given_start in place_starts or word in TITLES
                or word in PLACE_PREFIXES):
            continue
        if any(m.start < end and given_start < m.end and m.label != "PERSON"
               and not (start <= m.start and m.end <= end) for m in mentions):
            continue  # part of an organisation's or another entity's name
        found.append(Mention(given_start, end, "PERSON"))
    return found


def merge_places(text: str, doc_ents: list[Mention], person_surnames: set[str],
                 matches: list[PlaceMatch] | None = None) -> list[Mention]:
    """Combine spaCy's entities with gazetteer place matches.

    A gazetteer match relabels an entity with the very same extent (Kunduz
    tagged PERSON, Aybak tagged ORG) unless that name is the surname of a
    person named in full elsewhere in the article; it is added where spaCy found
    nothing, and loses to any longer entity that contains it ("Human Rights
    Watch", "John Kirby").
    """
    if matches is None:
        matches = find_place_names(text)
    result = list(doc_ents)
    by_extent = {(m.start, m.end): m for m in result}
    for start, end, candidates in matches:
        name = text[start:end]
        top = candidates[0]
        exact = by_extent.get((start, end))
        if exact is not None:
            if exact.label in ("GPE", "LOC", "FAC"):
                exact.places = candidates
                continue
            strong = top.kind != "city" or top.population >= PLACE_OVERRIDE_POPULATION
            if exact.label in ("PERSON", "ORG", "NORP") and strong and name not in person_surnames \
                    and not _word_rather_than_town(name, top) and not _DETERMINED.search(text, max(0, start - 40), start):
                exact.label = "GPE"
                exact.places = candidates
            continue
        overlapping = [m for m in result if m.start < end and start < m.end]
        inside = [m for m in overlapping if start <= m.start and m.end <= end]
        if overlapping and len(inside) == len(overlapping) and all(
                m.label in ("PERSON", "ORG", "NORP", "GPE", "LOC") for m in inside):
            # spaCy saw only part of the name ("Mazar" of "Mazar-i-Sharif")
            for m in inside:
                result.remove(m)
            overlapping = []
        containing = [m for m in overlapping if m.start <= start and end <= m.end and m.label in ("ORG", "PERSON")]
        if containing and _only_places(text, containing[0], matches):
            result.remove(containing[0])
            overlapping = []
        if overlapping:
            for m in overlapping:
                if m.label in ("GPE", "LOC") and m.start <= start and end <= m.end and not m.places:
                    inner = text[m.start:m.end]
                    if inner.endswith(name) or inner.startswith(name):
                        m.places = candidates
            continue
        if name in person_surnames or _word_rather_than_town(name, top):
            continue
        result.append(Mention(start, end, "GPE" if top.kind != "city" or True else "LOC", candidates))
    result.sort(key=lambda m: (m.start, m.end))
    return result


# "the Mercedes veers", "a Mercedes SUV", "Smith's Mercedes": a thing spaCy calls an
# organisation or a person, with a determiner a town's name does not take (read in the
# 40 characters before the name: a determiner and the spaces after it)
_DETERMINED = re.compile(r"(?:\b(?:the|a|an|his|her|their|its|our|my|your)|['’]s)\s+$", re.I)


def _word_rather_than_town(name: str, top: GeoPlace) -> bool:
    """A town named by a common English word ("Liberal" in "the Liberal government", "Since" at
    a sentence's start) is the word unless spaCy itself reads a place there."""
    return top.kind == "city" and " " not in name and english_zipf(name) >= COMMON_ENGLISH_NAME


def _only_places(text: str, mention: Mention, matches) -> bool:
    """Whether a mention is nothing but place names joined by "and"/commas ("Sari Pul and Taleqan")."""
    rest = text[mention.start:mention.end]
    for start, end, _ in matches:
        if mention.start <= start and end <= mention.end:
            rest = rest[: start - mention.start] + " " * (end - start) + rest[end - mention.start:]
    return not re.sub(r"\b(and|or|the)\b|[,\s]", "", rest)


def _name_tokens(name: str) -> list[str]:
    words = [w for w in re.split(r"\s+", name) if w]
    while len(words) > 1 and words[0].lower().rstrip(",") in TITLES:
        words = words[1:]
    return words


def canonical_forms(text: str, mentions: list[Mention]) -> list[str]:
    """The in-article canonical name of each mention (same order)."""
    names = [text[m.start:m.end] for m in mentions]
    canon = list(names)
    people: dict[str, str] = {}  # surname -> fullest name
    for m, name in zip(mentions, names, strict=True):
        if m.label != "PERSON":
            continue
        words = _name_tokens(name)
        key = words[-1]
        best = people.get(key)
        if len(words) >= 2 and (best is None or len(words) > len(best.split())):
            people[key] = " ".join(words)
        elif best is None:
            people[key] = " ".join(words)
    orgs = [n for m, n in zip(mentions, names, strict=True) if m.label in ("ORG", "GPE", "NORP", "FAC", "LOC")]
    for i, (m, name) in enumerate(zip(mentions, names, strict=True)):
        if m.label == "PERSON":
            words = _name_tokens(name)
            canon[i] = people.get(words[-1], " ".join(words))
        elif m.label in ("GPE", "LOC") and name in COUNTRY_NAMES:
            canon[i] = COUNTRY_NAMES[name]
        elif m.label in ("GPE", "LOC") and m.places:
            top = m.places[0]
            canon[i] = top.name if top.kind == "country" else name
        elif m.label in ("ORG", "FAC", "NORP"):
            # "State Department" -> "US State Department" when the fuller form is in the article
            longer = [o for o in orgs if o != name and o.endswith(" " + name) and len(o) < len(name) + 25]
            canon[i] = max(longer, key=len) if longer else name
    return canon
