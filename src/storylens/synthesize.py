"""Synthesise the cited digest of one story (issue 6). Contract:

    synthesize_story(group, articles, annotations, comparison, *, summary_words=120) -> Story

The digest is extractive on purpose: every summary sentence is a source
sentence verbatim, cited to its own span and to the claims of every other
article that carries the same fact, so a reader can check each line. The only
text not taken from a source is a clearly marked template stating a dispute
or conflict ("Disputed: A says ...; B denies it: ..."), which cites the very
claims it quotes.

Sentences are ranked by a small learned model (gradient-boosted trees shipped
as data/summary_ranker.json, evaluated with numpy) over what storylens knows of
each sentence: position in its article, centrality, support from the other
articles, corroboration by independent outlets, the comparison's fact
importance, named entities, numbers, dates, attribution, quotes and asides
(see FEATURES). It was fitted offline by scripts/fit_summary_ranker.py on
Multi-News clusters 0-124 to predict how much of a sentence a human summary
repeats; clusters 125-249 are held out (bench/RESULTS.md). Redundancy is
removed by maximal marginal relevance. When alignment produced no facts, the
same ranking runs on sentences alone; without the model file, session 1's hand
weights (``hand_scores``) are used.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np

from storylens.lexicon.datelines import DATELINE
from storylens.lexicon.quotes import DOUBLE_MARK
from storylens.lexicon.words import content_words, token_count
from storylens.models import TreeModel, read_model_file
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


def _embed(texts: list[str]) -> np.ndarray:
    from storylens.resources import get_embedder

    return get_embedder().embed(texts)


@dataclass(frozen=True)
class SynthSettings:
    """The tunable numbers of the digest, today's values as defaults.

    Passed down as ``settings=``; scripts/fit_summary_ranker.py changes fields
    with dataclasses.replace (--set, --sweep), never module globals.
    """

    # Hand weights of session 1 (tuned on Multi-News clusters 0-99): the fallback and named
    # baseline of the learned ranker. The selection numbers below were chosen by 5-fold
    # cross-validation on clusters 0-124 (scripts/fit_summary_ranker.py --sweep).
    w_centrality: float = 1.0
    w_position: float = 1.0
    w_corroboration: float = 0.35
    w_importance: float = 0.2
    mmr_redundancy: float = 0.15  # penalty weight of the closest already chosen sentence
    redundant_cosine: float = 0.65  # a candidate this close to a chosen one says nothing new
    overshoot_words: int = 10_000  # skip a sentence that would pass the budget by more than this
    # Which disagreements go into the digest even when the ranker would not pick them:
    # "any" (disputes and conflicts), "denial" (a party denies a claim), or "none".
    force_main_dispute: str = "denial"
    corroboration_cosine: float = 0.72  # a sentence in another outlet this close carries the same content
    max_sentences_per_article: int = 80
    # A big story's candidates are its articles' leading sentences, at most about this many in
    # all: each candidate is embedded with MiniLM and compared with every other (n x n), and a
    # digest draws on early sentences anyway. Multi-News-sized stories (<= 10 articles) are unaffected.
    max_candidates: int = 800  # (a story of more articles than this still gets each one's first sentence)
    max_templates: int = 2
    max_timeline: int = 40
    # sentence texts -> L2-normalised vectors (default MiniLM; the fit script passes a disk memo)
    embed: Callable[[list[str]], np.ndarray] = _embed


DEFAULT_SETTINGS = SynthSettings()
MIN_WORDS, MAX_WORDS = 6, 70

_ISO_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
_BOILERPLATE = re.compile(
    r"(click here|subscribe|sign up|newsletter|all rights reserved|follow us|"
    r"share this|read more|cookie|advertisement|photo:|image:|getty images|"
    r"please enter|your comment|javascript)",
    re.IGNORECASE,
)
_MEDIA_CUE = re.compile(r"^\s*(\(?(photo|video|image|file)\b|caption)", re.IGNORECASE)


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
    words = token_count(text)
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
        if sentence.heading:
            continue  # a section title labels what follows; it states nothing to cite
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
    settings: SynthSettings = DEFAULT_SETTINGS,
) -> list[Candidate]:
    claims_by_article = _fact_index(facts)
    candidates: list[Candidate] = []
    seen_texts: set[str] = set()
    usable = [a for a in article_ids if a in articles and not articles[a].duplicate_of]
    per_article = settings.max_sentences_per_article
    if len(usable) * per_article > settings.max_candidates:
        per_article = max(1, settings.max_candidates // len(usable))
    for article_id in usable:
        article = articles[article_id]
        spans = _sentences_of(article, annotations.get(article_id))
        for index, (start, end, text) in enumerate(spans[:per_article]):
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
                    words=token_count(text),
                    fact_ids=_facts_in(start, end, claims_by_article.get(article_id, [])),
                )
            )
    return candidates


# --------------------------------------------------------------------------- ranking

# What the learned ranker sees of a sentence. The order is the model file's contract:
# scripts/fit_summary_ranker.py fits on exactly these columns.
FEATURES = (
    "position_inverse",  # 1 / sqrt(1 + sentence index): news puts the essentials first
    "is_first",
    "relative_position",
    "paragraph_inverse",  # 1 / sqrt(1 + paragraph index)
    "log_words",
    "centrality",  # cosine to the story's centroid
    "centrality_rank",  # the same, as a rank within the story (0 worst, 1 best)
    "cross_support",  # mean cosine to other articles' sentences
    "cross_max",  # closest sentence of another article
    "lead_similarity",  # closest of the other articles' first three sentences
    "term_df",  # mean share of articles using each content word
    "term_frequency",  # mean story-wide frequency of its content words (SumBasic)
    "shared_terms",  # share of its content words found in another article
    "corroboration",  # other independent outlets carrying it, as a share
    "has_fact",
    "fact_importance_rank",
    "entities",  # named entities (people, organisations, places)
    "numbers",
    "dates",
    "attributed",  # inside a said/according-to attribution
    "quoted",  # holds quotation marks: a direct quote
    "first_person",  # I / we / my / our: an aside or a quote, rarely a summary line
    "question",
    "log_articles",
    "log_article_sentences",
)

_FIRST_PERSON = re.compile(r"\b(I|I'm|I've|we|we're|my|our|us|me)\b")
_DIGIT = re.compile(r"\d")
_NAMED = {"PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "EVENT"}
RANKER_FILE = Path(__file__).parent / "data" / "summary_ranker.json"


def _minmax(values: np.ndarray) -> np.ndarray:
    if values.size == 0:
        return values
    low, high = float(values.min()), float(values.max())
    if high - low < 1e-9:
        return np.ones_like(values) * (1.0 if high > 0 else 0.0)
    return (values - low) / (high - low)


def _rank01(values: np.ndarray) -> np.ndarray:
    """Ranks scaled to [0, 1] (ties share the lower rank); 1 when there is one value."""
    if values.size <= 1:
        return np.ones_like(values)
    order = values.argsort(kind="stable").argsort(kind="stable")
    return order / (values.size - 1)


def _independent_key(article: Article) -> str:
    return article.syndication_group or f"outlet:{article.outlet}"


def _spans_count(spans: Sequence, start: int, end: int) -> int:
    return sum(1 for s in spans if s.start < end and start < s.end)


def candidate_features(
    candidates: list[Candidate],
    vectors: np.ndarray,
    articles: Mapping[str, Article],
    annotations: Mapping[str, Annotation],
    facts_by_id: Mapping[str, Fact],
    settings: SynthSettings = DEFAULT_SETTINGS,
) -> np.ndarray:
    """One row of FEATURES per candidate (see FEATURES for what each column means)."""
    n = len(candidates)
    if n == 0:
        return np.zeros((0, len(FEATURES)))
    article_ids = list(dict.fromkeys(c.article_id for c in candidates))
    article_index = {a: k for k, a in enumerate(article_ids)}
    owner = np.array([article_index[c.article_id] for c in candidates])
    other = owner[:, None] != owner[None, :]

    centroid = vectors.mean(axis=0)
    norm = np.linalg.norm(centroid)
    centrality = vectors @ (centroid / norm) if norm > 0 else np.zeros(n)
    similarity = vectors @ vectors.T
    cross_count = other.sum(axis=1)
    cross_support = np.where(cross_count > 0, (similarity * other).sum(axis=1) / np.maximum(cross_count, 1), 0.0)
    cross_max = np.where(cross_count > 0, np.where(other, similarity, -1.0).max(axis=1), 0.0)
    leads = np.array([c.index < 3 for c in candidates])
    lead_other = other & leads[None, :]
    lead_similarity = np.where(lead_other.any(axis=1), np.where(lead_other, similarity, -1.0).max(axis=1), 0.0)

    # Content words: how widely the story's articles share them.
    words_of = [content_words(c.text) for c in candidates]
    article_words: dict[int, set[str]] = defaultdict(set)
    frequency: dict[str, int] = defaultdict(int)
    for k, ws in zip(owner, words_of, strict=True):
        article_words[int(k)].update(ws)
        for w in ws:
            frequency[w] += 1
    total_words = max(1, sum(frequency.values()))
    n_articles = len(article_ids)
    df: dict[str, int] = defaultdict(int)
    for ws in article_words.values():
        for w in ws:
            df[w] += 1
    term_df = np.zeros(n)
    term_frequency = np.zeros(n)
    shared_terms = np.zeros(n)
    for i, ws in enumerate(words_of):
        if ws:
            term_df[i] = np.mean([df[w] / n_articles for w in ws])
            term_frequency[i] = np.mean([frequency[w] / total_words for w in ws]) * 100
            shared_terms[i] = np.mean([df[w] > 1 for w in ws])

    keys = [_independent_key(articles[c.article_id]) for c in candidates]
    sources = max(1, len(set(keys)) - 1)
    corroboration = np.zeros(n)
    importance = np.zeros(n)
    has_fact = np.zeros(n)
    for i, cand in enumerate(candidates):
        facts = [facts_by_id[f] for f in cand.fact_ids if f in facts_by_id]
        if facts:
            has_fact[i] = 1.0
            others = max(f.independent_outlets for f in facts) - 1
            importance[i] = max(f.importance for f in facts)
        else:
            close = {keys[j] for j in np.nonzero(similarity[i] >= settings.corroboration_cosine)[0] if keys[j] != keys[i]}
            others = len(close)
        corroboration[i] = others / sources

    rows = []
    paragraph_of: dict[str, list[int]] = {}
    for i, cand in enumerate(candidates):
        article = articles[cand.article_id]
        annotation = annotations.get(cand.article_id) or Annotation()
        if cand.article_id not in paragraph_of:
            paragraph_of[cand.article_id] = [m.start() for m in re.finditer(r"\n\s*\n", article.text)]
        paragraph = sum(1 for p in paragraph_of[cand.article_id] if p < cand.start)
        entities = sum(
            1 for e in annotation.entities if e.label in _NAMED and cand.start <= e.start and e.end <= cand.end
        )
        outside_quotes = re.sub(r"[\"“][^\"”]*[\"”]", " ", cand.text)
        rows.append((
            1.0 / np.sqrt(1.0 + cand.index),
            float(cand.index == 0),
            cand.index / max(1, cand.total),
            1.0 / np.sqrt(1.0 + paragraph),
            np.log1p(cand.words),
            centrality[i],
            0.0,
            cross_support[i],
            cross_max[i],
            lead_similarity[i],
            term_df[i],
            term_frequency[i],
            shared_terms[i],
            corroboration[i],
            has_fact[i],
            0.0,
            min(entities, 8),
            min(_spans_count(annotation.quantities, cand.start, cand.end) or len(_DIGIT.findall(cand.text)) > 0, 5),
            min(_spans_count(annotation.times, cand.start, cand.end), 5),
            float(_spans_count(annotation.attributions, cand.start, cand.end) > 0),
            float(bool(DOUBLE_MARK.search(cand.text))),
            float(bool(_FIRST_PERSON.search(outside_quotes))),
            float("?" in cand.text),
            np.log(n_articles),
            np.log1p(cand.total),
        ))
    features = np.array(rows, dtype=float)
    features[:, FEATURES.index("centrality_rank")] = _rank01(centrality)
    features[:, FEATURES.index("fact_importance_rank")] = _rank01(importance) * has_fact
    return features


class Ranker(TreeModel):
    """The sentence ranker: a tree model (models.TreeModel) over this module's FEATURES.

    Fitted offline by scripts/fit_summary_ranker.py to predict how much of a sentence
    a reference summary repeats.
    """

    @classmethod
    def from_json(cls, data: Mapping, features: tuple[str, ...] = FEATURES) -> Ranker:
        return super().from_json(data, features)


@lru_cache(maxsize=4)
def load_ranker(path: Path = RANKER_FILE) -> Ranker | None:
    """The shipped sentence ranker; None (hand weights) when the file is absent."""
    data = read_model_file(path)
    return Ranker.from_json(data) if data else None


def hand_scores(features: np.ndarray, settings: SynthSettings = DEFAULT_SETTINGS) -> np.ndarray:
    """Session 1's hand-tuned weighting, kept as the fallback and as a named baseline."""
    col = {name: features[:, k] for k, name in enumerate(FEATURES)}
    return (
        settings.w_centrality * _minmax(col["centrality"])
        + settings.w_position * col["position_inverse"]
        + settings.w_corroboration * col["corroboration"]
        + settings.w_importance * col["fact_importance_rank"]
    )


