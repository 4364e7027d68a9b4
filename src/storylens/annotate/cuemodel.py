"""A learned judge of attribution cues: is this the cue of an attribution?

The rules in attributions.py propose cues from lexicons (and, for the classifier,
every other verb through the same span logic, copular adjectives — "was critical of" — and a
wider set of prepositional complements); each proposal becomes a bag of
sparse string features over the parse — the cue's lemma, tag and dependency, its
head, its children's dependencies, what kind of source and content the span
logic found (the content's head and first word too), quotation marks, nesting in another report — scored by a logistic
regression. A lexicon cue is kept when its score clears ``keep``; a verb outside
the lexicons is added when it clears ``add``. The weights were fitted offline on
PolNeAR *train* by scripts/fit_cue_model.py (a proposal is positive when its cue and the
source it found agree with the gold; thresholds by 5-fold cross-validation inside train) and
ship as data/cue_model.json; scoring is a dictionary lookup
and a sum per proposal, no extra model pass.
"""

from __future__ import annotations

import json
import math
from bisect import bisect_right
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from storylens.lexicon.quotes import QUOTE_MARKS

MODEL_FILE = Path(__file__).resolve().parents[1] / "data" / "cue_model.json"
FEATURE_VERSION = 2
CONTENT_OPENERS = frozenset({"that", "to", "for", "on", "about", '"', "“"})
PRONOUN_TAGS = frozenset({"PRP", "WP"})
_LENGTH_BUCKETS = (0, 10, 25, 60, 120, 250, 500)


def _bucket(value: int, edges: Sequence[int] = _LENGTH_BUCKETS) -> int:
    return sum(1 for edge in edges if value > edge)


def _span_head(doc, start: int, end: int, token_at):
    """The token of a character span whose head lies outside it (its syntactic head)."""
    first, last = token_at(start), token_at(max(start, end - 1))
    if first < 0 or last < first:
        return None
    for index in range(first, last + 1):
        token = doc[index]
        if not (first <= token.head.i <= last) or token.head.i == index:
            return token
    return doc[first]


