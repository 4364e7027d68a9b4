"""Conflicts between claims of one fact: numbers, dates, places, negation, and which claim a denial targets."""


from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

from storylens.align import (
    Alignment,
    counted_key,
    is_region,
    same_counted,
    speaker_key,
)
from storylens.lexicon.bearings import bearing_before, bearing_words, bearings_disagree
from storylens.lexicon.clock import clock_times, clocks_disagree
from storylens.lexicon.counted import (
    AGE_PREFIX,
    COUNT_CLASSES,
    DISPLACING_VERBS,
    HOME_WORDS,
    HOW_KNOWN_STEMS,
    count_class,
)
from storylens.lexicon.cues import KNOWING, KNOWLEDGE_WORDS, REPORTED_AROUND_TIME
from storylens.lexicon.numbers import CARDINALS, CURRENCY_WORDS, INCREMENT_AFTER, INCREMENT_BEFORE
from storylens.lexicon.titles import person_titles
from storylens.lexicon.words import claim_stems
from storylens.records import (
    Citation,
    Claim,
    Conflict,
    Place,
    Quantity,
)

__all__ = [
    "CompareSettings",
    "DEFAULT_SETTINGS",
    "GENERIC_COUNTED",
    "NEGATION",
    "denial_content",
]

NEGATION = re.compile(r"\b(not|no|never|n't|none|nobody|neither|nor|without)\b|n't\b", re.I)


@dataclass(frozen=True)
class CompareSettings:
    """The tunable numbers of comparison, today's values as defaults.

    Passed down as ``settings=`` (compare_story, the fact builder, the conflict
    checks); before/after runs change fields with dataclasses.replace.
    """

    # claims must be this surely aligned (pair probability) before they can conflict
    conflict_min_prob: float = 0.6
    # share of the shorter claim's content words the other must hold for dates,
    # places and negation to be compared (otherwise they may belong to side events)
    contradiction_min_lex: float = 0.5
    # content words after "not"/"never"/… that say what is negated
    negated_scope: int = 3
    # a denial names the asserting claim that scores best above this (words, counts, nearness)
    denial_min_score: float = 0.35
    # an explicit denial's target is sought among every claim of a story up to this many claims
    # (beyond, among the claims the index paired it with): each candidate costs a small product
    denial_pool: int = 5000
    # How facts are formed: "propositions" (one proposition per fact: a pair judge, complete
    # linkage; align.propositions) or "events" (the average-linkage claim clusters of issue 5,
    # kept as the named baseline and for the ECB+ benchmark).
    facts: str = "propositions"
    # Proposition facts: two claims speak of one thing when their pair score (the fact
    # model's) reaches this; only such pairs are compared slot by slot (count, day, place).
    conflict_related: float = 0.5
    # ... and they contradict outright when P(contradiction) reaches this and beats P(same).
    conflict_contradiction: float = 0.95
    # ... and two far-apart places only when their pair score reaches this (on newsfacts dev
    # every place clash at the 0.5 cut was a false one; with the word-piece fact model of
    # session 7, "New Orleans vs Mercedes" still came at 0.85)
    place_conflict_link: float = 0.95
    # ... and two days likewise: two related statements of a story most often date two
    # moments of it (built in 1978 / burst on Monday; clashes Tuesday / suspended Thursday;
    # the word-piece fact model scores such pairs 0.85-0.92)
    date_conflict_link: float = 0.95
    # ... and two clock times ("around 11:40 a.m." / "around 10:30 a.m.") from this pair score:
    # an hour names one moment as specifically as a count names one number
    time_conflict_link: float = 0.5
    # Count classes that are one slot of a story wherever they are said (compared across
    # every pair of outlets, not only pairs judged to state one thing); "age" is a person's.
    story_slots: tuple[str, ...] = ("dead", "missing", "displaced", "age")


DEFAULT_SETTINGS = CompareSettings()

# ---------------------------------------------------------------- conflicts


_PARTITIVE = re.compile(r"\s+of\s+(?:the|its|their|his|her|our|those|these|them)\b", re.I)


def _partitive(claim: Claim, quantity: Quantity) -> bool:
    """"40 of the village's houses", "12 of them", "6 of the 34": a part of something."""
    at = quantity.end - claim.start
    return quantity.whole is not None or (0 <= at <= len(claim.text) and bool(_PARTITIVE.match(claim.text, at)))


def _added(claim: Claim, quantity: Quantity) -> bool:
    """"Sixty-five more were killed", "another 12 died": a count added to one given before."""
    at, begin = quantity.end - claim.start, quantity.start - claim.start
    return 0 <= begin <= at <= len(claim.text) and bool(
        INCREMENT_AFTER.match(claim.text, at) or INCREMENT_BEFORE.search(claim.text[:begin])
    )


def _one_of_a_breakdown(claim: Claim, quantity: Quantity) -> bool:
    """"15 people had been killed in the Idlib area, nine in the Aleppo area": one place's
    share of a toll the sentence splits, where another count of the same kind follows or leads."""
    slot = count_class(quantity.counted)
    if slot is None or not _placed(claim, quantity):
        return False
    return any(
        q is not quantity and q.value is not None and q.value != quantity.value
        and count_class(q.counted) in (slot, None) and _placed(claim, q)
        for q in claim.quantities
    )


