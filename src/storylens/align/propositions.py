"""Facts as propositions: claims join only where they state the same thing (issue 13).

Contract:

    align_propositions(claims, articles, *, places=None, embedder=None, judge=None,
                       settings=PropositionSettings()) -> Alignment

Why it is built this way: a fact is one proposition - what a reader of either
sentence learns - not a topic, an event or a person. Embeddings and word overlap
put "the drone hit the plane" beside "the plane landed safely", and two sentences
that share one proposition often say much more besides. So a candidate pair is
read word piece by word piece (``align.tokens``: how much of each claim the other
says, rarity-weighted over contextual vectors), beside the story's own signals
(shared names, numbers, places, days, speaker, the same counted thing) and where
each claim sits in its article; a small fitted model (``data/fact_pair_model.json``,
``scripts/fit_fact_model.py``) turns them into P(same proposition). Fitted on
newsfacts dev, those features rank pairs better (held-out average precision 0.516
vs 0.466) than the same model with a cross-encoder's verdict added, which cost one
encoder pass per pair; the cross-encoder (``models.cross_encoder``) now reads only
linked pairs, for contradictions. Reading every pair is too big, so an index
proposes candidates - each claim's nearest claims from other sources by embedding
and by TF-IDF: memory and time grow with claims x neighbours, never claims squared.
Facts grow by complete linkage: two groups join only when every pair across them
from different sources scores above the cut (two claims of one source are
restatements, not corroboration, and the model is fitted on pairs from different
sources) (pairs the index did not propose are scored on demand). Average linkage
let one strong pair carry in a claim that says something else, and chains grew
facts of 78 claims; complete linkage cannot chain. A claim that states a second
fact as well as that fact's own members do is listed there too (a sentence can
say two things).
"""

from __future__ import annotations

import bisect
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from storylens.align.clusters import Alignment
from storylens.align.scoring import FEATURES, PairScorer, _gram, embed_claims
from storylens.align.tokens import TOKEN_FEATURES, TokenAlignment
from storylens.lexicon.words import claim_stems, word_count
from storylens.models import TreeModel, read_model_file
from storylens.records import Article, Claim, Place

__all__ = [
    "FACT_FEATURES",
    "FACT_MODEL_FILE",
    "PropositionAlignment",
    "PropositionSettings",
    "align_propositions",
    "candidate_pairs",
    "pair_features",
]

FACT_MODEL_FILE = Path(__file__).resolve().parents[1] / "data" / "fact_pair_model.json"
FACT_FEATURES = FEATURES + (
    "same_speaker", "quote_clash", "same_counted", "far_place", "min_words", "max_words",
) + TOKEN_FEATURES + ("lead_min", "lead_max", "rank_min", "rank_max")


@dataclass(frozen=True)
class PropositionSettings:
    """The tunable numbers of proposition facts (defaults chosen on newsfacts dev by CV)."""

    neighbours: int = 16  # candidate partners per claim by embedding cosine
    lexical_neighbours: int = 8  # and by TF-IDF cosine
    min_cosine: float = 0.15  # embedding candidates below this are not scored
    # complete linkage: every cross-source pair of a fact scores at least this (0.45 and 0.5
    # chosen by newsfacts dev CV in session 7: pair F1 0.397 vs 0.384 at 0.5 / 0.5, 0.413 but
    # precision 0.670 and 22 furniture sentences shown at 0.4 / 0.4)
    link: float = 0.45
    secondary: float = 0.5  # a claim joins a second fact when it scores this with all its members
    verdict_link: float = 0.5  # pairs linked this well are also read by the judge (contradictions)
    max_on_demand: int = 64  # pairs one join may score on demand; a bigger join is refused
    # A book-length input is aligned by its first claims only (the rest stay its own):
    # a 19 MB text holds ~150,000 sentences, each encoded for its word pieces.
    max_claims_per_article: int = 400
    model_file: Path | None = None  # default: the shipped FACT_MODEL_FILE


DEFAULT_PROPOSITIONS = PropositionSettings()


@lru_cache(maxsize=4)
def fact_model(path: Path = FACT_MODEL_FILE) -> TreeModel | None:
    """The shipped pair model over FACT_FEATURES, or None (then token coverage alone)."""
    data = read_model_file(path)
    return TreeModel.from_json(data, features=FACT_FEATURES) if data else None


