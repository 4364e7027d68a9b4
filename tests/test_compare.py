"""Facts, statuses, conflicts, quotes, entities and outlet views (issue 5)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from align_helpers import RIVERTON, annotate_by_hand, article, fixture, flood_story
from storylens.align import Alignment, EntityIndex, extract_claims
from storylens.compare import (
    _date_conflict,
    _facts,
    _number_conflict,
    _place_conflict,
    compare_story,
    independence_unit,
)
from storylens.group import one_story
from storylens.lexicon.cues import is_speech_cue
from storylens.records import Claim, ClaimAttribution, Place, Quantity, TimeExpr
from storylens.resources import get_static_embedder


@pytest.fixture(scope="module")
def flood():
    articles, annotations = flood_story()
    lake = fixture("lake-post")
    annotations[lake.id] = annotate_by_hand(
        lake.text,
        entities=(("Harlow Dam", "FAC", "Harlow Dam"), ("Riverton", "GPE", "Riverton")),
        quantities=(("2,000", 2000, "residents"), ("300", 300, "soldiers")),
        places=(RIVERTON,),
        times=(("Sunday", "2024-03-10"),),
    )
    articles.append(lake)
    by_id = {a.id: a for a in articles}
    return articles, by_id, annotations, compare_story(one_story(articles), by_id, annotations)


def _fact_with(comparison, by_id, outlet, fragment):
    for fact in comparison.facts:
        for claim in fact.claims:
            if by_id[claim.article_id].outlet == outlet and fragment in claim.text:
                return fact
    raise AssertionError(f"no fact holds {fragment!r} from {outlet}")


def test_syndicated_copies_count_once(flood):
    _, by_id, _, comparison = flood
    evacuation = _fact_with(comparison, by_id, "northern-ledger", "2,000 residents")
    assert evacuation.status == "corroborated"
    assert set(evacuation.outlets) == {"northern-ledger", "valley-wire", "coast-herald", "lake-post"}
    assert evacuation.independent_outlets == 3  # wire + herald are one syndication group

    army = _fact_with(comparison, by_id, "valley-wire", "300 soldiers")
    assert army.independent_outlets == 2  # valley-wire/coast-herald + lake-post
    assert army.status == "corroborated"


def test_a_denial_disputes_the_claim_it_denies(flood):
    _, by_id, _, comparison = flood
    warnings = _fact_with(comparison, by_id, "northern-ledger", "ignored repeated safety warnings")
    assert warnings.status == "disputed"
    denial = [k for k in warnings.conflicts if k.kind == "denial"]
    assert denial and "Clearwater Energy" in denial[0].detail
    denied_text = by_id[denial[0].claims[-1].article_id].text
    cited = denial[0].claims[-1]
    assert "denied" in denied_text[cited.start : cited.end]


def test_different_death_tolls_conflict(flood):
    _, by_id, _, comparison = flood
    toll = _fact_with(comparison, by_id, "northern-ledger", "12 people were killed")
    assert any(c.article_id != toll.claims[0].article_id for c in toll.claims), "tolls did not align"
    assert toll.status == "conflicting"
    assert [k.kind for k in toll.conflicts] == ["number"]
    assert "12" in toll.conflicts[0].detail and "nine" in toll.conflicts[0].detail


def test_exclusive_and_omitted_facts_per_outlet(flood):
    _, by_id, _, comparison = flood
    views = {v.outlet: v for v in comparison.outlets}
    rooftops = _fact_with(comparison, by_id, "northern-ledger", "rooftops")
    assert rooftops.status == "single_source"
    assert rooftops.id in views["northern-ledger"].exclusive_fact_ids
    army = _fact_with(comparison, by_id, "valley-wire", "300 soldiers")
    # two other independent outlets carry the army deployment; the ledger does not
    assert army.id in views["northern-ledger"].omitted_fact_ids
    assert army.id not in views["valley-wire"].omitted_fact_ids
    assert views["northern-ledger"].attributed_share is not None
    assert views["valley-wire"].cue_verbs.get("said", 0) >= 1


def test_quotes_entities_and_wording(flood):
    articles, by_id, annotations, comparison = flood
    n_attributions = sum(len(a.attributions) for a in annotations.values())
    assert len(comparison.quotes) == n_attributions
    for quote in comparison.quotes:
        assert by_id[quote.article_id].text[quote.start : quote.end] == quote.text
    assert any(q.polarity == "denies" and q.speaker == "Clearwater Energy" for q in comparison.quotes)
    okafor = next(e for e in comparison.entities if e.name == "Maria Okafor")
    assert okafor.type == "PERSON"
    assert "Okafor" in okafor.aliases
    assert set(okafor.mentions_by_outlet) == {"northern-ledger", "valley-wire", "coast-herald"}
    views = {v.outlet: v for v in comparison.outlets}
    assert set(views["northern-ledger"].wording["Maria Okafor"]) == {"Maria Okafor", "Okafor", "The regional governor"}
    assert set(views["valley-wire"].wording["Maria Okafor"]) == {"Okafor", "Governor Okafor"}


def test_fact_ids_are_stable_and_claims_are_exact_spans(flood):
    articles, by_id, annotations, comparison = flood
    again = compare_story(one_story(list(reversed(articles))), by_id, annotations)
    assert [f.id for f in again.facts] == [f.id for f in comparison.facts]
    for fact in comparison.facts:
        for claim in fact.claims:
            assert by_id[claim.article_id].text[claim.start : claim.end] == claim.text
        assert fact.text in {c.text for c in fact.claims}


# ---------------------------------------------------------------- conflict rules


def _claim(text: str, *, quantities=(), times=(), places=(), article_id="a") -> Claim:
    return Claim(
        id=f"c-{hash((text, article_id)) & 0xFFFF}",
        article_id=article_id,
        start=0,
        end=len(text),
        text=text,
        quantities=tuple(quantities),
        times=tuple(times),
        places=tuple(places),
    )


def _q(value, counted, qualifier=None, text=None):
    return Quantity(start=0, end=1, text=text or f"{value:g}", value=value, counted=counted, qualifier=qualifier)


def test_number_conflicts_respect_qualifiers_and_what_is_counted():
    killed_12 = _claim("12 killed", quantities=[_q(12, "people killed")])
    killed_9 = _claim("9 died", quantities=[_q(9, "people died")])
    assert _number_conflict(killed_12, killed_9)
    at_least_10 = _claim("at least 10 killed", quantities=[_q(10, "people killed", "at least")])
    assert _number_conflict(killed_12, at_least_10) is None
    soldiers = _claim("9 soldiers", quantities=[_q(9, "soldiers")])
    assert _number_conflict(killed_12, soldiers) is None


def test_date_and_place_conflicts():
    monday = _claim("on Monday", times=[TimeExpr(start=0, end=6, text="Monday", value="2024-03-11")])
    tuesday = _claim("on Tuesday", times=[TimeExpr(start=0, end=7, text="Tuesday", value="2024-03-12")])
    week = _claim("this week", times=[TimeExpr(start=0, end=9, text="this week", value="2024-03-11", end_value="2024-03-17")])
    assert _date_conflict(monday, tuesday)
    assert _date_conflict(monday, week) is None
    places = {
        "Kabul": Place(start=0, end=5, text="Kabul", name="Kabul", lat=34.53, lon=69.17, country="AF"),
        "Kandahar": Place(start=0, end=8, text="Kandahar", name="Kandahar", lat=31.61, lon=65.71, country="AF"),
        "Afghanistan": Place(start=0, end=11, text="Afghanistan", name="Afghanistan", lat=33.0, lon=65.0, country="AF"),
    }
    kabul, kandahar, country = (_claim(n, places=[n]) for n in ("Kabul", "Kandahar", "Afghanistan"))
    assert _place_conflict(kabul, kandahar, places)
    assert _place_conflict(kabul, country, places) is None


def test_status_rules_on_a_hand_made_alignment():
    """Two independent outlets corroborate; a denial in another outlet disputes."""
    a = article("alpha", "The bridge was closed on Monday after cracks were found.")
    b = article("beta", "Engineers found cracks and closed the bridge on Monday.")
    c = article("gamma", "The city denied that the bridge had been closed.", syndication="g")
    d = article("gamma-copy", "The city denied that the bridge had been closed.", syndication="g")
    claims = [
        _claim(a.text, article_id=a.id),
        _claim(b.text, article_id=b.id),
        _claim(c.text, article_id=c.id).model_copy(
            update={"attribution": ClaimAttribution(speaker="The city", cue="denied", polarity="denies")}
        ),
        _claim(d.text, article_id=d.id).model_copy(
            update={"attribution": ClaimAttribution(speaker="The city", cue="denied", polarity="denies")}
        ),
    ]
    articles = {x.id: x for x in (a, b, c, d)}
    prob = np.full((4, 4), 0.9, dtype=np.float32)
    corroborated = _facts(
        Alignment(claims=claims[:2], clusters=[[0, 1]], vectors=np.eye(2, dtype=np.float32), prob=prob[:2, :2], cluster_of=[0, 0]),
        articles,
        {},
    )
    assert [(f.status, f.independent_outlets) for f in corroborated] == [("corroborated", 2)]
    disputed = _facts(
        Alignment(claims=claims, clusters=[[0, 1, 2, 3]], vectors=np.eye(4, dtype=np.float32), prob=prob, cluster_of=[0] * 4),
        articles,
        {},
    )
    assert disputed[0].status == "disputed"
    assert disputed[0].independent_outlets == 2  # denials do not corroborate
    assert independence_unit(c) == independence_unit(d)


TEXTS = st.sampled_from(
    [
        "The dam broke on Sunday and flooded Riverton.",
        "Officials said 12 people were killed in the flood.",
        "The army sent 300 soldiers, while the company denied any fault.",
        "Schools will stay closed until Friday.",
        "Rescue crews used boats to reach families on rooftops.",
        "The governor said nine people had died.",
    ]
)


@settings(max_examples=25, deadline=None)
@given(st.lists(st.lists(TEXTS, min_size=1, max_size=4), min_size=1, max_size=4))
def test_every_claim_is_in_a_fact_and_counts_are_consistent(bodies):
    articles = [
        article(f"outlet{n}", "\n".join(body), syndication="s" if n % 2 else None) for n, body in enumerate(bodies)
    ]
    articles = list({a.id: a for a in articles}.values())
    by_id = {a.id: a for a in articles}
    annotations = {a.id: annotate_by_hand(a.text) for a in articles}
    comparison = compare_story(one_story(articles), by_id, annotations, embedder=get_static_embedder())
    index = EntityIndex.build(annotations.values())
    all_claims = {c.id for a in articles for c in extract_claims(a, annotations[a.id], index)}
    in_facts = {c.id for f in comparison.facts for c in f.claims}
    assert in_facts == all_claims
    assert len({f.id for f in comparison.facts}) == len(comparison.facts)
    for fact in comparison.facts:
        assert 1 <= fact.independent_outlets <= len(fact.outlets)
        if fact.status == "corroborated":
            assert fact.independent_outlets >= 2
        if fact.status == "single_source":
            assert fact.independent_outlets == 1
        assert list(fact.outlets) == sorted(set(fact.outlets))


def test_attribution_habits_count_only_verbs_of_saying():
    """'The survey showed' or 'officials expect' name no source of a statement."""
    text = (
        "The mayor said the Harlow bridge would reopen in May.\n"
        "A city survey showed that traffic on the ring road doubled.\n"
        "Officials expect the repairs to cost nine million.\n"
        "Workers began removing the damaged deck on Monday."
    )
    a = article("bridge-gazette", text)
    ann = annotate_by_hand(
        text,
        attributions=(
            ("The mayor", "said", "the Harlow bridge would reopen in May", "asserts"),
            ("A city survey", "showed", "traffic on the ring road doubled", "asserts"),
            ("Officials", "expect", "the repairs to cost nine million", "asserts"),
        ),
    )
    comparison = compare_story(one_story([a]), {a.id: a}, {a.id: ann})
    (view,) = comparison.outlets
    assert view.cue_verbs == {"said": 1}
    assert view.attributed_share == 0.25
    assert is_speech_cue("according to") and is_speech_cue("denied") and is_speech_cue("admitted")
    assert not is_speech_cue("showed") and not is_speech_cue("expect") and not is_speech_cue(None)
