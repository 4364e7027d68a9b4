"""The web app's page cache: bounded, per-client CSRF token, and invalidated by any commit."""

from __future__ import annotations

import gzip
import os
import secrets
import zlib

import pytest

from storylens.records import Article
from storylens.serve.cache import PageCache, accepts_gzip, cache_key
from storylens.store import Store


def test_entries_are_dropped_oldest_first_within_the_byte_bound(tmp_path):
    cache = PageCache(str(tmp_path / "c.db"), max_entries=100, max_bytes=2500)
    rev = cache.revision()
    for n in range(5):
        cache.put(f"/stories/s{n}", rev, b"x" * 1000, "text/html")
    assert list(cache.entries) == ["/stories/s3", "/stories/s4"] and cache.bytes == 2000
    assert cache.get("/stories/s0") is None and cache.get("/stories/s4") is not None


def test_a_commit_from_another_connection_invalidates(tmp_path):
    db = str(tmp_path / "c.db")
    cache = PageCache(db)
    cache.put("/", cache.revision(), b"<p>list</p>", "text/html; charset=utf-8")
    assert cache.get("/") is not None
    with Store(db) as other:
        other.upsert_articles([Article(id="a1", source="a.txt", outlet="X", text="Some text here.")])
    assert cache.get("/") is None


def test_each_client_gets_its_own_token_and_etag(tmp_path):
    cache = PageCache(str(tmp_path / "c.db"))
    html = f'<input name="csrf" value="{cache.placeholder}"><p>body</p>'.encode()
    entry = cache.put("/stories/s1", cache.revision(), html, "text/html; charset=utf-8")
    mine, theirs = entry.body("token-mine"), entry.body("token-theirs")
    assert b'value="token-mine"' in mine and b'value="token-theirs"' in theirs
    assert cache.placeholder.encode() not in mine
    assert entry.etag("token-mine") != entry.etag("token-theirs")
    assert entry.fresh(entry.etag("token-mine"), f'"other", {entry.etag("token-mine")}')
    assert not entry.fresh(entry.etag("token-mine"), entry.etag("token-theirs"))


def test_only_reads_of_the_hot_urls_are_looked_up():
    assert cache_key({"method": "GET", "path": "/", "query_string": b"q=dam"}) == "/?q=dam"
    assert cache_key({"method": "GET", "path": "/stories/s1", "query_string": b""}) == "/stories/s1"
    assert cache_key({"method": "POST", "path": "/stories/merge", "query_string": b""}) is None
    assert cache_key({"method": "GET", "path": "/add", "query_string": b""}) is None


def _page(cache: PageCache, filler: bytes, at_end: bool = True) -> bytes:
    """A page with its two CSRF inputs at the end (as the templates put them) or near the start."""
    token = f'<input type="hidden" name="csrf" form="f1" value="{cache.placeholder}">' \
            f'<input type="hidden" name="csrf" form="f2" value="{cache.placeholder}">'.encode()
    head, body = b"<!DOCTYPE html><html><body><form id=f1></form><form id=f2></form>", filler
    return head + body + token + b"</body></html>" if at_end else head + token + body + b"</body></html>"


def test_gzip_copy_decompresses_to_the_identity_body_for_every_token(tmp_path):
    cache = PageCache(str(tmp_path / "c.db"))
    filler = b"".join(b"<p>Sentence %d of the story, with words repeated often.</p>" % n for n in range(3000))
    for at_end in (True, False):  # a short stored suffix, and a long one compressed per answer
        entry = cache.put(f"/stories/s{at_end}", cache.revision(), _page(cache, filler, at_end), "text/html")
        assert entry.gzip_open is not None and entry.gzip_whole is None
        for token in ("t" * 20, "another-token_abcdefghij", secrets.token_urlsafe(24), secrets.token_urlsafe(48)):
            packed = entry.gzip_body(token)
            assert gzip.decompress(packed) == entry.body(token)
            assert len(packed) < len(entry.body(token)) / 5
            assert zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(packed) == entry.body(token)  # one member
    json_entry = cache.put("/api/stories/s1", cache.revision(), b'{"x":"' + filler + b'"}', "application/json")
    assert json_entry.gzip_whole is not None and gzip.decompress(json_entry.gzip_body("t" * 20)) == json_entry.body("")


def test_tiny_and_incompressible_bodies_stay_identity(tmp_path):
    cache = PageCache(str(tmp_path / "c.db"))
    tiny = cache.put("/", cache.revision(), b"<p>short</p>", "text/html")
    noise = cache.put("/api/search?q=x", cache.revision(), os.urandom(20_000), "application/json")
    for entry in (tiny, noise):
        status, headers, _ = entry.answer("t" * 20, None, "gzip")
        assert status == 200 and b"content-encoding" not in dict(headers) and b"vary" not in dict(headers)


@pytest.mark.parametrize(("header", "gzip_ok"), [
    ("gzip", True), ("gzip, deflate, br", True), ("GZIP;q=0.5", True), ("x-gzip", True),
    ("gzip;q=0", False), ("gzip; q=0.000, *", False), ("*", True), ("*;q=0", False), ("deflate, *;q=0.1", True),
    ("identity", False), ("br, identity;q=0.5", False), ("", False), (None, False), ("gzip;q=nonsense", False),
])
def test_accept_encoding_decides_gzip(header, gzip_ok):
    assert accepts_gzip(header) is gzip_ok


def test_etag_differs_per_encoding_and_each_revalidates(tmp_path):
    cache = PageCache(str(tmp_path / "c.db"))
    entry = cache.put("/stories/s1", cache.revision(), _page(cache, b"<p>words</p>" * 500), "text/html")
    token = "token-mine-0123456789"
    plain_status, plain, plain_body = entry.answer(token, None, None)
    gz_status, packed, gz_body = entry.answer(token, None, "gzip, deflate")
    plain, packed = dict(plain), dict(packed)
    assert plain_status == gz_status == 200
    assert packed[b"content-encoding"] == b"gzip" and b"content-encoding" not in plain
    assert plain[b"vary"] == packed[b"vary"] == b"accept-encoding"
    assert int(packed[b"content-length"]) == len(gz_body) and int(plain[b"content-length"]) == len(plain_body)
    assert gzip.decompress(gz_body) == plain_body
    assert plain[b"etag"] != packed[b"etag"] and packed[b"etag"].endswith(b'-gz"')
    for etag, coding in ((plain[b"etag"], None), (packed[b"etag"], "gzip")):
        status, headers, body = entry.answer(token, etag.decode(), coding)
        assert status == 304 and body == b"" and dict(headers)[b"etag"] == etag
        assert dict(headers)[b"vary"] == b"accept-encoding"
    # a copy in the other encoding is not the current one
    assert entry.answer(token, plain[b"etag"].decode(), "gzip")[0] == 200
    assert entry.answer(token, packed[b"etag"].decode(), "identity")[0] == 200
