"""People whose surname is also a place name are people, not places; words that are place names are words (fictional text)."""

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


def test_a_disease_named_after_a_person_names_no_one_in_the_story() -> None:
    text = ("Veteran councillor Mara Ostrovska was diagnosed last year with amyotrophic lateral sclerosis, "
            "commonly known as Lou Gehrig's disease. Hence, when the council meets today, he will table a motion, "
            "his office said.")
    annotation = annotate(text, published="2026-03-12")
    assert "Lou Gehrig" not in [e.text for e in annotation.entities if e.label == "PERSON"]
    speakers = [a.speaker for a in annotation.attributions if a.speaker]
    assert not any("Gehrig" in s for s in speakers)


def test_a_person_named_elsewhere_keeps_a_disease_in_his_name() -> None:
    from storylens.annotate import Mention, _without_eponyms

    text = "Tomas Hale spoke on Monday. Hale's disease has slowed him."
    mentions = [Mention(0, 10, "PERSON"), Mention(28, 32, "PERSON")]
    assert _without_eponyms(text, mentions) == mentions
    alone = "The clinic studies Hale's disease."
    assert _without_eponyms(alone, [Mention(19, 23, "PERSON")]) == []


def test_a_sentence_that_starts_with_a_common_word_names_no_place() -> None:
    # "More" is an alternate spelling of Mora (Cameroon) in GeoNames; in English it is the word
    text = ("The ferry hit the pier in Port Halden on Monday.\n\n"
            "More surveillance video shows the ferry come to a quick stop.")
    annotation = annotate(text, published="2026-03-12")
    assert not [p for p in annotation.places if p.text == "More"]


def test_a_town_named_by_a_common_word_is_the_word_unless_read_as_a_place() -> None:
    text = ("The newly elected Liberal government praised the plan.\n\n"
            "Since then, there have been ten attempts. Residents fled Nice after the storm.")
    places = {p.text for p in annotate(text, published="2026-03-12").places}
    assert "Liberal" not in places and "Since" not in places
    assert "Nice" in places  # spaCy reads a place there


def test_a_region_without_coordinates_anchors_no_nearness() -> None:
    from storylens.annotate.gazetteer import GeoPlace
    from storylens.annotate.places import resolve_places

    state = GeoPlace(geonameid=1, name="Harbourland", lat=0.0, lon=0.0, country="US", population=1_000_000,
                     kind="admin1")
    near_null_island = GeoPlace(geonameid=2, name="Velmora", lat=0.5, lon=1.0, country="GA", population=30_000,
                                kind="city")
    larger = GeoPlace(geonameid=3, name="Velmora", lat=-15.0, lon=-47.0, country="BR", population=40_000,
                      kind="city")
    chosen = resolve_places([(state,), (near_null_island, larger)])
    assert chosen[1] is larger  # the state's 0, 0 says nothing of the Gulf of Guinea


def test_a_thing_with_a_determiner_is_no_town_of_its_name() -> None:
    # GeoNames has towns called Mercedes; "the Mercedes veers" is a car
    text = ("Police said the Mercedes veers into the opposite lane before the crash in Port Halden. "
            "The Hummer then pursues the Mercedes.")
    assert not [p for p in annotate(text, published="2026-03-12").places if p.text == "Mercedes"]
