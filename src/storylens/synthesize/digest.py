"""The digest: citations of each chosen sentence, dispute and conflict templates, build_summary."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence

import numpy as np

from storylens.align import stated_numbers
from storylens.compare.conflicts import slot_detail
from storylens.lexicon.datelines import DATELINE
from storylens.lexicon.words import LEANS_BACK, token_count
from storylens.records import (
    Annotation,
    Article,
    Citation,
    Claim,
    Conflict,
    Fact,
    SummarySentence,
)
from storylens.synthesize.candidates import Candidate, collect_candidates, tight_fact_ids
from storylens.synthesize.ranking import Ranker, score_candidates, select_candidates
from storylens.synthesize.settings import DEFAULT_SETTINGS, SynthSettings

# --------------------------------------------------------------------------- citations and templates


__all__ = [
    "build_summary",
    "conflict_template",
]


def _fact_citations(
    cand: Candidate, facts_by_id: Mapping[str, Fact], closeness: Callable[[str], float] | None = None,
    floor: float = 0.0,
) -> tuple[Citation, ...]:
    """The sentence's own span first, then for each other article the claim of its facts
    that says most nearly what the sentence says, if it says it closely enough.

    A fact can hold a loosely joined claim; a citation is a reader's evidence, so another
    outlet is cited only where its sentence is close to this one (``closeness``: cosine
    of sentence vectors, at least ``floor``). A claim on a side of one of the fact's
    conflicts gives its own account of the disputed thing, so it supports no sentence of
    the fact: the conflict template cites it instead.
    """
    citations = [cand.citation]
    best: dict[str, tuple[float, Claim]] = {}
    for fact_id in cand.fact_ids:
        fact = facts_by_id.get(fact_id)
        if fact is None:
            continue
        disputed = {(c.article_id, c.start, c.end) for conflict in fact.conflicts for c in conflict.claims}
        own_numbers = set().union(*(
            stated_numbers(c) for c in fact.claims
            if c.article_id == cand.article_id and c.start < cand.end and cand.start < c.end
        ))
        for claim in fact.claims:
            if claim.article_id == cand.article_id or (claim.article_id, claim.start, claim.end) in disputed:
                continue
            numbers = stated_numbers(claim)
            if own_numbers and numbers and not own_numbers & numbers:
                continue  # "the UN says 7,500 died" is no evidence for "9,000 have been killed"
            close = closeness(claim.text) if closeness is not None else 1.0
            if close >= floor and (claim.article_id not in best or close > best[claim.article_id][0]):
                best[claim.article_id] = (close, claim)
    for _, claim in best.values():
        citations.append(Citation(article_id=claim.article_id, start=claim.start, end=claim.end))
    return tuple(citations)


def _who(claim: Claim | None, article: Article | None) -> str:
    outlet = article.outlet if article else "an outlet"
    speaker = claim.attribution.speaker if claim and claim.attribution else None
    return f"{speaker} (per {outlet})" if speaker else outlet


_KIND_WORDS = {
    "number": "the numbers",
    "date": "the dates",
    "time": "the times of day",
    "place": "the places",
    "contradiction": "the facts",
    "title": "a title",
    "denial": "the facts",
}


def _mid_sentence(who: str) -> str:
    """"An opposition senator" read after "according to": "an opposition senator"."""
    first, _, rest = who.partition(" ")
    return f"{first.lower()} {rest}" if rest and first in ("A", "An", "The") else who


# Kinds whose detail is the two values in dispute (a contradiction's is a quotation)
_VALUED_KINDS = frozenset({"number", "date", "time", "place", "title"})


def conflict_template(
    fact: Fact, conflict: Conflict, articles: Mapping[str, Article]
) -> SummarySentence | None:
    """A marked sentence naming who says what, quoting and citing the claims it names."""
    claims_by_span = {(c.article_id, c.start, c.end): c for c in fact.claims}
    parts: list[tuple[str, str, Citation, Claim | None]] = []
    seen: set[tuple[str, int, int]] = set()
    for citation in conflict.claims:
        key = (citation.article_id, citation.start, citation.end)
        article = articles.get(citation.article_id)
        if key in seen or article is None:
            continue
        text = article.text[citation.start : citation.end].strip()
        if not text:
            continue
        lead = article.text[citation.start : citation.end].find(text)
        citation = Citation(
            article_id=citation.article_id,
            start=citation.start + lead,
            end=citation.start + lead + len(text),
        )
        seen.add(key)
        claim = claims_by_span.get(key)
        parts.append((_who(claim, article), _unquoted(text), citation, claim))
    if not parts:
        return None
    if conflict.kind == "denial" and len(parts) >= 2:
        asserting = [p for p in parts if not (p[3] and p[3].attribution and p[3].attribution.polarity == "denies")]
        denying = [p for p in parts if p not in asserting]
        if asserting and denying:
            first, second = asserting[0], denying[0]
            text = f"Disputed: {first[0]} says “{first[1]}”; {second[0]} denies it: “{second[1]}”"
            return SummarySentence(
                text=text, citations=(first[2], second[2]), template=True, fact_ids=(fact.id,)
            )
    if len(parts) == 1:
        who, quoted, citation, _ = parts[0]
        label = "Disputed" if conflict.kind == "denial" else "Conflicting"
        text = f"{label} ({conflict.detail}): according to {_mid_sentence(who)}, “{quoted}”"
        return SummarySentence(text=text, citations=(citation,), template=True, fact_ids=(fact.id,))
    shown = parts[:3]
    # "according to" reads right for one speaker or many ("officials (per outlet-a2)")
    body = "; ".join(f"according to {_mid_sentence(who)}, “{quoted}”" for who, quoted, _, _ in shown)
    label = "Disputed" if conflict.kind == "denial" else "Accounts differ on " + _KIND_WORDS[conflict.kind]
    if conflict.kind in _VALUED_KINDS and len(conflict.detail) <= 60:
        label += f" ({conflict.detail})"  # the values at a glance: "the times of day (11:40 a.m. vs 10:30 a.m.)"
    slot = slot_detail(conflict.kind, conflict.detail)
    if slot is not None:
        label = f"Accounts differ on {slot[0]} ({slot[1]})"  # a story slot: "the dead (at least 12 vs nine)"
    text = f"{label}: {body}"
    return SummarySentence(
        text=text, citations=tuple(p[2] for p in shown), template=True, fact_ids=(fact.id,)
    )


def _without_dateline(text: str) -> str:
    """"BUCHAREST - An earth dam burst …" reads "An earth dam burst …" (its citation keeps the whole span)."""
    dateline = DATELINE.match(text)
    if dateline and len(text[dateline.end() :].split()) >= 4:
        return text[dateline.end() :]
    return text


def _unquoted(text: str) -> str:
    """A claim that is itself one quotation, without its marks: the template adds its own."""
    if len(text) > 2 and text[0] in "\"“" and text[-1] in "\"”" and not re.search("[\"“”]", text[1:-1]):
        return text[1:-1]
    return text


def _states_a_side(cand: Candidate, facts_by_id: Mapping[str, Fact]) -> bool:
    """Whether the sentence is one side of a disagreement its facts record (a conflicting value
    or a statement a party denies)."""
    for fact_id in cand.fact_ids:
        fact = facts_by_id.get(fact_id)
        if fact is None or fact.status not in ("disputed", "conflicting"):
            continue
        for conflict in fact.conflicts:
            for claim in conflict.claims:
                if claim.article_id == cand.article_id and claim.start < cand.end and cand.start < claim.end:
                    return True
    return False


def _template_for(fact: Fact, articles: Mapping[str, Article]) -> SummarySentence | None:
    for conflict in fact.conflicts:
        template = conflict_template(fact, conflict, articles)
        if template is not None:
            return template
    return None


# --------------------------------------------------------------------------- digest


def build_summary(
    article_ids: Sequence[str],
    articles: Mapping[str, Article],
    annotations: Mapping[str, Annotation],
    facts: Sequence[Fact],
    summary_words: int,
    *,
    ranker: Ranker | None | bool = True,
    settings: SynthSettings = DEFAULT_SETTINGS,
) -> tuple[SummarySentence, ...]:
    """The cited digest: ranked, non-redundant source sentences in reading order.

    A chosen sentence whose fact is disputed or conflicting is shown as the marked
    template that quotes both sides (it quotes the sentence itself), never bare.
    """
    if summary_words <= 0:
        return ()
    facts_by_id = {f.id: f for f in facts}
    candidates = collect_candidates(article_ids, articles, annotations, facts, settings)
    if not candidates:
        return ()
    vectors = settings.embed([c.text for c in candidates])
    score_candidates(candidates, vectors, articles, facts_by_id, annotations, ranker, settings)
    # Only a tight fact (one statement, told by several) can be stated as "A says X; B says Y";
    # a loose topic cluster flagged as conflicting would swallow the digest.
    tight = tight_fact_ids(facts)
    templates: dict[int, SummarySentence] = {}
    for i, cand in enumerate(candidates):
        for fact_id in cand.fact_ids:
            fact = facts_by_id.get(fact_id)
            if fact is not None and fact_id in tight and fact.status in ("disputed", "conflicting"):
                template = _template_for(fact, articles)
                if template is not None:
                    templates[i] = template
                    break
    # A side of a disagreement is never stated bare, as if it were the fact: it is shown in
    # its fact's template or not at all ("six stories below" where another outlet says eight).
    barred = {i for i, cand in enumerate(candidates) if i not in templates and _states_a_side(cand, facts_by_id)}
    # Nor is a sentence that leans on the one before it ("But Brown was ...", "His findings ..."),
    # unless nothing else is left to say.
    leaning = {i for i, cand in enumerate(candidates)
               if i not in templates and LEANS_BACK.match(_without_dateline(cand.text))}
    if len(barred | leaning) < len(candidates):
        barred |= leaning
    # A reader must learn of the main disagreement even when it is not the most central
    # sentence: the best-ranked dispute goes in first, within the budget, if it fits.
    forced = []
    forceable = [
        i for i in templates
        if settings.force_main_dispute == "any"
        or (settings.force_main_dispute == "denial" and any(facts_by_id[f].status == "disputed" for f in templates[i].fact_ids))
    ]
    if forceable:
        top = max(forceable, key=lambda i: (candidates[i].score, -i))
        if token_count(templates[top].text) <= summary_words:
            forced.append(top)
    chosen = select_candidates(candidates, vectors, summary_words, facts_by_id, templates, forced, settings,
                               barred=barred)
    # Reading order: where the sentence sits in its article (news is written top-down),
    # ties broken by rank, so the story's lead comes first.
    rank = {i: r for r, i in enumerate(chosen)}
    ordered = sorted(chosen, key=lambda i: (candidates[i].index / max(1, candidates[i].total), rank[i]))

    claim_texts = sorted({
        claim.text for i in chosen for f in candidates[i].fact_ids if f in facts_by_id for claim in facts_by_id[f].claims
    })
    claim_vectors = dict(zip(claim_texts, settings.embed(claim_texts), strict=True)) if claim_texts else {}

    def claim_vector(text: str) -> np.ndarray:
        return claim_vectors[text]

    summary: list[SummarySentence] = []
    shown_templates: set[str] = set()
    for i in ordered:
        template = templates.get(i)
        if template is not None:
            if template.text not in shown_templates:
                shown_templates.add(template.text)
                summary.append(template)
            continue
        cand = candidates[i]
        text = _without_dateline(cand.text)
        own, *others = _fact_citations(
            cand, facts_by_id, lambda text, i=i: float(vectors[i] @ claim_vector(text)), settings.citation_cosine
        )
        own = own.model_copy(update={"start": own.start + len(cand.text) - len(text)})
        summary.append(
            SummarySentence(
                text=text,
                citations=(own, *others),
                fact_ids=tuple(cand.fact_ids),
            )
        )
    return tuple(summary)


