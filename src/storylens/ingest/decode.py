"""Bytes to text: size cap, empty and binary detection, careful decoding.

Every check raises :class:`InputFailure` with a message a user can act on;
the caller turns it into one ``InputError`` line and goes on.
"""

from __future__ import annotations

import codecs
import unicodedata
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


def binary_kind(data: bytes) -> str | None:
    """Name the binary format of ``data``, or None when it may be text."""
    for magic, name in _MAGIC:
        if data.startswith(magic):
            return name
    head = data[:8192]
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return None
    if b"\x00" in head:
        return "binary data (NUL bytes)"
    controls = sum(1 for b in head if b < 32 and b not in (9, 10, 12, 13))
    if head and controls / len(head) > 0.05:
        return "binary data (control bytes)"
    return None


def _looks_like_cp1252_text(text: str) -> bool:
    """True when a cp1252 decoding reads as ordinary Western text.

    Why: a Windows-1252 file (curly quotes, accents) is common and easy to
    recover; anything else decoded as cp1252 produces mojibake, which is worse
    than an honest error.
    """
    non_ascii = [c for c in text if ord(c) > 127]
    if not non_ascii:
        return True
    if len(non_ascii) / max(len(text), 1) > 0.15:
        return False
    for char in non_ascii:
        if unicodedata.category(char) not in _CP1252_OK_CATEGORIES:
            return False
    # Sequences such as "Ã©" mean UTF-8 bytes were broken, not cp1252 text.
    mojibake = sum(1 for a, b in zip(text, text[1:], strict=False) if a in "ÃÂâ" and ord(b) > 127)
    return mojibake <= len(non_ascii) * 0.1


def decode_text(data: bytes, source: str) -> str:
    """Decode text bytes or explain precisely why they are not usable text."""
    if not data.strip():
        raise InputFailure(source, "empty file" if not data else "empty file (only whitespace)")
    kind = binary_kind(data)
    if kind:
        raise InputFailure(source, f"binary file ({kind}), not text; skipped")
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8):]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise InputFailure(source, f"invalid UTF-16 at byte {exc.start}") from exc
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        utf8_error = exc
    try:
        fallback = data.decode("cp1252")
    except UnicodeDecodeError:
        fallback = None
    if fallback is not None and _looks_like_cp1252_text(fallback):
        return fallback
    raise InputFailure(
        source,
        f"invalid UTF-8 at byte {utf8_error.start} and not recognisable as Windows-1252; "
        "re-save the file as UTF-8",
    )


def check_text(text: str, source: str, min_words: int = 1) -> str:
    """Reject a decoded text that holds no words (e.g. only markup or symbols)."""
    words = sum(1 for token in text.split() if any(c.isalnum() for c in token))
    if words < max(min_words, 1):
        raise InputFailure(source, "no text found (empty after reading)")
    return text
