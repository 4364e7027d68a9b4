"""Group articles into stories: same real-world event(s), not merely same topic.

Owned by the grouping work (issue 4). Contract:

    group_articles(articles, annotations, *, store=None) -> list[StoryGroup]
        deterministic and independent of input order; applies the user's
        merge/split corrections kept in the store.

How it works (each step is a function below, so the bench can calibrate it):

1. Profiles. Per article: TF-IDF over the full text, the lead (title + first
   sentences), names (entity canonical forms from the annotations plus
   capitalised words inside sentences, so grouping degrades gracefully when
   no entities exist), numbers, years and mentioned event dates, and a dense
   MiniLM vector of the lead (cached in the store by article id).
2. Candidates through an index. An inverted index over each article's
   salient terms (postings capped) returns its nearest neighbours; only those
   pairs are ever scored, so cost grows about linearly with the corpus.
3. Pair probability. A logistic model over eight similarities (full-text,
   lead, dense, names, numbers, years, and term/name similarity re-weighted
   inside the article's topic block so that words every article of the topic
   shares stop counting) and the weeks between the two articles' events
   beyond a news cycle (``days_apart``: 0 unless both have a publication
   date), so two events of one kind weeks apart stay apart however alike
   their words. Its weights and the thresholds were fitted on the
   odd-numbered ECB+ topics (``bench/grouping.py --calibrate``).
4. Clustering. Average-link agglomeration over the sparse candidate graph,
   then lone articles join the story they fit best when that is likely
   enough. Ties break by article id, and every step works on the id-sorted
   set, so the grouping is a function of the set of articles: arrival order
   never matters. A new article joins the best story or starts one; stories
   merge when new evidence links them.
5. Corrections. ``merge`` and ``split`` are stored as must-link and
   cannot-link constraints between article ids (story ids change as stories
   grow; article ids do not), so they survive re-analysis and new ingests.
"""

from __future__ import annotations

import hashlib
import heapq
import json
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields
from datetime import date

import numpy as np
from scipy import sparse

from storylens.group_across_languages import candidate_pairs as xl_candidate_pairs
from storylens.group_across_languages import (
    crosslingual_mask,
    grouping_score,
    multilingual_vectors,
    needs_multilingual,
)
from storylens.group_across_languages import pair_features as xl_pair_features
from storylens.group_across_languages import pair_probability as xl_pair_probability
from storylens.lexicon.words import index_terms, stop_words
from storylens.records import Annotation, Article, GroupingReason, StoryGroup
from storylens.titles import LEAD_SENTENCES, story_title

# --------------------------------------------------------------------------- calibration
# Fitted by `bench/grouping.py --calibrate` on ECB+ topics with odd numbers,
# read through storylens ingest + clean + annotate like any input (logistic
# regression on candidate pairs; thresholds by grid search for B-cubed F1 on
# the same topics). Even topics were held out. The training pairs are those
# topics twice: undated, as the files come (days_apart 0), and read as a
# dated stream where two events of one kind come two weeks apart
# (bench/stream_grouping.py), so the day gap is weighed against the similarities.
FEATURES = ("text", "dense", "years", "lead", "names", "numbers", "local_text", "local_names", "days_apart")
WEIGHTS = np.array([-2.08, 3.54, 1.91, 1.29, 7.99, 3.44, 4.09, 2.59, -8.74])
BIAS = -4.88
MERGE_THRESHOLD = 0.50  # average-link probability needed to merge two stories
ATTACH_THRESHOLD = 0.2  # a lone article joins its best story above this
BLOCK_THRESHOLD = 0.1  # full-text cosine (average link) that makes a topic block
EVENT_MIN_ARTICLES = 3  # articles a story's sub-event needs before its claims are kept apart

NEIGHBOURS = 30  # candidates kept per article
SALIENT_TERMS = 40  # query terms per article in the candidate index
MAX_POSTING = 200  # terms carried by more articles than this are not looked up
QUERY_CHUNK = 512
MAX_GAP_DAYS = 60  # both published dates known and further apart: never candidates
NEWS_CYCLE_DAYS = 3  # reports of one event this many days apart cost nothing (days_apart)
EVENT_LOOKBACK_DAYS = 31  # a day an article mentions this far before its publication is an event day
LEAD_CHARS = 500
EMBED_CHARS = 300  # the dense vector reads the title and opening (~64 tokens): 2x faster than 128
NAME_LABELS = {
    "PERSON",
    "ORG",
    "GPE",
    "LOC",
    "FAC",
    "NORP",
    "EVENT",
    "PRODUCT",
    "WORK_OF_ART",
    "LAW",
}
EMBED_CACHE = "group-embed-v2"

_WORD = re.compile(r"[A-Za-z][\w'’-]*")
_NUMBER = re.compile(r"\b\d[\d,.]*\b")
_YEAR = re.compile(r"\b(19[5-9]\d|20[0-4]\d)\b")
# a word, and whether a sentence end (or line break) comes right before it
_WORD_AFTER = re.compile(r"([.!?]\s|\n)?[\s\"“‘'(\[]*([A-Za-z][\w'’-]*)")


def story_id(article_ids: Sequence[str]) -> str:
    """A story's id: a hash of its founding (earliest) article's id.

    Callers pass ids in (published, id) order; the id stays put as a story
    grows, and only changes if an earlier article joins it.
    """
    first = article_ids[0] if article_ids else ""
    return "s-" + hashlib.sha256(first.encode()).hexdigest()[:10]


