"""Compare outlets over aligned claims (issue 5, SPEC 2.6). Contract:

    compare_story(group, articles, annotations, *, sub_events=None) -> Comparison
        facts (with status, outlets, independent_outlets, claims, conflicts),
        quotes, entities and per-outlet views for one story.

Status rules, in order:
- ``disputed``: a party denies the fact ("X denied Y" disputes Y), in the same
  sentence, the same article or another one;
- ``conflicting``: claims of one fact disagree on a number, a date or a place,
  or one negates what another states;
- ``corroborated``: at least two *independent* outlets assert it (syndicated
  copies count once: an outlet's independence unit is its syndication group);
- ``single_source`` otherwise.
A reported claim ("X said Y") supports Y as something X said; a denial never
counts as support.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from functools import lru_cache

import numpy as np

from storylens.align import (
    NON_REFERENT_LABELS,
    Alignment,
    AlignSettings,
    EntityIndex,
    align_claims,
    counted_key,
    extract_claims,
    is_country,
    same_counted,
    speaker_key,
)
from storylens.lexicon.words import claim_stems
from storylens.records import (
    Annotation,
    Article,
    Citation,
    Claim,
    Comparison,
    Conflict,
    EntitySummary,
    Fact,
    OutletView,
    Place,
    Quantity,
    Quote,
    StoryGroup,
)

NEGATION = re.compile(r"\b(not|no|never|n't|none|nobody|neither|nor|without)\b|n't\b", re.I)
NEGATED_SCOPE = 3  # content words after "not"/"never"/… that say what is negated
DENIAL_LINK_MIN_PROB = 0.2  # a denial attaches to the most likely fact above this
CONTRADICTION_MIN_LEX = 0.5
CONFLICT_MIN_PROB = 0.6  # claims must be this surely aligned before they can conflict


def independence_unit(article: Article) -> str:
    """Syndicated copies share a unit; otherwise each outlet is its own."""
    return f"syn:{article.syndication_group}" if article.syndication_group else f"outlet:{article.outlet}"


def fact_id(claims: Sequence[Claim]) -> str:
    return "f-" + hashlib.sha256("\x00".join(sorted(c.id for c in claims)).encode()).hexdigest()[:12]


# ---------------------------------------------------------------- conflicts


def _interval(quantity: Quantity) -> tuple[float, float] | None:
    if quantity.value is None:
        return None
    low = quantity.value
    high = quantity.value_max if quantity.value_max is not None else quantity.value
    qualifier = (quantity.qualifier or "").lower()
    if any(q in qualifier for q in ("at least", "more than", "over", "above", "upwards")):
        high = math.inf
    elif any(q in qualifier for q in ("up to", "at most", "less than", "fewer than", "under", "below")):
        low = 0.0
    elif any(q in qualifier for q in ("about", "around", "nearly", "almost", "approximately", "some", "roughly")):
        low, high = low * 0.85, high * 1.15
    return low, high


# Too vague to make two numbers contradict: "nine people [confirmed dead]" and
# "four people [missing]" count different things the annotator both calls people.
GENERIC_COUNTED = frozenset({"people"})


def _number_conflict(a: Claim, b: Claim) -> str | None:
    """Same, specific counted thing, incompatible values - and a value that the
    other claim also states is not contradicted by it ("50 million lei ($10.9
    million)" in two copies of one sentence)."""
    values_a = {q.value for q in a.quantities}
    values_b = {q.value for q in b.quantities}
    for qa in a.quantities:
        if qa.value in values_b:
            continue
        for qb in b.quantities:
            if qb.value in values_a:
                continue
            key_a, key_b = counted_key(qa.counted), counted_key(qb.counted)
            if key_a <= GENERIC_COUNTED and key_b <= GENERIC_COUNTED:
                continue
            if not same_counted(key_a, key_b):
                continue
            if qa.ordinal != qb.ordinal and qa.whole is None and qb.whole is None:
                continue
            ia, ib = _interval(qa), _interval(qb)
            if ia is None or ib is None:
                continue
            if ia[1] < ib[0] or ib[1] < ia[0]:
                return f"{qa.text} {qa.counted or ''} vs {qb.text} {qb.counted or ''}".replace("  ", " ").strip()
    return None