def cue_features(doc, item, *, text: str, lexicon: str, lemma: str, quotes: Sequence[tuple[int, int]],
                 sentence, token_at, nested: str) -> list[str]:
    """Sparse features of one proposed attribution (``item``: cue/source/content character spans,
    ``rule`` and ``head`` token index). ``lexicon``: which cue lexicon the lemma is in; ``nested``:
    whether the cue sits inside another proposal's content ("strong"/"weak"/"no")."""
    token = doc[item.head]
    rule = item.rule
    dep, tag, pos = token.dep_, token.tag_, token.pos_
    feats = [f"r={rule}", f"lx={lexicon}", f"l={lemma}", f"l={lemma}|r={rule}", f"t={tag}", f"p={pos}",
             f"d={dep}", f"l={lemma}|d={dep}", f"l={lemma}|t={tag}", f"r={rule}|d={dep}", f"lx={lexicon}|d={dep}",
             f"nest={nested}", f"r={rule}|nest={nested}", f"lx={lexicon}|nest={nested}"]
    head = token.head
    if head.i != token.i:
        feats += [f"hl={head.lemma_.lower()}", f"hp={head.pos_}", f"hd={head.dep_}", f"d={dep}|hp={head.pos_}"]
    main_children = set()
    for child in token.children:
        cdep = child.dep_
        feats.append(f"c={cdep}")
        if cdep in ("prep", "mark", "agent", "prt", "advmod"):
            feats.append(f"c={cdep}:{child.lower_}")
        if cdep in ("ccomp", "xcomp", "dobj", "nsubj", "nsubjpass", "prep", "parataxis", "advcl", "neg"):
            main_children.add(cdep)
    for cdep in main_children:
        feats += [f"l={lemma}|c={cdep}", f"lx={lexicon}|c={cdep}"]
    if not main_children:
        feats.append("c=none")
    # the source the span logic found
    if item.source is None:
        feats += ["src=none", f"lx={lexicon}|src=none", f"l={lemma}|src=none"]
    else:
        source_head = _span_head(doc, item.source[0], item.source[1], token_at)
        if source_head is not None:
            if source_head.tag_ in PRONOUN_TAGS:
                kind = "pron:" + source_head.lower_
            elif source_head.ent_type_:
                kind = "ent:" + source_head.ent_type_
            else:
                kind = "noun:" + source_head.lemma_.lower()
            feats += [f"src={kind}", f"srck={kind.split(':')[0]}", f"lx={lexicon}|srck={kind.split(':')[0]}"]
        feats.append("srcpos=" + ("before" if item.source[0] < item.cue[0] else "after"))
        feats.append(f"srclen={_bucket(item.source[1] - item.source[0], (0, 10, 25, 60))}")
    # the content
    content_start, content_end = item.content
    quoted = False
    position = bisect_right(quotes, (content_end, math.inf)) - 1  # quotes: in text order, disjoint
    while position >= 0 and quotes[position][1] >= content_start - 1 and not quoted:
        start, end = quotes[position]
        quoted = (start <= content_start + 1 and content_end - 1 <= end
                  or min(end, content_end) - max(start, content_start) > 0.5 * (content_end - content_start))
        position -= 1
    content_head = _span_head(doc, content_start, content_end, token_at)
    if content_head is not None:
        first = doc[max(0, token_at(content_start))]
        opener = first.lower_ if first.lower_ in CONTENT_OPENERS else "x"
        feats += [f"ch_dep={content_head.dep_}", f"ch_pos={content_head.pos_}",
                  f"ch_lem={content_head.lemma_.lower()}", f"c_first={first.lower_}",
                  f"r={rule}|ch_dep={content_head.dep_}", f"ch_pos={content_head.pos_}|c_first={opener}"]
    feats += [f"clen={_bucket(content_end - content_start)}", f"q={int(quoted)}", f"lx={lexicon}|q={int(quoted)}",
              "cpos=" + ("before" if content_start < item.cue[0] else "after")]
    if getattr(item, "relative", False):
        feats.append("rel")
    # the sentence around the cue
    offset = token.i - sentence.start
    feats += [f"spos={_bucket(offset, (0, 1, 3, 8, 15))}",
              f"send={_bucket(sentence.end - 1 - token.i, (0, 1, 2, 4, 8))}",
              f"slen={_bucket(len(sentence), (5, 10, 20, 40))}"]
    sentence_text = text[sentence.start_char:sentence.end_char]
    if any(mark in sentence_text for mark in QUOTE_MARKS):
        feats.append("squote")
    if token.i > 0:
        previous = doc[token.i - 1]
        if previous.is_punct:
            feats.append("prev=" + previous.text)
    if token.i + 1 < len(doc):
        following = doc[token.i + 1]
        if following.is_punct:
            feats.append("next=" + following.text)
    if token.is_title and offset > 0:
        feats.append("title")
    if token.is_upper and len(token) > 1:
        feats.append("upper")
    return feats


@dataclass(frozen=True, slots=True)
class CueModel:
    """Logistic weights over feature strings; ``keep``/``add``: probability thresholds for a
    lexicon proposal and for a learned (lexicon-free) one."""

    weights: Mapping[str, float]
    bias: float
    keep: float
    add: float

    def probabilities(self, feature_lists: Iterable[Sequence[str]]) -> list[float]:
        get = self.weights.get
        out = []
        for features in feature_lists:
            z = self.bias + sum(get(f, 0.0) for f in features)
            out.append(1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z)))))
        return out

    def to_json(self) -> dict:
        return {"feature_version": FEATURE_VERSION, "bias": self.bias, "keep": self.keep, "add": self.add,
                "weights": dict(sorted(self.weights.items()))}

    @classmethod
    def from_json(cls, data: Mapping) -> CueModel:
        if data.get("feature_version") != FEATURE_VERSION:
            raise ValueError(f"cue model features v{data.get('feature_version')}, code v{FEATURE_VERSION}")
        return cls(weights=dict(data["weights"]), bias=float(data["bias"]), keep=float(data["keep"]),
                   add=float(data["add"]))


@lru_cache(maxsize=4)
def load_cue_model(path: Path = MODEL_FILE) -> CueModel | None:
    """The shipped cue model, or None (rules only) when the file is absent."""
    if not path.exists():
        return None
    return CueModel.from_json(json.loads(path.read_text(encoding="utf-8")))