def order_key(article: Article) -> tuple[str, str]:
    """Stories list their articles by (published, id); undated articles last."""
    return (article.published or "9999", article.id)


def one_story(articles: Sequence[Article]) -> StoryGroup:
    """All articles as one story (the ``--one-story`` switch)."""
    ordered = sorted(articles, key=order_key)
    ids = tuple(a.id for a in ordered)
    return StoryGroup(
        id=story_id(ids),
        title=story_title(ordered),
        article_ids=ids,
        reasons=tuple(GroupingReason(article_id=i, score=1.0) for i in ids),
    )


# --------------------------------------------------------------------------- profiles


def _lead(article: Article) -> str:
    text = article.text.strip()
    title = (article.title or "").strip()
    head = text[:LEAD_CHARS]
    if len(text) > LEAD_CHARS:
        cut = max(head.rfind(". "), head.rfind("\n"))
        head = head[: cut + 1] if cut > 100 else head
    if title and not text.startswith(title):
        return title + "\n" + head
    return head


def _embed_text(article: Article) -> str:
    lead = _lead(article)
    if len(lead) <= EMBED_CHARS:
        return lead
    return lead[:EMBED_CHARS].rsplit(" ", 1)[0]


def _proper_words(text: str) -> list[str]:
    """Capitalised words that do not start a sentence: cheap names when NER is absent."""
    out: list[str] = []
    first = True
    for boundary, word in _WORD_AFTER.findall(text):
        if word[0].isupper() and not (first or boundary):
            lower = word.lower()
            if lower not in stop_words():
                out.append(lower)
        first = False
    return out


def _entity_names(annotation: Annotation | None) -> list[str]:
    if annotation is None:
        return []
    return [e.canonical for e in annotation.entities if e.label in NAME_LABELS and e.canonical]


def _name_tokens(article: Article, annotation: Annotation | None) -> list[str]:
    tokens = _proper_words(article.text)
    for name in _entity_names(annotation):
        tokens.extend(w.lower() for w in _WORD.findall(name) if w.lower() not in stop_words())
    return tokens


def _event_dates(annotation: Annotation | None) -> set[str]:
    if annotation is None:
        return set()
    return {
        t.value[:10] for t in annotation.times if t.value and re.match(r"\d{4}-\d\d-\d\d", t.value)
    }


def _years(article: Article, annotation: Annotation | None) -> set[str]:
    """Years the article mentions, its resolved dates, and its dateline.

    Cleaning takes timestamp lines out of the text but keeps them for audit;
    they still date the article, so they count here.
    """
    years = set(_YEAR.findall(article.text))
    years |= {d[:4] for d in _event_dates(annotation)}
    for removed in article.removed:
        if removed.reason.startswith("timestamp"):
            years |= set(_YEAR.findall(removed.text))
    if article.published_at is not None:
        years |= set(_YEAR.findall(f"{article.published_at.year:04d}"))
    return years


@dataclass(frozen=True)
class ArticleSignals:
    """What grouping reads of an article and its annotation, small enough to keep per article:
    regrouping a whole store then loads these instead of every article's annotation."""

    names: tuple[str, ...] = ()  # name tokens: capitalised words inside sentences, entity names
    entities: tuple[str, ...] = ()  # entity canonical forms
    event_dates: tuple[str, ...] = ()  # resolved days it mentions (YYYY-MM-DD), sorted
    named_days: tuple[str, ...] = ()  # of those, the single days it names, sorted
    years: tuple[str, ...] = ()  # sorted
    lead_spans: tuple[tuple[int, int], ...] = ()  # its first sentences

    def to_bytes(self) -> bytes:
        return json.dumps([getattr(self, f.name) for f in fields(self)], separators=(",", ":")).encode()

    @classmethod
    def from_bytes(cls, data: bytes) -> ArticleSignals:
        names, entities, event_dates, named_days, years, spans = json.loads(data)
        return cls(tuple(names), tuple(entities), tuple(event_dates), tuple(named_days), tuple(years),
                   tuple((a, b) for a, b in spans))


SIGNALS_VERSION = "signals-1"  # bump when what ArticleSignals reads changes (kept in stores)


def article_signals(article: Article, annotation: Annotation | None) -> ArticleSignals:
    """Everything grouping needs of ``annotation`` (None: the article's own text only)."""
    return ArticleSignals(
        names=tuple(_name_tokens(article, annotation)),
        entities=tuple(_entity_names(annotation)),
        event_dates=tuple(sorted(_event_dates(annotation))),
        named_days=tuple(sorted(_named_days(annotation))),
        years=tuple(sorted(_years(article, annotation))),
        lead_spans=tuple((s.start, s.end) for s in annotation.sentences[:LEAD_SENTENCES]) if annotation else (),
    )


def _tfidf(docs: Sequence[Sequence[str]]) -> tuple[sparse.csr_matrix, list[str]]:
    """Sublinear TF-IDF over token lists, rows L2-normalised; vocabulary sorted."""
    matrix, terms, _, _ = _weigh(docs)
    return matrix, terms


