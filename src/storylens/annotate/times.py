"""Time expressions resolved against the publication date.

dateparser handles absolute dates and simple relatives, but misses ranges
("the 10th to the 12th of this month"), weekday anchoring by tense, and
granularity (a month is not its first day). Our rules run first and return a
TimeML-style value ("2021-08-10", "2021-W32", "2021-08", "2021", "PAST_REF")
plus the ISO date interval it covers; dateparser is the fallback.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache

from storylens.lexicon.cues import REPORTED_BEFORE_TIME
from storylens.lexicon.numbers import (
    COUNT_NOUNS_AFTER,
    COUNT_WORDS_AFTER,
    FUNCTION_WORDS,
    ONES,
    ORDINALS,
    RELATIVE_TIME_COUNTS,
    TEENS,
    TENS,
    YEAR_LEAD_WORDS,
    YEAR_MODIFIER_LEADS,
    YEAR_OF_WORDS,
)
from storylens.records import parse_published

MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
MONTHS.update({name.lower(): i for i, name in enumerate(calendar.month_abbr) if name})
MONTHS["sept"] = 9
WEEKDAYS = {name.lower(): i for i, name in enumerate(calendar.day_name)}
WEEKDAYS.update({"mon": 0, "tue": 1, "tues": 1, "wed": 2, "thu": 3, "thur": 3, "thurs": 3, "fri": 4,
                 "sat": 5, "sun": 6})
SEASONS = {"spring": "SP", "summer": "SU", "fall": "FA", "autumn": "FA", "winter": "WI"}
PARTS_OF_DAY = {"morning": "MO", "afternoon": "AF", "evening": "EV", "night": "NI", "tonight": "NI"}
PRESENT = re.compile(
    r"^(now|right now|currently|nowadays|these days|at present|present|the present|the moment|"
    r"this time|at this time|at the moment|today's|the current|current|the time being|"
    r"at this point|this point|the present time|present day|this stage|immediately|already|this crucial moment|"
    r"the moment|this moment)$"
)
PAST = re.compile(
    r"^(recently|recent|lately|the past|past|previously|formerly|former|once|earlier|"
    r"in the past|some time ago|years ago|long ago|a while ago|the other day|once again|"
    r"(the )?(recent|previous|past|last) (days|weeks|months|years|decades)|"
    r"(the )?(past|last|previous|recent) (several|few|couple of|\w+) (days|weeks|months|years|decades|quarters)|"
    r"historically|the old days|that time|then|at the time|the time|more recently|most recently|earlier years)$"
)
FUTURE = re.compile(
    r"^(the future|future|soon|in the future|eventually|later|upcoming|the coming (days|weeks|months|years)|"
    r"coming (days|weeks|months|years)|in coming (days|weeks|months|years)|next (few|several) \w+|"
    r"the near future|the long term|the long run|forthcoming|down the road|one day|someday|the near term|"
    r"the short term|near term|short term|future (quarters|years|months)|as soon as possible|from time to time|"
    r"the months ahead|the years ahead|the weeks ahead|the days ahead|in the coming (days|weeks|months|years))$"
)
FUTURETENSE = re.compile(
    r"(\b(will|would|shall|going to|is to be|are to be|plans? to|planned for|scheduled|is expected to|are expected to|"
    r"upcoming|is due to|are due to|is set to|are set to|to be held)\b|'ll\b)",
    re.I,
)


@dataclass(frozen=True, slots=True)
class Resolved:
    """A normalised time: TimeML-style ``timex`` and the ISO day interval it covers."""

    timex: str | None
    start: date | None = None
    end: date | None = None


def parse_anchor(published: str | date | datetime | None) -> date | None:
    """The publication day from an ISO date/datetime string (None when missing or malformed)."""
    if published is None:
        return None
    if isinstance(published, datetime):
        return published.date()
    if isinstance(published, date):
        return published
    moment = parse_published(str(published).strip())  # the one parse of an ISO string
    return moment.date() if moment is not None else None


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _week_bounds(day: date) -> tuple[date, date]:
    monday = day - timedelta(days=day.weekday())
    return monday, monday + timedelta(days=6)


def _week_timex(day: date) -> str:
    iso_year, iso_week, _ = day.isocalendar()
    return f"{iso_year}-W{iso_week:02d}"


def _day(day: date, part: str | None = None) -> Resolved:
    """A calendar day. The part of day ("morning") would make it a TimeML TIME, not a DATE: dropped."""
    return Resolved(day.isoformat(), day, day)


def _month(year: int, month: int) -> Resolved:
    return Resolved(f"{year:04d}-{month:02d}", date(year, month, 1), _month_end(year, month))


def _year(year: int) -> Resolved:
    return Resolved(f"{year:04d}", date(year, 1, 1), date(year, 12, 31))


def _week(day: date) -> Resolved:
    start, end = _week_bounds(day)
    return Resolved(_week_timex(day), start, end)


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _number(word: str) -> int | None:
    word = word.lower()
    if word.isdigit():
        return int(word)
    return RELATIVE_TIME_COUNTS.get(word)


def _shift_months(anchor: date, months: int) -> tuple[int, int]:
    index = anchor.year * 12 + anchor.month - 1 + months
    return index // 12, index % 12 + 1


def _year_for_month(month: int, anchor: date, future: bool, day: int | None = None) -> int:
    """The year of a bare "August": the next one in future tense, else the latest up to weeks ahead."""
    first = date(anchor.year, month, 1)
    if future:
        return anchor.year if month >= anchor.month else anchor.year + 1
    return anchor.year if first <= anchor + timedelta(days=UPCOMING_SLACK_DAYS) else anchor.year - 1


def _clean(text: str) -> str:
    text = text.strip().lower().replace("’", "'").replace("‘", "'")
    text = re.sub(r"\s+", " ", text)
    text = re.sub(r"^(on|in|at|by|since|from|until|till|during|for|of|about|around|as of|before|after)\s+",
                  "", text)
    text = re.sub(r"^(on|in|at|during)\s+", "", text)
    return text.strip(" ,.;:")


DAY_NUM = r"(\d{1,2})(?:st|nd|rd|th)?"
MONTH_RE = r"(" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
WEEKDAY_RE = r"(" + "|".join(sorted(WEEKDAYS, key=len, reverse=True)) + r")\.?"


_CENTURIES = {word: value for word, value in ORDINALS.items() if value <= 20} | {"twenty-first": 21}
_DECADES = {"twenties": 2, "thirties": 3, "forties": 4, "fifties": 5, "sixties": 6, "seventies": 7,
            "eighties": 8, "nineties": 9}


def _spelled_years(raw: str) -> str:
    """"nineteen ninety-six" -> "1996", "the year two thousand" -> "the year 2000"."""
    def year(m: re.Match) -> str:
        tens = TENS.get(m[2], 0) + ONES.get(m[3] or "", 0) if m[2] in TENS else TEENS.get(m[2], 0)
        return str(TEENS[m[1]] * 100 + tens)

    raw = re.sub(r"\b(nineteen|eighteen|twenty) (" + "|".join(TEENS | TENS) + r")(?:-(\w+))?\b", year, raw)
    raw = re.sub(r"\btwo thousand(?: and)?(?: (" + "|".join(ONES) + r"))?\b",
                 lambda m: str(2000 + ONES.get(m[1] or "", 0)), raw)
    return raw


def resolve(text: str, anchor: date | None, *, future: bool = False, context: str = "") -> Resolved:
    """Normalise one time expression against ``anchor`` (the publication day).

    ``future`` says the clause is in the future tense: a bare weekday then means
    the next such day rather than the most recent one. ``context`` is the
    sentence: "a year earlier" in a sentence about quarterly results is a quarter.
    """
    raw = _spelled_years(_clean(text))
    raw = re.sub(r"^(?:early|late|earlier|later) (?=(?:today|yesterday|tomorrow|monday|tuesday|wednesday|"
                 r"thursday|friday|saturday|sunday)\b)", "", raw)
    if not raw:
        return Resolved(None)
    if PRESENT.match(raw):
        return Resolved("PRESENT_REF", anchor, anchor)
    if FUTURE.match(raw):
        return Resolved("FUTURE_REF")
    if PAST.match(raw):
        return Resolved("PAST_REF")
    parts = re.fullmatch(r"(today|tonight|yesterday|tomorrow),? (?:on )?(\w+day)", raw) or re.fullmatch(
        r"(\w+day),? (today|tonight|yesterday|tomorrow)", raw)
    if parts:  # "today, Tuesday": both name the same day; the relative word is the safer anchor
        word = parts[1] if parts[1] in ("today", "tonight", "yesterday", "tomorrow") else parts[2]
        return resolve(word, anchor, future=future, context=context)
    raw = re.sub(r"^(?:nearly|almost|about|some|roughly|more than|less than|over|around|just|only) (?=\w+ \w+ ago$)",
                 "", raw)
    raw = re.sub(r" or so (?=ago$|earlier$)", " ", raw)
    if anchor is not None:
        special = _special(raw, anchor) or _periods(raw, anchor, future)
        if special is not None:
            return special
    absolute = _absolute(raw, anchor, future)
    if absolute is not None:
        return absolute
    if anchor is None:
        return Resolved(None)
    relative = _relative(raw, anchor, future, context.lower())
    if relative is not None:
        return relative
    return _dateparser_fallback(raw, anchor)


def _absolute(raw: str, anchor: date | None, future: bool) -> Resolved | None:
    """Dates that carry their own year, or that need only the anchor's year."""
    m = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", raw)
    if m:
        day = _safe_date(int(m[1]), int(m[2]), int(m[3]))
        return _day(day) if day else None
    m = re.fullmatch(r"(?:" + WEEKDAY_RE + r",? )?" + MONTH_RE + r" " + DAY_NUM + r",? (\d{4})", raw)
    if m:
        day = _safe_date(int(m[4]), MONTHS[m[2]], int(m[3]))
        return _day(day) if day else None
    m = re.fullmatch(r"(?:" + WEEKDAY_RE + r",? )?(?:the )?" + DAY_NUM + r"(?: of)? " + MONTH_RE + r",? (\d{4})", raw)
    if m:
        day = _safe_date(int(m[4]), MONTHS[m[3]], int(m[2]))
        return _day(day) if day else None
    m = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{2,4})", raw)
    if m:
        year = int(m[3]) + (1900 if len(m[3]) == 2 and int(m[3]) > 30 else 2000 if len(m[3]) == 2 else 0)
        day = _safe_date(year, int(m[1]), int(m[2]))
        return _day(day) if day else None
    m = re.fullmatch(r"(?:early |late |mid-?|the end of |end of |the beginning of |the start of )?"
                     + MONTH_RE + r",? (?:of )?(\d{4})", raw)
    if m:
        resolved = _month(int(m[2]), MONTHS[m[1]])
        return _end_of(raw, resolved)
    m = re.fullmatch(r"(?:the )?(?:year |calendar year |calendar )?(\d{4})", raw)
    if m and 1000 <= int(m[1]) <= 2999:
        return _year(int(m[1]))
    m = re.fullmatch(r"(?:early |late |mid-?)?(\d{4})", raw)
    if m:
        return _year(int(m[1]))
    m = re.fullmatch(r"(?:the )?(?:early |late |mid-?)?(\d{3})0'?s", raw)
    if m:
        return Resolved(m[1], date(int(m[1] + "0"), 1, 1), date(int(m[1] + "9"), 12, 31))
    m = re.fullmatch(r"(?:the )?'?(\d)0'?s", raw)
    if m:
        return Resolved("19" + m[1])
    m = re.fullmatch(r"(?:the )?(?:fiscal|fiscal year|fy) ?'?(\d{4}|\d{2})", raw)
    if m:  # TimeBank annotates a fiscal year by its calendar year
        year = int(m[1]) if len(m[1]) == 4 else 1900 + int(m[1]) if int(m[1]) > 30 else 2000 + int(m[1])
        return _year(year)
    m = re.fullmatch(r"(?:the )?(\d{1,2})(?:st|nd|rd|th) century", raw) or re.fullmatch(
        r"(?:the )?(" + "|".join(_CENTURIES) + r") century", raw)
    if m:
        ordinal = int(m[1]) if m[1].isdigit() else _CENTURIES[m[1]]
        return Resolved(f"{ordinal - 1:02d}")
    m = re.fullmatch(r"(?:the )?(?:early |late |mid-?)?(twenties|thirties|forties|fifties|sixties|seventies|"
                     r"eighties|nineties)", raw)
    if m:
        return Resolved(f"19{_DECADES[m[1]]}")
    m = re.fullmatch(r"(?:the )?(?:fiscal )?(?:(\d{4})(?:'s)? )?(first|second|third|fourth)[- ]quarter(?: of)?"
                     r"(?:,? (\d{4}))?(?: (?:results|earnings|profit|period))?", raw)
    if m and anchor is not None or (m and (m[1] or m[3])):
        quarter = {"first": 1, "second": 2, "third": 3, "fourth": 4}[m[2]]
        if m[1] or m[3]:
            return _quarter(int(m[1] or m[3]), quarter)
        current = (anchor.month - 1) // 3 + 1
        year = anchor.year if quarter <= current or future else anchor.year - 1
        return _quarter(year, quarter)
    m = re.fullmatch(r"(?:the )?(first|second|third|fourth|1st|2nd|3rd|4th) quarter(?: of)?,? (\d{4})", raw)
    if m:
        quarter = {"first": 1, "second": 2, "third": 3, "fourth": 4}.get(m[1], int(m[1][0]) if m[1][0].isdigit() else 1)
        return _quarter(int(m[2]), quarter)
    m = re.fullmatch(r"(?:the )?(spring|summer|fall|autumn|winter),? (?:of )?(\d{4})", raw)
    if m:
        return Resolved(f"{m[2]}-{SEASONS[m[1]]}")
    if anchor is None:
        return None
    # Month and day without a year: the anchor's year, unless that lands far in the future.
    m = re.fullmatch(r"(?:" + WEEKDAY_RE + r",? )?" + MONTH_RE + r" " + DAY_NUM, raw)
    if m:
        month, day_num = MONTHS[m[2]], int(m[3])
        day = _nearest_month_day(month, day_num, anchor, future)
        return _day(day) if day else None
    m = re.fullmatch(r"(?:" + WEEKDAY_RE + r",? )?(?:the )?" + DAY_NUM + r" (?:of )?" + MONTH_RE, raw)
    if m:
        month, day_num = MONTHS[m[3]], int(m[2])
        day = _nearest_month_day(month, day_num, anchor, future)
        return _day(day) if day else None
    m = re.fullmatch(r"(?:early |late |mid-?|the end of |end of |the beginning of |the start of |the middle of )?"
                     + MONTH_RE, raw)
    if m:
        month = MONTHS[m[1]]
        year = _year_for_month(month, anchor, future)
        return _end_of(raw, _month(year, month))
    return None


