"""Synthesise the cited digest of one story (issue 6). Contract:

    synthesize_story(group, articles, annotations, comparison, *, summary_words=120) -> Story

The digest is extractive on purpose: every summary sentence is a source
sentence verbatim, cited to its own span and to the claims of every other
article that carries the same fact, so a reader can check each line. The only
text not taken from a source is a clearly marked template stating a dispute
or conflict ("Disputed: A says ...; B denies it: ..."), which cites the very
claims it quotes.

Sentences are ranked by centrality (closeness to what the whole story says),
corroboration (how many independent outlets carry it), position (news puts
the essentials first) and the comparison's fact importance; redundancy is
removed by maximal marginal relevance. When alignment produced no facts, the
same ranking runs on sentences alone.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from storylens.records import (
    Annotation,
    Article,
    Citation,
    Claim,
    Comparison,
    Conflict,
    EntitySummary,
    Fact,
    OutletView,
    PlaceSummary,
    Quote,
    Sentence,
    Story,
    StoryGroup,
    SummarySentence,
    TimelineEntry,
)

# Ranking weights, tuned on the Multi-News validation split (bench/summary.py).
# Tuned on clusters 0-99 only; clusters 100-249 are held out (see bench/RESULTS.md).
# Tried and dropped (no gain there): TF-IDF centrality, similarity to the articles' leads,
# a sentence-length prior, minimum lengths of 10/14 words, dropping quote-led sentences.
W_CENTRALITY = 1.0
W_POSITION = 1.0
W_CORROBORATION = 0.35
W_IMPORTANCE = 0.2
MMR_REDUNDANCY = 1.0  # penalty weight of the closest already chosen sentence
REDUNDANT_COSINE = 0.86  # a candidate this close to a chosen one says nothing new
CORROBORATION_COSINE = 0.72  # a sentence in another outlet this close carries the same content
MAX_SENTENCES_PER_ARTICLE = 80
MIN_WORDS, MAX_WORDS = 6, 70
MAX_TEMPLATES = 2
MAX_TIMELINE = 40

_WORD = re.compile(r"\w+", re.UNICODE)
_ISO_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
_BOILERPLATE = re.compile(
    r"(click here|subscribe|sign up|newsletter|all rights reserved|follow us|"
    r"share this|read more|cookie|advertisement|photo:|image:|getty images|"
    r"please enter|your comment|javascript)",
    re.IGNORECASE,
)
_MEDIA_CUE = re.compile(r"^\s*(\(?(photo|video|image|file)\b|caption)", re.IGNORECASE)


def word_count(text: str) -> int:
    return len(_WORD.findall(text))


@dataclass
class Candidate:
    """One source sentence that may enter the digest."""

    article_id: str
    index: int  # position of the sentence in its article
    total: int  # sentences in the article
    start: int
    end: int
    text: str
    words: int
    fact_ids: list[str] = field(default_factory=list)
    score: float = 0.0

    @property
    def citation(self) -> Citation:
        return Citation(article_id=self.article_id, start=self.start, end=self.end)


# --------------------------------------------------------------------------- candidates


def _trimmed(sentence: Sentence) -> tuple[int, int, str]:
    """The sentence without surrounding whitespace, offsets moved to match."""
    text = sentence.text
    lead = len(text) - len(text.lstrip())
    stripped = text.strip()
    start = sentence.start + lead
    return start, start + len(stripped), stripped


def _usable(text: str) -> bool:
    """Whether a sentence can stand alone in a digest (not a caption, header or prompt)."""
    words = word_count(text)
    if words < MIN_WORDS or words > MAX_WORDS:
        return False
    if _BOILERPLATE.search(text) or _MEDIA_CUE.match(text):
        return False
    if "\n" in text.strip():
        return False
    if not re.search(r"[.!?\"'”’)]$", text) and words < 12:
        return False  # a header or a caption, not a sentence
    letters = sum(ch.isalpha() for ch in text)
    return letters >= 0.6 * len(text.replace(" ", ""))


def _sentences_of(article: Article, annotation: Annotation | None) -> list[tuple[int, int, str]]:
    sentences = annotation.sentences if annotation and annotation.sentences else ()
    if not sentences:
        sentences = tuple(
            Sentence(start=m.start(), end=m.end(), text=m.group())
            for m in re.finditer(r"[^\n.!?]+[.!?]*", article.text)
            if m.group().strip()
        )
    spans = []
    for sentence in sentences:
        start, end, text = _trimmed(sentence)
        if text and article.text[start:end] == text:
            spans.append((start, end, text))
    return spans


def _fact_index(facts: Sequence[Fact]) -> dict[str, list[tuple[int, int, str]]]:
    """article id -> [(start, end, fact id)] for every claim."""
    index: dict[str, list[tuple[int, int, str]]] = defaultdict(list)
    for fact in facts:
        for claim in fact.claims:
            index[claim.article_id].append((claim.start, claim.end, fact.id))
    return index


def _facts_in(start: int, end: int, claims: list[tuple[int, int, str]]) -> list[str]:
    """Facts whose claims lie mostly inside this sentence (or cover most of it)."""
    found: list[str] = []
    for c_start, c_end, fact_id in claims:
        overlap = min(end, c_end) - max(start, c_start)
        if overlap <= 0:
            continue
        if overlap >= 0.5 * (c_end - c_start) or overlap >= 0.5 * (end - start):
            if fact_id not in found:
                found.append(fact_id)
    return found


def tight_fact_ids(facts: Sequence[Fact], per_article: int = 2) -> set[str]:
    """Facts that look like one statement told by several outlets (not a loose topic cluster).

    Only these may stand in for each other: covering one with one sentence makes its
    other sentences redundant, and a timeline entry can merge their dates.
    """
    tight = set()
    for fact in facts:
        counts: dict[str, int] = defaultdict(int)
        for claim in fact.claims:
            counts[claim.article_id] += 1
        if counts and max(counts.values()) <= per_article:
            tight.add(fact.id)
    return tight


def collect_candidates(
    article_ids: Sequence[str],
    articles: Mapping[str, Article],
    annotations: Mapping[str, Annotation],
    facts: Sequence[Fact],
) -> list[Candidate]:
    claims_by_article = _fact_index(facts)
    candidates: list[Candidate] = []
    seen_texts: set[str] = set()
    for article_id in article_ids:
        article = articles.get(article_id)
        if article is None or article.duplicate_of:
            continue
        spans = _sentences_of(article, annotations.get(article_id))
        for index, (start, end, text) in enumerate(spans[:MAX_SENTENCES_PER_ARTICLE]):
            key = " ".join(text.lower().split())
            if key in seen_texts or not _usable(text):
                continue
            seen_texts.add(key)
            candidates.append(
                Candidate(
                    article_id=article_id,
                    index=index,
                    total=len(spans),
                    start=start,
                    end=end,
                    text=text,
                    words=word_count(text),
                    fact_ids=_facts_in(start, end, claims_by_article.get(article_id, [])),
                )
            )
    return candidates


# --------------------------------------------------------------------------- ranking


def _minmax(values: np.ndarray) -> np.ndarray:
    if values.size == 0:
        return values
    low, high = float(values.min()), float(values.max())
    if high - low < 1e-9:
        return np.ones_like(values) * (1.0 if high > 0 else 0.0)
    return (values - low) / (high - low)


def _embed(texts: list[str]) -> np.ndarray:
    from storylens.resources import get_embedder

    return get_embedder().embed(texts)


def _independent_key(article: Article) -> str:
    return article.syndication_group or f"outlet:{article.outlet}"


def score_candidates(
    candidates: list[Candidate],
    vectors: np.ndarray,
    articles: Mapping[str, Article],
    facts_by_id: Mapping[str, Fact],
) -> None:
    """Set each candidate's score from centrality, position, corroboration, importance."""
    if not candidates:
        return
    centroid = vectors.mean(axis=0)
    norm = np.linalg.norm(centroid)
    centrality = vectors @ (centroid / norm) if norm > 0 else np.zeros(len(candidates))
    position = np.array([1.0 / np.sqrt(1.0 + c.index) for c in candidates])

    keys = [_independent_key(articles[c.article_id]) for c in candidates]
    sources = sorted(set(keys))
    similarity = vectors @ vectors.T
    corroboration = np.zeros(len(candidates))
    importance = np.zeros(len(candidates))
    for i, cand in enumerate(candidates):
        facts = [facts_by_id[f] for f in cand.fact_ids if f in facts_by_id]
        if facts:
            others = max(f.independent_outlets for f in facts) - 1
            importance[i] = max(f.importance for f in facts)
        else:
            close = {
                keys[j]
                for j in np.nonzero(similarity[i] >= CORROBORATION_COSINE)[0]
                if keys[j] != keys[i]
            }
            others = len(close)
        corroboration[i] = others / max(1, len(sources) - 1)

    scores = (
        W_CENTRALITY * _minmax(centrality)
        + W_POSITION * position
        + W_CORROBORATION * corroboration
        + W_IMPORTANCE * _minmax(importance)
    )
    for cand, score in zip(candidates, scores, strict=True):
        cand.score = float(score)


