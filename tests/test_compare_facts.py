"""Facts that read right: representative text, quotes of different people, denials (issue 5).

Fictional text throughout: a quarry landslide in the invented town of Brennmoor.
"""

from __future__ import annotations

import numpy as np

from align_helpers import annotate_by_hand, article
from storylens.align import Alignment, align_claims, extract_claims
from storylens.compare import (
    _facts,
    _number_conflict,
    _representative,
    compare_story,
    denial_content,
)
from storylens.group import one_story
from storylens.records import Claim, ClaimAttribution, Quantity
from storylens.resources import get_static_embedder


def _claim(text: str, article_id: str, attribution: ClaimAttribution | None = None, start: int = 0) -> Claim:
    return Claim(
        id=f"c-{abs(hash((text, article_id, start))) % 10**8}",
        article_id=article_id,
        start=start,
        end=start + len(text),
        text=text,
        attribution=attribution,
    )


def _said(speaker: str, cue: str = "said", polarity: str = "asserts") -> ClaimAttribution:
    return ClaimAttribution(speaker=speaker, cue=cue, polarity=polarity)


def test_representative_is_the_medoid_preferring_an_outlets_own_complete_sentence():
    claims = [
        _claim('"The hill just came down on us.', "a", _said("Ida Renn")),
        _claim("A landslide at the Brennmoor quarry buried six houses on Friday night.", "b"),
        _claim("The landslide buried six houses on Friday, the mayor said.", "c", _said("the mayor")),
        _claim("six houses buried", "d"),
    ]
    # the fragment "six houses buried" is the most central claim by a little
    prob = np.array(
        [
            [1.0, 0.40, 0.40, 0.45],
            [0.40, 1.0, 0.80, 0.82],
            [0.40, 0.80, 1.0, 0.82],
            [0.45, 0.82, 0.82, 1.0],
        ],
        dtype=np.float32,
    )
    alignment = Alignment(claims=claims, clusters=[[0, 1, 2, 3]], vectors=np.eye(4, dtype=np.float32), prob=prob)
    assert _representative([0, 1, 2, 3], alignment) == 1
    # without the outlet's own sentence, the attributed complete sentence wins over the quote
    assert _representative([0, 2, 3], alignment) == 2


def test_a_denial_is_never_a_facts_representative_text():
    claims = [
        _claim("The council said the quarry had been inspected in May.", "a", _said("The council")),
        _claim("The operator denied that the quarry had been inspected in May.", "b", _said("The operator", "denied", "denies")),
    ]
    prob = np.array([[1.0, 0.9], [0.9, 1.0]], dtype=np.float32)
    alignment = Alignment(claims=claims, clusters=[[0, 1]], vectors=np.eye(2, dtype=np.float32), prob=prob, cluster_of=[0, 0])
    (fact,) = _facts_with_articles(alignment)
    assert fact.text == claims[0].text
    assert fact.status == "disputed"


def _facts_with_articles(alignment: Alignment):
    articles = {
        aid: article(aid, "x", outlet=aid).model_copy(update={"id": aid})
        for aid in {c.article_id for c in alignment.claims}
    }
    return _facts(alignment, articles, {})


SENATOR = (
    "An opposition senator said the landslide at the Brennmoor quarry killed far more people than reported.\n"
    "“I say it plainly: at least 30 people died under that hill,” Senator Tomas Weir said on Saturday.\n"
    "The Interior Ministry denied the claim, calling it “reckless speculation”.\n"
    "Rescue teams with dogs searched the rubble through the night.\n"
)
WITNESS = (
    "A landslide at the Brennmoor quarry buried six houses on Friday night.\n"
    "“The hill came down on the houses in less than a minute,” said Ida Renn, a baker who lives nearby.\n"
    "The Interior Ministry said seven people had been confirmed dead.\n"
)
REPORT = (
    "Seven people were killed when a landslide at the Brennmoor quarry buried six houses on Friday night.\n"
    "Police denied that officers had closed the quarry road before the slide.\n"
    "Rescue teams with dogs searched the rubble through the night, officials said.\n"
)
LOCAL = (
    "Residents said officers had closed the quarry road before the slide.\n"
    "The quarry, which employs 80 people, has been shut until further notice.\n"
)


