"""Claims across languages: an Arabic and an English claim that state one thing are one fact (issue 18).

Contract:

    mixes_languages(claims, articles) -> bool
    link_across_languages(alignment, articles, *, embedder=None, settings=...) -> conflicts
        rewrites a proposition alignment in place: every claim of an article not in
        English leaves what the English pair judge made of it and joins the fact whose
        claims it states, by a multilingual embedding; returns the disagreements found
        on the way (number, date) as (i, j, kind, detail), as compare's checks do.

Why it is built this way: the pair judge and the static embeddings read English; a
translation of a sentence shares neither words nor names in the same script with it.
multilingual-e5-small (``resources.MultilingualEmbedder``) puts a sentence and its
translation close, but its cosines sit in a narrow band, so a link needs a mutual choice
(each claim is the other's nearest in the other article), a cosine floor, and a small
logistic model over the cosine, how far the pair stands above each claim's next choice, and
whether their numbers agree (``bench/crosslingual.py --calibrate-claims``, on the NTREX
documents of the dev half; on translations it is nearly flat: the choice and floor decide). Facts join by complete linkage as in
``propositions``: English pairs keep the judge's score, pairs with a claim not in English
need the multilingual one. Slots are compared as for English claims - the numbers each
gives (read in any script's digits, ``annotate.multilingual``), the one day each names -
and a disagreement is a conflict, so "12 killed" and "قتل 15" are one conflicting fact.
The multilingual model is slow (~50 sentences/s): it runs only for a story with a claim
not in English.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from storylens.lexicon.languages import base_code
from storylens.records import Article, Claim, Quantity

__all__ = ["CrossLanguageSettings", "cross_language_scores", "link_across_languages", "mixes_languages"]


@dataclass(frozen=True)
class CrossLanguageSettings:
    """The tunable numbers of cross-language facts (fitted on NTREX dev documents)."""

    # fitted on the mutual choices of 24 NTREX dev stories (98% of them the same line): on
    # translations the model is nearly flat, so the mutual choice and the floor decide
    weights: tuple[float, ...] = (1.64, 0.06, -0.90)  # cosine, margin, numbers agree
    bias: float = 2.95
    link: float = 0.5  # a pair states one thing at this probability
    margin: float = 0.0  # a partner within this of a claim's best still counts as its choice
    # no mutual choice below this cosine: 95% of the same-line pairs on NTREX dev are above it,
    # and two unrelated sentences of one story are each other's nearest often enough
    min_cosine: float = 0.83
    max_claims: int = 2000  # claims embedded per story; a longer story keeps the rest English-judged


DEFAULT_CROSS_LANGUAGE = CrossLanguageSettings()


def _language(article: Article | None) -> str:
    code = base_code(article.language) if article is not None else None
    return code or "en"


def mixes_languages(claims: Sequence[Claim], articles: Mapping[str, Article]) -> bool:
    """The story holds a claim of an article not in English (the English judge cannot read it)."""
    return any(_language(articles.get(c.article_id)) != "en" for c in claims)


def _counts(claim: Claim) -> list[Quantity]:
    """A claim's numbers that count something: not the numbers inside its dates, not years."""
    spans = [(t.start, t.end) for t in claim.times]
    out = []
    for q in claim.quantities:
        if q.value is None or any(s <= q.start < e for s, e in spans):
            continue
        if q.value.is_integer() and 1900 <= q.value <= 2100 and not q.counted:
            continue
        out.append(q)
    return out


def _numbers_agree(a: Claim, b: Claim) -> float:
    """1 when both give a count and share one, else 0. Counts that differ do not count against
    a link: "12 killed" and "قتل 15" state one thing and disagree on it (a conflict)."""
    va = {q.value for q in _counts(a)}
    vb = {q.value for q in _counts(b)}
    return 1.0 if va & vb else 0.0


def _probability(features: np.ndarray, settings: CrossLanguageSettings) -> float:
    z = float(features @ np.asarray(settings.weights, dtype=np.float32)) + settings.bias
    return 1.0 / (1.0 + math.exp(-z))


def cross_language_scores(
    claims: Sequence[Claim], articles: Mapping[str, Article], vectors: np.ndarray,
    settings: CrossLanguageSettings = DEFAULT_CROSS_LANGUAGE,
) -> tuple[dict[tuple[int, int], float], dict[tuple[int, int], np.ndarray]]:
    """Probabilities of the mutual choices between articles of which one is not in English,
    and every such pair's features (for on-demand checks and calibration)."""
    language = [_language(articles.get(c.article_id)) for c in claims]
    by_article: dict[str, list[int]] = {}
    for i, c in enumerate(claims):
        by_article.setdefault(c.article_id, []).append(i)
    cos = vectors @ vectors.T
    # each claim's second-best cosine in every other article: a choice's margin is measured over it
    blocks: dict[tuple[int, str], float] = {}
    best: dict[tuple[int, str], float] = {}
    for a, rows in by_article.items():
        for b, cols in by_article.items():
            if a == b:
                continue
            sub = cos[np.ix_(rows, cols)]
            ordered = np.sort(sub, axis=1)
            for r, i in enumerate(rows):
                best[(i, b)] = float(ordered[r, -1])
                blocks[(i, b)] = float(ordered[r, -2]) if sub.shape[1] > 1 else float(ordered[r, -1]) - 0.1
    features: dict[tuple[int, int], np.ndarray] = {}
    scores: dict[tuple[int, int], float] = {}
    articles_list = sorted(by_article)
    for x, a in enumerate(articles_list):
        for b in articles_list[x + 1:]:
            rows, cols = by_article[a], by_article[b]
            if language[rows[0]] == "en" and language[cols[0]] == "en":
                continue  # the English judge reads these
            for i in rows:
                for j in cols:
                    c = float(cos[i, j])
                    if c < settings.min_cosine:
                        continue
                    # a mutual choice: each is (within the margin) the other's best in its article
                    if c < best[(i, b)] - settings.margin or c < best[(j, a)] - settings.margin:
                        continue
                    second_i = blocks[(i, b)] if c >= best[(i, b)] else best[(i, b)]
                    second_j = blocks[(j, a)] if c >= best[(j, a)] else best[(j, a)]
                    f = np.array([c, min(c - second_i, c - second_j), _numbers_agree(claims[i], claims[j])],
                                 dtype=np.float32)
                    key = (min(i, j), max(i, j))
                    features[key] = f
                    scores[key] = _probability(f, settings)
    return scores, features