def candidate_pairs(
    vectors: np.ndarray, texts: Sequence[str], source: np.ndarray, settings: PropositionSettings,
    eligible: np.ndarray | None = None,
) -> list[tuple[int, int]]:
    """Index pairs i < j from different sources: each claim's nearest neighbours.

    Rows go in blocks of 256, so memory stays at 256 x claims however long the story.
    """
    n = len(texts)
    if n < 2:
        return []
    keep = np.arange(n) if eligible is None else np.flatnonzero(eligible)
    lexical = _tfidf(texts)
    vectors, source = vectors[keep], source[keep]
    if lexical is not None:
        lexical = lexical[keep]
    m = len(keep)
    found: set[tuple[int, int]] = set()
    for begin in range(0, m, 256):
        rows = np.arange(begin, min(m, begin + 256))
        blocked = source[rows][:, None] == source[None, :]
        for k, floor, matrix in (
            (settings.neighbours, settings.min_cosine, lambda r=rows: vectors[r] @ vectors.T),
            (settings.lexical_neighbours, 0.1,
             lambda r=rows: None if lexical is None else (lexical[r] @ lexical.T).toarray()),
        ):
            k = min(k, m - 1)
            scores = matrix() if k > 0 else None
            if scores is None:
                continue
            scores = np.where(blocked, -1.0, scores)
            top = np.argpartition(-scores, k - 1, axis=1)[:, :k]
            for r, partners in enumerate(top):
                i = int(keep[rows[r]])
                for col in partners:
                    if scores[r, col] >= floor:
                        j = int(keep[col])
                        found.add((min(i, j), max(i, j)))
    return sorted(found)


def _tfidf(texts: Sequence[str]):
    from sklearn.feature_extraction.text import TfidfVectorizer

    try:
        return TfidfVectorizer(analyzer=claim_stems, sublinear_tf=True).fit_transform(texts)
    except ValueError:  # only stop words
        return None


class ClaimSignals:
    """What the fact model reads of each claim beyond the pair scorer: its word pieces
    (``TokenAlignment``) and where it sits in its article (news puts what every outlet
    reports first)."""

    def __init__(self, claims: Sequence[Claim], articles: Mapping[str, Article], encoder=None) -> None:
        if encoder is None:
            from storylens.resources import get_embedder

            encoder = get_embedder()
        self.tokens = TokenAlignment([c.text for c in claims], encoder)
        self.lead = np.array(
            [c.start / max(1, len(articles[c.article_id].text)) if c.article_id in articles else 1.0 for c in claims],
            dtype=np.float32,
        )
        seen: dict[str, int] = {}
        rank = []
        for claim in claims:
            seen[claim.article_id] = seen.get(claim.article_id, -1) + 1
            rank.append(seen[claim.article_id])
        self.rank = np.array(rank, dtype=np.float32)


def pair_features(scorer: PairScorer, pairs: Sequence[tuple[int, int]], signals: ClaimSignals) -> np.ndarray:
    """(len(pairs), len(FACT_FEATURES)): the story's signals and what each claim says of the other."""
    out = np.zeros((len(pairs), len(FACT_FEATURES)), dtype=np.float32)
    by_first: dict[int, list[int]] = {}
    for row, (i, _) in enumerate(pairs):
        by_first.setdefault(i, []).append(row)
    words = np.array([word_count(c.text) for c in scorer.claims], dtype=np.float32)
    base = len(FEATURES)
    for i, rows in by_first.items():
        idx = np.array([i, *(pairs[r][1] for r in rows)])
        stack = scorer.features(idx)[:, 0, 1:]  # (features, partners)
        out[rows, :base] = stack.T
        same_speaker = (_gram(scorer.speakers, idx) > 0)[0, 1:]
        quoted = scorer.quoted[idx] & scorer.has_speaker[idx]
        out[rows, base] = same_speaker
        out[rows, base + 1] = quoted[0] & quoted[1:] & ~same_speaker
        out[rows, base + 2] = (_gram(scorer.counted, idx) > 0)[0, 1:]
        far = scorer.far(idx)
        out[rows, base + 3] = 0.0 if far is None else far[0, 1:]
        partner_words = words[idx[1:]]
        out[rows, base + 4] = np.minimum(words[i], partner_words)
        out[rows, base + 5] = np.maximum(words[i], partner_words)
    if len(pairs):
        base += 6
        out[:, base : base + len(TOKEN_FEATURES)] = signals.tokens.features(pairs)
        base += len(TOKEN_FEATURES)
        first = np.array([i for i, _ in pairs])
        second = np.array([j for _, j in pairs])
        for k, values in enumerate((signals.lead, signals.rank)):
            out[:, base + 2 * k] = np.minimum(values[first], values[second])
            out[:, base + 2 * k + 1] = np.maximum(values[first], values[second])
    return out


