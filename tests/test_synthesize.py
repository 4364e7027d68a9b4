"""The cited digest, timeline and places on a hand-built fictional story."""

from __future__ import annotations

from storylens.lexicon.words import token_count
from storylens.records import Comparison, StoryGroup
from storylens.synthesize import synthesize_story
from synth_fixture import (
    IDS,
    PUBLISHED,
    build_annotations,
    build_articles,
    build_comparison,
    build_story,
)


def _cited(articles, citation) -> str:
    return articles[citation.article_id].text[citation.start : citation.end]


def test_every_summary_sentence_is_cited_source_text():
    articles, _, _, story = build_story(120)
    assert story.summary
    for sentence in story.summary:
        assert sentence.citations, sentence.text
        if not sentence.template:
            assert _cited(articles, sentence.citations[0]) == sentence.text


def test_corroborated_fact_cites_every_article_that_carries_it():
    articles, _, _, story = build_story(120)
    lead = next(s for s in story.summary if "f-evacuated" in s.fact_ids)
    assert {c.article_id for c in lead.citations} == {"a1", "b2", "c3"}


def test_number_conflict_and_denial_become_marked_templates_naming_both_sides():
    articles, _, comparison, story = build_story(200)
    templates = [s for s in story.summary if s.template]
    assert len(templates) == 2
    toll = next(t for t in templates if "f-toll" in t.fact_ids)
    assert toll.text.startswith("Accounts differ on the numbers")
    assert "north-gazette" in toll.text and "river-times" in toll.text
    assert toll.text.count("according to ") == 2  # one speaker or many, each side reads as English
    denial = next(t for t in templates if "f-embankment" in t.fact_ids)
    assert denial.text.startswith("Disputed:")
    assert "The construction company (per river-times) denies it" in denial.text
    for template in templates:
        for citation in template.citations:
            assert f"“{_cited(articles, citation)}”" in template.text
    # the contested sentences never appear bare: only inside their template
    bare = {s.text for s in story.summary if not s.template}
    assert not any("12 people were killed" in t for t in bare)


def test_summary_respects_the_word_budget():
    _, _, _, short = build_story(20)
    _, _, _, long = build_story(300)
    assert sum(token_count(s.text) for s in short.summary) < sum(token_count(s.text) for s in long.summary)
    # the budget may be passed by the last sentence only
    words = [token_count(s.text) for s in short.summary]
    assert sum(words[:-1]) < 20
    _, _, _, none = build_story(0)
    assert none.summary == ()


def test_lead_sentence_comes_first():
    _, _, _, story = build_story(120)
    assert story.summary[0].text.startswith("Flood waters swept through the river town of Velmora")


def test_without_facts_the_digest_falls_back_to_cited_sentences():
    articles = build_articles()
    annotations = build_annotations(articles)
    group = StoryGroup(id="s", title="Flood", article_ids=tuple(articles))
    story = synthesize_story(group, articles, annotations, Comparison(), summary_words=60)
    assert story.summary and not any(s.template for s in story.summary)
    for sentence in story.summary:
        assert _cited(articles, sentence.citations[0]) == sentence.text
    # the comparison had nothing, so people and outlets come from the annotations
    assert {e.name for e in story.entities} >= {"Ilina Petrova", "Marko Ilic", "Goran Vuk"}
    assert [o.outlet for o in story.outlets] == ["capital-wire", "north-gazette", "river-times"]


def test_redundant_sentences_are_not_repeated():
    _, _, _, story = build_story(300)
    texts = [s.text for s in story.summary if not s.template]
    evacuation = [t for t in texts if "Tuesday" in t]
    assert len(evacuation) == 1  # three outlets tell it; the digest says it once, cited thrice


def test_timeline_is_sorted_and_cites_the_dated_sentences():
    articles, _, _, story = build_story(120)
    dates = [(e.date, e.end_date or "") for e in story.timeline]
    assert dates == sorted(dates)
    tuesday = [e for e in story.timeline if e.date == PUBLISHED]
    assert len(tuesday) == 1 and {c.article_id for c in tuesday[0].citations} == set(IDS.values())
    week = next(e for e in story.timeline if e.end_date)
    assert (week.date, week.end_date) == ("2031-05-19", "2031-05-25")
    for entry in story.timeline:
        for citation in entry.citations:
            assert _cited(articles, citation)  # a real span of a real article


def test_places_are_counted_across_articles():
    _, _, _, story = build_story(120)
    (velmora,) = story.places
    assert velmora.name == "Velmora" and velmora.mentions == 4
    assert set(velmora.article_ids) == {"a1", "b2", "c3"}


