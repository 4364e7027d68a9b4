"""Story titles: an article's headline, or a headline-like clause of the lead.

A story is named by the headline of its most central (or earliest) article that has one
(from the page's metadata, its HTML or the manifest). Plain-text inputs often have none;
then the title is made from the lead: the first sentence that is not furniture, without
its dateline, and when it is long, its opening clause cut at a clause boundary (a comma,
a dash, "who", "after" ...) or, failing that, at a word boundary with dangling function
words dropped. Never an ellipsis and never a word cut in half: a reader sees a phrase
that stands on its own, not a sentence that stops mid-way.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from itertools import islice

from storylens.annotate.sentences import lead_sentences
from storylens.clean import is_furniture
from storylens.lexicon.datelines import DATELINE
from storylens.lexicon.words import POINTS_BACK, claim_stems
from storylens.records import Article

TITLE_CHARS = 100  # about a long headline
MIN_TITLE_WORDS = 4  # a shorter lead sentence is a fragment ("Good morning.")
LEAD_SENTENCES = 8  # look no further than this for a lead sentence
LEAD_CHARS = 1000  # a report's lead, where the words of its story's headline are said
FALLBACK = "Story"

# Where a long lead sentence's opening clause may end (not before "who"/"which": the
# head would be a subject without its verb).
_CLAUSE_BREAK = re.compile(
    r"\s*[,;:]\s+|\s+[—–]\s+|\s+-\s+|\s*--\s*|\s+\(|"
    r"\s+(?=(?:after|as|when|while|because|since|following|amid|despite|according|saying|"
    r"but|and\s+then)\b)"
)
# Asides a headline leaves out: ", whose real name is X,", ", the woman who ...,", "(R-S.C.)".
_ASIDE = re.compile(
    r",\s+(?:who|whose|which|the|a|an|now|then|also|both)\b[^,;()]{1,90},(?=\s)|"
    r",\s+(?-i:[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*){1,3}),(?=\s+(?!who|which|whose)(?-i:[a-z]))|"
    r"\s*\([^()]{1,40}\)",
    re.IGNORECASE,
)
# A fronted subordinate clause ("When the body was found, police ..."; "Hours after X, ...").
_FRONTED = re.compile(
    r"(?:when|as|after|while|although|though|before|since|if|because|once|until|despite|amid|"
    r"following|during|to|in|for|at|on|with|by|from|under|inside|\w+\s+(?:after|before))\b"
    r"[^,]{3,120},\s+(?=\S)",
    re.IGNORECASE,
)
# An outlet credit or a stray dash left before the first word: "(CNN) -- ", "— ".
_LEAD_MARKS = re.compile(r"^(?:\((?-i:[A-Z])[\w .&'’-]{0,24}\)\s*)?(?:[-—–]{1,2}\s*)?")
# Words a phrase must not end on ("... accused of having an").
_DANGLING = frozenset(
    "a an the and or but nor of to in on at by for from with without into onto over under "
    "about after before as than that which who whose whom when where while because since "
    "its his her their our your my this these those is are was were be been being has have "
    "had do does did will would can could may might shall should not no very".split()
)
_PAIRS = (("(", ")"), ("“", "”"), ("‘", "’"), ("[", "]"))
_COMPARATIVES = frozenset({  # words that need what follows: "... more [than]", "... one [of]"
    "more", "less", "fewer", "rather", "other", "one", "some", "many", "all", "each", "several", "most", "any",
    "both", "few", "part", "none", "much", "out", "because", "instead", "ahead", "front",
})
# Words that open a phrase a cut title may end before (prepositions, "to", conjunctions).
_PHRASE_OPENERS = frozenset(
    "to of in on at by for from with without into onto over under about after before as than that which "
    "who whose when where while because since and or but".split()
)


def story_title(articles: Iterable[Article], leads: Mapping[str, Sequence[tuple[int, int]]] | None = None) -> str:
    """A title for the story whose articles come in order of preference (most central first).

    ``leads`` (article id -> its first sentence spans, from its annotation) spares segmenting
    the texts again; an article without them is segmented here.

    The first headline wins (unless it is furniture a plain text's first line can be: "2 years
    ago", "WARNING: The video contains ..."); else the first lead that yields a phrase.
    """
    articles = list(articles)
    for article in articles:
        headline = " ".join((article.title or "").split())
        if headline and not is_furniture(headline) and _speaks_for_story(headline, article, articles):
            return headline
    # a lead that fits whole (asides dropped) in any article beats one cut at a clause
    # boundary, and that beats one cut between words (which can read as a stopped sentence).
    # A lead that opens on a pronoun ("She asked the children ...") names no one, and cut
    # between words a relative clause is left without its verb ("A Ukrainian journalist who
    # has a reputation"): either is a title only when no article gives another.
    last_resort = ""
    for cut in (WHOLE, CLAUSE, WORDS):
        for article in articles:
            title = title_from_text(article.text, cut, (leads or {}).get(article.id))
            if title and (POINTS_BACK.match(title) or cut == WORDS and _RELATIVE.search(title)):
                last_resort = last_resort or title
            elif title:
                return title
    return last_resort or FALLBACK


def _speaks_for_story(headline: str, article: Article, articles: list[Article]) -> bool:
    """A headline names its story when the other reports' headlines and leads say at least half
    of its words: a paper's section heading taken for a headline ("Material and association")
    does not."""
    others = [a for a in articles if a is not article]
    words = set(claim_stems(headline))
    if not others or not words:
        return True
    said = set(claim_stems(" ".join(f"{a.title or ''} {a.text[:LEAD_CHARS]}" for a in others)))
    return len(words & said) >= 0.5 * len(words)


_RELATIVE = re.compile(r"\b(?:who|whom|whose|which)\b", re.IGNORECASE)


WHOLE, CLAUSE, WORDS = 0, 1, 2  # how far a lead sentence may be cut to make a title


def title_from_text(text: str, cut: int = WORDS, spans: Sequence[tuple[int, int]] | None = None) -> str:
    """A headline-like phrase from the lead of ``text``, or '' when there is no prose lead
    (or when its lead does not fit without a cut deeper than ``cut``). ``spans``: the text's
    first sentences where they are known."""
    for start, end in islice(spans or lead_sentences(text), LEAD_SENTENCES):
        sentence = text[start:end]
        if is_furniture(sentence):
            continue
        dateline = DATELINE.match(sentence)
        if dateline:
            sentence = sentence[dateline.end() :]
        sentence = _LEAD_MARKS.sub("", " ".join(sentence.split()))
        if len(sentence.split()) >= MIN_TITLE_WORDS:
            return shorten(sentence, cut=cut)
    return ""


def shorten(sentence: str, limit: int = TITLE_CHARS, cut: int = WORDS) -> str:
    """The sentence without its full stop when it fits; otherwise its longest opening
    clause that fits, or words up to ``limit`` without a dangling last word ('' where
    that needs a deeper ``cut`` than allowed)."""
    sentence = sentence.strip()
    if len(sentence) <= limit:
        return _trim_end(sentence)
    sentence = _ASIDE.sub("", sentence)
    fronted = _FRONTED.match(sentence)
    if fronted and len(sentence[fronted.end() :].split()) >= MIN_TITLE_WORDS \
            and not POINTS_BACK.match(sentence[fronted.end() :]):
        rest = sentence[fronted.end() :]
        sentence = rest[:1].upper() + rest[1:]
    if len(sentence) <= limit:
        return _trim_end(sentence)
    if cut == WHOLE:
        return ""
    best = ""
    for found in _CLAUSE_BREAK.finditer(sentence, 0, limit + 1):
        head = _trim_end(sentence[: found.start()])
        if len(head.split()) >= MIN_TITLE_WORDS + 1 and _balanced(head):
            best = head
    if best or cut == CLAUSE:
        return best
    words = sentence[: limit + 1].split()[:-1] or sentence.split()[:1]
    # the cut falls inside a phrase: end before the function word that opened it ("... for
    # several rounds of meeting to address" -> "... for several rounds of meeting")
    opener = max(
        (
            k
            for k, word in enumerate(words)
            if k > MIN_TITLE_WORDS
            and word.lower() in _PHRASE_OPENERS
            and words[k - 1].lower().strip(",;:") not in _DANGLING | _COMPARATIVES
        ),
        default=None,
    )
    if opener is not None:
        words = words[:opener]
    while len(words) > MIN_TITLE_WORDS and (
        words[-1].lower().strip(",;:") in _DANGLING or words[-1].lower().endswith("ly")
    ):
        words.pop()
    return _trim_end(" ".join(words))


def _trim_end(text: str) -> str:
    """Drop closing punctuation a headline does not carry (a full stop, a trailing comma)."""
    text = text.rstrip(" ,;:—–-")
    if text.endswith(".") and not text.endswith("..") and not re.search(r"\b[A-Z]\.$", text):
        text = text[:-1]
    return text


def _balanced(text: str) -> bool:
    """No quotation or bracket opened and left open."""
    return text.count('"') % 2 == 0 and all(text.count(a) == text.count(b) for a, b in _PAIRS)
