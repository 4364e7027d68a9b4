"""Contradictions: a negation conflicts only with a claim stating what it negates."""

from __future__ import annotations

import pytest

from storylens.compare import _contradiction
from storylens.records import Claim


def _claim(text: str, article_id: str) -> Claim:
    return Claim(id=f"c-{article_id}", article_id=article_id, start=0, end=len(text), text=text)


def test_a_negation_contradicts_the_statement_it_negates() -> None:
    denied = _claim("The harbour master said the crane had not been inspected since 2019.", "a")
    stated = _claim("The harbour master said the crane had been inspected in 2019.", "b")
    assert _contradiction(denied, stated)
    assert _contradiction(stated, denied)


def test_a_negation_does_not_contradict_a_claim_that_only_shares_names() -> None:
    negated = _claim("Harbour master Ruth Okello said the leak did not endanger the crane.", "a")
    other = _claim("Harbour master Ruth Okello was suspended on Friday pending an inquiry.", "b")
    assert _contradiction(negated, other) is None


def test_two_negated_claims_agree() -> None:
    one = _claim("The union said it would not call off the strike.", "a")
    two = _claim("Union leaders said they would not call off the walkout.", "b")
    assert _contradiction(one, two) is None


def test_the_detail_quotes_the_negated_claim_cut_at_a_word() -> None:
    long_text = ("Officials at the regional water authority said that the northern reservoir had never been "
                 "drained for repairs during the past decade.")
    negated = _claim(long_text, "a")
    stated = _claim("The northern reservoir was drained for repairs last year, officials said.", "b")
    detail = _contradiction(negated, stated)
    assert detail and detail.endswith("…\"") and len(detail) < len(long_text) + 30
    quoted = detail.split('"', 1)[1].rstrip('"').rstrip("…")
    assert long_text.startswith(quoted) and long_text[len(quoted)] == " "


def _said(text: str, speaker: str, cue: str, polarity: str, article_id: str, quantities=()) -> Claim:
    from storylens.records import ClaimAttribution

    return Claim(id=f"c-{article_id}-{len(text)}", article_id=article_id, start=0, end=len(text), text=text,
                 attribution=ClaimAttribution(speaker=speaker, cue=cue, polarity=polarity),
                 quantities=tuple(quantities))


def test_a_report_that_mentions_the_denier_is_not_the_deniers_own_side() -> None:
    from storylens.compare import _same_side

    denial = _said("Police denied that officers shot a ferry worker.", "Police", "denied", "denies", "a")
    union = _said("A ferry worker was shot when police cleared the pier, the union said.", "the union", "said",
                  "asserts", "b")
    own = _said("Police commander Ruth Achieng said officers used only tear gas.", "Ruth Achieng", "said",
                "asserts", "c")
    assert not _same_side(denial, union)
    assert _same_side(denial, own)


def test_a_shared_number_must_count_a_shared_thing() -> None:
    from storylens.compare import _shares_a_count
    from storylens.records import Quantity

    def q(value, counted):
        return Quantity(start=0, end=1, text=str(value), value=value, counted=counted)

    assert _shares_a_count([q(150, "militants killed")], [q(150, "Taliban militants killed")])
    assert _shares_a_count([q(150, None)], [q(150, "militants killed")])  # "denied the figure of 150"
    assert not _shares_a_count([q(3, None)], [q(3, None)])  # a "three-day strike" and "three of them"
    assert not _shares_a_count([q(3, "days")], [q(3, "people hurt")])


@pytest.mark.parametrize("text,day,dates_the_report", [
    ("Prosecutors said on Tuesday they had opened an inquiry.", "Tuesday", True),
    ("The ministry confirmed in a statement on Monday that talks would resume.", "Monday", True),
    ("On Tuesday, the ministry told reporters that the bridge was closed.", "Tuesday", True),
    ("The dam burst on Monday after three days of rain.", "Monday", False),
    ("He flew to the area on Monday afternoon and said aid would follow.", "Monday", False),
])
def test_a_day_that_dates_the_report_is_not_the_day_of_the_event(text, day, dates_the_report):
    from storylens.compare.conflicts import _when_said
    from storylens.records import Claim, TimeExpr

    start = text.index(day)
    claim = Claim(id="c", article_id="a", start=0, end=len(text), text=text)
    time = TimeExpr(start=start, end=start + len(day), text=day, value="2026-03-10")
    assert _when_said(claim, time) is dates_the_report