def test_comparison_parts_pass_through():
    _, _, comparison, story = build_story(120)
    assert story.quotes == comparison.quotes
    assert story.outlets == comparison.outlets
    assert {f.id for f in story.facts} == {f.id for f in comparison.facts}
    assert story.facts[0].importance == max(f.importance for f in comparison.facts)


def test_a_real_denial_is_stated_even_in_a_short_digest():
    """A party denying a claim is what a reader must not miss: the denial template is forced in."""
    _, _, _, story = build_story(40)
    assert any(s.template and s.text.startswith("Disputed:") and "f-embankment" in s.fact_ids for s in story.summary)


def test_a_big_story_draws_candidates_from_every_article_s_lead_within_the_cap() -> None:
    from storylens.records import Article
    from storylens.synthesize import DEFAULT_SETTINGS, collect_candidates

    articles = {}
    for n in range(150):
        text = " ".join(
            f"Report {n} sentence {k} says the harbour crane number {k} stopped at dawn on Monday." for k in range(30)
        )
        articles[f"a{n}"] = Article(id=f"a{n}", source=f"s{n}", outlet=f"Outlet {n}", text=text)
    candidates = collect_candidates(list(articles), articles, {}, ())
    assert len(candidates) <= DEFAULT_SETTINGS.max_candidates
    assert {c.article_id for c in candidates} == set(articles)  # no article is left out
    assert all(c.index < 800 // 150 for c in candidates)  # the leading sentences of each


def test_a_small_story_keeps_every_sentence_as_a_candidate() -> None:
    from storylens.records import Article
    from storylens.synthesize import collect_candidates

    text = " ".join(f"Sentence {k} reports that gate {k} of the harbour reopened on Monday." for k in range(40))
    articles = {f"a{n}": Article(id=f"a{n}", source=f"s{n}", outlet=f"O{n}", text=text.replace("gate", f"gate {n}-"))
                for n in range(3)}
    assert len(collect_candidates(list(articles), articles, {}, ())) == 120


def test_digest_text_leaves_out_the_dateline_and_templates_do_not_double_quote() -> None:
    from storylens.synthesize import _unquoted, _without_dateline

    assert _without_dateline("LAKEPORT (Harbour Wire) - Floodwater cut the coastal road.") == "Floodwater cut the coastal road."
    assert _without_dateline("NATO - the alliance met.") == "NATO - the alliance met."
    assert _unquoted("“We will rebuild every house.”") == "We will rebuild every house."
    assert _unquoted("He said “no” on Monday.") == "He said “no” on Monday."


def test_a_digest_sentence_without_its_dateline_cites_exactly_its_own_words() -> None:
    from storylens.records import Article
    from storylens.synthesize import build_summary

    text = (
        "LAKEPORT (Harbour Wire) - Floodwater cut the coastal road to Lakeport on Monday after two days of rain.\n"
        "The county opened two shelters in the school gym and asked drivers to stay away."
    )
    articles = {"a": Article(id="a", source="a.txt", outlet="Harbour Wire", text=text)}
    summary = build_summary(["a"], articles, {}, (), 60)
    assert summary and summary[0].text.startswith("Floodwater cut the coastal road")
    for sentence in summary:
        own = sentence.citations[0]
        assert text[own.start : own.end] == sentence.text


def test_a_digest_sentence_cites_another_outlet_only_where_it_says_nearly_the_same() -> None:
    """A fact can hold a loosely joined claim: the digest cites, per other outlet, the claim
    closest to its sentence, and none that is not close (issue 13: citations support)."""
    from storylens.records import Claim, Fact
    from storylens.resources import get_embedder
    from storylens.synthesize.candidates import Candidate
    from storylens.synthesize.digest import _fact_citations

    sentence = "The ferry hit the pier at Port Halden on Saturday night, injuring four passengers."

    def claim(article_id: str, text: str, start: int = 0) -> Claim:
        return Claim(id=f"c-{article_id}-{start}", article_id=article_id, start=start, end=start + len(text), text=text)

    close_b = claim("b", "Four passengers were hurt when the ferry struck the Port Halden pier late on Saturday.", 100)
    loose_b = claim("b", "The ferry company has run the Port Halden crossing since 1998.")
    loose_c = claim("c", "Port Halden's pier was rebuilt in 2012 after a winter storm.")
    fact = Fact(id="f1", text=sentence, status="corroborated", outlets=("a", "b", "c"), independent_outlets=3,
                claims=(claim("a", sentence), loose_b, close_b, loose_c))
    cand = Candidate(article_id="a", index=0, total=5, start=0, end=len(sentence), text=sentence,
                     words=14, fact_ids=["f1"])
    embedder = get_embedder()
    own = embedder.embed([sentence])[0]

    def closeness(text: str) -> float:
        return float(own @ embedder.embed([text])[0])

    cited = _fact_citations(cand, {"f1": fact}, closeness, floor=0.6)
    assert [(c.article_id, c.start) for c in cited] == [("a", 0), ("b", 100)]
    # without a floor, every outlet of the fact is cited (the behaviour this replaces)
    assert {c.article_id for c in _fact_citations(cand, {"f1": fact})} == {"a", "b", "c"}


def test_a_claim_of_other_numbers_supports_no_digest_sentence() -> None:
    """"The agency says 7,500 died" is no evidence for "the network says 9,000 were killed",
    however alike the two read; the same count is."""
    from storylens.records import Claim, Fact, Quantity
    from storylens.synthesize.candidates import Candidate
    from storylens.synthesize.digest import _fact_citations

    def claim(article_id: str, text: str, value: float) -> Claim:
        quantity = Quantity(start=0, end=1, text=f"{value:g}", value=value)
        return Claim(id=f"c-{article_id}", article_id=article_id, start=0, end=len(text), text=text,
                     quantities=(quantity,))

    ours = claim("a", "The relief agency says more than 7,500 people have died in the floods.", 7500)
    other = claim("b", "The farmers' network estimates that 9,000 people have been killed by the floods.", 9000)
    same = claim("c", "More than 7,500 people have died in the floods, the relief agency said.", 7500)
    fact = Fact(id="f1", text=ours.text, status="corroborated", outlets=("a", "b", "c"), independent_outlets=3,
                claims=(ours, other, same))
    cand = Candidate(article_id="a", index=0, total=5, start=0, end=len(ours.text), text=ours.text,
                     words=13, fact_ids=["f1"])
    assert [c.article_id for c in _fact_citations(cand, {"f1": fact})] == ["a", "c"]


def test_a_side_of_a_disagreement_is_never_stated_bare_even_past_the_template_cap() -> None:
    """With room for one template only, the other contested sentences stay out of the digest
    rather than being stated as if undisputed ("six stories below" where another outlet says eight)."""
    from dataclasses import replace

    from storylens.synthesize import DEFAULT_SETTINGS

    articles = build_articles()
    annotations = build_annotations(articles)
    comparison = build_comparison(articles)
    group = StoryGroup(id="s-velmora", title="Flood in Velmora", article_ids=tuple(sorted(articles)))
    story = synthesize_story(group, articles, annotations, comparison, summary_words=300,
                             settings=replace(DEFAULT_SETTINGS, max_templates=1))
    assert sum(1 for s in story.summary if s.template) == 1
    sides = {(c.article_id, c.start, c.end) for f in comparison.facts for conflict in f.conflicts
             for c in conflict.claims}
    for sentence in story.summary:
        if not sentence.template:
            own = sentence.citations[0]
            assert not any(a == own.article_id and s < own.end and own.start < e for a, s, e in sides), sentence.text


def test_a_sentence_leaning_on_the_one_before_it_stays_out_of_the_digest() -> None:
    """Read alone, "But the mayor ..." or "His office ..." names no one; the digest says what
    the reports say without them (while anything else is left to say)."""
    from storylens.records import Article

    texts = {
        "a": "The Brana embankment in Velmora gave way on Tuesday after two days of rain. "
             "But the regional agency had declared the structure safe in March. "
             "Engineers from the agency will inspect the remains of the embankment next week.",
        "b": "Flood water from the broken Brana embankment reached the old quarter of Velmora by midday. "
             "His office said Prime Minister Goran Vuk would visit the flooded town on Thursday. "
             "\"We lost everything in one hour,\" said Marko Ilic, a baker whose shop stood beside the river. "
             "I have never seen the river this high.",
    }
    articles = {k: Article(id=k, source=f"{k}.txt", outlet=f"outlet-{k}", text=t) for k, t in texts.items()}
    group = StoryGroup(id="s", title="Flood", article_ids=tuple(articles))
    story = synthesize_story(group, articles, {}, Comparison(), summary_words=300)
    shown = [s.text for s in story.summary]
    assert any(t.startswith("Engineers") for t in shown) and any(t.startswith("\"We lost") for t in shown)
    assert not [t for t in shown if t.startswith(("But ", "His ", "I "))], shown
