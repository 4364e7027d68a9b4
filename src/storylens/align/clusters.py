"""Clustering: average linkage over pair probabilities, weak members ejected, secondary members, and candidate components for big stories."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from storylens.align.scoring import (
    DEFAULT_SETTINGS,
    AlignSettings,
    PairScorer,
    choose_embedder,
    content_text,
    embed_claims,
    embedder_kind,
    pair_model,
)
from storylens.records import (
    Article,
    Claim,
    Place,
)

__all__ = [
    "Alignment",
    "align_claims",
]


@dataclass
class Alignment:
    """Claims, their clusters, and the pair probabilities that made them."""

    claims: list[Claim]
    clusters: list[list[int]]  # indexes into claims
    vectors: np.ndarray
    prob: np.ndarray | None = None  # dense pair probabilities when computed densely
    cluster_of: list[int] = field(default_factory=list)
    # claims that also state another cluster's fact (a sentence can say two things)
    secondary: list[list[int]] = field(default_factory=list)

    def pair_prob(self, i: int, j: int) -> float:
        if self.prob is not None:
            return float(self.prob[i, j])
        return float(self.vectors[i] @ self.vectors[j])



def _average_linkage(prob: np.ndarray, threshold: float) -> list[list[int]]:
    """Clusters whose average pair probability stays at or above ``threshold``."""
    n = prob.shape[0]
    if n == 1:
        return [[0]]
    from scipy.cluster.hierarchy import fcluster, linkage
    from scipy.spatial.distance import squareform

    distance = 1.0 - prob.astype(np.float64)
    distance = (distance + distance.T) / 2
    np.fill_diagonal(distance, 0.0)
    tree = linkage(squareform(distance, checks=False), method="average")
    labels = fcluster(tree, t=1.0 - threshold, criterion="distance")
    groups: dict[int, list[int]] = defaultdict(list)
    for i, label in enumerate(labels):
        groups[int(label)].append(i)
    return list(groups.values())


def _eject_weak_members(
    clusters: list[list[int]], prob: np.ndarray, claim_source: np.ndarray, min_link: float
) -> list[list[int]]:
    """Split off members that no claim of another source states closely.

    Average linkage admits a claim whose every link is lukewarm when the rest
    of the cluster is tight; such a claim reads as an unrelated sentence in the
    fact. It becomes its own fact (and may still join this one as a secondary
    member when it matches it as well as the members do).
    """
    out: list[list[int]] = []
    for group in clusters:
        if len(group) < 3:  # a pair's one link is its average: the cut already judged it
            out.append(group)
            continue
        members = np.array(group)
        links = prob[np.ix_(members, members)].copy()
        links[claim_source[members][:, None] == claim_source[members][None, :]] = 0.0
        strong = links.max(axis=1) >= min_link  # symmetric: never exactly one
        if strong.any():
            out.append([int(i) for i in members[strong]])
        out.extend([int(i)] for i in members[~strong])
    return out



def align_claims(
    claims: Sequence[Claim],
    articles: Mapping[str, Article],
    *,
    embedder=None,
    threshold: float | None = None,
    weights: np.ndarray | None = None,
    bias: float | None = None,
    places: Mapping[str, Place] | None = None,
    events: Mapping[str, object] | None = None,
    settings: AlignSettings | None = None,
) -> Alignment:
    """Group claims that state the same thing across articles (``threshold`` overrides settings.threshold)."""
    settings = DEFAULT_SETTINGS if settings is None else settings
    threshold = settings.threshold if threshold is None else threshold
    claims = list(claims)
    if embedder is None:
        embedder = choose_embedder(len({content_text(c) for c in claims}), settings)
    kind = embedder_kind(embedder)
    kind_weights, kind_bias = settings.model_weights[kind]
    mixed = events is not None and len(set(events.values())) >= 2
    trees = pair_model(kind, settings) if weights is None and mixed else None  # explicit weights: the logistic model
    weights = np.array(kind_weights, dtype=np.float32) if weights is None else weights
    bias = kind_bias if bias is None else bias
    vectors = embed_claims(claims, embedder)
    if not claims:
        return Alignment(claims=[], clusters=[], vectors=vectors)
    scorer = PairScorer(
        claims, articles, vectors, weights=weights, bias=bias, places=places, events=events, trees=trees,
        settings=settings,
    )
    n = len(claims)
    if n <= settings.dense_limit:
        idx = np.arange(n)
        prob = scorer.prob(idx)
        clusters = _eject_weak_members(
            _average_linkage(prob, threshold), prob, scorer.claim_source, settings.member_min_link
        )
        alignment = Alignment(claims=claims, clusters=clusters, vectors=vectors, prob=prob)
    else:
        clusters = []
        for component in _candidate_components(scorer, vectors, threshold, settings.dense_limit):
            idx = np.array(component)
            local_prob = scorer.prob(idx)
            local = _eject_weak_members(
                _average_linkage(local_prob, threshold), local_prob, scorer.claim_source[idx], settings.member_min_link
            )
            clusters.extend([[component[i] for i in group] for group in local])
        alignment = Alignment(claims=claims, clusters=clusters, vectors=vectors)
    clusters.sort(key=lambda g: min(g))
    cluster_of = [0] * n
    for c, group in enumerate(clusters):
        group.sort()
        for i in group:
            cluster_of[i] = c
    alignment.cluster_of = cluster_of
    alignment.secondary = _secondary_members(
        alignment, scorer.claim_source, max(threshold, settings.secondary_min_link)
    )
    return alignment


def _secondary_members(alignment: Alignment, claim_source: np.ndarray, limit: float) -> list[list[int]]:
    """Let a claim support a second fact it matches as well as that fact's own members do
    (compared with members from other sources: syndicated copies count as one source).

    "During several rounds of meetings over 3 days, delegates will press for a
    ceasefire" states two things another outlet reports in two sentences.
    """
    secondary: list[list[int]] = [[] for _ in alignment.clusters]
    prob = alignment.prob
    if prob is None or len(alignment.clusters) < 2:
        return secondary
    from scipy.sparse import csr_matrix

    n = len(alignment.claims)
    k = len(alignment.clusters)
    membership = csr_matrix(
        (np.ones(n, dtype=np.float32), (np.arange(n), np.asarray(alignment.cluster_of))), shape=(n, k)
    )
    other_article = claim_source[:, None] != claim_source[None, :]
    counts = np.asarray((membership.T @ other_article.T.astype(np.float32)).T)
    sums = np.asarray((membership.T @ np.where(other_article, prob, 0.0).T).T)
    mean = np.divide(sums, counts, out=np.zeros_like(counts), where=counts > 0)
    mean[np.arange(n), alignment.cluster_of] = 0.0
    for i, c in zip(*np.nonzero(mean >= limit), strict=True):
        attribution = alignment.claims[int(i)].attribution
        if attribution is not None and attribution.polarity == "denies":
            continue  # a denial disputes the one claim it negates (compare), it supports nothing
        secondary[int(c)].append(int(i))
    return secondary


def _candidate_components(
    scorer: PairScorer, vectors: np.ndarray, threshold: float, dense_limit: int, k: int = 20
) -> list[list[int]]:
    """Connected components of nearest-neighbour pairs likely to align (big stories)."""
    n = len(vectors)
    parent = list(range(n))
    neighbours_of: dict[int, list[int]] = defaultdict(list)

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for begin in range(0, n, 512):
        block = vectors[begin : begin + 512] @ vectors.T
        top = np.argpartition(-block, min(k, n - 1), axis=1)[:, : k + 1]
        for row, neighbours in enumerate(top):
            i = begin + row
            idx = np.array(sorted({i, *map(int, neighbours)}))
            prob = scorer.prob(idx)
            me = int(np.searchsorted(idx, i))
            for col, j in enumerate(idx):
                if j != i and prob[me, col] >= threshold * 0.6:
                    parent[find(i)] = find(int(j))
                    neighbours_of[i].append(int(j))
                    neighbours_of[int(j)].append(i)
    components: dict[int, list[int]] = defaultdict(list)
    for i in range(n):
        components[find(i)].append(i)
    out = []
    for component in components.values():
        if len(component) > dense_limit:
            component = _breadth_first(component, neighbours_of)  # chunks stay neighbourhoods
        for begin in range(0, len(component), dense_limit):
            out.append(component[begin : begin + dense_limit])
    return out


def _breadth_first(component: list[int], neighbours_of: Mapping[int, list[int]]) -> list[int]:
    order: list[int] = []
    seen: set[int] = set()
    for start in component:
        if start in seen:
            continue
        queue = [start]
        seen.add(start)
        while queue:
            node = queue.pop(0)
            order.append(node)
            for other in sorted(set(neighbours_of.get(node, ()))):
                if other not in seen:
                    seen.add(other)
                    queue.append(other)
    return order

