"""What annotation reads in an article not in English (issue 18): numbers and dates.

The spaCy pipeline and the cue lexicon read English only, so an article in another
language kept its sentences and nothing else. Numbers and dates need no parser:
digits of any script (Arabic-Indic, Persian, full-width) read as ASCII digits, Chinese
numerals ("十二", "3万") as their values, and a day with a month name ("3 مارس",
"3 марта", "3 de marzo") is resolved by dateparser in the article's language (its
200+ locales) against the publication date; "3月3日" by a rule (dateparser misreads it);
weekdays and relative days ("الثلاثاء", "周二", "вчера") by dateparser's locale words,
counted back from the publication date.
A number inside a date is part of the date, not a count. Places are found by the
names GeoNames and CLDR give them in other scripts ("كابل", "喀布尔") and resolved as in
English. What is still missing for such an article (people and organisations, who said
what) is said in the report's language notice.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from functools import lru_cache

from storylens.annotate.sentences import split_sentences
from storylens.lexicon.languages import CJK_CHARACTER, base_code
from storylens.lexicon.numbers import (
    ASCII_DIGITS,
    CHINESE_DIGITS,
    CHINESE_LARGE_UNITS,
    CHINESE_SCALE_AFTER_DIGITS,
    CHINESE_SMALL_UNITS,
    SCALES_ELSEWHERE,
)
from storylens.records import Annotation, Place, Quantity, Sentence, TimeExpr

_DIGITS = re.compile(r"\d+(?:[.,]\d+)*")
_THOUSANDS = re.compile(r"\d{1,3}(?:([.,])\d{3})(?:\1\d{3})*$")
_CHINESE_RUN = re.compile(
    "[" + "".join(CHINESE_DIGITS) + "".join(CHINESE_SMALL_UNITS) + "".join(CHINESE_LARGE_UNITS) + "]+"
)
# Classifiers after a lone Chinese digit that make it a count ("三人", "五名", "两架").
_CHINESE_CLASSIFIERS = frozenset("人名个位座架起次天岁所辆艘枚家")
_WORD = r"[^\W\d_]+\.?"
_SCALE_WORD = re.compile(r"\s?([^\W\d_]+\.?)")
# A number with a word on either side (and "de" between, as Spanish and Portuguese write it):
# the windows dateparser is asked to read as a day and a month.
_DAY = re.compile(r"(?<!\d)\d{1,2}(?!\d)")
_AFTER_DAY = re.compile(rf"\.?\s+(?:de\s+)?{_WORD}(?:\s+(?:de\s+)?\d{{4}}(?!\d))?")
_BEFORE_DAY = re.compile(rf"{_WORD}\s+$")
_YEAR_AFTER = re.compile(r",?\s+\d{4}(?!\d)")
_CHINESE_DATE = re.compile(r"(?:(\d{4})年)?(\d{1,2})月(\d{1,2})日")


def annotate_other_language(text: str, *, published: str | None, language: str | None) -> Annotation:
    """Sentences, numbers and dates of a text in a language the English pipeline does not read."""
    sentences = tuple(Sentence(start=s, end=e, text=text[s:e]) for s, e in split_sentences(text))
    times = date_expressions(text, language, published)
    taken = [(t.start, t.end) for t in times]
    quantities = tuple(q for q in numbers_in(text) if not any(s <= q.start < e for s, e in taken))
    return Annotation(sentences=sentences, quantities=quantities, times=times, places=places_in(text))


def places_in(text: str) -> tuple[Place, ...]:
    """Places the text names in its own script, resolved as the English pipeline resolves them
    (``annotate.places``): each record's ``name`` is the gazetteer's, so "كابل" and "Kabul"
    are one place to compare."""
    from storylens.annotate.gazetteer import find_place_names, find_script_place_names
    from storylens.annotate.places import resolve_places, within_qualifier

    matches = find_script_place_names(text)
    taken = [(s, e) for s, e, _ in matches]
    # names in Latin script (a French or Turkish article, or a Latin name inside Arabic text)
    matches += [m for m in find_place_names(text) if not any(s < m[1] and m[0] < e for s, e in taken)]
    matches.sort(key=lambda m: m[0])
    chosen = resolve_places([within_qualifier(text, e, candidates) for _, e, candidates in matches])
    return tuple(
        Place(start=s, end=e, text=text[s:e], name=p.name, lat=p.lat, lon=p.lon, country=p.country,
              geonameid=p.geonameid, population=p.population)
        for (s, e, _), p in zip(matches, chosen, strict=True)
        if p is not None and not (p.lat == 0.0 and p.lon == 0.0)
    )


def ascii_digits(text: str) -> str:
    """The text with every script's digits as ASCII digits (same length: offsets hold)."""
    return text.translate(ASCII_DIGITS)


