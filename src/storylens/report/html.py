"""The self-contained HTML report: one file, inline CSS/JS/SVG, no request of any kind.

Article text is untrusted: every piece of it goes through ``html.escape`` (the
only way text enters the page is ``_e``), and a Content-Security-Policy meta
tag forbids the page from loading anything, so even a bug cannot make it call
home. Cited spans are marked in the article texts at the bottom, and every
citation links to its mark.
"""

from __future__ import annotations

import re
from collections import defaultdict
from html import escape
from importlib import resources
from string import Template

from storylens.records import Article, Citation, Fact, Quote, Report, Story
from storylens.report.mapsvg import render_map
from storylens.report.views import (
    STATUS_LABELS,
    STATUS_ORDER,
    article_map,
    as_excerpt,
    human_date,
    human_interval,
    outlet_of,
    quoted_text,
    quotes_by_entity,
    unmatched_quotes,
)

MAX_ENTITIES = 20
MAX_CLAIMS = 12
MAX_CONFLICTS = 5
_TOKEN = re.compile(r"<@(\d+)@>")


def _e(text: object) -> str:
    return escape(str(text), quote=True)


def _template(name: str) -> str:
    return resources.files("storylens.report").joinpath("templates", name).read_text(encoding="utf-8")


def _mark_id(citation: Citation) -> str:
    return f"c-{citation.article_id}-{citation.start}-{citation.end}"


class _Marks:
    """The cited spans of each article, so citations can link to their place in the text."""

    def __init__(self) -> None:
        self.spans: dict[str, set[tuple[int, int]]] = defaultdict(set)

    def add(self, citation: Citation) -> None:
        if citation.end > citation.start:
            self.spans[citation.article_id].add((citation.start, citation.end))

    def layout(self, article_id: str) -> list[tuple[int, int]]:
        """Non-overlapping spans to mark, earliest and longest first."""
        chosen: list[tuple[int, int]] = []
        for start, end in sorted(self.spans.get(article_id, ()), key=lambda s: (s[0], -s[1])):
            if chosen and start < chosen[-1][1]:
                continue
            chosen.append((start, end))
        return chosen