# a count followed within a few words by where: "15 people had been killed in the Idlib area"
_PLACED = re.compile(r"(?:\W+\w+){0,5}?\s+in\s+(?:the\s+)?[A-Z]")


def _placed(claim: Claim, quantity: Quantity) -> bool:
    at = quantity.end - claim.start
    return 0 <= at <= len(claim.text) and bool(_PLACED.match(claim.text, at))


def _parts_of_other_things(a: Claim, qa: Quantity, b: Claim, qb: Quantity) -> bool:
    """A part is no total, and two parts are comparable only of one known whole ("6 of the
    34 capitals" / "5 of the 34"): "40 of the village's houses" does not contradict "60 houses".
    A count added to an earlier one ("65 more") or one place's share of a split toll is a part."""
    if _added(a, qa) or _added(b, qb) or _one_of_a_breakdown(a, qa) or _one_of_a_breakdown(b, qb):
        return True
    part_a, part_b = _partitive(a, qa), _partitive(b, qb)
    if not (part_a or part_b):
        return False
    return not (part_a and part_b and qa.whole is not None and qa.whole == qb.whole)


def _interval(quantity: Quantity) -> tuple[float, float] | None:
    if quantity.value is None:
        return None
    low = quantity.value
    high = quantity.value_max if quantity.value_max is not None else quantity.value
    qualifier = (quantity.qualifier or "").lower()
    if any(q in qualifier for q in ("at least", "more than", "over", "above", "upwards")):
        high = math.inf
    elif any(q in qualifier for q in ("up to", "at most", "less than", "fewer than", "under", "below")):
        low = 0.0
    elif any(q in qualifier for q in ("about", "around", "nearly", "almost", "approximately", "some", "roughly")):
        low, high = low * 0.85, high * 1.15
    return low, high


# Too vague to make two numbers contradict: "nine people [confirmed dead]" and
# "four people [missing]" count different things the annotator both calls people.
GENERIC_COUNTED = frozenset({"people"})


def _number_conflict(
    a: Claim, b: Claim, given_a: frozenset = frozenset(), given_b: frozenset = frozenset()
) -> str | None:
    """Same, specific counted thing, incompatible values - and a value that the
    other claim also states is not contradicted by it ("50 million lei ($10.9
    million)" in two copies of one sentence). ``given_a``/``given_b``: (slot, value)
    pairs each side's outlet gives anywhere (story_slot_values): not disputed by it."""
    if _dated_apart(a, b):
        return None
    values_a = {q.value for q in a.quantities}
    values_b = {q.value for q in b.quantities}
    # the base of a share ("2,800 of its 7,100 employees") counts the whole, not what the
    # other claim counts ("about 1,200 employees" to be moved)
    wholes_a = {q.whole for q in a.quantities if q.whole is not None}
    wholes_b = {q.whole for q in b.quantities if q.whole is not None}
    for qa in a.quantities:
        if qa.value in values_b or qa.value in wholes_a:
            continue
        for qb in b.quantities:
            if qb.value in values_a or qb.value in wholes_b:
                continue
            if _parts_of_other_things(a, qa, b, qb):
                continue
            key_a, key_b = counted_key(qa.counted), counted_key(qb.counted)
            slot = count_class(qa.counted)
            same_slot = slot is not None and slot == count_class(qb.counted)
            if key_a <= GENERIC_COUNTED and key_b <= GENERIC_COUNTED and not same_slot:
                continue
            if _money_of_no_named_purpose(qa, key_a) and _money_of_no_named_purpose(qb, key_b):
                continue  # "50 million lei" in aid and "20,000 lei" a household are two sums
            if not (same_slot or same_counted(key_a, key_b)):
                continue
            if qa.ordinal != qb.ordinal:  # "the sixth capital to fall" counts another way than "5 of the nine"
                continue
            ia, ib = _interval(qa), _interval(qb)
            if ia is None or ib is None:
                continue
            if ia[1] < ib[0] or ib[1] < ia[0]:
                if same_slot and ((slot, qa.value) in given_b or (slot, qb.value) in given_a):
                    continue
                if same_slot:  # named like the story-slot check names it: one entry per slot
                    return f"{_slot_label(slot)}: {qa.text} vs {qb.text}"
                return f"{qa.text} {qa.counted or ''} vs {qb.text} {qb.counted or ''}".replace("  ", " ").strip()
    return None


def _money_of_no_named_purpose(quantity: Quantity, key: frozenset[str]) -> bool:
    return (quantity.unit == "currency" or bool(key & CURRENCY_WORDS)) and key <= CURRENCY_WORDS