def _weigh(docs: Sequence, analyzer=None):
    """(tf-idf, sorted vocabulary, sublinear counts, vectoriser) for documents.

    Same weighting as scikit-learn's TfidfVectorizer(sublinear_tf=True):
    tf = 1 + log(count), idf = ln((1 + n) / (1 + df)) + 1, rows L2-normalised.
    """
    from sklearn.feature_extraction.text import CountVectorizer

    vectoriser = CountVectorizer(analyzer=analyzer or _identity, dtype=np.float32)
    try:
        counts = _sublinear(vectoriser.fit_transform(list(docs)).tocsr())
    except ValueError:  # no token at all in any document
        empty = sparse.csr_matrix((len(docs), 0), dtype=np.float32)
        return empty, [], empty, None
    df = np.bincount(counts.indices, minlength=counts.shape[1])
    idf = (np.log((1 + counts.shape[0]) / (1 + df)) + 1).astype(np.float32)
    vectoriser.idf_ = idf
    matrix = _normalise(_scale_columns(counts, idf))
    return matrix, list(vectoriser.get_feature_names_out()), counts, vectoriser


def _scale_columns(matrix: sparse.csr_matrix, weights: np.ndarray) -> sparse.csr_matrix:
    out = matrix.copy()
    out.data = out.data * weights[out.indices]
    return out


def _identity(x):
    return x


@dataclass
class Profiles:
    """Everything grouping knows about a set of articles (rows in id order)."""

    articles: list[Article]
    text: sparse.csr_matrix
    terms: list[str]
    text_counts: sparse.csr_matrix  # sublinear counts (1 + log tf), for local IDF
    lead: sparse.csr_matrix
    names: sparse.csr_matrix
    name_terms: list[str]
    name_counts: sparse.csr_matrix
    numbers: sparse.csr_matrix
    dense: np.ndarray
    years: list[set[str]]
    dates: list[set[str]]
    entities: list[list[str]]
    published: list[date | None]
    event_days: list[frozenset[int]] = field(default_factory=list)  # day ordinals; empty: undated
    # each article's first sentence spans from its annotation (empty: segment when needed), so
    # titling a story reads no text twice
    lead_spans: list[tuple[tuple[int, int], ...]] = field(default_factory=list)

    @property
    def ids(self) -> list[str]:
        return [a.id for a in self.articles]


def _sublinear(matrix: sparse.csr_matrix) -> sparse.csr_matrix:
    out = matrix.astype(np.float32).tocsr(copy=True)
    out.data = 1.0 + np.log(out.data)
    return out


def build_profiles(
    articles: Sequence[Article], annotations: Mapping[str, Annotation | ArticleSignals], *, store=None,
    embedder=None,
) -> Profiles:
    """Profile articles (sorted by id, duplicates dropped); ``annotations`` maps an article id to
    its annotation or to the ArticleSignals read from it."""
    unique = {a.id: a for a in articles}
    ordered = [unique[i] for i in sorted(unique)]
    signals = []
    for article in ordered:
        known = annotations.get(article.id)
        signals.append(known if isinstance(known, ArticleSignals) else article_signals(article, known))
    # strings in, tokens made and dropped per article: no corpus of token lists in memory
    text_docs = [(a.title or "") + "\n" + a.text for a in ordered]
    text, terms, text_counts, vectoriser = _weigh(text_docs, analyzer=index_terms)
    lead = (
        _normalise(
            _scale_columns(
                _sublinear(vectoriser.transform([_lead(a) for a in ordered])),
                vectoriser.idf_,
            )
        )
        if vectoriser is not None
        else text
    )
    names, name_terms, name_counts, _ = _weigh([s.names for s in signals])
    numbers, _ = _tfidf([_NUMBER.findall(a.text) for a in ordered])
    published = [a.published_at.date() if a.published_at else None for a in ordered]
    return Profiles(
        articles=ordered,
        text=text,
        terms=terms,
        text_counts=text_counts,
        lead=lead,
        names=names,
        name_terms=name_terms,
        name_counts=name_counts,
        numbers=numbers,
        dense=embed_leads(ordered, store=store, embedder=embedder),
        years=[set(s.years) for s in signals],
        dates=[set(s.event_dates) for s in signals],
        entities=[list(s.entities) for s in signals],
        published=published,
        event_days=[_days_of_event(day, set(s.named_days)) for day, s in zip(published, signals, strict=True)],
        lead_spans=[s.lead_spans for s in signals],
    )


def _named_days(annotation: Annotation | None) -> set[str]:
    """Single days the article names ("on Tuesday", "March 3"), not weeks, months or years."""
    if annotation is None:
        return set()
    return {
        t.value[:10]
        for t in annotation.times
        if t.value and re.match(r"\d{4}-\d\d-\d\d", t.value) and (t.end_value or t.value)[:10] == t.value[:10]
    }


def _days_of_event(published: date | None, mentioned: set[str]) -> frozenset[int]:
    """Days (ordinals) an article may report on: its publication day and the days it names in
    the month before it ("on Tuesday", "March 3"). Empty when it has no publication date: the
    days it names then have no day of reporting to be checked against."""
    if published is None:
        return frozenset()
    day = published.toordinal()
    named = set()
    for value in mentioned:
        try:
            ordinal = date.fromisoformat(value).toordinal()
        except ValueError:
            continue
        if day - EVENT_LOOKBACK_DAYS <= ordinal <= day:
            named.add(ordinal)
    return frozenset({day} | named)


