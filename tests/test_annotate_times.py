"""Time normalisation rules (no model needed)."""

from __future__ import annotations

from datetime import date

import pytest

from storylens.annotate.times import (
    as_iso,
    is_future_context,
    parse_anchor,
    resolve,
    year_in_context,
)

ANCHOR = parse_anchor("2021-08-10T09:30:00Z")  # a Tuesday


@pytest.mark.parametrize(
    ("text", "future", "expected"),
    [
        ("Tuesday", False, ("2021-08-10", None)),
        ("on Monday", False, ("2021-08-09", None)),
        ("Monday", True, ("2021-08-16", None)),
        ("Friday", False, ("2021-08-06", None)),
        ("yesterday", False, ("2021-08-09", None)),
        ("yesterday evening", False, ("2021-08-09", None)),
        ("today, Tuesday", False, ("2021-08-10", None)),
        ("last week", False, ("2021-08-02", "2021-08-08")),
        ("August 31", False, ("2021-08-31", None)),
        ("Aug. 31, 2021", False, ("2021-08-31", None)),
        ("by the end of August", False, ("2021-08-31", None)),
        ("the 10th to the 12th of this month", False, ("2021-08-10", "2021-08-12")),
        ("March 12", False, ("2021-03-12", None)),
        ("last year", False, ("2020-01-01", "2020-12-31")),
        ("two years ago", False, ("2019-01-01", "2019-12-31")),
        ("December", False, ("2020-12-01", "2020-12-31")),
        ("December", True, ("2021-12-01", "2021-12-31")),
    ],
)
def test_resolve(text, future, expected):
    assert as_iso(resolve(text, ANCHOR, future=future)) == expected


@pytest.mark.parametrize(
    ("text", "timex"),
    [("now", "PRESENT_REF"), ("recently", "PAST_REF"), ("the future", "FUTURE_REF"), ("this week", "2021-W32"),
     ("last month", "2021-07"), ("1998", "1998"), ("the 1990s", "199"), ("this morning", "2021-08-10"),
     ("the third quarter", "2021-Q3"), ("fiscal 1999", "1999")],
)
def test_timeml_values(text, timex):
    assert resolve(text, ANCHOR).timex == timex


def test_durations_and_unanchored_relatives_have_no_date():
    assert as_iso(resolve("3 days", ANCHOR)) == (None, None)
    assert as_iso(resolve("Monday", None)) == (None, None)
    assert as_iso(resolve("August 31, 2021", None)) == ("2021-08-31", None)
    assert parse_anchor("garbage") is None


@pytest.mark.parametrize(
    ("text", "published", "future", "expected"),
    [
        ("this year's third quarter", "1991-11-04", False, "1991-Q3"),
        ("its fourth quarter", "1991-11-04", False, "1991-Q4"),
        ("the current quarter", "1991-11-04", False, "1991-Q4"),
        ("the last half of 1992", "1991-11-04", False, "1992-H2"),
        ("Thanksgiving Day", "1992-01-10", False, "1991-11-28"),
        ("Feb. 1", "1991-10-28", False, "1992-02-01"),  # clearly nearer ahead than behind
        ("March 3", "1991-10-28", False, "1991-03-03"),  # past events dominate news
        ("Jan. 14", "1992-01-16", True, "1992-01-14"),  # a plan reported two days after the fact
    ],
)
def test_general_period_rules(text, published, future, expected):
    assert resolve(text, date.fromisoformat(published), future=future).timex == expected


@pytest.mark.parametrize(
    ("sentence", "day", "future"),
    [
        ("The mayor said he had invited both unions to talks at the town hall on Thursday.", "Thursday", True),
        ("The court postponed the hearing to Monday.", "Monday", True),
        ("The minister was summoned by parliament on Monday.", "Monday", False),
        ("Kiptoo said on Thursday that the talks had failed.", "Thursday", False),
    ],
)
def test_invitations_and_postponements_point_ahead(sentence, day, future):
    assert is_future_context(sentence, sentence.index(day)) is future


@pytest.mark.parametrize(("sentence", "number", "is_year"), [
    ("1222 1238 1471", "1238", False),
    ("Totals: 1222, 1238 and 1471.", "1471", False),
    ("The council counted 1222 votes.", "1222", False),
    ("A total of 1471 people were moved.", "1471", False),
    ("Some 1238 more were registered.", "1238", False),
    ("The mill was built in 1998.", "1998", True),
    ("Prices have doubled since 2001.", "2001", True),
    ("It opened in June 1998 after a delay.", "1998", True),
    ("Output fell from 1991 to 1997.", "1991", True),
    ("The plant closed at the end of 1989.", "1989", True),
    ("He lost the 1996 election.", "1996", True),
    ("in 320 cases", "320", False),
    ("Prices rose to 1238 on Monday.", "1238", False),
    ("The quake struck at 1353 (1023 GMT).", "1023", False),
    ("Gangs ruled the city in the 1980's.", "1980", True),
    ("He was charged in the 1967 killings.", "1967", True),
    ("The Golden Compass (2007) was nominated.", "2007", True),
    ("The custom dates back to 1935.", "1935", True),
])
def test_bare_numbers_are_years_only_in_context(sentence: str, number: str, is_year: bool) -> None:
    start = sentence.index(number)
    assert year_in_context(sentence, start, start + len(number)) is is_year


def test_a_text_of_numbers_puts_nothing_on_the_timeline() -> None:
    from storylens.annotate import annotate

    numbers = "\n".join(f"{n} {n + 16} {n + 249}" for n in range(1222, 1300, 7))
    assert [t.text for t in annotate(numbers, published="2021-08-10").times if t.value] == []
    dated = annotate("The bridge was built in 1998, the council said on Monday.", published="2021-08-10")
    assert {t.value for t in dated.times} >= {"1998-01-01", "2021-08-09"}