_DAY_NAMED = re.compile(r"\d{1,2}(?:st|nd|rd|th)?\b|\b(?:mon|tues|wednes|thurs|fri|satur|sun)day|\b(?:today|yesterday|tonight|tomorrow)\b", re.I)
_MONTH_NAMED = re.compile(r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b", re.I)


def _time_interval(time) -> tuple[str, str]:
    """The days an expression covers: "1960" is the whole year, "January 2015" the month.

    Resolution writes a bare year or month as its first day; read as one day, "in 1960"
    would contradict "on December 15, 1960".
    """
    start, end = time.value[:10], (time.end_value or time.value)[:10]
    if time.end_value or len(start) < 10 or _DAY_NAMED.search(time.text.replace(start[:4], "")):
        return start, end
    if re.search(r"\d{3}0s\b", time.text):  # "the 1970s"
        return start[:3] + "0-01-01", start[:3] + "9-12-31"
    if _MONTH_NAMED.search(time.text):
        return start[:7] + "-01", start[:7] + "-31"
    return start[:4] + "-01-01", start[:4] + "-12-31"


_SAID = "|".join(sorted(REPORTED_AROUND_TIME))
# "said on Tuesday", "said in a statement on Tuesday", "told reporters late Monday", "said Tuesday"
_SAID_BEFORE = re.compile(
    rf"\b(?:{_SAID})\b(?:\W+\w+){{0,4}}?\W+(?:on|late|early|this|last)\W*$|\b(?:{_SAID})\W*$", re.I
)
# "On Tuesday, the ministry told ..." (a time that opens the claim)
_SAID_AFTER = re.compile(rf"\W*(?:\w+\W+){{0,3}}?(?:{_SAID})\b", re.I)


def _when_said(claim: Claim, time) -> bool:
    """The time dates the report, not what it reports: "police said on Tuesday", "on Tuesday, X told"."""
    start, end = time.start - claim.start, time.end - claim.start
    before = claim.text[max(0, start - 45) : max(0, start)]
    after = claim.text[end : end + 25]
    return bool(_SAID_BEFORE.search(before) or start <= 3 and _SAID_AFTER.match(after))


def _event_times(claim: Claim) -> list:
    """The claim's resolved times that date what it reports, not the report ("said on Tuesday")."""
    return [t for t in claim.times if t.value and not _when_said(claim, t)]


def _date_conflict(a: Claim, b: Claim) -> str | None:
    da, db = _event_times(a), _event_times(b)
    if len(da) != 1 or len(db) != 1:
        return None
    ta, tb = da[0], db[0]
    a0, a1 = _time_interval(ta)
    b0, b1 = _time_interval(tb)
    if len(a0) < 10 or len(b0) < 10:
        return None
    if a1 < b0 or b1 < a0:
        return f"{ta.text} ({a0}) vs {tb.text} ({b0})"
    return None


_CLAUSE_BREAK = re.compile(r"[,;:()\u2014\u2013]|\s-\s|\bthen\b", re.I)


def _clause_around(claim: Claim, start: int, end: int) -> frozenset[str]:
    """The content words of the clause that holds ``claim.text[start:end]`` (commas, dashes,
    "then" end a clause), the expression itself left out and each cut to its first five
    letters ("indicted" / "indictment")."""
    text = claim.text
    breaks = list(_CLAUSE_BREAK.finditer(text))
    left = max((m.end() for m in breaks if m.end() <= start), default=0)
    right = min((m.start() for m in breaks if m.start() >= end), default=len(text))
    words = claim_stems(text[left:start] + " " + text[end:right])
    return frozenset(w[:5] for w in words if not w.isdigit())


def _dated_apart(a: Claim, b: Claim) -> bool:
    """Both claims are dated and no date of one overlaps a date of the other: counts of two
    periods ("two complaints from March 9, 2015" / "some 20 since January 2015") are two counts."""
    spans_a = [s for s in map(_time_interval, _event_times(a)) if len(s[0]) == 10]
    spans_b = [s for s in map(_time_interval, _event_times(b)) if len(s[0]) == 10]
    return bool(spans_a and spans_b) and all(x[1] < y[0] or y[1] < x[0] for x in spans_a for y in spans_b)


def _date_disagreement(a: Claim, b: Claim) -> str | None:
    """Two days for one thing: the date conflict, where each date's own clause speaks of what
    the other's does ("brought to Israel in 1960, then tried" does not date the sentence of
    "sentenced to death on December 15, 1961")."""
    detail = _date_conflict(a, b)
    if detail is None:
        return None
    (ta,), (tb,) = _event_times(a), _event_times(b)  # one each, or _date_conflict found none
    near_a = _clause_around(a, ta.start - a.start, ta.end - a.start)
    near_b = _clause_around(b, tb.start - b.start, tb.end - b.start)
    return detail if near_a & near_b else None


def _clock_conflict(a: Claim, b: Claim) -> str | None:
    """One moment at two clock times: each claim gives one (a bound such as "by 5 p.m."
    gives none), further apart than reporters' rounding."""
    ca, cb = clock_times(a.text), clock_times(b.text)
    if len(ca) != 1 or len(cb) != 1 or _dated_apart(a, b):
        return None
    if clocks_disagree(ca[0], cb[0]):
        return f"{ca[0].text} vs {cb[0].text}"
    return None


def _place_conflict(a: Claim, b: Claim, places: Mapping[str, Place]) -> str | None:
    for name in sorted(set(a.places) & set(b.places)):  # one place: in its northeast or its northwest?
        if a.text.count(name) != 1 or b.text.count(name) != 1:
            continue  # named twice in a claim ("northern ... and southern Syria"): no one bearing
        at_a, at_b = a.text.find(name), b.text.find(name)
        side_a, side_b = bearing_before(a.text, at_a), bearing_before(b.text, at_b)
        if bearings_disagree(side_a, side_b):
            return f"{bearing_words(a.text, at_a)} {name} vs {bearing_words(b.text, at_b)} {name}"
    if len(a.places) != 1 or len(b.places) != 1 or a.places == b.places:
        return None
    pa, pb = places.get(a.places[0]), places.get(b.places[0])
    if pa is None or pb is None or is_region(pa) or is_region(pb):
        return None
    distance = _km(pa, pb)
    if distance > 150 and pa.country == pb.country or distance > 400:
        return f"{a.places[0]} vs {b.places[0]}"
    return None


def _km(a: Place, b: Place) -> float:
    la1, lo1, la2, lo2 = map(math.radians, (a.lat, a.lon, b.lat, b.lon))
    h = math.sin((la2 - la1) / 2) ** 2 + math.cos(la1) * math.cos(la2) * math.sin((lo2 - lo1) / 2) ** 2
    return 2 * 6371 * math.asin(min(1.0, math.sqrt(h)))


@lru_cache(maxsize=20000)
def _content_words(text: str) -> frozenset[str]:
    return frozenset(claim_stems(text))


@lru_cache(maxsize=20000)
def _negated(text: str) -> bool:
    return bool(NEGATION.search(text))


def _closely_worded(a: Claim, b: Claim, settings: CompareSettings = DEFAULT_SETTINGS) -> bool:
    """Most content words of the shorter claim recur in the other."""
    wa, wb = _content_words(a.text), _content_words(b.text)
    if not wa or not wb:
        return False
    return len(wa & wb) / min(len(wa), len(wb)) >= settings.contradiction_min_lex


@lru_cache(maxsize=20000)
def _negated_words(text: str, scope: int) -> frozenset[str]:
    """The content words each negation governs: the few that follow it."""
    words: set[str] = set()
    for match in NEGATION.finditer(text):
        words.update(claim_stems(text[match.end():match.end() + 80])[:scope])
    return frozenset(words)


def _contradiction(a: Claim, b: Claim, settings: CompareSettings = DEFAULT_SETTINGS) -> str | None:
    """One claim negates what another, closely worded one states.

    The other must state what is negated ("did not endanger the dam" against
    "endangered the dam"), not merely share the names around it: "Bălan said the
    seepage did not endanger the dam" does not contradict "Bălan was suspended".
    """
    na, nb = _negated(a.text), _negated(b.text)
    if na == nb:
        return None
    negated, stated = (a, b) if na else (b, a)
    if not _negated_words(negated.text, settings.negated_scope) & _content_words(stated.text):
        return None
    return f"one report negates it: \"{_shortened(negated.text)}\""


def _shortened(text: str, limit: int = 100) -> str:
    """A quotation for a conflict's detail, cut at a word boundary."""
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0].rstrip(",;:") + "…"


