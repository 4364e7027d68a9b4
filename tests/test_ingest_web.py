"""URLs and feeds against a real HTTP server on 127.0.0.1 (no mocks)."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from storylens.ingest import IngestOptions, iter_documents
from storylens.ingest.web import _blocked
from storylens.records import Document, InputError

ARTICLE = (Path(__file__).parent / "fixtures" / "ingest" / "harbour-bridge.html").read_bytes()
SEEN_AGENTS: list[str] = []


def feed(base: str) -> bytes:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel><title>Lakeside Gazette</title><language>en-gb</language>
<item><title>Harbour bridge closed</title><link>{base}/bridge</link>
<pubDate>Tue, 17 Jun 2025 08:30:00 +0100</pubDate></item>
<item><title>Missing page</title><link>{base}/gone</link>
<pubDate>Tue, 17 Jun 2025 09:00:00 +0100</pubDate></item>
</channel></rss>""".encode()


class Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        SEEN_AGENTS.append(self.headers.get("User-Agent", ""))
        base = f"http://127.0.0.1:{self.server.server_address[1]}"
        routes = {
            "/bridge": (200, "text/html; charset=utf-8", ARTICLE),
            "/feed.xml": (200, "application/rss+xml", feed(base)),
            "/big": (200, "text/html", b"<html><body>" + b"<p>word</p>" * 20000 + b"</body></html>"),
        }
        redirects = {"/moved": "/bridge", "/to-metadata": "http://169.254.169.254/latest/meta-data/",
                     "/to-metadata-name": "http://metadata.google.internal/computeMetadata/v1/",
                     "/to-link-local6": "http://[fe80::1]/"}
        if self.path in redirects:
            self.send_response(302)
            self.send_header("Location", redirects[self.path])
            self.end_headers()
            return
        status, ctype, body = routes.get(self.path, (404, "text/plain", b"not found"))
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def fetch_all(url: str, **options) -> list[Document | InputError]:
    return list(iter_documents([url], IngestOptions(timeout=5, **options)))


def test_url_article_with_allow_private(server: str) -> None:
    (doc,) = fetch_all(f"{server}/bridge", allow_private=True)
    assert isinstance(doc, Document), doc
    assert doc.kind == "url" and doc.source == f"{server}/bridge"
    assert doc.title == "Harbour bridge closed after cracks found in main span"
    assert doc.text.startswith("PORT ELLERY")
    assert SEEN_AGENTS and SEEN_AGENTS[-1].startswith("storylens/")


def test_redirect_is_followed(server: str) -> None:
    (doc,) = fetch_all(f"{server}/moved", allow_private=True)
    assert isinstance(doc, Document) and doc.text.startswith("PORT ELLERY")


def test_private_address_is_refused_without_allow_private(server: str) -> None:
    (error,) = fetch_all(f"{server}/bridge")
    assert isinstance(error, InputError)
    assert error.source == f"{server}/bridge"
    assert "private/loopback" in error.message and "--allow-private" in error.message


@pytest.mark.parametrize("address", ["127.0.0.1", "10.1.2.3", "192.168.0.5", "169.254.169.254",
                                     "::1", "fe80::1", "::ffff:10.0.0.1", "0.0.0.0"])
def test_blocked_address_kinds(address: str) -> None:
    assert _blocked(address)


def test_public_address_is_not_blocked() -> None:
    assert not _blocked("93.184.216.34")


def test_feed_entries_are_fetched_and_failures_named(server: str) -> None:
    items = fetch_all(f"{server}/feed.xml", allow_private=True)
    assert [type(i).__name__ for i in items] == ["Document", "InputError"]
    doc, error = items
    assert doc.kind == "feed" and doc.source == f"{server}/bridge"
    assert doc.published == "2025-06-17T08:30:00+01:00"  # the feed's date
    assert doc.language == "en"
    assert error.source == f"{server}/gone" and "HTTP 404" in error.message


def test_unreachable_url_and_size_cap(server: str) -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    (error,) = fetch_all(f"http://127.0.0.1:{port}/x", allow_private=True)
    assert isinstance(error, InputError) and "unreachable" in error.message
    (error,) = fetch_all("http://no-such-host.invalid/article")
    assert isinstance(error, InputError) and "unreachable" in error.message
    (error,) = fetch_all(f"{server}/big", allow_private=True, max_bytes=10_000)
    assert isinstance(error, InputError) and "size limit" in error.message


def test_unsupported_scheme() -> None:
    (error,) = fetch_all("file:///etc/passwd")
    assert isinstance(error, InputError)


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://ftp.example.org/article.txt",
                                 "gopher://gopher.example.org/0/news", "FILE:///tmp/x.txt"])
def test_other_url_schemes_are_named_unsupported(url: str) -> None:
    (error,) = fetch_all(url)
    assert isinstance(error, InputError) and error.source == url
    assert "unsupported URL scheme" in error.message and "no such file" not in error.message


@pytest.fixture
def metadata_name_resolves_link_local(monkeypatch: pytest.MonkeyPatch) -> None:
    """DNS (the network edge) answers the cloud metadata name as clouds do; nothing else changes."""
    real = socket.getaddrinfo

    def getaddrinfo(host, port, *args, **kwargs):
        if host == "metadata.google.internal":
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("169.254.169.254", port))]
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)


@pytest.mark.parametrize("path", ["/to-metadata", "/to-metadata-name", "/to-link-local6"])
def test_metadata_addresses_stay_refused_after_redirects_with_allow_private(
        server: str, path: str, metadata_name_resolves_link_local: None) -> None:
    (error,) = fetch_all(f"{server}{path}", allow_private=True)
    assert isinstance(error, InputError) and error.source == f"{server}{path}"
    assert "link-local or cloud metadata" in error.message and "even with --allow-private" in error.message


@pytest.mark.parametrize("url", ["http://169.254.169.254/latest/meta-data/", "http://[fe80::1]/",
                                 "http://100.100.100.200/latest/meta-data/"])
def test_metadata_addresses_are_refused_directly_with_allow_private(url: str) -> None:
    (error,) = fetch_all(url, allow_private=True)
    assert isinstance(error, InputError) and "cloud metadata" in error.message