_QUARTER_WORDS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "1st": 1, "2nd": 2, "3rd": 3, "4th": 4}
_QUARTER_RE = r"(first|second|third|fourth|1st|2nd|3rd|4th)[- ](?:fiscal )?quarter"
_YEAR_WORD = r"(this year|last year|next year|the year-ago|the year-earlier|year-ago|year-earlier|\d{4})(?:'s)?"


def _year_word(word: str, anchor: date) -> int:
    word = word.removesuffix("'s")
    if word.isdigit():
        return int(word)
    return anchor.year + {"this year": 0, "next year": 1}.get(word, -1)


def _thanksgiving(year: int) -> date:
    first = date(year, 11, 1)
    return first + timedelta(days=(3 - first.weekday()) % 7 + 21)


def _election_day(year: int) -> date:
    first = date(year, 11, 1)
    return first + timedelta(days=(0 - first.weekday()) % 7 + 1)


HOLIDAYS = {
    "christmas": lambda y: date(y, 12, 25), "christmas day": lambda y: date(y, 12, 25),
    "christmas eve": lambda y: date(y, 12, 24), "new year's day": lambda y: date(y, 1, 1),
    "new year's eve": lambda y: date(y, 12, 31), "independence day": lambda y: date(y, 7, 4),
    "the fourth of july": lambda y: date(y, 7, 4), "fourth of july": lambda y: date(y, 7, 4),
    "thanksgiving": _thanksgiving, "thanksgiving day": _thanksgiving, "election day": _election_day,
    "valentine's day": lambda y: date(y, 2, 14), "halloween": lambda y: date(y, 10, 31),
}