def _date_conflict(a: Claim, b: Claim) -> str | None:
    da = [t for t in a.times if t.value]
    db = [t for t in b.times if t.value]
    if len(da) != 1 or len(db) != 1:
        return None
    ta, tb = da[0], db[0]
    a0, a1 = ta.value[:10], (ta.end_value or ta.value)[:10]
    b0, b1 = tb.value[:10], (tb.end_value or tb.value)[:10]
    if len(a0) < 10 or len(b0) < 10:
        return None
    if a1 < b0 or b1 < a0:
        return f"{ta.text} ({a0}) vs {tb.text} ({b0})"
    return None


def _place_conflict(a: Claim, b: Claim, places: Mapping[str, Place]) -> str | None:
    if len(a.places) != 1 or len(b.places) != 1 or a.places == b.places:
        return None
    pa, pb = places.get(a.places[0]), places.get(b.places[0])
    if pa is None or pb is None or is_country(pa) or is_country(pb):
        return None
    distance = _km(pa, pb)
    if distance > 150 and pa.country == pb.country or distance > 400:
        return f"{a.places[0]} vs {b.places[0]}"
    return None


def _km(a: Place, b: Place) -> float:
    la1, lo1, la2, lo2 = map(math.radians, (a.lat, a.lon, b.lat, b.lon))
    h = math.sin((la2 - la1) / 2) ** 2 + math.cos(la1) * math.cos(la2) * math.sin((lo2 - lo1) / 2) ** 2
    return 2 * 6371 * math.asin(min(1.0, math.sqrt(h)))


@lru_cache(maxsize=20000)
def _content_words(text: str) -> frozenset[str]:
    return frozenset(claim_stems(text))


@lru_cache(maxsize=20000)
def _negated(text: str) -> bool:
    return bool(NEGATION.search(text))


def _closely_worded(a: Claim, b: Claim) -> bool:
    """Most content words of the shorter claim recur in the other."""
    wa, wb = _content_words(a.text), _content_words(b.text)
    if not wa or not wb:
        return False
    return len(wa & wb) / min(len(wa), len(wb)) >= CONTRADICTION_MIN_LEX


@lru_cache(maxsize=20000)
def _negated_words(text: str) -> frozenset[str]:
    """The content words each negation governs: the few that follow it."""
    words: set[str] = set()
    for match in NEGATION.finditer(text):
        words.update(claim_stems(text[match.end():match.end() + 80])[:NEGATED_SCOPE])
    return frozenset(words)


def _contradiction(a: Claim, b: Claim) -> str | None:
    """One claim negates what another, closely worded one states.

    The other must state what is negated ("did not endanger the dam" against
    "endangered the dam"), not merely share the names around it: "Bălan said the
    seepage did not endanger the dam" does not contradict "Bălan was suspended".
    """
    na, nb = _negated(a.text), _negated(b.text)
    if na == nb:
        return None
    negated, stated = (a, b) if na else (b, a)
    if not _negated_words(negated.text) & _content_words(stated.text):
        return None
    return f"one report negates it: \"{_shortened(negated.text)}\""


def _shortened(text: str, limit: int = 100) -> str:
    """A quotation for a conflict's detail, cut at a word boundary."""
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0].rstrip(",;:") + "…"


def _citation(claim: Claim) -> Citation:
    return Citation(article_id=claim.article_id, start=claim.start, end=claim.end)


# ---------------------------------------------------------------- main entry


def compare_story(
    group: StoryGroup,
    articles: Mapping[str, Article],
    annotations: Mapping[str, Annotation],
    *,
    embedder=None,
    sub_events: Mapping[str, int] | None = None,
    align_settings: AlignSettings | None = None,
) -> Comparison:
    """Align the story's claims into facts and compare its outlets.

    ``sub_events`` labels which event each article reports when the story mixes
    two events of a kind (group.sub_events over ``story_articles``); claims of
    articles about different events are not one fact. None: one event.
    """
    story_articles = analysed_articles(group, articles)
    story_annotations = {a.id: annotations.get(a.id, Annotation()) for a in story_articles}
    entity_index = EntityIndex.build(story_annotations.values())
    claims: list[Claim] = []
    for article in story_articles:
        claims.extend(extract_claims(article, story_annotations[article.id], entity_index))
    places = {p.name: p for ann in story_annotations.values() for p in ann.places}
    alignment = align_claims(
        claims, articles, embedder=embedder, places=places, events=sub_events, settings=align_settings
    )
    facts = _facts(alignment, articles, places)
    quotes = _quotes(story_articles, story_annotations)
    entities = _entities(story_articles, story_annotations, entity_index)
    outlets = _outlet_views(story_articles, facts, claims, story_annotations, entity_index)
    return Comparison(facts=tuple(facts), quotes=quotes, entities=entities, outlets=outlets)


