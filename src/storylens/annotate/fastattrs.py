"""spaCy's attribute_ruler + lemmatizer, memoised per token (same output, a fraction of the cost).

In en_core_web_sm these two components cost about as much as the parser: a
Matcher over every token and a Python rule lemmatizer. Their result for a token
depends only on its text, tag and dependency label, plus its neighbours for a
handful of two-token patterns ("gon na", "let 's", expletive + "is"). We cache
(tag, pos, morph, lemma, dep) under that key and run the real components only on
unseen tokens, each in a three-token window so the two-token patterns still see
their true neighbour.
"""

from __future__ import annotations

import pickle
from pathlib import Path

import numpy as np

from storylens.annotate.gazetteer import cache_dir, write_pickle

COMPONENT_NAME = "storylens_fast_attributes"
# Lowercase forms in the ruler's two-token patterns: their neighbours join the key.
CONTEXT_LOWERS = frozenset(
    {"ai", "n't", "nt", "gon", "na", "got", "ta", "let", "'s", "c'm", "on", "y", "y'", "all",
     "is", "are", "was", "were", "'re"}
)
# Dependency labels some rule tests; any other label behaves the same, so it shares one key.
RULE_DEPS = frozenset(
    {"", "advmod", "nsubj", "dobj", "pobj", "aux", "auxpass", "ROOT", "advcl", "ccomp", "conj", "relcl",
     "xcomp", "mark", "det", "quantmod", "expl"}
)
OTHER_DEP = -1
AUX_DEP = -2
# Tags and words whose rules test the exact label; any other token only asks "aux or not".
LABEL_TAGS = frozenset({"CC", "IN", "DT", "WDT", "_SP", ""})
LABEL_LOWERS = frozenset({"but", "i", "you", "it", "do", "does", "did", "'d", "have", "has", "had"})
MAX_CACHE = 500_000
# The memo is also kept on disk between runs (a cold memo costs ~50 ms per article of
# misses through the real components; a warm one ~8 ms). Bump when the key or value changes.
PERSIST_VERSION = 1
MAX_PERSISTED = 300_000
SAVE_AFTER_NEW = 2_000  # entries learnt since the last load/save before writing again


class FastAttributes:
    """Drop-in for the attribute_ruler and lemmatizer pipes, run after the parser."""

    def __init__(self, ruler, lemmatizer):
        self.ruler = ruler
        self.lemmatizer = lemmatizer
        self.cache: dict[tuple, tuple[int, int, int, int, int | None]] = {}
        self.rule_deps: set[int] | None = None
        self.label_tags: set[int] = set()
        self.label_lowers: set[int] = set()
        self.aux_deps: set[int] = set()
        self.persisted_size = 0

    def export(self, vocab) -> dict[tuple, tuple]:
        """The memo with lemma and morphology as strings (their hashes need the strings in a vocab)."""
        strings = vocab.strings
        out = {}
        for key, (tag, pos, morph, lemma, dep) in self.cache.items():
            out[key] = (tag, pos, str(vocab.morphology.get(morph)) if morph else "", strings[lemma], dep)
            if len(out) >= MAX_PERSISTED:
                break
        return out

    def absorb(self, vocab, entries: dict[tuple, tuple]) -> None:
        """Add exported entries, registering their strings in this vocab."""
        strings = vocab.strings
        for key, (tag, pos, morph, lemma, dep) in entries.items():
            morph_key = vocab.morphology.add(morph) if morph else 0
            self.cache[key] = (tag, pos, morph_key, strings.add(lemma), dep)
        self.persisted_size = len(self.cache)

    def _keys(self, doc) -> list[tuple]:
        from spacy.attrs import DEP, IS_SPACE, LOWER, ORTH, TAG

        rows = doc.to_array([ORTH, TAG, DEP, LOWER, IS_SPACE]).tolist()
        strings = doc.vocab.strings
        context = {strings.add(w) for w in CONTEXT_LOWERS}
        if self.rule_deps is None:
            self.rule_deps = {strings.add(d) if d else 0 for d in RULE_DEPS}
            self.label_tags = {strings.add(t) if t else 0 for t in LABEL_TAGS}
            self.label_lowers = {strings.add(w) for w in LABEL_LOWERS}
            self.aux_deps = {strings.add("aux"), strings.add("auxpass")}
        rule_deps, label_tags, label_lowers, aux_deps = self.rule_deps, self.label_tags, self.label_lowers, \
            self.aux_deps
        keys = []
        last = len(rows) - 1
        for i, (orth, tag, dep, lower, is_space) in enumerate(rows):
            if is_space:
                pass  # the ruler relabels whitespace itself: keep the exact label in the key
            elif tag in label_tags or lower in label_lowers:
                dep = dep if dep in rule_deps else OTHER_DEP
            else:
                dep = AUX_DEP if dep in aux_deps else OTHER_DEP
            prev_row = rows[i - 1] if i > 0 else None
            next_row = rows[i + 1] if i < last else None
            near = lower in context or (prev_row is not None and prev_row[3] in context) or (
                next_row is not None and next_row[3] in context)
            if near:
                keys.append((orth, tag, dep, prev_row and (prev_row[3], prev_row[2]),
                             next_row and (next_row[3], next_row[2])))
            else:
                keys.append((orth, tag, dep))
        return keys

    def _fill_misses(self, doc, keys: list[tuple], misses: list[int]) -> None:
        """Run the real components on the unseen tokens, each with one neighbour either side."""
        from spacy.tokens import Doc

        words, spaces, tags, deps, centres = [], [], [], [], []
        for i in misses:
            near = len(keys[i]) > 3  # a two-token pattern may apply: bring the neighbours
            for j in range(max(0, i - 1), min(len(doc), i + 2)) if near else (i,):
                token = doc[j]
                if j == i:
                    centres.append(len(words))
                words.append(token.text)
                spaces.append(bool(token.whitespace_))
                tags.append(token.tag_)
                deps.append(token.dep_)
        window = Doc(doc.vocab, words=words, spaces=spaces, tags=tags, deps=deps)
        window = self.lemmatizer(self.ruler(window))
        for i, centre in zip(misses, centres, strict=True):
            token = window[centre]
            new_dep = token.dep if token.dep != doc[i].dep else None  # most labels pass unchanged
            self.cache[keys[i]] = (token.tag, token.pos, token.morph.key, token.lemma, new_dep)

    def __call__(self, doc):
        if len(doc) == 0:
            return doc
        from spacy.attrs import DEP, LEMMA, MORPH, POS, TAG

        keys = self._keys(doc)
        if len(self.cache) > MAX_CACHE:
            self.cache.clear()
        first_seen: dict[tuple, int] = {}
        for i, key in enumerate(keys):
            if key not in self.cache and key not in first_seen:
                first_seen[key] = i
        if first_seen:
            self._fill_misses(doc, keys, sorted(first_seen.values()))
        values = [self.cache[key] for key in keys]
        array = np.array([(pos, morph, lemma) for _, pos, morph, lemma, _ in values], dtype="uint64")
        doc.from_array([POS, MORPH, LEMMA], array)
        current = doc.to_array([TAG, DEP])
        wanted = np.array([(tag, current[i, 1] if dep is None else dep)
                           for i, (tag, _, _, _, dep) in enumerate(values)], dtype="uint64")
        changed = np.nonzero((current != wanted).any(axis=1))[0]
        for i in changed.tolist():  # the ruler retags whitespace tokens: rare
            doc[i].tag = int(wanted[i, 0])
            doc[i].dep = int(wanted[i, 1])
        return doc


