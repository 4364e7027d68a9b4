"""Pair scoring: features of two claims, the logistic weights or pair trees over them, and the embedders.

Why here: the settings of alignment live next to the score they tune."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType

import numpy as np

from storylens.align.claims import (
    counted_key,
    is_direct_quote,
    is_region,
    speaker_key,
    stated_numbers,
)
from storylens.lexicon.words import claim_stems
from storylens.models import TreeModel, read_model_file
from storylens.records import (
    Article,
    Claim,
    Place,
    TimeExpr,
)

__all__ = [
    "AlignSettings",
    "BIAS",
    "DEFAULT_SETTINGS",
    "FEATURES",
    "MODEL_WEIGHTS",
    "NO_EVIDENCE_LEX",
    "PAIR_MODEL_FILE",
    "PairScorer",
    "WEIGHTS",
    "choose_embedder",
    "content_text",
    "embed_claims",
    "embedder_kind",
    "pair_model",
    "shipped_pair_model",
    "sigmoid",
]


def content_text(claim: Claim) -> str:
    """The text a claim is compared by: all of it.

    Stripping the attribution frame loses the agent when the "cue" is an
    action ("Trump decided to withdraw"), and "X said Y" / "Y, X said" embed
    alike anyway; cue verbs are stop words for the lexical score.
    """
    return claim.text


def _date_days(time: TimeExpr) -> set[str]:
    if not time.value or not re.match(r"^\d{4}-\d{2}-\d{2}$", time.value[:10]):
        return set()
    from datetime import date, timedelta

    try:
        first = date.fromisoformat(time.value[:10])
        last = date.fromisoformat(time.end_value[:10]) if time.end_value else first
    except ValueError:
        return set()
    if (last - first).days > 31 or last < first:
        return set()
    return {(first + timedelta(days=d)).isoformat() for d in range((last - first).days + 1)}


def _incidence(items: Sequence[Iterable[str]]):
    """Sparse claims x values indicator matrix (entities, numbers, days...)."""
    from scipy.sparse import csr_matrix

    vocab: dict[str, int] = {}
    rows: list[int] = []
    cols: list[int] = []
    for i, row in enumerate(items):
        for x in sorted(set(row)):  # a fixed column order: float sums equal whatever the hash seed
            rows.append(i)
            cols.append(vocab.setdefault(x, len(vocab)))
    data = np.ones(len(rows), dtype=np.float32)
    return csr_matrix((data, (rows, cols)), shape=(len(items), max(1, len(vocab))))


def _gram(matrix, idx: np.ndarray) -> np.ndarray:
    """Shared-value counts between the claims ``idx`` (dense k x k)."""
    if isinstance(matrix, KeySets):
        return matrix.shared(idx)
    sub = matrix[idx]
    return (sub @ sub.T).toarray()


class KeySets:
    """Each claim's values of one kind (numbers, places, days...) as sets, and their indicator matrix.

    How many values two claims share is counted on the sets: the same counts as the
    matrix product (whole numbers), without a sparse product per claim and its partners
    (issue 16: those products were a fifth of the pair features' time).
    """

    def __init__(self, items: Sequence[Iterable[str]]) -> None:
        self.keys = [frozenset(row) for row in items]
        self.matrix = _incidence(self.keys)
        self.count = np.array([len(k) for k in self.keys], dtype=np.float32)

    def shared(self, idx: np.ndarray) -> np.ndarray:
        out = np.zeros((len(idx), len(idx)), dtype=np.float32)
        present = [(r, self.keys[i]) for r, i in enumerate(idx) if self.keys[i]]
        for a, (r, x) in enumerate(present):
            for c, y in present[a:]:
                n = len(x & y)
                if n:
                    out[r, c] = out[c, r] = n
        return out


def _number_keys(claim: Claim) -> set[str]:
    return {f"{value:g}" for value in stated_numbers(claim)}


FEATURES = (
    "cos", "lex", "ent_overlap", "ent_none", "num_shared", "num_clash", "place_clash",
    "date_clash", "doc_sim", "cos_x_doc", "doc_lex", "doc_ent", "date_shared",
    "ent_clash", "no_evidence",
)
# ent_clash: both claims name participants and share none (two different
# people's calls are two events). no_evidence: no shared name or number and
# hardly a shared word - a shared day alone ("on Monday") is no evidence.
NO_EVIDENCE_LEX = 0.08
# Logistic weights over FEATURES (+ bias) per embedder, fitted on the ECB+
# development topics by `bench/alignment.py --fit --embedder NAME` (pairs of
# annotated sentences in different articles, gold = coreferent events); see
# bench/RESULTS.md. The cosine of each embedder has its own scale, so each has
# its own weights.
MODEL_WEIGHTS: dict[str, tuple[list[float], float]] = {
    "static": (
        [2.25, 2.57, -0.47, 0.13, 0.73, -0.15, 0.12, 0.83, 4.27, -0.19, 0.48, 5.37, 0.65, -0.51, -0.15], -1.89
    ),
    "minilm": (
        [2.23, 2.87, -0.29, 0.16, 0.72, -0.21, 0.08, 0.23, 3.87, -2.34, 2.16, 5.49, 0.65, -0.47, -0.15], -2.15
    ),
}
WEIGHTS = np.array(MODEL_WEIGHTS["static"][0], dtype=np.float32)
BIAS = MODEL_WEIGHTS["static"][1]
# Gradient-boosted trees over the same FEATURES, per embedder, fitted on the
# ECB+ development topics by scripts/fit_align_model.py: a logistic sum reads
# article likeness linearly, shallow trees read it as what it is in a story
# mixing two events - a step between the articles of one event and the other's.
# Used in place of the logistic weights only in such a story (story grouping
# finds two events in it, ``events``), the setting the trees were fitted in: in
# a one-event story every article pair is "typical" (likeness at the story's
# median), which on ECB+ is the border between two events, and the trees read it
# as doubt (the Doha pair's shared facts fall from p 0.4-0.6 to 0.1-0.3).
# AlignSettings.pair_trees = False switches back to the logistic weights.
PAIR_MODEL_FILE = Path(__file__).parent.parent / "data" / "align_pair_model.json"


@dataclass(frozen=True)
class AlignSettings:
    """The tunable numbers of alignment, today's values as defaults.

    Passed down as ``settings=``; bench and fit scripts change fields with
    dataclasses.replace (before/after runs), never module globals.
    """

    threshold: float = 0.32  # average-linkage cut on the pair probability
    # False: the logistic weights in every story (the before run of the pair trees)
    pair_trees: bool = True
    # MiniLM (~250 claims/s on 2 cores) reads paraphrase better than static
    # vectors (~10,000/s); use it while a story is small enough to stay fast.
    minilm_max_claims: int = 600
    same_article_penalty: float = 2.0
    # Compatibility decides where embeddings cannot: two claims set in specific
    # places far apart ("in Kabul" / "in Kandahar") are different events.
    far_place_penalty: float = 4.0
    far_place_km: float = 50.0
    # Claims of two articles that story grouping puts in different events (two
    # events of one kind analysed as one story) do not state the same thing.
    other_event_penalty: float = 1.0
    # Priors the ECB+ fit cannot learn (it has few attributions and no counted
    # quantities): two outlets reporting one speaker, or the same counted thing
    # ("people killed" / "people died"), are likely reporting one statement -
    # also when the numbers differ, which is then a conflict to show.
    same_speaker_bonus: float = 0.0
    same_counted_bonus: float = 1.0
    # Two different people's direct quotes are two statements: they only form one
    # fact when their content truly matches (cosine and wording both high).
    other_speaker_quote_penalty: float = 2.5
    # A fact's member must state it closely in the words of at least one other
    # article (neutral on ECB+, removes lukewarm members from facts).
    member_min_link: float = 0.6
    # A claim supports a second fact only when it matches that fact's members on
    # average at least this well: fixed, not tied to the cut, so a looser cut does
    # not also let every claim ride along in more facts.
    secondary_min_link: float = 0.45
    dense_limit: int = 3500  # claims scored as one dense matrix; bigger stories go by components
    # logistic weights per embedder kind (default: the shipped MODEL_WEIGHTS)
    model_weights: Mapping[str, tuple[list[float], float]] = field(
        default_factory=lambda: MappingProxyType(MODEL_WEIGHTS)
    )
    # pair trees per embedder kind in place of the shipped ones (bench --cv's held-out fits)
    pair_models: Mapping[str, TreeModel | None] | None = None


DEFAULT_SETTINGS = AlignSettings()


def _counted_stems(claim: Claim) -> set[str]:
    """The claim's counted things, each as one token for exact matching."""
    return {
        "|".join(sorted(counted_key(q.counted)))
        for q in claim.quantities
        if q.counted and q.value is not None and len(counted_key(q.counted)) >= 2
    }




def _containment(claims: Sequence[Claim], places: Mapping[str, Place]) -> tuple[list[frozenset], list[frozenset]]:
    """Per claim: the countries of the regions it names (a state's is its country), and the
    countries of the other places it names."""
    named, within = [], []
    for claim in claims:
        found = [places[name] for name in claim.places if name in places]
        named.append(frozenset(p.country for p in found if p.country and is_region(p)))
        within.append(frozenset(p.country for p in found if p.country and not is_region(p)))
    return named, within


def _far_places(claims: Sequence[Claim], places: Mapping[str, Place], far_km: float) -> np.ndarray | None:
    """1 where both claims name specific places (not countries) and none are near."""
    rows: list[tuple[int, float, float]] = []
    for i, claim in enumerate(claims):
        for name in claim.places:
            place = places.get(name)
            if place is not None and not is_region(place):
                rows.append((i, math.radians(place.lat), math.radians(place.lon)))
    if not rows:
        return None
    owner = np.array([r[0] for r in rows])
    lat = np.array([r[1] for r in rows])
    lon = np.array([r[2] for r in rows])
    h = (
        np.sin((lat[:, None] - lat[None, :]) / 2) ** 2
        + np.cos(lat[:, None]) * np.cos(lat[None, :]) * np.sin((lon[:, None] - lon[None, :]) / 2) ** 2
    )
    km = 2 * 6371 * np.arcsin(np.sqrt(np.clip(h, 0, 1)))
    near = km <= far_km
    with_place = np.unique(owner)
    pos = {c: k for k, c in enumerate(with_place)}
    k = len(with_place)
    near_claims = np.zeros((k, k), dtype=bool)
    o = np.array([pos[c] for c in owner])
    ii, jj = np.nonzero(near)
    near_claims[o[ii], o[jj]] = True
    far = np.zeros((len(claims), len(claims)), dtype=np.float32)
    far[np.ix_(with_place, with_place)] = (~near_claims).astype(np.float32)
    return far


class PairScorer:
    """Computes pair probabilities over any subset of a story's claims."""

    def __init__(
        self,
        claims: Sequence[Claim],
        articles: Mapping[str, Article],
        vectors: np.ndarray,
        *,
        weights: np.ndarray = WEIGHTS,
        bias: float = BIAS,
        places: Mapping[str, Place] | None = None,
        events: Mapping[str, object] | None = None,
        trees=None,
        settings: AlignSettings = DEFAULT_SETTINGS,
    ):
        self.claims = claims
        self.vectors = vectors
        self.weights = weights
        self.bias = bias
        self.settings = settings
        self.trees = trees  # a models.TreeModel over FEATURES: replaces the logistic sum
        texts = [content_text(c) for c in claims]
        self._index_claims(claims, texts, places)
        self._index_sources(claims, articles)
        self._index_article_likeness(claims, texts, vectors)
        self._index_events(events)
        self._centre_article_likeness()
        self._discount_copies(articles)

    def _index_claims(
        self, claims: Sequence[Claim], texts: Sequence[str], places: Mapping[str, Place] | None
    ) -> None:
        """What each claim holds: words, names (by rarity), numbers, places, days, speaker, quote, counted things."""
        from sklearn.feature_extraction.text import TfidfVectorizer

        try:
            tfidf = TfidfVectorizer(analyzer=claim_stems, sublinear_tf=True).fit_transform(texts)
        except ValueError:  # every text only stop words
            tfidf = None
        self.tfidf = tfidf
        # entities weighted by rarity in the story: sharing "Donald Trump" says
        # more than sharing the "Afghanistan" every claim mentions
        entities = _incidence([c.entities for c in claims])
        df = np.asarray((entities > 0).sum(0)).ravel()
        idf = np.log((1 + len(claims)) / (1 + df)) + 0.1
        idf = idf / idf.max() if len(idf) else idf
        from scipy.sparse import diags

        self.entities = entities @ diags(np.sqrt(idf).astype(np.float32))
        self.ent_count = np.asarray(entities @ idf.astype(np.float32)).ravel()
        self.numbers = KeySets([_number_keys(c) for c in claims])
        self.num_count = self.numbers.count
        self.places = KeySets([[p.lower() for p in c.places] for c in claims])
        self.place_count = self.places.count
        # countries (and states) a claim names, and the countries its towns lie in: "Afghanistan"
        # and "Sheberghan" are no clash of places, one holds the other
        self.regions_named, self.countries_within = _containment(claims, places or {})
        days = [set().union(*(_date_days(t) for t in c.times)) if c.times else set() for c in claims]
        self._places_by_name = places or {}
        self.has_far_places = any(
            (place := self._places_by_name.get(name)) is not None and not is_region(place)
            for c in claims for name in c.places
        )
        speakers = [speaker_key(c) for c in claims]
        self.speakers = KeySets([[k] if k else [] for k in speakers])
        self.has_speaker = np.array([k is not None for k in speakers])
        self.quoted = np.array([is_direct_quote(c) for c in claims])
        self.counted = KeySets([_counted_stems(c) for c in claims])
        self.days = KeySets(days)
        self.day_count = self.days.count

    def _index_sources(self, claims: Sequence[Claim], articles: Mapping[str, Article]) -> None:
        """Each claim's article and source (syndicated copies are one source)."""
        self.article_index = {a: i for i, a in enumerate(sorted({c.article_id for c in claims}))}
        self.claim_article = np.array([self.article_index[c.article_id] for c in claims])
        # the source each claim comes from: syndicated copies are one source,
        # so a copy of a sentence never vouches for the sentence itself
        source_of = {
            a: (f"syn:{articles[a].syndication_group}" if a in articles and articles[a].syndication_group else a)
            for a in self.article_index
        }
        sources = {u: k for k, u in enumerate(sorted(set(source_of.values())))}
        self.claim_source = np.array([sources[source_of[c.article_id]] for c in claims])

    def _index_article_likeness(self, claims: Sequence[Claim], texts: Sequence[str], vectors: np.ndarray) -> None:
        """How alike each two whole articles are: mean vectors, words and names."""
        from sklearn.feature_extraction.text import TfidfVectorizer

        doc = np.zeros((len(self.article_index), vectors.shape[1] if len(vectors) else 1), dtype=np.float32)
        np.add.at(doc, self.claim_article, vectors)
        doc /= np.clip(np.linalg.norm(doc, axis=1, keepdims=True), 1e-9, None)
        self.doc_sim = doc @ doc.T
        # how alike the two whole articles are: words and names
        doc_parts: list[list[str]] = [[] for _ in self.article_index]
        for c, text in zip(claims, texts, strict=True):
            doc_parts[self.article_index[c.article_id]].append(text)
        doc_texts = [" " + " ".join(parts) if parts else "" for parts in doc_parts]  # joined once, not grown
        try:
            dt = TfidfVectorizer(analyzer=claim_stems, sublinear_tf=True).fit_transform(doc_texts)
            self.doc_lex = (dt @ dt.T).toarray().astype(np.float32)
        except ValueError:
            self.doc_lex = np.zeros_like(self.doc_sim)
        doc_entities: list[set[str]] = [set() for _ in doc_texts]
        for c in claims:
            doc_entities[self.article_index[c.article_id]].update(e.lower() for e in c.entities)
        de = _incidence(doc_entities)
        inter = (de @ de.T).toarray()
        size = np.asarray(de.sum(1)).ravel()
        union = size[:, None] + size[None, :] - inter
        self.doc_ent = np.where(union > 0, inter / np.clip(union, 1, None), 0.0).astype(np.float32)

    def _index_events(self, events: Mapping[str, object] | None) -> None:
        """Which article pairs story grouping puts in different events."""
        # articles the grouping model puts in different events (a story mixing
        # two events of one kind): their claims are not one fact
        article_ids = sorted(self.article_index, key=self.article_index.get)
        event_of = [events.get(a) if events else None for a in article_ids]
        self.other_event = np.array(
            [[x is not None and y is not None and x != y for y in event_of] for x in event_of], dtype=np.float32
        ).reshape(len(article_ids), len(article_ids))

    def _centre_article_likeness(self) -> None:
        """Likeness relative to the story's typical article pair."""
        # Article likeness only means something relative to the story: in a
        # two-article story it says nothing, in a story mixing two events of a
        # kind it separates them. Centre each on the story's typical pair.
        for name in ("doc_sim", "doc_lex", "doc_ent"):
            matrix = getattr(self, name)
            off = ~np.eye(len(matrix), dtype=bool)
            centre = float(np.median(matrix[off])) if off.any() else 0.0
            matrix = matrix - centre
            np.fill_diagonal(matrix, 0.0)
            setattr(self, name, matrix.astype(np.float32))

    def _discount_copies(self, articles: Mapping[str, Article]) -> None:
        """Copies of one wire story get no likeness bonus from being copies."""
        # Copies of one wire story are alike because they are copies: their
        # likeness says nothing about whether two of their claims state the same
        # thing, and left in it glues every claim of the pair into one fact.
        ids = sorted(self.article_index, key=self.article_index.get)
        groups = [articles[a].syndication_group if a in articles else None for a in ids]
        for x in range(len(ids)):
            for y in range(x + 1, len(ids)):
                if groups[x] is not None and groups[x] == groups[y]:
                    for name in ("doc_sim", "doc_lex", "doc_ent"):
                        matrix = getattr(self, name)
                        matrix[x, y] = matrix[y, x] = min(float(matrix[x, y]), 0.0)

    def _feature_matrices(self, idx: np.ndarray):
        """Yield each FEATURES matrix over claims ``idx``, one at a time (memory)."""
        v = self.vectors[idx]
        cos = v @ v.T
        yield cos
        if self.tfidf is not None:
            t = self.tfidf[idx]
            lex = (t @ t.T).toarray().astype(np.float32)
        else:
            lex = np.zeros_like(cos)
        yield lex
        inter = _gram(self.entities, idx)
        ec = self.ent_count[idx]
        total = np.add.outer(ec, ec)
        yield np.where(total > 0, 2 * inter / np.clip(total, 1e-6, None), 0.0).astype(np.float32)
        ent_none = np.minimum.outer(ec, ec) == 0
        yield ent_none.astype(np.float32)
        ninter = _gram(self.numbers, idx)
        nc = self.num_count[idx]
        yield (ninter > 0).astype(np.float32)
        yield ((np.minimum.outer(nc, nc) > 0) & (ninter == 0)).astype(np.float32)
        pc = self.place_count[idx]
        clash = (np.minimum.outer(pc, pc) > 0) & (_gram(self.places, idx) == 0)
        yield (clash & ~self._contained(idx)).astype(np.float32)
        dinter = _gram(self.days, idx)
        dc = self.day_count[idx]
        yield ((np.minimum.outer(dc, dc) > 0) & (dinter == 0)).astype(np.float32)
        art = self.claim_article[idx]
        pair = np.ix_(art, art)
        doc_sim = self.doc_sim[pair]
        yield doc_sim
        yield cos * doc_sim
        yield self.doc_lex[pair]
        yield self.doc_ent[pair]
        yield (dinter > 0).astype(np.float32)
        no_shared_name = inter <= 0
        yield (no_shared_name & ~ent_none).astype(np.float32)
        yield (no_shared_name & (ninter == 0) & (lex < NO_EVIDENCE_LEX)).astype(np.float32)

    def _contained(self, idx: np.ndarray) -> np.ndarray:
        """True where one claim of ``idx`` names a region the other's places lie in (k x k)."""
        out = np.zeros((len(idx), len(idx)), dtype=bool)
        named = [(r, self.regions_named[i]) for r, i in enumerate(idx) if self.regions_named[i]]
        if not named:
            return out
        for r, regions in named:
            for c, i in enumerate(idx):
                if regions & self.countries_within[i]:
                    out[r, c] = out[c, r] = True
        return out

    def far(self, idx: np.ndarray) -> np.ndarray | None:
        """1 where both claims of ``idx`` name specific places and none are near (k x k, never claims^2)."""
        if not self.has_far_places:
            return None
        return _far_places([self.claims[i] for i in idx], self._places_by_name, self.settings.far_place_km)

    def features(self, idx: np.ndarray) -> np.ndarray:
        """(len(FEATURES), k, k) feature stack over claims ``idx`` (for fitting)."""
        return np.stack(list(self._feature_matrices(idx))).astype(np.float32)

    def _tree_logit(self, idx: np.ndarray) -> np.ndarray:
        """The trees' log-odds, evaluated once per unordered pair (features are symmetric)."""
        k = len(idx)
        upper = np.triu_indices(k, 1)
        rows = np.stack([matrix[upper] for matrix in self._feature_matrices(idx)], axis=1)
        logit = np.zeros((k, k), dtype=np.float32)
        if len(rows):
            values = self.trees.predict(rows).astype(np.float32)
            logit[upper] = values
            logit.T[upper] = values
        return logit

    def prob(self, idx: np.ndarray) -> np.ndarray:
        if self.trees is not None:
            logit = self._tree_logit(idx)
        else:
            logit = np.full((len(idx), len(idx)), self.bias, dtype=np.float32)
            for weight, matrix in zip(self.weights, self._feature_matrices(idx), strict=True):
                if weight:
                    logit += np.float32(weight) * matrix
        settings = self.settings
        art = self.claim_article[idx]
        same_article = art[:, None] == art[None, :]
        logit -= settings.same_article_penalty * same_article
        far = self.far(idx)
        if far is not None:
            logit -= settings.far_place_penalty * far
        if settings.other_event_penalty and self.other_event.any():
            logit -= settings.other_event_penalty * self.other_event[np.ix_(art, art)]
        same_speaker = _gram(self.speakers, idx) > 0
        logit += settings.same_speaker_bonus * (same_speaker & ~same_article)  # one speaker says many things
        quoted = self.quoted[idx] & self.has_speaker[idx]
        logit -= settings.other_speaker_quote_penalty * (np.logical_and.outer(quoted, quoted) & ~same_speaker)
        logit += settings.same_counted_bonus * (_gram(self.counted, idx) > 0)
        prob = 1.0 / (1.0 + np.exp(-logit))
        np.fill_diagonal(prob, 1.0)
        return prob


def choose_embedder(n_texts: int, settings: AlignSettings = DEFAULT_SETTINGS):
    """MiniLM for small stories, static vectors when MiniLM would be too slow."""
    from storylens.resources import get_embedder, get_static_embedder

    return get_embedder() if n_texts <= settings.minilm_max_claims else get_static_embedder()


def embedder_kind(embedder) -> str:
    return "static" if "wordllama" in getattr(embedder, "name", "") else "minilm"


@lru_cache(maxsize=4)
def shipped_pair_model(kind: str) -> TreeModel | None:
    """The shipped tree model for an embedder kind, or None."""
    data = read_model_file(PAIR_MODEL_FILE)
    return TreeModel.from_json(data[kind], features=FEATURES) if kind in data else None


def pair_model(kind: str, settings: AlignSettings = DEFAULT_SETTINGS) -> TreeModel | None:
    """The tree model for an embedder kind (the settings' own, else the shipped one), or None (logistic weights)."""
    if not settings.pair_trees:
        return None
    if settings.pair_models is not None and kind in settings.pair_models:
        return settings.pair_models[kind]
    return shipped_pair_model(kind)


def embed_claims(claims: Sequence[Claim], embedder=None, settings: AlignSettings = DEFAULT_SETTINGS) -> np.ndarray:
    """One vector per claim (of its content), each distinct text embedded once."""
    texts = [content_text(c) for c in claims]
    unique = list(dict.fromkeys(texts))
    if embedder is None:
        embedder = choose_embedder(len(unique), settings)
    if not unique:
        return np.zeros((0, getattr(embedder, "dim", 1)), dtype=np.float32)
    vectors = embedder.embed(unique)
    row = {t: i for i, t in enumerate(unique)}
    return np.asarray(vectors, dtype=np.float32)[[row[t] for t in texts]]



def sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))