def _number_value(token: str) -> float | None:
    if _THOUSANDS.match(token):
        return float(re.sub(r"[.,]", "", token))
    try:
        return float(token.replace(",", "."))
    except ValueError:
        return None


def chinese_numeral(run: str) -> int | None:
    """"十二" -> 12, "三百五十" -> 350, "两万" -> 20000; None when the run is not a number."""
    total, section, digit = 0, 0, None
    for ch in run:
        if ch in CHINESE_DIGITS:
            if digit is not None:  # digit strings ("一九九八") read digit by digit
                digit = digit * 10 + CHINESE_DIGITS[ch]
            else:
                digit = CHINESE_DIGITS[ch]
        elif ch in CHINESE_SMALL_UNITS:
            section += (1 if digit is None else digit) * CHINESE_SMALL_UNITS[ch]
            digit = None
        elif ch in CHINESE_LARGE_UNITS:
            section += digit or 0
            total += (section or 1) * CHINESE_LARGE_UNITS[ch]
            section, digit = 0, None
        else:
            return None
    return total + section + (digit or 0)


def numbers_in(text: str) -> list[Quantity]:
    """Every number in the text, in any script's digits or in Chinese numerals, with its value."""
    plain = ascii_digits(text)
    found: list[Quantity] = []
    for match in _DIGITS.finditer(plain):
        value = _number_value(match.group())
        if value is None:
            continue
        end = match.end()
        scale = CHINESE_SCALE_AFTER_DIGITS.get(text[end : end + 1])
        word = _SCALE_WORD.match(text, end)
        if scale:
            value, end = value * scale, end + 1
        elif word and word.group(1).lower().rstrip(".") in SCALES_ELSEWHERE:
            value, end = value * SCALES_ELSEWHERE[word.group(1).lower().rstrip(".")], word.end()
        found.append(Quantity(start=match.start(), end=end, text=text[match.start() : end], value=value))
    for match in _CHINESE_RUN.finditer(text):
        run = match.group()
        has_unit = any(ch in CHINESE_SMALL_UNITS or ch in CHINESE_LARGE_UNITS for ch in run)
        counted = text[match.end() : match.end() + 1] in _CHINESE_CLASSIFIERS
        if any(q.start <= match.start() < q.end for q in found):
            continue  # the scale word of "5万", read with its digits
        if not (has_unit and len(run) > 1 or counted):
            continue  # "一" inside words ("统一", "一些") is no number
        value = chinese_numeral(run)
        if value is not None:
            found.append(Quantity(start=match.start(), end=match.end(), text=run, value=float(value)))
    found.sort(key=lambda q: q.start)
    return found


def date_expressions(text: str, language: str | None, published: str | None) -> tuple[TimeExpr, ...]:
    """Days with a month ("3 مارس", "3 марта 2020", "3月3日"), resolved to ISO dates."""
    base = _base_time(published)
    plain = ascii_digits(text)
    found: list[TimeExpr] = []
    for match in _CHINESE_DATE.finditer(plain):
        year = int(match.group(1)) if match.group(1) else (base.year if base else None)
        month, day = int(match.group(2)), int(match.group(3))
        value = _iso(year, month, day)
        found.append(TimeExpr(start=match.start(), end=match.end(), text=text[match.start() : match.end()], value=value))
    code = base_code(language)
    if code is not None:
        settings = {"PREFER_DATES_FROM": "past", "REQUIRE_PARTS": ["day", "month"]}
        if base is not None:
            settings["RELATIVE_BASE"] = base
        for day in _DAY.finditer(plain):
            if any(t.start <= day.start() < t.end for t in found):
                continue
            for start, end in _windows(plain, day):
                resolved = _parse(code, plain[start:end], settings)
                # the number must be the day: "41 عام" (41 years) reads as "41 years ago" otherwise
                if resolved is not None and resolved.day == int(day.group()):
                    found.append(TimeExpr(start=start, end=end, text=text[start:end],
                                          value=resolved.date().isoformat()))
                    break
    if code is not None and base is not None:
        for start, end, value in relative_days(text, code, base):
            if not any(t.start < end and start < t.end for t in found):
                found.append(TimeExpr(start=start, end=end, text=text[start:end], value=value))
    found.sort(key=lambda t: t.start)
    return tuple(found)


WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
# dateparser's relative words: how many days before the publication date each names
RELATIVE_DAYS = {"0 day ago": 0, "1 day ago": 1, "2 day ago": 2, "in 1 day": -1}
MIN_DAY_WORD = 3  # letters; "пн", "вт" (abbreviations) are no day in running text
# Arabic letters Persian writes its own way: dateparser's Persian list has "يكشنبه", news "یکشنبه"
_PERSIAN_LETTERS = str.maketrans({"ي": "ی", "ك": "ک"})


def relative_days(text: str, language: str, published: datetime) -> list[tuple[int, int, str]]:
    """Weekdays and relative days ("الثلاثاء", "周二", "вчера", "دیروز") in the article's language,
    from dateparser's locale data, resolved against the publication date: a weekday is the
    last such day on or before it (a report's past), "yesterday" the day before."""
    words = _day_words(language)
    if not words:
        return []
    plain = text.translate(_PERSIAN_LETTERS)
    out = []
    for match in words[0].finditer(plain):
        days_back = words[1][match.group().lower()]
        if isinstance(days_back, str):  # a weekday's name
            days_back = (published.weekday() - WEEKDAYS.index(days_back)) % 7
        out.append((match.start(), match.end(), (published - timedelta(days=days_back)).date().isoformat()))
    return out


@lru_cache(maxsize=64)
def _day_words(language: str):
    """(pattern, {word: weekday name or days back}) of a language's day words; None if unknown."""
    try:
        from dateparser.languages.loader import default_loader

        info = default_loader.get_locale(language).info
    except Exception:  # a language dateparser does not know
        return None
    meaning: dict[str, str | int] = {}
    for day in WEEKDAYS:
        for word in info.get(day, ()):
            meaning[word.translate(_PERSIAN_LETTERS)] = day
    for key, back in RELATIVE_DAYS.items():
        for word in info.get("relative-type", {}).get(key, ()):
            meaning[word.translate(_PERSIAN_LETTERS)] = back
    meaning = {w: m for w, m in meaning.items() if sum(c.isalpha() for c in w) >= (1 if CJK_CHARACTER.search(w) else MIN_DAY_WORD)}
    if not meaning:
        return None
    ordered = sorted(meaning, key=len, reverse=True)
    spaced = "|".join(re.escape(w) for w in ordered if not CJK_CHARACTER.search(w)) or "(?!)"
    unspaced = "|".join(re.escape(w) for w in ordered if CJK_CHARACTER.search(w)) or "(?!)"
    # a word of a spaced script stands between non-letters; Chinese words stand anywhere
    pattern = rf"(?<![^\W\d_])(?:{spaced})(?![^\W\d_])|{unspaced}"
    return re.compile(pattern, re.IGNORECASE), {
        w.lower(): m for w, m in meaning.items()}


def _windows(plain: str, day: re.Match) -> list[tuple[int, int]]:
    """The day with the word after it ("3 مارس 2020"), then with the word before it ("März 3, 2020")."""
    out = []
    after = _AFTER_DAY.match(plain, day.end())
    if after:
        out.append((day.start(), after.end()))
    before = _BEFORE_DAY.search(plain, max(0, day.start() - 20), day.start())
    if before:
        year = _YEAR_AFTER.match(plain, day.end())
        out.append((before.start(), year.end() if year else day.end()))
    return out


def _parse(language: str, window: str, settings: dict):
    import dateparser

    try:
        return dateparser.parse(window, languages=[language], settings=settings)
    except Exception:  # an unknown locale, or an odd window some locale's parser raises on: no date
        return None


def _base_time(published: str | None) -> datetime | None:
    if not published:
        return None
    try:
        return datetime.fromisoformat(published[:19].replace("Z", ""))
    except ValueError:
        return None


def _iso(year: int | None, month: int, day: int) -> str | None:
    if year is None or not (1 <= month <= 12 and 1 <= day <= 31):
        return None
    try:
        return datetime(year, month, day).date().isoformat()
    except ValueError:
        return None
