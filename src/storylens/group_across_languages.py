"""Story grouping across languages (issue 18): an Arabic and an English report of one event.

group.py's pair model reads words: TF-IDF, English names and MiniLM (an English model).
A report in another language shares almost no words with the English ones, so its pairs
are proposed and scored here instead, for every pair in which one article is not in
English (the English pairs keep group.py's model untouched):

- candidates: each such article's nearest articles by a multilingual embedding
  (multilingual-e5-small, ``resources.MultilingualEmbedder``) of its lead;
- score: a logistic model over that cosine and evidence no language changes - the
  numbers both give (in any script's digits; days of the month left out), the years they
  mention, and the names both write in Latin script - and whether the two are in one
  language (the model's cosines run higher within a language than across) - fitted on the SemEval 2022 task 8 article pairs
  (``bench/crosslingual.py --calibrate``, train half; the other half is held out).

The multilingual model is ~4x slower than MiniLM, so it runs only when the batch holds an
article not in English: then every article's lead is embedded once (cached in the store by
article id), one lead per article.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

import numpy as np

from storylens.annotate.multilingual import ascii_digits
from storylens.lexicon.languages import base_code
from storylens.lexicon.words import stop_words
from storylens.records import Article

XL_FEATURES = ("dense", "numbers", "years", "names", "same_language")
# Fitted by `bench/crosslingual.py --calibrate` (SemEval train half, pairs with an article
# not in English; label: Overall <= 2, "the same event").
XL_WEIGHTS = np.array([19.62, 1.03, 0.12, 3.26, -1.24])
XL_BIAS = -16.84
# Below this a cross-language pair is no evidence at all: on the SemEval train half, pairs
# scored 0.1-0.3 were another event 83-91% of the time, and group.py lets a lone article join
# a story at an average of 0.1 (a threshold fitted for the sharper English model).
XL_MIN_PROBABILITY = 0.3
XL_NEIGHBOURS = 10  # candidates per article not in English
XL_EMBED_CHARS = 600  # title and opening read by the multilingual model (~150 tokens)
XL_CACHE = "group-embed-xl-v1"

_NUMBER = re.compile(r"(?<![\d.,])\d[\d,.]*\d|(?<![\d.,])\d{2,}")
DAY_OF_MONTH = 31  # smaller numbers are as often days of a date as counts: no evidence
_YEAR = re.compile(r"(?<!\d)(19[5-9]\d|20[0-4]\d)(?!\d)")
_LATIN_NAME = re.compile(r"\b[A-Z][A-Za-z'’-]{2,}\b|\b[A-Z]{2,}\b")


def is_english(article: Article) -> bool:
    """Unknown counts as English, as annotation takes it."""
    return base_code(article.language) in (None, "en")


def _language(article: Article) -> str:
    return base_code(article.language) or "en"


def needs_multilingual(articles: Sequence[Article]) -> bool:
    """The batch holds an article the English models cannot read."""
    return any(not is_english(a) for a in articles)


def lead_text(article: Article) -> str:
    text = article.text.strip()
    title = (article.title or "").strip()
    if title and not text.startswith(title):
        text = title + "\n" + text
    if len(text) <= XL_EMBED_CHARS:
        return text
    return text[:XL_EMBED_CHARS].rsplit(" ", 1)[0]


def multilingual_vectors(articles: Sequence[Article], *, store=None, embedder=None) -> np.ndarray:
    """Multilingual vectors of each article's lead, cached in the store by article id."""
    from storylens.group import cached_article_vectors  # group imports this module at load

    if embedder is None:
        from storylens.resources import get_multilingual_embedder

        embedder = get_multilingual_embedder()
    return cached_article_vectors(articles, embedder, XL_CACHE, lead_text, store=store)