def _landslide():
    senator, witness = article("north-star", SENATOR), article("hill-gazette", WITNESS)
    report, local = article("river-daily", REPORT), article("brennmoor-voice", LOCAL)
    brennmoor = ("Brennmoor", "GPE", "Brennmoor")
    ministry = ("Interior Ministry", "ORG", "Interior Ministry")
    annotations = {
        senator.id: annotate_by_hand(
            SENATOR,
            entities=(brennmoor, ministry, ("Tomas Weir", "PERSON", "Tomas Weir")),
            attributions=(
                ("An opposition senator", "said", "the landslide at the Brennmoor quarry killed far more people than reported", "asserts"),
                ("Senator Tomas Weir", "said", "I say it plainly: at least 30 people died under that hill", "asserts"),
                ("The Interior Ministry", "denied", "the claim", "denies"),
            ),
            quantities=(("at least 30", 30, "people died"),),
        ),
        witness.id: annotate_by_hand(
            WITNESS,
            entities=(brennmoor, ministry, ("Ida Renn", "PERSON", "Ida Renn")),
            attributions=(
                ("Ida Renn", "said", "The hill came down on the houses in less than a minute", "asserts"),
                ("The Interior Ministry", "said", "seven people had been confirmed dead", "asserts"),
            ),
            quantities=(("six", 6, "houses"), ("seven", 7, "people dead")),
        ),
        report.id: annotate_by_hand(
            REPORT,
            entities=(brennmoor,),
            attributions=(
                ("Police", "denied", "officers had closed the quarry road before the slide", "denies"),
                ("officials", "said", "Rescue teams with dogs searched the rubble through the night", "asserts"),
            ),
            quantities=(("Seven", 7, "people killed"), ("six", 6, "houses")),
        ),
        local.id: annotate_by_hand(
            LOCAL,
            entities=(brennmoor,),
            attributions=(("Residents", "said", "officers had closed the quarry road before the slide", "asserts"),),
            quantities=(("80", 80, "people"),),
        ),
    }
    articles = [senator, witness, report, local]
    by_id = {a.id: a for a in articles}
    return articles, by_id, annotations


def _fact_holding(comparison, fragment):
    found = [f for f in comparison.facts if any(fragment in c.text for c in f.claims)]
    assert found, f"no fact holds {fragment!r}"
    return found[0]


def test_direct_quotes_of_different_speakers_stay_apart():
    articles, by_id, annotations = _landslide()
    claims = [c for a in articles for c in extract_claims(a, annotations[a.id])]
    alignment = align_claims(claims, by_id, embedder=get_static_embedder())
    senator = next(i for i, c in enumerate(claims) if "at least 30 people died" in c.text)
    witness = next(i for i, c in enumerate(claims) if "The hill came down" in c.text)
    assert alignment.cluster_of[senator] != alignment.cluster_of[witness]
    assert alignment.pair_prob(senator, witness) < 0.2


def _cited_texts(by_id, conflict) -> list[str]:
    return [by_id[c.article_id].text[c.start : c.end] for c in conflict.claims]


def test_an_anaphoric_denial_disputes_the_statement_just_before_it():
    articles, by_id, annotations = _landslide()
    comparison = compare_story(one_story(articles), by_id, annotations, embedder=get_static_embedder())
    toll = _fact_holding(comparison, "at least 30 people died")
    assert toll.status == "disputed"
    assert any("denied the claim" in c.text for c in toll.claims)
    denial = next(k for k in toll.conflicts if k.kind == "denial")
    assert "Interior Ministry" in denial.detail
    cited = _cited_texts(by_id, denial)
    assert "at least 30 people died" in cited[0] and "denied the claim" in cited[-1]
    # the denial is in no other fact; the fact does not read as someone else's quote
    assert [f for f in comparison.facts if any("denied the claim" in c.text for c in f.claims)] == [toll]
    assert not any("The hill came down" in c.text for c in toll.claims)
    assert "denied" not in toll.text and "The hill" not in toll.text


