"""Duplicates and syndication: which articles are one source, not several.

Later stages count *independent* outlets, so wire copy republished by many
outlets must count once. Two signals:

* shared text: MinHash LSH over word 5-gram shingles finds candidate pairs
  in near-linear time; each candidate pair is then checked exactly. Outlets
  trim and lightly edit wire copy, so the test is *containment* (the share of
  the shorter article's shingles found in the longer one), not only Jaccard;
* an agency credit: a dateline "KABUL (Reuters) -", a standalone "— AFP" or
  "With news agencies" line (kept or removed by cleaning), a wire byline.

Articles linked by shared text form a component; a component with a credit
is named after the agency ("wire:reuters"), others "syn-<first article id>".
Every article credited to the same agency shares that group. Near-duplicates
(Jaccard >= 0.8) also get ``duplicate_of``: the earliest-published copy
(ties broken by id). Everything depends only on the set of articles, never
on their order.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from functools import lru_cache

import numpy as np
from datasketch import MinHash, MinHashLSH

from storylens.clean.boilerplate import is_prose
from storylens.lexicon.agencies import AGENCY_GROUPS, ANY_AGENCY, GENERIC
from storylens.lexicon.datelines import AGENCY_DATELINE, CREDIT_DATELINE
from storylens.lexicon.words import word_count
from storylens.records import Article

SHINGLE_WORDS = 5
NUM_PERM = 128
LSH_THRESHOLD = 0.2  # candidate recall for trimmed copies; pairs are verified exactly
SYNDICATION_CONTAINMENT = 0.5  # share of the shorter article found in the longer one
MIN_SHARED_SHINGLES = 15  # a shared quote or two is not a shared article
NEAR_DUPLICATE_JACCARD = 0.8

_I = re.IGNORECASE

# A whole line that only credits agencies: "— Reuters", "With news agencies",
# "Source: AFP", "By ASSOCIATED PRESS", "Copyright 2021 The Associated Press. All rights reserved."
_CREDIT_LINE = re.compile(
    r"^(?:(?:with|from|source|sources|credit|credits|by|via|copyright|©|\(c\))\s*:?\s*"
    r"(?:\d{4}\s*)?)*(?:the\s+)?(?:"
    + ANY_AGENCY
    + r")(?:\s*(?:,|and|&|/)\s*(?:the\s+)?(?:"
    + ANY_AGENCY
    + r"))*\s*[.,]?\s*(?:(?:staff|all\s+rights\s+reserved)\.?)?\s*$",
    _I,
)
_AGENCY_IN_LINE = re.compile(r"\b(?:" + AGENCY_GROUPS + r")\b", _I)
_STORY_BY = re.compile(
    r"^this\s+(?:story|article|report)\s+(?:was|has\s+been)\s+(?:reported|written|produced|"
    r"provided|published)\s+by\s+(?:the\s+)?(?:" + AGENCY_GROUPS + r")",
    _I,
)
# A closing line naming a wire service: "— Meridian Press", "- Baltic News Agency".
_CLOSING_WIRE = re.compile(
    r"^[-—–]\s*(?P<name>(?:[A-Z][\w&.'’-]*\s+){0,3}(?:Press|News|Agency|Wire|Service|Agence|"
    r"Presse|Newswire))\s*\.?$"
)
# Reuters' house sign-off: "(Reporting by A; Additional reporting by B; Editing by C)".
_REUTERS_SIGNOFF = re.compile(
    r"^(?:additional\s+)?reporting\s+by\b[^;]*(?:;[^;]*)*;\s*(?:writing|editing)\s+by\b", _I
)
_EDGE = "-–—*•·|[](){}<> \t"
_CREDIT_REASONS = ("credit-line", "copyright", "byline")


def _agencies_named(text: str) -> set[str]:
    return {
        slug
        for match in _AGENCY_IN_LINE.finditer(text)
        for slug, value in match.groupdict().items()
        if value
    }


def agency_credits(article: Article) -> set[str]:
    """Agencies the article is credited to (slugs such as 'reuters', 'afp')."""
    credits: set[str] = set()
    paragraphs = article.text.split("\n\n")
    for paragraph in paragraphs[:3]:  # the dateline may follow a headline or a byline
        match = AGENCY_DATELINE.match(paragraph)
        if match:
            credits.update(slug for slug, value in match.groupdict().items() if value)
        elif generic := CREDIT_DATELINE.match(paragraph):
            credits.add(_slug(generic.group("name")))
    lines = [p for p in paragraphs if len(p) <= 120]
    lines += [
        r.text
        for r in article.removed
        if r.reason.split(":")[0] in _CREDIT_REASONS and not r.reason.endswith("(mid-text)")
    ]
    if article.author:
        lines.append(article.author)
    signed_off = False
    for line in lines:
        core = line.strip(_EDGE)
        if _CREDIT_LINE.match(core) or _STORY_BY.match(core):
            credits |= _agencies_named(core)
        elif closing := _CLOSING_WIRE.match(line.strip()):
            credits.add(_slug(closing.group("name")))
        elif _REUTERS_SIGNOFF.match(core):
            signed_off = True
    if signed_off and not credits:  # the house style says Reuters when nothing else does
        credits.add("reuters")
    return credits


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


# --------------------------------------------------------------------------- shingles


_TOKEN = re.compile(r"\w+")
_MASK32 = np.uint64(0xFFFFFFFF)
_RNG = np.random.default_rng(20240601)  # fixed: signatures must agree across runs
_CHAR_POWERS = _RNG.integers(1, 2**63, size=64, dtype=np.uint64) | np.uint64(1)
_PERM_A = _RNG.integers(1, 2**63, size=NUM_PERM, dtype=np.uint64) | np.uint64(1)
_PERM_B = _RNG.integers(0, 2**63, size=NUM_PERM, dtype=np.uint64)


def _word_codes(words: list[str]) -> np.ndarray:
    """Stable 64-bit codes of words, vectorised (characters beyond 64 are ignored)."""
    chars = np.array([w[:64] for w in words])
    matrix = chars.view(np.uint32).reshape(len(words), -1).astype(np.uint64)
    with np.errstate(over="ignore"):
        return (matrix * _CHAR_POWERS[: matrix.shape[1]]).sum(axis=1, dtype=np.uint64)


def shingles(text: str) -> np.ndarray:
    """Sorted unique 32-bit hashes of the text's word 5-grams (stable across runs)."""
    words = _TOKEN.findall(text.lower())
    if len(words) < SHINGLE_WORDS:
        return np.empty(0, dtype=np.uint64)
    ids = _word_codes(words)
    count = len(words) - SHINGLE_WORDS + 1
    combined = np.zeros(count, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for offset in range(SHINGLE_WORDS):
            combined = combined * np.uint64(1_000_003) + ids[offset : offset + count]
    return np.unique((combined >> np.uint64(32)) ^ (combined & _MASK32))


@lru_cache(maxsize=1)
def _template() -> MinHash:
    return MinHash(num_perm=NUM_PERM, seed=1)


@lru_cache(maxsize=1)
def _lsh_params() -> tuple[int, int]:
    """Bands and rows for the threshold (datasketch integrates; do it once)."""
    probe = MinHashLSH(threshold=LSH_THRESHOLD, num_perm=NUM_PERM)
    return probe.b, probe.r


def signature(values: np.ndarray) -> np.ndarray:
    """MinHash signature by multiply-shift hashing, vectorised over all shingles."""
    with np.errstate(over="ignore"):
        hashed = (np.outer(_PERM_A, values) + _PERM_B[:, None]) >> np.uint64(32)
    return hashed.min(axis=1)


def _minhash(values: np.ndarray) -> MinHash:
    """A datasketch MinHash carrying our signature, for its LSH index."""
    minhash = _template().copy()
    minhash.hashvalues = signature(values).astype(minhash.hashvalues.dtype)
    return minhash


# --------------------------------------------------------------------------- grouping


class _UnionFind:
    def __init__(self, size: int):
        self.parent = list(range(size))

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, i: int, j: int) -> None:
        ri, rj = self.find(i), self.find(j)
        if ri != rj:
            self.parent[max(ri, rj)] = min(ri, rj)

    def components(self) -> list[list[int]]:
        groups: dict[int, list[int]] = {}
        for i in range(len(self.parent)):
            groups.setdefault(self.find(i), []).append(i)
        return list(groups.values())


