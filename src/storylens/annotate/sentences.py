"""Sentence boundaries for news text.

syntok handles abbreviations ("U.S.", "Gen.") and quotes that close after the
full stop; we add hard breaks at line ends so headlines, datelines on their own
line and section titles never merge into the next sentence.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from itertools import islice

import numpy
import syntok.segmenter as segmenter

from storylens.lexicon.languages import SENTENCE_END

_PARAGRAPH = re.compile(r"[^\n]+")


def split_sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) character offsets of each sentence, in order, whitespace-trimmed."""
    spans: list[tuple[int, int]] = []
    for line in _PARAGRAPH.finditer(text):
        line_text = line.group()
        if not line_text.strip():
            continue
        base = line.start()
        try:
            paragraphs = list(segmenter.analyze(line_text))
        except Exception:  # syntok is robust, but never let one odd line break a batch
            paragraphs = []
        found = False
        for paragraph in paragraphs:
            for sentence in paragraph:
                tokens = [t for t in sentence if t.value]
                if not tokens:
                    continue
                start = base + tokens[0].offset
                end = base + tokens[-1].offset + len(tokens[-1].value)
                spans.append((start, end))
                found = True
        if not found:
            stripped = line_text.strip()
            start = base + line_text.index(stripped)
            spans.append((start, start + len(stripped)))
    if SENTENCE_END.search(text):
        spans = [piece for span in spans for piece in _split_other_scripts(text, span)]
    return _merge_fragments(text, spans)


def lead_sentences(text: str, window: int = 600) -> Iterator[tuple[int, int]]:
    """The spans of ``split_sentences(text)`` in order, segmenting only as much of the text as
    the caller reads (a story title reads an article's first sentences, not the whole article).

    Prefixes grow fourfold, cut at a line end where there is one; of each prefix's spans the
    last two are held back until a longer prefix (or the whole text) confirms them, so a
    sentence or fragment cut by the prefix is never yielded.
    """
    done = 0
    while window < len(text):
        cut = text.rfind("\n", 0, window)
        spans = split_sentences(text[: cut if cut > 0 else window])
        yield from spans[done:-2]
        done = max(done, len(spans) - 2)
        window *= 4
    yield from split_sentences(text)[done:]


def first_sentences(text: str, count: int, window: int = 600) -> list[tuple[int, int]]:
    """The first ``count`` spans of ``split_sentences(text)`` (see ``lead_sentences``)."""
    return list(islice(lead_sentences(text, window), count))


def _split_other_scripts(text: str, span: tuple[int, int]) -> list[tuple[int, int]]:
    """Cut a span at the sentence ends syntok does not know ("。", "！", "؟", "۔"):
    Chinese and Japanese put no space after them, so a paragraph comes back as one piece."""
    start, end = span
    pieces = []
    for match in SENTENCE_END.finditer(text, start, end):
        if text[match.end():end].strip():
            pieces.append((start, match.end()))
            start = match.end()
            while start < end and text[start].isspace():
                start += 1
    pieces.append((start, end))
    return pieces


# A section title: a short line of its own, without closing punctuation, below the top lines
# (where the headline, a dateline or a byline sit), and without a verb (checked on the parse).
_CLOSES_STATEMENT = re.compile(r"[.!?:;\"”’')\]…]\s*$")
HEADING_MAX_WORDS = 12
HEADING_FIRST_LINE = 3  # lines above it: a verbless headline at the top is still the story's title
_NON_SPACE = re.compile(r"\S")


def heading_candidates(text: str, spans: list[tuple[int, int]]) -> list[int]:
    """Indices of the sentences shaped like a section title; the caller checks they have no verb."""
    # where the body starts: the first line with HEADING_FIRST_LINE non-blank lines above it
    top_lines = [m.start() for m in _PARAGRAPH.finditer(text) if m.group().strip()][:HEADING_FIRST_LINE + 1]
    if len(top_lines) <= HEADING_FIRST_LINE:
        return []
    body_start = top_lines[HEADING_FIRST_LINE]
    found = []
    for i, (start, end) in enumerate(spans):
        line_start = text.rfind("\n", 0, start) + 1
        line_end = text.find("\n", end)
        line_end = len(text) if line_end < 0 else line_end
        if line_start < body_start or text[line_start:start].strip() or text[end:line_end].strip():
            continue  # among the top lines, or shares its line with another sentence
        words = text[start:end].split()
        if not words or len(words) > HEADING_MAX_WORDS or _CLOSES_STATEMENT.search(text[start:end]):
            continue
        if _NON_SPACE.search(text, line_end):  # text follows: it titles something
            found.append(i)
    return found


# Titles before a name: syntok sometimes ends a sentence at them ("…,” Rep. | Earl Blumenauer said.";
# "Virgin Islands Del. | Stacey Plaskett"; but "Dover, Del." is Delaware and may end a sentence).
_TITLE_END = re.compile(
    r"(?:^|[\s(“\"‘'])(?:Rep|Reps|Sen|Sens|Gov|Govs|Lt|Gen|Dr|Mr|Mrs|Ms|Col|Capt|Sgt|Prof|Rev|Adm|Maj|Cmdr|Supt|"
    r"Atty|Gov\.-elect|Pres|Hon|Sr|Jr|St|Ft|Mt|Del(?<!,\sDel))\.$")


def _merge_fragments(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Glue stray punctuation-only pieces (". ." debris) onto the sentence before, and a
    sentence cut after a title ("Lt.", "Gov.") onto the name that follows it."""
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        piece = text[start:end]
        same_line = merged and "\n" not in text[merged[-1][1] : start]
        if same_line and not any(c.isalnum() for c in piece):
            merged[-1] = (merged[-1][0], end)
        elif same_line and piece[:1].isupper() and _TITLE_END.search(text[merged[-1][0]:merged[-1][1]]):
            merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


COMPONENT_NAME = "storylens_news_sentences"


def doc_text(doc) -> str:
    """The doc's text, kept by the sentence component (else rebuilt by spaCy)."""
    text = doc.user_data.get("storylens_text")
    return text if text is not None else doc.text


def set_sentence_starts(doc):
    """spaCy component: mark syntok's sentence starts on the tokens (the parser then respects them).

    Written as one array: the per-token ``is_sent_start`` setter re-checks the
    whole doc's annotation at every call.
    """
    from spacy.attrs import IDX, IS_SPACE, SENT_START

    text = doc.text
    doc.user_data["storylens_text"] = text  # Doc.text rebuilds the string from every token at each call
    spans = split_sentences(text)
    doc.user_data["storylens_sentences"] = spans
    if len(doc) == 0:
        return doc
    starts = [s for s, _ in spans]
    rows = doc.to_array([IDX, IS_SPACE]).tolist()
    flags = []
    pointer = 0
    for i, (idx, is_space) in enumerate(rows):
        if i == 0 or (pointer < len(starts) and idx >= starts[pointer] and not is_space):
            flags.append(1)
            while pointer < len(starts) and starts[pointer] <= idx:
                pointer += 1
        else:
            flags.append(-1)
    doc.from_array([SENT_START], numpy.array(flags, dtype="int32").reshape(-1, 1).astype("uint64"))
    return doc


def register_component() -> str:
    """Register the spaCy component (lazily, so importing storylens does not import spaCy)."""
    from spacy.language import Language

    if not Language.has_factory(COMPONENT_NAME):
        Language.component(COMPONENT_NAME)(set_sentence_starts)
    return COMPONENT_NAME
