"""Number words: cardinals, ordinals and scales, and the slices of them each reader uses."""

from __future__ import annotations

import re

CARDINALS: dict[str, int] = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30,
    "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
}
ORDINALS: dict[str, int] = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8,
    "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13, "fourteenth": 14,
    "fifteenth": 15, "sixteenth": 16, "seventeenth": 17, "eighteenth": 18, "nineteenth": 19, "twentieth": 20,
    "hundredth": 100,
}
SCALES: dict[str, int] = {
    "hundred": 100, "hundreds": 100, "thousand": 1_000, "thousands": 1_000, "million": 1_000_000,
    "millions": 1_000_000, "billion": 1_000_000_000, "billions": 1_000_000_000,
    "trillion": 1_000_000_000_000, "bn": 1_000_000_000, "m": 1_000_000, "k": 1_000,
}
ARTICLES_AS_ONE: dict[str, int] = {"a": 1, "an": 1}  # "a day ago", "an hour later"
ONES = {word: value for word, value in CARDINALS.items() if 1 <= value <= 9}
TEENS = {word: value for word, value in CARDINALS.items() if 10 <= value <= 20}  # "nineteen ten"
TENS = {word: value for word, value in CARDINALS.items() if value >= 20 and value % 10 == 0}

# A quantity's value (annotate.quantities): every cardinal, "a"/"an" as one, and the
# vague collective amounts ("dozens" of 24, "half").
QUANTITY_UNITS: dict[str, float] = CARDINALS | ARTICLES_AS_ONE | {"dozen": 12, "dozens": 24, "half": 0.5}

# "N days ago" (annotate.times): the counts the time resolver was measured with; a count
# outside them ("sixteen days ago") stays a vague past or future reference.
RELATIVE_TIME_COUNTS: dict[str, int] = ARTICLES_AS_ONE | {
    word: value for word, value in CARDINALS.items() if 1 <= value <= 12 or value in (15, 20, 30)}

# Numbers in a claim the annotator found none in (align's fallback): cardinals up to fifty,
# "hundred", "dozen" and the first ten ordinals.
CLAIM_NUMBER_WORDS: dict[str, int] = (
    {word: value for word, value in CARDINALS.items() if 1 <= value <= 20 or value in (30, 40, 50)}
    | {"hundred": SCALES["hundred"], "dozen": 12}
    | {word: value for word, value in ORDINALS.items() if value <= 10}
)


# Words before a bare four-digit number that make it a year ("in 1998", "since 2001",
# "the year 1998", "early 2001"); a month or season name beside it does too (annotate/times.py).
YEAR_LEAD_WORDS = frozenset({
    "in", "since", "by", "until", "till", "before", "after", "during", "through", "throughout",
    "from", "between", "around", "circa", "year", "fiscal", "calendar", "early", "late", "mid",
    "for", "into", "due", "both",
})
# Determiners before a modern year used as a modifier of a plural ("the 1967 killings").
YEAR_MODIFIER_LEADS = frozenset({"the", "its", "his", "her", "their", "our", "whose"})
# Nouns after a number that make it a count, not a year ("1222 people"; plurals in -s too).
COUNT_NOUNS_AFTER = frozenset({
    "people", "men", "women", "children", "police", "staff", "personnel", "cattle", "sheep", "fish",
    "percent", "per", "gmt", "utc", "hours", "hrs", "local",
})
# Words after a number that read as a count unless a lead word made it a year ("1471 more").
COUNT_WORDS_AFTER = frozenset({"more", "less", "fewer", "other", "others", "of", "to", "out", "each", "in"})
# "the end of 1998", "the summer of 2001": these nouns before "of" make the number a year.
YEAR_OF_WORDS = frozenset({
    "end", "beginning", "start", "middle", "half", "quarter", "part", "spring", "summer",
    "autumn", "fall", "winter", "year", "years", "course", "rest", "months", "weeks", "act",
})
# Function words: after a number they make it neither a counted plural nor a year modifier.
FUNCTION_WORDS = frozenset({
    "on", "in", "at", "to", "for", "from", "by", "with", "and", "or", "but", "as", "of", "the", "a",
    "an", "is", "was", "were", "are", "be", "been", "will", "would", "has", "had", "have", "after",
    "before", "than", "when", "while", "if", "that", "which", "who", "this", "these", "those", "its",
    "his", "hers", "thus", "plus", "us", "does", "whereas", "always", "perhaps", "besides", "yes",
})