def _seniority(article: Article) -> tuple[bool, str, str]:
    """Sort key: earliest published first (unknown dates last), then id."""
    return (article.published is None, article.published or "", article.id)


def text_links(articles: Sequence[Article]) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """(syndicated pairs, near-duplicate pairs) by index, found with MinHash LSH."""
    sets = [shingles(a.text) for a in articles]
    lsh = MinHashLSH(num_perm=NUM_PERM, params=_lsh_params())
    hashes: dict[int, MinHash] = {}
    for i, values in enumerate(sets):
        if len(values) >= MIN_SHARED_SHINGLES:
            hashes[i] = _minhash(values)
            lsh.insert(i, hashes[i])
    syndicated: list[tuple[int, int]] = []
    duplicates: list[tuple[int, int]] = []
    for i, minhash in hashes.items():
        for j in lsh.query(minhash):
            if j <= i:
                continue
            shared = len(np.intersect1d(sets[i], sets[j], assume_unique=True))
            smaller = min(len(sets[i]), len(sets[j]))
            union = len(sets[i]) + len(sets[j]) - shared
            if shared >= MIN_SHARED_SHINGLES and shared / smaller >= SYNDICATION_CONTAINMENT:
                syndicated.append((i, j))
            if shared / union >= NEAR_DUPLICATE_JACCARD:
                duplicates.append((i, j))
    return syndicated, duplicates


