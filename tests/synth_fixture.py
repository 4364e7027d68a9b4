"""A hand-built fictional story for the synthesis and report tests.

Three invented outlets report an invented flood in the town of Velmora (placed
at real coordinates of Skopje so the map has land around it). The comparison is
written by hand as the alignment stage would hand it over: a corroborated
fact, a single-source one, a number conflict and a denial.
"""

from __future__ import annotations

import re

from storylens.records import (
    Annotation,
    Article,
    Citation,
    Claim,
    ClaimAttribution,
    Comparison,
    Conflict,
    Entity,
    EntitySummary,
    Fact,
    OutletView,
    Place,
    Quote,
    Report,
    Sentence,
    StoryGroup,
    TimeExpr,
)
from storylens.synthesize import synthesize_story

TEXTS = {
    "north-gazette": (
        "Flood waters swept through the river town of Velmora on Tuesday, forcing 3,000 residents from their homes.\n\n"
        "The regional emergency agency said 12 people were killed when the Brana embankment gave way before dawn.\n\n"
        "Mayor Ilina Petrova said rescue boats reached the old quarter by midday.\n\n"
        "The agency said the embankment had been inspected in March and declared safe.\n\n"
        "Relief convoys are expected in Velmora by Friday, the agency added."
    ),
    "river-times": (
        "At least 3,000 people fled their homes in Velmora on Tuesday after the river burst its banks.\n\n"
        "Local hospital officials put the death toll at 15, higher than the figure given by the emergency agency.\n\n"
        "\"We lost everything in one hour,\" said Marko Ilic, a baker whose shop stood beside the river.\n\n"
        "The construction company that maintains the Brana embankment denied that the structure had failed.\n\n"
        "Engineers will inspect the embankment next week, the company said."
    ),
    "capital-wire": (
        "Thousands of residents of Velmora were evacuated on Tuesday as flood water rose through the town.\n\n"
        "The government announced an inquiry into the collapse of the Brana embankment.\n\n"
        "Prime Minister Goran Vuk will visit the town on Thursday, his office said.\n\n"
        "<script>alert('x')</script> Residents posted photos of flooded streets & cars under water."
    ),
}
PUBLISHED = "2031-05-13"  # a Tuesday
IDS = {"north-gazette": "a1", "river-times": "b2", "capital-wire": "c3"}


def sentences(text: str) -> tuple[Sentence, ...]:
    return tuple(
        Sentence(start=m.start(), end=m.end(), text=m.group()) for m in re.finditer(r"[^\n]+", text)
    )


def span(article: Article, needle: str, cls=None, **extra):
    start = article.text.index(needle)
    cls = cls or Sentence
    return cls(start=start, end=start + len(needle), text=needle, **extra)


def build_articles() -> dict[str, Article]:
    return {
        IDS[outlet]: Article(
            id=IDS[outlet], source=f"{outlet}.txt", outlet=outlet, title=f"Flood in Velmora ({outlet})",
            published=PUBLISHED, language="en", text=text,
        )
        for outlet, text in TEXTS.items()
    }


def build_annotations(articles: dict[str, Article]) -> dict[str, Annotation]:
    a, b, c = articles["a1"], articles["b2"], articles["c3"]
    velmora = {"name": "Velmora", "lat": 41.9981, "lon": 21.4254, "country": "MK"}

    def places(article: Article) -> tuple[Place, ...]:
        return tuple(
            Place(start=m.start(), end=m.end(), text=m.group(), **velmora)
            for m in re.finditer("Velmora", article.text)
        )

    def tuesday(article: Article) -> tuple[TimeExpr, ...]:
        return tuple(
            TimeExpr(start=m.start(), end=m.end(), text=m.group(), value=PUBLISHED)
            for m in re.finditer("Tuesday", article.text)
        )

    return {
        "a1": Annotation(
            sentences=sentences(a.text),
            places=places(a),
            times=tuesday(a)
            + (span(a, "by Friday", TimeExpr, value="2031-05-16"), span(a, "in March", TimeExpr, value="2031-03")),
            entities=(span(a, "Ilina Petrova", Entity, label="PERSON", canonical="Ilina Petrova"),),
        ),
        "b2": Annotation(
            sentences=sentences(b.text),
            places=places(b),
            times=tuesday(b) + (span(b, "next week", TimeExpr, value="2031-05-19", end_value="2031-05-25"),),
            entities=(span(b, "Marko Ilic", Entity, label="PERSON", canonical="Marko Ilic"),),
        ),
        "c3": Annotation(
            sentences=sentences(c.text),
            places=places(c),
            times=tuesday(c) + (span(c, "on Thursday", TimeExpr, value="2031-05-15"),),
            entities=(span(c, "Goran Vuk", Entity, label="PERSON", canonical="Goran Vuk"),),
        ),
    }