class PairScores:
    """Scores of claim pairs, kept per pair; missing pairs are scored in batches on demand."""

    def __init__(
        self, scorer: PairScorer, texts: Sequence[str], judge, model: TreeModel | None, source: np.ndarray,
        signals: ClaimSignals,
    ) -> None:
        self.scorer = scorer
        self.source = source
        self.texts = texts
        self.judge = judge
        self.model = model
        self.signals = signals
        self.link: dict[tuple[int, int], float] = {}
        self.same: dict[tuple[int, int], float] = {}
        self.contradiction: dict[tuple[int, int], float] = {}
        self.due: set[tuple[int, int]] = set()  # pairs the judge reads when their verdict is asked for

    def ensure(self, pairs: Sequence[tuple[int, int]]) -> None:
        todo = sorted({(min(i, j), max(i, j)) for i, j in pairs if i != j} - self.link.keys())
        if not todo:
            return
        features = pair_features(self.scorer, todo, self.signals)
        if self.model is not None:
            link = 1.0 / (1.0 + np.exp(-self.model.predict(features)))
        else:  # no fitted model: how much of the shorter claim the longer one says
            link = features[:, FACT_FEATURES.index("tok_min")]
        for (i, j), p in zip(todo, link, strict=True):
            self.link[(i, j)] = float(p)

    def defer_verdicts(self, floor: float) -> None:
        """Every pair linked at least ``floor`` now gets the judge's P(same) and P(contradiction),
        read when first asked for (``read_verdicts``).

        The judge reads both claims together, ~100 pairs/s: only linked pairs, where a
        contradiction is a conflict about one thing, are worth it, and of those only the
        ones compare asks about (issue 16: not a pair of one source, one with a denial, or
        one a number, day or place already sets apart).
        """
        self.due |= {pair for pair, p in self.link.items() if p >= floor and pair not in self.same}

    def read_verdicts(self, pairs: Sequence[tuple[int, int]] | None = None) -> None:
        """Read the judge for the due ``pairs`` (i < j) not read yet (None: every due pair)."""
        wanted = self.due if pairs is None else self.due.intersection(pairs)
        todo = sorted(pair for pair in wanted if pair not in self.same and pair in self.link)
        self.due -= wanted
        if not todo:
            return
        judged = np.asarray(self.judge.predict([(self.texts[i], self.texts[j]) for i, j in todo]), dtype=np.float32)
        for (i, j), verdict in zip(todo, judged, strict=True):
            self.same[(i, j)] = float(verdict[0])
            self.contradiction[(i, j)] = float(verdict[1])

    def score(self, i: int, j: int) -> float:
        return 1.0 if i == j else self.link.get((min(i, j), max(i, j)), 0.0)


class PropositionAlignment(Alignment):
    """An Alignment whose pair scores live in a sparse table of judged pairs."""

    def __init__(self, *, scores: PairScores, source: np.ndarray, **fields) -> None:
        super().__init__(**fields)
        self.scores = scores
        self.source = source

    def pair_prob(self, i: int, j: int) -> float:
        return self.scores.score(i, j)

    def partners(self, i: int) -> list[int]:
        """The claims scored with claim i (the index's candidates and on-demand pairs)."""
        if not hasattr(self, "_partners"):
            table: dict[int, list[int]] = {}
            for a, b in self.scores.link:
                table.setdefault(a, []).append(b)
                table.setdefault(b, []).append(a)
            self._partners = table
        return self._partners.get(i, [])

    def preceding(self, i: int, count: int) -> list[int]:
        """Up to ``count`` claims of the same article ending before claim i starts, nearest first."""
        if not hasattr(self, "_by_article"):
            table: dict[str, list[int]] = {}
            for k, claim in enumerate(self.claims):
                table.setdefault(claim.article_id, []).append(k)
            for members in table.values():
                members.sort(key=lambda k: self.claims[k].start)
            self._by_article = table
            self._starts = {a: [self.claims[k].start for k in members] for a, members in table.items()}
        claim = self.claims[i]
        members = self._by_article[claim.article_id]
        position = bisect.bisect_left(self._starts[claim.article_id], claim.start)
        before: list[int] = []
        for k in reversed(members[:position]):
            if k != i and self.claims[k].end <= claim.start:
                before.append(k)
                if len(before) == count:
                    break
        return before

    def scored_pairs(self) -> list[tuple[int, int, float]]:
        """(i, j, link) for every scored pair, i < j."""
        return [(i, j, p) for (i, j), p in sorted(self.scores.link.items())]

    def verdicts(self, pairs: Sequence[tuple[int, int]]) -> dict[tuple[int, int], tuple[float, float]]:
        """(P(same), P(contradiction)) of each pair (i < j), the judge read only now and only
        for these (0 where it does not read the pair: linked below ``verdict_link``)."""
        s = self.scores
        s.read_verdicts(pairs)
        return {pair: (s.same.get(pair, 0.0), s.contradiction.get(pair, 0.0)) for pair in pairs}

    def judged_pairs(self) -> list[tuple[int, int, float, float, float]]:
        """(i, j, link, P(same), P(contradiction)) for every scored pair, i < j (the judge's two
        probabilities are 0 where it did not read the pair: below ``verdict_link``)."""
        s = self.scores
        s.read_verdicts()
        return [
            (i, j, p, s.same.get((i, j), 0.0), s.contradiction.get((i, j), 0.0)) for (i, j), p in sorted(s.link.items())
        ]


