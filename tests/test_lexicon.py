"""The lexicon: each kind of shared knowledge defined once, and the inflector's forms."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from storylens.lexicon import cues, numbers, quotes, words
from storylens.lexicon.datelines import DATELINE
from storylens.records import Attribution, ClaimAttribution, Quote, Span

SRC = Path(__file__).resolve().parents[1] / "src" / "storylens"
LEXICON = SRC / "lexicon"
# A string literal holding one of these words, in code outside the lexicon, is a copy of a
# vocabulary: verbs of saying and denial as surface forms, number words, agencies. (The cue
# finder's own rule lists of lemmas, such as attributions.STANCE, are one rule's knowledge.)
KNOWN_WORDS = ("said", "denied", "refuted", "announced", "eleven", "fourteen", "fourteenth", "xinhua", "yonhap")
# One connective in a pattern, not a vocabulary: "…, said the regional governor, Maria Okafor".
ALLOWED = {("compare/outlets.py", "said")}


def _literals(path: Path) -> list[str]:
    """The string constants of a module's code, docstrings left out (they may say "said")."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                  if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
                  and node.body and isinstance(node.body[0], ast.Expr)
                  and isinstance(node.body[0].value, ast.Constant)}
    return [node.value for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings]


def test_each_vocabulary_is_defined_once_in_the_lexicon():
    copies = []
    for path in sorted(SRC.rglob("*.py")):
        if LEXICON in path.parents:
            continue
        for literal in _literals(path):
            found = [w for w in KNOWN_WORDS if re.search(rf"(?<![\w-]){w}(?![\w-])", literal)
                     and (str(path.relative_to(SRC)), w) not in ALLOWED]
            if found:
                copies.append(f"{path.relative_to(SRC)}: {found} in {literal[:60]!r}")
    assert not copies, "vocabulary outside storylens/lexicon:\n" + "\n".join(copies)


def test_the_lexicon_holds_each_known_word():
    literals = " ".join(lit for path in LEXICON.rglob("*.py") for lit in _literals(path)).lower()
    assert all(word in literals for word in ("say", "deny", "refute", "announce", "eleven", "fourteen", "xinhua"))


@pytest.mark.parametrize(("lemma", "forms"), [
    ("say", {"say", "says", "said", "saying"}),
    ("deny", {"deny", "denies", "denied", "denying"}),
    ("write", {"write", "writes", "wrote", "written", "writing"}),
    ("admit", {"admit", "admits", "admitted", "admitting"}),
    ("answer", {"answer", "answers", "answered", "answering"}),
    ("stress", {"stress", "stresses", "stressed", "stressing"}),
    ("agree", {"agree", "agrees", "agreed", "agreeing"}),
    ("note", {"note", "notes", "noted", "noting"}),
    ("plan", {"plan", "plans", "planned", "planning"}),
])
def test_the_inflector_makes_each_form(lemma, forms):
    assert cues.inflect(lemma) == forms


def test_the_inflector_gives_one_tense_when_asked():
    assert cues.inflect("say", "tell", tenses=("past",)) == {"said", "told"}
    assert cues.inflect("write", tenses=("past",)) == {"wrote"}


def test_derived_cue_sets_come_from_the_base_lists():
    assert set(cues.CLAIM_CUE_LEMMAS) <= cues.SPEECH
    assert cues.NOT_ON_RECORD <= cues.SPEECH and not cues.ON_RECORD & cues.SPEECH - cues.DENIAL
    assert {"said", "denied", "according", "spoke"} <= cues.SPEECH_FORMS
    assert {"said", "says", "denial", "contested", "according"} <= cues.CLAIM_CUE_WORDS
    assert "contest" not in cues.CLAIM_CUE_WORDS  # only its inflected forms, as align measured
    assert cues.REPORTED_BEFORE_TIME == {"said", "says", "told", "announced", "reported", "added", "stated",
                                         "predicted"}


def test_cue_kinds():
    assert cues.cue_kind("said") == "speech" and cues.cue_kind("according to") == "speech"
    assert cues.cue_kind("denied") == "denial" and cues.cue_kind("dismissed") == "denial"
    assert cues.cue_kind("rebuffed", denies=True) == "denial"
    assert cues.cue_kind("showed") == "other" and cues.cue_kind(None) == "other"
    assert not cues.is_speech_cue("expects") and cues.is_speech_cue("admitted")