def analysed_articles(group: StoryGroup, articles: Mapping[str, Article]) -> list[Article]:
    """The story's articles that compare reads, in story order.

    Exact duplicates carry nothing new: only the first copy is kept.
    """
    story_articles = [articles[i] for i in group.article_ids if i in articles]
    return [a for a in story_articles if not (a.duplicate_of and a.duplicate_of in articles)] or story_articles


def _facts(alignment: Alignment, articles: Mapping[str, Article], places: Mapping[str, Place]) -> list[Fact]:
    claims = alignment.claims
    clusters = [list(c) for c in alignment.clusters]
    cluster_of = list(alignment.cluster_of)
    # cluster -> (denial claim, the claim it negates or None)
    denial_targets: dict[int, list[tuple[int, int | None]]] = defaultdict(list)

    # attach each denial to the fact whose content it negates ("X denied that
    # 150 were killed" disputes the 150-killed fact), not to whatever cluster
    # its own wording fell into.
    for i, claim in enumerate(claims):
        if not claim.attribution or claim.attribution.polarity != "denies":
            continue
        own = cluster_of[i]
        denied_claim = _denial_target(i, alignment)
        if denied_claim is None:
            if any(_asserts(claims[j]) for j in clusters[own] if j != i):
                denial_targets[own].append((i, None))
            continue
        target = cluster_of[denied_claim]
        if target != own:
            clusters[own].remove(i)
            clusters[target].append(i)
            cluster_of[i] = target
        denial_targets[target].append((i, denied_claim))

    secondary = _merge_identical_claims(claims, clusters, cluster_of, denial_targets, alignment.secondary)

    sentence_rank = _sentence_positions(claims)
    entity_freq = Counter(e for c in claims for e in set(c.entities))
    n_units = len({independence_unit(articles[a]) for a in {c.article_id for c in claims}}) or 1
    facts: list[Fact] = []
    seen_sets: set[frozenset[str]] = set()
    for c, members in enumerate(clusters):
        if not members:
            continue
        if c < len(secondary):
            members = members + [i for i in secondary[c] if i not in members]
        members = sorted(members, key=lambda i: (claims[i].article_id, claims[i].start))
        member_claims = [claims[i] for i in members]
        key = frozenset(cl.id for cl in member_claims)
        if key in seen_sets:  # secondary members can make two clusters equal
            continue
        seen_sets.add(key)
        supporting = [claims[i] for i in members if _asserts(claims[i])] or member_claims
        outlets = tuple(sorted({articles[cl.article_id].outlet for cl in member_claims}))
        units = {independence_unit(articles[cl.article_id]) for cl in supporting}
        # the fact's own members (not claims that merely also touch it) carry
        # its denials, conflicts and representative text
        primary = [i for i in members if cluster_of[i] == c]
        conflicts: list[Conflict] = []
        for d, named in denial_targets.get(c, []):
            if named is not None:
                denied = [claims[named]]
            else:
                denied = [claims[j] for j in primary if j != d and _asserts(claims[j])][:3]
            if not denied:
                continue
            speaker = claims[d].attribution.speaker or "a party"
            conflicts.append(
                Conflict(
                    kind="denial",
                    detail=f"{speaker} {claims[d].attribution.cue} it",
                    claims=tuple(_citation(x) for x in [*denied, claims[d]]),
                )
            )
        conflicts.extend(_pair_conflicts([i for i in primary if _asserts(claims[i])], alignment, places))
        if any(k.kind == "denial" for k in conflicts):
            status = "disputed"
        elif conflicts:
            status = "conflicting"
        elif len(units) >= 2:
            status = "corroborated"
        else:
            status = "single_source"
        denied_here = [named for _, named in denial_targets.get(c, []) if named is not None and named in primary]
        if denied_here:  # a disputed fact reads as what is denied, not as a neighbouring report
            representative = denied_here[0]
        else:
            representative = _representative(
                primary, alignment, [independence_unit(articles[claims[i].article_id]) for i in primary])
        salience = sum(math.log1p(entity_freq[e]) for e in set(claims[representative].entities))
        position = max(1.0 / (1 + sentence_rank[i]) for i in members)
        importance = (
            len(units) / n_units * 3.0
            + len(units)
            + 0.3 * math.log1p(len(members))
            + 0.15 * min(salience, 10.0)
            + 1.0 * position
        )
        facts.append(
            Fact(
                id=fact_id(member_claims),
                text=claims[representative].text,
                status=status,
                outlets=outlets,
                independent_outlets=len(units),
                claims=tuple(member_claims),
                conflicts=tuple(conflicts),
                importance=round(importance, 4),
            )
        )
    facts = _drop_contained_facts(facts)
    facts.sort(key=lambda f: (-f.importance, f.id))
    return facts


