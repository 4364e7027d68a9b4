"""The digest's tunable numbers and its default embedder (SynthSettings)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

__all__ = [
    "DEFAULT_SETTINGS",
    "SynthSettings",
]


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
    # another outlet's claim of the same fact is cited for a digest sentence only this close to it
    citation_cosine: float = 0.6
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
