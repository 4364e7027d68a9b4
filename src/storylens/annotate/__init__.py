"""Annotate: sentences, entities, attributions, quantities, times, places.

Owned by the annotation work (issue 3). Contract:

    annotate(text, *, published=None, language=None) -> Annotation
    annotate_articles(articles, store=None) -> dict[article_id, Annotation]
        (cached in the store by content hash when a store is given)
    language_notice(article) -> LanguageNotice | None
        (what is not analysed for an article's language: the models read English)

Every span's offsets index the given text (end exclusive) and its ``text`` is
that slice. Times are resolved against ``published`` (ISO date/datetime);
without it relative times keep their text and no value.
"""

from __future__ import annotations

import hashlib
import logging
import sys
import types
from collections.abc import Sequence

from storylens.annotate.attributions import build_attributions
from storylens.annotate.entities import (
    KEEP_LABELS,
    Mention,
    _trim,
    canonical_forms,
    merge_places,
    persons_named_like_places,
)
from storylens.annotate.gazetteer import find_place_names
from storylens.annotate.multilingual import annotate_other_language
from storylens.annotate.places import candidates_for, resolve_places, within_qualifier
from storylens.annotate.quantities import extract_quantities
from storylens.annotate.sentences import doc_text, heading_candidates, split_sentences
from storylens.annotate.times import (
    EXTRA_TIME_PATTERNS,
    as_iso,
    is_future_context,
    parse_anchor,
    resolve,
    year_in_context,
)
from storylens.lexicon.languages import base_code, language_name, text_direction
from storylens.lexicon.words import EPONYM_AFTER
from storylens.records import Annotation, Article, Entity, LanguageNotice, Place, Sentence, TimeExpr

ANNOTATOR_VERSION = "annotate-17"  # 17: a place followed by its US state or country is placed there ("Woodland Park, Colorado"), US states have a point on the map (a bare "Washington" is the capital), a place's whole name before the place its last word names ("District of Columbia"), "Del." before a name is a delegate's title, not a sentence end; 16: a disease named after a person names no person, a town named by a common English word is the word, "the Mercedes" spaCy calls an organisation is no town, places without coordinates anchor no nearness; 15: weekdays and relative days of articles not in English; 14: places of articles not in English, by their names in other scripts; 13: numbers and dates of articles not in English; 12: a bare number is a time only when its context makes it a year;
# 11: sentences end at "。", "؟", "۔" too
ANALYSED_LANGUAGES = frozenset({"en"})  # the spaCy pipeline and the cue lexicon are English
# What an article outside ANALYSED_LANGUAGES does not get (it keeps its sentences, and its
# numbers and dates are read by annotate.multilingual).
UNAVAILABLE_ANALYSES = ("entities", "attributions")
BATCH_SIZE = 32
MAX_CHARS = 1_000_000  # spaCy's default max_length
log = logging.getLogger(__name__)


def _nlp():
    from storylens.annotate.fastattrs import install
    from storylens.annotate.sentences import register_component
    from storylens.resources import get_annotator_nlp

    nlp = get_annotator_nlp(register_component())  # syntok's sentence starts, first in the pipeline
    install(nlp, persistent=True)  # memoised attribute_ruler + lemmatizer (idempotent), warm from disk
    return nlp


def annotate(text: str, *, published: str | None = None, language: str | None = None) -> Annotation:
    """Annotate one text (see the module docstring for the guarantees)."""
    if not text or not text.strip():
        return Annotation()
    if not is_analysed_language(language):
        return annotate_other_language(text, published=published, language=language)
    nlp = _nlp()
    if len(text) > nlp.max_length:
        return _sentences_only(text)  # spaCy refuses texts this long; keep the sentences at least
    doc = nlp(text)
    return annotation_from_doc(doc, published)


def is_analysed_language(language: str | None) -> bool:
    """True when the full analysis reads this language (unknown is taken as English)."""
    code = base_code(language)
    return code is None or code in ANALYSED_LANGUAGES


