"""Sentence-level furniture: page text that is not article prose, inside a paragraph.

Line cleaning (``boilerplate``) removes whole lines. Many extractors, though, join a
caption, a credit or a player's text with the prose around it on one line ("... (Jane
Doe/The Daily Paper) FILE - In this 2015 photo, ..."), so the sentence splitter hands
later stages sentences that are furniture. ``is_furniture`` says which, and why, so
claim extraction and the digest can leave them out; ``leading_dateline`` measures a
dateline heading a sentence ("PARIS (AP) — ...") so a title or a claim can start after it.

Each check here is a pattern that recurs across outlets (wire captions, credits, tweet
embeds, figure captions); a sentence that reads like an ordinary statement is kept.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from storylens.clean.boilerplate import classify_line, word_count

_AGENCY = r"(?:AP|AFP|Reuters|REUTERS|UPI|Associated\s+Press|ASSOCIATED\s+PRESS|dpa|EPA|Xinhua)"
_UPPER_PLACE = r"[A-Z][A-Z.'’-]+(?:\s+[A-Z][A-Z.'’-]+){0,3}"
# "PARIS (AP) —", "FORT WAYNE, Ind. —", "NEW YORK (Reuters) -", "LONDON —"
_DATELINE = re.compile(
    _UPPER_PLACE
    + r"(?:,\s*(?:[A-Z][a-z]{1,4}\.|[A-Z][a-z]+(?:\s+[A-Z][a-z]+)?|[A-Z]{2}))?"
    + r"(?:\s*\([^()]{1,40}\))?"
    + r"\s*(?:[—–]|-{1,2}(?=\s)|:)\s*(?=[A-Z0-9\"“‘'])"
)
# the same dateline standing alone as a sentence: "ATLANTA (AP)", "FORT WAYNE, Ind."
_DATELINE_ALONE = re.compile(
    _UPPER_PLACE
    + r"(?:(?:,\s*(?:[A-Z][a-z]{1,4}\.|[A-Z]{2}))(?:\s*\([^()]{1,40}\))?|\s*\([^()]{1,40}\))"
    + r"\s*[—–-]?\s*$"
)

_CHECKS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (label, re.compile(pattern))
    for label, pattern in (
        # "(Jane Doe/The Daily Paper)", "(via Facebook)", "(Associated Press)", "(3:31)", "(AP..."
        ("photo-credit: a parenthesised credit",
         r"^\(\s*(?:[^()]{0,80}/[^()]{0,80}|via\s+[^()]{1,60}|" + _AGENCY + r"[^()]{0,3}|"
         r"[\w-]+(?:\.[\w-]+)+|\d{1,2}:\d{2}(?::\d{2})?)\s*(?:\)|\.{2,}|…)\s*\.?$"),
        ("photo-credit: a name and an outlet",
         r"^(?:[Cc]redit\s*:?\s*)?[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*){1,3}\s*/\s*(?:[Tt]he\s+)?"
         r"[A-Z][\w.'’&-]*(?:\s+[\w.'’&-]+){0,4}\s*\.?$"),
        # AP and other wire captions: "FILE - In this May 2, 2015, file photo, ..."
        ("caption: a wire photo caption",
         r"^(?:FILE\s*[-–—]\s*)?In\s+(?:this|these)\s+(?:[\w.,'’-]+\s+){0,10}?"
         r"(?:file\s+)?(?:photos?|images?|pictures?|videos?|handout|frame\s+grab|still)\b|"
         r"^In\s+an?\s+(?:undated\s+)?(?:file\s+)?(?:photo|image|picture)\b"),
        # "Photograph from the 1998 dig, ...", "A 2003 photo of ..." ("A photo of X was shown"
        # is prose: a bare article before "photo" is not enough)
        ("caption: a photo described",
         r"^(?:(?:A|An)\s+(?:(?:\d{4}|file|undated)\s+)+)?(?:Photo(?:graph)?|Picture|Image|photo|"
         r"photograph|picture|image)\s+(?:of|from|shows?|showing|taken)\b"),
        # "A rendering of the new species.", "A photo from the 1998 dig, with ..." with no verb of its own
        ("caption: an illustration described",
         r"^(?:A|An)\s+(?:(?:\d{4}|file|undated|new|recent)\s+)?(?:rendering|illustration|"
         r"artist'?s\s+(?:impression|rendering|conception)|photo(?:graph)?|picture|image|video\s+still|still)"
         r"\s+(?:of|from|taken)\b(?!.*\b(?:is|was|were|are|has|had|have|will|would|shows?|showed|ran|"
         r"appeared|circulated|went)\b)"),
        ("caption: a figure or table label", r"^(?:Figure|Fig\.|Table|Chart)\s+\d+[A-Za-z]?\s*[:.]"),
        ("caption: people placed in a picture",
         r"^From\s+left\b|[A-Z][\w'’-]+,\s*(?:left|right|center|centre|second\s+(?:from\s+)?"
         r"(?:left|right)|top|bottom)\s*,\s+(?:\w+\s+){0,3}?(?:speaks|poses|pose|arrives|arrive|"
         r"walks|stands|sits|listens|looks|appears|waves|smiles|holds|attends|talks|gestures)\b"),
        # "Actress Jane Doe poses for photographers on the red carpet ..." (captions speak in
        # the present; prose says "posed")
        ("caption: someone posing for the camera",
         r"^(?!.*[\"“”]).{0,80}\b(?:poses|pose)\s+for\s+(?:photographers|photos|pictures|a\s+(?:photo|picture|portrait))\b"),
        # a video's caption: "Jane Doe, 77, grandfather of the girl, talks about the accident"
        # (a named person, an apposition, a verb in the present, no full stop; prose says
        # "talked" and ends its sentences)
        ("caption: someone shown speaking in a video",
         r"^(?!.*[\"“”])[A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.-]*){0,3}(?:,\s[^,]{1,120}){1,3},\s+"
         r"(?:talks|speaks|reacts|responds)\s+(?:about|to|on|with|after)\b[^.!?]*$"),
        ("caption: a wire correction note", r"^CORRECTS\b"),
        ("caption: an image label", r"^Image\s+(?:caption\s+|copyright\s+)?(?=[A-Z])"),
        # "Rings on show: While the couple ..." (a label, a colon, no full stop at the end)
        ("caption: a labelled caption without a full stop",
         r"^(?!.*\(@\w+\))[A-Z][\w'’]*(?:\s+[\w'’]+){0,2}:\s+[A-Z].{20,}[^\s.!?\"”’')…]$"),
        # "#Tag — Jane Doe (@janedoe) December 7, 2012": the signature of an embedded post
        ("embed: an embedded post's signature",
         r"^(?:[#@]?[\w.'’-]+\s+)?(?:[—–-]\s*)?[\w .'’-]{1,60}\(@\w{1,30}\)\s+"
         r"[A-Z][a-z]+\.?\s+\d{1,2},\s+\d{4}\s*$"),
        # "— Professor Jane Doe" under a pull quote
        ("pull-quote: an attribution line",
         r"^[—–]\s*[A-Z][\w.'’-]*(?:\s+[\w.'’-]+){0,7}(?<![.!?])$"),
        # a teaser cut off by the page: "Jane Doe, who ..., is suing the..."
        ("teaser: cut off with an ellipsis", r"^(?=(?:\S+\s+){0,14}\S+$)[^\"“”'‘’]{8,}\w(?:\.{3}|…)$"),
    )
)


@lru_cache(maxsize=65536)
def is_furniture(sentence: str) -> str | None:
    """Why this sentence is page furniture (caption, credit, prompt, dateline), or None.

    Pure and cached: claim extraction and the digest ask about every sentence.
    """
    text = " ".join(sentence.split())
    if not text:
        return None
    if not any(ch.isalnum() for ch in text):
        # a stray closing quote ('.”') is the end of a quotation, not furniture
        return None if any(q in text for q in "\"“”'’") else "empty: no letters or digits"
    if len(text) == 1 and text.isalpha():
        return "empty: a lone letter (a drop cap)"
    if _DATELINE_ALONE.match(text):
        return "dateline: a dateline standing alone"
    if not any(ch.islower() for ch in text) and len(_CAPITAL_WORD.findall(text)) >= 2 and text[-1] not in ".!?\"”’'":
        return "heading: a line in capitals with no sentence end (a credit or a section label)"
    if text.startswith("[") and text.rstrip(".").endswith("]") and word_count(text) <= 15:
        return "inset: a bracketed line (a link or an editor's note)"
    for label, pattern in _CHECKS:
        if pattern.search(text):
            return label
    reason = classify_line(text)
    if reason is not None and reason.startswith("ui-prompt: short imperative"):
        return None  # inside prose a short imperative is usually quoted speech
    return reason


def leading_dateline(text: str) -> int:
    """Length of the dateline that opens ``text`` ("PARIS (AP) — "), 0 when there is none."""
    found = _DATELINE.match(text)
    if found is None or found.end() >= len(text):
        return 0
    return found.end()


# a credit that opens a sentence the extractor ran on into the prose after it:
# "Credit: Jane Doe, Harbour University Harbour University scientists have found ..."
_CREDIT_LEAD = re.compile(r"^(?:Credit|Photo|Image|Picture|Photograph)\s*:\s+[A-Z]")
_RUNNING_TIME = re.compile(r"^\(\d{1,2}:\d{2}(?::\d{2})?\)\.?$")
# Captions are written in the present tense ("Salah Ali, 77, talks about the accident", "Tory
# MP Jane Doe says she will oppose the bill"); prose before a credit keeps the past ("The car
# landed six stories below.")
_PRESENT_CAPTION = re.compile(
    r"^[^.?!\"“]{0,160}?\b(?:talks|speaks|says|reacts|gestures|poses|looks|walks|waves|arrives|listens|smiles"
    r"|stands|sits|holds|watches|addresses|attends|testifies|leaves|enters|celebrates|embraces|hugs|prays"
    r"|mourns|visits|inspects|displays|greets|shakes)\b"
)
_CAPITAL_WORD = re.compile(r"\b[A-Z]{2,}\b")
CAPTION_MAX_SENTENCES = 3  # a caption runs to two or three sentences; more is prose
CAPTION_MAX_WORDS = 80


def caption_sentences(text: str, spans: Sequence[tuple[int, int]]) -> frozenset[int]:
    """Sentences (indices into ``spans``) that read as prose but belong to a picture's caption.

    Whole captions are paragraphs: one that opens with a caption ("FILE - In this 2007 photo,
    ...") or whose first two or three sentences stand before a credit ("... (Associated Press)",
    "JANE DOE / Reuters", "Credit: Jane Doe") is a caption throughout, as long as it is
    caption-sized; a caption's second sentence ("Daniels, whose real name is ..., is suing ...")
    reads like prose.
    """
    found: set[int] = set()
    paragraph: list[int] = []

    def sentence(k: int) -> str:
        return text[spans[k][0] : spans[k][1]].strip()

    def is_credit(k: int) -> bool:
        return (is_furniture(sentence(k)) or "").startswith("photo-credit") or bool(_CREDIT_LEAD.match(sentence(k)))

    def close() -> None:
        credit = next((n for n, k in enumerate(paragraph) if n and is_credit(k)), None)
        if credit is not None:
            lead = paragraph[:credit]
            # one sentence before a credit is left as it is: a caption that states a fact in the
            # outlet's voice ("The car landed six stories below. (Jane Doe/Ledger)") reads as
            # prose; before a running time ("(3:31)") it describes a video, and in the present
            # tense ("X talks about the accident") it describes a picture
            least = 1 if (_RUNNING_TIME.match(sentence(paragraph[credit]))
                          or _PRESENT_CAPTION.match(sentence(lead[0]))) else 2
        else:
            opens = bool(paragraph) and (is_furniture(sentence(paragraph[0])) or "").startswith("caption")
            lead, least = (paragraph if opens else []), 2
        words = sum(word_count(sentence(k)) for k in lead)
        if least <= len(lead) <= CAPTION_MAX_SENTENCES and words <= CAPTION_MAX_WORDS:
            found.update(lead)
        paragraph.clear()

    previous_end = 0
    for k, (start, end) in enumerate(spans):
        if "\n" in text[previous_end:start]:
            close()
        paragraph.append(k)
        previous_end = end
    close()
    return frozenset(found)
