"""Hand-built annotations for the align/compare tests (no annotator needed).

Spans are located by searching the article text, so a test states what the
annotator would have found in words rather than in offsets.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from storylens.records import (
    Annotation,
    Article,
    Attribution,
    Entity,
    Place,
    Quantity,
    Sentence,
    Span,
    TimeExpr,
)

FIXTURES = Path(__file__).parent / "fixtures" / "align"


def article(
    name: str, text: str, *, outlet: str | None = None, syndication: str | None = None
) -> Article:
    return Article(
        id="a-" + hashlib.sha256((name + text).encode()).hexdigest()[:10],
        source=name,
        outlet=outlet or name,
        text=text,
        published="2024-03-11",
        syndication_group=syndication,
    )


def fixture(name: str, **kwargs) -> Article:
    return article(name, (FIXTURES / f"{name}.txt").read_text(), **kwargs)


def span(text: str, needle: str, after: int = 0) -> tuple[int, int]:
    start = text.index(needle, after)
    return start, start + len(needle)


def near(text: str, needle: str, start: int, end: int) -> tuple[int, int]:
    """The occurrence of ``needle`` closest before ``start`` (else after ``end``)."""
    found = text.rfind(needle, 0, start)
    if found < 0 or "\n" in text[found:start]:
        found = text.index(needle, end)
    return found, found + len(needle)


def sentences(text: str) -> tuple[Sentence, ...]:
    return tuple(
        Sentence(start=m.start(), end=m.end(), text=m.group())
        for m in re.finditer(r"[^\n]+?[.!?](?=\s|$)|[^\n.!?]+$", text, re.M)
        if m.group().strip()
    )


def annotate_by_hand(
    text: str,
    *,
    entities: tuple[tuple[str, str, str], ...] = (),
    attributions: tuple[tuple[str, str, str, str], ...] = (),
    quantities: tuple[tuple[str, float, str], ...] = (),
    places: tuple[tuple[str, float, float, str], ...] = (),
    times: tuple[tuple[str, str], ...] = (),
) -> Annotation:
    """entities: (surface, label, canonical), every occurrence;
    attributions: (source, cue, content, polarity); quantities: (surface, value,
    counted); places: (surface, lat, lon, country); times: (surface, iso)."""
    ents = []
    for surface, label, canonical in entities:
        for m in re.finditer(re.escape(surface), text):
            ents.append(
                Entity(start=m.start(), end=m.end(), text=surface, label=label, canonical=canonical)
            )
    atts = []
    for source, cue, content, polarity in attributions:
        t0, t1 = span(text, content)
        s0, s1 = near(text, source, t0, t1)
        c0, c1 = near(text, cue, t0, t1)
        begin, end = min(s0, c0, t0), max(s1, c1, t1)
        atts.append(
            Attribution(
                start=begin,
                end=end,
                text=text[begin:end],
                source=Span(start=s0, end=s1, text=source),
                speaker=source,
                cue=Span(start=c0, end=c1, text=cue),
                content=Span(start=t0, end=t1, text=content),
                polarity=polarity,
            )
        )
    qs = []
    for surface, value, counted in quantities:
        for m in re.finditer(re.escape(surface), text):
            qs.append(
                Quantity(start=m.start(), end=m.end(), text=surface, value=value, counted=counted)
            )
    ps = []
    for surface, lat, lon, country in places:
        for m in re.finditer(re.escape(surface), text):
            ps.append(
                Place(
                    start=m.start(),
                    end=m.end(),
                    text=surface,
                    name=surface,
                    lat=lat,
                    lon=lon,
                    country=country,
                )
            )
    ts = []
    for surface, iso in times:
        for m in re.finditer(re.escape(surface), text):
            ts.append(TimeExpr(start=m.start(), end=m.end(), text=surface, value=iso))
    return Annotation(
        sentences=sentences(text),
        entities=tuple(sorted(ents, key=lambda e: e.start)),
        attributions=tuple(atts),
        quantities=tuple(qs),
        places=tuple(ps),
        times=tuple(ts),
    )


RIVERTON = ("Riverton", 44.1, -71.2, "US")
HARLOW = ("Harlow Dam", "FAC", "Harlow Dam")


def flood_story() -> tuple[list[Article], dict[str, Annotation]]:
    """The fictional Riverton flood: two independent outlets and one syndicated copy."""
    ledger = fixture("northern-ledger")
    wire = fixture("valley-wire", syndication="syn-valley")
    herald = fixture("coast-herald", syndication="syn-valley")
    annotations = {
        ledger.id: annotate_by_hand(
            ledger.text,
            entities=(
                HARLOW,
                ("Riverton", "GPE", "Riverton"),
                ("Maria Okafor", "PERSON", "Maria Okafor"),
                ("Okafor", "PERSON", "Maria Okafor"),
                ("Clearwater Energy", "ORG", "Clearwater Energy"),
            ),
            attributions=(
                ("Maria Okafor", "said", "12 people were killed in the flooding", "asserts"),
                (
                    "Okafor",
                    "said",
                    "the dam operator had ignored repeated safety warnings",
                    "asserts",
                ),
                ("Clearwater Energy", "denied", "ignoring any warnings about the dam", "denies"),
            ),
            quantities=(("2,000", 2000, "residents"), ("12", 12, "people killed")),
            places=(RIVERTON,),
            times=(("Sunday", "2024-03-10"), ("Friday", "2024-03-15")),
        ),
    }
    for copy in (wire, herald):
        annotations[copy.id] = annotate_by_hand(
            copy.text,
            entities=(HARLOW, ("Riverton", "GPE", "Riverton"), ("Okafor", "PERSON", "Okafor")),
            attributions=(
                ("Governor Okafor", "told", "nine people had died in the floods", "asserts"),
                (
                    "a defence ministry spokesman",
                    "said",
                    "The army has sent 300 soldiers to help with the relief effort",
                    "asserts",
                ),
                (
                    "officials",
                    "said",
                    "Schools in the district will remain shut until Friday",
                    "asserts",
                ),
            ),
            quantities=(
                ("2,000", 2000, "people"),
                ("nine", 9, "people died"),
                ("300", 300, "soldiers"),
            ),
            places=(RIVERTON,),
            times=(("Sunday", "2024-03-10"), ("Friday", "2024-03-15")),
        )
    return [ledger, wire, herald], annotations