def language_notice(article: Article) -> LanguageNotice | None:
    """What is not analysed for the article's language, or None when everything is."""
    if is_analysed_language(article.language):
        return None
    name = language_name(article.language)
    return LanguageNotice(
        article_id=article.id,
        source=article.source,
        language=article.language,
        direction=text_direction(article.language),
        unavailable=UNAVAILABLE_ANALYSES,
        message=(
            f"{name} ({base_code(article.language)}) is read for its sentences, numbers, dates and places only: "
            "people and organisations, and quotes and their speakers, are analysed in English only; "
            "its claims are compared with other articles' by a multilingual model"
        ),
    )


def _sentences_only(text: str) -> Annotation:
    return Annotation(sentences=tuple(Sentence(start=s, end=e, text=text[s:e]) for s, e in split_sentences(text)))


def _mentions(doc) -> list[Mention]:
    text = doc_text(doc)
    mentions = []
    for ent in doc.ents:
        if ent.label_ not in KEEP_LABELS:
            continue
        start, end = _trim(text, ent.start_char, ent.end_char)
        if end <= start or not text[start:end].strip():
            continue
        mentions.append(Mention(start, end, ent.label_))
    return _without_eponyms(text, mentions)


def _without_eponyms(text: str, mentions: list[Mention]) -> list[Mention]:
    """"Lou Gehrig's disease" names a disease, not a person of the story (who would then be
    taken for the "he" of the next sentence), unless the article names him elsewhere too."""
    def surname(m: Mention) -> str:
        return text[m.start:m.end].split()[-1].lower()

    eponyms = [m for m in mentions if m.label == "PERSON" and EPONYM_AFTER.match(text, m.end)]
    if not eponyms:
        return mentions
    named = {surname(m) for m in mentions if m.label == "PERSON" and m not in eponyms}
    return [m for m in mentions if m not in eponyms or surname(m) in named]


def _times(doc, mentions: list[Mention], sentences: list[tuple[int, int]], published: str | None) -> list[TimeExpr]:
    text = doc_text(doc)
    anchor = parse_anchor(published)
    spans = [(m.start, m.end) for m in mentions if m.label == "DATE" and year_in_context(text, m.start, m.end)]
    for match in EXTRA_TIME_PATTERNS.finditer(text):
        if match.group()[0].islower() and match.group().lower() in ("may", "march"):
            continue
        if not any(s < match.end() and match.start() < e for s, e in spans):
            spans.append((match.start(), match.end()))
    out = []
    for start, end in sorted(set(spans)):
        sentence = next((text[s:e] for s, e in sentences if s <= start < e), text[max(0, start - 200):end + 100])
        surface = text[start:end]
        resolved = resolve(surface, anchor, future=_future(sentence, surface), context=text[max(0, start - 250):end + 250])
        inner = EXTRA_TIME_PATTERNS.search(text, start, end)
        if resolved.timex is None and inner and (inner.start(), inner.end()) != (start, end):
            start, end = inner.start(), inner.end()  # "about 800 last week" -> "last week"
            surface = text[start:end]
            resolved = resolve(surface, anchor, future=_future(sentence, surface), context=text[max(0, start - 250):end + 250])
        value, end_value = as_iso(resolved)
        out.append(TimeExpr(start=start, end=end, text=surface, value=value, end_value=end_value))
    return out


def _future(sentence: str, surface: str) -> bool:
    """Future tense before the expression: "will be held on Monday" (not "said on Monday that it will")."""
    index = sentence.find(surface)
    return is_future_context(sentence, index if index >= 0 else None)


def _proper_noun_starts(doc) -> set[int]:
    """Character offsets of the doc's proper nouns (read as arrays: Token objects are slow to make)."""
    from spacy.attrs import IDX, TAG

    if not len(doc):
        return set()
    tags_and_offsets = doc.to_array([TAG, IDX])
    proper = {doc.vocab.strings["NNP"], doc.vocab.strings["NNPS"]}
    return {int(offset) for tag, offset in tags_and_offsets if int(tag) in proper}


