"""URLs and RSS/Atom feeds: careful fetching, then the usual readers.

Fetching is guarded because article text and links are untrusted: http(s)
only, a timeout, a size cap, an honest User-Agent, and every host (also after
each redirect) resolved and refused when any address is private, loopback,
link-local, multicast or reserved -- unless ``allow_private`` is set; link-local
and cloud metadata addresses stay refused even then.
Known limit: the address is checked before connecting, so a DNS answer that
changes between check and connect (rebinding) is not caught.
"""

from __future__ import annotations

import ipaddress
import re
import socket
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from email.message import Message
from urllib.parse import urljoin, urlsplit

from storylens.errors import InputFailure
from storylens.ingest.base import RawDoc
from storylens.ingest.decode import decode_bytes, human_size
from storylens.ingest.html import extract_html, looks_like_html
from storylens.ingest.metadata import normalize_language, normalize_published
from storylens.ingest.options import IngestOptions
from storylens.ingest.text import parse_text
from storylens.records import InputError

MIN_FEED_CONTENT_WORDS = 50  # a feed entry's own content this long stands in for the page


# Refused even with --allow-private: link-local addresses, where clouds serve instance
# metadata and credentials (169.254.169.254 on AWS, GCP, Azure, Oracle), and the other
# clouds' metadata addresses. A local test server never needs them.
ALWAYS_REFUSED = tuple(ipaddress.ip_network(n) for n in (
    "169.254.0.0/16", "fe80::/10", "fd00:ec2::254/128", "100.100.100.200/32",
))


def is_url(item: str) -> bool:
    return item.lower().startswith(("http://", "https://"))


def url_scheme(item: str) -> str | None:
    """The scheme of anything written as a URL ('file:///x' -> 'file'), else None."""
    match = re.match(r"([a-zA-Z][a-zA-Z0-9+.-]*)://", item)
    return match.group(1).lower() if match else None


def _address(address: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return ip


def _blocked(address: str) -> bool:
    ip = _address(address)
    return (ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_multicast
            or ip.is_reserved or ip.is_unspecified or _always_refused(address))


def _always_refused(address: str) -> bool:
    ip = _address(address)
    return any(ip.version == net.version and ip in net for net in ALWAYS_REFUSED)


def check_url(url: str, allow_private: bool) -> bool:
    """Validate scheme and host; return True when the host is private (and allowed)."""
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https"):
        raise InputFailure(url, f"unsupported URL scheme {parts.scheme!r}; only http and https")
    host = parts.hostname
    if not host:
        raise InputFailure(url, "URL has no host")
    try:
        port = parts.port or (443 if parts.scheme.lower() == "https" else 80)
        infos = socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError, ValueError) as exc:
        raise InputFailure(url, f"unreachable: cannot resolve host {host!r} ({exc})") from exc
    addresses = sorted({info[4][0] for info in infos})
    metadata = [a for a in addresses if _always_refused(a)]
    if metadata:
        raise InputFailure(url, f"refused: {host} resolves to a link-local or cloud metadata address "
                                f"({metadata[0]}); never fetched, even with --allow-private")
    private = [a for a in addresses if _blocked(a)]
    if private and not allow_private:
        raise InputFailure(url, f"refused: {host} resolves to a private/loopback address "
                                f"({private[0]}); use --allow-private to fetch it")
    return bool(private)


class _CheckedRedirects(urllib.request.HTTPRedirectHandler):
    """Re-check every redirect target: a public page may redirect inward."""

    def __init__(self, allow_private: bool):
        self.allow_private = allow_private

    def redirect_request(self, req, fp, code, msg, headers, newurl):  # type: ignore[override]
        check_url(urljoin(req.full_url, newurl), self.allow_private)
        return super().redirect_request(req, fp, code, msg, headers, newurl)


@dataclass
class Fetched:
    url: str
    content_type: str
    charset: str | None
    body: bytes


def fetch(url: str, options: IngestOptions) -> Fetched:
    """GET a URL under the guards above, or raise InputFailure with the reason."""
    private = check_url(url, options.allow_private)
    handlers: list[urllib.request.BaseHandler] = [_CheckedRedirects(options.allow_private)]
    if private:
        handlers.append(urllib.request.ProxyHandler({}))  # a local address is never proxied
    opener = urllib.request.build_opener(*handlers)
    request = urllib.request.Request(url, headers={
        "User-Agent": options.user_agent,
        "Accept": "text/html,application/xhtml+xml,application/rss+xml,application/atom+xml,"
                  "application/xml;q=0.9,text/plain;q=0.8,*/*;q=0.5",
    })
    try:
        with opener.open(request, timeout=options.timeout) as response:
            headers: Message = response.headers
            length = headers.get("Content-Length")
            if length and length.isdigit() and int(length) > options.max_bytes:
                raise InputFailure(url, f"response is {human_size(int(length))}, over the "
                                        f"{human_size(options.max_bytes)} size limit; refused")
            body = response.read(options.max_bytes + 1)
            if len(body) > options.max_bytes:
                raise InputFailure(url, f"response is over the {human_size(options.max_bytes)} size limit; refused")
            return Fetched(url=response.geturl(), content_type=headers.get_content_type(),
                           charset=headers.get_content_charset(), body=body)
    except InputFailure as exc:
        if exc.source != url:  # a redirect target was refused: the error names the input
            raise InputFailure(url, f"redirected to {exc.source}: {exc.message}") from exc
        raise
    except urllib.error.HTTPError as exc:
        raise InputFailure(url, f"HTTP {exc.code} {exc.reason}") from exc
    except urllib.error.URLError as exc:
        reason = exc.reason
        if isinstance(reason, InputFailure):
            raise reason from exc
        raise InputFailure(url, f"unreachable: {reason}") from exc
    except TimeoutError as exc:
        raise InputFailure(url, f"unreachable: timed out after {options.timeout:g} s") from exc
    except (OSError, ValueError) as exc:
        raise InputFailure(url, f"unreachable: {exc}") from exc