def _periods(raw: str, anchor: date, future: bool) -> Resolved | None:
    """Quarters, halves, year ends and holidays as business and wire news write them."""
    original = raw
    raw = re.sub(r"^(?:its|their|his|her|our|a|an|the) (?:(?:flat|weak|strong|comparable|corresponding|"
                 r"fiscal|latest|same|seasonally|slow|busy|traditionally) )*", "the ", raw)
    raw = raw.replace("fiscal-", "")
    m = re.fullmatch(r"(?:the )?" + _YEAR_WORD + r" " + _QUARTER_RE, raw)
    if m:
        return _quarter(_year_word(m[1], anchor), _QUARTER_WORDS[m[2]])
    m = re.fullmatch(r"(?:the )?(?:current|present) quarter", raw)
    if m:
        return _quarter(anchor.year, (anchor.month - 1) // 3 + 1)
    m = re.fullmatch(r"(?:the )?(?:(?:quarter|period) (?:a year (?:ago|earlier)|last year)|"
                     r"(?:year-ago|year-earlier) (?:quarter|period)|(?:quarter|period) (?:of )?(?:the )?"
                     r"(?:previous|prior) year)", raw)
    if m:  # the last completed quarter, one year back
        year, month = _shift_months(anchor, -15)
        return _quarter(year, (month - 1) // 3 + 1)
    m = re.fullmatch(r"(?:the )?(first|second|last|latter) half (?:of )?(?:the year |(?:the )?(\d{4})|this year)?", raw)
    if m:
        return Resolved(f"{int(m[2]) if m[2] else anchor.year}-H{1 if m[1] == 'first' else 2}")
    m = re.fullmatch(r"(?:the )?first two quarters (?:of )?(\d{4})", raw)
    if m:
        return Resolved(f"{m[1]}-H1")
    m = re.fullmatch(r"(?:around |by |at |the )?(?:(this|last|next) )?year(?:'s)?[- ]end", raw)
    if m:  # a deadline: the year as timex, its last day as the interval
        year = anchor.year + {"last": -1, "next": 1}.get(m[1] or "", 0)
        return Resolved(str(year), date(year, 12, 31), date(year, 12, 31))
    m = re.fullmatch(r"(?:the )?(early|late|mid-?)[ -]?(spring|summer|fall|autumn|winter)", raw)
    if m:
        return Resolved(f"{anchor.year}-{SEASONS[m[2]]}")
    m = re.fullmatch(r"(?:early|late|mid)-" + MONTH_RE, raw)
    if m:
        month = MONTHS[m[1]]
        return _month(_year_for_month(month, anchor, future), month)
    m = re.fullmatch(r"(?:earlier|later) (?:in |this )(?:the )?year", raw)
    if m:
        return _year(anchor.year)
    m = re.fullmatch(r"(?:the )?(?:latest|last|most recent|previous) fiscal year", raw)
    if m:
        return _year(anchor.year - 1)
    m = re.fullmatch(r"(\d{4}) and beyond|post-(\d{4})|pre-(\d{4})", raw)
    if m:
        return _year(int(m[1] or m[2] or m[3]))
    m = re.fullmatch(r"(?:the )?(?:coming|next few|next several|future) (?:quarters|months|years)|(?:a )?later date|"
                     r"time to time", raw)
    if m:
        return Resolved("FUTURE_REF")
    m = re.fullmatch(r"(?:the )?(?:(last|this|next|this past|this coming) )?(" + "|".join(
        map(re.escape, HOLIDAYS)) + r")", raw)
    if m:
        rule = HOLIDAYS[m[2]]
        this_year = rule(anchor.year)
        if m[1] == "next" or ((future or m[1] in ("this coming",)) and m[1] != "last"):
            day = this_year if this_year >= anchor else rule(anchor.year + 1)
        else:
            day = this_year if this_year <= anchor else rule(anchor.year - 1)
        return _day(day)
    m = re.fullmatch(r"(?:the )?week of (.+)", raw)
    if m:
        inner = _absolute(m[1], anchor, future)
        if inner is not None and inner.start is not None and inner.start == inner.end:
            return _week(inner.start)
    if raw != original and re.search(r"quarter$", raw):  # "its fourth quarter" is "the fourth quarter"
        return _absolute(raw, anchor, future) or _relative(raw, anchor, future)
    return None


def _special(raw: str, anchor: date) -> Resolved | None:
    """Phrases TimeBank-style news uses that the general rules miss."""
    if re.fullmatch(r"(?:the )?(?:current |full |whole |entire )?(?:fiscal |calendar )?year(?: to date)?", raw) and (
            raw != "year"):
        return _year(anchor.year)
    m = re.fullmatch(r"(?:the )?(next|last|past) year or (?:so|two)", raw)
    if m:
        return _year(anchor.year + (1 if m[1] == "next" else -1))
    m = re.fullmatch(r"(?:the )?(previous|last|past|following|next) " + WEEKDAY_RE, raw)
    if m:
        modifier = {"following": "next", "past": "last", "previous": "last"}.get(m[1], m[1])
        return _weekday(modifier, WEEKDAYS[m[2]], anchor, False, None)
    m = re.fullmatch(r"this (?:past|last) (spring|summer|fall|autumn|winter)", raw)
    if m:
        season = SEASONS[m[1]]
        start_month = {"SP": 3, "SU": 6, "FA": 9, "WI": 12}[season]
        year = anchor.year if date(anchor.year, start_month, 1) <= anchor else anchor.year - 1
        return Resolved(f"{year}-{season}")
    m = re.fullmatch(r"(?:the )?(?:end of |beginning of |start of |middle of |a good part of |much of |all of |"
                     r"early |late |mid-?)?(?:the )?(\d{4})(?: or (?:later|earlier|so|beyond))?(?: period)?", raw)
    if m:
        return _year(int(m[1]))
    return None


def _end_of(raw: str, resolved: Resolved) -> Resolved:
    """"the end of August" is the month's last day as a deadline, the month as a timex."""
    if raw.startswith(("the end of", "end of")) and resolved.end:
        return Resolved(resolved.timex, resolved.end, resolved.end)
    return resolved


UPCOMING_SLACK_DAYS = 45
RECENT_PLAN_DAYS = 14  # "August 31" in an August 10 report is the coming deadline, not last year's


def _nearest_month_day(month: int, day_num: int, anchor: date, future: bool) -> date | None:
    """The occurrence meant: the next one in future tense, else the latest up to a few weeks ahead."""
    candidates = [c for c in (_safe_date(anchor.year + delta, month, day_num) for delta in (-1, 0, 1)) if c]
    if not candidates:
        return None
    past = max((c for c in candidates if c <= anchor), default=None)
    coming = min((c for c in candidates if c > anchor), default=None)
    if past is None or coming is None:
        return past or coming
    if future:  # "will meet on Jan. 14" - unless that was just days ago (a plan reported after the fact)
        return past if (anchor - past).days <= RECENT_PLAN_DAYS else coming
    ahead, back = (coming - anchor).days, (anchor - past).days
    # past events dominate news, so the coming date must be clearly nearer ("Feb. 1" in late October)
    return coming if ahead <= UPCOMING_SLACK_DAYS or ahead * 2 < back else past


def _quarter(year: int, quarter: int) -> Resolved:
    start = date(year, 3 * quarter - 2, 1)
    return Resolved(f"{year}-Q{quarter}", start, _month_end(year, 3 * quarter))


# Rules of _relative, tried in order: (pattern over the whole expression, what it means).
# A rule that matches but cannot resolve (a date that does not exist) returns None and
# the next rule is tried, as the if-chain these rules replace fell through.
_RELATIVE_RULES: list[tuple[re.Pattern[str], Callable[..., Resolved | None]]] = []


def _rule(pattern: str):
    """Register the function below as the meaning of ``pattern`` (a whole relative expression)."""
    def register(resolve: Callable[..., Resolved | None]) -> Callable[..., Resolved | None]:
        _RELATIVE_RULES.append((re.compile(pattern), resolve))
        return resolve
    return register


def _relative(raw: str, anchor: date, future: bool, context: str = "") -> Resolved | None:
    """Expressions that only make sense against the publication day: the first rule that resolves them."""
    for pattern, resolve in _RELATIVE_RULES:
        m = pattern.fullmatch(raw)
        if m:
            resolved = resolve(m, raw, anchor, future, context)
            if resolved is not None:
                return resolved
    return None


@_rule(r"(today|tonight|this (morning|afternoon|evening)|(today|this) ?(morning|afternoon|evening|night)?)")
def _today(m, raw, anchor, future, context):
    part = next((PARTS_OF_DAY[w] for w in raw.split() if w in PARTS_OF_DAY), None)
    return _day(anchor, part)


@_rule(r"(yesterday|last night)(?: (morning|afternoon|evening|night))?")
def _yesterday(m, raw, anchor, future, context):
    part = PARTS_OF_DAY.get(m[2] or ("night" if m[1] == "last night" else ""), None)
    return _day(anchor - timedelta(days=1), part)


@_rule(r"tomorrow(?: (morning|afternoon|evening|night))?")
def _tomorrow(m, raw, anchor, future, context):
    return _day(anchor + timedelta(days=1), PARTS_OF_DAY.get(m[1] or ""))


@_rule(r"the day (before|after) (yesterday|tomorrow)")
def _two_days_off(m, raw, anchor, future, context):
    delta = {"before yesterday": -2, "after tomorrow": 2}.get(f"{m[1]} {m[2]}", 0)
    return _day(anchor + timedelta(days=delta))


@_rule(r"(?:(last|this|next|past|coming|previous) )?" + WEEKDAY_RE + r"(?:'s)?(?: (morning|afternoon|evening|night))?")
def _named_weekday(m, raw, anchor, future, context):
    return _weekday(m[1], WEEKDAYS[m[2]], anchor, future, PARTS_OF_DAY.get(m[3] or ""))


@_rule(r"(?:the )?(?:latest|most recent|recent|just-ended|just ended|latest fiscal|fiscal|"
       r"year's|same) ?(?:quarter|period|three months)|the quarter|the period")
def _reported_quarter(m, raw, anchor, future, context):
    """The quarter a financial report is about: the last one completed."""
    year, month = _shift_months(anchor, -3)
    return _quarter(year, (month - 1) // 3 + 1)


@_rule(r"(?:the )?(?:a year (?:ago|earlier|before)|year-(?:earlier|ago)|year earlier|"
       r"(?:the )?year-(?:ago|earlier) (?:quarter|period)|(?:the )?same (?:quarter|period) "
       r"(?:a|last) year|a year-earlier (?:quarter|period)|last year's (?:quarter|period))")
def _year_earlier(m, raw, anchor, future, context):
    if "quarter" in context:  # "profit rose from a year earlier": the same quarter last year
        year, month = _shift_months(anchor, -15)
        return _quarter(year, (month - 1) // 3 + 1)
    return _year(anchor.year - 1)


@_rule(r"(?:last|this|next) (" + "|".join(n.lower() for n in calendar.month_name if n) + r")")
def _month_of_a_near_year(m, raw, anchor, future, context):
    month = MONTHS[m[1]]
    modifier = raw.split()[0]
    if modifier == "last":
        year = anchor.year if month < anchor.month else anchor.year - 1
    elif modifier == "next":
        year = anchor.year if month > anchor.month else anchor.year + 1
    else:
        year = anchor.year
    return _month(year, month)


@_rule(MONTH_RE + r",? (this|last|next) year")
def _month_this_year(m, raw, anchor, future, context):
    return _month(anchor.year + {"this": 0, "last": -1, "next": 1}[m[2]], MONTHS[m[1]])


@_rule(r"(?:the )?(?:last|past|previous) decade")
def _last_decade(m, raw, anchor, future, context):
    return Resolved(str(anchor.year // 10 - 1))


@_rule(r"(?:the )?weekend")
def _past_weekend(m, raw, anchor, future, context):
    if future:
        return None
    saturday = anchor - timedelta(days=(anchor.weekday() - 5) % 7)
    return Resolved(_week_timex(saturday) + "-WE", saturday, saturday + timedelta(days=1))


@_rule(r"(?:the )?(?:(this|last|next|past|previous|coming|following) )?(week|month|year|weekend|quarter)"
       r"(?:'s)?(?: end)?")
def _near_calendar_unit(m, raw, anchor, future, context):
    if not (m[1] or raw.startswith("the ")):
        return None
    return _calendar_unit(m[1] or "this", m[2], anchor)


@_rule(r"(?:the )?(week|month|year) (?:before|earlier|prior)")
def _unit_before(m, raw, anchor, future, context):
    return _calendar_unit("last", m[1], anchor)


@_rule(r"(?:the )?(spring|summer|fall|autumn|winter)")
def _season(m, raw, anchor, future, context):
    return Resolved(f"{anchor.year}-{SEASONS[m[1]]}")


@_rule(r"(?:(this|last|next|the coming|the past) )(spring|summer|fall|autumn|winter)")
def _near_season(m, raw, anchor, future, context):
    year = anchor.year + {"last": -1, "next": 1}.get(m[1], 0)
    return Resolved(f"{year}-{SEASONS[m[2]]}")


@_rule(r"(\w+|\d+|a few|a couple of) (day|week|month|year|decade)s? (ago|earlier|before|later|from now|hence)")
def _units_ago(m, raw, anchor, future, context):
    count = _number(m[1]) or (2 if m[1] == "a couple of" else None)
    if count is None:
        return Resolved("PAST_REF" if m[3] in ("ago", "earlier", "before") else "FUTURE_REF")
    sign = -1 if m[3] in ("ago", "earlier", "before") else 1
    return _offset(m[2], sign * count, anchor)


@_rule(r"(?:the )?(first|second|third|fourth|1st|2nd|3rd|4th|last) quarter")
def _named_quarter(m, raw, anchor, future, context):
    quarter = {"first": 1, "second": 2, "third": 3, "fourth": 4, "1st": 1, "2nd": 2, "3rd": 3,
               "4th": 4, "last": 4}[m[1]]
    return _quarter(anchor.year, quarter)


@_rule(r"(?:from )?(?:the )?" + DAY_NUM + r" (?:to|until|through|and|-) (?:the )?" + DAY_NUM +
       r"(?: of)? (this|next|last) month")
def _days_of_a_near_month(m, raw, anchor, future, context):
    year, month = _shift_months(anchor, {"this": 0, "next": 1, "last": -1}[m[3]])
    first, last = _safe_date(year, month, int(m[1])), _safe_date(year, month, int(m[2]))
    return Resolved(f"{year:04d}-{month:02d}", first, last) if first and last else None


@_rule(r"(?:from )?(?:the )?" + DAY_NUM + r" (?:to|until|through|and|-) (?:the )?" + DAY_NUM +
       r"(?: of)? " + MONTH_RE)
def _days_of_a_named_month(m, raw, anchor, future, context):
    month = MONTHS[m[3]]
    year = _year_for_month(month, anchor, future, int(m[1]))
    first, last = _safe_date(year, month, int(m[1])), _safe_date(year, month, int(m[2]))
    return Resolved(f"{year:04d}-{month:02d}", first, last) if first and last else None


@_rule(MONTH_RE + r" " + DAY_NUM + r" ?(?:to|until|through|and|-|–) ?" + DAY_NUM)
def _named_month_days(m, raw, anchor, future, context):
    month = MONTHS[m[1]]
    year = _year_for_month(month, anchor, future, int(m[2]))
    first, last = _safe_date(year, month, int(m[2])), _safe_date(year, month, int(m[3]))
    return Resolved(f"{year:04d}-{month:02d}", first, last) if first and last else None


@_rule(r"the " + DAY_NUM + r"(?: of (this|the) month)?")
def _day_of_this_month(m, raw, anchor, future, context):
    day = _safe_date(anchor.year, anchor.month, int(m[1]))
    return _day(day) if day else None


@_rule(r"(?:the )?(end|beginning|start|middle|rest) of (?:the |this )?(week|month|year)")
def _part_of_this_unit(m, raw, anchor, future, context):
    unit = _calendar_unit("this", m[2], anchor)
    if m[1] == "end" and unit.end:
        return Resolved(unit.timex, unit.end, unit.end)
    return unit


@_rule(r"(early|late|mid-?|earlier|later) (this|last|next) (week|month|year)")
def _early_or_late_unit(m, raw, anchor, future, context):
    return _calendar_unit(m[2], m[3], anchor)


# "the same day", "that week": the day of an event the text names elsewhere, not resolved here.


def _weekday(modifier: str | None, weekday: int, anchor: date, future: bool, part: str | None) -> Resolved:
    back = (anchor.weekday() - weekday) % 7
    forward = (weekday - anchor.weekday()) % 7
    if modifier in ("next", "coming"):
        day = anchor + timedelta(days=forward or 7)
    elif modifier in ("last", "past", "previous"):
        day = anchor - timedelta(days=back or 7)
    elif modifier == "this":
        day = anchor + timedelta(days=forward) if future else anchor - timedelta(days=back)
    elif future and forward:
        day = anchor + timedelta(days=forward)
    else:
        day = anchor - timedelta(days=back)
    return _day(day, part)


def _calendar_unit(modifier: str, unit: str, anchor: date) -> Resolved:
    delta = {"last": -1, "past": -1, "previous": -1, "next": 1, "coming": 1, "following": 1}.get(modifier, 0)
    if unit == "week":
        return _week(anchor + timedelta(weeks=delta))
    if unit == "weekend":
        saturday = anchor - timedelta(days=(anchor.weekday() - 5) % 7) + timedelta(weeks=delta)
        if delta == 0 and anchor.weekday() < 5:
            saturday = anchor + timedelta(days=5 - anchor.weekday())
        return Resolved(_week_timex(saturday) + "-WE", saturday, saturday + timedelta(days=1))
    if unit == "month":
        year, month = _shift_months(anchor, delta)
        return _month(year, month)
    if unit == "quarter":
        year, month = _shift_months(anchor, 3 * delta)
        return _quarter(year, (month - 1) // 3 + 1)
    return _year(anchor.year + delta)


def _offset(unit: str, count: int, anchor: date) -> Resolved:
    if unit == "day":
        return _day(anchor + timedelta(days=count))
    if unit == "week":
        return _week(anchor + timedelta(weeks=count))
    if unit == "month":
        year, month = _shift_months(anchor, count)
        return _month(year, month)
    if unit == "decade":
        decade = (anchor.year + 10 * count) // 10
        return Resolved(str(decade), date(decade * 10, 1, 1), date(decade * 10 + 9, 12, 31))
    return _year(anchor.year + count)


@lru_cache(maxsize=32)
def _date_parser(anchor: date):
    """What dateparser.parse builds at every call (locale loading dominates), kept per anchor."""
    from dateparser.date import DateDataParser

    return DateDataParser(languages=["en"], settings={
        "RELATIVE_BASE": datetime(anchor.year, anchor.month, anchor.day),
        "PREFER_DATES_FROM": "past", "REQUIRE_PARTS": []})


def _dateparser_fallback(raw: str, anchor: date) -> Resolved:
    """Whatever our rules do not know: dateparser, at the granularity the text shows."""
    if not (re.search(r"\b(?:" + MONTH_RE + "|" + WEEKDAY_RE + r")(?:\b|(?<=\.))", raw)
            or re.search(r"\b\d{1,4}[/.-]\d{1,2}\b", raw)):
        return Resolved(None)  # dateparser is slow and only guesses on anything else ("70", "125 weekdays")
    if re.fullmatch(r"(?:the )?(?:last |past |next |first |coming )?[\w,.-]+(?: or [\w-]+)? (?:full )?"
                    r"(?:seconds?|minutes?|hours?|days?|weeks?|months?|years?|decades?)(?: long)?", raw):
        return Resolved(None)  # a duration ("3 days"), not a date
    try:
        parsed = _date_parser(anchor).get_date_data(raw)["date_obj"]
    except Exception:
        return Resolved(None)
    if parsed is None:
        return Resolved(None)
    day = parsed.date()
    if re.search(r"\b\d{3}\b|\b\d{5,}\b", raw) or re.search(r"\b(about|some|around|nearly)\b", raw):
        return Resolved(None)  # a count or amount caught in a date mention, not a date
    has_day = bool(re.search(r"\b\d{1,2}(st|nd|rd|th)?\b|" + WEEKDAY_RE + "|yesterday|today|tomorrow", raw))
    has_month = bool(re.search(MONTH_RE, raw))
    if has_day:
        return _day(day)
    if has_month:
        return _month(day.year, day.month)
    return _year(day.year)


_REPORTED = re.compile(r"\b(" + "|".join(sorted(REPORTED_BEFORE_TIME)) + r")\b", re.I)
# A meeting one is invited or summoned to, or an event put off, lies ahead: "invited both sides to talks
# on Thursday", "postponed the vote to Monday".
_ARRANGED = re.compile(r"\b(invit|summon|postpon|reschedul|adjourn)\w*\b[^.;:]*\b(to|until|till)\b", re.I)
_SOON = re.compile(r"\b(as soon as|as early as|no later than|by|until|next|this coming|starting|beginning)\s*$", re.I)


def is_future_context(sentence: str, position: int | None = None) -> bool:
    """Whether the clause before a time expression talks about what is to come.

    With ``position`` (the expression's offset in ``sentence``) only the words
    before it count, back to the last reporting verb: "said Friday that he would"
    is about Friday past, "planned to leave on Thursday" about Thursday to come.
    """
    if position is None:
        return bool(FUTURETENSE.search(sentence))
    before = sentence[max(0, position - 90):position]
    if _SOON.search(before):
        return True
    reported = list(_REPORTED.finditer(before))
    if reported:
        before = before[reported[-1].end():]
    return bool(FUTURETENSE.search(before) or re.search(r"\b(plans?|planned|planning) to\b", before, re.I)
                or _ARRANGED.search(before))


_WORD_BEFORE = re.compile(r"([A-Za-z]+)\.?[\s,]*$")
_WORD_AFTER = re.compile(r"[ \t]*([A-Za-z]+)")
_RANGE_BEFORE = re.compile(r"\b(\d{4})\s*(?:-|–|—|to|and|or|through|until|,)\s*$")
_RANGE_AFTER = re.compile(r"\s*(?:-|–|—|to|and|or|through|until|,)\s*(\d{4})\b")


def _other_year_of_a_range(text: str, start: int, end: int, back: bool, ahead: bool) -> bool:
    """'from 1991 to 1997', 'in 1994, 1995 and 1997': a neighbour in the list is a year by context."""
    window = max(0, start - 40)
    before = _RANGE_BEFORE.search(text, window, start) if back else None
    if before and before.end() == start and year_in_context(text, before.start(1), before.end(1), True, False):
        return True
    after = _RANGE_AFTER.match(text, end) if ahead else None
    return bool(after) and year_in_context(text, after.start(1), after.end(1), False, True)
_OF_BEFORE = re.compile(r"\b([a-z]+) of\s*$")


def year_in_context(text: str, start: int, end: int, back: bool = True, ahead: bool = True) -> bool:
    """Whether ``text[start:end]`` may be a time: a bare number must be a year by its context.

    Why: the entity model labels lone numbers ("1222", "1471") as dates; a page of
    figures then fills the timeline with the 13th century. A bare number counts as
    a year only when it is 1000-2199 and the words around say so: a month or season
    beside it, a lead word ("in 1998", "since 2001", "the year 2000", "early 1990"),
    "the end of 1998", a list or range of years ("1998 to 2001"), or a year used as a
    modifier ("the 1998 election", "1996 Olympic"): a word after it that is not a
    plural, since a count of 1000 or more is followed by a plural ("1222 workers").
    Anything that is not a bare number is left to the resolver.
    """
    surface = text[start:end]
    if not re.fullmatch(r"\d{1,4}", surface):
        return True
    if not 1000 <= int(surface) <= 2199:
        return False
    before, after = text[max(0, start - 40):start], text[end:end + 40]
    previous = _WORD_BEFORE.search(before)
    following = _WORD_AFTER.match(after)
    word_before = previous[1].lower() if previous else ""
    word_after = following[1] if following else ""
    if word_before in MONTHS or word_before in SEASONS or word_after.lower() in MONTHS:
        return True
    if after.startswith(("'s", "’s", " 's", " ’s")) or (before.endswith("(") and after[:1] in (")", ",")):
        return True  # "the 1980's", "1998's hurricane", "The Golden Compass (2007)", "(1983, '86)"
    if re.search(r"(?:\b(?:dat(?:es|ed|ing)|back) to|[A-Za-z]['’]) ?$", before):
        return True  # "dating back to 1986", "the Sixers' 1983 title team"
    plural = word_after.islower() and len(word_after) > 3 and word_after.endswith("s") \
        and not word_after.endswith("ss") and word_after not in FUNCTION_WORDS
    modern = 1900 <= int(surface) <= 2099
    if plural and modern and word_before in YEAR_MODIFIER_LEADS:
        return True  # "the 1967 killings", "its 2012 playoffs" (a count would rarely follow "the")
    counted = word_after.lower() in COUNT_NOUNS_AFTER or bool(re.match(r"\s*%", after)) or plural
    if counted:
        return False
    of_before = _OF_BEFORE.search(before.lower())
    if word_before in YEAR_LEAD_WORDS or (of_before and of_before[1] in YEAR_OF_WORDS):
        return True
    if _other_year_of_a_range(text, start, end, back, ahead):
        return True
    if word_after.lower() in COUNT_WORDS_AFTER:
        return False
    # a modifier inside a sentence: "the 1998 election" (not "rose to 1238 on Monday")
    return bool(word_after) and bool(previous) and word_after.lower() not in FUNCTION_WORDS


# Patterns for spans spaCy's DATE entities tend to miss or cut short.
EXTRA_TIME_PATTERNS = re.compile(
    r"\b(?:(?:from )?the \d{1,2}(?:st|nd|rd|th) (?:to|until|through) the \d{1,2}(?:st|nd|rd|th)(?: of)? "
    r"(?:this|next|last) month|"
    r"(?:(?:last|this|next) )?(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)|"
    r"yesterday(?: (?:morning|afternoon|evening|night))?|today|tomorrow|tonight|"
    r"(?:the end|the beginning|the start|the middle) of (?:January|February|March|April|May|June|July|"
    r"August|September|October|November|December)(?: \d{4})?|"
    r"(?:January|February|March|April|June|July|August|September|October|November|December)"
    r"(?: \d{1,2}(?:st|nd|rd|th)?)?(?:,? \d{4})?|"
    r"(?:last|this|next) (?:week|month|year|weekend))\b",
    re.I,
)


def as_iso(resolved: Resolved) -> tuple[str | None, str | None]:
    """(value, end_value) for a TimeExpr: the day, or the first and last day of an interval."""
    if resolved.start is None:
        return None, None
    if resolved.end is None or resolved.end == resolved.start:
        return resolved.start.isoformat(), None
    return resolved.start.isoformat(), resolved.end.isoformat()