def select_candidates(
    candidates: list[Candidate],
    vectors: np.ndarray,
    summary_words: int,
    facts_by_id: Mapping[str, Fact] | None = None,
    templates: Mapping[int, SummarySentence] | None = None,
    forced: Sequence[int] = (),
) -> list[int]:
    """Greedy maximal marginal relevance until the word budget is reached.

    A candidate that will be shown as a dispute template costs the template's words;
    ``forced`` candidates are taken first (the story's main disagreement).
    """
    chosen: list[int] = []
    covered_facts: set[str] = set()
    tight = tight_fact_ids(list(facts_by_id.values())) if facts_by_id else set()
    templates = templates or {}
    used_templates = 0
    total = 0
    remaining = set(range(len(candidates)))
    for i in forced:
        remaining.discard(i)
        chosen.append(i)
        covered_facts.update(set(candidates[i].fact_ids) & tight)
        if i in templates:
            used_templates += 1
            total += word_count(templates[i].text)
        else:
            total += candidates[i].words
    similarity = vectors @ vectors.T if len(candidates) else np.zeros((0, 0))
    while remaining and total < summary_words:
        best, best_value = -1, -np.inf
        for i in remaining:
            closest = max((similarity[i, j] for j in chosen), default=0.0)
            if closest >= REDUNDANT_COSINE:
                continue
            own = set(candidates[i].fact_ids) & tight
            if own and own <= covered_facts:
                continue
            value = candidates[i].score - MMR_REDUNDANCY * max(0.0, closest)
            if value > best_value:
                best, best_value = i, value
        if best < 0:
            break
        remaining.discard(best)
        chosen.append(best)
        covered_facts.update(set(candidates[best].fact_ids) & tight)
        if best in templates and used_templates < MAX_TEMPLATES:
            used_templates += 1
            total += word_count(templates[best].text)
        else:
            total += candidates[best].words
    return chosen


