"""The typed records that flow through the pipeline.

Every artifact is one frozen pydantic model. Annotations are spans over the
article's cleaned ``text`` (character offsets, end exclusive); the ``text``
field each span carries always equals ``article.text[start:end]`` (checked by
property tests), so a record can be shown without its article at hand.

Data flows one way: Document (ingest) -> Article (clean) -> Annotation
(annotate) -> StoryGroup (group) -> Claim/Fact (align, compare) -> Story,
Report (synthesise, report).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from functools import lru_cache
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from storylens.lexicon.cues import CueKind, cue_kind

SCHEMA_ID = "storylens.report/1"


@lru_cache(maxsize=65536)
def parse_published(value: str | None) -> datetime | None:
    """An ISO 8601 date or datetime string as an aware datetime, or None.

    The one parse of ``published``: the stored string stays as ingested (reports
    and JSON keep it byte for byte), readers take this. A naive time is UTC, a bare
    date is midnight UTC; an offset is kept, so ``.date()`` is the day as written
    (the string's first ten characters). A string whose time part does not parse
    still gives its leading ISO day, as the old ``published[:10]`` readers did.
    """
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        try:
            moment = datetime.combine(date.fromisoformat(value[:10]), time())
        except ValueError:
            return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def iso_published(value: str) -> str:
    """A date the user typed, checked to be ISO 8601 (``2021-08-10``, ``2021-08-10T09:30+02:00``).

    Why strict: ``10/08/2021`` is 8 October to one reader and 10 August to another;
    a date the user gives for every article must not be guessed. Returns the value
    normalised (``Z`` kept as ``+00:00``); raises ValueError saying what is wrong.
    """
    text = value.strip()
    try:
        if len(text) in (8, 10) and "T" not in text and " " not in text:
            return date.fromisoformat(text).isoformat()
        return datetime.fromisoformat(text.replace("Z", "+00:00")).isoformat()
    except ValueError:
        raise ValueError(
            f"{value!r} is not an ISO 8601 date or date-time (e.g. 2021-08-10 or 2021-08-10T09:30+02:00)"
        ) from None


class Record(BaseModel):
    """Base of every record: immutable, no unknown fields."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    def to_dict(self) -> dict:
        return self.model_dump(mode="json")


def _with_cue_kind(data: Any, cue_text: str | None) -> Any:
    """Fill in what kind of report a cue makes when the maker did not record it (a record
    read back from JSON, or built by hand), and make polarity agree with it: a denial cue
    denies. Annotation records the kind; this decides the same way from the cue's words."""
    if not isinstance(data, dict):
        return data
    kind = data.get("kind") or cue_kind(cue_text, data.get("polarity") == "denies")
    return {**data, "kind": kind, **({"polarity": "denies"} if kind == "denial" else {})}


# --------------------------------------------------------------------------- ingest


class Document(Record):
    """What a reader got from one input, before cleaning.

    ``text`` is the main text (for HTML: what the extractor kept); metadata
    comes from the document itself, a sidecar, a manifest or CLI flags.
    """

    source: str
    text: str
    kind: str  # txt, md, html, json, jsonl, warc, url, feed, stdin
    outlet: str | None = None
    title: str | None = None
    url: str | None = None
    published: str | None = None  # ISO 8601 (date or datetime)
    language: str | None = None
    author: str | None = None
    site_name: str | None = None
    outlet_guessed: bool = False  # no source named the outlet: the file's name (or "stdin") stands in
    notes: tuple[str, ...] = ()  # what reading assumed, e.g. "no byte-order mark; read as UTF-16-LE"


class InputError(Record):
    """One bad input: reported on one line, the batch goes on."""

    source: str
    message: str

    def __str__(self) -> str:
        return f"{self.source}: {self.message}"


class InputWarning(Record):
    """Something the user should know about inputs that were still used (exit code unchanged)."""

    message: str
    sources: tuple[str, ...] = ()

    def __str__(self) -> str:
        return self.message


# --------------------------------------------------------------------------- clean


class Removed(Record):
    """A line taken out of the text by cleaning, kept for audit."""

    text: str
    reason: str


class Article(Record):
    """A cleaned article: the unit every later stage works on."""

    id: str  # content hash of (outlet, text)
    source: str
    outlet: str
    title: str | None = None
    url: str | None = None
    published: str | None = None
    language: str | None = None
    author: str | None = None
    text: str
    removed: tuple[Removed, ...] = ()
    syndication_group: str | None = None
    duplicate_of: str | None = None  # id of an exact/near duplicate seen earlier

    @property
    def published_at(self) -> datetime | None:
        """``published`` as an aware datetime (parsed once per value; see parse_published)."""
        return parse_published(self.published)


# --------------------------------------------------------------------------- annotate


class Span(Record):
    start: int
    end: int
    text: str


class Sentence(Span):
    # A section title inside the body ("Civilians in the eye of the storm"): a label, not a statement.
    heading: bool = False


class Entity(Span):
    label: str  # PERSON, ORG, GPE, LOC, NORP, FAC, EVENT, DATE, CARDINAL, ...
    canonical: str  # the in-article canonical form ("Zalmay Khalilzad")


class Attribution(Span):
    """Who said what. The record's own span covers source, cue and content."""

    source: Span | None = None
    speaker: str | None = None  # canonical name of the source (pronouns resolved)
    cue: Span
    content: Span
    direct: bool = False
    polarity: Literal["asserts", "denies"] = "asserts"
    kind: CueKind = "other"  # what the cue reports: "speech" ("said"), "denial" ("denied") or "other"

    @model_validator(mode="before")
    @classmethod
    def _kind(cls, data: Any) -> Any:
        cue = data.get("cue") if isinstance(data, dict) else None
        return _with_cue_kind(data, cue.get("text") if isinstance(cue, dict) else getattr(cue, "text", None))


class Quantity(Span):
    value: float | None = None
    value_max: float | None = None  # for ranges ("10 to 12")
    counted: str | None = None  # "Taliban militants killed"
    qualifier: str | None = None  # "at least", "up to", "about", "more than"
    ordinal: bool = False
    whole: float | None = None  # "6 of the 34" -> 34
    unit: str | None = None


class TimeExpr(Span):
    value: str | None = None  # ISO date, or None when unresolvable
    end_value: str | None = None  # ISO date for intervals


class Place(Span):
    name: str
    lat: float
    lon: float
    country: str | None = None  # ISO 3166-1 alpha-2
    geonameid: int | None = None
    population: int | None = None


class Annotation(Record):
    sentences: tuple[Sentence, ...] = ()
    entities: tuple[Entity, ...] = ()
    attributions: tuple[Attribution, ...] = ()
    quantities: tuple[Quantity, ...] = ()
    times: tuple[TimeExpr, ...] = ()
    places: tuple[Place, ...] = ()


# --------------------------------------------------------------------------- group


class GroupingReason(Record):
    """Why an article sits in its story."""

    article_id: str
    score: float
    shared_entities: tuple[str, ...] = ()
    shared_terms: tuple[str, ...] = ()
    shared_dates: tuple[str, ...] = ()
    corrected: bool = False  # placed there by a user merge/split


class StoryGroup(Record):
    id: str
    title: str
    article_ids: tuple[str, ...]
    reasons: tuple[GroupingReason, ...] = ()


# --------------------------------------------------------------------------- align / compare


class Citation(Record):
    article_id: str
    start: int
    end: int


class ClaimAttribution(Record):
    speaker: str | None
    cue: str
    polarity: Literal["asserts", "denies"] = "asserts"
    # the attribution's kind of cue (Attribution.kind); not part of the JSON report
    kind: CueKind = Field(default="other", exclude=True)

    @model_validator(mode="before")
    @classmethod
    def _kind(cls, data: Any) -> Any:
        return _with_cue_kind(data, data.get("cue") if isinstance(data, dict) else None)


class Claim(Record):
    """A statement from one article: a sentence or one of its clauses."""

    id: str
    article_id: str
    start: int
    end: int
    text: str
    attribution: ClaimAttribution | None = None
    entities: tuple[str, ...] = ()  # canonical forms
    quantities: tuple[Quantity, ...] = ()
    times: tuple[TimeExpr, ...] = ()
    places: tuple[str, ...] = ()


FactStatus = Literal["corroborated", "single_source", "disputed", "conflicting"]
ConflictKind = Literal["number", "date", "time", "place", "denial", "contradiction", "title"]


class Conflict(Record):
    kind: ConflictKind
    detail: str
    claims: tuple[Citation, ...]


class Fact(Record):
    id: str
    text: str
    status: FactStatus
    outlets: tuple[str, ...]
    independent_outlets: int
    claims: tuple[Claim, ...]
    conflicts: tuple[Conflict, ...] = ()
    importance: float = 0.0


class Quote(Record):
    speaker: str | None
    cue: str
    text: str
    direct: bool
    article_id: str
    start: int
    end: int
    polarity: Literal["asserts", "denies"] = "asserts"
    # the attribution's kind of cue (Attribution.kind); not part of the JSON report
    kind: CueKind = Field(default="other", exclude=True)

    @model_validator(mode="before")
    @classmethod
    def _kind(cls, data: Any) -> Any:
        return _with_cue_kind(data, data.get("cue") if isinstance(data, dict) else None)


class EntitySummary(Record):
    name: str
    type: str
    aliases: tuple[str, ...] = ()
    mentions_by_outlet: dict[str, int] = Field(default_factory=dict)


class PlaceSummary(Record):
    name: str
    lat: float
    lon: float
    country: str | None = None
    mentions: int = 0
    article_ids: tuple[str, ...] = ()


class OutletView(Record):
    outlet: str
    fact_ids: tuple[str, ...] = ()
    exclusive_fact_ids: tuple[str, ...] = ()
    omitted_fact_ids: tuple[str, ...] = ()
    wording: dict[str, tuple[str, ...]] = Field(default_factory=dict)
    attributed_share: float | None = None  # share of claims carrying an attribution
    cue_verbs: dict[str, int] = Field(default_factory=dict)


# --------------------------------------------------------------------------- synthesise / report


class SummarySentence(Record):
    text: str
    citations: tuple[Citation, ...]
    template: bool = False  # True for "A reports X; B reports Y" sentences
    fact_ids: tuple[str, ...] = ()


class TimelineEntry(Record):
    date: str
    end_date: str | None = None
    text: str
    fact_ids: tuple[str, ...] = ()
    citations: tuple[Citation, ...] = ()


class Story(Record):
    id: str
    title: str
    article_ids: tuple[str, ...]
    summary: tuple[SummarySentence, ...] = ()
    facts: tuple[Fact, ...] = ()
    timeline: tuple[TimelineEntry, ...] = ()
    places: tuple[PlaceSummary, ...] = ()
    entities: tuple[EntitySummary, ...] = ()
    quotes: tuple[Quote, ...] = ()
    outlets: tuple[OutletView, ...] = ()
    grouping: tuple[GroupingReason, ...] = ()


class LanguageNotice(Record):
    """An article in a language the analysis does not cover, and what was left undone.

    Until multilingual models ship, such an article keeps its sentences (so it is read,
    cited and shown) but gets no entities, attributions, numbers, dates or places."""

    article_id: str
    source: str
    language: str | None
    direction: Literal["ltr", "rtl"] = "ltr"
    unavailable: tuple[str, ...] = ()
    message: str


class Report(Record):
    schema_: str = Field(default=SCHEMA_ID, alias="schema")
    generated_by: str = "storylens"
    articles: tuple[Article, ...] = ()
    stories: tuple[Story, ...] = ()
    errors: tuple[InputError, ...] = ()
    warnings: tuple[InputWarning, ...] = ()
    language_notices: tuple[LanguageNotice, ...] = ()  # optional: articles only partly analysed

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)

    def to_dict(self) -> dict:
        return self.model_dump(mode="json", by_alias=True)

    def story(self, story_id: str) -> Story:
        for story in self.stories:
            if story.id == story_id:
                return story
        raise KeyError(story_id)

    def article(self, article_id: str) -> Article:
        for article in self.articles:
            if article.id == article_id:
                return article
        raise KeyError(article_id)


class Comparison(Record):
    """What align + compare hand to synthesis for one story."""

    facts: tuple[Fact, ...] = ()
    quotes: tuple[Quote, ...] = ()
    entities: tuple[EntitySummary, ...] = ()
    outlets: tuple[OutletView, ...] = ()