def _citation(claim: Claim) -> Citation:
    return Citation(article_id=claim.article_id, start=claim.start, end=claim.end)


def _asserts(claim: Claim) -> bool:
    return claim.attribution is None or claim.attribution.polarity == "asserts"


_ANAPHORIC = re.compile(
    r"^(?:it|this|that|these|those|them|such\s+\w+|(?:the|this|that|these|those|his|her|their|its)\s+"
    r"(?:\w+\s+)?(?:claims?|reports?|figures?|allegations?|accusations?|charges?|account|accounts|assurances?|"
    r"statements?|suggestions?|assertions?|toll|numbers?|estimates?|version|story|idea|rumou?rs?))\b",
    re.I,
)


def denial_content(claim: Claim) -> str:
    """What a denial denies: the words after its cue ("denied that 150 were killed")."""
    cue = claim.attribution.cue if claim.attribution else ""
    text = claim.text
    match = re.search(r"\b" + re.escape(cue) + r"\b", text, re.I) if cue else None
    content = text[match.end() :] if match else text
    content = _HOW_DENIED.sub("", content)
    content = re.sub(_STATEMENT_THAT, "", content, flags=re.I)
    # one clause: "denied the relationship took place, another point of contention of the lawsuit"
    content = _CLAUSE_END.split(content.strip(" ,.;:\"“”"), maxsplit=1)[0]
    # "denied the relationship took place" denies the relationship: existing says nothing more
    content = re.sub(r"\s+(?:ever\s+)?(?:took\s+place|happened|occurred|existed)$", "", content.strip(" ,.;:\"“”"), flags=re.I)
    return content.strip(" ,.;:\"“”")


# How or through whom something was denied, before what was: "denied through a lawyer that ...",
# "flatly denied in a statement that ...".
_HOW_DENIED = re.compile(
    r"^\s*(?:(?:through|via)\s+(?:an?|his|her|their|its)\s+(?:\w+\s+)?(?:lawyers?|attorneys?|spokes\w+|"
    r"representatives?|statement)|in\s+(?:an?|his|her|their|its)\s+(?:\w+\s+)?(?:statement|interview|post|letter)|"
    r"on\s+(?:Twitter|X|Facebook|television|TV))\s*,?\s*(?=that\b)",
    re.I,
)
# The statement denied, named before what it said: "(all of) these allegations — that he ...".
_STATEMENT_THAT = (
    r"^\s*(?:[\"“‘]?(?:all\s+(?:of\s+)?)?(?:the|these|those|such)?\s*(?:claims?|reports?|allegations?|accusations?|"
    r"suggestions?)[\"”’]?\s*(?:[—–:-]+\s*)?)?that\s+"
)
_CLAUSE_END = re.compile(r"\s*(?:[—–;]|\s--\s|,\s+(?:another|but|while|although|though|which|according)\b)")


