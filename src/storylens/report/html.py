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

from storylens.lexicon.languages import RTL_RUN, base_code, language_name, text_direction
from storylens.lexicon.words import plural
from storylens.records import Article, Citation, Fact, Quote, Report, Story
from storylens.report.mapsvg import render_map
from storylens.report.views import (
    OUTLET_FROM_FILE_NAME,
    STATUS_LABELS,
    STATUS_ORDER,
    article_map,
    as_excerpt,
    human_date,
    human_interval,
    outlet_is_file_name,
    outlet_of,
    quoted_text,
    quotes_by_entity,
    unmatched_quotes,
    web_link,
)

MAX_ENTITIES = 20
MAX_CLAIMS = 12
MAX_CONFLICTS = 5
SHOWN_FACT_LINKS = 12  # an outlet's "only here" / "leaves out" list; the rest behind "N more"
_TOKEN = re.compile(r"<@(\d+)@>")
SECTIONS = (
    ("summary", "Summary"),
    ("facts", "Facts"),
    ("timeline", "Timeline"),
    ("map", "Map"),
    ("people", "People"),
    ("outlets", "Outlets"),
)
OMISSION_NOTE = (
    "An outlet leaves out a fact when at least two of the other independent outlets, and more "
    "than half of them, report it and this one does not."
)


def _e(text: object) -> str:
    return escape(str(text), quote=True)


def _bidi(text: object) -> str:
    """Escaped text for an English line, each right-to-left run in ``<bdi>`` ("١٥ vs 12" keeps
    its order; an Arabic outlet's name does not pull the line's punctuation around)."""
    return RTL_RUN.sub(lambda m: f"<bdi>{m.group()}</bdi>", _e(text))


def _template(name: str) -> str:
    return resources.files("storylens.report").joinpath("templates", name).read_text(encoding="utf-8")


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "x"


def lang_attrs(language: str | None) -> str:
    """``lang`` (and ``dir="rtl"`` for a right-to-left language) for text in that language."""
    code = base_code(language)
    if not code or not re.fullmatch(r"[a-z]{2,3}", code):
        return ""
    return f' lang="{code}"' + (' dir="rtl"' if text_direction(code) == "rtl" else "")


