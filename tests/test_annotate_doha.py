"""Acceptance on the two real Doha reports (read from ../shared, skipped when absent)."""

from __future__ import annotations

import math

import pytest

from storylens.annotate import annotate

REAL = {  # lat, lon of the real places
    "Mazar-i-Sharif": (36.709, 67.110), "Kunduz": (36.728, 68.857), "Aybak": (36.265, 68.016),
    "Sheberghan": (36.667, 65.752), "Zaranj": (30.960, 61.860), "Kandahar": (31.613, 65.710),
    "Doha": (25.286, 51.533), "Kabul": (34.528, 69.172),
}


def _km(a, b):
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 12742 * math.asin(math.sqrt(h))


@pytest.fixture(scope="module")
def doha(doha_dir):
    texts = [(doha_dir / name).read_text(encoding="utf-8")
             for name in ("aljazeera-arabic-translated.txt", "english-report.txt")]
    return [(text, annotate(text, published="2021-08-10")) for text in texts]


def test_places_within_50_km(doha):
    for name, where in REAL.items():
        found = [p for _, ann in doha for p in ann.places if p.text.startswith(name)]
        assert found, name
        assert all(_km((p.lat, p.lon), where) < 50 for p in found), (name, found)


def test_times(doha):
    times = {(t.text, t.value, t.end_value) for _, ann in doha for t in ann.times}
    assert ("Tuesday", "2021-08-10", None) in times
    assert ("Monday", "2021-08-09", None) in times
    assert ("August 31", "2021-08-31", None) in times
    assert any("10th to the 12th of this month" in t and (v, e) == ("2021-08-10", "2021-08-12")
               for t, v, e in times)


def test_attributions(doha):
    attributions = [a for _, ann in doha for a in ann.attributions]

    def speaker_of(fragment):
        return [a.speaker for a in attributions if fragment in a.content.text]

    assert "John Kirby" in speaker_of("It’s their country to defend now.")
    assert "Muhammad Atta Noor" in speaker_of("I'd rather die with dignity than die in despair")
    denial = [a for a in attributions if a.cue.text == "denied" and "killing of its militants" in a.content.text]
    assert denial and denial[0].polarity == "denies" and denial[0].speaker == "Taliban"


def test_quantity_150_taliban_militants_killed(doha):
    quantities = [q for _, ann in doha for q in ann.quantities]
    assert any(q.value == 150 and q.counted == "Taliban militants killed" for q in quantities)


def test_nested_report_names_the_quoted_member(doha):
    text, ann = doha[0]
    member = [a for a in ann.attributions if a.source and a.source.text.startswith("a member of the Taliban")]
    assert member and member[0].cue.text == "quoted"