def evidence(article: Article) -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    """(numbers, years, Latin-script names) of an article: what reads the same in any language."""
    text = ascii_digits((article.title or "") + "\n" + article.text)
    numbers = frozenset(n for n in (re.sub(r"[.,]", "", n) for n in _NUMBER.findall(text))
                        if int(n) > DAY_OF_MONTH or len(n) > 2)
    years = frozenset(_YEAR.findall(text))
    stop = stop_words()
    names = frozenset(w.lower() for w in _LATIN_NAME.findall(text) if w.lower() not in stop)
    return numbers - years, years, names


def _overlap(a: frozenset[str], b: frozenset[str]) -> float:
    """Shared items over the geometric mean of the two sets' sizes (0 when either is empty)."""
    if not a or not b:
        return 0.0
    return len(a & b) / math.sqrt(len(a) * len(b))


def _years(a: frozenset[str], b: frozenset[str]) -> float:
    if not a or not b:
        return 0.0
    return 1.0 if a & b else -1.0


def candidate_pairs(articles: Sequence[Article], vectors: np.ndarray, neighbours: int = XL_NEIGHBOURS) -> np.ndarray:
    """Pairs (i < j) with an article not in English and one of its nearest articles by the vectors."""
    foreign = np.array([not is_english(a) for a in articles])
    rows = np.flatnonzero(foreign)
    if len(articles) < 2 or len(rows) == 0:
        return np.zeros((0, 2), dtype=np.int64)
    found = []
    for begin in range(0, len(rows), 256):
        part = rows[begin : begin + 256]
        sims = vectors[part] @ vectors.T
        sims[np.arange(len(part)), part] = -np.inf
        k = min(neighbours, len(articles) - 1)
        top = np.argpartition(-sims, k - 1, axis=1)[:, :k]
        for r, i in enumerate(part):
            found.extend((min(i, j), max(i, j)) for j in top[r].tolist())
    # an English article's nearest foreign articles too (a lone English report of a foreign story)
    english = np.flatnonzero(~foreign)
    for begin in range(0, len(english), 256):
        part = english[begin : begin + 256]
        sims = vectors[part] @ vectors[rows].T
        k = min(neighbours, len(rows))
        top = np.argpartition(-sims, k - 1, axis=1)[:, :k]
        for r, i in enumerate(part):
            found.extend((min(i, int(rows[j])), max(i, int(rows[j]))) for j in top[r].tolist())
    return np.array(sorted(set(found)), dtype=np.int64).reshape(-1, 2)


def pair_features(articles: Sequence[Article], vectors: np.ndarray, pairs: np.ndarray) -> np.ndarray:
    """The XL_FEATURES of each pair."""
    facts = [evidence(a) for a in articles]
    out = np.zeros((len(pairs), len(XL_FEATURES)), dtype=np.float32)
    for k, (i, j) in enumerate(pairs.tolist()):
        (na, ya, la), (nb, yb, lb) = facts[i], facts[j]
        same = float(_language(articles[i]) == _language(articles[j]))
        out[k] = (float(vectors[i] @ vectors[j]), _overlap(na, nb), _years(ya, yb), _overlap(la, lb), same)
    return out


def pair_probability(features: np.ndarray, weights=XL_WEIGHTS, bias: float = XL_BIAS) -> np.ndarray:
    """The model's probability that the two report one story (the SemEval-calibrated score)."""
    return 1.0 / (1.0 + np.exp(-(features @ weights + bias)))


def grouping_score(probability: np.ndarray, floor: float = XL_MIN_PROBABILITY) -> np.ndarray:
    """The probability as grouping reads it: below ``floor``, 0."""
    return np.where(probability >= floor, probability, 0.0).astype(np.float32)


def crosslingual_mask(articles: Sequence[Article], pairs: np.ndarray) -> np.ndarray:
    """True for pairs the multilingual model scores: one of the two is not in English."""
    foreign = np.array([not is_english(a) for a in articles], dtype=bool)
    if len(pairs) == 0:
        return np.zeros(0, dtype=bool)
    return foreign[pairs[:, 0]] | foreign[pairs[:, 1]]
