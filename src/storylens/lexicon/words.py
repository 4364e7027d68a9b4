"""Words: the tokenisers, stop words and word counts the stages share.

Each tokeniser below feeds a fitted model or a measured threshold (story grouping's
TF-IDF, claim alignment's lexical score, the digest ranker, boilerplate's line lengths),
so they stay distinct; they live here so that a stage names the one it uses instead of
writing its own.
"""

from __future__ import annotations

import re
from functools import lru_cache

from storylens.lexicon.cues import CLAIM_CUE_WORDS
from storylens.lexicon.languages import (
    CJK_CHARACTER,
    SOUTHEAST_ASIAN_LETTERS_PER_WORD,
    SOUTHEAST_ASIAN_RUN,
    UNSPACED_SCRIPT,
)

WORD = re.compile(r"[^\W_]+(?:['’.-][^\W_]+)*")  # "don't", "U.S.", "al-Qaeda" are one word each
ALNUM_RUN = re.compile(r"\w+")
INDEX_TOKEN = re.compile(r"(?u)\b\w\w+\b")  # scikit-learn's default token: two or more word characters
STEM_TOKEN = re.compile(r"[a-z0-9][a-z0-9\-]*")


# A name before "'s disease" names the disease, not a person in the story ("Lou Gehrig's
# disease", "Tourette's syndrome"), unless the article names that person elsewhere too.
EPONYM_AFTER = re.compile(
    r"(?:['’]s)?\s+(?:disease|syndrome|palsy|sarcoma|lymphoma|ataxia|dystrophy|paradox|razor)\b",
    re.I,
)


@lru_cache(maxsize=65536)
def english_zipf(word: str) -> float:
    """How common a word is in English (wordfreq's zipf: 6 for "more", 2 for "Uman")."""
    from wordfreq import zipf_frequency

    return zipf_frequency(word, "en")


def word_count(text: str) -> int:
    """Words as a reader counts them (a line's length for boilerplate rules).

    Scripts written without spaces are counted as ``lexicon.languages`` says (a Chinese
    article is hundreds of words, not the handful of runs between its commas)."""
    if not UNSPACED_SCRIPT.search(text):
        return len(WORD.findall(text))
    characters = len(CJK_CHARACTER.findall(text))
    rest = CJK_CHARACTER.sub(" ", text)
    phrases = sum(
        -(-len(run) // SOUTHEAST_ASIAN_LETTERS_PER_WORD) for run in SOUTHEAST_ASIAN_RUN.findall(rest)
    )
    return characters + phrases + len(WORD.findall(SOUTHEAST_ASIAN_RUN.sub(" ", rest)))


def token_count(text: str) -> int:
    """Runs of word characters ("don't" is two): the unit of the digest's sentence-length
    limits and its ranker's features."""
    return len(ALNUM_RUN.findall(text))


@lru_cache(maxsize=1)
def stop_words() -> frozenset[str]:
    """English stop words (scikit-learn's list)."""
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    return frozenset(ENGLISH_STOP_WORDS)


@lru_cache(maxsize=1)
def claim_stop_words() -> frozenset[str]:
    """Stop words for comparing claims: also the cue words ("said", "denied": two claims do not
    state the same thing because both were said), honorifics and the commonest modals."""
    return stop_words() | CLAIM_CUE_WORDS | {"mr", "mrs", "ms", "also", "would", "could"}


def index_terms(text: str) -> list[str]:
    """Lowercase tokens of two or more word characters, stop words out (story grouping's TF-IDF)."""
    stop = stop_words()
    return [w for w in INDEX_TOKEN.findall(text.lower()) if w not in stop]


def content_words(text: str) -> list[str]:
    """Lowercase words that are not stop words, digits or single letters (the digest's
    sentence likeness)."""
    stop = stop_words()
    return [w for w in ALNUM_RUN.findall(text.lower()) if w not in stop and not w.isdigit() and len(w) > 1]


_SUFFIXES = ("ations", "ation", "ings", "ing", "edly", "ed", "ers", "er", "ies", "es", "als", "al", "s", "ly")


@lru_cache(maxsize=100_000)
def stem(word: str) -> str:
    """A light suffix stripper: "defending"/"defend", "killed"/"killing" meet."""
    if len(word) <= 4 or word.endswith("ss"):
        return word
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            root = word[: -len(suffix)]
            return root + "y" if suffix == "ies" else root
    return word


def claim_stems(text: str) -> list[str]:
    """Content-word stems of a claim, for lexical similarity (claim alignment's TF-IDF)."""
    stop = claim_stop_words()
    return [stem(w) for w in STEM_TOKEN.findall(text.lower().replace("’", "'")) if w not in stop and len(w) > 1]


_PRONOUNS = r"he|she|they|it|his|her|their|its|him|them"
# A sentence (or what is left of it after a fronted clause) that opens on a pronoun points back
# at someone it does not name: "Hours after police charged Cardell Hayes, his attorney insisted
# ..." is no title as "His attorney insisted ...".
POINTS_BACK = re.compile(rf"(?:{_PRONOUNS})\b", re.I)
# Read alone (in a digest) a sentence leans on the one before it when it opens on a connective,
# a demonstrative or a possessive ("But Brown was one of the few ...", "His findings illustrate
# ..."), or speaks in the first person for a speaker it does not name ("I am absolutely off my
# nut about this book"; a quotation opening so names its speaker after it). A subject pronoun
# ("He said ...") is left out: in a story about one person it mostly reads right, and barring
# it cost the digest another 0.3 ROUGE-1 on Multi-News.
LEANS_BACK = re.compile(
    r"\s*(?:his|her|their|its|this|these|those|such|but|and|or|yet|also|still|however|instead|"
    r"i|we|my|our)\b",
    re.I,
)


def plural(count: int, noun: str) -> str:
    """'1 article', '2 articles', '1 story', '2 stories' (the CLI's and the reports' counts)."""
    if count == 1:
        return f"{count} {noun}"
    return f"{count} {noun[:-1]}ies" if noun.endswith("y") else f"{count} {noun}s"
