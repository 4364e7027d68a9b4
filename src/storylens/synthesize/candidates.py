"""Candidate sentences: usable source sentences with the facts they carry."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from storylens.clean import caption_sentences, is_furniture
from storylens.lexicon.words import token_count
from storylens.records import (
    Annotation,
    Article,
    Citation,
    Fact,
    Sentence,
)
from storylens.synthesize.settings import DEFAULT_SETTINGS, SynthSettings

__all__ = [
    "MAX_WORDS",
    "MIN_WORDS",
    "Candidate",
    "collect_candidates",
    "tight_fact_ids",
]


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
    if _BOILERPLATE.search(text) or _MEDIA_CUE.match(text) or is_furniture(text):
        return False  # furniture is no claim (align) and no digest sentence either
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
    captions = caption_sentences(article.text, [(s.start, s.end) for s in sentences])
    for k, sentence in enumerate(sentences):
        if sentence.heading or k in captions:
            continue  # a section title labels what follows and a caption a picture; neither is cited
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