def _normalise(matrix: sparse.csr_matrix) -> sparse.csr_matrix:
    """Rows scaled to unit length (empty rows stay empty)."""
    out = matrix.tocsr(copy=True)
    lengths = np.diff(out.indptr)
    rows = np.repeat(np.arange(out.shape[0]), lengths)
    norms = np.sqrt(
        np.bincount(rows, weights=out.data.astype(np.float64) ** 2, minlength=out.shape[0])
    )
    norms[norms == 0] = 1
    out.data = (out.data / np.repeat(norms, lengths)).astype(np.float32)
    return out


def embed_leads(articles: Sequence[Article], *, store=None, embedder=None) -> np.ndarray:
    """MiniLM vectors of each article's lead, cached in the store by article id."""
    if embedder is None:
        from storylens.resources import get_embedder

        embedder = get_embedder()
    return cached_article_vectors(articles, embedder, EMBED_CACHE, _embed_text, store=store)


def cached_article_vectors(
    articles: Sequence[Article], embedder, cache: str, text_of: Callable[[Article], str], *, store=None
) -> np.ndarray:
    """The embedder's vector of ``text_of(article)`` per article, kept in the store's cache under
    ``cache`` and the embedder's name by article id, so an article is embedded once per store."""
    dim = int(getattr(embedder, "dim", 384))
    kind = f"{cache}:{getattr(embedder, 'name', type(embedder).__name__)}"
    out = np.zeros((len(articles), dim), dtype=np.float32)
    missing: list[int] = []
    stored = _cached(store, kind, [a.id for a in articles])
    for i, article in enumerate(articles):
        cached = stored.get(article.id)
        if cached is not None and len(cached) == dim * 4:
            out[i] = np.frombuffer(cached, dtype=np.float32)
        else:
            missing.append(i)
    if missing:
        vectors = embedder.embed([text_of(articles[i]) for i in missing])
        out[missing] = vectors
        if store is not None:
            store.put_cache(
                kind,
                (
                    (articles[i].id, vectors[k].astype(np.float32).tobytes())
                    for k, i in enumerate(missing)
                ),
            )
    return out


def _cached(store, kind: str, keys: list[str]) -> dict[str, bytes]:
    """The store's cached values of ``keys`` (in one query where the store can)."""
    if store is None:
        return {}
    if hasattr(store, "get_caches"):
        return store.get_caches(kind, keys)
    return {key: value for key in keys if (value := store.get_cache(kind, key)) is not None}


# --------------------------------------------------------------------------- candidates


def candidate_pairs(profiles: Profiles, neighbours: int = NEIGHBOURS) -> np.ndarray:
    """Pairs (i < j) worth scoring: each article's nearest neighbours by TF-IDF.

    Search goes through an inverted index of salient terms: a query uses only
    its article's top terms, and terms carried by too many articles (over
    MAX_POSTING) are not looked up, so each query touches a bounded number of
    postings and cost grows about linearly with the corpus, never all-pairs.
    """
    n = len(profiles.articles)
    if n < 2:
        return np.zeros((0, 2), dtype=np.int64)
    text = profiles.text
    df = np.bincount(text.indices, minlength=text.shape[1])
    usable = (df > 1) & (df <= MAX_POSTING)
    queries = _salient_rows(text, usable)
    index = text[:, usable].T.tocsr()  # term -> postings (inverted index)
    query_terms = queries[:, usable]
    found_pairs = []
    for begin in range(0, n, QUERY_CHUNK):
        scores = (query_terms[begin : begin + QUERY_CHUNK] @ index).tocsr()
        for offset in range(scores.shape[0]):
            i = begin + offset
            lo, hi = scores.indptr[offset], scores.indptr[offset + 1]
            found, sims = scores.indices[lo:hi], scores.data[lo:hi]
            keep = found != i
            found, sims = found[keep], sims[keep]
            if len(found) > neighbours:
                found = found[np.lexsort((found, -sims))[:neighbours]]
            found_pairs.append(np.stack([np.full(len(found), i), found], axis=1))
    pairs = np.sort(np.concatenate(found_pairs), axis=1).astype(np.int64)
    pairs = np.unique(pairs, axis=0).reshape(-1, 2)
    return pairs[_within_window(profiles, pairs)]


def _salient_rows(text: sparse.csr_matrix, usable: np.ndarray) -> sparse.csr_matrix:
    """Each row cut to its SALIENT_TERMS heaviest usable terms (the query)."""
    rows, cols, vals = [], [], []
    for i in range(text.shape[0]):
        lo, hi = text.indptr[i], text.indptr[i + 1]
        idx, data = text.indices[lo:hi], text.data[lo:hi]
        ok = usable[idx]
        idx, data = idx[ok], data[ok]
        top = np.lexsort((idx, -data))[:SALIENT_TERMS]
        rows.extend([i] * len(top))
        cols.extend(idx[top].tolist())
        vals.extend(data[top].tolist())
    return sparse.csr_matrix((vals, (rows, cols)), shape=text.shape, dtype=np.float32)


def _within_window(profiles: Profiles, pairs: np.ndarray) -> np.ndarray:
    """False for pairs whose publication days are both known and MAX_GAP_DAYS apart."""
    days = np.array(
        [d.toordinal() if d is not None else -1 for d in profiles.published], dtype=np.int64
    )
    a, b = days[pairs[:, 0]], days[pairs[:, 1]]
    return (a < 0) | (b < 0) | (np.abs(a - b) <= MAX_GAP_DAYS)


# --------------------------------------------------------------------------- pair scores