def looks_like_feed(data: bytes, content_type: str = "") -> bool:
    if any(t in content_type for t in ("rss", "atom")):
        return True
    head = data[:2048].lstrip().lower()
    return (head.startswith(b"<?xml") or content_type.endswith("xml")) and any(
        tag in head for tag in (b"<rss", b"<feed", b"<rdf:rdf"))


def _local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1].lower() if isinstance(tag, str) else ""


@dataclass
class FeedEntry:
    link: str | None
    title: str | None
    published: str | None
    author: str | None
    content: str | None
    language: str | None


def parse_feed(data: bytes, source: str) -> list[FeedEntry]:
    """RSS 2.0, RSS 1.0 (RDF) and Atom entries, namespace-agnostic."""
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, recover=True, huge_tree=False)
    try:
        root = etree.fromstring(data, parser=parser)
    except etree.XMLSyntaxError as exc:
        raise InputFailure(source, f"malformed feed XML: {exc}") from exc
    if root is None:
        raise InputFailure(source, "malformed feed XML")
    feed_lang = None
    for el in root.iter():
        if _local(el.tag) == "language" and el.text:
            feed_lang = normalize_language(el.text)
            break
    entries = []
    for item in root.iter():
        if _local(item.tag) not in ("item", "entry"):
            continue
        fields: dict[str, str] = {}
        link = None
        for child in item:
            name = _local(child.tag)
            text = "".join(child.itertext()).strip()
            if name == "link":
                href = child.get("href")
                if href and child.get("rel", "alternate") == "alternate":
                    link = link or href
                elif text:
                    link = link or text
            elif name == "author":
                fields.setdefault("author", " ".join(text.split()))
            elif text:
                fields.setdefault(name, text)
        if not link and fields.get("guid", "").startswith("http"):
            link = fields["guid"]
        published = next((normalize_published(fields[k]) for k in ("pubdate", "published", "date", "updated")
                          if fields.get(k)), None)
        content = fields.get("encoded") or fields.get("content") or fields.get("description") or fields.get("summary")
        entries.append(FeedEntry(link=link.strip() if link else None, title=fields.get("title"),
                                 published=published, author=fields.get("creator") or fields.get("author"),
                                 content=content, language=feed_lang))
    return entries


def _feed_content_text(content: str | None) -> str:
    if not content:
        return ""
    from storylens.ingest.jsonl import fragment_to_text

    return fragment_to_text(content).strip()


def read_feed_entries(entries: list[FeedEntry], source: str, options: IngestOptions) -> Iterator[RawDoc | InputError]:
    """Fetch each entry's page; fall back to the entry's own full content."""
    if not entries:
        yield InputError(source=source, message="feed has no entries")
        return
    for entry in entries[: options.max_feed_items]:
        meta = {k: v for k, v in (("title", entry.title), ("published", entry.published),
                                  ("author", entry.author), ("language", entry.language),
                                  ("url", entry.link)) if v}
        where = entry.link or f"{source}#{entry.title or 'entry'}"
        failure: InputFailure | None = None
        if entry.link:
            try:
                page = fetch(entry.link, options)
                page_meta, text = extract_html(page.body, entry.link, url=page.url)
                merged = {**meta, **{k: v for k, v in page_meta.items() if v}}
                for key in ("published", "title"):  # the feed's own fields are reliable
                    if meta.get(key):
                        merged[key] = meta[key]
                yield RawDoc(source=where, text=text, kind="feed", meta=merged, container=True)
                continue
            except InputFailure as exc:
                failure = exc
        text = _feed_content_text(entry.content)
        if len(text.split()) >= MIN_FEED_CONTENT_WORDS:
            yield RawDoc(source=where, text=text, kind="feed", meta=meta, container=True)
        elif failure is not None:
            yield InputError(source=where, message=failure.message)
        else:
            yield InputError(source=where, message="feed entry has no link and too little text")


def read_url(url: str, options: IngestOptions) -> Iterator[RawDoc | InputError]:
    """A URL: an article page, a feed (each entry fetched), or plain text."""
    try:
        page = fetch(url, options)
        if looks_like_feed(page.body, page.content_type):
            entries = parse_feed(page.body, url)
        elif page.content_type in ("text/html", "application/xhtml+xml") or looks_like_html(page.body):
            meta, text = extract_html(page.body, url, url=page.url)
            meta.setdefault("url", page.url)
            yield RawDoc(source=url, text=text, kind="url", meta=meta)
            return
        elif page.content_type.startswith("text/"):
            decoded = decode_bytes(page.body, url)
            meta, text = parse_text(decoded.text)
            meta.setdefault("url", page.url)
            yield RawDoc(source=url, text=text, kind="url", meta=meta, notes=(decoded.note,) if decoded.note else ())
            return
        else:
            raise InputFailure(url, f"unsupported content type {page.content_type!r}")
    except InputFailure as exc:
        yield InputError(source=exc.source, message=exc.message)
        return
    yield from read_feed_entries(entries, url, options)