def test_records_carry_the_kind_and_a_denial_cue_denies():
    cue = Span(start=4, end=10, text="denied")
    attribution = Attribution(start=0, end=20, text="x" * 20, cue=cue, content=Span(start=11, end=20, text="y" * 9))
    assert attribution.kind == "denial" and attribution.polarity == "denies"
    claim = ClaimAttribution(speaker="Police", cue="said")
    assert claim.kind == "speech" and "kind" not in claim.to_dict()  # the report's JSON is unchanged
    quote = Quote(speaker=None, cue="showed", text="t", direct=False, article_id="a", start=0, end=1)
    assert quote.kind == "other" and Quote.model_validate(quote.to_dict()) == quote


def test_quotes_numbers_words_and_datelines():
    text = 'He said "we will rebuild the bridge" and left.'
    spans = quotes.quotation_spans(text)
    assert spans == [(8, 36)]
    assert quotes.inside_quote(10, spans) and not quotes.inside_quote(40, spans)
    assert quotes.quotation_open_at(text, 20) and not quotes.quotation_open_at(text, 40)
    assert set(quotes.QUOTE_CHARS) == set("\"“”‘’'″") and "'" not in quotes.QUOTE_MARKS
    assert numbers.QUANTITY_UNITS["dozens"] == 24 and numbers.CLAIM_NUMBER_WORDS["tenth"] == 10
    assert "sixteen" not in numbers.RELATIVE_TIME_COUNTS and numbers.RELATIVE_TIME_COUNTS["an"] == 1
    assert words.word_count("Don't go to the U.S. now") == 6 and words.token_count("Don't go") == 3
    assert words.claim_stems("Police said the bridges were defended") == ["police", "bridg", "defend"]
    assert DATELINE.match("KABUL, Aug 10 (Reuters) - The Taliban").group(0) == "KABUL, Aug 10 (Reuters) - "


def test_counts_read_right_in_every_output():
    from storylens.lexicon.words import plural

    assert [plural(1, "story"), plural(2, "story"), plural(1, "article"), plural(0, "outlet")] == [
        "1 story", "2 stories", "1 article", "0 outlets"]


@pytest.mark.parametrize("text,minutes,hedged,bounding", [
    ("at about 11:45 a.m. on the 23rd floor", [705], True, False),
    ("at 9 p.m. Tuesday", [1260], False, False),
    ("shortly after 3 a.m.", [180], True, False),
    ("the lights were back by 5pm", [1020], True, True),
    ("talks resumed at noon", [720], False, False),
    ("the launch at 21:30 GMT", [1290], False, False),
    ("12:15 a.m.", [15], False, False),
])
def test_clock_times_are_read_with_their_hedges(text, minutes, hedged, bounding):
    from storylens.lexicon.clock import clock_times

    found = clock_times(text)
    assert [c.minutes for c in found] == minutes
    assert found[0].hedged is hedged and found[0].bounding is bounding
    assert text[found[0].start:found[0].end] == found[0].text


@pytest.mark.parametrize("text", ["the score was 10.30 points", "at 10:30 on the pitch", "Room 14 on floor 3"])
def test_numbers_that_are_no_certain_clock_time_are_left_out(text):
    from storylens.lexicon.clock import clock_times

    assert clock_times(text) == []


@given(hour=st.integers(1, 12), minute=st.integers(0, 59), meridiem=st.sampled_from(["a.m.", "p.m.", "am", "PM"]))
def test_every_twelve_hour_clock_time_reads_as_its_minutes(hour, minute, meridiem):
    from storylens.lexicon.clock import clock_times

    (found,) = clock_times(f"The train left at {hour}:{minute:02d} {meridiem} sharp.")
    expected = (hour % 12 + (12 if meridiem.lower().startswith("p") else 0)) * 60 + minute
    assert found.minutes == expected


def test_leans_back_reads_openers_not_names():
    from storylens.lexicon.words import LEANS_BACK

    for text in ("But Brown was one of the few", "His findings illustrate", "I am absolutely off my nut",
                 "This is the first time", "We are", "However, the agency said"):
        assert LEANS_BACK.match(text), text
    for text in ("US officials said", "Iran said", "Andrew Ilic said", "Thistle Road", "He said on Monday",
                 "Butler County", "Ours", "Island residents", "Italy", "\u201cWe lost everything,\u201d said Ilic"):
        assert not LEANS_BACK.match(text), text
