"""Facts from an alignment: denials attached, identical claims merged, status, representative text, importance."""


from __future__ import annotations

import hashlib
import math
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence

import numpy as np

from storylens.align import (
    Alignment,
)
from storylens.compare.conflicts import (
    DEFAULT_SETTINGS,
    CompareSettings,
    _asserts,
    _citation,
    _denial_target,
    _pair_conflicts,
    denial_content,
    recorded_conflicts,
)
from storylens.lexicon.cues import KNOWING, denies_a_statement
from storylens.records import (
    Article,
    Claim,
    Conflict,
    Fact,
    Place,
)

__all__ = [
    "fact_id",
    "independence_unit",
]


def independence_unit(article: Article) -> str:
    """Syndicated copies share a unit; otherwise each outlet is its own."""
    return f"syn:{article.syndication_group}" if article.syndication_group else f"outlet:{article.outlet}"


def fact_id(claims: Sequence[Claim]) -> str:
    return "f-" + hashlib.sha256("\x00".join(sorted(c.id for c in claims)).encode()).hexdigest()[:12]



def _facts(
    alignment: Alignment,
    articles: Mapping[str, Article],
    places: Mapping[str, Place],
    settings: CompareSettings = DEFAULT_SETTINGS,
) -> list[Fact]:
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
        if hasattr(alignment, "conflicts") and not denies_a_statement(claim.attribution.cue, denial_content(claim)):
            continue  # proposition facts: turning down a request disputes no one's report
        own = cluster_of[i]
        denied_claim = _denial_target(i, alignment, settings)
        if denied_claim is None:
            # a denial of knowing ("denies he knew of the payment") that names no claim about
            # knowing disputes nothing: the payment its cluster may hold is not what it denies
            if KNOWING.match(denial_content(claim)):
                continue
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
        if hasattr(alignment, "conflicts"):  # proposition facts: the judged conflicts between its members
            conflicts.extend(recorded_conflicts(members, alignment, primary))
        else:
            conflicts.extend(_pair_conflicts([i for i in primary if _asserts(claims[i])], alignment, places, settings))
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

