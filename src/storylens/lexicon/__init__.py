"""Shared knowledge of English news text, each kind kept once (as spaCy keeps
``lang/en/lex_attrs.py`` and ``stop_words.py``).

- ``cues``: verbs of saying, reporting and denial (lemmas), the one inflector that
  turns them into surface forms, and what kind of report a cue makes;
- ``quotes``: quotation marks, the quotation pattern, whether a place is inside one;
- ``datelines``: where a wire story was filed ("KABUL, Aug 10 (Reuters) -");
- ``numbers``: number words;
- ``titles``: ranks and titles by ladder (academic, military, court), read beside a name;
- ``counted``: what a count counts, in the classes a reader compares (dead, injured, displaced, ages);
- ``agencies``: news agencies that syndicate copy;
- ``words``: tokenisers, stop words and word counts.

Stages read these; nothing here imports a stage or a record. A stage that needs a
different slice of a vocabulary gets a named set built here from the base list, with
the reason next to it.
"""
