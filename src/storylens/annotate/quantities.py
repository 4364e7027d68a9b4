"""Quantities: value (or range), what is counted, qualifier, ordinals, part/whole.

Numbers come from spaCy's CARDINAL/ORDINAL/QUANTITY/MONEY/PERCENT entities
and bare digits; what is counted comes from the dependency parse (the noun the
number modifies, its compounds, and a participle such as "killed").
"""

from __future__ import annotations

import re

from storylens.lexicon.counted import (
    AGE_PREFIX,
    COUNTING_VERBS,
    STATE_WORDS,
    SUBJECT_COUNTING_VERBS,
    TOTAL_WORDS,
)
from storylens.lexicon.numbers import ORDINALS, QUANTITY_UNITS, SCALES
from storylens.records import Quantity

QUALIFIERS = [
    "at least", "at most", "up to", "more than", "less than", "fewer than", "as many as", "as few as",
    "nearly", "almost", "about", "around", "approximately", "roughly", "some", "over", "under",
    "an estimated", "estimated", "no fewer than", "no more than", "just over", "just under", "close to",
    "in excess of", "upwards of", "a total of", "only", "exactly",
]
_QUALIFIER_RE = re.compile(r"^(" + "|".join(sorted(map(re.escape, QUALIFIERS), key=len, reverse=True)) + r")\b\s*",
                           re.I)
_QUALIFIER_TAIL = re.compile(r"\b(" + "|".join(sorted(map(re.escape, QUALIFIERS), key=len, reverse=True)) + r")\s*$")
_RANGE_RE = re.compile(r"^(.+?)\s*(?:-|–|to|and|or)\s*(.+)$")
NUMERIC_LABELS = {"CARDINAL", "QUANTITY", "MONEY", "PERCENT", "ORDINAL"}


def parse_number(text: str) -> float | None:
    """"1,200" -> 1200, "3.5 million" -> 3.5e6, "two" -> 2, "hundreds of thousands" -> 1e5."""
    raw = text.lower().replace(",", "").replace("$", "").replace("%", " ").strip()
    raw = re.sub(r"\b(of|and|a few|several|some)\b", " ", raw)
    words = [w for w in re.split(r"[\s-]+", raw) if w]
    if not words:
        return None
    total, current, seen = 0.0, 0.0, False
    for word in words:
        if re.fullmatch(r"\d+(?:\.\d+)?", word):
            current += float(word)
            seen = True
        elif word in QUANTITY_UNITS:
            current += QUANTITY_UNITS[word]
            seen = True
        elif word in SCALES:
            scale = SCALES[word]
            current = (current or 1) * scale
            if scale >= 1000:
                total += current
                current = 0.0
            seen = True
        elif re.fullmatch(r"\d+(st|nd|rd|th)", word):
            current += float(word[:-2])
            seen = True
        elif word in ORDINALS:
            current += ORDINALS[word]
            seen = True
        else:
            continue
    return total + current if seen else None


def _qualifier(text: str, before: str) -> tuple[str | None, str]:
    """The qualifier inside the mention or just before it, and the mention without it."""
    m = _QUALIFIER_RE.match(text)
    if m:
        return m.group(1).lower(), text[m.end():]
    m = _QUALIFIER_TAIL.search(before[-24:].lower())
    if m:
        return m.group(1), text
    return None, text


def _counted(noun, number_tokens: set[int]) -> str | None:
    """"150 Taliban militants were killed" -> "Taliban militants killed"."""
    if noun is None:
        return None
    words = [t for t in noun.lefts if t.dep_ in ("compound", "amod") and t.i not in number_tokens
             and t.pos_ != "NUM" and t.ent_type_ not in NUMERIC_LABELS]
    tokens = sorted(words + [noun], key=lambda t: t.i)
    # keep only the contiguous run ending at the noun
    run = [noun]
    for t in reversed(tokens[:-1]):
        if t.i == run[0].i - 1 or (t.i == run[0].i - 2 and noun.doc[t.i + 1].text == "-"):
            run.insert(0, t)
    phrase = " ".join(t.text for t in run)
    verb = None
    if noun.dep_ in ("nsubjpass",) and noun.head.tag_ == "VBN":
        verb = noun.head
    elif noun.dep_ in ("dobj",) and noun.head.tag_ in ("VBD", "VBN", "VBG") and noun.head.lemma_ in COUNTING_VERBS:
        verb = noun.head  # "killing at least 12 people" as much as "killed 12 people"
    elif _counting_subject(noun) is not None:
        verb = _counting_subject(noun)  # "125 people died", "a total of 125 people had died"
    else:
        for child in noun.rights:
            if child.dep_ == "acl" and child.tag_ == "VBN":
                verb = child
                break
    if verb is not None:
        inflected = verb.text if verb.tag_ in ("VBN", "VBD") else verb.lemma_
        phrase += " " + inflected
        for conj in verb.children:
            if conj.dep_ == "conj" and conj.tag_ in ("VBN", "VBD"):
                phrase += " and " + conj.text
                break
    state = _state_word(noun)
    if state is not None and state not in phrase.lower().split():
        phrase += " " + state  # "nine people had been confirmed dead" -> "people confirmed dead"
    return phrase


