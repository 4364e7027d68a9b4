"""Datelines: where a wire story was filed, and whose copy it is ("KABUL, Aug 10 (Reuters) -").

``DATELINE`` is the one reading of a dateline in article text (where the story was filed,
not part of what it states). The other patterns answer narrower questions about the
same line and were measured as they are: which agency a dateline credits (cleaning's
syndication), and whether a first line is a dateline rather than a headline (ingest).
"""

from __future__ import annotations

import re

from storylens.lexicon.agencies import AGENCY_GROUPS

_CAPS = "A-ZÀ-ÖØ-ÞĂÂÎȘȚŞŢ"  # capitals, with the Romanian and Western European ones
DASHES = "-—–"

# A wire dateline opening the article's first sentence ("BUCHAREST, March 10 (Meridian Press) -",
# "PIATRA NEAMȚ —"): a place in capitals, a date, a credit in brackets, a dash or colon.
DATELINE = re.compile(
    rf"(?:[{_CAPS}][{_CAPS}.'’\-]+(?:\s+[{_CAPS}][{_CAPS}.'’\-]+){{0,3}})"
    r"(?:,\s*[A-Z][A-Za-z.]*(?:\s+[A-Za-z.]+){0,2}(?:\s+\d{1,2})?)?"
    rf"(?:\s*\([^()\n]{{1,40}}\))?\s*[{DASHES}:]{{1,2}}\s+(?=[A-Z0-9\"“‘'])"
)
# A dateline crediting a known agency, at the start of the text ("KABUL, Aug 10 (Reuters) -",
# "WASHINGTON (AP) —", "(AFP) -"): one named group per agency says which.
AGENCY_DATELINE = re.compile(r"^[^()\n]{0,80}?\(\s*(?:" + AGENCY_GROUPS + rf")\s*\)\s*[{DASHES}:]", re.I)
# Any credit in a CAPS dateline is a wire credit: "BUCHAREST, March 10 (Meridian Press) -" (group "name").
CREDIT_DATELINE = re.compile(
    r"^[A-Z][A-Z .'’-]{1,40}(?:,\s*[^()\n]{0,40}?)?\s*\(\s*(?P<name>[A-Z][\w&.'’-]*"
    rf"(?:\s+[A-Z][\w&.'’-]*){{0,3}})\s*\)\s*[{DASHES}:]"
)
# A first line that opens with a dateline ("Kabul (Reuters) - …") is the lede, not a headline.
LEDE_DATELINE = re.compile(rf"^[A-Z][A-Za-z .'-]{{1,40}}(\([^)]{{1,40}}\))?\s+[{DASHES}]{{1,2}}\s")