# --------------------------------------------------------------------------- citations and templates


def _fact_citations(
    cand: Candidate, facts_by_id: Mapping[str, Fact]
) -> tuple[Citation, ...]:
    """The sentence's own span first, then one claim per other article carrying its facts."""
    citations = [cand.citation]
    cited_articles = {cand.article_id}
    for fact_id in cand.fact_ids:
        fact = facts_by_id.get(fact_id)
        if fact is None:
            continue
        for claim in fact.claims:
            if claim.article_id in cited_articles:
                continue
            cited_articles.add(claim.article_id)
            citations.append(
                Citation(article_id=claim.article_id, start=claim.start, end=claim.end)
            )
    return tuple(citations)


def _who(claim: Claim | None, article: Article | None) -> str:
    outlet = article.outlet if article else "an outlet"
    speaker = claim.attribution.speaker if claim and claim.attribution else None
    return f"{speaker} (per {outlet})" if speaker else outlet


_KIND_WORDS = {
    "number": "the numbers",
    "date": "the dates",
    "place": "the places",
    "contradiction": "the facts",
    "denial": "the facts",
}


def conflict_template(
    fact: Fact, conflict: Conflict, articles: Mapping[str, Article]
) -> SummarySentence | None:
    """A marked sentence naming who says what, quoting and citing the claims it names."""
    claims_by_span = {(c.article_id, c.start, c.end): c for c in fact.claims}
    parts: list[tuple[str, str, Citation, Claim | None]] = []
    seen: set[tuple[str, int, int]] = set()
    for citation in conflict.claims:
        key = (citation.article_id, citation.start, citation.end)
        article = articles.get(citation.article_id)
        if key in seen or article is None:
            continue
        text = article.text[citation.start : citation.end].strip()
        if not text:
            continue
        lead = article.text[citation.start : citation.end].find(text)
        citation = Citation(
            article_id=citation.article_id,
            start=citation.start + lead,
            end=citation.start + lead + len(text),
        )
        seen.add(key)
        claim = claims_by_span.get(key)
        parts.append((_who(claim, article), text, citation, claim))
    if not parts:
        return None
    if conflict.kind == "denial" and len(parts) >= 2:
        asserting = [p for p in parts if not (p[3] and p[3].attribution and p[3].attribution.polarity == "denies")]
        denying = [p for p in parts if p not in asserting]
        if asserting and denying:
            first, second = asserting[0], denying[0]
            text = f"Disputed: {first[0]} says “{first[1]}”; {second[0]} denies it: “{second[1]}”"
            return SummarySentence(
                text=text, citations=(first[2], second[2]), template=True, fact_ids=(fact.id,)
            )
    if len(parts) == 1:
        who, quoted, citation, _ = parts[0]
        label = "Disputed" if conflict.kind == "denial" else "Conflicting"
        text = f"{label} ({conflict.detail}): {who} reports “{quoted}”"
        return SummarySentence(text=text, citations=(citation,), template=True, fact_ids=(fact.id,))
    shown = parts[:3]
    body = "; ".join(f"{who} reports “{quoted}”" for who, quoted, _, _ in shown)
    label = "Disputed" if conflict.kind == "denial" else "Accounts differ on " + _KIND_WORDS[conflict.kind]
    text = f"{label}: {body}"
    return SummarySentence(
        text=text, citations=tuple(p[2] for p in shown), template=True, fact_ids=(fact.id,)
    )