def _merge_identical_claims(
    claims: Sequence[Claim],
    clusters: list[list[int]],
    cluster_of: list[int],
    denial_targets: dict[int, list[tuple[int, int | None]]],
    secondary: Sequence[Sequence[int]],
) -> list[list[int]]:
    """One fact for word-for-word copies: two outlets running the same wire sentence state
    the same thing, so clusters holding copies of one sentence are merged (in place);
    returns the merged secondary-member lists."""
    merged_secondary = [list(s) for s in secondary]
    root = list(range(len(clusters)))

    def find(c: int) -> int:
        while root[c] != c:
            root[c] = root[root[c]]
            c = root[c]
        return c

    first_cluster: dict[str, int] = {}
    for i, claim in enumerate(claims):
        key = " ".join(claim.text.lower().split())
        if len(key.split()) < 6:  # short stock phrases are not one statement
            continue
        a, b = find(first_cluster.setdefault(key, cluster_of[i])), find(cluster_of[i])
        if a != b:
            root[max(a, b)] = min(a, b)
    for gone in range(len(clusters)):
        keep = find(gone)
        if keep == gone:
            continue
        for j in clusters[gone]:
            cluster_of[j] = keep
        clusters[keep].extend(clusters[gone])
        clusters[gone] = []
        denial_targets[keep].extend(denial_targets.pop(gone, []))
        if gone < len(merged_secondary):
            while len(merged_secondary) <= keep:
                merged_secondary.append([])
            merged_secondary[keep].extend(j for j in merged_secondary[gone] if j not in merged_secondary[keep])
            merged_secondary[gone] = []
    for c, members in enumerate(merged_secondary):
        merged_secondary[c] = [j for j in members if cluster_of[j] != c]
    return merged_secondary


def _drop_contained_facts(facts: list[Fact]) -> list[Fact]:
    """A fact whose every claim another fact also holds repeats it (secondary
    members make such echoes); keep it only when it carries its own dispute."""
    claim_sets = [frozenset(c.id for c in f.claims) for f in facts]
    holders: dict[str, set[int]] = defaultdict(set)
    for k, ids in enumerate(claim_sets):
        for claim in ids:
            holders[claim].add(k)
    kept = []
    for k, fact in enumerate(facts):
        others = set.intersection(*(holders[c] for c in claim_sets[k])) - {k}
        contained = any(len(claim_sets[o]) > len(claim_sets[k]) for o in others)
        if contained and not fact.conflicts:
            continue
        kept.append(fact)
    return kept


def _asserts(claim: Claim) -> bool:
    return claim.attribution is None or claim.attribution.polarity == "asserts"


_ANAPHORIC = re.compile(
    r"^(?:it|this|that|these|those|them|such\s+\w+|(?:the|this|that|these|those|his|her|their|its)\s+"
    r"(?:\w+\s+)?(?:claims?|reports?|figures?|allegations?|accusations?|charges?|account|accounts|assurances?|"
    r"statements?|suggestions?|assertions?|toll|numbers?|estimates?|version|story|idea|rumou?rs?))\b",
    re.I,
)
DENIAL_MIN_SCORE = 0.35


def denial_content(claim: Claim) -> str:
    """What a denial denies: the words after its cue ("denied that 150 were killed")."""
    cue = claim.attribution.cue if claim.attribution else ""
    text = claim.text
    match = re.search(r"\b" + re.escape(cue) + r"\b", text, re.I) if cue else None
    content = text[match.end() :] if match else text
    content = re.sub(r"^\s*(?:(?:the\s+)?(?:claims?|reports?|allegations?|suggestions?)\s+)?that\s+", "", content, flags=re.I)
    return content.strip(" ,.;:\"“”")


