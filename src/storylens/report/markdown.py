"""The Markdown view of a report: the same dossier as the HTML page, in plain text.

Citations are numbered per story ([1], [2], ...) and listed under "Sources
cited" with the outlet and the exact cited words, so every line can be checked
without the articles at hand.
"""

from __future__ import annotations

from storylens.lexicon.languages import isolate_rtl, language_name
from storylens.lexicon.words import plural
from storylens.records import Article, Citation, Report, Story
from storylens.report.views import (
    OUTLET_FROM_FILE_NAME,
    STATUS_LABELS,
    STATUS_ORDER,
    article_map,
    as_excerpt,
    cited_text,
    human_date,
    human_interval,
    outlet_is_file_name,
    outlet_of,
    quoted_text,
    quotes_by_entity,
    unmatched_quotes,
)

MAX_FACTS = 60


def _md(text: str) -> str:
    """Neutralise Markdown syntax in source text (it is data, not markup), and isolate its
    right-to-left runs so an Arabic claim or conflict keeps its order inside an English line."""
    out = text.replace("\\", "\\\\")
    for ch in "`*_[]<>|#":
        out = out.replace(ch, "\\" + ch)
    return isolate_rtl(" ".join(out.split()))


class _Notes:
    """Numbered citations of one story."""

    def __init__(self, articles: dict[str, Article]):
        self.articles = articles
        self.numbers: dict[Citation, int] = {}

    def refs(self, citations) -> str:
        marks = []
        for citation in citations:
            if citation not in self.numbers:
                self.numbers[citation] = len(self.numbers) + 1
            marks.append(f"[{self.numbers[citation]}]")
        return "".join(marks)

    def lines(self) -> list[str]:
        out = []
        for citation, n in self.numbers.items():
            outlet = outlet_of(self.articles, citation.article_id)
            words = _md(cited_text(self.articles, citation))
            out.append(f"{n}. **{_md(outlet)}** ({citation.start}–{citation.end}): {quoted_text(words, True)}")
        return out