def _row_dots(matrix: sparse.csr_matrix, pairs: np.ndarray, chunk: int = 4096) -> np.ndarray:
    """Dot product of the two rows of each pair, in chunks so memory stays bounded."""
    out = np.zeros(len(pairs), dtype=np.float32)
    if len(pairs) == 0 or matrix.shape[1] == 0:
        return out
    for begin in range(0, len(pairs), chunk):
        part = pairs[begin : begin + chunk]
        products = matrix[part[:, 0]].multiply(matrix[part[:, 1]])
        out[begin : begin + len(part)] = np.asarray(products.sum(axis=1)).ravel()
    return out


def _local_similarity(
    counts: sparse.csr_matrix, blocks: np.ndarray, pairs: np.ndarray
) -> np.ndarray:
    """Cosine with IDF computed inside each topic block: shared topic words weigh ~0."""
    if counts.shape[1] == 0 or len(pairs) == 0:
        return np.zeros(len(pairs), dtype=np.float32)
    counts = counts.tocsr()
    rows = np.repeat(np.arange(counts.shape[0]), np.diff(counts.indptr))
    block_of_entry = blocks[rows]
    key = block_of_entry.astype(np.int64) * counts.shape[1] + counts.indices
    _, inverse, df = np.unique(key, return_inverse=True, return_counts=True)
    block_size = np.bincount(blocks, minlength=int(blocks.max()) + 1)
    idf = np.log((block_size[block_of_entry] + 1) / (df[inverse] + 1))
    weighted = counts.copy()
    weighted.data = (counts.data * idf).astype(np.float32)
    out = _row_dots(_normalise(weighted), pairs)
    out[blocks[pairs[:, 0]] != blocks[pairs[:, 1]]] = 0.0
    return out


def pair_features(profiles: Profiles, pairs: np.ndarray) -> np.ndarray:
    """The eight similarities and the day gap of FEATURES for each candidate pair."""
    n = len(profiles.articles)
    text = _row_dots(profiles.text, pairs)
    blocks = average_link(n, pairs, text, BLOCK_THRESHOLD)
    years = np.array(
        [_year_agreement(profiles.years[i], profiles.years[j]) for i, j in pairs], dtype=np.float32
    )
    dense = (
        np.einsum("ij,ij->i", profiles.dense[pairs[:, 0]], profiles.dense[pairs[:, 1]])
        if len(pairs)
        else np.zeros(0, dtype=np.float32)
    )
    return np.stack(
        [
            text,
            dense.astype(np.float32),
            years,
            _row_dots(profiles.lead, pairs),
            _row_dots(profiles.names, pairs),
            _row_dots(profiles.numbers, pairs),
            _local_similarity(profiles.text_counts, blocks, pairs),
            _local_similarity(profiles.name_counts, blocks, pairs),
            days_apart(profiles, pairs),
        ],
        axis=1,
    ).reshape(len(pairs), len(FEATURES))


def days_apart(profiles: Profiles, pairs: np.ndarray) -> np.ndarray:
    """Weeks between two articles' events beyond NEWS_CYCLE_DAYS; 0 unless both are dated.

    Two reports of one event come out within a few days of it, or name its day when they
    come later; two events of one kind (two quakes, two strikes) weeks apart share every
    topic word, and the days between them are what tells them apart. The gap is the
    smallest between the articles' event days (_days_of_event), so a follow-up that names
    the day of the event is not penalised for its later publication. A pair with an
    undated article scores 0, like the undated copy of the pairs the model was fitted on.
    """
    out = np.zeros(len(pairs), dtype=np.float32)
    if len(pairs) == 0:
        return out
    days = profiles.event_days
    published = np.array([d.toordinal() if d else -1 for d in profiles.published], dtype=np.int64)
    a, b = published[pairs[:, 0]], published[pairs[:, 1]]
    gap = np.abs(a - b)
    # the event gap is never wider than the publication gap: only far publications need a look
    far = (a >= 0) & (b >= 0) & (gap > NEWS_CYCLE_DAYS)
    names_days = np.array([len(d) > 1 for d in days], dtype=bool)
    for k in np.nonzero(far & (names_days[pairs[:, 0]] | names_days[pairs[:, 1]]))[0].tolist():
        gap[k] = min(abs(x - y) for x in days[pairs[k, 0]] for y in days[pairs[k, 1]])
    out[far] = np.maximum(0, gap[far] - NEWS_CYCLE_DAYS) / 7
    return out


def _year_agreement(a: set[str], b: set[str]) -> float:
    """+1 when both mention a common year, -1 when both mention years but none in common."""
    if not a or not b:
        return 0.0
    return 1.0 if a & b else -1.0


def pair_probability(features: np.ndarray, weights=WEIGHTS, bias: float = BIAS) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-(features @ weights + bias)))


# --------------------------------------------------------------------------- clustering


@dataclass
class Constraints:
    """User corrections as constraints between article ids.

    ``must``: groups of articles that belong together; ``cannot``: pairs that
    never share a story.
    """

    must: list[frozenset[str]] = field(default_factory=list)
    cannot: set[frozenset[str]] = field(default_factory=set)

    @property
    def empty(self) -> bool:
        return not self.must and not self.cannot

    def together(self, a: str, b: str) -> bool:
        return any(a in g and b in g for g in self.must)


