"""People whose surname is also a place name are people, not places (fictional text)."""

from __future__ import annotations

from storylens.annotate import annotate


def test_a_surname_that_is_a_town_is_a_person() -> None:
    # spaCy's small model tags nothing on "Cornel Bălan" here; the gazetteer knows Bălan, a Romanian town.
    text = ("The works were delayed twice.\n\n"
            "Cornel Bălan, director of the river authority, said that the seepage \"did not endanger the dam\". "
            "The engineers' union disagreed. Bălan added that the inspectors would return next week.")
    annotation = annotate(text, published="2026-03-12")
    people = [e for e in annotation.entities if e.label == "PERSON"]
    assert [e.text for e in people] == ["Cornel Bălan", "Bălan"]
    assert {e.canonical for e in people} == {"Cornel Bălan"}
    assert not [p for p in annotation.places if p.text == "Bălan"]


def test_places_after_a_place_prefix_or_a_preposition_stay_places() -> None:
    text = "Aid convoys reached Kunduz on Monday. Boats crossed Lake Kivu while fighting moved towards Northern Kunduz."
    annotation = annotate(text, published="2026-03-12")
    assert not [e for e in annotation.entities if e.label == "PERSON"]
    assert [p.text for p in annotation.places if "Kunduz" in p.text]