def _template_for(fact: Fact, articles: Mapping[str, Article]) -> SummarySentence | None:
    for conflict in fact.conflicts:
        template = conflict_template(fact, conflict, articles)
        if template is not None:
            return template
    return None


# --------------------------------------------------------------------------- digest


def build_summary(
    article_ids: Sequence[str],
    articles: Mapping[str, Article],
    annotations: Mapping[str, Annotation],
    facts: Sequence[Fact],
    summary_words: int,
) -> tuple[SummarySentence, ...]:
    """The cited digest: ranked, non-redundant source sentences in reading order.

    A chosen sentence whose fact is disputed or conflicting is shown as the marked
    template that quotes both sides (it quotes the sentence itself), never bare.
    """
    if summary_words <= 0:
        return ()
    facts_by_id = {f.id: f for f in facts}
    candidates = collect_candidates(article_ids, articles, annotations, facts)
    if not candidates:
        return ()
    vectors = _embed([c.text for c in candidates])
    score_candidates(candidates, vectors, articles, facts_by_id)
    # Only a tight fact (one statement, told by several) can be stated as "A says X; B says Y";
    # a loose topic cluster flagged as conflicting would swallow the digest.
    tight = tight_fact_ids(facts)
    templates: dict[int, SummarySentence] = {}
    for i, cand in enumerate(candidates):
        for fact_id in cand.fact_ids:
            fact = facts_by_id.get(fact_id)
            if fact is not None and fact_id in tight and fact.status in ("disputed", "conflicting"):
                template = _template_for(fact, articles)
                if template is not None:
                    templates[i] = template
                    break
    # A reader must learn of the main disagreement even when it is not the most central
    # sentence: the best-ranked dispute goes in first, within the budget, if it fits.
    forced = []
    if templates:
        top = max(templates, key=lambda i: (candidates[i].score, -i))
        if word_count(templates[top].text) <= summary_words:
            forced.append(top)
    chosen = select_candidates(candidates, vectors, summary_words, facts_by_id, templates, forced)
    # Reading order: where the sentence sits in its article (news is written top-down),
    # ties broken by rank, so the story's lead comes first.
    rank = {i: r for r, i in enumerate(chosen)}
    ordered = sorted(chosen, key=lambda i: (candidates[i].index / max(1, candidates[i].total), rank[i]))

    summary: list[SummarySentence] = []
    shown_templates: set[str] = set()
    for i in ordered:
        template = templates.get(i)
        if template is not None and len(shown_templates) < MAX_TEMPLATES:
            if template.text not in shown_templates:
                shown_templates.add(template.text)
                summary.append(template)
            continue
        cand = candidates[i]
        summary.append(
            SummarySentence(
                text=cand.text,
                citations=_fact_citations(cand, facts_by_id),
                fact_ids=tuple(cand.fact_ids),
            )
        )
    return tuple(summary)