def align_propositions(
    claims: Sequence[Claim],
    articles: Mapping[str, Article],
    *,
    places: Mapping[str, Place] | None = None,
    embedder=None,
    judge=None,
    settings: PropositionSettings = DEFAULT_PROPOSITIONS,
) -> PropositionAlignment:
    """Group claims that state the same proposition (see the module docstring)."""
    claims = list(claims)
    if judge is None:
        from storylens.models.cross_encoder import load_pair_model

        judge = load_pair_model()
    # the word pieces first: MiniLM's pass over the claims gives their sentence vectors too
    signals = ClaimSignals(claims, articles)
    vectors = embed_claims(claims, embedder)
    texts = [c.text for c in claims]
    scorer = PairScorer(claims, articles, vectors, places=places)
    source = scorer.claim_source  # one key per independent source: syndicated copies are one
    model = fact_model(settings.model_file or FACT_MODEL_FILE)
    scores = PairScores(scorer, texts, judge, model, source, signals)
    scores.ensure(candidate_pairs(vectors, texts, source, settings, _eligible(claims, settings)))
    clusters = _complete_linkage(len(claims), scores, settings)
    scores.defer_verdicts(settings.verdict_link)
    cluster_of = [0] * len(claims)
    for c, group in enumerate(clusters):
        for i in group:
            cluster_of[i] = c
    alignment = PropositionAlignment(
        claims=claims, clusters=clusters, vectors=vectors, cluster_of=cluster_of, scores=scores, source=source
    )
    alignment.secondary = _secondary_members(alignment, settings)
    return alignment


def _eligible(claims: Sequence[Claim], settings: PropositionSettings) -> np.ndarray:
    """Claims the index may pair: each article's first ``max_claims_per_article``."""
    seen: dict[str, int] = {}
    keep = np.zeros(len(claims), dtype=bool)
    for i, claim in enumerate(claims):
        seen[claim.article_id] = seen.get(claim.article_id, 0) + 1
        keep[i] = seen[claim.article_id] <= settings.max_claims_per_article
    return keep


def _complete_linkage(n: int, scores: PairScores, settings: PropositionSettings) -> list[list[int]]:
    """Join groups along the best-scored pairs; a join needs every pair across to score at least the cut."""
    owner = list(range(n))
    members: dict[int, list[int]] = {i: [i] for i in range(n)}
    edges = sorted(((p, i, j) for (i, j), p in scores.link.items() if p >= settings.link), key=lambda e: (-e[0], e[1], e[2]))
    for _, i, j in edges:
        a, b = owner[i], owner[j]
        if a == b:
            continue
        across = [(x, y) for x in members[a] for y in members[b] if scores.source[x] != scores.source[y]]
        if len(across) > settings.max_on_demand and sum(
            (min(x, y), max(x, y)) not in scores.link for x, y in across
        ) > settings.max_on_demand:
            continue
        scores.ensure(across)
        if all(scores.score(x, y) >= settings.link for x, y in across):
            keep, gone = (a, b) if len(members[a]) >= len(members[b]) else (b, a)
            for x in members[gone]:
                owner[x] = keep
            members[keep].extend(members.pop(gone))
    clusters = [sorted(group) for group in members.values()]
    clusters.sort(key=lambda g: g[0])
    return clusters


def _secondary_members(alignment: PropositionAlignment, settings: PropositionSettings) -> list[list[int]]:
    """A claim that scores high with every member of another many-source fact is listed there too."""
    scores, source = alignment.scores, alignment.source
    secondary: list[list[int]] = [[] for _ in alignment.clusters]
    near: dict[int, set[int]] = {}
    for (i, j), p in scores.link.items():
        if p >= settings.secondary:
            near.setdefault(i, set()).add(alignment.cluster_of[j])
            near.setdefault(j, set()).add(alignment.cluster_of[i])
    for i in sorted(near):
        attribution = alignment.claims[i].attribution
        if attribution is not None and attribution.polarity == "denies":
            continue  # a denial disputes the one claim it negates (compare); it supports nothing
        for c in sorted(near[i]):
            members = alignment.clusters[c]
            if c == alignment.cluster_of[i] or len({source[m] for m in members}) < 2:
                continue
            others = [m for m in members if source[m] != source[i]]
            if not others or len(others) > settings.max_on_demand:
                continue
            scores.ensure([(i, m) for m in others])
            if all(scores.score(i, m) >= settings.secondary for m in others):
                secondary[c].append(i)
    return secondary
