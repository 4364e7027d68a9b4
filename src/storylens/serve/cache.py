"""Rendered answers kept in memory until the store changes (the hot pages' fast path).

A story page, the story list, a search and ``/api/stories/{id}`` are rendered
once per store revision and then answered from memory, before routing. The
revision is SQLite's ``PRAGMA data_version`` read on one connection per thread:
it moves whenever any other connection (a job, a merge, a split, the CLI in
another process) commits, so nothing stale is ever served. Pages carry the
client's CSRF token: they are kept with a per-process placeholder in its place
and the token goes in as they are sent. Every answer has an ETag (304 when it
still matches).

Each entry also keeps a gzip copy, compressed once when it is stored, for
clients that accept gzip: a story page is 140-190 KB, and pushing that through
the socket (not rendering it) was the cost under load. The templates put the
CSRF inputs at the very end of the page (forms name them with ``form=``), so a
page is a static prefix and a short suffix holding the token: the prefix is
deflated once, and each answer only frames its suffix (:class:`GzipPrefix`).
"""

from __future__ import annotations

import functools
import hashlib
import secrets
import struct
import threading
import zlib
from collections import OrderedDict
from dataclasses import dataclass

from starlette.responses import Response

from storylens.store import Store

MAX_ENTRIES = 2048
MAX_BYTES = 96 * 1024 * 1024
CACHED_PREFIXES = ("/stories/", "/api/stories", "/api/search")
CACHED_PATHS = frozenset({"/"})
GZIP_MIN_BYTES = 1024  # below this the gzip framing is not worth its bytes and CPU
GZIP_LEVEL = 6
STORED_SUFFIX_MAX = 4096  # a longer suffix (the token early in a page) is compressed per answer instead
_GZIP_HEADER = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff"  # deflate, no name, no mtime, unknown OS


@dataclass(frozen=True)
class GzipPrefix:
    """A gzip member left open after a body's static prefix, to be closed with any suffix.

    ``head`` is the gzip header and the prefix as raw deflate ended by Z_SYNC_FLUSH (byte
    aligned, not final), so a final block for the suffix and the trailer (CRC32 continued
    from the prefix's, total size mod 2**32) make one valid member per answer.
    """

    head: bytes
    crc: int
    size: int

    @classmethod
    def of(cls, prefix: bytes) -> GzipPrefix:
        deflate = zlib.compressobj(GZIP_LEVEL, zlib.DEFLATED, -zlib.MAX_WBITS)
        head = _GZIP_HEADER + deflate.compress(prefix) + deflate.flush(zlib.Z_SYNC_FLUSH)
        return cls(head, zlib.crc32(prefix), len(prefix))

    def member(self, suffix: bytes) -> bytes:
        """The whole gzip member for prefix + ``suffix``."""
        trailer = struct.pack("<II", zlib.crc32(suffix, self.crc), (self.size + len(suffix)) & 0xFFFFFFFF)
        return b"".join((self.head, _final_blocks(suffix), trailer))


def _final_blocks(data: bytes) -> bytes:
    """``data`` as the deflate stream's last blocks: stored when short, else freshly compressed."""
    if len(data) > STORED_SUFFIX_MAX:
        deflate = zlib.compressobj(GZIP_LEVEL, zlib.DEFLATED, -zlib.MAX_WBITS)
        return deflate.compress(data) + deflate.flush()
    # a stored block: BFINAL=1, BTYPE=00 (then byte aligned), LEN, NLEN (one's complement), the bytes
    return struct.pack("<BHH", 1, len(data), len(data) ^ 0xFFFF) + data


@functools.lru_cache(maxsize=256)
def accepts_gzip(accept_encoding: str | None) -> bool:
    """Whether an Accept-Encoding value lets the answer be gzip (RFC 9110 12.5.3, with q-values).

    gzip (or x-gzip) named with q > 0, or not named and ``*`` with q > 0. No header: identity
    (the RFC would allow any coding, but clients that never asked may not decode it).
    """
    if not accept_encoding:
        return False
    named: float | None = None
    star: float | None = None
    for item in accept_encoding.lower().split(","):
        coding, *params = (p.strip() for p in item.split(";"))
        q = 1.0
        for param in params:
            key, _, value = param.partition("=")
            if key.strip() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        if coding in ("gzip", "x-gzip"):
            named = q if named is None else max(named, q)
        elif coding == "*":
            star = q
    if named is not None:
        return named > 0
    return star is not None and star > 0