def _slot_claim(article: str, text: str, number: str, value: float, counted: str, qualifier=None):
    from storylens.records import Claim, Quantity

    start = text.index(number)
    quantity = Quantity(start=start, end=start + len(number), text=number, value=value, counted=counted,
                        qualifier=qualifier)
    return Claim(id=f"{article}-{start}", article_id=article, start=0, end=len(text), text=text,
                 quantities=(quantity,))


class _Claims:
    """The two fields story_slot_conflicts reads of an alignment."""

    def __init__(self, claims):
        import numpy as np

        self.claims = claims
        self.source = np.array([c.article_id for c in claims])


def test_story_slots_compare_every_pair_of_outlets():
    from storylens.compare.conflicts import story_slot_conflicts

    claims = [
        _slot_claim("a", "The flood killed at least 12 people.", "at least 12", 12, "people killed", "at least"),
        _slot_claim("b", "Nine deaths were confirmed by the ministry.", "Nine", 9, "deaths confirmed"),
        _slot_claim("b", "Seven officers were injured.", "Seven", 7, "officers injured"),
        _slot_claim("a", "Fourteen workers were injured.", "Fourteen", 14, "workers injured"),
    ]
    found = story_slot_conflicts(_Claims(claims))
    assert [(i, j, kind) for i, j, kind, _ in found] == [(0, 1, "number")]
    assert found[0][3] == "the dead: at least 12 vs Nine"
    # an outlet that also gives the other number anywhere does not dispute it
    claims.append(_slot_claim("b", "Local officials had reported 12 deaths.", "12", 12, "deaths reported"))
    assert story_slot_conflicts(_Claims(claims)) == []
    # articles labelled as different events are not compared
    assert story_slot_conflicts(_Claims(claims[:2]), events={"a": 0, "b": 1}) == []


def test_an_age_is_one_persons():
    from storylens.compare.conflicts import story_slot_conflicts

    alcorn = [
        _slot_claim("a", "Jennifer Alcorn, 29, was arraigned.", "29", 29, "age of Jennifer Alcorn"),
        _slot_claim("b", "Alcorn, 28, is accused.", "28", 28, "age of Alcorn"),
    ]
    assert [d for *_, d in story_slot_conflicts(_Claims(alcorn))] == ["Alcorn's age: 29 vs 28"]
    brothers = [
        _slot_claim("a", "Salah Ali, 70, said.", "70", 70, "age of Salah Ali"),
        _slot_claim("b", "Rahman Ali, 77, said.", "77", 77, "age of Rahman Ali"),
    ]
    assert story_slot_conflicts(_Claims(brothers)) == []


def test_two_rungs_of_one_ladder_for_one_person_conflict():
    from storylens.compare.conflicts import story_title_conflicts
    from storylens.records import Claim

    def claim(article, text):
        return Claim(id=f"{article}-{len(text)}", article_id=article, start=0, end=len(text), text=text)

    claims = [
        claim("a", "said Matthew Kanan, an assistant professor of chemistry at Stanford."),
        claim("b", "says Matthew Kanan, an associate professor of chemistry."),
        claim("c", "Kanan, an associate professor, led the work."),
        claim("a", "U.S. District Judge Jane Roe ruled on Tuesday."),
        claim("b", "In March, Colonel Smith said the base would close."),
        claim("c", "Roe, a federal judge, ruled."),
    ]
    found = story_title_conflicts(_Claims(claims))
    assert [(i, j, d) for i, j, _, d in found] == [
        (0, 1, "Kanan's academic rank: assistant professor vs associate professor"),
        (0, 2, "Kanan's academic rank: assistant professor vs associate professor"),
    ]


def test_a_number_an_outlet_gives_outside_its_claims_is_not_disputed_by_it():
    from storylens.compare.conflicts import story_slot_conflicts
    from storylens.records import Quantity

    claims = [
        _slot_claim("a", "Salah Ali, 70, the grandfather, spoke.", "70", 70, "age of Salah Ali"),
        _slot_claim("b", "Salah Ali, 77, talks about the accident.", "77", 77, "age of Salah Ali"),
    ]
    assert len(story_slot_conflicts(_Claims(claims))) == 1
    # b's text also says "said a devastated Salah Ali, 70," around a quotation (no claim of its own)
    around_a_quote = {"b": [Quantity(start=0, end=2, text="70", value=70, counted="age of Salah Ali")]}
    assert story_slot_conflicts(_Claims(claims), quantities=around_a_quote) == []