def constraints_from(corrections: Iterable[dict]) -> Constraints:
    """Replay corrections oldest first; a later correction overrides an earlier one."""
    result = Constraints()
    for item in corrections:
        kind = item.get("kind")
        if kind == "merge":
            chosen = frozenset(item.get("article_ids", ()))
            result.must.append(chosen)
            result.cannot = {p for p in result.cannot if not p <= chosen}
        elif kind == "split":
            moved = frozenset(item.get("article_ids", ()))
            rest = sorted(set(item.get("others", ())) - moved)
            groups = []
            for g in result.must:  # a group the split cuts through falls in two
                groups.extend(part for part in (g & moved, g - moved) if len(part) > 1)
            result.must = groups + ([moved] if len(moved) > 1 else [])
            result.cannot |= {frozenset((a, b)) for a in moved for b in rest}
    return result


def average_link(
    n: int,
    pairs: np.ndarray,
    scores: np.ndarray,
    threshold: float,
    *,
    must: Iterable[tuple[int, int]] = (),
    cannot: Iterable[tuple[int, int]] = (),
    neighbours: int = NEIGHBOURS,
) -> np.ndarray:
    """Average-link agglomeration over a sparse graph; returns a label per node.

    Missing pairs count as 0. The average divides by min(|A||B|, k·min(|A|,|B|)):
    exact average link while stories are smaller than the candidate list, and
    no penalty for edges the index never looked at once they are larger.
    Must-link pairs are merged first; clusters holding a cannot-link pair never
    merge. Ties break on the smaller node index, so the result is a function
    of the graph alone.
    """
    parent = list(range(n))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    size = [1] * n
    links: list[dict[int, float]] = [dict() for _ in range(n)]
    banned: list[set[int]] = [set() for _ in range(n)]  # node -> nodes it may never join
    for a, b in cannot:
        banned[a].add(b)
        banned[b].add(a)
    members: list[list[int]] = [[i] for i in range(n)]
    for (a, b), s in zip(pairs.tolist(), scores.tolist(), strict=True):
        if a == b:
            continue
        links[a][b] = links[a].get(b, 0.0) + s
        links[b][a] = links[b].get(a, 0.0) + s

    def forbidden(a: int, b: int) -> bool:
        small, large = (a, b) if size[a] <= size[b] else (b, a)
        large_members = set(members[large])
        return any(banned[x] & large_members for x in members[small])

    def union(a: int, b: int) -> int:
        keep, gone = (a, b) if a < b else (b, a)
        parent[gone] = keep
        size[keep] += size[gone]
        members[keep].extend(members[gone])
        members[gone] = []
        for other, s in links[gone].items():
            if other == keep:
                continue
            links[keep][other] = links[keep].get(other, 0.0) + s
            del links[other][gone]
            links[other][keep] = links[other].get(keep, 0.0) + s
        links[keep].pop(gone, None)
        links[gone] = {}
        return keep

    for a, b in sorted(tuple(sorted(p)) for p in must):
        ra, rb = find(a), find(b)
        if ra != rb and not forbidden(ra, rb):
            union(ra, rb)

    def linkage(a: int, b: int) -> float:
        denominator = min(size[a] * size[b], neighbours * min(size[a], size[b]))
        return links[a].get(b, 0.0) / denominator

    heap = []
    for a in range(n):
        if find(a) != a:
            continue
        for b in links[a]:
            if a < b:
                heap.append((-linkage(a, b), a, b, size[a], size[b]))
    heapq.heapify(heap)
    while heap:
        neg, a, b, sa, sb = heapq.heappop(heap)
        if -neg < threshold:
            break
        if find(a) != a or find(b) != b or size[a] != sa or size[b] != sb:
            continue  # stale entry
        if forbidden(a, b):
            continue
        keep = union(a, b)
        for other in sorted(links[keep]):
            lo, hi = min(keep, other), max(keep, other)
            heapq.heappush(heap, (-linkage(lo, hi), lo, hi, size[lo], size[hi]))
    return np.array([find(i) for i in range(n)], dtype=np.int64)


def attach_singletons(
    labels: np.ndarray,
    pairs: np.ndarray,
    scores: np.ndarray,
    threshold: float,
    *,
    cannot: Iterable[tuple[int, int]] = (),
    locked: set[int] = frozenset(),
    neighbours: int = NEIGHBOURS,
) -> np.ndarray:
    """A lone article joins the story it fits best (average link) above ``threshold``."""
    labels = labels.copy()
    sizes = Counter(labels.tolist())
    banned: dict[int, set[int]] = defaultdict(set)
    for a, b in cannot:
        banned[a].add(b)
        banned[b].add(a)
    sums: dict[int, dict[int, float]] = defaultdict(dict)
    for (a, b), s in zip(pairs.tolist(), scores.tolist(), strict=True):
        for x, y in ((a, b), (b, a)):
            if sizes[labels[x]] == 1 and sizes[labels[y]] > 1:
                sums[x][int(labels[y])] = sums[x].get(int(labels[y]), 0.0) + s
    members: dict[int, set[int]] = defaultdict(set)
    for i, lab in enumerate(labels.tolist()):
        members[lab].add(i)
    moves = []
    for x in sorted(sums):
        if x in locked:
            continue
        best = None
        for lab, total in sorted(sums[x].items()):
            if banned[x] & members[lab]:
                continue
            score = total / min(sizes[lab], neighbours)
            if best is None or score > best[0]:
                best = (score, lab)
        if best and best[0] >= threshold:
            moves.append((best[0], x, best[1]))
    # decided against the grouping before any move (order-free); two lone articles that must
    # stay apart and chose the same story: the better fit joins it
    joined: dict[int, set[int]] = defaultdict(set)
    for _, x, lab in sorted(moves, key=lambda move: (-move[0], move[1])):
        if banned[x] & joined[lab]:
            continue
        joined[lab].add(x)
        labels[x] = lab
    return labels