def test_an_explicit_denial_disputes_the_claim_it_names_in_another_outlet():
    articles, by_id, annotations = _landslide()
    comparison = compare_story(one_story(articles), by_id, annotations, embedder=get_static_embedder())
    road = _fact_holding(comparison, "Residents said officers had closed the quarry road")
    assert road.status == "disputed"
    assert any(c.text.startswith("Police denied") for c in road.claims)
    (denial,) = [k for k in road.conflicts if k.kind == "denial"]
    assert _cited_texts(by_id, denial)[0].startswith("Residents said officers had closed")
    # the sentence right before the denial (the death toll) is not what police deny
    for fact in comparison.facts:
        for conflict in fact.conflicts:
            if conflict.kind == "denial" and "Police" in conflict.detail:
                assert not any("Seven people" in t for t in _cited_texts(by_id, conflict))


def test_denial_content_is_what_follows_the_cue():
    claim = _claim("Police denied that officers had closed the road.", "a", _said("Police", "denied", "denies"))
    assert denial_content(claim) == "officers had closed the road"
    claim = _claim("The ministry rejected the claim, calling it speculation.", "a", _said("The ministry", "rejected", "denies"))
    assert denial_content(claim).startswith("the claim")


def _quantity(text: str, value: float, counted: str | None) -> Quantity:
    return Quantity(start=0, end=len(text), text=text, value=value, counted=counted)


def test_numbers_of_vaguely_counted_people_do_not_conflict():
    confirmed = _claim("Seven people were confirmed dead.", "a").model_copy(
        update={"quantities": (_quantity("Seven", 7, "people confirmed"),)}
    )
    missing = _claim("Three people were missing.", "b").model_copy(
        update={"quantities": (_quantity("Three", 3, "people"),)}
    )
    assert _number_conflict(confirmed, missing) is None
    killed = _claim("Nine people were killed.", "c").model_copy(
        update={"quantities": (_quantity("Nine", 9, "people killed"),)}
    )
    died = _claim("Seven people died.", "d").model_copy(update={"quantities": (_quantity("Seven", 7, "people died"),)})
    assert _number_conflict(killed, died)


def test_a_value_both_claims_state_is_not_a_conflict():
    """"2 million crowns ($90,000)" in two copies of one sentence: the annotator
    may give both numbers the same unit, and still nothing disagrees."""
    both = (_quantity("2 million", 2e6, "crowns"), _quantity("$90,000", 9e4, "crowns"))
    first = _claim("The town will pay 2 million crowns ($90,000) in aid.", "a").model_copy(update={"quantities": both})
    copy = _claim("The town will pay 2 million crowns ($90,000) in aid.", "b").model_copy(update={"quantities": both})
    assert _number_conflict(first, copy) is None
    other = _claim("The town will pay 3 million crowns in aid.", "c").model_copy(
        update={"quantities": (_quantity("3 million", 3e6, "crowns"),)}
    )
    assert _number_conflict(first, other)


def test_a_fact_echoing_part_of_another_is_dropped_unless_it_carries_a_dispute():
    from storylens.compare import _drop_contained_facts
    from storylens.records import Conflict, Fact

    a, b, c = (_claim(t, f"art{n}") for n, t in enumerate(["The quarry closed.", "The quarry shut.", "Work stopped."]))

    def fact(fid, claims, conflicts=()):
        return Fact(id=fid, text=claims[0].text, status="corroborated", outlets=("x",), independent_outlets=1,
                    claims=tuple(claims), conflicts=conflicts)

    whole, echo, other = fact("f1", [a, b, c]), fact("f2", [a, b]), fact("f3", [c])
    assert [f.id for f in _drop_contained_facts([whole, echo])] == ["f1"]
    denial = Conflict(kind="denial", detail="x denied it", claims=())
    disputed = fact("f2", [a, b], (denial,))
    assert [f.id for f in _drop_contained_facts([whole, disputed, other])] == ["f1", "f2"]