def _counting_subject(noun):
    """The verb whose subject the counted noun is, when that verb says what is counted.

    "As many as 125 people died" and "a total of 125 people had died" count the dead as
    much as "125 people were killed" does.
    """
    subject = noun
    if noun.dep_ == "pobj" and noun.head.lower_ == "of" and noun.head.head.lower_ in TOTAL_WORDS:
        subject = noun.head.head
    if subject.dep_ == "nsubj" and subject.head.pos_ == "VERB" and subject.head.lemma_ in SUBJECT_COUNTING_VERBS:
        return subject.head
    return None


def _state_word(noun) -> str | None:
    """The state the counted subject is said to be in ("nine people were dead / missing")."""
    if noun.dep_ not in ("nsubj", "nsubjpass"):
        return None
    for child in noun.head.children:
        if child.dep_ in ("oprd", "acomp", "xcomp", "attr") and child.lower_ in STATE_WORDS:
            return child.lower_
    return None


def _verb_object_counted(root) -> str | None:
    """A number that is itself a verb's object: "forcing more than 3,000 from their homes"."""
    verb = root.head
    if root.dep_ not in ("dobj", "nsubjpass") or verb.pos_ != "VERB" or verb.lemma_ not in COUNTING_VERBS:
        return None
    phrase = verb.text
    for prep in verb.children:
        if prep.dep_ == "prep" and prep.lower_ == "from":
            pobj = next((c for c in prep.children if c.dep_ == "pobj"), None)
            if pobj is not None:
                phrase += f" from {pobj.text}"
            break
    return phrase


_AGE_AFTER_NAME = re.compile(r",\s*(\d{1,3}),")
_AGE_BEFORE_NAME = re.compile(r"\b(\d{1,3})-year-old\s+$")


def person_ages(doc, text: str) -> list[Quantity]:
    """Ages given beside a person's name: "Jennifer Alcorn, 29," and "28-year-old Jennifer Alcorn".

    The counted phrase names the person ("age of Alcorn"), so two outlets' ages for one
    person can be compared wherever they are said.
    """
    out: list[Quantity] = []
    for start, end, name in _named_people(doc, text):
        after = _AGE_AFTER_NAME.match(text, end)
        before = _AGE_BEFORE_NAME.search(text[max(0, start - 16):start])
        if after:
            start, end, value = after.start(1), after.end(1), int(after.group(1))
        elif before:
            offset = max(0, start - 16)
            start, end, value = offset + before.start(1), offset + before.end(1), int(before.group(1))
        else:
            continue
        if not 0 < value < 120:
            continue
        out.append(Quantity(start=start, end=end, text=text[start:end], value=float(value), value_max=None,
                            counted=AGE_PREFIX + name, qualifier=None, ordinal=False, whole=None, unit=None))
    return out


def _named_people(doc, text: str) -> list[tuple[int, int, str]]:
    """(start, end, name) of every person named: the PERSON entities, and a surname of one of
    them standing alone where the tagger missed it ("Macomber, 65, was found" after
    "Frank Macomber")."""
    people = [(ent.start_char, ent.end_char, ent.text.removesuffix("'s").strip())
              for ent in doc.ents if ent.label_ == "PERSON"]
    surnames = {name.split()[-1] for _, _, name in people if len(name.split()) > 1}
    covered = {k for start, end, _ in people for k in range(start, end)}
    for token in doc:
        if token.text in surnames and token.idx not in covered and token.pos_ == "PROPN":
            people.append((token.idx, token.idx + len(token.text), token.text))
    return people


