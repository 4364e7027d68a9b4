"""Duplicates and syndication groups (MinHash LSH + agency credits)."""

from __future__ import annotations

import random
import time
from pathlib import Path

from storylens.clean import agency_credits, assign_syndication, clean_document
from storylens.records import Article, Document

FIXTURES = Path(__file__).parent / "fixtures" / "clean"


def load(name: str, outlet: str, published: str | None = None, **fields) -> Article:
    text = (FIXTURES / name).read_text()
    return clean_document(
        Document(source=name, text=text, kind="txt", outlet=outlet, published=published, **fields)
    )


def by_outlet(articles: list[Article]) -> dict[str, Article]:
    return {a.outlet: a for a in articles}


def test_trimmed_wire_copy_is_grouped_and_independent_report_is_not() -> None:
    wire = load("wire_reservoir_agency.txt", "wire-desk", "2024-06-02T08:00:00Z")
    trimmed = load("wire_reservoir_trimmed.txt", "valley-post", "2024-06-02T09:30:00Z")
    independent = load("independent_reservoir.txt", "northern-herald", "2024-06-02T10:00:00Z")
    result = by_outlet(assign_syndication([independent, trimmed, wire]))
    assert result["wire-desk"].syndication_group == "wire:reuters"
    assert result["valley-post"].syndication_group == "wire:reuters"
    assert result["northern-herald"].syndication_group is None
    # trimmed and lightly edited: syndicated, but not a near-duplicate
    assert result["valley-post"].duplicate_of is None


def test_same_agency_credit_groups_unrelated_texts() -> None:
    strike = load("afp_port_strike.txt", "lindqvist-daily")
    fares = load("afp_rail_fares.txt", "sundmark-today")
    assert agency_credits(strike) == {"afp"}
    assert agency_credits(fares) == {"afp"}
    result = assign_syndication([strike, fares])
    assert {a.syndication_group for a in result} == {"wire:afp"}
    # the bare credit line was taken out of the text but kept for audit
    assert "— AFP" not in result[0].text
    assert any(r.text == "— AFP" and r.reason.startswith("credit-line") for r in strike.removed)


def test_copies_without_credit_get_a_content_group_and_duplicate_of_the_earliest() -> None:
    base = (FIXTURES / "independent_reservoir.txt").read_text()
    copies = [
        clean_document(Document(source=f"{o}.txt", text=base, kind="txt", outlet=o, published=p))
        for o, p in [("b-outlet", "2024-06-03"), ("a-outlet", "2024-06-02"), ("c-outlet", None)]
    ]
    result = by_outlet(assign_syndication(copies))
    earliest = result["a-outlet"]
    assert earliest.duplicate_of is None
    assert result["b-outlet"].duplicate_of == earliest.id
    assert result["c-outlet"].duplicate_of == earliest.id
    groups = {a.syndication_group for a in result.values()}
    assert groups == {f"syn-{earliest.id}"}


def test_credit_forms_are_recognised() -> None:
    cases = {
        "KABUL, Aug 10 (Reuters) - Fighting continued in the north on Tuesday as forces regrouped.": {
            "reuters"
        },
        "WASHINGTON (AP) — The Senate voted on Tuesday to extend the program for another year.": {
            "ap"
        },
        "The Senate voted on Tuesday to extend the program for another year.\n\nWith news agencies": {
            "agencies"
        },
        "The Senate voted on Tuesday to extend the program for another year.\n\nSource: AFP": {
            "afp"
        },
        "The Senate voted on Tuesday to extend the program for another year, Reuters reported.": set(),
        "Officials told the Associated Press that the vote was delayed until the next session.": set(),
        "PORT HALDEN, June 2 (Baltic Wire Service) - The ferry strike ended on Sunday evening.": {
            "baltic-wire-service"
        },
        "The ferry strike ended on Sunday evening after long talks in the port.\n\n— Harbour News Agency": {
            "harbour-news-agency"
        },
        "The World Health Organization (WHO) - which met on Monday - said the outbreak was over.": set(),
        "VELMORA, June 2 (Harbour Press) - The ferry strike ended on Sunday after long talks in the port.\n\n"
        "(Reporting by Lena Moor; Editing by Tom Vail)": {"harbour-press"},
        "The ferry strike ended on Sunday evening after long talks in the port.\n\n"
        "(Reporting by Lena Moor; Editing by Tom Vail)": {"reuters"},
    }
    for text, expected in cases.items():
        article = clean_document(Document(source="x", text=text, kind="txt", outlet="o"))
        assert agency_credits(article) == expected, text


def test_wire_byline_counts_as_credit() -> None:
    article = load("independent_reservoir.txt", "o", author="Associated Press")
    assert agency_credits(article) == {"ap"}


def test_unsyndicated_articles_keep_none() -> None:
    articles = [
        load("independent_reservoir.txt", "northern-herald"),
        load("bridge_closure_page.txt", "meridian-gazette"),
    ]
    assert [a.syndication_group for a in assign_syndication(articles)] == [None, None]
    assert assign_syndication([]) == []


def _synthetic_corpus(count: int, seed: int = 7) -> list[Article]:
    """Distinct synthetic articles plus a few trimmed copies, for scale checks."""
    rng = random.Random(seed)
    vocabulary = [f"w{n}" for n in range(5000)]
    articles = []
    for n in range(count):
        words = rng.choices(vocabulary, k=300)
        if n % 50 == 1:  # a trimmed copy of the previous article
            words = articles[-1].text.split()[:200]
        text = " ".join(words)
        articles.append(Article(id=f"a{n:05d}", source=f"s{n}", outlet=f"o{n % 97}", text=text))
    return articles


def test_lsh_scales_to_thousands_and_finds_the_planted_copies() -> None:
    articles = _synthetic_corpus(2000)
    started = time.perf_counter()
    result = assign_syndication(articles)
    elapsed = time.perf_counter() - started
    grouped = [a for a in result if a.syndication_group]
    assert len(grouped) == 2 * len(range(1, 2000, 50))
    assert elapsed < 60  # a sanity bound, not a benchmark (see bench/)
