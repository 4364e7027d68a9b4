"""Claims and their alignment into facts (issue 5)."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from align_helpers import annotate_by_hand, article, flood_story
from storylens.align import (
    FEATURES,
    EntityIndex,
    PairScorer,
    align_claims,
    extract_claims,
)
from storylens.records import Annotation, Entity


def test_clauses_joined_by_while_become_two_claims_with_their_own_attribution():
    text = (
        "The defence ministry said that 150 militants were killed in air strikes in Balkh, "
        "while the militants denied the killing of their fighters."
    )
    a = article("x", text)
    ann = annotate_by_hand(
        text,
        attributions=(
            (
                "The defence ministry",
                "said",
                "150 militants were killed in air strikes in Balkh",
                "asserts",
            ),
            ("the militants", "denied", "the killing of their fighters", "denies"),
        ),
    )
    claims = extract_claims(a, ann)
    assert [c.text for c in claims] == [
        "The defence ministry said that 150 militants were killed in air strikes in Balkh",
        "the militants denied the killing of their fighters.",
    ]
    assert claims[0].attribution.polarity == "asserts"
    assert claims[0].attribution.speaker == "The defence ministry"
    assert claims[1].attribution.polarity == "denies"
    assert claims[1].attribution.cue == "denied"
    for claim in claims:
        assert text[claim.start : claim.end] == claim.text


def test_list_commas_and_short_tails_do_not_split_a_sentence():
    text = "Delegates will press for a reduction in violence, a ceasefire, and a commitment not to recognise a government imposed by force."
    claims = extract_claims(article("x", text), annotate_by_hand(text))
    assert len(claims) == 1


def test_headings_urls_and_fragments_are_not_claims():
    text = "http://example.com/news/2024/flood\nBy\nThe dam broke on Sunday and flooded the town.\n"
    claims = extract_claims(article("x", text), annotate_by_hand(text))
    assert [c.text for c in claims] == ["The dam broke on Sunday and flooded the town."]


def test_a_section_title_marked_by_annotation_is_not_a_claim():
    text = ("Pier closed after storm\nThe pier closed on Monday.\nRepairs will take weeks.\n"
            "Questions for the harbour board\nThe board met on Tuesday to discuss the repairs.\n")
    hand = annotate_by_hand(text)
    title = text.index("Questions")
    sentences = tuple(s.model_copy(update={"heading": s.start == title}) for s in hand.sentences)
    assert any(s.heading for s in sentences)
    claims = extract_claims(article("x", text), hand.model_copy(update={"sentences": sentences}))
    assert "Questions for the harbour board" not in [c.text for c in claims]
    assert "The board met on Tuesday to discuss the repairs." in [c.text for c in claims]


def test_a_wire_dateline_is_where_the_story_was_filed_not_part_of_the_claim():
    text = (
        "LAKEPORT, June 3 (Harbour Wire) - Floodwater cut the coastal road to Lakeport on Monday.\n"
        "NATO - the alliance's name - appears in capitals mid-story.\n"
        "BRENNEN — Firefighters contained the warehouse blaze by noon."
    )
    claims = extract_claims(article("x", text), annotate_by_hand(text))
    assert [c.text for c in claims] == [
        "Floodwater cut the coastal road to Lakeport on Monday.",
        "NATO - the alliance's name - appears in capitals mid-story.",
        "Firefighters contained the warehouse blaze by noon.",
    ]
    for claim in claims:
        assert text[claim.start : claim.end] == claim.text


def test_denial_without_annotated_attribution_is_still_recognised():
    """When the annotator found no attributions, a cue-verb fallback keeps denials."""
    text = "The company denied that it had ignored the warnings."
    claims = extract_claims(article("x", text), annotate_by_hand(text))
    assert claims[0].attribution is not None
    assert claims[0].attribution.polarity == "denies"


def test_surname_folds_into_full_name_across_articles():
    def ann(*pairs):
        return Annotation(
            entities=tuple(
                Entity(start=0, end=len(t), text=t, label=label, canonical=t) for t, label in pairs
            )
        )

    index = EntityIndex.build(
        [
            ann(("Zalmay Khalilzad", "PERSON"), ("Taliban", "ORG")),
            ann(("Khalilzad", "PERSON"), ("the Taliban", "ORG")),
        ]
    )
    assert index.name("Khalilzad") == "Zalmay Khalilzad"
    assert index.name("the Taliban") == index.name("Taliban") == "Taliban"


def test_ambiguous_surname_is_not_folded():
    ann = Annotation(
        entities=tuple(
            Entity(start=0, end=len(t), text=t, label="PERSON", canonical=t)
            for t in ("Joe Biden", "Hunter Biden", "Biden")
        )
    )
    index = EntityIndex.build([ann])
    assert index.name("Biden") == "Biden"


def _claims_of(story):
    articles, annotations = story
    index = EntityIndex.build(annotations.values())
    claims = [c for a in articles for c in extract_claims(a, annotations[a.id], index)]
    return articles, claims


def test_same_statement_in_different_words_aligns_and_different_statements_do_not():
    articles, claims = _claims_of(flood_story())
    by_id = {a.id: a for a in articles}
    alignment = align_claims(claims, by_id)

    def cluster(article_name: str, fragment: str) -> int:
        for i, c in enumerate(claims):
            if by_id[c.article_id].source == article_name and fragment in c.text:
                return alignment.cluster_of[i]
        raise AssertionError(fragment)

    evacuated = cluster("northern-ledger", "forcing about 2,000 residents")
    assert cluster("valley-wire", "2,000 people fled their homes") == evacuated
    assert cluster("coast-herald", "2,000 people fled their homes") == evacuated
    schools = cluster("northern-ledger", "Schools across the district")
    assert cluster("valley-wire", "Schools in the district") == schools
    assert schools != evacuated
    rooftops = cluster("northern-ledger", "rooftops")
    army = cluster("valley-wire", "The army has sent 300 soldiers")
    assert len({rooftops, army, evacuated, schools}) == 4


def test_the_same_words_in_a_different_place_do_not_align():
    """Embeddings cannot tell Kabul from Kandahar; the place check must."""
    first = "A suicide bomber killed 50 people at a crowded market in Kabul on Friday."
    second = "A suicide bomber killed 50 people at a crowded market in Kandahar on Friday."
    a1, a2 = article("one", first), article("two", second)
    places1 = (("Kabul", 34.53, 69.17, "AF"),)
    places2 = (("Kandahar", 31.61, 65.71, "AF"),)
    ann1 = annotate_by_hand(first, places=places1, entities=(("Kabul", "GPE", "Kabul"),))
    ann2 = annotate_by_hand(second, places=places2, entities=(("Kandahar", "GPE", "Kandahar"),))
    claims = extract_claims(a1, ann1) + extract_claims(a2, ann2)
    places = {p.name: p for ann in (ann1, ann2) for p in ann.places}
    alignment = align_claims(claims, {a1.id: a1, a2.id: a2}, places=places)
    assert alignment.cluster_of[0] != alignment.cluster_of[1]

    # the same report with the same place does align
    third = "At a crowded Kabul market on Friday, a suicide bomber killed 50 people."
    a3 = article("three", third)
    ann3 = annotate_by_hand(third, places=places1, entities=(("Kabul", "GPE", "Kabul"),))
    claims = extract_claims(a1, ann1) + extract_claims(a3, ann3)
    alignment = align_claims(claims, {a1.id: a1, a3.id: a3}, places=places)
    assert alignment.cluster_of[0] == alignment.cluster_of[1]


def test_a_shared_day_is_no_evidence_and_different_participants_clash():
    """Two claims of one day that share no name, number or wording are two events."""
    call = "On Monday, General Ana Varga spoke with her field commander, Colonel Piet Lund, about the border."
    wounded = "The source added that 25 fighters were wounded in ground operations on Monday."
    meeting = "On Monday, Minister Jon Brandt met the envoy Sara Quist in the capital."
    a1, a2, a3 = article("one", call), article("two", wounded), article("three", meeting)
    monday = (("Monday", "2024-03-04"),)
    ann1 = annotate_by_hand(
        call, times=monday, entities=(("Ana Varga", "PERSON", "Ana Varga"), ("Piet Lund", "PERSON", "Piet Lund"))
    )
    ann2 = annotate_by_hand(
        wounded, times=monday, quantities=(("25", 25.0, "fighters"),), entities=(("Monday", "DATE", "Monday"),)
    )
    ann3 = annotate_by_hand(
        meeting, times=monday, entities=(("Jon Brandt", "PERSON", "Jon Brandt"), ("Sara Quist", "PERSON", "Sara Quist"))
    )
    claims = extract_claims(a1, ann1) + extract_claims(a2, ann2) + extract_claims(a3, ann3)
    by_id = {a.id: a for a in (a1, a2, a3)}
    scorer = PairScorer(claims, by_id, np.eye(len(claims), 8, dtype=np.float32))
    features = dict(zip(FEATURES, scorer.features(np.arange(3))[:, 0, :], strict=True))
    assert claims[1].entities == ()
    assert features["no_evidence"][1:].tolist() == [1.0, 1.0]
    assert features["ent_clash"][1] == 0.0  # the wounded claim names no one: nothing to clash with
    assert features["ent_clash"][2] == 1.0  # two named pairs of people, none shared
    alignment = align_claims(claims, by_id)
    assert len(set(alignment.cluster_of)) == 3


def test_a_country_and_a_town_inside_it_are_no_clash_of_places():
    """"Captured a sixth provincial capital in Afghanistan" and "controls 6 of the capitals, after
    it took Sheberghan" name places, none the same: one holds the other, not a clash. Two
    towns apart are one."""
    country = "The militia said it had captured a sixth provincial capital in Afghanistan on Monday."
    town = "The militia now controls six of the capitals after it took Doruk on Monday."
    other = "The army said it had retaken Selvin after heavy fighting on Monday."
    a1, a2, a3 = article("one", country), article("two", town), article("three", other)
    ann1 = annotate_by_hand(country, places=(("Afghanistan", 34.5, 69.2, "AF"),))
    ann2 = annotate_by_hand(town, places=(("Doruk", 36.7, 65.8, "AF"),))
    ann3 = annotate_by_hand(other, places=(("Selvin", 31.6, 65.7, "AF"),))
    claims = extract_claims(a1, ann1) + extract_claims(a2, ann2) + extract_claims(a3, ann3)
    places = {p.name: p for ann in (ann1, ann2, ann3) for p in ann.places}
    scorer = PairScorer(claims, {a.id: a for a in (a1, a2, a3)}, np.eye(len(claims), 8, dtype=np.float32),
                        places=places)
    features = dict(zip(FEATURES, scorer.features(np.arange(3)), strict=True))
    assert features["place_clash"][0, 1] == 0.0  # Afghanistan holds Doruk
    assert features["place_clash"][1, 2] == 1.0  # Doruk and Selvin: two towns


def test_pair_probabilities_are_symmetric_and_bounded():
    articles, claims = _claims_of(flood_story())
    scorer = PairScorer(
        claims, {a.id: a for a in articles}, np.eye(len(claims), 8, dtype=np.float32)
    )
    prob = scorer.prob(np.arange(len(claims)))
    assert np.allclose(prob, prob.T, atol=1e-6)
    assert prob.min() >= 0.0 and prob.max() <= 1.0


WORDS = st.sampled_from(
    "the army said dam flood Riverton while but ; , and killed people homes denied "
    "officials governor 12 nine Sunday warnings".split()
)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(WORDS, min_size=1, max_size=18), min_size=1, max_size=6))
def test_claims_are_exact_non_overlapping_spans_inside_sentences(raw):
    text = "\n".join(" ".join(words) + "." for words in raw)
    a = article("prop", text)
    ann = annotate_by_hand(text)
    claims = extract_claims(a, ann)
    previous_end = -1
    for claim in claims:
        assert text[claim.start : claim.end] == claim.text
        assert claim.start >= previous_end
        assert any(s.start <= claim.start and claim.end <= s.end for s in ann.sentences)
        previous_end = claim.end
    assert len({c.id for c in claims}) == len(claims)


def test_large_story_path_partitions_claims():
    """Stories above the dense limit are cut into candidate components first."""
    from storylens.align import AlignSettings

    articles, claims = _claims_of(flood_story())
    by_id = {a.id: a for a in articles}
    alignment = align_claims(claims, by_id, settings=AlignSettings(dense_limit=6))
    members = sorted(i for group in alignment.clusters for i in group)
    assert members == list(range(len(claims)))
    assert all(len(group) <= 6 for group in alignment.clusters)
    fled = [i for i, c in enumerate(claims) if "2,000 people fled" in c.text]
    assert len({alignment.cluster_of[i] for i in fled}) == 1  # the syndicated copies stay together


def test_a_quotation_is_never_cut_into_clauses():
    text = (
        "\u201cWe are searching every house on the river, but the water is still rising,\u201d the county "
        "fire chief said on Sunday."
    )
    claims = extract_claims(article("q", text), annotate_by_hand(text))
    assert [c.text for c in claims] == [text]