def annotation_from_doc(doc, published: str | None = None) -> Annotation:
    """Build the Annotation of one parsed doc (its text is ``doc.text``)."""
    text = doc_text(doc)
    sentence_spans = doc.user_data.get("storylens_sentences") or split_sentences(text)
    mentions = _mentions(doc)
    place_matches = find_place_names(text)
    proper_noun_starts = _proper_noun_starts(doc)
    for person in persons_named_like_places(text, mentions, place_matches, proper_noun_starts):
        mentions = [m for m in mentions if not (person.start <= m.start and m.end <= person.end)]
        if not any(m.start < person.end and person.start < m.end for m in mentions):
            mentions.append(person)
    mentions.sort(key=lambda m: (m.start, m.end))
    surnames = set()
    for m in mentions:
        if m.label == "PERSON":
            words = text[m.start:m.end].split()
            if len(words) >= 2:
                surnames.add(words[-1])
    for m in mentions:
        if m.label in ("ORG", "GPE", "NORP") and text[m.start:m.end] in surnames:
            m.label = "PERSON"  # "Okonkwo-Baines" after "Marisol Okonkwo-Baines" is the person
    mentions = merge_places(text, mentions, surnames, place_matches)
    canonical = canonical_forms(text, mentions)
    entities = [
        Entity(start=m.start, end=m.end, text=text[m.start:m.end], label=m.label, canonical=name)
        for m, name in zip(mentions, canonical, strict=True)
    ]
    place_mentions = [m for m in mentions if m.label in ("GPE", "LOC", "FAC")]
    # the whole name first: "District of Columbia" is not the Columbia its last word names
    candidates = [within_qualifier(text, m.end, candidates_for(text[m.start:m.end]) or m.places)
                  for m in place_mentions]
    chosen = resolve_places(candidates)
    places = [
        Place(start=m.start, end=m.end, text=text[m.start:m.end], name=p.name, lat=p.lat, lon=p.lon,
              country=p.country, geonameid=p.geonameid, population=p.population)
        for m, p in zip(place_mentions, chosen, strict=True)
        if p is not None and not (p.lat == 0.0 and p.lon == 0.0)
    ]
    headings = _headings(doc, text, sentence_spans)
    return Annotation(
        sentences=tuple(Sentence(start=s, end=e, text=text[s:e], heading=i in headings)
                        for i, (s, e) in enumerate(sentence_spans)),
        entities=tuple(entities),
        attributions=tuple(build_attributions(doc, mentions, canonical, sentence_spans)),
        quantities=tuple(extract_quantities(doc, text)),
        times=tuple(_times(doc, mentions, sentence_spans, published)),
        places=tuple(places),
    )


def _headings(doc, text: str, spans: list[tuple[int, int]]) -> set[int]:
    """Section titles: title-shaped lines (sentences.heading_candidates) with no verb in the parse."""
    found = set()
    for i in heading_candidates(text, spans):
        start, end = spans[i]
        words = doc.char_span(start, end, alignment_mode="expand")
        if words is not None and not any(token.pos_ in ("VERB", "AUX") for token in words):
            found.add(i)
    return found


def cache_version(published: str | None) -> str:
    """Store key: annotator version plus the publication date (it changes resolved times)."""
    digest = hashlib.sha1((published or "").encode()).hexdigest()[:10]
    return f"{ANNOTATOR_VERSION}:{digest}"


def annotate_articles(articles: Sequence[Article], store=None, *, n_process: int = 1) -> dict[str, Annotation]:
    """Annotate a batch with nlp.pipe; articles already in the store are never re-annotated.

    ``n_process`` > 1 forks that many workers (after loading the models once, so
    they share them) for batches large enough to pay for it.
    """
    results: dict[str, Annotation] = {}
    todo: list[Article] = []
    seen: set[str] = set()
    for article in articles:
        if article.id in seen:
            continue  # the same content twice in one batch is annotated once
        seen.add(article.id)
        cached = store.get_annotation(article.id, cache_version(article.published)) if store is not None else None
        if cached is not None:
            results[article.id] = cached
        else:
            todo.append(article)
    english = [a for a in todo if is_analysed_language(a.language)]
    english_ids = {a.id for a in english}  # a set: `article in list` compares whole records
    fresh: dict[str, Annotation] = {}
    for article in todo:
        if article.id not in english_ids:
            fresh[article.id] = _safe(article, lambda a=article: annotate_other_language(
                a.text, published=a.published, language=a.language))
    too_long = [a for a in english if len(a.text) > MAX_CHARS]
    for article in too_long:
        print(f"{article.source}: {len(article.text)} characters is too long to parse; sentences only",
              file=sys.stderr)
        fresh[article.id] = _sentences_only(article.text)
    pending = [a for a in english if a.text.strip() and len(a.text) <= MAX_CHARS]
    for article in english:
        if not article.text.strip():
            fresh[article.id] = Annotation()
    if pending and n_process > 1 and len(pending) >= 4 * n_process:
        fresh.update(_parallel(pending, n_process))
        pending = [a for a in pending if a.id not in fresh]
    if pending:
        nlp = _nlp()
        try:
            docs = nlp.pipe((a.text for a in pending), batch_size=BATCH_SIZE)
            for article, doc in zip(pending, docs, strict=True):
                fresh[article.id] = _safe(article, lambda doc=doc, a=article: annotation_from_doc(doc, a.published))
        except Exception:  # a batch-level failure: fall back to one at a time, naming the culprit
            for article in pending:
                if article.id not in fresh:
                    fresh[article.id] = _safe(article, lambda a=article: annotate(a.text, published=a.published))
    if pending:
        _save_memo()
    if store is not None and fresh:
        by_id = {a.id: a for a in todo}
        store.put_annotations((aid, cache_version(by_id[aid].published), ann) for aid, ann in fresh.items())
    results.update(fresh)
    return {a.id: results[a.id] for a in articles}