# --------------------------------------------------------------------------- timeline


def _sentence_at(spans: list[tuple[int, int, str]], start: int, end: int) -> tuple[int, int, str] | None:
    for s_start, s_end, text in spans:
        if s_start <= start and end <= s_end:
            return s_start, s_end, text
    for s_start, s_end, text in spans:
        if min(end, s_end) > max(start, s_start):
            return s_start, s_end, text
    return None


def build_timeline(
    article_ids: Sequence[str],
    articles: Mapping[str, Article],
    annotations: Mapping[str, Annotation],
    facts: Sequence[Fact],
) -> tuple[TimelineEntry, ...]:
    """Dated facts: every resolved time expression, attached to its fact or sentence."""
    claims_by_article = _fact_index(facts)
    tight = tight_fact_ids(facts)
    entries: dict[tuple, dict] = {}
    for article_id in article_ids:
        article = articles.get(article_id)
        annotation = annotations.get(article_id)
        if article is None or annotation is None or article.duplicate_of:
            continue
        spans = _sentences_of(article, annotation)
        for time in annotation.times:
            if not time.value or not _ISO_DATE.match(time.value):
                continue
            end_value = time.end_value if time.end_value and _ISO_DATE.match(time.end_value) else None
            if end_value == time.value:
                end_value = None
            sentence = _sentence_at(spans, time.start, time.end)
            if sentence is None:
                continue
            s_start, s_end, s_text = sentence
            fact_ids = _facts_in(s_start, s_end, claims_by_article.get(article_id, []))
            merge_on = next((f for f in fact_ids if f in tight), None)
            key = (time.value, end_value, merge_on or s_text.lower())
            entry = entries.setdefault(key, {"text": s_text, "fact_ids": tuple(fact_ids), "citations": []})
            citation = Citation(article_id=article_id, start=s_start, end=s_end)
            if citation not in entry["citations"]:
                entry["citations"].append(citation)
    ranked = sorted(entries.items(), key=lambda kv: (-len(kv[1]["citations"]), kv[0][0]))
    kept = ranked[:MAX_TIMELINE]
    kept.sort(key=lambda kv: (kv[0][0], kv[0][1] or "", -len(kv[1]["citations"])))
    return tuple(
        TimelineEntry(
            date=date,
            end_date=end_date,
            text=entry["text"],
            fact_ids=entry["fact_ids"],
            citations=tuple(entry["citations"]),
        )
        for (date, end_date, _), entry in kept
    )


# --------------------------------------------------------------------------- places, entities, quotes