def _same_side(denial: Claim, other: Claim) -> bool:
    """The other claim is the denier's own: the same speaker, or one the
    denier's name introduces ("police commander Charles Mutua said ...")."""
    if not other.attribution or not denial.attribution:
        return False
    if other.attribution.speaker == denial.attribution.speaker:
        return True
    side = speaker_key(denial)
    if side is None:
        return False
    # the speaker with the words that introduce it in its clause ("police commander Charles
    # Mutua"), not the content of "a dockworker was shot when police broke up a protest, the union said"
    speaker = other.attribution.speaker or ""
    at = other.text.find(speaker) if speaker else -1
    lead = re.split(r"[,;:\"“”]|\bthat\b", other.text[:at])[-1] if at > 0 else ""
    return side in {_entity_word(w) for w in f"{lead} {speaker}".split()}


def _entity_word(word: str) -> str:
    return re.sub(r"[^\w\-]", "", word).lower()


def _shares_a_count(ours: Sequence[Quantity], theirs: Sequence[Quantity]) -> bool:
    """The same number of the same thing, or of something one side leaves unsaid: "the
    figure of 150" matches "150 militants were killed"; two bare "three"s prove nothing."""
    for a in ours:
        key_a = counted_key(a.counted)
        for b in theirs:
            key_b = counted_key(b.counted)
            if a.value == b.value and (key_a & key_b or bool(key_a) != bool(key_b)):
                return True
    return False


def _denial_target(i: int, alignment: Alignment) -> int | None:
    """The claim a denial negates.

    An anaphoric denial ("denied the claim", "police deny it") names the
    statement just before it in the same article; an explicit one ("denied
    that 150 were killed") names its content, matched by words and numbers
    against every asserting claim of the story, nearby ones first.
    """
    claims = alignment.claims
    denial = claims[i]
    content = denial_content(denial)
    content_words = _content_words(content)
    anaphoric = bool(_ANAPHORIC.match(content)) or len(content_words) < 2
    content_counts = [q for q in denial.quantities if q.value is not None and q.start >= denial.end - len(content)]
    same_article = sorted(
        (j for j, c in enumerate(claims) if c.article_id == denial.article_id and c.end <= denial.start and j != i),
        key=lambda j: -claims[j].end,
    )
    distance = {j: rank for rank, j in enumerate(same_article)}
    best, best_score = None, DENIAL_MIN_SCORE
    for j, other in enumerate(claims):
        if j == i or not _asserts(other):
            continue
        if _same_side(denial, other):
            continue  # nobody denies their own (side's) statement
        proximity = {0: 0.6, 1: 0.4, 2: 0.2}.get(distance.get(j, 99), 0.0)
        if anaphoric:
            score = proximity
        else:
            words = _content_words(other.text)
            overlap = len(content_words & words) / len(content_words) if content_words else 0.0
            score = overlap + (0.5 if _shares_a_count(content_counts, other.quantities) else 0.0) + 0.5 * proximity
            score += 0.3 * alignment.pair_prob(i, j)
        if score > best_score:
            best, best_score = j, score
    return best


def _pair_conflicts(
    members: Sequence[int], alignment: Alignment, places: Mapping[str, Place]
) -> list[Conflict]:
    """Disagreements between claims that closely state the same thing.

    Only pairs aligned with high confidence are compared: a fact's looser
    members may mention other days or places without contradicting it.
    """
    claims = alignment.claims
    found: dict[str, tuple[str, list[Claim]]] = {}  # kind -> (first detail, claims involved)
    for x in range(len(members)):
        for y in range(x + 1, len(members)):
            a, b = claims[members[x]], claims[members[y]]
            if a.article_id == b.article_id:
                continue
            if alignment.pair_prob(members[x], members[y]) < CONFLICT_MIN_PROB:
                continue
            checks = [("number", _number_conflict(a, b))]
            if _closely_worded(a, b):  # dates and places may belong to side events otherwise
                checks += [
                    ("date", _date_conflict(a, b)),
                    ("place", _place_conflict(a, b, places)),
                    ("contradiction", _contradiction(a, b)),
                ]
            for kind, detail in checks:
                if detail:
                    _, involved = found.setdefault(kind, (detail, []))
                    involved.extend(c for c in (a, b) if c not in involved)
                    break
    return [
        Conflict(kind=kind, detail=detail, claims=tuple(_citation(c) for c in involved))
        for kind, (detail, involved) in found.items()
    ]


