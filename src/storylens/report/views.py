"""Helpers shared by the Markdown and HTML views of a report.

Both views show the same things in the same order; only the markup differs.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from pathlib import PurePath
from urllib.parse import urlsplit

from storylens.lexicon.quotes import DOUBLE_MARKS, DOUBLE_PRIME, QUOTE_CHARS
from storylens.records import Article, Citation, EntitySummary, Quote, Report, Story

STATUS_LABELS = {
    "corroborated": "Corroborated",
    "single_source": "Single source",
    "disputed": "Disputed",
    "conflicting": "Conflicting",
}
STATUS_ORDER = {"disputed": 0, "conflicting": 1, "corroborated": 2, "single_source": 3}


def human_date(value: str | None) -> str:
    """'2021-08-10' -> '10 August 2021'; '2021-08' -> 'August 2021'; other text unchanged."""
    if not value:
        return ""
    try:
        if len(value) == 10:
            day = dt.date.fromisoformat(value)
            return f"{day.day} {day:%B %Y}"
        if len(value) == 7:
            month = dt.date.fromisoformat(value + "-01")
            return f"{month:%B %Y}"
    except ValueError:
        pass
    return value


def human_interval(start: str, end: str | None) -> str:
    if not end or end == start:
        return human_date(start)
    try:
        a, b = dt.date.fromisoformat(start), dt.date.fromisoformat(end)
    except ValueError:
        return f"{human_date(start)} – {human_date(end)}"
    if (a.year, a.month) == (b.year, b.month):
        return f"{a.day}–{b.day} {a:%B %Y}"
    return f"{human_date(start)} – {human_date(end)}"


def as_excerpt(text: str) -> str:
    """A sentence cut from a longer quotation, shown as such.

    Sentence splitting cuts a multi-sentence quotation into pieces; the piece
    that closes it ('People were asleep," he said.') gets its opening mark and
    an ellipsis back, the piece that opens it its closing one. Display only:
    the report's JSON keeps the exact source span.
    """
    depth, missing_open = 0, None
    for i, char in enumerate(text):
        if char == "“":
            depth += 1
        elif char == "”":
            if depth == 0 and missing_open is None:
                missing_open = "“"
            depth = max(0, depth - 1)
        elif char == '"':
            before = text[i - 1] if i else " "
            opening = before.isspace() or before in "([—–-"
            if opening:
                depth += 1
            elif depth == 0:
                if missing_open is None:
                    missing_open = '"'
            else:
                depth -= 1
    if missing_open:
        text = f"{missing_open}… {text}"
    if depth > 0:
        text = text.rstrip() + (" …”" if "“" in text else ' …"')
    return text


OUTLET_FROM_FILE_NAME = "from file name"
_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*://")


def web_link(url: str | None) -> str | None:
    """The URL when it is a web address a reader may follow (http or https), else None."""
    if not url:
        return None
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    return url.strip() if parts.scheme.lower() in ("http", "https") and parts.netloc else None


def is_local_path(source: str) -> bool:
    """True for a file path (not a URL, not stdin)."""
    return bool(source) and source != "-" and not _SCHEME.match(source)


def outlet_is_file_name(article: Article) -> bool:
    """True when nothing named the outlet and it was taken from the file name
    ('reports/english-report.txt' -> 'english-report'): a label, not an outlet."""
    if article.url or not is_local_path(article.source):
        return False
    path = PurePath(article.source.split("#", 1)[0])
    stems = {path.stem, path.name}
    for suffix in (".warc.gz", ".html.gz"):
        if path.name.lower().endswith(suffix):
            stems.add(path.name[: -len(suffix)])
    return article.outlet in stems


def article_map(report: Report) -> dict[str, Article]:
    return {a.id: a for a in report.articles}


def cited_text(articles: dict[str, Article], citation: Citation) -> str:
    article = articles.get(citation.article_id)
    return article.text[citation.start : citation.end] if article else ""


def outlet_of(articles: dict[str, Article], article_id: str) -> str:
    article = articles.get(article_id)
    return article.outlet if article else article_id


def fact_text(story: Story, fact_ids: Iterable[str]) -> dict[str, str]:
    wanted = set(fact_ids)
    return {f.id: f.text for f in story.facts if f.id in wanted}


def quoted_text(text: str, direct: bool) -> str:
    """A direct quotation in quote marks, unless its span carries quote marks of its own.

    A span such as '“When we look back, …,” by Afghans' or 'that "no tangible progress"
    should be expected' shows the speaker's words with their own marks; wrapping it
    again would show '““When …' or quote the reporter's words as the speaker's."""
    text = text.strip()
    has_marks = any(mark in text for mark in DOUBLE_MARKS + DOUBLE_PRIME) or text[:1] in QUOTE_CHARS or text[-1:] in QUOTE_CHARS
    return f"“{text}”" if direct and not has_marks else text


def shown_quotes(quotes: Iterable[Quote]) -> list[Quote]:
    """The quotes worth listing as who said what.

    A report nested in a wider one by the same speaker is left out: "Kirby refused to
    say how many strikes …" holds two ("refused", and "say" inside its content) and the
    reader needs the wider one. What is left must be a report of saying or denying
    ("said", "told", "according to", "denied", or a wider report holding one, as
    "refused to say" does), not "discuss", "showing", "decided". The report's JSON
    keeps every attribution."""
    quotes = list(quotes)
    by_place: dict[tuple[str, str], list[Quote]] = {}
    for quote in quotes:
        by_place.setdefault((quote.article_id, (quote.speaker or "").lower()), []).append(quote)

    def inside(inner: Quote, outer: Quote) -> bool:
        return (outer.start <= inner.start and inner.end <= outer.end
                and (outer.start, outer.end) != (inner.start, inner.end))

    def same_speaker(quote: Quote) -> list[Quote]:
        return by_place[(quote.article_id, (quote.speaker or "").lower())] if quote.speaker else []

    shown = []
    for quote in quotes:
        if any(inside(quote, other) for other in same_speaker(quote)):
            continue
        if quote.kind != "other" or any(
            inside(other, quote) and other.kind != "other" for other in same_speaker(quote)
        ):
            shown.append(quote)
    return shown


def quotes_by_entity(story: Story, limit: int = 20) -> list[tuple[EntitySummary, list[Quote]]]:
    """People and organisations in order of mentions, each with the quotes attributed to it."""
    people = [e for e in story.entities if e.type in ("PERSON", "ORG", "NORP")]
    people.sort(key=lambda e: (-sum(e.mentions_by_outlet.values()), e.name))
    result = []
    used: set[int] = set()
    listed = shown_quotes(story.quotes)
    for entity in people[:limit]:
        names = {entity.name.lower(), *(a.lower() for a in entity.aliases)}
        quotes = []
        for n, quote in enumerate(listed):
            speaker = (quote.speaker or "").lower()
            if n not in used and speaker and (speaker in names or any(speaker.endswith(x) for x in names if len(x) > 3)):
                quotes.append(quote)
                used.add(n)
        result.append((entity, quotes))
    return result


def unmatched_quotes(story: Story, matched: list[tuple[EntitySummary, list[Quote]]]) -> list[Quote]:
    taken = {id(q) for _, quotes in matched for q in quotes}
    return [q for q in shown_quotes(story.quotes) if id(q) not in taken]
