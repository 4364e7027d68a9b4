"""Bytes to text: size cap, empty and binary detection, careful decoding.

Every check raises :class:`InputFailure` with a message a user can act on;
the caller turns it into one ``InputError`` line and goes on.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from storylens.errors import InputFailure

# Magic numbers of formats people drop into news folders by mistake.
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "PNG image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"GIF87a", "GIF image"),
    (b"GIF89a", "GIF image"),
    (b"%PDF-", "PDF document"),
    (b"PK\x03\x04", "ZIP archive (or Office document)"),
    (b"\x1f\x8b", "gzip data"),
    (b"BZh", "bzip2 data"),
    (b"\xfd7zXZ\x00", "xz data"),
    (b"7z\xbc\xaf\x27\x1c", "7-Zip archive"),
    (b"\x7fELF", "executable"),
    (b"MZ", "Windows executable"),
    (b"SQLite format 3\x00", "SQLite database"),
    (b"RIFF", "RIFF media (WebP/WAV/AVI)"),
    (b"\x00\x00\x00\x18ftyp", "MP4 video"),
    (b"\x00\x00\x00\x20ftyp", "MP4 video"),
    (b"ID3", "MP3 audio"),
    (b"OggS", "Ogg media"),
    (b"\xd0\xcf\x11\xe0", "legacy Office document"),
)

# Non-ASCII characters that cp1252 text legitimately contains: letters plus
# typographic punctuation and common symbols.
_CP1252_OK_CATEGORIES = {"Lu", "Ll", "Lt", "Lo", "Pi", "Pf", "Pd", "Po", "Ps", "Pe", "Sc", "So", "Sm", "No", "Zs", "Sk"}


def human_size(n: int) -> str:
    """Bytes as a short human string (why: error messages must be readable)."""
    for unit in ("bytes", "KB", "MB", "GB"):
        if n < 1000 or unit == "GB":
            return f"{n} {unit}" if unit == "bytes" else f"{n:.1f} {unit}"
        n /= 1000  # type: ignore[assignment]
    return f"{n} bytes"


def read_capped(path: Path, max_bytes: int) -> bytes:
    """Read a whole file, refusing it up front when it is over the cap."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise InputFailure(str(path), f"cannot read: {exc.strerror or exc}") from exc
    if size > max_bytes:
        raise InputFailure(
            str(path),
            f"file is {human_size(size)}, over the {human_size(max_bytes)} size limit; refused",
        )
    try:
        with path.open("rb") as handle:
            return read_stream_capped(handle, max_bytes, str(path))
    except OSError as exc:
        raise InputFailure(str(path), f"cannot read: {exc.strerror or exc}") from exc


def read_stream_capped(stream: BinaryIO, max_bytes: int, source: str) -> bytes:
    """Read a stream (stdin, HTTP body) but never more than the cap."""
    data = stream.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise InputFailure(source, f"input is over the {human_size(max_bytes)} size limit; refused")
    return data