def _representative(members: Sequence[int], alignment: Alignment, units: Sequence[str] | None = None) -> int:
    """The cluster medoid: the claim most like the others, preferring an
    outlet's own unattributed statement and a complete sentence; never a denial.

    Likeness is measured against other outlets' claims (``units``): two copies
    of one wire sentence are alike because they are copies."""
    claims = alignment.claims
    candidates = [i for i in members if _asserts(claims[i])] or list(members)
    if len(candidates) == 1:
        return candidates[0]
    idx = np.array(members)
    if alignment.prob is not None:
        sims = alignment.prob[np.ix_(idx, idx)]
    else:
        v = alignment.vectors[idx]
        sims = v @ v.T
    position = {i: k for k, i in enumerate(members)}
    unit = np.array(units if units is not None else [str(i) for i in members])
    others = unit[:, None] != unit[None, :]
    if not others.any():
        others = ~np.eye(len(members), dtype=bool)

    def score(i: int) -> tuple[float, int]:
        claim = claims[i]
        k = position[i]
        centrality = float(sims[k][others[k]].mean()) if others[k].any() else 0.0
        words = len(claim.text.split())
        complete = _is_complete_sentence(claim.text) and 8 <= words <= 45
        own = claim.attribution is None
        return centrality + (0.15 if complete else 0.0) + (0.1 if own else 0.0), -i

    return max(candidates, key=score)


def _is_complete_sentence(text: str) -> bool:
    """Starts with a capital, ends with a full stop, and its quotes are closed."""
    text = text.strip()
    if not text or not (text[0].isupper() or text[0].isdigit()):
        return False
    if text[-1] not in ".!?\"”’":
        return False
    straight = text.count('"') % 2 == 0
    curly = text.count("“") == text.count("”")
    return straight and curly


def _sentence_positions(claims: Sequence[Claim]) -> list[int]:
    by_article: dict[str, list[int]] = defaultdict(list)
    for i, claim in enumerate(claims):
        by_article[claim.article_id].append(i)
    rank = [0] * len(claims)
    for members in by_article.values():
        for position, i in enumerate(sorted(members, key=lambda k: claims[k].start)):
            rank[i] = position
    return rank


# ---------------------------------------------------------------- quotes, entities, outlets


def _quotes(articles: Sequence[Article], annotations: Mapping[str, Annotation]) -> tuple[Quote, ...]:
    quotes = []
    for article in articles:
        for attribution in annotations[article.id].attributions:
            content = attribution.content
            if content.end <= content.start:
                continue
            quotes.append(
                Quote(
                    speaker=attribution.speaker or (attribution.source.text if attribution.source else None),
                    cue=attribution.cue.text.strip(),
                    text=article.text[content.start : content.end],
                    direct=attribution.direct,
                    article_id=article.id,
                    start=content.start,
                    end=content.end,
                    polarity=attribution.polarity,
                    kind=attribution.kind,
                )
            )
    return tuple(quotes)


def _entities(
    articles: Sequence[Article], annotations: Mapping[str, Annotation], index: EntityIndex
) -> tuple[EntitySummary, ...]:
    aliases: dict[str, set[str]] = defaultdict(set)
    by_outlet: dict[str, Counter[str]] = defaultdict(Counter)
    for article in articles:
        for entity in annotations[article.id].entities:
            if entity.label in NON_REFERENT_LABELS:
                continue
            name = index.of(entity)
            if not name:
                continue
            aliases[name].add(entity.text.strip())
            by_outlet[name][article.outlet] += 1
    order = sorted(aliases, key=lambda n: (-sum(by_outlet[n].values()), n))
    return tuple(
        EntitySummary(
            name=name,
            type=index.label.get(name, "MISC"),
            aliases=tuple(sorted(a for a in aliases[name] if a != name)),
            mentions_by_outlet=dict(sorted(by_outlet[name].items())),
        )
        for name in order
    )


TITLE = (
    r"ambassador|envoy|spokesman|spokeswoman|spokesperson|president|general|minister|secretary|"
    r"governor|commander|chairman|diplomat|official|leader|chief|strongman|warlord|correspondent"
)
_TITLE_BEFORE = re.compile(
    r"(?<![\w-])((?:(?:[A-Z][\w.\-]*|special|press|top|former|foreign|deputy|senior|army|defence|defense)[ \t]+){0,3}"
    r"(?i:" + TITLE + r"))[ \t]*,?[ \t]*$",
)
_APPOSITIVE = re.compile(r"(?:^|[.;:“\"\n][ \t]*|\b(?:that|said|and|while|with)[ \t]+)((?:The|the|A|a|An|an)[ \t]+[^,.;“”\"\n]{3,70}),[ \t]*$")
_DESCRIPTOR_AFTER = re.compile(
    r"^[ \t]+(movement|militants|fighters|group|forces|government|administration|officials|insurgents|rebels)\b"
)


