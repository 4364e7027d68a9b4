"""The web app's page cache: bounded, per-client CSRF token, and invalidated by any commit."""

from __future__ import annotations

from storylens.records import Article
from storylens.serve.cache import PageCache, cache_key
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