class _Page:
    def __init__(self, report: Report):
        self.report = report
        self.articles = article_map(report)
        self.marks = _Marks()
        self.cites: list[tuple[Citation, str]] = []  # resolved after the article texts are laid out

    # -- citations

    def cite(self, citations) -> str:
        """Links named by outlet; their targets are filled in once the marks are laid out."""
        links = []
        for citation in citations:
            self.marks.add(citation)
            article = self.articles.get(citation.article_id)
            outlet = article.outlet if article else citation.article_id
            words = article.text[citation.start : citation.end] if article else ""
            token = f"<@{len(self.cites)}@>"  # "<" never survives escaping, so text cannot forge it
            self.cites.append((citation, token))
            links.append(f'<a href="{token}" title="{_e(outlet)}: {_e(words[:300])}">{_e(outlet)}</a>')
        return f'<sup class="cite">{"".join(links)}</sup>' if links else ""

    # -- sections

    def summary(self, story: Story) -> str:
        if not story.summary:
            return '<p class="small">No summary: the articles had no usable sentences.</p>'
        out = []
        for sentence in story.summary:
            if sentence.template:
                out.append(
                    f'<p class="template"><span class="flag">Disagreement</span>{_e(sentence.text)}'
                    f"{self.cite(sentence.citations)}</p>"
                )
            else:
                out.append(f"<p>{_e(as_excerpt(sentence.text))}{self.cite(sentence.citations)}</p>")
        return '<div class="summary">' + "".join(out) + "</div>"

    def fact_item(self, fact: Fact) -> str:
        claims = []
        for claim in fact.claims[:MAX_CLAIMS]:
            who = outlet_of(self.articles, claim.article_id)
            if claim.attribution and claim.attribution.speaker:
                verb = "denies" if claim.attribution.polarity == "denies" else claim.attribution.cue
                who = f"{who} · {claim.attribution.speaker} {verb}"
            citation = Citation(article_id=claim.article_id, start=claim.start, end=claim.end)
            claims.append(
                f'<div class="claim"><span class="who">{_e(who)}</span> {_e(as_excerpt(claim.text))}{self.cite([citation])}</div>'
            )
        if len(fact.claims) > MAX_CLAIMS:
            claims.append(f'<div class="claim small">… and {len(fact.claims) - MAX_CLAIMS} more claims in the JSON report</div>')
        conflicts = "".join(
            f'<div class="conflict">⚠ {_e(c.kind)}: {_e(c.detail)}{self.cite(c.claims)}</div>'
            for c in fact.conflicts[:MAX_CONFLICTS]
        )
        if len(fact.conflicts) > MAX_CONFLICTS:
            conflicts += f'<div class="conflict">… and {len(fact.conflicts) - MAX_CONFLICTS} more conflicts</div>'

        outlets = ", ".join(fact.outlets)
        count = (
            f"{fact.independent_outlets} independent outlet{'s' if fact.independent_outlets != 1 else ''}"
            f" · {len(fact.claims)} claim{'s' if len(fact.claims) != 1 else ''}"
        )
        return (
            f'<li class="fact" data-status="{_e(fact.status)}" id="f-{_e(fact.id)}">'
            f'<p class="line"><span class="badge {_e(fact.status)}">{_e(STATUS_LABELS.get(fact.status, fact.status))}</span> '
            f'{_e(as_excerpt(fact.text))}<span class="count">{_e(count)}</span></p>{conflicts}'
            f"<details><summary>Who says so: {_e(outlets)}</summary>{''.join(claims)}</details></li>"
        )

    def facts(self, story: Story) -> str:
        if not story.facts:
            return '<p class="small">No facts were aligned across the outlets of this story.</p>'
        facts = sorted(story.facts, key=lambda f: (STATUS_ORDER.get(f.status, 9), -f.importance, f.id))
        counts: dict[str, int] = defaultdict(int)
        for fact in facts:
            counts[fact.status] += 1
        list_id = f"facts-{story.id}"
        buttons = [f'<button type="button" data-status="all" aria-pressed="true">All {len(facts)}</button>']
        for status in ("corroborated", "single_source", "disputed", "conflicting"):
            if counts[status]:
                buttons.append(
                    f'<button type="button" data-status="{status}" aria-pressed="false">'
                    f"{STATUS_LABELS[status]} {counts[status]}</button>"
                )
        return (
            f'<div class="filters" data-for="{_e(list_id)}" role="toolbar">{"".join(buttons)}</div>'
            f'<ol class="facts" id="{_e(list_id)}">' + "".join(self.fact_item(f) for f in facts) + "</ol>"
        )

    def timeline(self, story: Story) -> str:
        if not story.timeline:
            return '<p class="small">No dated events were found.</p>'
        items, previous = [], None
        for entry in story.timeline:
            when = human_interval(entry.date, entry.end_date)
            heading = f'<time datetime="{_e(entry.date)}">{_e(when)}</time>' if when != previous else ""
            css = "" if heading else ' class="same-day"'
            previous = when
            items.append(f"<li{css}>{heading}{_e(entry.text)}{self.cite(entry.citations)}</li>")
        return '<ol class="timeline">' + "".join(items) + "</ol>"

    def places(self, story: Story) -> str:
        if not story.places:
            return '<p class="small">No places were resolved.</p>'
        svg = render_map(story.places, title=f"Places in: {story.title}")
        listing = "".join(
            f"<li>{_e(p.name)}{', ' + _e(p.country) if p.country else ''} · {p.mentions}</li>" for p in story.places
        )
        return f'<div class="mapbox">{svg}</div><ul class="plain places-list">{listing}</ul>'

    def quote(self, quote: Quote) -> str:
        citation = Citation(article_id=quote.article_id, start=quote.start, end=quote.end)
        speaker = quote.speaker or "Unnamed source"
        verb = f"{quote.cue} (denies)" if quote.polarity == "denies" else quote.cue
        body = _e(quoted_text(quote.text, quote.direct))
        css = "denies" if quote.polarity == "denies" else ""
        return (
            f'<blockquote class="{css}">{body}{self.cite([citation])}'
            f'<div class="small">— {_e(speaker)}, {_e(verb)} ({_e(outlet_of(self.articles, quote.article_id))})</div></blockquote>'
        )

    def people(self, story: Story) -> str:
        matched = quotes_by_entity(story, MAX_ENTITIES)
        if not matched and not story.quotes:
            return '<p class="small">No people or organisations were found.</p>'
        out = []
        for entity, quotes in matched:
            counts = ", ".join(f"{o} {n}" for o, n in sorted(entity.mentions_by_outlet.items()))
            aliases = f" · also {_e(', '.join(entity.aliases))}" if entity.aliases else ""
            out.append(
                f'<div class="entity"><strong>{_e(entity.name)}</strong><span class="type">{_e(entity.type)}</span>'
                f'<div class="small">mentions: {_e(counts)}{aliases}</div>{"".join(self.quote(q) for q in quotes)}</div>'
            )
        others = unmatched_quotes(story, matched)
        if others:
            out.append("<h4>Other statements</h4>" + "".join(self.quote(q) for q in others[:40]))
        return "".join(out)

    def outlets(self, story: Story) -> str:
        if not story.outlets:
            return ""
        facts = {f.id: f for f in story.facts}
        cards = []
        for view in story.outlets:
            parts = [f"<h4>{_e(view.outlet)}</h4>"]
            parts.append(
                f'<div class="small">{len(view.fact_ids)} facts · {len(view.exclusive_fact_ids)} only here'
                f" · {len(view.omitted_fact_ids)} left out"
                + (f" · {round(100 * view.attributed_share)}% attributed" if view.attributed_share is not None else "")
                + "</div>"
            )
            if view.exclusive_fact_ids:
                parts.append("<strong>Only here</strong><ul>" + "".join(
                    f'<li><a href="#f-{_e(fid)}">{_e(facts[fid].text)}</a></li>' for fid in view.exclusive_fact_ids[:12] if fid in facts
                ) + "</ul>")
            if view.omitted_fact_ids:
                parts.append("<strong>Leaves out</strong><ul>" + "".join(
                    f'<li><a href="#f-{_e(fid)}">{_e(facts[fid].text)}</a></li>' for fid in view.omitted_fact_ids[:12] if fid in facts
                ) + "</ul>")
            if view.wording:
                parts.append("<strong>Wording</strong><ul>" + "".join(
                    f"<li>{_e(ref)}: {_e(', '.join(terms))}</li>" for ref, terms in sorted(view.wording.items())
                ) + "</ul>")
            if view.cue_verbs:
                top = sorted(view.cue_verbs.items(), key=lambda kv: -kv[1])[:6]
                parts.append(f'<div class="small">cue verbs: {_e(", ".join(f"{v} {n}" for v, n in top))}</div>')
            cards.append('<div class="outlet">' + "".join(parts) + "</div>")
        return '<div class="outlets">' + "".join(cards) + "</div>"

    def story(self, story: Story) -> str:
        head = ""
        if len(self.report.stories) > 1:  # one story: the page title already says it
            outlets = sorted({outlet_of(self.articles, a) for a in story.article_ids})
            head = (
                f"<h2>{_e(story.title)}</h2><p class=\"meta\">{len(story.article_ids)} articles · "
                f"{len(outlets)} outlets: {_e(', '.join(outlets))}</p>"
            )
        return (
            f'<section class="story" id="s-{_e(story.id)}">{head}'
            f"<h3>Summary</h3>{self.summary(story)}"
            f"<h3>Facts</h3>{self.facts(story)}"
            f"<h3>Timeline</h3>{self.timeline(story)}"
            f"<h3>Map</h3>{self.places(story)}"
            f"<h3>People and organisations</h3>{self.people(story)}"
            f"<h3>Outlets compared</h3>{self.outlets(story)}</section>"
        )

    def article(self, article: Article) -> str:
        text = article.text
        pieces, cursor = [], 0
        for start, end in self.marks.layout(article.id):
            pieces.append(_e(text[cursor:start]))
            citation = Citation(article_id=article.id, start=start, end=end)
            pieces.append(f'<mark id="{_e(_mark_id(citation))}">{_e(text[start:end])}</mark>')
            cursor = end
        pieces.append(_e(text[cursor:]))
        when = human_date(article.published_at.date().isoformat()) if article.published_at else "date unknown"
        link = f' · <span class="small">{_e(article.url)}</span>' if article.url else ""
        removed = ""
        if article.removed:
            removed = '<div class="removed">Removed by cleaning: ' + "; ".join(
                f"“{_e(r.text[:120])}” ({_e(r.reason)})" for r in article.removed[:30]
            ) + "</div>"
        return (
            f'<details class="article" id="a-{_e(article.id)}"><summary><span class="outlet-name">{_e(article.outlet)}</span>'
            f" · {_e(when)} · {_e(article.title or article.source)}</summary>"
            f'<div class="small">{_e(article.source)}{link}</div>'
            f'<div class="article-text">{"".join(pieces)}</div>{removed}</details>'
        )

    def render(self) -> str:
        stories = "".join(self.story(s) for s in self.report.stories)
        articles = "".join(self.article(a) for a in self.report.articles)
        marked = {(a, s, e) for a in self.marks.spans for s, e in self.marks.layout(a)}

        def target(match: re.Match) -> str:
            citation = self.cites[int(match.group(1))][0]
            key = (citation.article_id, citation.start, citation.end)
            anchor = _mark_id(citation) if key in marked else f"a-{citation.article_id}"
            return "#" + _e(anchor)

        stories = _TOKEN.sub(target, stories)
        errors = ""
        if self.report.errors:
            errors = "<h2>Inputs not used</h2><ul>" + "".join(f"<li>{_e(str(e))}</li>" for e in self.report.errors) + "</ul>"
        return stories + f"<h2>Articles</h2>{articles}{errors}"