# --------------------------------------------------------------------------- the stage


def group_articles(
    articles: Sequence[Article],
    annotations: Mapping[str, Annotation],
    *,
    store=None,
    embedder=None,
    corrections: Sequence[dict] | None = None,
) -> list[StoryGroup]:
    """Group articles into same-event stories (see the module docstring)."""
    if not articles:
        return []
    profiles = build_profiles(articles, annotations, store=store, embedder=embedder)
    if corrections is None:
        corrections = store.corrections() if store is not None else []
    constraints = constraints_from(corrections)
    pairs = candidate_pairs(profiles)
    features = pair_features(profiles, pairs)
    probability = pair_probability(features)
    if needs_multilingual(profiles.articles):
        pairs, probability = across_languages(profiles, pairs, probability, store=store)
    labels, corrected = cluster(profiles, pairs, probability, constraints)
    return build_groups(profiles, labels, pairs, probability, features, corrected)


def across_languages(
    profiles: Profiles, pairs: np.ndarray, probability: np.ndarray, *, store=None, embedder=None,
    extra: np.ndarray | None = None, scores_only: bool = False,
) -> tuple[np.ndarray, np.ndarray]:
    """Pairs with an article not in English, proposed and scored by the multilingual model
    (group_across_languages); English pairs keep their score. ``extra``: pairs to score too;
    ``scores_only``: the model's probabilities as they are, without grouping's floor."""
    articles = profiles.articles
    vectors = multilingual_vectors(articles, store=store, embedder=embedder)
    english = ~crosslingual_mask(articles, pairs)
    proposed = [pairs[~english], xl_candidate_pairs(articles, vectors)]
    if extra is not None and len(extra):
        proposed.append(extra[crosslingual_mask(articles, extra)])
    foreign = np.unique(np.concatenate(proposed).reshape(-1, 2), axis=0).reshape(-1, 2)
    foreign = foreign[_within_window(profiles, foreign)]
    foreign_probability = xl_pair_probability(xl_pair_features(articles, vectors, foreign))
    if not scores_only:
        foreign_probability = grouping_score(foreign_probability)
    all_pairs = np.concatenate([pairs[english], foreign]).reshape(-1, 2)
    all_probability = np.concatenate([probability[english], foreign_probability]).astype(np.float32)
    order = np.lexsort((all_pairs[:, 1], all_pairs[:, 0]))
    return all_pairs[order], all_probability[order]


def article_pair_scores(
    articles: Sequence[Article], annotations: Mapping[str, Annotation], pairs: Sequence[tuple[str, str]],
    *, store=None,
) -> np.ndarray:
    """The grouping model's probability that each pair of articles (by id) reports one story,
    read against all ``articles`` as one batch (TF-IDF weights and topic blocks are the batch's)."""
    profiles = build_profiles(articles, annotations, store=store)
    index = {a: i for i, a in enumerate(profiles.ids)}
    rows = np.array([sorted((index[a], index[b])) for a, b in pairs], dtype=np.int64).reshape(-1, 2)
    probability = pair_probability(pair_features(profiles, rows))
    if needs_multilingual(profiles.articles):
        scored, scores = across_languages(profiles, rows, probability, store=store, extra=rows, scores_only=True)
        lookup = {tuple(p): s for p, s in zip(scored.tolist(), scores.tolist(), strict=True)}
        probability = np.array([lookup.get(tuple(r), 0.0) for r in rows.tolist()], dtype=np.float32)
    return probability


def sub_events(articles: Sequence[Article], annotations: Mapping[str, Annotation]) -> dict[str, int] | None:
    """Which event each article of one story reports, by the story-grouping model.

    A story analysed as one may mix two events of a kind (two arrests, two
    quakes); grouping its articles again, without the user's corrections,
    tells them apart, and compare keeps claims of articles about different
    events from becoming one fact. Only groups of at least EVENT_MIN_ARTICLES
    count: an article or two split off from the rest is as often a report
    grouping misread as another event. None when the story is one event.
    """
    if len(articles) < 2 * EVENT_MIN_ARTICLES:
        return None
    annotations = {a.id: annotations.get(a.id, Annotation()) for a in articles}
    groups = [g for g in group_articles(articles, annotations, corrections=[]) if len(g.article_ids) >= EVENT_MIN_ARTICLES]
    if len(groups) < 2:
        return None
    return {a: k for k, g in enumerate(groups) for a in g.article_ids}


def cluster(
    profiles: Profiles,
    pairs: np.ndarray,
    probability: np.ndarray,
    constraints: Constraints,
    *,
    merge_threshold: float = MERGE_THRESHOLD,
    attach_threshold: float = ATTACH_THRESHOLD,
) -> tuple[np.ndarray, set[int]]:
    """Labels per article row, and the rows whose placement a correction fixed."""
    index = {a: i for i, a in enumerate(profiles.ids)}

    must = []
    for group in constraints.must:
        rows = sorted(index[a] for a in group if a in index)
        must.extend(zip(rows, rows[1:], strict=False))
    cannot = sorted(
        tuple(sorted(index[a] for a in pair))
        for pair in constraints.cannot
        if all(a in index for a in pair)
    )
    corrected = {i for p in must + cannot for i in p}
    n = len(profiles.articles)
    labels = average_link(n, pairs, probability, merge_threshold, must=must, cannot=cannot)
    labels = attach_singletons(
        labels, pairs, probability, attach_threshold, cannot=cannot, locked=corrected
    )
    return labels, corrected


