"""Ranking candidates: the features, the learned ranker or the hand weights, and MMR selection."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Mapping, Sequence, Set
from functools import lru_cache
from pathlib import Path

import numpy as np

from storylens.lexicon.quotes import DOUBLE_MARK
from storylens.lexicon.words import content_words, token_count
from storylens.models import TreeModel, read_model_file
from storylens.records import (
    Annotation,
    Article,
    Fact,
    SummarySentence,
)
from storylens.synthesize.candidates import Candidate, tight_fact_ids
from storylens.synthesize.settings import DEFAULT_SETTINGS, SynthSettings

# --------------------------------------------------------------------------- ranking

__all__ = [
    "FEATURES",
    "RANKER_FILE",
    "Ranker",
    "candidate_features",
    "hand_scores",
    "load_ranker",
    "score_candidates",
    "select_candidates",
]

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
RANKER_FILE = Path(__file__).parent.parent / "data" / "summary_ranker.json"


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
    *,
    barred: Set[int] = frozenset(),
) -> list[int]:
    """Greedy maximal marginal relevance until the word budget is reached.

    A candidate that will be shown as a dispute template costs the template's words;
    ``forced`` candidates are taken first (the story's main disagreement). ``barred``
    candidates are never taken, nor a template beyond ``settings.max_templates`` (its
    sentence would otherwise be shown bare).
    """
    chosen: list[int] = []
    covered_facts: set[str] = set()
    tight = tight_fact_ids(list(facts_by_id.values())) if facts_by_id else set()
    templates = templates or {}
    used_templates = 0
    total = 0
    remaining = set(range(len(candidates))) - set(barred)
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
            if i in templates and used_templates >= settings.max_templates:
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
        if best in templates:
            used_templates += 1
            total += token_count(templates[best].text)
        else:
            total += candidates[best].words
    return chosen