def mention_terms(text: str, start: int, end: int) -> list[str]:
    """What an outlet calls a referent at one mention: the name, with its title
    ("Ambassador Khalilzad"), apposition ("The United States diplomat to
    Afghanistan") or descriptor ("Taliban movement")."""
    name = text[start:end].strip()
    terms = [name]
    before = text[max(0, start - 80) : start]
    appositive = _APPOSITIVE.search(before)
    if appositive and re.search(TITLE, appositive.group(1), re.I):
        terms.append(appositive.group(1).strip())  # "The regional governor, Maria Okafor"
    elif match := _TITLE_BEFORE.search(before):
        terms.append(f"{match.group(1).strip()} {name}")  # "Governor Okafor"
    if match := _DESCRIPTOR_AFTER.match(text[end : end + 30]):
        terms.append(f"{name} {match.group(1)}")
    return terms


def _outlet_views(
    articles: Sequence[Article],
    facts: Sequence[Fact],
    claims: Sequence[Claim],
    annotations: Mapping[str, Annotation],
    index: EntityIndex,
) -> tuple[OutletView, ...]:
    unit_of_outlet: dict[str, set[str]] = defaultdict(set)
    article_by_id = {a.id: a for a in articles}
    for article in articles:
        unit_of_outlet[article.outlet].add(independence_unit(article))
    all_units = {u for units in unit_of_outlet.values() for u in units}
    fact_units = {
        f.id: {independence_unit(article_by_id[c.article_id]) for c in f.claims if c.article_id in article_by_id}
        for f in facts
    }
    # wording: the surface forms each outlet uses for referents several outlets share
    terms: dict[str, dict[str, Counter[str]]] = defaultdict(lambda: defaultdict(Counter))
    for article in articles:
        for entity in annotations[article.id].entities:
            name = index.of(entity)
            if name:
                for term in mention_terms(article.text, entity.start, entity.end):
                    terms[name][article.outlet][term] += 1
    # only referents the outlets name differently say something about wording
    worded_differently = {
        name
        for name, per_outlet in terms.items()
        if len(per_outlet) >= 2 and len({frozenset(c) for c in per_outlet.values()}) >= 2
    }
    outlet_facts: dict[str, set[str]] = defaultdict(set)
    for f in facts:
        for c in f.claims:
            if c.article_id in article_by_id:
                outlet_facts[article_by_id[c.article_id].outlet].add(f.id)
    views = []
    for outlet in sorted(unit_of_outlet):
        own_units = unit_of_outlet[outlet]
        others = all_units - own_units
        carried = [f for f in facts if f.id in outlet_facts[outlet]]
        exclusive = [f for f in carried if fact_units[f.id] <= own_units]
        omitted = [
            f
            for f in facts
            if f.id not in outlet_facts[outlet]
            and len(fact_units[f.id] & others) >= 2
            and len(fact_units[f.id] & others) > len(others) / 2
        ]
        outlet_claims = [c for c in claims if c.article_id in article_by_id and article_by_id[c.article_id].outlet == outlet]
        attributed = [c for c in outlet_claims if c.attribution is not None and c.attribution.kind != "other"]
        cues = Counter(c.attribution.cue.lower() for c in attributed)
        wording = {
            name: tuple(t for t, _ in per_outlet[outlet].most_common())
            for name, per_outlet in sorted(terms.items())
            if outlet in per_outlet and name in worded_differently
        }
        views.append(
            OutletView(
                outlet=outlet,
                fact_ids=tuple(f.id for f in carried),
                exclusive_fact_ids=tuple(f.id for f in exclusive),
                omitted_fact_ids=tuple(f.id for f in omitted),
                wording=wording,
                attributed_share=round(len(attributed) / len(outlet_claims), 3) if outlet_claims else None,
                cue_verbs=dict(sorted(cues.items(), key=lambda kv: (-kv[1], kv[0]))),
            )
        )
    return tuple(views)