def score_candidates(
    candidates: list[Candidate],
    vectors: np.ndarray,
    articles: Mapping[str, Article],
    facts_by_id: Mapping[str, Fact],
    annotations: Mapping[str, Annotation] | None = None,
    ranker: Ranker | None | bool = True,
    settings: SynthSettings = DEFAULT_SETTINGS,
) -> np.ndarray:
    """Set each candidate's score with the learned ranker (``ranker=False``: hand weights)."""
    if not candidates:
        return np.zeros((0, len(FEATURES)))
    features = candidate_features(candidates, vectors, articles, annotations or {}, facts_by_id, settings)
    model = load_ranker() if ranker is True else (ranker or None)
    scores = model.predict(features) if model is not None else hand_scores(features, settings)
    for cand, score in zip(candidates, scores, strict=True):
        cand.score = float(score)
    return features


def select_candidates(
    candidates: list[Candidate],
    vectors: np.ndarray,
    summary_words: int,
    facts_by_id: Mapping[str, Fact] | None = None,
    templates: Mapping[int, SummarySentence] | None = None,
    forced: Sequence[int] = (),
    settings: SynthSettings = DEFAULT_SETTINGS,
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
            total += token_count(templates[i].text)
        else:
            total += candidates[i].words
    similarity = vectors @ vectors.T if len(candidates) else np.zeros((0, 0))
    while remaining and total < summary_words:
        best, best_value = -1, -np.inf
        for i in remaining:
            closest = max((similarity[i, j] for j in chosen), default=0.0)
            if closest >= settings.redundant_cosine:
                continue
            cost = token_count(templates[i].text) if i in templates else candidates[i].words
            if total + cost > summary_words + settings.overshoot_words:
                continue
            own = set(candidates[i].fact_ids) & tight
            if own and own <= covered_facts:
                continue
            value = candidates[i].score - settings.mmr_redundancy * max(0.0, closest)
            if value > best_value:
                best, best_value = i, value
        if best < 0:
            break
        remaining.discard(best)
        chosen.append(best)
        covered_facts.update(set(candidates[best].fact_ids) & tight)
        if best in templates and used_templates < settings.max_templates:
            used_templates += 1
            total += token_count(templates[best].text)
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
        parts.append((_who(claim, article), _unquoted(text), citation, claim))
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


def _without_dateline(text: str) -> str:
    """"BUCHAREST - An earth dam burst …" reads "An earth dam burst …" (its citation keeps the whole span)."""
    dateline = DATELINE.match(text)
    if dateline and len(text[dateline.end() :].split()) >= 4:
        return text[dateline.end() :]
    return text


def _unquoted(text: str) -> str:
    """A claim that is itself one quotation, without its marks: the template adds its own."""
    if len(text) > 2 and text[0] in "\"“" and text[-1] in "\"”" and not re.search("[\"“”]", text[1:-1]):
        return text[1:-1]
    return text


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
    *,
    ranker: Ranker | None | bool = True,
    settings: SynthSettings = DEFAULT_SETTINGS,
) -> tuple[SummarySentence, ...]:
    """The cited digest: ranked, non-redundant source sentences in reading order.

    A chosen sentence whose fact is disputed or conflicting is shown as the marked
    template that quotes both sides (it quotes the sentence itself), never bare.
    """
    if summary_words <= 0:
        return ()
    facts_by_id = {f.id: f for f in facts}
    candidates = collect_candidates(article_ids, articles, annotations, facts, settings)
    if not candidates:
        return ()
    vectors = settings.embed([c.text for c in candidates])
    score_candidates(candidates, vectors, articles, facts_by_id, annotations, ranker, settings)
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
    forceable = [
        i for i in templates
        if settings.force_main_dispute == "any"
        or (settings.force_main_dispute == "denial" and any(facts_by_id[f].status == "disputed" for f in templates[i].fact_ids))
    ]
    if forceable:
        top = max(forceable, key=lambda i: (candidates[i].score, -i))
        if token_count(templates[top].text) <= summary_words:
            forced.append(top)
    chosen = select_candidates(candidates, vectors, summary_words, facts_by_id, templates, forced, settings)
    # Reading order: where the sentence sits in its article (news is written top-down),
    # ties broken by rank, so the story's lead comes first.
    rank = {i: r for r, i in enumerate(chosen)}
    ordered = sorted(chosen, key=lambda i: (candidates[i].index / max(1, candidates[i].total), rank[i]))

    summary: list[SummarySentence] = []
    shown_templates: set[str] = set()
    for i in ordered:
        template = templates.get(i)
        if template is not None and len(shown_templates) < settings.max_templates:
            if template.text not in shown_templates:
                shown_templates.add(template.text)
                summary.append(template)
            continue
        cand = candidates[i]
        text = _without_dateline(cand.text)
        own, *others = _fact_citations(cand, facts_by_id)
        own = own.model_copy(update={"start": own.start + len(cand.text) - len(text)})
        summary.append(
            SummarySentence(
                text=text,
                citations=(own, *others),
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
    settings: SynthSettings = DEFAULT_SETTINGS,
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
    kept = ranked[: settings.max_timeline]
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
    settings: SynthSettings | None = None,
) -> Story:
    """The whole dossier of one story: digest, facts, timeline, places, people, outlets."""
    settings = DEFAULT_SETTINGS if settings is None else settings
    article_ids = [a for a in group.article_ids if a in articles]
    facts = tuple(sorted(comparison.facts, key=lambda f: (-f.importance, f.id)))
    return Story(
        id=group.id,
        title=group.title,
        article_ids=group.article_ids,
        summary=build_summary(article_ids, articles, annotations, facts, summary_words, settings=settings),
        facts=facts,
        timeline=build_timeline(article_ids, articles, annotations, facts, settings),
        places=build_places(article_ids, annotations),
        entities=comparison.entities or fallback_entities(article_ids, articles, annotations),
        quotes=comparison.quotes or fallback_quotes(article_ids, annotations),
        outlets=comparison.outlets or fallback_outlets(article_ids, articles),
        grouping=group.reasons,
    )
