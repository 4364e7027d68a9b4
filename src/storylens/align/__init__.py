"""Align claims across articles into facts (issue 5, SPEC 2.5).

The package: ``claims`` (extraction), ``scoring`` (pair features and scores),
``propositions`` (facts as single propositions: a pair judge over index-proposed
candidates, complete linkage - what compare uses by default, see its module
docstring), ``clusters`` (the event-level average-linkage clusters of issue 5, kept
as the named baseline and for the ECB+ benchmark); each public name is re-exported here.

Contract:

    extract_claims(article, annotation, entities=None) -> list[Claim]
        the article's sentences, split into clauses where a sentence joins
        independent statements ("..., while the Taliban denied ..."), each with
        its attribution, entities, quantities, times and places.
    align_claims(claims, articles, *, events=None) -> Alignment
        clusters of claims that state the same thing, plus the pair scores
        compare.py needs (centrality, denial targets).

Why it is built this way: embeddings alone cannot tell "50 killed in Kabul"
from "50 killed in Kandahar", and lexical overlap alone misses paraphrase
("It's their country to defend now"). So a pair of claims is scored by a small
logistic model over several cheap signals - static-embedding cosine, TF-IDF
cosine, shared entities, shared/clashing numbers, places and dates, named
participants that clash (both name people or organisations, none shared), no
evidence beyond a shared day, and how alike the two articles are overall -
plus a penalty when story grouping puts the two articles in different events
(a story that mixes two arrests or two quakes; ``events``). In such a mixed
story the logistic sum is replaced by shallow gradient-boosted trees over the
same signals (PAIR_MODEL_FILE), which read article likeness as the step between
two events it is there; a one-event story keeps the logistic weights. Claims are
grouped by average-linkage
clustering on that score, which does not chain unrelated claims the way
single-linkage (connected components) does. A member of a larger cluster that
no claim from another source states closely is split off (average linkage
admits such lukewarm members), and two different people's direct quotes only
align when their content truly matches. Everything is dense numpy over
the story's claims (a 2,000-claim story is 4M pairs: well under a second);
larger stories are first cut into candidate components by nearest neighbours.
"""

from __future__ import annotations

from storylens.align.claims import (
    CLAUSE_SPLIT,
    COUNTED_SYNONYMS,
    MIN_CLAIM_WORDS,
    MIN_CLAUSE_WORDS,
    NON_REFERENT_LABELS,
    WORD,
    EntityIndex,
    claim_id,
    counted_key,
    country_names,
    extract_claims,
    is_direct_quote,
    is_region,
    same_counted,
    speaker_key,
    stated_numbers,
)
from storylens.align.clusters import (
    Alignment,
    align_claims,
)
from storylens.align.scoring import (
    BIAS,
    DEFAULT_SETTINGS,
    FEATURES,
    MODEL_WEIGHTS,
    NO_EVIDENCE_LEX,
    PAIR_MODEL_FILE,
    WEIGHTS,
    AlignSettings,
    PairScorer,
    choose_embedder,
    content_text,
    embed_claims,
    embedder_kind,
    pair_model,
    shipped_pair_model,
    sigmoid,
)

__all__ = [
    "AlignSettings",
    "Alignment",
    "BIAS",
    "CLAUSE_SPLIT",
    "COUNTED_SYNONYMS",
    "DEFAULT_SETTINGS",
    "EntityIndex",
    "FEATURES",
    "MIN_CLAIM_WORDS",
    "MIN_CLAUSE_WORDS",
    "MODEL_WEIGHTS",
    "NON_REFERENT_LABELS",
    "NO_EVIDENCE_LEX",
    "PAIR_MODEL_FILE",
    "PairScorer",
    "WEIGHTS",
    "WORD",
    "align_claims",
    "choose_embedder",
    "claim_id",
    "content_text",
    "counted_key",
    "country_names",
    "embed_claims",
    "embedder_kind",
    "extract_claims",
    "is_region",
    "is_direct_quote",
    "pair_model",
    "same_counted",
    "shipped_pair_model",
    "sigmoid",
    "speaker_key",
    "stated_numbers",
]
