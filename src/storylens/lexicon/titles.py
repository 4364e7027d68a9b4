"""Ranks and titles a person holds one of at a time, by ladder.

Two outlets that give one person two different rungs of one ladder disagree ("Matthew Kanan,
an assistant professor" / "an associate professor"; "U.S. District Judge" / "state District
Judge"): compare's title check reads these. A rung is written as its surface forms, the
newsroom abbreviations included.
"""

from __future__ import annotations

import re

TITLE_LADDERS: dict[str, dict[str, tuple[str, ...]]] = {
    "academic rank": {
        "assistant professor": ("assistant professor",),
        "associate professor": ("associate professor",),
        "full professor": ("full professor",),
        "professor emeritus": ("professor emeritus", "emeritus professor"),
        "lecturer": ("lecturer",),
        "senior lecturer": ("senior lecturer",),
        "postdoctoral researcher": ("postdoctoral researcher", "postdoctoral fellow", "postdoc"),
    },
    "military rank": {
        "private": ("private", "pvt."),
        "corporal": ("corporal", "cpl."),
        "sergeant": ("sergeant", "sgt."),
        "staff sergeant": ("staff sergeant", "staff sgt."),
        "second lieutenant": ("second lieutenant", "2nd lt."),
        "first lieutenant": ("first lieutenant", "1st lt."),
        "lieutenant": ("lieutenant", "lt."),
        "captain": ("captain", "capt."),
        "major": ("major", "maj."),
        "lieutenant colonel": ("lieutenant colonel", "lt. col.", "lt. colonel"),
        "colonel": ("colonel", "col."),
        "brigadier general": ("brigadier general", "brig. gen."),
        "major general": ("major general", "maj. gen."),
        "lieutenant general": ("lieutenant general", "lt. gen."),
        "general": ("general", "gen."),
    },
    "court": {
        "federal judge": ("u.s. district judge", "federal judge", "federal district judge", "u.s. magistrate judge",
                          "u.s. circuit judge", "federal magistrate judge"),
        "state judge": ("state district judge", "state judge", "superior court judge", "county judge",
                        "state supreme court justice", "circuit court judge"),
    },
}

_NAME = r"((?:[A-Z][\w'’-]+\.?\s+){0,2}[A-Z][\w'’-]+)"  # "Matthew Kanan", "Kanan", "Samuel L. Jackson"
_FORMS = sorted(
    ((form, ladder, rung) for ladder, rungs in TITLE_LADDERS.items() for rung, forms in rungs.items() for form in forms),
    key=lambda item: -len(item[0]),
)
_ALTERNATION = "|".join(re.escape(form) for form, _, _ in _FORMS)
# "Assistant Professor Matthew Kanan", "Lt. Col. Packard" (a title before a name is capitalised,
# except "state District Judge")
_TITLE_BEFORE = re.compile(rf"(?<![\w.])((?i:{_ALTERNATION}))\s+{_NAME}")
# "Matthew Kanan, an assistant professor of chemistry" (not "In March, Colonel Smith")
_TITLE_AFTER = re.compile(rf"{_NAME},\s+(?:(?:an?|the)\s+)?((?i:{_ALTERNATION}))\b(?!\s+[A-Z])")
_RUNG_OF = {form: (ladder, rung) for form, ladder, rung in _FORMS}


def person_titles(text: str) -> list[tuple[str, str, str, int, int]]:
    """(surname, ladder, rung, start, end) for each title given beside a capitalised name."""
    found = []
    for match in _TITLE_BEFORE.finditer(text):
        title, name = match.group(1), match.group(2)
        ladder, rung = _RUNG_OF[title.lower()]
        if title[0].isupper() or ladder == "court":
            found.append((name.split()[-1].strip(".").lower(), ladder, rung, match.start(), match.end()))
    for match in _TITLE_AFTER.finditer(text):
        name = match.group(1)
        ladder, rung = _RUNG_OF[match.group(2).lower()]
        found.append((name.split()[-1].strip(".").lower(), ladder, rung, match.start(), match.end()))
    return found
