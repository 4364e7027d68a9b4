"""The bundled examples' planted disagreements (examples/README.md, "Ground truth") are found.

Event A's early tolls differ (at least 12 dead in the wire copy, nine confirmed by the Interior
Ministry) and so do the displaced (more than 3,000 forced from their homes vs about 2,300
evacuated): each must be a conflicting fact with both sides as evidence.
"""

from __future__ import annotations

import pytest

import storylens
from conftest import EXAMPLES
from storylens.annotate import annotate
from storylens.lexicon.counted import count_class

DAM_FILES = (
    "continental-courier-2026-03-10.txt",
    "danube-post-2026-03-10.md",
    "bucharest-observer-2026-03-10.txt",
    "northern-chronicle-2026-03-11.html",
)


@pytest.fixture(scope="module")
def dam_story():
    report = storylens.analyze([EXAMPLES / name for name in DAM_FILES], one_story=True)
    (story,) = report.stories
    texts = {a.id: a.text for a in report.articles}
    return story, texts


def _cited(report_texts, citation) -> str:
    return report_texts[citation.article_id][citation.start : citation.end]


@pytest.mark.parametrize(
    ("label", "one_side", "other_side"),
    [("the dead", "at least 12", "nine"), ("people displaced", "3,000", "2,300")],
)
def test_planted_disagreements_are_conflicting_facts_with_both_sides(dam_story, label, one_side, other_side):
    story, texts = dam_story
    found = [
        (fact, conflict)
        for fact in story.facts
        for conflict in fact.conflicts
        if conflict.kind == "number" and conflict.detail.startswith(label)
    ]
    assert found, f"no conflict about {label}: {[k.detail for f in story.facts for k in f.conflicts]}"
    fact, conflict = found[0]
    assert fact.status in ("conflicting", "disputed")
    assert one_side in conflict.detail and other_side in conflict.detail
    sides = {c.article_id for c in conflict.claims}
    assert len(sides) >= 2, "a conflict cites both outlets"
    cited = " ".join(_cited(texts, c) for c in conflict.claims)
    assert one_side in cited and other_side in cited


@pytest.mark.parametrize(
    ("sentence", "number", "slot"),
    [
        ("The dam burst on Monday, killing at least 12 people in two villages.", "at least 12", "dead"),
        ("The flood forced more than 3,000 from their homes.", "more than 3,000", "displaced"),
        ("Officials said nine people had been confirmed dead.", "nine", "dead"),
        ("About 2,300 people were evacuated from the valley.", "About 2,300", "displaced"),
        ("Jennifer Alcorn, 29, was arraigned on Wednesday.", "29", "age:alcorn"),
        ("Police said 28-year-old Jennifer Alcorn was charged.", "28", "age:alcorn"),
        ("At least 14 people were injured in the blast.", "At least 14", "injured"),
        ("As many as 125 people died across the province on Monday.", "As many as 125", "dead"),
        ("The group said a total of 125 people had died in the fighting.", "125", "dead"),
        ("Hundreds of residents fled their homes overnight.", "Hundreds", "displaced"),
        ("Neighbour Frank Macomber was missing. Macomber, 65, was found in a ditch.", "65", "age:macomber"),
    ],
)
def test_counted_slots_are_read_from_the_parse(sentence, number, slot):
    quantities = annotate(sentence, published="2026-03-10").quantities
    slots = {q.text: count_class(q.counted) for q in quantities}
    assert slots.get(number) == slot, slots


def test_count_classes_do_not_mix():
    assert count_class("people killed and injured") is None  # two slots: no single one
    assert count_class("houses") is None
    assert count_class("fled from homes") == "displaced"
    assert count_class("forced to resign") is None
