"""Unicode and whitespace normalisation that keeps paragraph structure.

Every later stage works on character offsets into the cleaned text, so the
text must be stable: NFC, no control or zero-width spaces (joiners kept), one space
between words, and paragraphs as lines separated by one blank line.
Hard-wrapped prose (fixed-width .txt files) is unwrapped so a paragraph is
one line; lines of other blocks (extractor output, lists) stay separate
paragraphs.
"""

from __future__ import annotations

import re
import unicodedata

from storylens.lexicon.words import english_zipf

# Zero-width spaces and bidi marks carry no text; soft hyphens only hint at breaks. The
# zero-width non-joiner and joiner stay: they are spelling in Persian, Urdu, Kurdish and
# the Indic scripts ("می‌شود" joined reads as another word).
_INVISIBLE = dict.fromkeys(
    map(ord, "\u00ad\u200b\u200e\u200f\u2060\ufeff\u202a\u202b\u202c\u202d\u202e"),
    None,
)
_LINE_BREAKS = re.compile(r"\r\n|\r|\u2028|\u2029|\x0b|\x0c|\x85")
_SPACES = re.compile(r"[^\S\n]+")  # any whitespace except newline (NBSP, thin space, tabs…)
_BLANK_RUN = re.compile(r"\n\s*\n")
_TERMINAL = re.compile(r"[.!?:;\"”’)\]…]$")
_LIST_ITEM = re.compile(r"^(?:[-*•·–—]\s|\d{1,3}[.)]\s)")


_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")  # category Cc but \t and \n


def _drop_controls(text: str) -> str:
    """Remove control characters (category Cc) except newline and tab."""
    return _CONTROLS.sub("", text)


def normalize_line(line: str) -> str:
    """One line: single spaces, no leading/trailing space."""
    return _SPACES.sub(" ", line).strip()


def _is_hard_wrapped(lines: list[str]) -> bool:
    """A block of fixed-width prose: most lines break mid-sentence at a similar width."""
    if len(lines) < 3 or any(_LIST_ITEM.match(line) for line in lines):
        return False
    width = max(len(line) for line in lines)
    if width > 100:
        return False
    body = lines[:-1]
    open_ended = sum(1 for line in body if not _TERMINAL.search(line))
    near_width = sum(1 for line in body if len(line) >= 0.6 * width)
    return open_ended >= 0.5 * len(body) and near_width >= 0.7 * len(body) and width >= 40


def normalize_text(text: str) -> list[str]:
    """Normalised paragraphs (one line each, non-empty) of a raw text."""
    text = unicodedata.normalize("NFC", text)
    text = _LINE_BREAKS.sub("\n", text).translate(_INVISIBLE)
    text = _drop_controls(text)
    paragraphs: list[str] = []
    for block in _BLANK_RUN.split(text):
        lines = [normalize_line(line) for line in block.split("\n")]
        lines = [line for line in lines if line]
        if not lines:
            continue
        if _is_hard_wrapped(lines):
            paragraphs.append(_join_wrapped(lines))
        else:
            paragraphs.extend(lines)
    return _with_drop_caps_joined(paragraphs)


def _with_drop_caps_joined(paragraphs: list[str]) -> list[str]:
    """A drop cap extracted as its own paragraph ("T", then "he most likely person ...") is the
    first letter of the next one: "The most likely person ..."."""
    out: list[str] = []
    for paragraph in paragraphs:
        if out and len(out[-1]) == 1 and out[-1].isupper() and paragraph[:1].islower() and _is_word(
            out[-1] + paragraph.split()[0]
        ):
            out[-1] += paragraph
        else:
            out.append(paragraph)
    return out


def _is_word(word: str) -> bool:
    """Whether joining made a word ("The", "After"), not "Iam" from a poem's "I" / "am"."""
    return english_zipf(word.strip(".,;:!?\"'’”").lower()) >= 3.5


def _join_wrapped(lines: list[str]) -> str:
    """Join wrapped lines; a line ending in a hyphen joins without a space."""
    out = lines[0]
    for line in lines[1:]:
        out = out + line if re.search(r"\w-$", out) else f"{out} {line}"
    return out