def test_a_judged_pair_does_not_dispute_a_slot_number_its_outlet_also_gives():
    from storylens.compare.conflicts import _number_conflict

    a = _slot_claim("a", "Salah Ali, 70, the grandfather, spoke.", "70", 70, "age of Salah Ali")
    b = _slot_claim("b", "Salah Ali, 77, talks about the accident.", "77", 77, "age of Salah Ali")
    assert _number_conflict(a, b) == "Ali's age: 70 vs 77"
    assert _number_conflict(a, b, frozenset(), frozenset({("age:ali", 70.0)})) is None


def test_a_part_is_no_total():
    from storylens.compare.conflicts import _number_conflict
    from storylens.records import Quantity

    def claim(article, text, number, value, counted, whole=None):
        c = _slot_claim(article, text, number, value, counted)
        q = c.quantities[0].model_copy(update={"whole": whole})
        return c.model_copy(update={"quantities": (q,)})

    total = claim("a", "The flood wave tore through about 60 houses.", "60", 60, "houses")
    part = claim("b", "Roughly 40 of the village's houses will have to be demolished.", "40", 40, "houses")
    assert _number_conflict(total, part) is None
    six = claim("a", "The Taliban control 6 of the 34 capitals.", "6", 6, "capitals", whole=34)
    five = claim("b", "The Taliban control 5 of the 34 capitals.", "5", 5, "capitals", whole=34)
    assert _number_conflict(six, five) is not None
    assert isinstance(six.quantities[0], Quantity)


def test_one_place_in_two_of_its_corners_is_a_place_conflict():
    from storylens.compare.conflicts import _place_conflict
    from storylens.records import Claim

    def claim(article: str, text: str) -> Claim:
        return Claim(id=f"c-{article}", article_id=article, start=0, end=len(text), text=text, places=("Velmora",))

    northeast = claim("a", "The fossil was dug out of a quarry in northeastern Velmora last summer.")
    northwest = claim("b", "The fossil came from a quarry in north-western Velmora, the museum said.")
    north = claim("c", "The fossil was found in the northern part of Velmora.")
    plain = claim("d", "The fossil was found in Velmora.")
    detail = _place_conflict(northeast, northwest, {})
    assert detail is not None and "northeastern Velmora" in detail and "north-western Velmora" in detail
    assert _place_conflict(northeast, north, {}) is None  # the north holds the northeast
    assert _place_conflict(northeast, plain, {}) is None  # no bearing is no disagreement
    # the place is one of two a claim names: its bearing still disagrees
    ranged = Claim(id="c-e", article_id="e", start=0, end=76, places=("Tarsk", "Velmora"),
                   text="Such animals roamed from eastern Tarsk to northwestern Velmora, the study says.")
    assert _place_conflict(northeast, ranged, {}) is not None
    both = Claim(id="c-f", article_id="f", start=0, end=60, places=("Velmora",),
                 text="Floods hit southern Velmora and then northern Velmora.")
    assert _place_conflict(northeast, both, {}) is None  # named twice: no one bearing


def test_a_toll_of_some_people_or_of_another_day_is_another_count():
    from storylens.compare.conflicts import story_slot_conflicts
    from storylens.records import TimeExpr

    journalists = [
        _slot_claim("a", "The bodies of the two dead journalists were not recovered.", "two", 2, "dead journalists"),
        _slot_claim("b", "The UN says more than 7,500 people have died in the crackdown.", "more than 7,500", 7500,
                    "people died", "more than"),
    ]
    assert story_slot_conflicts(_Claims(journalists)) == []

    def dated(claim: Claim, day: str, value: str) -> Claim:
        start = claim.text.index(day)
        time = TimeExpr(start=start, end=start + len(day), text=day, value=value)
        return claim.model_copy(update={"times": (time,)})

    monday = dated(_slot_claim("a", "As many as 125 people died across the province on Monday.", "As many as 125",
                               125, "people died", "as many as"), "Monday", "2026-03-09")
    tuesday = dated(_slot_claim("b", "Four people were killed across the province on Tuesday.", "Four", 4,
                                "people killed"), "Tuesday", "2026-03-10")
    assert story_slot_conflicts(_Claims([monday, tuesday])) == []
    also_monday = dated(_slot_claim("b", "At least 144 people were killed on Monday.", "At least 144", 144,
                                    "people killed", "at least"), "Monday", "2026-03-09")
    assert len(story_slot_conflicts(_Claims([monday, also_monday]))) == 1