def report_body(report: Report) -> str:
    """The report's stories and articles as an HTML fragment (the web app's story page)."""
    return _Page(report).render()


def to_html(report: Report) -> str:
    page = _Page(report)
    body = page.render()
    if len(report.stories) == 1:
        title = report.stories[0].title
    else:
        title = f"{len(report.stories)} stories from {len(report.articles)} articles"
    nav = ""
    if len(report.stories) > 1:
        nav = '<nav class="stories">' + "".join(
            f'<a href="#s-{_e(s.id)}">{_e(s.title)}</a>' for s in report.stories
        ) + "</nav>"
    outlets = sorted({a.outlet for a in report.articles})
    meta = f"{len(report.articles)} articles · {len(outlets)} outlets"
    dates = sorted(a.published_at.date().isoformat() for a in report.articles if a.published_at)
    if dates:
        meta += " · published " + (
            human_date(dates[0]) if dates[0] == dates[-1] else f"{human_date(dates[0])} – {human_date(dates[-1])}"
        )
    if len(report.stories) == 1:
        meta += " · " + ", ".join(outlets)
    return Template(_template("report.html")).substitute(
        title=_e(title),
        schema=_e(report.schema_),
        meta=_e(meta),
        nav=nav,
        body=body,
        css=_template("report.css"),
        script=_template("report.js"),
    )