def _group_name(members: list[str], credits: list[set[str]]) -> str | None:
    """The group's name from its members' credits; ``members`` are ids, most senior first."""
    counts = Counter(slug for slugs in credits for slug in slugs)
    specific = {slug: n for slug, n in counts.items() if slug != GENERIC}
    pool = specific or dict(counts)
    if pool:
        best = min(pool, key=lambda slug: (-pool[slug], slug))
        return f"wire:{best}"
    if len(members) >= 2:
        return f"syn-{members[0]}"
    return None


def seniority(article: Article) -> tuple[bool, str, str]:
    """Which copy is the original: earliest published first (unknown dates last), then id."""
    return _seniority(article)


def syndication_labels(
    seniorities: Sequence[tuple[bool, str, str]],
    credits: Sequence[set[str]],
    syndicated: Sequence[tuple[int, int]],
    duplicates: Sequence[tuple[int, int]],
) -> tuple[list[str | None], list[str | None]]:
    """(syndication group, duplicate_of) per article from its links, by index.

    Works on ``seniority`` keys (their last item is the id) and agency credits
    alone, so an engine that found the links block by block can name the groups
    without holding the texts.
    """
    size = len(seniorities)
    copies = _UnionFind(size)
    for i, j in duplicates:
        copies.union(i, j)
    duplicate_of: list[str | None] = [None] * size
    for component in copies.components():
        original = min(seniorities[i] for i in component)[-1]
        for i in component:
            if seniorities[i][-1] != original:
                duplicate_of[i] = original

    shared = _UnionFind(size)
    for i, j in [*syndicated, *duplicates]:
        shared.union(i, j)
    group: list[str | None] = [None] * size
    for component in shared.components():
        members = [seniorities[i][-1] for i in sorted(component, key=lambda i: seniorities[i])]
        name = _group_name(members, [credits[i] for i in component])
        if name:
            for i in component:
                group[i] = name
    return group, duplicate_of


def assign_syndication(articles: Sequence[Article]) -> list[Article]:
    """Set ``syndication_group`` and ``duplicate_of``; same order as given."""
    articles = list(articles)
    if not articles:
        return []
    syndicated, duplicates = text_links(articles)
    group, duplicate_of = syndication_labels(
        [_seniority(a) for a in articles], [agency_credits(a) for a in articles], syndicated, duplicates
    )
    return [
        a.model_copy(update={"syndication_group": group[i], "duplicate_of": duplicate_of[i]})
        for i, a in enumerate(articles)
    ]


# --------------------------------------------------------------------------- repeated lines


class RepeatedLines:
    """Short lines seen in several articles of one outlet: its page furniture.

    Fed article by article (streaming); a line counts as furniture once it
    appears in ``min_articles`` different articles of the same outlet. Only
    short non-sentence lines are tracked, so a repeated wire paragraph is
    never taken for furniture.
    """

    def __init__(self, min_articles: int = 3, max_words: int = 12):
        self.min_articles = min_articles
        self.max_words = max_words
        self._counts: dict[str, Counter[str]] = {}

    def _key(self, line: str) -> str | None:
        if is_prose(line) or word_count(line) > self.max_words:
            return None
        return " ".join(_TOKEN.findall(line.lower())) or None

    def observe(self, outlet: str, lines: Sequence[str]) -> None:
        keys = {key for line in lines if (key := self._key(line))}
        self._counts.setdefault(outlet, Counter()).update(keys)

    def for_outlet(self, outlet: str):
        counts = self._counts.get(outlet, Counter())

        def is_repeated(line: str) -> bool:
            key = self._key(line)
            return key is not None and counts[key] >= self.min_articles

        return is_repeated