def _same_side(denial: Claim, other: Claim) -> bool:
    """The other claim is the denier's own: the same speaker, or one the
    denier's name introduces ("police commander Charles Mutua said ...")."""
    if not other.attribution or not denial.attribution:
        return False
    if other.attribution.speaker == denial.attribution.speaker:
        return True
    side = speaker_key(denial)
    if side is None:
        return False
    # the speaker with the words that introduce it in its clause ("police commander Charles
    # Mutua"), not the content of "a dockworker was shot when police broke up a protest, the union said"
    speaker = other.attribution.speaker or ""
    at = other.text.find(speaker) if speaker else -1
    lead = re.split(r"[,;:\"“”]|\bthat\b", other.text[:at])[-1] if at > 0 else ""
    return side in {_entity_word(w) for w in f"{lead} {speaker}".split()}


def _entity_word(word: str) -> str:
    return re.sub(r"[^\w\-]", "", word).lower()


def _shares_a_count(ours: Sequence[Quantity], theirs: Sequence[Quantity]) -> bool:
    """The same number of the same thing, or of something one side leaves unsaid: "the
    figure of 150" matches "150 militants were killed"; two bare "three"s prove nothing."""
    for a in ours:
        key_a = counted_key(a.counted)
        for b in theirs:
            key_b = counted_key(b.counted)
            if a.value == b.value and (key_a & key_b or bool(key_a) != bool(key_b)):
                return True
    return False


def _without_counts(text: str) -> str:
    return " ".join(w for w in text.split() if w.lower() not in CARDINALS and not w.strip("$,.%").isdigit())


def _denial_target(i: int, alignment: Alignment, settings: CompareSettings = DEFAULT_SETTINGS) -> int | None:
    """The claim a denial negates.

    An anaphoric denial ("denied the claim", "police deny it") names the
    statement just before it in the same article; an explicit one ("denied
    that 150 were killed") names its content, matched by words and numbers
    against every asserting claim of the story, nearby ones first.
    """
    claims = alignment.claims
    denial = claims[i]
    content = denial_content(denial)
    # a count is matched as a count (below); "the two had an affair" is about the two, not a number
    content_words = frozenset(w for w in _content_words(content) if w not in CARDINALS and not w.isdigit())
    anaphoric = bool(_ANAPHORIC.match(content)) or not content_words
    # "denies that he had an affair or that he knew of the payment" denies either statement
    parts = [p for p in re.split(r",?\s+(?:or|and)\s+that\s+", content) if p.strip()] or [content]
    # counts of what the denial denies; a bare small number is a pronoun ("the two had an affair")
    content_counts = [
        q for q in denial.quantities
        if q.value is not None and q.start >= denial.end - len(content) and (q.counted or q.value >= 10)
    ]
    partners = getattr(alignment, "partners", None)
    if partners is None:  # event clusters: every claim of the story is a candidate
        same_article = sorted(
            (j for j, c in enumerate(claims) if c.article_id == denial.article_id and c.end <= denial.start and j != i),
            key=lambda j: -claims[j].end,
        )
        pool: Iterable[int] = range(len(claims))
    else:  # proposition facts: the claims just before it, and for an explicit denial every claim
        same_article = alignment.preceding(i, 3)
        if anaphoric:
            pool = sorted(set(same_article))
        elif len(claims) <= settings.denial_pool:
            pool = range(len(claims))
        else:  # a book-length input: the claims the index paired it with, and those just before it
            pool = sorted(set(partners(i)) | set(same_article))
    pieces = getattr(getattr(getattr(alignment, "scores", None), "signals", None), "tokens", None)
    distance = {j: rank for rank, j in enumerate(same_article)}
    best, best_score = None, settings.denial_min_score
    for j in pool:
        other = claims[j]
        if j == i or not _asserts(other):
            continue
        if _same_side(denial, other):
            continue  # nobody denies their own (side's) statement
        proximity = {0: 0.6, 1: 0.4, 2: 0.2}.get(distance.get(j, 99), 0.0)
        if anaphoric:
            score = proximity
        else:
            words = _content_words(other.text)
            best_part = 0.0
            for part in parts:
                if KNOWING.match(part) and not KNOWLEDGE_WORDS.search(other.text):
                    continue  # "denies he knew of the payment" disputes that he knew, not the payment
                said = frozenset(w for w in _content_words(part) if w in content_words)
                overlap = len(said & words) / len(said) if said else 0.0
                if pieces is not None and said:  # the same thing in other words ("affair" / "relationship")
                    overlap = max(overlap, pieces.phrase_said_by(_without_counts(part), j))
                counts = [q for q in content_counts if q.text in part]
                best_part = max(best_part, overlap + (0.5 if _shares_a_count(counts, other.quantities) else 0.0))
            if best_part < settings.denial_min_score:
                continue  # nearness alone does not make a sentence what an explicit denial names
            score = best_part + 0.5 * proximity + 0.3 * alignment.pair_prob(i, j)
        if score > best_score:
            best, best_score = j, score
    return best