def test_a_denial_never_targets_its_own_sides_statement():
    residents = article("valley-voice", "Residents said officers had closed the quarry road before the slide.\n")
    police_text = (
        "Brennmoor police chief Anton Berg said officers had closed the quarry road before the slide for an hour.\n"
        "Police denied that officers had closed the quarry road before the slide to keep people in.\n"
    )
    police = article("town-crier", police_text)
    annotations = {
        residents.id: annotate_by_hand(
            residents.text,
            attributions=(("Residents", "said", "officers had closed the quarry road before the slide", "asserts"),),
        ),
        police.id: annotate_by_hand(
            police_text,
            entities=(("Anton Berg", "PERSON", "Anton Berg"),),
            attributions=(
                ("Anton Berg", "said", "officers had closed the quarry road before the slide for an hour", "asserts"),
                ("Police", "denied", "officers had closed the quarry road before the slide to keep people in", "denies"),
            ),
        ),
    }
    by_id = {residents.id: residents, police.id: police}
    comparison = compare_story(one_story([residents, police]), by_id, annotations, embedder=get_static_embedder())
    denials = [k for f in comparison.facts for k in f.conflicts if k.kind == "denial"]
    assert denials
    for denial in denials:
        assert not any("Anton Berg" in t for t in _cited_texts(by_id, denial))
    assert any(_cited_texts(by_id, k)[0].startswith("Residents said") for k in denials)


def test_word_for_word_copies_in_two_clusters_become_one_fact() -> None:
    from collections import defaultdict

    from storylens.compare import _merge_identical_claims

    wire = "Floodwater cut the coastal road to Lakeport on Monday, the county said."
    texts = [wire, "The county opened two shelters in the school gym.", wire, "Crews began clearing mud."]
    claims = [Claim(id=f"c{i}", article_id=f"a{i % 2}", start=0, end=len(t), text=t) for i, t in enumerate(texts)]
    clusters = [[0, 1], [2], [3]]
    cluster_of = [0, 0, 1, 2]
    denials: dict = defaultdict(list)
    denials[1].append((2, None))
    secondary = _merge_identical_claims(claims, clusters, cluster_of, denials, [[], [3], []])
    assert clusters == [[0, 1, 2], [], [3]]
    assert cluster_of == [0, 0, 0, 2]
    assert denials[0] == [(2, None)] and 1 not in denials
    assert secondary[0] == [3] and secondary[1] == []


def test_denial_content_is_the_one_clause_denied() -> None:
    def content(text: str, cue: str = "denied") -> str:
        return denial_content(_claim(text, "a", _said("x", cue, "denies")))

    assert content("Her agent denied through a lawyer that the two had a feud, but fans said so.") == "the two had a feud"
    assert content('The mayor denies "all of these claims" — that he sold the land or that he knew of the deal.',
                   "denies") == "he sold the land or that he knew of the deal"
    assert content("He denied the meeting took place, another point the inquiry will weigh.") == "the meeting"
    assert content("The firm flatly denied in a statement that it had dumped waste.") == "it had dumped waste"


def test_withholding_something_disputes_no_one() -> None:
    from storylens.lexicon.cues import denies_a_statement

    for cue, content in (("denied", "entry into the country"), ("denied", "him bail"),
                         ("denying", "them to the larger papers"), ("denied", "the right to appeal")):
        assert not denies_a_statement(cue, content), content
    for cue, content in (("denied", "the allegations"), ("denied", "that the dam failed"), ("denies", "it"),
                         ("denied", "any wrongdoing")):
        assert denies_a_statement(cue, content), content


def _quarry_denial_story(denial_sentence: str):
    report_text = (
        "The mill in Brennmoor will close in June, the owners said.\n"
        "Workers said the owners had a secret deal with a developer for the quarry land last year.\n"
    )
    reply_text = (
        "Brennmoor's mayor opened a new bridge on Tuesday.\n"
        "Forty workers at the mill will lose their jobs.\n"
        f"{denial_sentence}\n"
    )
    report, reply = article("valley-voice", report_text), article("town-crier", reply_text)
    cue = "denied"
    content = denial_sentence.split(cue, 1)[1].strip(" .")
    annotations = {
        report.id: annotate_by_hand(report_text, attributions=(
            ("the owners", "said", "The mill in Brennmoor will close in June", "asserts"),
            ("Workers", "said", "the owners had a secret deal with a developer for the quarry land last year", "asserts"),
        )),
        reply.id: annotate_by_hand(reply_text, attributions=(
            (denial_sentence.split(" ", 2)[0] + " " + denial_sentence.split(" ", 2)[1], cue, content, "denies"),
        )),
    }
    by_id = {report.id: report, reply.id: reply}
    return compare_story(one_story([report, reply]), by_id, annotations, embedder=get_static_embedder()), by_id


