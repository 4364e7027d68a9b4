"""Property: every summary sentence is checkable against its citations.

A source sentence's first citation points at a span whose text is the sentence;
its other citations are claims of the facts it carries. A template's citations
are claims of the facts it names, and it quotes each of them.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from storylens.records import (
    Annotation,
    Article,
    Citation,
    Claim,
    ClaimAttribution,
    Comparison,
    Conflict,
    Fact,
    Sentence,
    StoryGroup,
)
from storylens.synthesize import synthesize_story

WORDS = (
    "the council said river bridge flood town police minister fire army talks price vote "
    "officials reported that residents were evacuated after storm hit coast on monday and "
    "three people died while rescue teams searched homes near school hospital market"
).split()

sentence_st = st.lists(st.sampled_from(WORDS), min_size=4, max_size=18).map(
    lambda ws: " ".join(ws).capitalize() + "."
)
article_st = st.lists(sentence_st, min_size=1, max_size=7)


@st.composite
def stories(draw):
    n_articles = draw(st.integers(1, 3))
    articles, annotations, spans = {}, {}, []
    for n in range(n_articles):
        parts = draw(article_st)
        glue = draw(st.sampled_from([" ", "\n\n", "  \n"]))
        text, sents = "", []
        for part in parts:
            if text:
                text += glue
            sents.append(Sentence(start=len(text), end=len(text) + len(part), text=part))
            text += part
        aid = f"art{n}"
        articles[aid] = Article(id=aid, source=f"{aid}.txt", outlet=f"outlet{n % 2}", text=text)
        annotations[aid] = Annotation(sentences=tuple(sents))
        spans += [(aid, s) for s in sents]
    facts = []
    order = draw(st.permutations(range(len(spans))))
    cursor = 0
    while cursor < len(order):
        size = draw(st.integers(1, 3))
        members = [spans[i] for i in order[cursor : cursor + size]]
        cursor += size
        claims = tuple(
            Claim(
                id=f"c{cursor}-{k}", article_id=aid, start=s.start, end=s.end, text=s.text,
                attribution=ClaimAttribution(speaker="someone", cue="denied", polarity="denies")
                if k == 1 and draw(st.booleans()) else None,
            )
            for k, (aid, s) in enumerate(members)
        )
        status = draw(st.sampled_from(["corroborated", "single_source", "disputed", "conflicting"]))
        conflicts = ()
        if status in ("disputed", "conflicting") and len(claims) >= 2:
            kind = "denial" if status == "disputed" else draw(st.sampled_from(["number", "date", "place"]))
            conflicts = (Conflict(kind=kind, detail="differs", claims=tuple(
                Citation(article_id=c.article_id, start=c.start, end=c.end) for c in claims[:2]
            )),)
        facts.append(Fact(
            id=f"f{cursor}", text=claims[0].text, status=status,
            outlets=tuple(sorted({articles[c.article_id].outlet for c in claims})),
            independent_outlets=len({articles[c.article_id].outlet for c in claims}),
            claims=claims, conflicts=conflicts, importance=draw(st.floats(0, 5)),
        ))
    if draw(st.booleans()):
        facts = []  # the no-alignment fallback must keep the same guarantees
    return articles, annotations, Comparison(facts=tuple(facts)), draw(st.integers(0, 150))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(stories())
def test_summary_citations_point_at_what_they_say(case):
    articles, annotations, comparison, budget = case
    group = StoryGroup(id="s", title="t", article_ids=tuple(articles))
    story = synthesize_story(group, articles, annotations, comparison, summary_words=budget)
    facts = {f.id: f for f in comparison.facts}

    def text_of(c: Citation) -> str:
        return articles[c.article_id].text[c.start : c.end]

    for sentence in story.summary:
        assert sentence.citations, "uncited summary sentence"
        named = [facts[f] for f in sentence.fact_ids]
        claim_spans = {(c.article_id, c.start, c.end) for f in named for c in f.claims}
        claim_spans |= {(c.article_id, c.start, c.end) for f in named for k in f.conflicts for c in k.claims}
        if sentence.template:
            assert named, "a template must name the facts it states"
            for citation in sentence.citations:
                assert (citation.article_id, citation.start, citation.end) in claim_spans
                assert f"“{text_of(citation)}”" in sentence.text
        else:
            first, *others = sentence.citations
            assert text_of(first) == sentence.text
            for citation in others:
                assert (citation.article_id, citation.start, citation.end) in claim_spans
            # one citation per article at most: each article that carries it, once
            assert len({c.article_id for c in sentence.citations}) == len(sentence.citations)
    if budget == 0:
        assert story.summary == ()