def claim(article: Article, needle: str, n: int, attribution: ClaimAttribution | None = None) -> Claim:
    start = article.text.index(needle)
    return Claim(
        id=f"{article.id}-{n}", article_id=article.id, start=start, end=start + len(needle), text=needle,
        attribution=attribution,
    )


def build_comparison(articles: dict[str, Article]) -> Comparison:
    a, b, c = articles["a1"], articles["b2"], articles["c3"]
    sent = {k: sentences(v.text) for k, v in articles.items()}
    evacuated = Fact(
        id="f-evacuated", text=sent["a1"][0].text, status="corroborated",
        outlets=("capital-wire", "north-gazette", "river-times"), independent_outlets=3,
        claims=(claim(a, sent["a1"][0].text, 0), claim(b, sent["b2"][0].text, 0), claim(c, sent["c3"][0].text, 0)),
        importance=3.0,
    )
    toll_a = claim(a, sent["a1"][1].text, 1, ClaimAttribution(speaker="regional emergency agency", cue="said"))
    toll_b = claim(b, sent["b2"][1].text, 1, ClaimAttribution(speaker="Local hospital officials", cue="put"))
    toll = Fact(
        id="f-toll", text=toll_a.text, status="conflicting", outlets=("north-gazette", "river-times"),
        independent_outlets=2, claims=(toll_a, toll_b), importance=2.5,
        conflicts=(Conflict(kind="number", detail="12 killed vs 15 killed", claims=(
            Citation(article_id="a1", start=toll_a.start, end=toll_a.end),
            Citation(article_id="b2", start=toll_b.start, end=toll_b.end),
        )),),
    )
    failed = claim(c, sent["c3"][1].text, 1)
    denied = claim(b, sent["b2"][3].text, 3,
                   ClaimAttribution(speaker="The construction company", cue="denied", polarity="denies"))
    embankment = Fact(
        id="f-embankment", text=failed.text, status="disputed", outlets=("capital-wire", "river-times"),
        independent_outlets=2, claims=(failed, denied), importance=2.0,
        conflicts=(Conflict(kind="denial", detail="the company denies the embankment failed", claims=(
            Citation(article_id="c3", start=failed.start, end=failed.end),
            Citation(article_id="b2", start=denied.start, end=denied.end),
        )),),
    )
    singles = tuple(
        Fact(id=f"f-single-{art.id}-{i}", text=s.text, status="single_source", outlets=(art.outlet,),
             independent_outlets=1, claims=(claim(art, s.text, 10 + i),), importance=1.0)
        for art, i in ((a, 2), (a, 3), (a, 4), (b, 2), (b, 4), (c, 2))
        for s in [sent[art.id][i]]
    )
    quote_text = "We lost everything in one hour,"
    q_start = b.text.index(quote_text)
    return Comparison(
        facts=(evacuated, toll, embankment, *singles),
        quotes=(Quote(speaker="Marko Ilic", cue="said", text=quote_text, direct=True, article_id="b2",
                      start=q_start, end=q_start + len(quote_text)),),
        entities=(
            EntitySummary(name="Ilina Petrova", type="PERSON", aliases=("Petrova",), mentions_by_outlet={"north-gazette": 1}),
            EntitySummary(name="Marko Ilic", type="PERSON", mentions_by_outlet={"river-times": 1}),
            EntitySummary(name="Goran Vuk", type="PERSON", mentions_by_outlet={"capital-wire": 1}),
        ),
        outlets=(
            OutletView(outlet="capital-wire", fact_ids=("f-evacuated", "f-embankment"), exclusive_fact_ids=("f-single-c3-2",),
                       omitted_fact_ids=("f-toll",), wording={"the embankment": ("Brana embankment",)}),
            OutletView(outlet="north-gazette", fact_ids=("f-evacuated", "f-toll"), exclusive_fact_ids=("f-single-a1-2",)),
            OutletView(outlet="river-times", fact_ids=("f-evacuated", "f-toll", "f-embankment")),
        ),
    )


def build_story(summary_words: int = 80):
    articles = build_articles()
    annotations = build_annotations(articles)
    comparison = build_comparison(articles)
    group = StoryGroup(id="s-velmora", title="Flood in Velmora", article_ids=tuple(sorted(articles)))
    story = synthesize_story(group, articles, annotations, comparison, summary_words=summary_words)
    return articles, annotations, comparison, story


def build_report(summary_words: int = 80) -> Report:
    articles, _, _, story = build_story(summary_words)
    return Report(articles=tuple(articles.values()), stories=(story,))