# Currencies as a counted noun ("20,000 lei", "50 million dollars"): an amount of money counts
# nothing a reader can compare until its purpose is named ("bail", "aid").
# A count added to one given before: "65 more were killed", "another 12", "an additional 30".
INCREMENT_AFTER = re.compile(r"\s+(?:more|additional|further|extra)\b", re.I)
INCREMENT_BEFORE = re.compile(r"\b(?:another|an\s+additional|a\s+further|an\s+extra)\s+$", re.I)

CURRENCY_WORDS = frozenset({
    "dollar", "dollars", "euro", "euros", "pound", "pounds", "sterling", "lei", "leu", "yuan", "renminbi",
    "yen", "ruble", "rubles", "rouble", "roubles", "rupee", "rupees", "franc", "francs", "peso", "pesos",
    "lira", "liras", "dinar", "dinars", "riyal", "riyals", "rial", "rials", "dirham", "dirhams", "shekel",
    "shekels", "won", "krona", "kronor", "krone", "kroner", "zloty", "zlotys", "rand", "naira", "taka",
    "afghani", "afghanis", "hryvnia", "hryvnias", "forint", "forints", "baht", "ringgit", "rupiah",
})

# ---------------------------------------------------------------- numbers in other scripts (issue 18)

# Decimal digits of other scripts, read as ASCII digits: Arabic-Indic (Arabic), Extended
# Arabic-Indic (Persian, Urdu, Pashto), Devanagari, Bengali and full-width (Chinese, Japanese).
DIGIT_ZEROS = ("\u0660", "\u06f0", "\u0966", "\u09e6", "\uff10")
ASCII_DIGITS = str.maketrans(
    {chr(ord(zero) + k): str(k) for zero in DIGIT_ZEROS for k in range(10)}
    # the Arabic decimal and thousands separators, and the full-width comma and full stop
    | {"\u066b": ".", "\u066c": ",", "\uff0c": ",", "\uff0e": "."}
)

# Chinese numerals: digits, the small units within a myriad, and the large units.
CHINESE_DIGITS: dict[str, int] = {
    "零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "兩": 2, "三": 3, "四": 4, "五": 5, "六": 6,
    "七": 7, "八": 8, "九": 9,
}
CHINESE_SMALL_UNITS: dict[str, int] = {"十": 10, "百": 100, "千": 1_000}
CHINESE_LARGE_UNITS: dict[str, int] = {"万": 10_000, "萬": 10_000, "亿": 100_000_000, "億": 100_000_000}
# A count's scale word after Arabic digits ("5万" = 50,000; "3.5亿").
CHINESE_SCALE_AFTER_DIGITS = CHINESE_LARGE_UNITS | {"千": 1_000, "百": 100}
# Scale words after digits in other languages ("1.5 مليون", "3 млн", "2 Millionen").
SCALES_ELSEWHERE: dict[str, int] = {
    "ألف": 1_000, "آلاف": 1_000, "الف": 1_000, "مليون": 1_000_000, "ملايين": 1_000_000, "مليار": 1_000_000_000,
    "هزار": 1_000, "میلیون": 1_000_000, "میلیارد": 1_000_000_000, "ہزار": 1_000, "ملین": 1_000_000,
    "ارب": 1_000_000_000, "тыс": 1_000, "тысяч": 1_000, "тысячи": 1_000, "млн": 1_000_000,
    "миллион": 1_000_000, "миллиона": 1_000_000, "миллионов": 1_000_000, "млрд": 1_000_000_000,
    "миллиард": 1_000_000_000, "миллиарда": 1_000_000_000, "миллиардов": 1_000_000_000,
    "million": 1_000_000, "millions": 1_000_000, "millionen": 1_000_000, "milliard": 1_000_000_000,
    "milliards": 1_000_000_000, "milliarde": 1_000_000_000, "milliarden": 1_000_000_000, "mio": 1_000_000,
    "mrd": 1_000_000_000, "millón": 1_000_000, "millones": 1_000_000, "milyon": 1_000_000,
    "milyar": 1_000_000_000, "bin": 1_000, "mil": 1_000, "billion": 1_000_000_000, "thousand": 1_000,
}
