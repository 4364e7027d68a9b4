"""Property tests: cleaning is idempotent and accounts for every line;
syndication does not depend on input order."""

from __future__ import annotations

import re
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from storylens.clean import assign_syndication, clean_document, clean_text
from storylens.clean.normalize import normalize_text
from storylens.records import Article, Document

FIXTURES = Path(__file__).parent / "fixtures" / "clean"
FIXTURE_LINES = [
    line
    for name in ("bridge_closure_page.txt", "wire_reservoir_agency.txt", "afp_port_strike.txt")
    for line in (FIXTURES / name).read_text().splitlines()
    if line.strip()
]

line_strategy = st.one_of(
    st.sampled_from(FIXTURE_LINES),
    st.text(
        alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\n\r"),
        max_size=60,
    ),
    st.sampled_from(["", " ", "\u00a0", "| Home | News |", "Comments", "- item", "(Photo: X)"]),
)
separator = st.sampled_from(["\n", "\n\n", "\r\n", "\n \n\n", "\u2028"])


@st.composite
def raw_texts(draw) -> str:
    lines = draw(st.lists(line_strategy, max_size=25))
    seps = draw(st.lists(separator, min_size=len(lines), max_size=len(lines)))
    return "".join(line + sep for line, sep in zip(lines, seps, strict=True))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(raw_texts())
def test_cleaning_is_idempotent(raw: str) -> None:
    text, _ = clean_text(raw)
    again, removed_again = clean_text(text)
    assert again == text
    assert removed_again == []


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(raw_texts())
def test_removed_and_kept_account_for_every_line(raw: str) -> None:
    text, removed = clean_text(raw)
    kept = text.split("\n\n") if text else []
    paragraphs = normalize_text(raw)
    # each normalised paragraph is either kept or removed, in order, nothing invented
    assert len(kept) + len(removed) == len(paragraphs)
    pool = list(paragraphs)
    for piece in [*kept, *(r.text for r in removed)]:
        pool.remove(piece)
    # and every raw line with text in it lives on inside one of them
    for raw_line in re.split(r"\r\n|\r|\n|\u2028|\u2029|\x0b|\x0c|\x85", raw):
        for piece in normalize_text(raw_line):
            assert any(piece in p for p in paragraphs), piece


def _article(name: str, outlet: str, published: str | None) -> Article:
    text = (FIXTURES / name).read_text()
    return clean_document(
        Document(source=name, text=text, kind="txt", outlet=outlet, published=published)
    )


CORPUS = [
    _article("wire_reservoir_agency.txt", "wire-desk", "2024-06-02"),
    _article("wire_reservoir_trimmed.txt", "valley-post", "2024-06-02"),
    _article("wire_reservoir_trimmed.txt", "river-times", None),
    _article("independent_reservoir.txt", "northern-herald", "2024-06-03"),
    _article("independent_reservoir.txt", "herald-mirror", "2024-06-01"),
    _article("afp_port_strike.txt", "lindqvist-daily", None),
    _article("afp_rail_fares.txt", "sundmark-today", "2024-05-30"),
    _article("bridge_closure_page.txt", "meridian-gazette", "2024-03-14"),
]


@settings(max_examples=40, deadline=None)
@given(st.permutations(CORPUS))
def test_syndication_does_not_depend_on_order(shuffled: list[Article]) -> None:
    reference = {a.id: a for a in assign_syndication(CORPUS)}
    result = assign_syndication(shuffled)
    assert [a.id for a in result] == [a.id for a in shuffled]
    for article in result:
        expected = reference[article.id]
        assert article.syndication_group == expected.syndication_group
        assert article.duplicate_of == expected.duplicate_of