@dataclass(frozen=True)
class Entry:
    """One rendered answer: its body cut at the CSRF placeholder, its type, its ETag stem, its gzip copy.

    ``gzip_whole`` is the finished member for a body without a token, ``gzip_open`` the open one for a
    body with one; neither for a tiny or incompressible body.
    """

    revision: tuple[int, int]
    parts: tuple[bytes, ...]
    media_type: str
    digest: str
    gzip_whole: bytes | None = None
    gzip_open: GzipPrefix | None = None

    @classmethod
    def of(cls, revision: tuple[int, int], body: bytes, placeholder: bytes, media_type: str) -> Entry:
        """An entry for ``body``, compressed once here if it is worth it."""
        parts = tuple(body.split(placeholder))
        digest = hashlib.blake2b(body, digest_size=10).hexdigest()
        if len(body) < GZIP_MIN_BYTES:
            return cls(revision, parts, media_type, digest)
        opened = GzipPrefix.of(parts[0])
        if len(opened.head) > 0.9 * len(body):  # incompressible: identity is as good
            return cls(revision, parts, media_type, digest)
        if len(parts) == 1:
            return cls(revision, parts, media_type, digest, gzip_whole=opened.member(b""))
        return cls(revision, parts, media_type, digest, gzip_open=opened)

    @property
    def size(self) -> int:
        compressed = len(self.gzip_whole or b"") + (len(self.gzip_open.head) if self.gzip_open else 0)
        return sum(len(p) for p in self.parts) + compressed

    @property
    def gzipped(self) -> bool:
        return self.gzip_whole is not None or self.gzip_open is not None

    def etag(self, token: str, gzip: bool = False) -> str:
        stem = f"{self.digest}-{_short(token)}" if len(self.parts) > 1 else self.digest
        return f'"{stem}-gz"' if gzip else f'"{stem}"'

    def body(self, token: str) -> bytes:
        return self.parts[0] if len(self.parts) == 1 else token.encode().join(self.parts)

    def gzip_body(self, token: str) -> bytes:
        """The gzip member of :meth:`body` (only for a :attr:`gzipped` entry)."""
        if self.gzip_whole is not None:
            return self.gzip_whole
        assert self.gzip_open is not None
        # the body after the static prefix: each token and the text that follows it
        return self.gzip_open.member(token.encode().join((b"", *self.parts[1:])))

    def fresh(self, etag: str, if_none_match: str | None) -> bool:
        """Whether the client's copy (If-None-Match) is this answer: then a 304 says so."""
        return bool(if_none_match) and etag in [t.strip() for t in if_none_match.split(",")]

    def answer(self, token: str, if_none_match: str | None,
               accept_encoding: str | None) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
        """(status, headers, body) for a client holding ``token``: gzip when it accepts it, 304 when current."""
        gzip = self.gzipped and accepts_gzip(accept_encoding)
        etag = self.etag(token, gzip)
        headers = [(b"etag", etag.encode()), (b"cache-control", b"no-cache")]
        if self.gzipped:
            headers.append((b"vary", b"accept-encoding"))
        if self.fresh(etag, if_none_match):
            return 304, headers, b""
        body = self.gzip_body(token) if gzip else self.body(token)
        headers += [(b"content-type", self.content_type), (b"content-length", str(len(body)).encode())]
        if gzip:
            headers.append((b"content-encoding", b"gzip"))
        return 200, headers, body

    def response(self, token: str, if_none_match: str | None = None, accept_encoding: str | None = None) -> Response:
        """:meth:`answer` as a Response (the miss path, inside the app)."""
        status, headers, body = self.answer(token, if_none_match, accept_encoding)
        response = Response(body, status_code=status)
        response.raw_headers = headers
        return response

    async def send(self, send, token: str, if_none_match: str | None, accept_encoding: str | None) -> None:
        """:meth:`answer` as raw ASGI messages (the hot path: no Response object per request)."""
        status, headers, body = self.answer(token, if_none_match, accept_encoding)
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    @property
    def content_type(self) -> bytes:
        return (self.media_type if "charset" in self.media_type or not self.media_type.startswith("text/")
                else self.media_type + "; charset=utf-8").encode()


def _short(token: str) -> str:
    return hashlib.blake2b(token.encode(), digest_size=6).hexdigest()


class PageCache:
    """An LRU of :class:`Entry` by URL, bounded in entries and bytes, checked against the store's revision."""

    def __init__(self, db: str, max_entries: int = MAX_ENTRIES, max_bytes: int = MAX_BYTES):
        self.db = db
        self.placeholder = "csrf-" + secrets.token_hex(16)
        self.entries: OrderedDict[str, Entry] = OrderedDict()
        self.bytes = 0
        self.max_entries, self.max_bytes = max_entries, max_bytes
        self.lock = threading.Lock()
        self.local = threading.local()
        self.hits = self.misses = 0

    def revision(self) -> tuple[int, int]:
        """(thread, data_version) of this thread's watching connection: equal means nothing was committed."""
        store = getattr(self.local, "store", None)
        if store is None:
            store = self.local.store = Store(self.db)
        return (threading.get_ident(), store.data_version())

    def get(self, key: str) -> Entry | None:
        with self.lock:
            entry = self.entries.get(key)
            if entry is not None:
                self.entries.move_to_end(key)
        if entry is None or entry.revision != self.revision():
            self.misses += 1
            return None
        self.hits += 1
        return entry

    def put(self, key: str, revision: tuple[int, int], body: bytes, media_type: str) -> Entry:
        entry = Entry.of(revision, body, self.placeholder.encode(), media_type)
        with self.lock:
            old = self.entries.pop(key, None)
            if old is not None:
                self.bytes -= old.size
            self.entries[key] = entry
            self.bytes += entry.size
            while self.entries and (len(self.entries) > self.max_entries or self.bytes > self.max_bytes):
                _, dropped = self.entries.popitem(last=False)
                self.bytes -= dropped.size
        return entry


def cache_key(scope: dict) -> str | None:
    """The cache's key for a GET/HEAD of a cached URL (path and query), else None."""
    if scope.get("method") not in ("GET", "HEAD"):
        return None
    path = scope.get("path", "")
    if path not in CACHED_PATHS and not path.startswith(CACHED_PREFIXES):
        return None
    query = scope.get("query_string", b"")
    return path + "?" + query.decode("latin-1") if query else path


class CacheLayer:
    """ASGI: answer a cached URL from memory when the store has not changed; else the app."""

    def __init__(self, app, cache: PageCache):
        self.app = app
        self.cache = cache

    async def __call__(self, scope, receive, send):
        if scope["type"] == "http":
            key = cache_key(scope)
            entry = self.cache.get(key) if key is not None else None
            if entry is not None:
                headers = dict(scope.get("headers") or [])
                match, coding = headers.get(b"if-none-match"), headers.get(b"accept-encoding")
                return await entry.send(send, scope["state"]["csrf"], match.decode("latin-1") if match else None,
                                        coding.decode("latin-1") if coding else None)
        return await self.app(scope, receive, send)
