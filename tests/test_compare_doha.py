"""Issue 5 acceptance on the canonical Doha reports (read from ../shared, never committed)."""

from __future__ import annotations

from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
DOHA = SHARED / "examples" / "doha-2021-08"
ALJAZEERA = "aljazeera-arabic-translated"
ENGLISH = "english-report"

# (what the check is about, key-word sets locating a claim of the first article, of the
# second): one fact must hold a claim of each. A claim matches a set when it contains every
# word of it (case-insensitive); key words, not sentences, so no third-party text is committed.
SHARED_FACTS = [
    ("envoy to Doha", [("Khalilzad", "Qatari", "Doha")],
     [("Khalilzad", "Doha", "rounds"), ("press", "Taliban", "stop"), ("Khalilzad", "Doha", "help")]),
    ("rounds of meetings over three days", [("rounds", "meetings", "3", "days")],
     [("rounds", "meetings", "three", "days"), ("Khalilzad", "Doha", "rounds")]),
    ("violence, ceasefire, non-recognition", [("reduction", "violence", "cease-fire")],
     [("reduction", "violence", "ceasefire")]),
    ("Afghans must defend their country", [("Afghans", "responsible", "defending")],
     [("country", "defend", "now"), ("Afghan", "political", "military", "leaders")]),
    ("sixth provincial capital, Aybak", [("controls", "6", "capitals"), ("city", "Aybak")],
     [("sixth", "provincial", "capital"), ("overrun", "Aybak")]),
    ("Trump's withdrawal decision", [("Trump", "decided", "withdraw")],
     [("withdrawal", "deal", "Trump")]),
    ("withdrawal by the end of August", [("leave", "end", "August")],
     [("August", "31", "withdrawal"), ("extract", "US", "forces")]),
    ("continued US support", [("Washington", "continue", "support", "Afghan"), ("Washington", "maintain")],
     [("continue", "support", "Afghanistan", "military"), ("continue", "support", "them")]),
]
ONLY_FIRST = [("violent", "battles", "still"), ("UNICEF", "children"), ("Atmar", "met")]
ONLY_SECOND = [("McKenzie", "commander"), ("no", "attack", "aircraft")]


def _matches(text: str, words: tuple[str, ...]) -> bool:
    lowered = text.lower()
    return all(word.lower() in lowered for word in words)


@pytest.fixture(scope="module")
def doha():
    if not DOHA.exists():
        pytest.skip("../shared/examples/doha-2021-08 not present")
    import storylens

    report = storylens.analyze([str(DOHA)], published="2021-08-10", one_story=True)
    outlet_of = {a.id: Path(a.source).stem for a in report.articles}
    text_of = {a.id: a.text for a in report.articles}
    return report.stories[0], outlet_of, text_of


def _facts_with(story, outlet_of, outlet, fragments):
    return [
        fact
        for fact in story.facts
        if any(outlet_of[c.article_id] == outlet and any(_matches(c.text, f) for f in fragments) for c in fact.claims)
    ]


# Proposition facts (issue 13) join two claims only where the pair model reads them as one
# proposition; this loose paraphrase across the machine translation ("leave by the end of
# August" / "Biden's August 31 withdrawal date") is a miss of its recall (0.30 held out on
# newsfacts), shown here, not hidden. "Rounds of meetings over three days" was one too
# until the word-piece fact model (session 7) joined it, and "controls 6 of the capitals" /
# "captured a sixth provincial capital" until the fact model was refitted with features
# that no longer depend on the hash seed (session 11). That pair sits on the cut: the shipped
# fits have scored it 0.445-0.503 against the 0.5 link (its claims are dated to two days,
# Sunday's capture of Sheberghan and Monday's announcement), and the refit on annotator 17
# (states placed, "Woodland Park, Colorado") scores it 0.445 again.
PROPOSITION_MISSES = {"withdrawal by the end of August", "sixth provincial capital, Aybak"}


@pytest.mark.parametrize("about,first,second", [
    pytest.param(*s, marks=pytest.mark.xfail(strict=True, reason="proposition-fact recall (issue 13)"))
    if s[0] in PROPOSITION_MISSES else s
    for s in SHARED_FACTS
], ids=[s[0] for s in SHARED_FACTS])
def test_shared_fact_carries_both_articles(doha, about, first, second):
    story, outlet_of, _ = doha
    both = [
        fact
        for fact in _facts_with(story, outlet_of, ALJAZEERA, first)
        if any(outlet_of[c.article_id] == ENGLISH and any(_matches(c.text, f) for f in second) for c in fact.claims)
    ]
    assert both, f"no fact carries '{about}' from both articles"
    assert all(f.independent_outlets == 2 for f in both)


@pytest.mark.parametrize("fragment", ONLY_FIRST)
def test_first_article_exclusives(doha, fragment):
    story, outlet_of, _ = doha
    facts = _facts_with(story, outlet_of, ALJAZEERA, [fragment])
    assert facts
    assert all({outlet_of[c.article_id] for c in f.claims} == {ALJAZEERA} for f in facts)


@pytest.mark.parametrize("fragment", ONLY_SECOND)
def test_second_article_exclusives(doha, fragment):
    story, outlet_of, _ = doha
    facts = _facts_with(story, outlet_of, ENGLISH, [fragment])
    assert facts
    assert all({outlet_of[c.article_id] for c in f.claims} == {ENGLISH} for f in facts)


def test_150_militants_claim_is_disputed(doha):
    story, outlet_of, text_of = doha
    facts = _facts_with(story, outlet_of, ALJAZEERA, [("150", "Taliban", "killed")])
    assert facts and all(f.status == "disputed" for f in facts)
    denial = next(k for k in facts[0].conflicts if k.kind == "denial")
    cited = [text_of[c.article_id][c.start : c.end] for c in denial.claims]
    assert any(_matches(t, ("Taliban", "denied", "killing")) for t in cited)


def test_outlet_views_and_entities(doha):
    story, _, _ = doha
    assert len(story.outlets) == 2
    for view in story.outlets:
        assert view.fact_ids and view.exclusive_fact_ids
        assert 0 < view.attributed_share < 1
        assert view.cue_verbs.get("said", 0) >= 3
    khalilzad = next(e for e in story.entities if e.name.endswith("Khalilzad"))
    assert len(khalilzad.mentions_by_outlet) == 2