def _pair_conflicts(
    members: Sequence[int],
    alignment: Alignment,
    places: Mapping[str, Place],
    settings: CompareSettings = DEFAULT_SETTINGS,
) -> list[Conflict]:
    """Disagreements between claims that closely state the same thing.

    Only pairs aligned with high confidence are compared: a fact's looser
    members may mention other days or places without contradicting it.
    """
    claims = alignment.claims
    found: dict[str, tuple[str, list[Claim]]] = {}  # kind -> (first detail, claims involved)
    for x in range(len(members)):
        for y in range(x + 1, len(members)):
            a, b = claims[members[x]], claims[members[y]]
            if a.article_id == b.article_id:
                continue
            if alignment.pair_prob(members[x], members[y]) < settings.conflict_min_prob:
                continue
            checks = [("number", _number_conflict(a, b))]
            if _closely_worded(a, b, settings):  # dates and places may belong to side events otherwise
                checks += [
                    ("date", _date_disagreement(a, b)),
                    ("time", _clock_conflict(a, b)),
                    ("place", _place_conflict(a, b, places)),
                    ("contradiction", _contradiction(a, b, settings)),
                ]
            for kind, detail in checks:
                if detail:
                    _, involved = found.setdefault(kind, (detail, []))
                    involved.extend(c for c in (a, b) if c not in involved)
                    break
    return [
        Conflict(kind=kind, detail=detail, claims=tuple(_citation(c) for c in involved))
        for kind, (detail, involved) in found.items()
    ]



def story_slot_values(alignment, quantities: Mapping[str, Sequence[Quantity]] | None = None) -> dict:
    """source -> the (slot, value) pairs its articles give anywhere, claims and annotation alike."""
    source_of = {claim.article_id: alignment.source[i] for i, claim in enumerate(alignment.claims)}
    given: dict = {}
    for i, claim in enumerate(alignment.claims):
        for q in claim.quantities:
            slot = count_class(q.counted)
            if slot is not None:
                given.setdefault(alignment.source[i], set()).add((slot, q.value))
    for article_id, source in source_of.items():
        for q in (quantities or {}).get(article_id, ()):
            slot = count_class(q.counted)
            if slot is not None:
                given.setdefault(source, set()).add((slot, q.value))
    return {source: frozenset(pairs) for source, pairs in given.items()}


def judged_conflicts(
    alignment,
    places: Mapping[str, Place],
    settings: CompareSettings = DEFAULT_SETTINGS,
    quantities: Mapping[str, Sequence[Quantity]] | None = None,
):
    """Pairs of judged claims from different sources that speak of one thing and disagree.

    A count, a day or a place is compared slot by slot (the same counted thing, one
    date each, places far apart); precision and rounding are not conflicts ("at
    least 10" / "12"). Denials are left to the denial check, which names what they deny.
    A slot's number an outlet gives anywhere (``quantities``: article id -> its annotation's
    quantities) is not one it disputes.
    Returns (i, j, kind, detail) with i < j.
    """
    claims = alignment.claims
    given = story_slot_values(alignment, quantities)
    found: list[tuple[int, int, str, str] | tuple[int, int]] = []  # (i, j): the judge tells
    for i, j, link in alignment.scored_pairs():
        if alignment.source[i] == alignment.source[j]:
            continue
        a, b = claims[i], claims[j]
        if not (_asserts(a) and _asserts(b)):
            continue
        if link < settings.conflict_related:
            continue
        # two places in claims about one thing are most often two parts of it (where it
        # happened, where the reporter or the court is): only near-certain pairs compare them
        slot = _slot_conflict(a, b, places if link >= settings.place_conflict_link else {},
                              dates=link >= settings.date_conflict_link,
                              clock=link >= settings.time_conflict_link,
                              given=(given.get(alignment.source[i], frozenset()),
                                     given.get(alignment.source[j], frozenset())))
        found.append((i, j) if slot is None else (i, j, *slot))
    # the judge reads only the pairs nothing else decided (issue 16: it is the costly part)
    verdicts = alignment.verdicts([item for item in found if len(item) == 2])
    conflicts: list[tuple[int, int, str, str]] = []
    for item in found:
        if len(item) == 4:
            conflicts.append(item)
            continue
        p_same, p_contradiction = verdicts[item]
        if p_contradiction >= settings.conflict_contradiction and p_contradiction > p_same:
            conflicts.append((*item, "contradiction", f"the reports disagree: \"{_shortened(claims[item[1]].text)}\""))
    return conflicts


# Two counts of one slot this far apart count different scopes (a district's day, a whole
# war), not one toll reported two ways: the disagreements news reports carry are within a
# few times of each other (12 vs nine dead, 3,000 vs 2,300 displaced, 125 vs 144, 12 vs 40).
SLOT_SCOPE_RATIO = 5.0

# Heads that do not tell two counts of one class apart ("12 people killed" / "nine dead").
_GENERIC_HEADS = frozenset({"people", "peopl", "person", "other", "total"})