def build_groups(
    profiles: Profiles,
    labels: np.ndarray,
    pairs: np.ndarray,
    probability: np.ndarray,
    features: np.ndarray,
    corrected: set[int] = frozenset(),
) -> list[StoryGroup]:
    """StoryGroups with a representative title and a reason per article."""
    clusters: dict[int, list[int]] = defaultdict(list)
    for row, lab in enumerate(labels.tolist()):
        clusters[lab].append(row)
    score_sum = np.zeros(len(profiles.articles))
    for (a, b), p in zip(pairs.tolist(), probability.tolist(), strict=True):
        if labels[a] == labels[b]:
            score_sum[a] += p
            score_sum[b] += p
    groups = []
    for rows in clusters.values():
        rows.sort(key=lambda r: order_key(profiles.articles[r]))
        groups.append(_story(profiles, rows, score_sum, corrected))
    groups.sort(key=lambda g: (-len(g.article_ids), g.id))
    return groups


def _story(
    profiles: Profiles, rows: list[int], score_sum: np.ndarray, corrected: set[int]
) -> StoryGroup:
    ids = tuple(profiles.articles[r].id for r in rows)
    if len(rows) == 1:
        r = rows[0]
        return StoryGroup(
            id=story_id(ids),
            title=story_title([profiles.articles[r]], _leads(profiles, [r])),
            article_ids=ids,
            reasons=(GroupingReason(article_id=ids[0], score=1.0, corrected=r in corrected),),
        )
    # average probability over the pairs the index compared (at most NEIGHBOURS each)
    others = min(len(rows) - 1, NEIGHBOURS)
    scores = {r: float(score_sum[r]) / others for r in rows}
    medoid = max(rows, key=lambda r: (scores[r], -rows.index(r)))
    entity_count = Counter(e for r in rows for e in set(profiles.entities[r]))
    name_count = Counter(t for r in rows for t in _row(profiles.names, r)[0].tolist())
    date_count = Counter(d for r in rows for d in profiles.dates[r] | profiles.years[r])
    centroid: Counter = Counter()
    for r in rows:
        indices, data = _row(profiles.text, r)
        centroid.update(dict(zip(indices.tolist(), data.tolist(), strict=True)))
    reasons = []
    for r in rows:
        reasons.append(
            GroupingReason(
                article_id=profiles.articles[r].id,
                score=round(min(scores[r], 1.0), 4),
                shared_entities=_shared(profiles, r, entity_count, name_count),
                shared_terms=_shared_terms(profiles, r, centroid),
                shared_dates=tuple(
                    sorted(d for d in profiles.dates[r] | profiles.years[r] if date_count[d] > 1)
                )[:6],
                corrected=r in corrected,
            )
        )
    return StoryGroup(
        id=story_id(ids),
        # the medoid's headline, else the earliest article's with one, else a lead's clause
        title=story_title([profiles.articles[r] for r in sorted(rows, key=lambda r: r != medoid)],
                          _leads(profiles, rows)),
        article_ids=ids,
        reasons=tuple(reasons),
    )


def _row(matrix: sparse.csr_matrix, row: int) -> tuple[np.ndarray, np.ndarray]:
    """(column indices, values) of one CSR row, without building a matrix."""
    lo, hi = matrix.indptr[row], matrix.indptr[row + 1]
    return matrix.indices[lo:hi], matrix.data[lo:hi]


def _shared(profiles, r, entity_count, name_count) -> tuple[str, ...]:
    if profiles.entities[r]:
        seen = Counter(profiles.entities[r])
        shared = [e for e in seen if entity_count[e] > 1]
        shared.sort(key=lambda e: (-entity_count[e], -seen[e], e))
        if shared:
            return tuple(shared[:8])
    indices, data = _row(profiles.names, r)
    tokens = [
        (name_count[c], float(w), c)
        for c, w in zip(indices.tolist(), data.tolist(), strict=True)
        if name_count[c] > 1
    ]
    tokens.sort(key=lambda t: (-t[0], -t[1], t[2]))
    return tuple(profiles.name_terms[c].title() for _, _, c in tokens[:8])


def _shared_terms(profiles: Profiles, r: int, centroid: Counter) -> tuple[str, ...]:
    """The article's terms weighted by how much the rest of its story uses them."""
    indices, data = _row(profiles.text, r)
    others = np.array([centroid[c] for c in indices.tolist()], dtype=np.float32) - data
    weight = data * others
    order = np.lexsort((indices, -weight))
    return tuple(profiles.terms[indices[k]] for k in order[:8] if weight[k] > 1e-6)


def _leads(profiles: Profiles, rows: Sequence[int]) -> dict[str, tuple[tuple[int, int], ...]]:
    """Article id -> its annotated lead sentences, where the annotation has them."""
    if not profiles.lead_spans:
        return {}
    return {profiles.articles[r].id: profiles.lead_spans[r] for r in rows if profiles.lead_spans[r]}


def title_of(article: Article) -> str:
    """A story's title from one article (its headline, else a clause of its lead)."""
    return story_title([article])