def _noun_for(span):
    """The noun a number mention counts (its syntactic head, or what follows it)."""
    last = span[-1]
    head = last.head
    doc = span.doc
    if span.end < len(doc) and doc[span.end].lower_ == "of":  # "25 of the movement's fighters"
        pobj = next((c for c in doc[span.end].children if c.dep_ == "pobj"), None)
        if pobj is not None and pobj.pos_ in ("NOUN", "PROPN") and not pobj.like_num:
            return pobj
    if head.i not in range(span.start, span.end) and head.pos_ in ("NOUN", "PROPN") and head.i > last.i:
        return head
    for tok in span.doc[span.end:min(len(span.doc), span.end + 4)]:
        if tok.pos_ == "NOUN":
            return tok
        if tok.pos_ not in ("ADJ", "PROPN", "NOUN", "PUNCT", "ADV") or tok.text in (",", ";"):
            break
    if head.pos_ == "NOUN" and head.i not in range(span.start, span.end):
        return head
    return None


def extract_quantities(doc, text: str) -> list[Quantity]:
    """Quantities in a parsed doc (its text is ``text``)."""
    out: list[Quantity] = []
    taken: set[int] = set()
    spans = [ent for ent in doc.ents if ent.label_ in NUMERIC_LABELS]
    ent_tokens = {i for ent in doc.ents for i in range(ent.start, ent.end)}
    for tok in doc:
        if tok.like_num and tok.i not in ent_tokens and tok.ent_type_ == "" and tok.pos_ == "NUM":
            spans.append(doc[tok.i:tok.i + 1])
    for ent in sorted(spans, key=lambda s: s.start_char):
        if ent.start in taken:
            continue
        label = getattr(ent, "label_", "") or "CARDINAL"
        start, end = ent.start_char, ent.end_char
        surface = text[start:end]
        if re.fullmatch(r"(19|20)\d\d", surface) and label != "CARDINAL":
            continue
        before = text[max(0, start - 30):start]
        qualifier, number_text = _qualifier(surface, before)
        ordinal = label == "ORDINAL" or bool(re.fullmatch(r"\d+(st|nd|rd|th)|[a-z]+th|first|second|third",
                                                           number_text.strip().lower()))
        value = value_max = None
        m = _RANGE_RE.match(number_text)
        if m and not ordinal and parse_number(m.group(1)) is not None and parse_number(m.group(2)) is not None:
            value, value_max = parse_number(m.group(1)), parse_number(m.group(2))
        else:
            value = parse_number(number_text)
        if re.match(r"(?i)hundreds|thousands|millions|dozens", number_text.strip()) and value is not None:
            value_max = value * 10 if value_max is None else value_max
            qualifier = qualifier or "more than"
        if value is None:
            continue
        unit = None
        if label == "PERCENT" or "%" in surface or "percent" in surface.lower():
            unit = "percent"
        elif label == "MONEY":
            unit = "currency"
        whole = None
        noun = _noun_for(ent)
        # part/whole: "6 of the 34 provinces", "5 of the nine provincial capitals"
        after = text[end:end + 60]
        pw = re.match(r"\s+of\s+(?:the\s+|its\s+|their\s+)?(?:(\w+)\s+of\s+the\s+)?([\d,]+|[a-z]+)\b", after)
        if pw and not ordinal:
            whole_value = parse_number(pw.group(2))
            if whole_value is not None and whole_value > value:
                whole = whole_value
                target_char = end + pw.end(2)
                target = None
                for tok in doc[ent.end:min(len(doc), ent.end + 10)]:
                    if tok.idx >= target_char and tok.pos_ in ("NOUN", "PROPN"):
                        target = tok
                        if tok.pos_ == "NOUN":
                            break
                counted_noun = noun if noun is not None and pw.group(1) else target
                noun = counted_noun or noun
        for i in range(ent.start, ent.end):
            taken.add(i)
        counted = _counted(noun, set(range(ent.start, ent.end)))
        root = ent[-1]
        if counted is None:
            counted = _verb_object_counted(root)
        if counted and root.dep_ == "nsubjpass" and root.head.tag_ == "VBN" and root.head.text not in counted:
            counted += " " + root.head.text  # "25 of the fighters were wounded" -> "fighters wounded"
        if counted and whole and pw and pw.group(1) and noun is not None and noun.text != pw.group(1):
            counted = pw.group(1)
        out.append(Quantity(start=start, end=end, text=surface, value=value, value_max=value_max,
                            counted=counted, qualifier=qualifier, ordinal=ordinal, whole=whole, unit=unit))
    ages = person_ages(doc, text)  # an age replaces the bare number read at its place
    if ages:
        aged = {q.start for q in ages}
        out = sorted([q for q in out if q.start not in aged] + ages, key=lambda q: q.start)
    return out