def _counted_head(counted: str | None, slot: str) -> frozenset[str]:
    """What a count of a class counts besides the class itself ("officers injured" -> officer)."""
    if slot.startswith("age:"):  # the given names: "Salah Ali" and "Rahman Ali" are two people
        return frozenset(w.lower() for w in (counted or "")[len(AGE_PREFIX):].split()[:-1])
    members = COUNT_CLASSES.get(slot, frozenset()) | DISPLACING_VERBS | HOME_WORDS
    return frozenset(claim_stems(counted or "")) - members - _GENERIC_HEADS - HOW_KNOWN_STEMS


def story_slot_conflicts(
    alignment,
    events: Mapping[str, int] | None = None,
    settings: CompareSettings = DEFAULT_SETTINGS,
    quantities: Mapping[str, Sequence[Quantity]] | None = None,
) -> list[tuple[int, int, str, str]]:
    """Two outlets' incompatible numbers for one slot of the story: the dead, the missing,
    the displaced, one person's age - wherever in their reports they give them.

    Such a number is one thing whatever sentence carries it, so these pairs need no judge;
    two counts of one class with different heads ("14 workers" / "seven officers") are two
    things, and articles labelled as different events (``events``) are not compared.
    ``quantities`` (article id -> its annotation's quantities) lets an outlet's numbers outside
    its claims count as given ("said a devastated Salah Ali, 70," around a quotation).
    Returns (i, j, kind, detail) with i < j.
    """
    claims = alignment.claims
    given = story_slot_values(alignment, quantities)
    by_slot: dict[str, list[tuple[int, Quantity]]] = {}
    for i, claim in enumerate(claims):
        if not _asserts(claim):
            continue
        for q in claim.quantities:
            slot = count_class(q.counted)
            if slot is not None and (slot in settings.story_slots or slot.split(":")[0] in settings.story_slots):
                by_slot.setdefault(slot, []).append((i, q))
    found: list[tuple[int, int, str, str]] = []
    for slot, said in sorted(by_slot.items()):
        # a number an outlet gives anywhere for the slot is not one it disputes ("fewer than
        # the 12 reported earlier"; a caption's age beside the text's)
        values_of = {source: {value for named, value in pairs if named == slot} for source, pairs in given.items()}

        def disagree(i: int, qa: Quantity, j: int, qb: Quantity, slot: str = slot) -> str | None:
            a, b = claims[i], claims[j]
            if {q.value for q in a.quantities} & {qb.value} or {q.value for q in b.quantities} & {qa.value}:
                return None  # the other report gives this number too ("fewer than the 12 reported")
            if _parts_of_other_things(a, qa, b, qb):
                return None
            heads_a, heads_b = _counted_head(qa.counted, slot), _counted_head(qb.counted, slot)
            if heads_a and heads_b and not heads_a & heads_b:
                return None
            if not slot.startswith("age:") and (heads_a or heads_b) and not heads_a & heads_b:
                return None  # "two dead journalists" are not the crackdown's "7,500 people"
            if _date_conflict(a, b):
                return None  # Monday's toll and Tuesday's are two counts
            low, high = sorted((qa.value, qb.value))
            if not slot.startswith("age:") and high > SLOT_SCOPE_RATIO * max(low, 1.0):
                return None  # "15 killed in the Idlib area" and a war's "7,500" count two scopes
            ia, ib = _interval(qa), _interval(qb)
            if ia is None or ib is None or not (ia[1] < ib[0] or ib[1] < ia[0]):
                return None
            first, second = (qa, qb) if i < j else (qb, qa)
            return f"{_slot_label(slot)}: {first.text} vs {second.text}"

        found += [
            (i, j, "number", detail)
            for i, j, detail in _cross_outlet_disagreements(
                alignment, said, lambda source, q, values_of=values_of: q.value in values_of.get(source, ()),
                events, disagree,
            )
        ]
    return found


def _cross_outlet_disagreements(alignment, said, gives, events, disagree) -> list[tuple[int, int, str]]:
    """The walk both story checks share: pairs of (claim, value) from two sources, at most one
    disagreement per pair of sources, articles of one event only, and never a value the other
    source gives itself (``gives(source, value)``); ``disagree`` names what is left or None."""
    claims, source = alignment.claims, alignment.source
    found: list[tuple[int, int, str]] = []
    seen_sources: set[tuple] = set()
    for x, (i, value_a) in enumerate(said):
        for j, value_b in said[x + 1 :]:
            sources = (source[min(i, j)], source[max(i, j)])
            if sources[0] == sources[1] or sources in seen_sources:
                continue
            if events and events.get(claims[i].article_id) != events.get(claims[j].article_id):
                continue
            if gives(source[j], value_a) or gives(source[i], value_b):
                continue
            detail = disagree(i, value_a, j, value_b)
            if detail:
                seen_sources.add(sources)
                found.append((min(i, j), max(i, j), detail))
    return found


