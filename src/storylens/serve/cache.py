"""Rendered answers kept in memory until the store changes (the hot pages' fast path).

A story page, the story list, a search and ``/api/stories/{id}`` are rendered
once per store revision and then answered from memory, before routing. The
revision is SQLite's ``PRAGMA data_version`` read on one connection per thread:
it moves whenever any other connection (a job, a merge, a split, the CLI in
another process) commits, so nothing stale is ever served. Pages carry the
client's CSRF token: they are kept with a per-process placeholder in its place
and the token goes in as they are sent. Every answer has an ETag (304 when it
still matches).
"""

from __future__ import annotations

import hashlib
import secrets
import threading
from collections import OrderedDict
from dataclasses import dataclass

from starlette.responses import Response

from storylens.store import Store

MAX_ENTRIES = 2048
MAX_BYTES = 96 * 1024 * 1024
CACHED_PREFIXES = ("/stories/", "/api/stories", "/api/search")
CACHED_PATHS = frozenset({"/"})


@dataclass(frozen=True)
class Entry:
    """One rendered answer: its body cut at the CSRF placeholder, its type, its ETag stem."""

    revision: tuple[int, int]
    parts: tuple[bytes, ...]
    media_type: str
    digest: str

    @property
    def size(self) -> int:
        return sum(len(p) for p in self.parts)

    def etag(self, token: str) -> str:
        return f'"{self.digest}-{_short(token)}"' if len(self.parts) > 1 else f'"{self.digest}"'

    def body(self, token: str) -> bytes:
        return self.parts[0] if len(self.parts) == 1 else token.encode().join(self.parts)

    def fresh(self, etag: str, if_none_match: str | None) -> bool:
        """Whether the client's copy (If-None-Match) is this answer: then a 304 says so."""
        return bool(if_none_match) and etag in [t.strip() for t in if_none_match.split(",")]

    def response(self, token: str, if_none_match: str | None = None) -> Response:
        """The answer for a client holding ``token`` (a 304 when its copy is current)."""
        etag = self.etag(token)
        headers = {"etag": etag, "cache-control": "no-cache"}
        if self.fresh(etag, if_none_match):
            return Response(status_code=304, headers=headers)
        return Response(self.body(token), media_type=self.media_type, headers=headers)

    async def send(self, send, token: str, if_none_match: str | None) -> None:
        """:meth:`response` as raw ASGI messages (the hot path: no Response object per request)."""
        etag = self.etag(token)
        headers = [(b"etag", etag.encode()), (b"cache-control", b"no-cache")]
        if self.fresh(etag, if_none_match):
            await send({"type": "http.response.start", "status": 304, "headers": headers})
            await send({"type": "http.response.body", "body": b""})
            return
        body = self.body(token)
        headers += [(b"content-type", self.content_type), (b"content-length", str(len(body)).encode())]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
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
        parts = tuple(body.split(self.placeholder.encode()))
        entry = Entry(revision, parts, media_type, hashlib.blake2b(body, digest_size=10).hexdigest())
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
                match = headers.get(b"if-none-match")
                return await entry.send(send, scope["state"]["csrf"], match.decode("latin-1") if match else None)
        return await self.app(scope, receive, send)