def test_counts_of_two_scopes_are_not_one_toll():
    from storylens.compare.conflicts import story_slot_conflicts

    scopes = [
        _slot_claim("a", "Activists said 15 people had been killed in the northern district.", "15", 15,
                    "people killed"),
        _slot_claim("b", "The UN says more than 7,500 people have died since the uprising began.", "more than 7,500",
                    7500, "people died", "more than"),
    ]
    assert story_slot_conflicts(_Claims(scopes)) == []


def _dated(article: str, text: str, *days: tuple[str, str], number: tuple[str, float, str] | None = None) -> Claim:
    """A claim with its dated expressions (text, ISO value) and at most one count."""
    from storylens.records import Quantity, TimeExpr

    times = tuple(
        TimeExpr(start=text.index(day), end=text.index(day) + len(day), text=day, value=value) for day, value in days
    )
    quantities = ()
    if number:
        at = text.index(number[0])
        quantities = (Quantity(start=at, end=at + len(number[0]), text=number[0], value=number[1], counted=number[2]),)
    return Claim(id=f"{article}-{len(text)}", article_id=article, start=0, end=len(text), text=text,
                 times=times, quantities=quantities)


def test_one_moment_at_two_clock_times_is_a_time_conflict():
    from storylens.compare.conflicts import _clock_conflict

    early = _claim("The ferry left the pier in Kisumu around 10:30 a.m., harbour officials said.", "a")
    late = _claim("The ferry left the Kisumu pier at around 11:40 a.m. with 60 passengers aboard.", "b")
    rounded = _claim("The ferry pulled away from Kisumu's pier at about 11:45 a.m.", "c")
    assert _clock_conflict(early, late) == "10:30 a.m. vs 11:40 a.m."
    assert _clock_conflict(late, rounded) is None  # five minutes apart: rounding, not a disagreement
    bound = _claim("The ferry had left the pier by 11 a.m., officials said.", "d")
    assert _clock_conflict(early, bound) is None  # "by 11 a.m." bounds the moment, it does not give it
    two = _claim("The ferry left at 10:30 a.m. and docked at 1 p.m.", "e")
    assert _clock_conflict(two, late) is None  # which of its two times would be the moment?


def test_clock_times_on_two_days_are_two_moments():
    from storylens.compare.conflicts import _clock_conflict

    monday = _dated("a", "The ferry left the pier at 10:30 a.m. on March 2, 2026.", ("March 2, 2026", "2026-03-02"))
    tuesday = _dated("b", "The ferry left the pier at 4 p.m. on March 3, 2026.", ("March 3, 2026", "2026-03-03"))
    assert _clock_conflict(monday, tuesday) is None


def test_a_date_conflicts_only_where_both_dates_date_one_thing():
    from storylens.compare.conflicts import _date_disagreement

    arrived = _dated("a", "He was flown to Nairobi in 2019, then tried and jailed for fraud, the court heard.",
                     ("2019", "2019-01-01"))
    jailed = _dated("b", "The former mayor was jailed for fraud on March 3, 2021, after a long trial.",
                    ("March 3, 2021", "2021-03-03"))
    assert _date_disagreement(arrived, jailed) is None  # 2019 dates the flight, not the jailing
    other_day = _dated("c", "The former mayor was jailed for fraud on May 12, 2021, the court said.",
                       ("May 12, 2021", "2021-05-12"))
    assert _date_disagreement(jailed, other_day) == "March 3, 2021 (2021-03-03) vs May 12, 2021 (2021-05-12)"


def test_counts_of_two_periods_are_two_counts():
    from storylens.compare.conflicts import _number_conflict

    since = _dated("a", "The tower drew some 20 complaints about its lifts since January 2025, city records show.",
                   ("January 2025", "2025-01-01"), number=("some 20", 20.0, "complaints"))
    one_day = _dated("b", "Two complaints about the lift were filed on March 9, 2024, records show.",
                     ("March 9, 2024", "2024-03-09"), number=("Two", 2.0, "complaints"))
    assert _number_conflict(since, one_day) is None
    same_period = _dated("c", "The tower drew 45 complaints about its lifts since January 2025, records show.",
                         ("January 2025", "2025-01-01"), number=("45", 45.0, "complaints"))
    assert _number_conflict(since, same_period) == "some 20 complaints vs 45 complaints"