def story_markdown(story: Story, articles: dict[str, Article]) -> list[str]:
    notes = _Notes(articles)
    outlets = sorted({outlet_of(articles, a) for a in story.article_ids})
    lines = [f"## {_md(story.title)}", ""]
    lines.append(f"{plural(len(story.article_ids), 'article')} from {plural(len(outlets), 'outlet')}: {_md(', '.join(outlets))}.")
    lines += ["", "### Summary", ""]
    if not story.summary:
        lines.append("_No summary: no usable sentences._")
    for sentence in story.summary:
        text = _md(sentence.text if sentence.template else as_excerpt(sentence.text))
        if sentence.template:
            text = f"**⚠ {text}**"
        lines.append(f"- {text} {notes.refs(sentence.citations)}")

    lines += ["", "### Facts", ""]
    facts = sorted(story.facts, key=lambda f: (STATUS_ORDER.get(f.status, 9), -f.importance))
    if not facts:
        lines.append("_No facts were aligned across outlets._")
    for fact in facts[:MAX_FACTS]:
        claims = [(c.article_id, c.start, c.end) for c in fact.claims]
        refs = notes.refs(Citation(article_id=a, start=s, end=e) for a, s, e in claims)
        lines.append(
            f"- **{STATUS_LABELS.get(fact.status, fact.status)}** "
            f"({_outlet_count(fact.independent_outlets, len(fact.outlets))}): {_md(as_excerpt(fact.text))} {refs}"
        )
        for conflict in fact.conflicts:
            lines.append(f"  - conflict ({conflict.kind}): {_md(conflict.detail)} {notes.refs(conflict.claims)}")
    if len(facts) > MAX_FACTS:
        lines.append(f"- … and {len(facts) - MAX_FACTS} more in the JSON report.")

    lines += ["", "### Timeline", ""]
    if not story.timeline:
        lines.append("_No dated events._")
    for entry in story.timeline:
        lines.append(f"- **{human_interval(entry.date, entry.end_date)}**: {_md(entry.text)} {notes.refs(entry.citations)}")

    lines += ["", "### Places", ""]
    if not story.places:
        lines.append("_No places resolved._")
    for place in story.places:
        country = f", {place.country}" if place.country else ""
        lines.append(f"- {_md(place.name)}{country} ({place.lat:.3f}, {place.lon:.3f}): {place.mentions} mentions")

    lines += ["", "### People and organisations", ""]
    matched = quotes_by_entity(story)
    if not matched:
        lines.append("_None found._")
    for entity, quotes in matched:
        counts = ", ".join(f"{_md(o)} {n}" for o, n in sorted(entity.mentions_by_outlet.items()))
        aliases = f" (also: {_md(', '.join(entity.aliases))})" if entity.aliases else ""
        lines.append(f"- **{_md(entity.name)}** [{entity.type}]{aliases}: {counts}")
        for quote in quotes:
            lines.append(_quote_line(quote, notes, "  "))
    others = unmatched_quotes(story, matched)
    if others:
        lines += ["", "Other quotes:", ""]
        lines += [_quote_line(q, notes, "") for q in others]

    lines += ["", "### Outlets", ""]
    by_fact = {f.id: f for f in story.facts}
    for view in story.outlets:
        lines.append(f"- **{_md(view.outlet)}**: {len(view.fact_ids)} facts, "
                     f"{len(view.exclusive_fact_ids)} exclusive, {len(view.omitted_fact_ids)} omitted")
        for fid in view.exclusive_fact_ids[:10]:
            if fid in by_fact:
                lines.append(f"  - only here: {_md(as_excerpt(by_fact[fid].text))}")
        for fid in view.omitted_fact_ids[:10]:
            if fid in by_fact:
                lines.append(f"  - left out: {_md(as_excerpt(by_fact[fid].text))}")
        for referent, terms in sorted(view.wording.items()):
            lines.append(f"  - calls {_md(referent)}: {_md(', '.join(terms))}")

    lines += ["", "### Sources cited", ""]
    lines += notes.lines() or ["_None._"]
    lines.append("")
    return lines


def _quote_line(quote, notes: _Notes, indent: str) -> str:
    mark = _md(quoted_text(quote.text, quote.direct))
    denial = " (denies)" if quote.polarity == "denies" else ""
    ref = notes.refs([Citation(article_id=quote.article_id, start=quote.start, end=quote.end)])
    return f"{indent}- {_md(quote.speaker or 'unnamed source')} {_md(quote.cue)}{denial}: {mark} {ref}"


def to_markdown(report: Report) -> str:
    articles = article_map(report)
    lines = ["# storylens report", ""]
    lines.append(f"{plural(len(report.articles), 'article')}, {plural(len(report.stories), 'story')}. Schema `{report.schema_}`.")
    lines.append("")
    for story in report.stories:
        lines += story_markdown(story, articles)
    lines += ["## Articles", ""]
    for article in report.articles:
        published = human_date(article.published_at.date().isoformat()) if article.published_at else "date unknown"
        title = _md(article.title or article.source)
        derived = f" ({OUTLET_FROM_FILE_NAME})" if outlet_is_file_name(article) else ""
        language = f" [{_md(language_name(article.language))}]" if article.language else ""
        lines.append(f"- **{_md(article.outlet)}**{derived}, {published}{language}: {title} — {_md(article.source)}")
    if report.language_notices:
        lines += ["", "## Not fully analysed", ""]
        lines += [f"- {_md(n.source)}: {_md(n.message)}." for n in report.language_notices]
    if report.errors:
        lines += ["", "## Inputs not used", ""]
        lines += [f"- {_md(str(e))}" for e in report.errors]
    lines.append("")
    return "\n".join(lines)


def _outlet_count(independent: int, outlets: int) -> str:
    """"1 outlet", "3 independent outlets", "2 independent of 3 outlets"."""
    if outlets <= 1:
        return f"{outlets} outlet"
    if independent == outlets:
        return f"{outlets} independent outlets"
    return f"{independent} independent of {outlets} outlets"