def utf16_without_bom(data: bytes) -> str | None:
    """'utf-16-le' or 'utf-16-be' when ``data`` reads as BOM-less UTF-16 text, else None.

    Why: NUL bytes at every other position are what UTF-16 makes of mostly-Latin
    text; without this check such a file is refused as binary.
    """
    head = data[:8192]
    if len(head) < 8 or len(head) % 2:
        head = head[: len(head) - len(head) % 2]
    if len(head) < 8:
        return None
    even_nul = head[0::2].count(0) / (len(head) // 2)
    odd_nul = head[1::2].count(0) / (len(head) // 2)
    if max(even_nul, odd_nul) < 0.3 or min(even_nul, odd_nul) > 0.05:
        return None
    codec = "utf-16-le" if odd_nul > even_nul else "utf-16-be"
    try:
        text = data[: len(data) - len(data) % 2].decode(codec)
    except UnicodeDecodeError:
        return None
    controls = sum(1 for c in text[:4096] if ord(c) < 32 and c not in "\t\n\r\f")
    return codec if controls <= len(text[:4096]) * 0.01 else None


def binary_kind(data: bytes) -> str | None:
    """Name the binary format of ``data``, or None when it may be text."""
    for magic, name in _MAGIC:
        if data.startswith(magic):
            return name
    head = data[:8192]
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return None
    if b"\x00" in head:
        return None if utf16_without_bom(data) else "binary data (NUL bytes)"
    controls = sum(1 for b in head if b < 32 and b not in (9, 10, 12, 13))
    if head and controls / len(head) > 0.05:
        return "binary data (control bytes)"
    return None


def _looks_like_cp1252_text(text: str) -> bool:
    """True when a cp1252 decoding reads as ordinary Western text.

    Why: a Windows-1252 file (curly quotes, accents) is common and easy to
    recover; anything else decoded as cp1252 produces mojibake, which is worse
    than an honest error. Western text has its accents and quotes one at a time
    ("café", "don’t"); runs of three or more such characters ("ÿþÃ") are stray bytes.
    """
    non_ascii = [c for c in text if ord(c) > 127]
    if not non_ascii:
        return True
    if len(non_ascii) / max(len(text), 1) > 0.15:
        return False
    for char in non_ascii:
        if unicodedata.category(char) not in _CP1252_OK_CATEGORIES:
            return False
    if re.search(r"[^\x00-\x7f]{3,}", text):
        return False
    # Sequences such as "Ã©" mean UTF-8 bytes were broken, not cp1252 text.
    mojibake = sum(1 for a, b in zip(text, text[1:], strict=False) if a in "ÃÂâ" and ord(b) > 127)
    return mojibake <= len(non_ascii) * 0.1


# Detection needs text to go on: shorter inputs in an unknown encoding are refused.
MIN_BYTES_TO_DETECT = 120
# At most this share of a file's bytes may be stray (not UTF-8) for it to be read as
# UTF-8 with those bytes replaced; more means it is in some other encoding.
STRAY_BYTES_SHARE = 0.02


@dataclass(frozen=True)
class Decoded:
    """Decoded text and, when it was not plain UTF-8, what was assumed (said to the user)."""

    text: str
    note: str | None = None


def _single_script_text(text: str) -> bool:
    """A detected non-Western encoding is believed only when its letters are of one script
    and no word mixes them with Latin letters (``cafГ`` is mojibake, not Russian)."""
    scripts = Counter(unicodedata.name(c, "?").split(" ")[0] for c in text if ord(c) > 127 and c.isalpha())
    if not scripts or sum(scripts.values()) < 20:
        return False
    main, count = scripts.most_common(1)[0]
    if main in ("LATIN", "HALFWIDTH", "FULLWIDTH", "?") or count < 0.9 * sum(scripts.values()):
        return False
    return not re.search(r"[A-Za-z][^\x00-\x7f\s]|[^\x00-\x7f\s][A-Za-z]", text)


def decode_bytes(data: bytes, source: str) -> Decoded:
    """Decode text bytes, saying what was assumed, or explain why they are not usable text
    (see _decode); text of Unicode whitespace alone ("\u0085", "\u00a0") is as empty as ASCII
    whitespace."""
    decoded = _decode(data, source)
    if not decoded.text.strip():
        raise InputFailure(source, "empty file (only whitespace)")
    return decoded


def _decode(data: bytes, source: str) -> Decoded:
    """Decode text bytes, saying what was assumed, or explain why they are not usable text.

    UTF-8 (with or without BOM) and BOM-marked UTF-16 are read silently. Otherwise,
    in this order: UTF-16 without a BOM; Windows-1252 when it reads as Western text;
    UTF-8 with a few stray bytes replaced by U+FFFD; an encoding charset-normalizer
    detects (koi8-r, Shift JIS, ...) when its text is of one script. Each of these
    carries a note, which ingest turns into a warning naming the input.
    """
    if not data.strip():
        raise InputFailure(source, "empty file" if not data else "empty file (only whitespace)")
    kind = binary_kind(data)
    if kind:
        raise InputFailure(source, f"binary file ({kind}), not text; skipped")
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8):]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return Decoded(data.decode("utf-16"))
        except UnicodeDecodeError as exc:
            raise InputFailure(source, f"invalid UTF-16 at byte {exc.start}") from exc
    utf16 = utf16_without_bom(data)  # before UTF-8: NUL bytes are valid UTF-8
    if utf16:
        return Decoded(data[: len(data) - len(data) % 2].decode(utf16),
                       f"no byte-order mark; read as {utf16.upper()}")
    try:
        return Decoded(data.decode("utf-8"))
    except UnicodeDecodeError as exc:
        utf8_error = exc
    try:
        fallback = data.decode("cp1252")
    except UnicodeDecodeError:
        fallback = None
    if fallback is not None and _looks_like_cp1252_text(fallback):
        return Decoded(fallback, "not UTF-8; read as Windows-1252")
    replaced = data.decode("utf-8", errors="replace")
    stray = replaced.count("\ufffd") - data.decode("utf-8", errors="ignore").count("\ufffd")
    if stray <= max(1, len(data) * STRAY_BYTES_SHARE):
        return Decoded(replaced, f"read as UTF-8; {stray} invalid byte sequence(s) replaced by \ufffd "
                                 f"(first at byte {utf8_error.start})")
    from charset_normalizer import from_bytes

    best = from_bytes(data).best() if len(data) >= MIN_BYTES_TO_DETECT else None
    if best is not None and best.percent_chaos < 10 and _single_script_text(str(best)):
        return Decoded(str(best), f"not UTF-8; detected and read as {best.encoding}")
    raise InputFailure(
        source,
        f"invalid UTF-8 at byte {utf8_error.start} and no other encoding recognised; "
        "re-save the file as UTF-8",
    )


def decode_text(data: bytes, source: str) -> str:
    """Decode text bytes or explain precisely why they are not usable text (see decode_bytes)."""
    return decode_bytes(data, source).text


def check_text(text: str, source: str, min_words: int = 1) -> str:
    """Reject a decoded text that holds no words (e.g. only markup or symbols)."""
    words = sum(1 for token in text.split() if any(c.isalnum() for c in token))
    if words < max(min_words, 1):
        raise InputFailure(source, "no text found (empty after reading)")
    return text