def link_across_languages(
    alignment, articles: Mapping[str, Article], *, embedder=None,
    settings: CrossLanguageSettings = DEFAULT_CROSS_LANGUAGE,
) -> list[tuple[int, int, str, str]]:
    """Move the claims not in English into the facts they state (see the module docstring)."""
    claims = alignment.claims[: settings.max_claims]
    language = [_language(articles.get(c.article_id)) for c in claims]
    foreign = {i for i, code in enumerate(language) if code != "en"}
    if not foreign:
        return []
    if embedder is None:
        from storylens.resources import get_multilingual_embedder

        embedder = get_multilingual_embedder()
    vectors = embedder.embed([c.text for c in claims])
    scores, _ = cross_language_scores(claims, articles, vectors, settings)
    table = alignment.scores
    # what the English judge made of a claim it cannot read is dropped
    for key in [k for k in table.link if k[0] in foreign or k[1] in foreign]:
        del table.link[key]
        table.same.pop(key, None)  # the judge reads only linked pairs (PairScores.read_verdicts)
        table.contradiction.pop(key, None)
    for key, p in scores.items():
        table.link[key], table.same[key], table.contradiction[key] = p, p, 0.0
    old_clusters, old_secondary = alignment.clusters, alignment.secondary
    clusters = [[i for i in group if i not in foreign] for group in alignment.clusters]
    clusters += [[i] for i in sorted(foreign)]
    clusters = [g for g in clusters if g]
    source = alignment.source
    owner = {i: k for k, group in enumerate(clusters) for i in group}
    members = {k: list(group) for k, group in enumerate(clusters)}

    def linked(x: int, y: int) -> bool:
        if source[x] == source[y]:
            return True  # one source's restatements are not compared
        if x in foreign or y in foreign:
            return scores.get((min(x, y), max(x, y)), 0.0) >= settings.link
        return table.score(x, y) >= 0.5

    for (i, j), p in sorted(scores.items(), key=lambda item: (-item[1], item[0])):
        if p < settings.link:
            break
        a, b = owner[i], owner[j]
        if a == b:
            continue
        if all(linked(x, y) for x in members[a] for y in members[b]):
            keep, gone = (a, b) if len(members[a]) >= len(members[b]) or a < b and len(members[a]) == len(members[b]) else (b, a)
            for x in members[gone]:
                owner[x] = keep
            members[keep].extend(members.pop(gone))
    n = len(alignment.claims)
    rest = [[i] for i in range(len(claims), n)]  # beyond max_claims: kept as they were
    alignment.clusters = sorted((sorted(g) for g in members.values()), key=lambda g: g[0]) + rest
    alignment.cluster_of = [0] * n
    for k, group in enumerate(alignment.clusters):
        for i in group:
            alignment.cluster_of[i] = k
    # a claim that also states another fact stays listed there (the English judge's, English claims only)
    secondary: list[set[int]] = [set() for _ in alignment.clusters]
    for c, extra in enumerate(old_secondary):
        english = [i for i in old_clusters[c] if i not in foreign]
        if english and c < len(old_secondary):
            k = alignment.cluster_of[english[0]]
            secondary[k].update(i for i in extra if i not in foreign and alignment.cluster_of[i] != k)
    alignment.secondary = [sorted(s) for s in secondary]
    if hasattr(alignment, "_partners"):
        del alignment._partners
    return _slot_disagreements(claims, scores, settings)


def _slot_disagreements(
    claims: Sequence[Claim], scores: Mapping[tuple[int, int], float], settings: CrossLanguageSettings
) -> list[tuple[int, int, str, str]]:
    """Linked pairs whose counts or days disagree: each side gives one value the other does not."""
    found = []
    for (i, j), p in sorted(scores.items()):
        if p < settings.link:
            continue
        a, b = claims[i], claims[j]
        counts_a, counts_b = _counts(a), _counts(b)
        only_a = [q for q in counts_a if q.value not in {x.value for x in counts_b}]
        only_b = [q for q in counts_b if q.value not in {x.value for x in counts_a}]
        if len(only_a) == 1 and len(only_b) == 1:
            found.append((i, j, "number", f"{only_a[0].text} vs {only_b[0].text}"))
            continue
        days_a = {t.value[:10] for t in a.times if t.value and len(t.value) >= 10}
        days_b = {t.value[:10] for t in b.times if t.value and len(t.value) >= 10}
        if len(days_a) == 1 and len(days_b) == 1 and days_a != days_b:
            ta = next(t for t in a.times if t.value and t.value[:10] in days_a)
            tb = next(t for t in b.times if t.value and t.value[:10] in days_b)
            found.append((i, j, "date", f"{ta.text} ({ta.value[:10]}) vs {tb.text} ({tb.value[:10]})"))
    return found