def _annotate_batch(batch: list[tuple[str, str, str, str | None]]) -> list[tuple[str, Annotation]]:
    """Worker side of _parallel: (id, source, text, published) -> (id, annotation)."""
    nlp = _nlp()
    out = []
    for (article_id, source, _text, published), doc in zip(batch, nlp.pipe(b[2] for b in batch), strict=True):
        stub = Article(id=article_id, source=source, outlet="", text=doc_text(doc))
        out.append((article_id, _safe(stub, lambda doc=doc, p=published: annotation_from_doc(doc, p))))
    _save_memo()
    return out


def _save_memo() -> None:
    """Keep the memoised token attributes for the next run (see fastattrs.save_memo)."""
    from storylens.annotate.fastattrs import save_memo

    try:
        save_memo(_nlp())
    except Exception as exc:  # a cache is never worth failing a batch for
        log.debug("attribute memo not saved: %s", exc)


def _parallel(articles: list[Article], n_process: int) -> dict[str, Annotation]:
    """Annotate in forked workers that share the already-loaded models (Linux/macOS fork)."""
    import multiprocessing

    try:
        context = multiprocessing.get_context("fork")
    except ValueError:
        return {}
    _nlp()
    from storylens.annotate.gazetteer import load_gazetteer

    load_gazetteer()
    items = [(a.id, a.source, a.text, a.published) for a in articles]
    size = max(1, min(16, len(items) // (n_process * 2)))
    batches = [items[i:i + size] for i in range(0, len(items), size)]
    results: dict[str, Annotation] = {}
    try:
        with context.Pool(n_process, initializer=_one_blas_thread) as pool:
            for chunk in pool.imap(_annotate_batch, batches):
                results.update(chunk)
    except Exception as exc:  # fall back to one process rather than lose the batch
        print(f"annotate: parallel run failed ({type(exc).__name__}: {exc}); continuing in one process",
              file=sys.stderr)
    return results


def _one_blas_thread() -> None:
    """Each forked worker already has a core: BLAS threads of its own would only contend."""
    try:
        from threadpoolctl import threadpool_limits

        threadpool_limits(1)
    except Exception as exc:  # the limit is an optimisation, never a reason to fail
        log.debug("BLAS thread limit not set: %s", exc)


def _safe(article: Article, work) -> Annotation:
    try:
        return work()
    except Exception as exc:  # bad input never crashes a batch
        print(f"{article.source}: annotation failed ({type(exc).__name__}: {exc}); sentences only",
              file=sys.stderr)
        return _sentences_only(article.text)


class _CallableStage(types.ModuleType):
    """This package, callable as its one-text function: ``storylens.annotate(text, ...)``.

    Why: the package and the public function share the name ``storylens.annotate``;
    importing the stage (as ``storylens.analyze`` does) binds the package under that
    name, so the package must do what the function does.
    """

    def __call__(self, text: str, *, published: str | None = None, language: str | None = None) -> Annotation:
        return annotate(text, published=published, language=language)


sys.modules[__name__].__class__ = _CallableStage