def test_an_explicit_denial_finds_the_statement_it_names_not_the_sentence_before_it() -> None:
    # one content word: before, any denial of under two words was read as "denied it" (the sentence before)
    comparison, by_id = _quarry_denial_story("The owners denied there was ever a deal.")
    denials = [k for f in comparison.facts for k in f.conflicts if k.kind == "denial"]
    assert denials
    cited = [_cited_texts(by_id, k)[0] for k in denials]
    assert all("secret deal" in t for t in cited), cited


def test_being_denied_entry_is_no_dispute() -> None:
    comparison, _ = _quarry_denial_story("The workers were denied entry to the quarry land.")
    assert not [k for f in comparison.facts for k in f.conflicts if k.kind == "denial"]


def test_a_count_added_to_another_or_one_places_share_is_no_total() -> None:
    def counted(text: str, article_id: str, *numbers: tuple[str, float, str | None]) -> Claim:
        quantities = []
        for word, value, what in numbers:
            at = text.index(word)
            quantities.append(Quantity(start=at, end=at + len(word), text=word, value=value, counted=what))
        return _claim(text, article_id).model_copy(update={"quantities": tuple(quantities)})

    toll = counted("Twelve people were killed in the flood on Monday.", "a", ("Twelve", 12, "people killed"))
    added = counted("Another nine were killed on Monday.", "b", ("nine", 9, "killed"))
    more = counted("Nine more people were killed on Monday.", "c", ("Nine", 9, "people killed"))
    share = counted("Nine people were killed in the Harwick district, four in the Orlin valley.", "d",
                    ("Nine", 9, "people killed"), ("four", 4, None))
    plain = counted("Nine people were killed in the flood on Monday.", "e", ("Nine", 9, "people killed"))
    assert _number_conflict(toll, plain)  # the control: two tolls of one flood
    for part in (added, more, share):
        assert _number_conflict(toll, part) is None, part.text


def _knowing_denial_story(claim_about_knowing: bool):
    """The mayor denies he knew of a payment; one report states the payment and, maybe, that he knew."""
    deed = "The quarry firm paid the council's clerk 50,000 crowns last spring"
    knew = "the mayor knew the quarry firm had paid the clerk"
    report_text = f"{deed}, the auditors said.\n" + (f"Workers said {knew}.\n" if claim_about_knowing else "")
    reply_text = (
        "The harbour opened on Monday.\nThe mayor denied that he knew the quarry firm had paid the clerk 50,000 crowns.\n"
    )
    report, reply = article("valley-voice", report_text), article("town-crier", reply_text)
    annotations = {
        report.id: annotate_by_hand(report_text, attributions=(
            ("the auditors", "said", deed, "asserts"),
            *((("Workers", "said", knew, "asserts"),) if claim_about_knowing else ()),
        )),
        reply.id: annotate_by_hand(reply_text, attributions=(
            ("The mayor", "denied", "that he knew the quarry firm had paid the clerk 50,000 crowns", "denies"),
        )),
    }
    by_id = {report.id: report, reply.id: reply}
    return compare_story(one_story([report, reply]), by_id, annotations, embedder=get_static_embedder()), by_id


def test_a_denial_of_knowing_disputes_the_claim_that_he_knew_not_the_deed() -> None:
    comparison, by_id = _knowing_denial_story(claim_about_knowing=True)
    denials = [k for f in comparison.facts for k in f.conflicts if k.kind == "denial"]
    assert denials
    assert all("the mayor knew" in _cited_texts(by_id, k)[0] for k in denials)


def test_a_denial_of_knowing_with_no_claim_about_knowing_disputes_nothing() -> None:
    comparison, _ = _knowing_denial_story(claim_about_knowing=False)
    payment = _fact_holding(comparison, "The quarry firm paid")
    assert payment.status != "disputed"
    assert not [k for k in payment.conflicts if k.kind == "denial"]