def external_link(url: str | None, text: str | None = None) -> str:
    """A link that opens the original article: only http(s), and without handing it this page."""
    href = web_link(url)
    if href is None:
        return _e(url or "")
    return f'<a href="{_e(href)}" rel="noopener noreferrer" target="_blank">{_e(text or href)}</a>'


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
        self.notices = {n.article_id: n for n in report.language_notices}

    # -- citations

    def lang(self, article_id: str) -> str:
        article = self.articles.get(article_id)
        return lang_attrs(article.language) if article else ""

    def fact_lang(self, fact: Fact) -> str:
        """The language attributes of a fact's text: those of the claim it is taken from
        (a fact of an English and an Arabic claim reads in the language of its representative)."""
        source = next((c for c in fact.claims if c.text == fact.text), fact.claims[0] if fact.claims else None)
        return self.lang(source.article_id) if source else ""

    def cite(self, citations, roles=None) -> str:
        """Links named by outlet (and by role, "claim" or "denial", when given); their targets
        are filled in once the marks are laid out. No two chips read the same: a repeated
        citation is shown once, and two passages of one outlet are numbered."""
        links, seen, labels = [], set(), []
        for n, citation in enumerate(citations):
            key = (citation.article_id, citation.start, citation.end)
            if key in seen:
                continue
            seen.add(key)
            self.marks.add(citation)
            article = self.articles.get(citation.article_id)
            outlet = article.outlet if article else citation.article_id
            words = article.text[citation.start : citation.end] if article else ""
            role = roles[n] if roles else ""
            label = f"{outlet} · {role}" if role else outlet
            labels.append(label)
            if labels.count(label) > 1:
                label = f"{label} ({labels.count(label)})"
            token = f"<@{len(self.cites)}@>"  # "<" never survives escaping, so text cannot forge it
            self.cites.append((citation, token))
            css = f' class="role-{_e(role.split()[0])}"' if role else ""
            links.append(f'<a href="{token}"{css} title="{_e(label)}: {_e(words[:300])}">{_e(label)}</a>')
        return f'<sup class="cite">{"".join(links)}</sup>' if links else ""

    def conflict_roles(self, fact: Fact, citations) -> list[str]:
        """Each piece of evidence of a conflict by its side: who claims, who denies."""
        by_place = {(c.article_id, c.start, c.end): c for c in fact.claims}
        roles = []
        for citation in citations:
            claim = by_place.get((citation.article_id, citation.start, citation.end))
            attribution = claim.attribution if claim else None
            speaker = attribution.speaker if attribution and attribution.speaker else ""
            role = "denial" if attribution and attribution.polarity == "denies" else "claim"
            roles.append(f"{role} by {speaker}" if speaker and len(speaker) <= 40 else role)
        return roles

    # -- sections

    def summary(self, story: Story) -> str:
        if not story.summary:
            return '<p class="small">No summary: the articles had no usable sentences.</p>'
        out = []
        facts = {f.id: f for f in story.facts}
        for sentence in story.summary:
            if sentence.template:
                disputed = [facts[i] for i in sentence.fact_ids if i in facts and facts[i].status == "disputed"]
                roles = self.conflict_roles(disputed[0], sentence.citations) if disputed else None
                out.append(
                    f'<p class="template"><span class="flag">Disagreement</span>{_e(sentence.text)}'
                    f"{self.cite(sentence.citations, roles)}</p>"
                )
            else:
                lang = self.lang(sentence.citations[0].article_id) if sentence.citations else ""
                out.append(f"<p><span{lang}>{_e(as_excerpt(sentence.text))}</span>{self.cite(sentence.citations)}</p>")
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
                f'<div class="claim"><span class="who">{_bidi(who)}</span> <span{self.lang(claim.article_id)}>'
                f"{_e(as_excerpt(claim.text))}</span>{self.cite([citation])}</div>"
            )
        if len(fact.claims) > MAX_CLAIMS:
            claims.append(f'<div class="claim small">… and {len(fact.claims) - MAX_CLAIMS} more claims in the JSON report</div>')
        conflicts = "".join(
            f'<div class="conflict">⚠ {_e(c.kind)}: {_bidi(c.detail)}'
            f"{self.cite(c.claims, self.conflict_roles(fact, c.claims) if c.kind in ('denial', 'contradiction') else None)}</div>"
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
            f'<span{self.fact_lang(fact)}>{_e(as_excerpt(fact.text))}</span>'
            f'<span class="count">{_e(count)}</span></p>{conflicts}'
            f"<details><summary>Who says so: {_bidi(outlets)}</summary>{''.join(claims)}</details></li>"
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
        facts = {f.id: f for f in story.facts}
        items, previous = [], None
        for entry in story.timeline:
            when = human_interval(entry.date, entry.end_date)
            heading = f'<time datetime="{_e(entry.date)}">{_e(when)}</time>' if when != previous else ""
            css = "" if heading else ' class="same-day"'
            previous = when
            first_of: dict[str, str] = {}
            for fact_id in entry.fact_ids:
                if fact_id in facts:
                    first_of.setdefault(facts[fact_id].status, fact_id)
            badges = "".join(
                f'<a class="badge {_e(status)}" href="#f-{_e(fid)}">{_e(STATUS_LABELS.get(status, status))}</a> '
                for status, fid in sorted(first_of.items(), key=lambda kv: STATUS_ORDER.get(kv[0], 9))
            )
            lang = self.lang(entry.citations[0].article_id) if entry.citations else ""
            items.append(f"<li{css}>{heading}{badges}<span{lang}>{_e(entry.text)}</span>{self.cite(entry.citations)}</li>")
        return '<ol class="timeline">' + "".join(items) + "</ol>"

    def places(self, story: Story) -> str:
        if not story.places:
            return '<p class="small">No places were resolved.</p>'
        mentioned_in: dict[str, list[Fact]] = defaultdict(list)
        for fact in story.facts:
            names = {name for claim in fact.claims for name in claim.places}
            for name in names:
                mentioned_in[name].append(fact)
        anchors: dict[str, str] = {}
        for n, place in enumerate(story.places):  # one anchor per name, unique even when slugs meet
            slug = f"p-{story.id}-{_slug(place.name)}"
            anchors.setdefault(place.name, slug if slug not in anchors.values() else f"{slug}-{n}")
        view = render_map(
            story.places,
            title=f"Places in: {story.title}",
            links={name: f"#{anchor}" for name, anchor in anchors.items()},
            map_id=f"map-{story.id}",
        )
        rows = []
        for place in sorted(story.places, key=lambda p: (-p.mentions, p.name)):
            facts = mentioned_in.get(place.name, [])
            fact_links = " ".join(
                f'<a href="#f-{_e(f.id)}" title="{_e(f.text[:200])}">{n}</a>' for n, f in enumerate(facts[:8], 1)
            )
            more = f" +{len(facts) - 8}" if len(facts) > 8 else ""
            rows.append(
                f'<li id="{_e(anchors[place.name])}"><strong>{_e(place.name)}</strong>'
                f"{', ' + _e(place.country) if place.country else ''} · {place.mentions} mention{'s' if place.mentions != 1 else ''}"
                + (f' · <span class="small">facts: {fact_links}{more}</span>' if facts else "")
                + "</li>"
            )
        notes = ""
        if view.off_map:
            notes += f'<p class="small map-note">Also mentioned, not on this map: {_e(", ".join(view.off_map))}.</p>'
        if view.unlabelled or view.unlabelled_narrow:
            missing = ", ".join(view.unlabelled)
            if view.unlabelled_narrow:
                missing += ("; " if missing else "") + "on a small screen also " + ", ".join(view.unlabelled_narrow)
            notes += (
                '<p class="small map-note">Where names would overlap, a marker goes without its label '
                f"({_e(missing)}); every place is listed below, and each marker opens the facts that mention it.</p>"
            )
        return (
            f'<div class="mapbox">{view.svg}</div>{notes}'
            f'<ul class="plain places-list">{"".join(rows)}</ul>'
        )

    def quote(self, quote: Quote) -> str:
        citation = Citation(article_id=quote.article_id, start=quote.start, end=quote.end)
        speaker = quote.speaker or "Unnamed source"
        verb = f"{quote.cue} (denies)" if quote.polarity == "denies" else quote.cue
        body = _e(quoted_text(quote.text, quote.direct))
        css = "denies" if quote.polarity == "denies" else ""
        return (
            f'<blockquote class="{css}"><span{self.lang(quote.article_id)}>{body}</span>{self.cite([citation])}'
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

    def fact_links(self, fact_ids, facts: dict[str, Fact], title: str) -> str:
        """A list of facts linked to their place; past SHOWN_FACT_LINKS the rest open on demand."""
        items = [
            f'<li><a href="#f-{_e(fid)}"><span{self.fact_lang(facts[fid])}>'
            f"{_e(facts[fid].text)}</span></a></li>"
            for fid in fact_ids
            if fid in facts
        ]
        if not items:
            return ""
        shown = f"<strong>{_e(title)} ({len(items)})</strong><ul>{''.join(items[:SHOWN_FACT_LINKS])}</ul>"
        if len(items) > SHOWN_FACT_LINKS:
            rest = len(items) - SHOWN_FACT_LINKS
            shown += (
                f'<details class="more"><summary>{rest} more</summary><ul>'
                f"{''.join(items[SHOWN_FACT_LINKS:])}</ul></details>"
            )
        return shown

    def outlet_name(self, outlet: str, article_ids) -> str:
        """The outlet's name, marked when it is only a file name (nothing named the outlet)."""
        derived = any(outlet_is_file_name(self.articles[a]) for a in article_ids if a in self.articles
                      and self.articles[a].outlet == outlet)
        mark = (
            f' <span class="derived" title="No outlet was given for this input; the name is its file name.">'
            f"{OUTLET_FROM_FILE_NAME}</span>" if derived else ""
        )
        return f"{_e(outlet)}{mark}"

    def outlets(self, story: Story) -> str:
        if not story.outlets:
            return ""
        facts = {f.id: f for f in story.facts}
        omissions = any(view.omitted_fact_ids for view in story.outlets)
        if omissions:
            intro = f'<p class="small">{OMISSION_NOTE}</p>'
        elif len(story.outlets) < 3:
            intro = (
                f'<p class="small">No omissions are shown: {OMISSION_NOTE[0].lower()}{OMISSION_NOTE[1:]} '
                f"With {len(story.outlets)} outlet{'s' if len(story.outlets) != 1 else ''} no fact can be left out.</p>"
            )
        else:
            intro = (
                f'<p class="small">No outlet leaves out a fact the others report. {OMISSION_NOTE}</p>'
            )
        cards = []
        for view in story.outlets:
            parts = [f"<h4>{self.outlet_name(view.outlet, story.article_ids)}</h4>"]
            parts.append(
                f'<div class="small">{len(view.fact_ids)} facts · {len(view.exclusive_fact_ids)} only here'
                + (f" · {len(view.omitted_fact_ids)} left out" if omissions else "")
                + (f" · {round(100 * view.attributed_share)}% attributed" if view.attributed_share is not None else "")
                + "</div>"
            )
            parts.append(self.fact_links(view.exclusive_fact_ids, facts, "Only here"))
            if omissions:
                parts.append(self.fact_links(view.omitted_fact_ids, facts, "Leaves out"))
            if view.wording:
                parts.append("<strong>Wording</strong><ul>" + "".join(
                    f"<li>{_e(ref)}: {_e(', '.join(terms))}</li>" for ref, terms in sorted(view.wording.items())
                ) + "</ul>")
            if view.cue_verbs:
                top = sorted(view.cue_verbs.items(), key=lambda kv: -kv[1])[:6]
                parts.append(f'<div class="small">cue verbs: {_e(", ".join(f"{v} {n}" for v, n in top))}</div>')
            cards.append('<div class="outlet">' + "".join(parts) + "</div>")
        return intro + '<div class="outlets">' + "".join(cards) + "</div>"

    def section_index(self, story: Story) -> str:
        return '<nav class="sections" aria-label="Sections">' + "".join(
            f'<a href="#s-{_e(story.id)}-{key}">{label}</a>' for key, label in SECTIONS
        ) + "</nav>"

    def story(self, story: Story) -> str:
        head = ""
        if len(self.report.stories) > 1:  # one story: the page title already says it
            outlets = sorted({outlet_of(self.articles, a) for a in story.article_ids})
            head = (
                f"<h2><bdi>{_e(story.title)}</bdi></h2><p class=\"meta\">{plural(len(story.article_ids), 'article')} · "
                f"{len(outlets)} outlets: {_e(', '.join(outlets))}</p>{self.section_index(story)}"
            )
        bodies = {
            "summary": self.summary(story),
            "facts": self.facts(story),
            "timeline": self.timeline(story),
            "map": self.places(story),
            "people": self.people(story),
            "outlets": self.outlets(story),
        }
        titles = dict(SECTIONS) | {"people": "People and organisations", "outlets": "Outlets compared"}
        sections = "".join(
            f'<h3 id="s-{_e(story.id)}-{key}">{titles[key]}</h3>{bodies[key]}' for key, _ in SECTIONS
        )
        return f'<section class="story" id="s-{_e(story.id)}">{head}{sections}</section>'

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
        link = f" · {external_link(article.url)}" if article.url else ""
        removed = ""
        if article.removed:
            removed = '<div class="removed">Removed by cleaning: ' + "; ".join(
                f"“{_e(r.text[:120])}” ({_e(r.reason)})" for r in article.removed[:30]
            ) + "</div>"
        lang = lang_attrs(article.language)
        language = (
            f' · <span class="language">{_e(language_name(article.language))}</span>' if article.language else ""
        )
        notice = self.notices.get(article.id)
        warning = f'<p class="notice">⚠ {_e(notice.message)}.</p>' if notice else ""
        title = f"<span{lang}>{_e(article.title)}</span>" if article.title else _e(article.source)
        return (
            f'<details class="article" id="a-{_e(article.id)}"><summary><span class="outlet-name">'
            f"{self.outlet_name(article.outlet, [article.id])}</span>"
            f" · {_e(when)}{language} · {title}</summary>"
            f'<div class="small">{_e(article.source)}{link}</div>{warning}'
            f'<div class="article-text"{lang}>{"".join(pieces)}</div>{removed}</details>'
        )

    def language_section(self) -> str:
        if not self.report.language_notices:
            return ""
        items = "".join(
            f'<li><a href="#a-{_e(n.article_id)}">{_e(outlet_of(self.articles, n.article_id))}</a>: {_e(n.message)}.</li>'
            for n in self.report.language_notices
        )
        return f'<h2 id="languages">Not fully analysed</h2><ul class="notices">{items}</ul>'

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
            errors = '<h2 id="inputs-not-used">Inputs not used</h2><ul>' + "".join(
                f"<li>{_e(str(e))}</li>" for e in self.report.errors
            ) + "</ul>"
        return self.language_section() + stories + f'<h2 id="articles">Articles</h2>{articles}{errors}'

    def contents(self) -> str:
        """The page's index: a bar that stays at the top while scrolling, so a reader on a
        phone can jump between sections of a long page."""
        links = []
        if len(self.report.stories) == 1:
            sid = self.report.stories[0].id
            links += [f'<a href="#s-{_e(sid)}-{key}">{label}</a>' for key, label in SECTIONS]
        elif self.report.stories:
            links.append('<a href="#stories">Stories</a>')
            for n, story in enumerate(self.report.stories, 1):
                short = story.title if len(story.title) <= 28 else story.title[:26].rstrip() + "…"
                links.append(f'<a href="#s-{_e(story.id)}" title="{_e(story.title)}">{n}. <bdi>{_e(short)}</bdi></a>')
        if self.report.language_notices:
            links.append('<a href="#languages">Languages</a>')
        links.append('<a href="#articles">Articles</a>')
        if self.report.errors:
            links.append('<a href="#inputs-not-used">Not used</a>')
        return '<nav class="toc" aria-label="Contents">' + "".join(links) + "</nav>"


def report_body(report: Report) -> str:
    """The report's stories and articles as an HTML fragment (the web app's story page)."""
    return _Page(report).render()


def to_html(report: Report) -> str:
    page = _Page(report)
    body = page.render()
    if len(report.stories) == 1:
        title = report.stories[0].title
    else:
        title = f"{plural(len(report.stories), 'story')} from {plural(len(report.articles), 'article')}"
    nav = ""
    if len(report.stories) > 1:
        nav = '<nav class="stories" id="stories" aria-label="Stories"><ol>' + "".join(
            f'<li><a href="#s-{_e(s.id)}"><bdi>{_e(s.title)}</bdi></a></li>' for s in report.stories
        ) + "</ol></nav>"
    outlets = sorted({a.outlet for a in report.articles})
    meta = f"{plural(len(report.articles), 'article')} · {plural(len(outlets), 'outlet')}"
    dates = sorted(a.published_at.date().isoformat() for a in report.articles if a.published_at)
    if dates:
        meta += " · published " + (
            human_date(dates[0]) if dates[0] == dates[-1] else f"{human_date(dates[0])} – {human_date(dates[-1])}"
        )
    if len(report.stories) == 1:
        meta += " · " + ", ".join(outlets)
    derived = sorted({a.outlet for a in report.articles if outlet_is_file_name(a)})
    if derived:
        nav = (
            f'<p class="meta derived-note">Outlet names {_e(", ".join(derived))} are file names: no outlet was '
            "given for those inputs (give one with a sidecar, a manifest or --outlet).</p>" + nav
        )
    return Template(_template("report.html")).substitute(
        title=_e(title),
        schema=_e(report.schema_),
        meta=_e(meta),
        nav=nav,
        toc=page.contents(),
        body=body,
        css=_template("report.css"),
        script=_template("report.js"),
    )
