"""Clock times in running text: "11:45 a.m.", "around 10:30 a.m.", "9 p.m.", "noon", "21:30 GMT".

The time annotator resolves days, not hours; two reports that put one moment at 11:40 a.m.
and at 10:30 a.m. disagree (compare's time check), while "about 11:45" and "11:40" do not:
reporters round to the quarter hour.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["CLOCK_TOLERANCE_MINUTES", "ClockTime", "clock_times", "clocks_disagree"]

# Two clock times of one moment this close are one time told with different precision.
CLOCK_TOLERANCE_MINUTES = 20
# ... and further apart when either is hedged ("about", "around", "shortly after").
HEDGED_TOLERANCE_MINUTES = 45

_MERIDIEM = r"(?P<mer>[ap])\.?\s?m\b\.?"
_ZONE = r"(?P<zone>\s?(?:GMT|UTC|[ECMP][SD]?T|BST|CET|CEST|local\s+time))?"
_CLOCK = re.compile(
    r"(?P<hedge>\b(?:about|around|approximately|roughly|nearly|almost|shortly\s+(?:before|after)|just\s+(?:before|after)"
    r"|some\s+time\s+(?:before|after)|sometime\s+(?:before|after)|before|after|by|until|till)\s+)?"
    r"(?:\b(?P<h>[01]?\d|2[0-3])[:.](?P<m>[0-5]\d)(?:\s?" + _MERIDIEM + r")?" + _ZONE
    + r"|\b(?P<h12>1[0-2]|0?[1-9])\s?" + _MERIDIEM.replace("mer", "mer12")
    + r"|\b(?P<word>noon|midday|midnight)\b)",
    re.I,
)
# "before", "after", "by", "until": the time bounds the moment rather than giving it
_BOUNDING = re.compile(r"^(?:before|after|by|until|till)\b", re.I)


@dataclass(frozen=True)
class ClockTime:
    """One clock time: minutes after midnight, where it stands in the text, how it is hedged."""

    start: int
    end: int
    minutes: int
    hedged: bool
    bounding: bool
    text: str


def clock_times(text: str) -> list[ClockTime]:
    """Every clock time in ``text`` whose hour is certain (a bare "10:30" needs no a.m./p.m.
    to be compared, "at 10" is left out: it may count anything)."""
    found = []
    for match in _CLOCK.finditer(text):
        hedge = (match.group("hedge") or "").strip()
        if match.group("word"):
            minutes = 0 if match.group("word").lower() == "midnight" else 12 * 60
        else:
            hour = int(match.group("h") or match.group("h12"))
            minute = int(match.group("m") or 0)
            meridiem = (match.group("mer") or match.group("mer12") or "").lower()
            if meridiem and not 1 <= hour <= 12:
                continue
            if meridiem == "p" and hour != 12:
                hour += 12
            elif meridiem == "a" and hour == 12:
                hour = 0
            elif not meridiem and not match.group("zone") and (
                ":" not in match.group(0) or 1 <= hour <= 12
            ):
                # "10.30" may be a number; "10:30" without a.m./p.m. or a zone may be either half of the day
                continue
            minutes = hour * 60 + minute
        start = match.start("word") if match.group("word") else match.start("h") if match.group("h") else match.start("h12")
        found.append(ClockTime(start=start, end=match.end(), minutes=minutes, hedged=bool(hedge),
                               bounding=bool(_BOUNDING.match(hedge)), text=text[start:match.end()].strip()))
    return found


def clocks_disagree(a: ClockTime, b: ClockTime) -> bool:
    """Whether two clock times for one moment cannot both be right (a bound never disagrees)."""
    if a.bounding or b.bounding:
        return False
    gap = abs(a.minutes - b.minutes)
    gap = min(gap, 24 * 60 - gap)
    tolerance = HEDGED_TOLERANCE_MINUTES if a.hedged or b.hedged else CLOCK_TOLERANCE_MINUTES
    return gap > tolerance