def install(nlp, *, persistent: bool = False) -> None:
    """Replace the attribute_ruler and lemmatizer pipes of ``nlp`` by one memoised pipe.

    ``persistent``: start from the memo saved on disk by earlier runs (see save_memo)."""
    from spacy.language import Language

    if COMPONENT_NAME in nlp.pipe_names or "attribute_ruler" not in nlp.pipe_names \
            or "lemmatizer" not in nlp.pipe_names:
        return
    if not Language.has_factory(COMPONENT_NAME):
        Language.factory(COMPONENT_NAME)(_make)
    nlp.add_pipe(COMPONENT_NAME, after="lemmatizer")
    nlp.remove_pipe("attribute_ruler")
    nlp.remove_pipe("lemmatizer")
    if persistent:
        _load_memo(nlp)


def _memo_path(nlp) -> Path:
    meta = nlp.meta
    name = f"attributes-v{PERSIST_VERSION}-{meta.get('lang')}_{meta.get('name')}-{meta.get('version')}.pickle"
    return cache_dir() / name


def _load_memo(nlp) -> None:
    pipe = nlp.get_pipe(COMPONENT_NAME)
    try:
        with _memo_path(nlp).open("rb") as handle:
            entries = pickle.load(handle)
        pipe.absorb(nlp.vocab, entries)
    except (OSError, pickle.UnpicklingError, EOFError, ValueError, TypeError, KeyError):
        pipe.cache.clear()  # no memo yet, or an unreadable one: start cold
        pipe.persisted_size = 0


def save_memo(nlp) -> None:
    """Write the memo to the user cache dir when it has grown enough since it was read or written."""
    if COMPONENT_NAME not in nlp.pipe_names:
        return
    pipe = nlp.get_pipe(COMPONENT_NAME)
    if len(pipe.cache) - pipe.persisted_size < SAVE_AFTER_NEW or pipe.persisted_size >= MAX_PERSISTED:
        return
    meta = nlp.meta
    # this model's older memos go; a read-only cache dir just starts the memo cold next time
    if write_pickle(_memo_path(nlp), pipe.export(nlp.vocab),
                    f"attributes-v*-{meta.get('lang')}_{meta.get('name')}-*.pickle"):
        pipe.persisted_size = len(pipe.cache)


def _make(nlp, name):
    return FastAttributes(nlp.get_pipe("attribute_ruler"), nlp.get_pipe("lemmatizer"))
