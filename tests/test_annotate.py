"""Annotation on a committed fictional article: every layer, caching, bad input."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from storylens.annotate import ANNOTATOR_VERSION, annotate, annotate_articles, cache_version
from storylens.records import Article
from storylens.store import Store

FIXTURE = Path(__file__).parent / "fixtures" / "annotate" / "harbor-strike.txt"
PUBLISHED = "2024-03-12"  # a Tuesday


@pytest.fixture(scope="module")
def text() -> str:
    return FIXTURE.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def ann(text):
    return annotate(text, published=PUBLISHED)


def _attribution(ann, fragment: str):
    for item in ann.attributions:
        if fragment in item.content.text:
            return item
    raise AssertionError(f"no attribution whose content holds {fragment!r}")


def test_sentences_keep_headline_dateline_and_abbreviations(ann, text):
    sentences = [s.text for s in ann.sentences]
    assert sentences[0] == "Port workers extend strike as talks stall in Valmora"
    assert "Ms. Okonkwo-Baines said the meeting was useful." in sentences
    # a quotation spanning two sentences is split into its sentences, not mid-abbreviation
    assert any(s.startswith('"We are not going back') for s in sentences)
    assert all(s.text == text[s.start:s.end] for s in ann.sentences)


def test_entities_have_in_article_canonical_forms(ann):
    canon = {(e.text, e.canonical) for e in ann.entities if e.label == "PERSON"}
    assert ("Okonkwo-Baines", "Marisol Okonkwo-Baines") in canon
    assert ("Ferreira-Watts", "Daniel Ferreira-Watts") in canon


def test_places_resolved_in_the_article_country(ann):
    places = {p.text: p for p in ann.places}
    for name, (lat, lon) in {"Toronto": (43.7, -79.4), "Halifax": (44.6, -63.6), "Montreal": (45.5, -73.6)}.items():
        assert places[name].country == "CA"
        assert abs(places[name].lat - lat) < 0.5 and abs(places[name].lon - lon) < 0.5


@pytest.mark.parametrize(
    ("context", "state", "lon"),
    [("Idaho", "ID", -117.0), ("Boise", "ID", -117.0), ("Maine", "ME", -70.2)],
)
def test_an_ambiguous_town_is_placed_in_the_region_the_article_names(context, state, lon):
    """Lewiston, Maine is the larger town; an article that names Idaho (or Boise) means Lewiston, Idaho."""
    from storylens.annotate.places import _region, candidates_for, resolve_places

    text = f"Firefighters in Lewiston worked through the night, officials in {context} said on Monday."
    places = {p.text: p for p in annotate(text).places}
    assert abs(places["Lewiston"].lon - lon) < 0.5, places["Lewiston"]
    chosen = resolve_places([candidates_for(context), candidates_for("Lewiston")])[1]
    assert _region(chosen) == ("US", state)


@pytest.mark.parametrize(
    ("text", "name", "state"),
    [
        ("Officers in Woodland Park, Colorado, found the bones on Monday.", "Woodland Park", "CO"),
        ("Officers in Woodland Park, Colo., found the bones on Monday.", "Woodland Park", "CO"),
        ("The fair in Paris, Texas, drew a record crowd on Saturday.", "Paris", "TX"),
        ("The fair in Paris, Ky., drew a record crowd on Saturday.", "Paris", "KY"),
    ],
)
def test_a_place_followed_by_its_state_is_placed_in_that_state(text, name, state):
    """"Woodland Park, Colorado" is not the larger Woodland Park in New Jersey."""
    from storylens.annotate.places import _region, candidates_for, within_qualifier

    place = {p.text: p for p in annotate(text).places}[name]
    chosen = [c for c in candidates_for(name) if c.geonameid == place.geonameid]
    assert chosen and _region(chosen[0]) == ("US", state)
    assert within_qualifier("Paris, France", 5, candidates_for("Paris"))[0].country == "FR"
    assert len(within_qualifier("Paris, London and Berlin", 5, candidates_for("Paris"))) > 1


@pytest.mark.parametrize(
    ("text", "name", "lat", "lon"),
    [
        ("The fossil was found in northeastern Wyoming last year.", "Wyoming", 42.5, -106.8),  # a state: on the map
        ("Officials in Washington said the talks in Kabul would resume.", "Washington", 38.9, -77.0),  # the capital
        ("He took it to a Washington, D.C., store on Friday.", "Washington", 38.9, -77.0),
        ("The suit was filed in the District of Columbia on Friday.", "District of Columbia", 38.9, -77.0),
    ],
)
def test_states_are_placed_and_a_bare_washington_is_the_capital(text, name, lat, lon):
    place = {p.text: p for p in annotate(text).places}[name]
    assert abs(place.lat - lat) < 1.5 and abs(place.lon - lon) < 1.5, place


@pytest.mark.parametrize(
    ("text", "count"),
    [
        ("U.S. Virgin Islands Del. Stacey Plaskett said she was asked for her phone. Then she left.", 2),
        ("He moved to Dover, Del. The city welcomed him.", 2),  # Delaware ends the sentence
    ],
)
def test_a_delegate_title_does_not_end_a_sentence(text, count):
    from storylens.annotate.sentences import split_sentences

    assert len(split_sentences(text)) == count


def test_times_resolved_against_publication_date(ann):
    times = {t.text: (t.value, t.end_value) for t in ann.times}
    assert times["Monday"] == ("2024-03-11", None)
    assert times["Tuesday"] == ("2024-03-12", None)
    assert times["Thursday"] == ("2024-03-14", None)  # "would meet again on Thursday": future
    assert times["March 3"] == ("2024-03-03", None)
    assert times["last week"] == ("2024-03-04", "2024-03-10")
    assert any(v == ("2024-03-20", "2024-03-22") for k, v in times.items() if "20th" in k)
    assert any(v == ("2024-03-31", None) for k, v in times.items() if "end of March" in k)


def test_times_without_publication_date_stay_unresolved(text):
    ann = annotate(text)
    times = {t.text: t.value for t in ann.times}
    assert times["Monday"] is None
    assert times["March 3"] is None or times["March 3"].endswith("-03-03")


def test_quantities(ann):
    by_text = {q.text: q for q in ann.quantities}
    workers = by_text["at least 1,200"]
    assert (workers.value, workers.qualifier, workers.counted) == (1200, "at least", "workers")
    cranes = by_text["14"]
    assert (cranes.value, cranes.whole, cranes.counted) == (14, 22, "cranes")
    money = by_text["$3 million"]
    assert money.value == 3_000_000 and money.unit == "currency"
    fourth = by_text["fourth"]
    assert fourth.ordinal and fourth.value == 4


def test_attributions(ann):
    quote = _attribution(ann, "Nobody should lose a hand")
    assert quote.direct and quote.source.text == "she" and quote.speaker == "Marisol Okonkwo-Baines"
    denial = _attribution(ann, "safety rules had been weakened")
    assert denial.polarity == "denies" and denial.cue.text == "denied"
    assert denial.speaker == "Northport Harbour Authority"
    according = _attribution(ann, "14 of the 22 cranes are idle")
    assert according.cue.text == "According to" and according.source.text == "a spokesman for the authority"
    description = _attribution(ann, "appoint a mediator")
    assert description.source.text == "A source at the Ministry of Transport" and not description.direct
    # a quotation continued in the next sentence keeps its speaker
    continued = _attribution(ann, "The port is the heart of the region.")
    assert continued.speaker == "Daniel Ferreira-Watts" and continued.direct
    assert _attribution(ann, "the meeting was useful").speaker == "Marisol Okonkwo-Baines"
    # a definite description names the organisation mentioned before
    assert _attribution(ann, "met union representatives in Toronto").speaker == "Ministry of Transport"


def test_annotate_articles_caches_by_content_hash(tmp_path, text, monkeypatch):
    articles = [
        Article(id="a1", source="harbor.txt", outlet="Fictional Wire", text=text, published=PUBLISHED),
        Article(id="a2", source="short.txt", outlet="Other", text="The mayor said on Monday that the bridge is open."),
        Article(id="a3", source="empty.txt", outlet="Other", text="   "),
    ]
    with Store(tmp_path / "s.db") as store:
        first = annotate_articles(articles, store=store)
        assert set(first) == {"a1", "a2", "a3"}
        assert store.get_annotation("a1", cache_version(PUBLISHED)) == first["a1"]
        assert cache_version(PUBLISHED).startswith(ANNOTATOR_VERSION)

        def never(*args, **kwargs):
            raise AssertionError("an unchanged article was annotated twice")

        module = sys.modules["storylens.annotate"]  # the package, not the re-exported function
        monkeypatch.setattr(module, "annotation_from_doc", never)
        monkeypatch.setattr(module, "_nlp", never)
        again = annotate_articles(articles, store=store)
        assert again == first


def test_bad_input_does_not_break_the_batch(capsys):
    articles = [
        Article(id="x1", source="binary.txt", outlet="o", text="\x00\x01\x02 \ufffd\ufffd"),
        Article(id="x2", source="french.txt", outlet="o", text="Le ministre a dit lundi.", language="fr"),
        Article(id="x3", source="ok.txt", outlet="o", text="Officials said 12 people were hurt.",
                published="not a date"),
    ]
    result = annotate_articles(articles)
    assert set(result) == {"x1", "x2", "x3"}
    assert result["x2"].sentences and not result["x2"].entities
    assert result["x3"].quantities[0].value == 12


def test_parallel_workers_give_the_same_annotations(text):
    paragraphs = [p for p in text.split("\n\n") if p.strip()]
    articles = [Article(id=f"p{i}", source=f"p{i}.txt", outlet="o", text=p, published=PUBLISHED)
                for i, p in enumerate(paragraphs)]
    assert len(articles) >= 8
    assert annotate_articles(articles, n_process=2) == annotate_articles(articles)


def test_huge_article_keeps_its_sentences(capsys):
    text = "The council met on Monday. " * 40_000  # over a million characters
    result = annotate_articles([Article(id="big", source="big.txt", outlet="o", text=text)])
    assert len(result["big"].sentences) == 40_000
    assert "big.txt" in capsys.readouterr().err


def test_a_section_title_in_the_body_is_marked_a_heading_not_the_headline():
    text = (
        "Ferry services suspended\n\n"
        "MARLOW BAY - The harbour authority suspended all ferry services on Monday after a storm "
        "damaged the main pier, officials said.\n\n"
        "Repairs could take two weeks, the authority said.\n\n"
        "A long night in the terminal\n\n"
        "Dozens of travellers spent the night in the terminal building.\n\n"
        "Operator promises refunds\n\n"
        "The operator said ferries would resume on Friday if the weather allowed.\n"
    )
    sentences = annotate(text, published=PUBLISHED).sentences
    headings = [s.text for s in sentences if s.heading]
    # The verbless title in the body is a heading; the headline at the top and a title that
    # states something ("Operator promises refunds") stay statements.
    assert headings == ["A long night in the terminal"]
    assert all(text[s.start:s.end] == s.text for s in sentences)