def build_places(
    article_ids: Sequence[str], annotations: Mapping[str, Annotation]
) -> tuple[PlaceSummary, ...]:
    """One entry per resolved place, with how often and where it is mentioned."""
    found: dict[tuple, dict] = {}
    for article_id in article_ids:
        annotation = annotations.get(article_id)
        if annotation is None:
            continue
        for place in annotation.places:
            key = (place.geonameid,) if place.geonameid else (place.name, round(place.lat, 2), round(place.lon, 2))
            entry = found.setdefault(
                key,
                {"name": place.name, "lat": place.lat, "lon": place.lon, "country": place.country,
                 "mentions": 0, "article_ids": []},
            )
            entry["mentions"] += 1
            if article_id not in entry["article_ids"]:
                entry["article_ids"].append(article_id)
    places = [
        PlaceSummary(
            name=e["name"], lat=e["lat"], lon=e["lon"], country=e["country"],
            mentions=e["mentions"], article_ids=tuple(e["article_ids"]),
        )
        for e in found.values()
    ]
    places.sort(key=lambda p: (-p.mentions, p.name))
    return tuple(places)


_NAMED_LABELS = {"PERSON", "ORG", "NORP", "GPE", "LOC", "FAC", "EVENT"}


def fallback_entities(
    article_ids: Sequence[str], articles: Mapping[str, Article], annotations: Mapping[str, Annotation]
) -> tuple[EntitySummary, ...]:
    """Entities straight from the annotations when the comparison has none."""
    mentions: dict[tuple[str, str], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    aliases: dict[tuple[str, str], set[str]] = defaultdict(set)
    for article_id in article_ids:
        article, annotation = articles.get(article_id), annotations.get(article_id)
        if article is None or annotation is None:
            continue
        for entity in annotation.entities:
            if entity.label not in _NAMED_LABELS:
                continue
            key = (entity.canonical, entity.label)
            mentions[key][article.outlet] += 1
            if entity.text != entity.canonical:
                aliases[key].add(entity.text)
    summaries = [
        EntitySummary(
            name=name, type=label, aliases=tuple(sorted(aliases[(name, label)])),
            mentions_by_outlet=dict(sorted(counts.items())),
        )
        for (name, label), counts in mentions.items()
    ]
    summaries.sort(key=lambda e: (-sum(e.mentions_by_outlet.values()), e.name))
    return tuple(summaries)


def fallback_quotes(
    article_ids: Sequence[str], annotations: Mapping[str, Annotation]
) -> tuple[Quote, ...]:
    """Quotes straight from the annotations' attributions when the comparison has none."""
    quotes = []
    for article_id in article_ids:
        annotation = annotations.get(article_id)
        if annotation is None:
            continue
        for attribution in annotation.attributions:
            quotes.append(
                Quote(
                    speaker=attribution.speaker or (attribution.source.text if attribution.source else None),
                    cue=attribution.cue.text,
                    text=attribution.content.text,
                    direct=attribution.direct,
                    article_id=article_id,
                    start=attribution.content.start,
                    end=attribution.content.end,
                    polarity=attribution.polarity,
                )
            )
    return tuple(quotes)


def fallback_outlets(
    article_ids: Sequence[str], articles: Mapping[str, Article]
) -> tuple[OutletView, ...]:
    outlets = sorted({articles[a].outlet for a in article_ids if a in articles})
    return tuple(OutletView(outlet=o) for o in outlets)


# --------------------------------------------------------------------------- entry point


def synthesize_story(
    group: StoryGroup,
    articles: Mapping[str, Article],
    annotations: Mapping[str, Annotation],
    comparison: Comparison,
    *,
    summary_words: int = 120,
) -> Story:
    """The whole dossier of one story: digest, facts, timeline, places, people, outlets."""
    article_ids = [a for a in group.article_ids if a in articles]
    facts = tuple(sorted(comparison.facts, key=lambda f: (-f.importance, f.id)))
    return Story(
        id=group.id,
        title=group.title,
        article_ids=group.article_ids,
        summary=build_summary(article_ids, articles, annotations, facts, summary_words),
        facts=facts,
        timeline=build_timeline(article_ids, articles, annotations, facts),
        places=build_places(article_ids, annotations),
        entities=comparison.entities or fallback_entities(article_ids, articles, annotations),
        quotes=comparison.quotes or fallback_quotes(article_ids, annotations),
        outlets=comparison.outlets or fallback_outlets(article_ids, articles),
        grouping=group.reasons,
    )