def story_title_conflicts(alignment, events: Mapping[str, int] | None = None) -> list[tuple[int, int, str, str]]:
    """Two outlets giving one person two rungs of one ladder: "Matthew Kanan, an assistant
    professor" / "an associate professor"; "U.S. District Judge" / "state District Judge".

    A person is a surname within the story; an outlet that also gives the other rung
    anywhere does not dispute it. Returns (i, j, "title", detail) with i < j.
    """
    claims = alignment.claims
    by_person: dict[tuple[str, str], list[tuple[int, str]]] = {}
    for i, claim in enumerate(claims):
        for surname, ladder, rung, _, _ in person_titles(claim.text):
            by_person.setdefault((surname, ladder), []).append((i, rung))
    found: list[tuple[int, int, str, str]] = []
    for (surname, ladder), said in sorted(by_person.items()):
        rungs_of: dict = {}
        for i, rung in said:
            rungs_of.setdefault(alignment.source[i], set()).add(rung)

        def disagree(i: int, rung_a: str, j: int, rung_b: str, surname: str = surname, ladder: str = ladder):
            if rung_a == rung_b:
                return None
            first, second = (rung_a, rung_b) if i < j else (rung_b, rung_a)
            return f"{surname.title()}'s {ladder}: {first} vs {second}"

        found += [
            (i, j, "title", detail)
            for i, j, detail in _cross_outlet_disagreements(
                alignment, said, lambda source, rung, rungs_of=rungs_of: rung in rungs_of[source], events, disagree
            )
        ]
    return found


def _slot_label(slot: str) -> str:
    """How a reader names a story slot ("age:alcorn" -> "Alcorn's age")."""
    if slot.startswith("age:"):
        return f"{slot[4:].title()}'s age"
    return {"dead": "the dead", "missing": "the missing", "displaced": "people displaced",
            "injured": "the injured", "arrested": "people arrested"}.get(slot, slot)


def slot_detail(kind: str, detail: str) -> tuple[str, str] | None:
    """(slot, values) of a story slot's conflict ("the dead", "at least 12 vs nine"), else None."""
    label, sep, values = detail.partition(": ")
    if kind in ("number", "title") and sep and " vs " in values and " vs " not in label:
        return label, values
    return None


def _conflict_topic(kind: str, detail: str) -> tuple[str, str]:
    """One entry per kind of disagreement in a fact, and per slot for a story slot's numbers."""
    slot = slot_detail(kind, detail)
    return (kind, slot[0] if slot else "")


def _slot_conflict(
    a: Claim, b: Claim, places: Mapping[str, Place], *, dates: bool = True, clock: bool = True,
    given: tuple[frozenset, frozenset] = (frozenset(), frozenset()),
) -> tuple[str, str] | None:
    """The first slot (count, day, clock time, place) on which two claims about one thing disagree."""
    for kind, detail in (
        ("number", _number_conflict(a, b, *given)),
        ("date", _date_disagreement(a, b) if dates else None),
        ("time", _clock_conflict(a, b) if clock else None),
        ("place", _place_conflict(a, b, places)),
    ):
        if detail:
            return kind, detail
    return None


def recorded_conflicts(members: Sequence[int], alignment, primary: Sequence[int] | None = None) -> list[Conflict]:
    """The judged conflicts between a fact's members, one entry per kind; with ``primary``,
    only those with a side among the fact's own (not secondary) members."""
    inside = set(members)
    own = inside if primary is None else set(primary)
    found: dict[tuple[str, str], tuple[str, list[Claim]]] = {}
    for i, j, kind, detail in getattr(alignment, "conflicts", ()):
        if i in inside and j in inside and (i in own or j in own):
            _, involved = found.setdefault(_conflict_topic(kind, detail), (detail, []))
            involved.extend(c for c in (alignment.claims[i], alignment.claims[j]) if c not in involved)
    return [
        Conflict(kind=kind, detail=detail, claims=tuple(_citation(c) for c in involved))
        for (kind, _), (detail, involved) in found.items()
    ]


def merge_conflicting(alignment, conflicts: Sequence[tuple[int, int, str, str]], max_claims: int = 6) -> None:
    """Two facts that disagree about one thing become one conflicting fact, both sides as evidence.

    Sets ``alignment.conflicts`` (read by the fact builder) and rewrites its clusters.
    """
    parent = list(range(len(alignment.clusters)))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    size = {c: len(members) for c, members in enumerate(alignment.clusters)}
    kept = []
    joined: list[tuple[int, int]] = []  # (cluster, claim): the other side joins as a secondary member
    for i, j, kind, detail in conflicts:
        a, b = find(alignment.cluster_of[i]), find(alignment.cluster_of[j])
        if a != b:
            if size[a] + size[b] > max_claims:
                # a disagreement links two statements, it does not chain whole topics
                # together: the other side's claim joins this fact without its own fact
                joined.append((a, j))
                kept.append((i, j, kind, detail))
                continue
            parent[max(a, b)] = min(a, b)
            size[min(a, b)] = size[a] + size[b]
        kept.append((i, j, kind, detail))
    roots = sorted({find(c) for c in range(len(alignment.clusters))})
    new_index = {root: k for k, root in enumerate(roots)}
    clusters: list[list[int]] = [[] for _ in roots]
    secondary: list[set[int]] = [set() for _ in roots]
    for c, members in enumerate(alignment.clusters):
        clusters[new_index[find(c)]].extend(members)
    for c, extra in enumerate(alignment.secondary):
        secondary[new_index[find(c)]].update(extra)
    for c, claim in joined:
        secondary[new_index[find(c)]].add(claim)
    alignment.clusters = [sorted(g) for g in clusters]
    for k, group in enumerate(alignment.clusters):
        for i in group:
            alignment.cluster_of[i] = k
    alignment.secondary = [sorted(s - set(alignment.clusters[k])) for k, s in enumerate(secondary)]
    alignment.conflicts = kept
