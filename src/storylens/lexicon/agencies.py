"""News agencies whose copy other outlets run: a slug and the names a credit uses.

Acronyms that are also words ("AP", "ANI", "EFE") only count in capitals.
"""

from __future__ import annotations

AGENCIES: dict[str, str] = {  # slug -> pattern (matched case-insensitively)
    "reuters": r"(?:thomson\s+)?reuters",
    "ap": r"(?:the\s+)?associated\s+press|(?-i:AP)",
    "afp": r"afp|agence\s+france[- ]presse",
    "dpa": r"(?-i:dpa|DPA)",
    "efe": r"(?-i:EFE)",
    "ansa": r"(?-i:ANSA)",
    "xinhua": r"xinhua(?:\s+news\s+agency)?",
    "anadolu": r"anadolu(?:\s+agency)?",
    "tass": r"(?-i:TASS)",
    "upi": r"(?-i:UPI)|united\s+press\s+international",
    "pti": r"press\s+trust\s+of\s+india|(?-i:PTI)",
    "ians": r"(?-i:IANS)",
    "ani": r"(?-i:ANI)",
    "kyodo": r"kyodo(?:\s+news)?",
    "yonhap": r"yonhap(?:\s+news\s+agency)?",
    "bernama": r"bernama",
    "aap": r"australian\s+associated\s+press|(?-i:AAP)",
    "bloomberg": r"bloomberg(?:\s+news)?",
    "agencies": r"(?:news\s+)?agencies|wires|wire\s+services",
}
# Agencies whose photographers' captions read "AFP / Jane Doe" (EPA sells pictures only).
PHOTO_AGENCIES = ("ap", "afp", "reuters", "epa", "anadolu", "xinhua")
GENERIC = "agencies"  # "With news agencies": copy from agencies, none named
# Each agency as a named group (which one matched) and all of them as one alternation.
AGENCY_GROUPS = "|".join(f"(?P<{slug}>{pattern})" for slug, pattern in AGENCIES.items())
ANY_AGENCY = "|".join(f"(?:{pattern})" for pattern in AGENCIES.values())
