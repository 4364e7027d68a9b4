"""Who said what: source, cue, content, direct or not, asserted or denied.

A cue-verb lexicon plus spaCy's dependency parse: the cue's clausal
complement is the content, its subject the source. Extra rules cover
"…, X said.", "In his state, X said, …", "According to X, …", "X quoted Y as
saying …", passive cues ("was announced by X", "is expected to"), nominal cues
("the DNC's decision to …", "criticism that …"), light verbs ("took aim at"),
"seemed to", "reportedly", "In a CBS poll, …", "Speaker: …" lines, quotes that
run on over several sentences or paragraphs, and pronoun sources, which resolve
to the nearest person named before them as a speaker or subject outside anyone's
reported words (a denier: the nearest person), or organisation for "it"/"they".

Like PolNeAR, one stretch of text belongs to one attribution: a cue inside
someone's reported content, with its source inside it too, is part of that
content. The lexicons were fitted on PolNeAR *train* only (cue precision per
lemma), never on dev.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from storylens.annotate.cuemodel import CueModel, cue_features, load_cue_model
from storylens.annotate.sentences import doc_text
from storylens.lexicon.cues import (
    DENIAL,
    INTERJECTED_SAY,
    NOT_A_NAME_START,
    REPORTING,
    SPEECH,
    cue_kind,
)
from storylens.lexicon.datelines import DATELINE
from storylens.lexicon.quotes import OPENING_MARKS, inside_quote, quotation_spans
from storylens.records import Attribution, Span

COGNITION = """
believe think feel know expect hope fear want worry doubt consider suspect understand realize realise
assume guess imagine plan intend decide acknowledge recognize recognise agree disagree see view
""".split()
# Verbs of stance and intention: PolNeAR-style attributions whose content is an
# object or prepositional phrase ("called for more troops", "proposed a safe zone").
STANCE = """
call propose discuss refuse plead exclaim confess interrupt email share blast defend attack slam accuse
thank endorse oppose condemn applaud challenge mock label brand dub term seek push encourage invite
respond release issue publish show find reason recognize swear alert remind notify imply wish remember
notice highlight underscore reaffirm determine rule proclaim detail outline characterize bash lambaste
rip knock hail laud celebrate congratulate apologize ridicule tease grumble protest object request query
inquire muse speculate calculate vote support pressure press criticize criticise question back prefer
chant refer bemoan offer pick downplay mull point touch favor favour champion decry deride denounce
decline name portray list document chide speak depict paint frame cast nominate embrace reference trash
debate submit accept adopt sign address contrast interpret identify
acquiesce advocate allude assail attribute balk cheer comment convince deem echo invoke justify lambast lash
liken negotiate persuade pivot promote rail rebuke recount regard retweet side single spar talk unveil voice
weigh dislike react
order envision contemplate vouch distance brush
""".split()  # the last four lines: reporting verbs frequent among PolNeAR *train* cues (the last one:
# verbs that head a train cue at least 40 % of the time they occur)
ACL_STANCE = {"support", "back", "oppose", "endorse"}
QUOTE_ONLY = {"continue", "read", "chime", "laugh", "smile", "shrug", "sigh", "exclaim", "interject"}
# en_core_web_sm lemmatises "hoped"/"hoping" as "hop" and "retweeted" as "retweete".
LEMMA_FIXES = {"hop": "hope", "retweete": "retweet"}
CUE_LEMMAS = frozenset(SPEECH) | frozenset(COGNITION) | DENIAL | frozenset(STANCE) | QUOTE_ONLY
# Cues right less than 40 % of the time on PolNeAR *train* (mostly other senses: "go to",
# "speak at", "sign a bill", "pick a running mate"): kept only with a clausal complement.
WEAK_CUES = frozenset("""
speak go feel pick advise maintain sign welcome determine celebrate invite interrupt assume react weigh
frame laugh champion submit rip reassure find release
""".split())
COMPLEMENT_PREPS = {"for", "on", "about", "against", "over", "that", "as", "to", "into", "with"}
# Prepositions of a complement the cue classifier judges (train: +236 gold cues covered: "marveled at",
# "spoke of", "rally behind"); as a rule alone they are mostly another sense ("arrived at", "spoke in Ohio").
JUDGED_PREPS = frozenset({"at", "of", "in", "like", "behind", "from", "after", "under", "through", "before",
                          "regarding", "concerning", "toward", "towards", "upon"})
NOMINAL_CONTENT = {"deny", "reject", "dismiss", "refute", "dispute", "confirm", "announce", "report",
                   "acknowledge", "admit", "reveal", "disclose", "predict", "claim", "rebuff", "contradict",
                   "allege", "express", "welcome", "praise", "criticize", "criticise", "warn"}
INFINITIVE_CONTENT = {"vow", "pledge", "promise", "threaten", "urge", "ask", "refuse", "decline", "plan",
                      "want", "hope", "intend", "decide", "agree", "tell", "warn", "call", "demand", "expect",
                      "say", "claim", "fear"}
PRONOUNS = {"he": "PERSON", "she": "PERSON", "him": "PERSON", "her": "PERSON", "i": "PERSON",
            "it": "ORG", "they": "GROUP", "we": "GROUP", "who": "REL", "which": "REL", "that": "REL"}
# '…,” Obama said': a closing mark after , ? or ! and at most four words before the cue (a
# mispaired quotation can put such a cue "inside" one: train, 34 of 65 on a gold cue).
CLOSED_QUOTE_BEFORE = re.compile(r"[,?!][\"”’']\s+(?:\S+\s+){0,4}$")


@dataclass(slots=True)
class Found:
    source: tuple[int, int] | None
    cue: tuple[int, int]
    content: tuple[int, int]
    denies: bool
    speaker_hint: str | None = None
    relative: bool = False  # the cue heads a relative clause ("Kirby, who said …")
    strong: bool = True  # a speech or denial cue (not a verb of thought or stance)
    antecedent: tuple[int, int] | None = None  # what a relative-pronoun source ("who") stands for
    rule: str = "verb"  # which rule found it (a feature of the cue classifier)
    head: int = -1  # index of the cue's head token, when the rule knows it


SEEM_LEMMAS = frozenset({"seem", "appear"})


def _select(doc, attr: str, words: frozenset[str]) -> list:
    """The tokens whose lemma (or lowercase form) is one of ``words``, found in one array pass:
    building a Python Token for every word of an article costs more than the rules themselves."""
    from spacy.attrs import LEMMA, LOWER

    if len(doc) == 0:
        return []
    column = doc.to_array([LEMMA if attr == "LEMMA" else LOWER])
    hashes = _HASHES.get(words)
    if hashes is None:
        strings = doc.vocab.strings  # string hashes do not depend on the vocab: computed once per lexicon
        forms = {variant for w in words for variant in (w, w.capitalize(), w.upper())}
        hashes = _HASHES[words] = np.array(sorted(strings.add(w) for w in forms), dtype="uint64")
    return [doc[i] for i in np.nonzero(np.isin(column, hashes))[0].tolist()]


_HASHES: dict[frozenset[str], np.ndarray] = {}


def _span(text: str, start: int, end: int) -> Span:
    return Span(start=start, end=end, text=text[start:end])


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and (text[start].isspace() or text[start] in ",;:-—–"):
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] in ",;:-—–"):
        end -= 1
    return start, end


def _subtree_chars(token, exclude=()) -> tuple[int, int]:
    """Character extent of a token's subtree, cut before any excluded subtree."""
    excluded = set()
    for ex in exclude:
        excluded.update(t.i for t in ex.subtree)
    tokens = [t for t in token.subtree if t.i not in excluded]
    if not tokens:
        return token.idx, token.idx + len(token)
    # keep the contiguous run around the token itself
    indexes = sorted(t.i for t in tokens)
    left = right = token.i
    present = set(indexes)
    while left - 1 in present:
        left -= 1
    while right + 1 in present:
        right += 1
    doc = token.doc
    return doc[left].idx, doc[right].idx + len(doc[right])


def _cue_extent(token) -> tuple[int, int]:
    start, end = token.idx, token.idx + len(token)
    for child in token.children:
        if child.dep_ == "prt" and child.i == token.i + 1:
            end = child.idx + len(child)
    return start, end


def _subject(verb):
    """(subject token, the verb it is the subject of) — inherited through conj/advcl/relcl."""
    for child in verb.children:
        if child.dep_ in ("nsubj", "nsubjpass", "csubj"):
            return child, verb
    if verb.dep_ == "conj":
        head = verb.head
        if head.dep_ == "ccomp" and head.head.lemma_ in CUE_LEMMAS and verb.lemma_ in REPORTING \
                and head.head.i < head.i:
            # "He said A and said that B": the parser hangs the second "said" on A's verb
            return _subject(head.head)
        return _subject(head)
    if verb.dep_ in ("advcl", "xcomp") and verb.tag_ in ("VBG", "VB"):
        return _subject(verb.head)
    if verb.dep_ == "pcomp" and verb.head.lower_ == "as" and verb.head.head.lemma_ in ("quote", "cite"):
        obj = next((c for c in verb.head.head.children if c.dep_ == "dobj"), None)
        if obj is not None:
            return obj, verb
    if verb.dep_ == "acomp" and verb.pos_ == "ADJ":
        return _subject(verb.head)  # "voters were more likely to say …": through "likely"
    if verb.dep_ == "pcomp" and verb.tag_ == "VBG" and verb.head.dep_ == "prep" \
            and verb.head.head.pos_ in ("VERB", "AUX"):
        return _subject(verb.head.head)  # "began by saying …", "has taken to urging …"
    if verb.dep_ == "relcl":
        return verb.head, verb
    if verb.dep_ == "acl" and verb.tag_ == "VBG":
        return verb.head, verb
    return None, None


def _source_extent(subject, verb) -> tuple[int, int]:
    """The source phrase: the subject's subtree, without any relative clause holding the cue."""
    exclude = [c for c in subject.children if c.dep_ in ("relcl", "acl") and verb in c.subtree]
    if verb.dep_ in ("relcl", "acl") and verb.head == subject:
        exclude.append(verb)
    start, end = _subtree_chars(subject, exclude)
    return start, end


def _content_child(verb, lemma: str | None = None):
    lemma = lemma or verb.lemma_
    for child in verb.children:
        if child.dep_ in ("ccomp", "csubj") or (child.dep_ == "parataxis" and child.i > verb.i):
            return child
    for child in verb.children:
        if child.dep_ == "xcomp" and lemma in INFINITIVE_CONTENT:
            return child
    for child in verb.children:
        if child.dep_ == "advcl" and child.lemma_ == "say" and child.tag_ == "VBG":
            inner = _content_child(child)
            if inner is not None:
                return inner
    for child in verb.children:
        if child.dep_ in ("dobj",) and lemma in NOMINAL_CONTENT:
            return child
    return None


def _complement_extent(verb, judged: bool = False) -> tuple[int, int] | None:
    """Everything the verb governs to its right: objects, complements, "for …"/"on …" phrases.
    ``judged`` (the cue classifier decides): failing those, the first phrase of a wider set of
    prepositions ("lashed out at X", "spoke of his faith"), too often another sense for a rule alone."""
    parts = [c for c in verb.children if c.i > verb.i and (
        c.dep_ in ("dobj", "xcomp", "ccomp", "dative", "attr", "oprd", "acomp", "parataxis")
        or (c.dep_ == "prep" and c.lower_ in COMPLEMENT_PREPS)
        or (c.dep_ == "advcl" and c.left_edge.lower_ in ("for", "if", "whether") and c.left_edge.i == verb.i + 1)
        or (c.dep_ == "intj" and c.lower_ in ("yes", "no") and verb.lemma_ == "say"))]
    if not parts and judged:
        first = next((c for c in verb.children if c.i > verb.i and c.dep_ == "prep" and c.lower_ in JUDGED_PREPS
                      and any(g.dep_ in ("pobj", "pcomp") for g in c.children)), None)
        return None if first is None else (first.left_edge.idx, first.right_edge.idx + len(first.right_edge))
    if not parts:
        return None
    start = min(t.left_edge.idx for t in parts)
    last = max((t.right_edge for t in parts), key=lambda t: t.i)
    return start, last.idx + len(last)


def _verb_cue(token, text: str, quotes, sent_of, found: list[Found], learned: bool = False,
              judged: bool = False) -> Found | None:
    """The attribution headed by a cue verb, or None: its clausal complement (or object, or
    adjacent quotation) is the content, its subject (or "by" agent) the source. ``learned``: a
    candidate for the cue classifier (any verb) — the lexicon-specific vetoes are left to it;
    ``judged``: the classifier will judge it (a wider choice of prepositional complements)."""
    judged = judged or learned
    lemma = token.lemma_.lower()
    lemma = LEMMA_FIXES.get(lemma, lemma)
    if token.pos_ not in ("VERB", "AUX") or (lemma not in CUE_LEMMAS and not learned):
        return None
    if token.idx > 0 and text[token.idx - 1] == "<":
        return None  # leftover markup: <tweet id="…">
    if token.dep_ == "amod":
        return None  # a participle describing a noun ("pledged delegates", "the reported details")
    content_head = _content_child(token, lemma)
    if not learned and lemma in WEAK_CUES and (content_head is None or content_head.dep_ != "ccomp") and not (
            lemma == "speak" and any(c.dep_ == "prep" and c.lower_ == "about" for c in token.children)):
        return None
    spans = _verb_content(token, lemma, text, quotes, sent_of, content_head, learned, judged)
    if spans is None:
        return None
    content, source, stance_only = spans
    speaker = _verb_source(token, lemma, text, quotes, sent_of, found, source, stance_only, learned, judged)
    if speaker is None:
        return None
    source, antecedent = speaker
    trimmed = _trimmed_spans(text, content, source)
    if trimmed is None:
        return None
    content, source = trimmed
    return Found(source, _cue_extent(token), content, lemma in DENIAL, None,
                 relative=token.dep_ == "relcl", strong=lemma in SPEECH or lemma in DENIAL,
                 antecedent=antecedent, rule="learned" if learned else "verb", head=token.i)


def _verb_content(token, lemma: str, text: str, quotes, sent_of, content_head, learned: bool, judged: bool):
    """A cue verb's content span, with a source the content rules already fix ("quoted X as
    saying that") and whether only a stance complement was found; None when the verb has none
    or a rule vetoes it (a participle on a noun, a quote-only verb without a quotation)."""
    content: tuple[int, int] | None = None
    if content_head is not None:
        content = _subtree_chars(content_head)
    elif (token.dep_ in ("ccomp", "parataxis", "advcl") and token.head.i < token.i
          and token.head.pos_ in ("VERB", "AUX") and lemma in REPORTING
          and not any(c.dep_ in ("dobj", "dative", "xcomp", "oprd", "acomp") for c in token.children)
          and re.search(r"[,\"”’″']\s*\S*\s*$", text[token.head.idx:_first_index(token)])):
        # "…, X said." parsed with the content as the head clause
        head = token.head
        content = _subtree_chars(head, exclude=[token])
    elif (token.dep_ == "parataxis" and token.head.i > token.i and (lemma in REPORTING or lemma in COGNITION)
          and token.head.pos_ in ("VERB", "AUX") and token.i > 0
          and any(c.dep_ == "punct" and c.i > token.i for c in token.children)):
        # "In his state, Christie said, offenders are sent to treatment": the clause after it
        content = _subtree_chars(token.head, exclude=[token])
    source = None
    as_saying = any(c.dep_ == "prep" and c.lower_ == "as" for c in token.children)
    if lemma in ("quote", "cite") and content is None and not as_saying:
        obj = next((c for c in token.children if c.dep_ == "dobj"), None)
        that = next((t for t in sent_of(token) if t.i > (obj.i if obj is not None else token.i)
                     and t.lower_ == "that" and t.dep_ == "mark"), None)
        if obj is not None and that is not None:
            source = _trim(text, obj.left_edge.idx, that.idx)
            sentence = sent_of(token)
            end_token = sentence[-1] if not sentence[-1].is_punct or len(sentence) < 2 else sentence[-2]
            content = (that.idx, end_token.idx + len(end_token))
    if any(c.dep_ == "mark" and c.lower_ == "as" for c in token.children) and token.dep_ == "advcl" \
            and lemma in SPEECH:
        # "As the Times reported, Clinton raised …": the main clause is the content
        content = _subtree_chars(token.head, exclude=[token])
    stance_only = False
    if not learned and token.dep_ == "acl" and lemma not in SPEECH and not (
            lemma in ACL_STANCE and token.tag_ == "VBG"):
        return None  # "a request seeking comment" ("the Super PAC backing Bush" is one on train)
    if lemma in QUOTE_ONLY:
        content = _adjacent_quote(token, quotes, sent_of(token)) if not _content_child(token) else content
        if content is None:
            return None
    if content is None and lemma != "add" and (learned or lemma in STANCE or lemma in SPEECH or lemma in COGNITION):
        content = _complement_extent(token, judged=judged)
        stance_only = content is not None
    if content is None and lemma in SPEECH:
        content = _adjacent_quote(token, quotes, sent_of(token))
    reported = next((c for c in token.children if c.dep_ == "nsubjpass"), None)
    if reported is not None and reported.lower_ != "there" and (content is None or stance_only and not any(
            c.dep_ in ("xcomp", "ccomp", "oprd", "dobj", "attr") for c in token.children)):
        # "It was never mentioned by the moderators", "The plan was rejected on Monday": the passive
        # subject is what is reported
        content = _subtree_chars(reported, exclude=[c for c in reported.children if token in c.subtree])
        stance_only = False
    if content is None:
        return None
    return content, source, stance_only


def _verb_source(token, lemma: str, text: str, quotes, sent_of, found: list[Found], source, stance_only: bool,
                 learned: bool, judged: bool):
    """A cue verb's source span (its subject, a late subject, the "by" agent, the previous
    cue's source for "…, adding") and antecedent; None when a rule vetoes the verb (inside a
    quotation, a stance or cognition verb without a speaker)."""
    subject, subject_of = _subject(token)
    antecedent = None
    passive = False
    if subject is None and lemma in SPEECH and token.i > sent_of(token).start:
        # "“…,” said Rep. Bobby Scott": the parser may not call the late subject nsubj
        after = [c for c in token.children if c.i > token.i and c.dep_ in ("dobj", "npadvmod", "attr", "appos",
                                                                           "nsubj") and c.pos_ in ("PROPN",
                                                                                                   "NOUN")]
        before = token.doc[token.i - 1]
        if after and before.text in (",", "\"", "”", "’", "″", "''"):
            subject, subject_of = after[0], token
    if token.tag_ == "VBN" and token.dep_ == "advcl" and lemma in ("ask", "question", "press") and not any(
            c.dep_ in ("nsubj", "nsubjpass") for c in token.children):
        passive = True  # "Asked if he was ever bullied, …": the asker goes unnamed
    if subject is None and token.tag_ == "VBN" and token.dep_ in ("acl", "advcl", "amod"):
        # "the country described by the president", "Pushed by host Chuck Todd, …": the agent speaks
        agent = next((c for c in token.children if c.dep_ == "agent"), None)
        by_obj = next((c for c in agent.children if c.dep_ == "pobj"), None) if agent is not None else None
        if by_obj is not None and by_obj.pos_ in ("PROPN", "NOUN", "PRON"):
            subject, subject_of, passive = by_obj, token, True
    if stance_only and subject is None and not passive and not learned:
        return None
    if subject is not None and subject_of is not None and subject_of.lemma_ not in CUE_LEMMAS \
            and subject_of != token and found and found[-1].cue[0] >= sent_of(token).start_char \
            and (token.tag_ == "VBG" or found[-1].relative):
        # "X, who said …, adding …" parsed with "adding" under another verb: same speaker
        source = found[-1].source
        antecedent = found[-1].antecedent
        subject = None
    if subject is not None and subject_of is not None and subject_of.lemma_ in ("quote", "cite") and \
            subject.dep_ == "dobj":
        source = _trim(text, *_subtree_chars(subject, exclude=[c for c in subject.children if c.dep_ in (
            "relcl", "acl")]))
        subject = None
    if inside_quote(token.idx, quotes) and not (
            judged and lemma in REPORTING and CLOSED_QUOTE_BEFORE.search(text, max(0, token.idx - 40), token.idx)):
        return None  # a reporting verb right after '…," ' is outside, whatever the quote pairing says
    if source is None and subject is not None and subject.dep_ == "nsubjpass" and subject_of is token \
            and lemma not in ("quote", "cite"):
        # "Trump is expected to win", "the name was announced by police": the passive subject is
        # what is reported; the speaker is the "by" agent, if any
        agent = next((c for c in token.children if c.dep_ == "agent"), None)
        by_obj = next((c for c in agent.children if c.dep_ == "pobj"), None) if agent is not None else None
        subject = by_obj
        passive = True
    if source is None and subject is not None:
        if subject.lower_ in ("it", "there") and subject.dep_ == "nsubjpass":
            subject = None
        else:
            source = _source_extent(subject, token)
            if subject.lower_ in ("who", "which", "that") and subject.head.dep_ == "relcl":
                noun = subject.head.head  # the source is "who"; the speaker is whom it stands for
                antecedent = _trim(text, *_subtree_chars(noun, exclude=[subject.head]))
    if source is None and lemma not in SPEECH and not passive and not learned:
        return None
    if lemma in COGNITION and lemma not in SPEECH and source is None and not passive and not learned:
        return None
    return source, antecedent


def _trimmed_spans(text: str, content: tuple[int, int], source: tuple[int, int] | None):
    """Content and source trimmed, a final full stop dropped and a source inside the content cut
    out of it; None when no content is left."""
    content = _trim(text, *content)
    if content[1] > content[0] and text[content[1] - 1] == ".":
        content = (content[0], content[1] - 1)
    if content[1] <= content[0]:
        return None
    if source is not None:
        source = _trim(text, *source)
        if source[0] < content[1] and content[0] < source[1]:
            # the source sits inside the content span: cut the content before it
            if source[0] > content[0]:
                content = _trim(text, content[0], source[0])
            else:
                content = _trim(text, source[1], content[1])
            if content[1] <= content[0]:
                return None
    return content, source


RULES_ONLY = "rules"  # find_attributions(doc, cue_model=RULES_ONLY): the lexicon rules without the classifier


def _rule_proposals(doc, text: str, quotes, sent_of, judged: bool = False) -> list[Found]:
    """Every attribution the lexicon rules propose, each tagged with the rule that found it
    (``judged``: for the cue classifier, which also reads copular adjectives)."""
    found: list[Found] = []
    for token in _select(doc, "LEMMA", CUE_LEMMAS | frozenset(LEMMA_FIXES)):
        item = _verb_cue(token, text, quotes, sent_of, found, judged=judged)
        if item is not None:
            found.append(item)

    def extend(rule: str, items: list[Found]) -> None:
        for item in items:
            item.rule = rule
        found.extend(items)

    extend("according", _according_to(doc, sent_of))
    extend("nominal", _nominal_cues(doc, text, quotes))
    extend("seem", _seeming(doc, text, quotes))
    extend("frame", _framing_phrases(doc, text, quotes, found))
    extend("light", _light_verbs(doc, text, quotes, found, sent_of))
    extend("hearsay", _hearsay_adverbs(doc, text, quotes))
    extend("colon", _colon_lines(text, found))
    if judged:
        found.extend(_copular_adjectives(doc, text, quotes))
    return found


BE_LEMMA = frozenset({"be"})


def _copular_adjectives(doc, text: str, quotes) -> list[Found]:
    """"She is terrified of losing her job", "Bolton and Gorka were critical of Republicans", "He was
    eager to …": a stance held by the subject, PolNeAR's most frequent cue the rules never propose
    (train: 1,428 such clauses, 220 on a gold cue) — proposals for the cue classifier only."""
    out = []
    for be in _select(doc, "LEMMA", BE_LEMMA):
        if be.lemma_ != "be" or be.pos_ != "AUX" or inside_quote(be.idx, quotes):
            continue
        adjective = next((c for c in be.children if c.dep_ == "acomp" and c.pos_ == "ADJ"), None)
        subject = next((c for c in be.children if c.dep_ == "nsubj"), None)
        if adjective is None or subject is None:
            continue
        complement = next((c for c in adjective.children if c.dep_ in ("prep", "xcomp", "ccomp")
                           and c.i > adjective.i), None)
        if complement is None:
            continue
        cue_end = adjective.idx + len(adjective)
        if complement.dep_ == "prep" and complement.i == adjective.i + 1:
            cue_end = complement.idx + len(complement)  # "critical of"
            target = next((c for c in complement.children if c.dep_ in ("pobj", "pcomp")), None)
            if target is None:
                continue
            content = _subtree_chars(target)
        else:
            content = _subtree_chars(complement)
        source = _trim(text, *_source_extent(subject, be))
        content = _trim(text, *content)
        if content[1] <= content[0] or source[1] <= source[0]:
            continue
        out.append(Found(source, (be.idx, cue_end), content, False, strong=False, rule="adjective", head=be.i))
    return out


def _lexicon_of(lemma: str, rule: str) -> str:
    if rule == "nominal":
        return "noun"
    for name, words in (("denial", DENIAL), ("weak", WEAK_CUES), ("reporting", REPORTING), ("speech", SPEECH),
                        ("cognition", COGNITION), ("quote", QUOTE_ONLY), ("stance", STANCE)):
        if lemma in words:
            return name
    return "none"


def cue_candidates(doc, quotes: list[tuple[int, int]] | None = None) -> list[tuple[Found, list[str]]]:
    """The rules' proposals plus every other verb the span logic can read as a cue (rule
    "learned"), each with its classifier features. Also what scripts/fit_cue_model.py fits on.
    ``quotes``: the text's quotations, when the caller has them already."""
    from spacy.attrs import IDX, POS

    text = doc_text(doc)
    if len(doc) == 0:
        return []
    quotes = quotation_spans(text) if quotes is None else quotes
    sent_of = sentence_finder(doc)
    columns = doc.to_array([IDX, POS])
    token_starts = columns[:, 0].tolist()

    def token_at(char: int) -> int:
        return bisect_right(token_starts, char) - 1

    found = _rule_proposals(doc, text, quotes, sent_of, judged=True)
    for item in found:
        if item.head < 0:
            item.head = max(0, token_at(item.cue[0]))
    heads = {item.head for item in found}
    verb = doc.vocab.strings["VERB"]
    learned = []
    for index in np.nonzero(columns[:, 1] == verb)[0].tolist():
        if index in heads:
            continue
        item = _verb_cue(doc[index], text, quotes, sent_of, found + learned, learned=True)
        if item is not None:
            learned.append(item)
    proposals = found + learned
    out = []
    for item in proposals:
        token = doc[item.head]
        lemma = token.lemma_.lower()
        lemma = LEMMA_FIXES.get(lemma, lemma)
        outer = [o for o in found if o is not item and o.content[0] <= item.cue[0] < o.content[1]]
        nested = "no" if not outer else ("strong" if any(o.strong for o in outer) else "weak")
        features = cue_features(doc, item, text=text, lexicon=_lexicon_of(lemma, item.rule), lemma=lemma, quotes=quotes,
                                sentence=sent_of(token), token_at=token_at, nested=nested)
        out.append((item, features))
    return out


def find_attributions(doc, cue_model: CueModel | str | None = None,
                      quotes: list[tuple[int, int]] | None = None) -> list[Found]:
    """Attributions found by the parse, one per cue. ``cue_model``: None for the shipped cue
    classifier, RULES_ONLY for the lexicon rules alone, or a CueModel; ``quotes``: the text's
    quotations, when the caller has them already."""
    text = doc_text(doc)
    quotes = quotation_spans(text) if quotes is None else quotes
    model = load_cue_model() if cue_model is None else cue_model
    if not isinstance(model, CueModel):
        return _unnest(_rule_proposals(doc, text, quotes, sentence_finder(doc)), text)
    candidates = cue_candidates(doc, quotes)
    scores = model.probabilities([features for _, features in candidates])
    found = [item for (item, _), score in zip(candidates, scores, strict=True) if selected(item, score, model)]
    return _unnest(found, text)


def selected(item: Found, score: float, model: CueModel) -> bool:
    """Whether a proposal is kept: a learned cue must clear ``add``, a lexicon cue ``keep``; a
    denial is always kept (PolNeAR's univocal convention folds "…, while the Taliban denied …"
    into the first report, but a denial is what the story's conflicts are made of)."""
    if item.denies:
        return True
    return score >= (model.add if item.rule == "learned" else model.keep)


_COLON_LINE = re.compile(r"^([A-Z][^:\n\"“”]{0,80}?):[ \t]+(\S[^\n]*)$", re.M)
# Line-opening labels that are not speakers (section heads, bylines, live-blog titles).
NOT_SPEAKERS = frozenset({
    "the latest", "editor's note", "editor’s note", "paid notice", "read more", "update", "updated", "note",
    "correction", "related", "watch", "photo", "photos", "video", "follow", "name", "email", "twitter",
    "byline", "contributing", "source", "sources", "caption", "credit", "image"})
_SMALL_WORDS = {"of", "the", "and", "for", "on", "in", "to", "a", "at", "&"}


def sentence_finder(doc):
    """token -> its sentence, by bisection (token.sent rescans the doc at every call)."""
    sentences = doc_sentences(doc)
    sentence_starts = [sent.start for sent in sentences]

    def sent_of(token):
        return sentences[bisect_right(sentence_starts, token.i) - 1]

    return sent_of


def doc_sentences(doc) -> list:
    """doc.sents as a list, read from one array (iterating doc.sents walks every token in Python)."""
    from spacy.attrs import SENT_START

    if len(doc) == 0:
        return []
    if not (doc.has_annotation("SENT_START") or doc.has_annotation("DEP")):
        return list(doc.sents)
    flags = doc.to_array([SENT_START]).astype("int64")
    starts = [0] + [i for i in (flags == 1).nonzero()[0].tolist() if i > 0]
    return [doc[start:end] for start, end in zip(starts, starts[1:] + [len(doc)], strict=True)]


def _colon_lines(text: str, found: list[Found]) -> list[Found]:
    """A line opened by "Speaker: …" — the headline style "Elizabeth Warren: Trump Is a ‘Proven
    Failure’" (a short title-case label), or any short lead-in followed by a quotation
    ("Continued Stone: “So I think …”"). On PolNeAR train the colon after such a label is an
    attribution cue about half the time; after a lead-in into a quotation, three times in four."""
    out = []
    for m in _COLON_LINE.finditer(text):
        label, rest = m.group(1).strip(), m.group(2)
        words = label.split()
        if label.lower() in NOT_SPEAKERS or any(w.lower().strip(".,") in NOT_SPEAKERS for w in words[:1]):
            continue
        if len(rest.split()) < 3 or "," in label:
            continue
        quoted = rest[0] in OPENING_MARKS
        titled = all(w[0].isupper() or w[0].isdigit() or w.lower() in _SMALL_WORDS for w in words)
        shouting = label.isupper() and len(label) > 3
        headline = len(rest.split()) <= 25 and not re.search(r"[.!?][”’\"]?\s+[A-Z]", rest)
        if not ((quoted and len(words) <= 12) or (titled and headline and len(words) <= 5 and not shouting)):
            continue
        colon = m.end(1)
        if any(f.cue[0] <= colon < f.cue[1] or f.content[0] <= colon < f.content[1] for f in found):
            continue
        content = (m.start(2), m.end(2))
        while content[1] > content[0] and text[content[1] - 1] in ".;":
            content = (content[0], content[1] - 1)
        out.append(Found((m.start(1), m.start(1) + len(m.group(1).rstrip())), (colon, colon + 1), content, False,
                         strong=quoted))
    return out


_CONTRAST = re.compile(r"(?:\b(?:while|whereas|but|although|though|and)|[;—–])\s*(?:the\s+)?$", re.I)


def _unnest(found: list[Found], text: str = "") -> list[Found]:
    """One attribution per stretch of text (PolNeAR's convention): a cue inside someone's
    reported content, with its own source inside it too, is part of that content ("said his
    campaign doesn't want …", "said Kiedis wrote new songs"). A denial, or a report set against
    the first ("X said A, while the Taliban denied B"), is a report of its own, so the outer
    content stops where the inner one begins. A cue whose source sits outside the outer
    content ("…, claiming that …") stays when it is a speech cue."""
    keep: list[Found] = []
    for item in found:
        outer = [o for o in found if o is not item and o.content[0] <= item.cue[0] < o.content[1]
                 and not (o.content[0] <= o.cue[0] < o.content[1])]
        if outer and not item.strong:
            continue
        if outer and item.source is not None and not item.denies and any(
                o.content[0] <= item.source[0] < o.content[1] for o in outer):
            start = min(item.cue[0], item.source[0])
            if not _CONTRAST.search(text[max(0, start - 12):start]):
                continue
        keep.append(item)
    for item in keep:
        for inner in keep:
            if inner is item or not inner.strong:
                continue
            inner_start = min(inner.cue[0], inner.source[0] if inner.source else inner.cue[0])
            if inner.source and inner.source[0] < item.content[0]:
                inner_start = inner.cue[0]  # "X said A and said B": same speaker, A ends before "and said"
            if item.content[0] < inner_start < item.content[1] and inner.content[0] >= inner_start - 1 \
                    and inner_start > item.content[0] + 20:
                item.content = (item.content[0], inner_start)
    return keep


# Cue nouns kept where the rule below was right at least 40 % of the time on PolNeAR *train*
# ("support", "plan", "response", "threat", "report", "request" … were tried and fell below).
NOUN_CUES = frozenset("""
statement claim criticism attack call question view decision hope concern opposition promise proposal
suggestion complaint assertion fear warning announcement argument belief accusation pledge vow insistence
remark comment denial admission allegation endorsement praise assessment rejection desire doubt estimate
contention objection
""".split())
NOUN_CONTENT_PREPS = {"for", "on", "of", "about", "against", "to", "over", "with", "that"}


def _nominal_cues(doc, text: str, quotes) -> list[Found]:
    """Nominal cues: "his attacks on Mr. Clinton", "the DNC's decision to bury the debates",
    "criticism that Trump was urging …" — a cue noun with a complement clause, an infinitive
    or a prepositional object as content; its possessor (or "by"/"from" phrase) as source."""
    out = []
    for token in _select(doc, "LEMMA", NOUN_CUES):
        if token.pos_ != "NOUN" or token.lemma_.lower() not in NOUN_CUES or inside_quote(token.idx, quotes):
            continue
        content = None
        cue_end = token.idx + len(token)
        for child in token.children:
            if child.i < token.i:
                continue
            if child.dep_ in ("acl", "relcl", "ccomp") and any(
                    c.dep_ in ("mark", "aux") and c.lower_ in ("that", "to") and c.i < child.i for c in child.children):
                content = _subtree_chars(child)
                break
            if child.dep_ == "prep" and child.lower_ in NOUN_CONTENT_PREPS and child.i == token.i + 1:
                pobj = next((c for c in child.children if c.dep_ in ("pobj", "pcomp")), None)
                if pobj is not None:
                    content = _subtree_chars(pobj)
                    cue_end = child.idx + len(child)
                    break
        if content is None:
            continue
        source = None
        poss = next((c for c in token.children if c.dep_ == "poss"), None)
        if poss is not None:
            source = _subtree_chars(poss, exclude=[c for c in poss.children if c.dep_ == "case"])
        else:
            by = next((c for c in token.children if c.dep_ == "prep" and c.lower_ in ("by", "from")
                       and c.i > token.i), None)
            pobj = next((c for c in by.children if c.dep_ == "pobj"), None) if by is not None else None
            if pobj is not None:
                source = _subtree_chars(pobj)
        if source is None and token.dep_ == "dobj" and token.head.lemma_ in ("make", "express", "voice", "issue",
                                                                              "raise", "offer", "give", "level"):
            subject, _ = _subject(token.head)
            if subject is not None:
                source = _subtree_chars(subject)
        content = _trim(text, *content)
        if content[1] <= content[0]:
            continue
        out.append(Found(_trim(text, *source) if source else None, (token.idx, cue_end), content, False,
                         strong=False))
    return out


SOURCE_DOCUMENTS = frozenset("""
poll survey statement interview report letter memo speech tweet post email study analysis words column
editorial filing lawsuit book essay article op-ed video message remarks testimony release poll survey
""".split())


def _framing_phrases(doc, text: str, quotes, found: list[Found]) -> list[Found]:
    """A sentence opened by "In a CBS News poll, she led 56 to 32": the poll (statement,
    interview …) is the source of the clause. Only sentence-opening frames: "in the polls" inside a
    clause, and "For Republicans, …" openers, were right less than a third of the time on train."""
    out = []
    cues = [f.cue for f in found]
    for token in _select(doc, "LOWER", frozenset({"in"})):
        if token.dep_ != "prep" or token.lower_ != "in" or inside_quote(token.idx, quotes):
            continue
        pobj = next((c for c in token.children if c.dep_ == "pobj"), None)
        head = token.head
        if pobj is None or head.pos_ not in ("VERB", "AUX"):
            continue
        opening = token.i == 0 or token.is_sent_start or doc[token.i - 1].is_punct and doc[token.i - 1].text in "—–-"
        after = doc[pobj.right_edge.i + 1] if pobj.right_edge.i + 1 < len(doc) else None
        if not (opening and after is not None and after.text == "," and pobj.lemma_.lower() in SOURCE_DOCUMENTS):
            continue
        clause = _subtree_chars(head, exclude=[token])
        if any(clause[0] <= c[0] < clause[1] for c in cues):
            continue  # the clause has its own cue ("In a statement, the DNC said …")
        source = _trim(text, *_subtree_chars(pobj))
        content = _trim(text, *clause)
        if content[1] > content[0] and text[content[1] - 1] == ".":
            content = (content[0], content[1] - 1)
        if content[1] <= content[0]:
            continue
        out.append(Found(source, (token.idx, token.idx + len(token)), content, False, strong=False))
    return out


LIGHT_VERBS = frozenset("make take give deliver raise draw offer voice express issue lay level launch".split())
LIGHT_OBJECTS = frozenset("""
aim case point speech answer remark remarks comment comments defense defence argument pitch vision criticism
concern concerns question questions statement appeal plea warning promise pledge vow prediction assessment
accusation accusations charge attack attacks swipe jab shot dig praise endorsement objection objections
complaint complaints suggestion proposal apology address announcement reference references claim claims
""".split())
OBJECT_PREPS = {"at", "on", "about", "for", "against", "of", "to", "over", "that"}


def _light_verbs(doc, text: str, quotes, found: list[Found], sent_of) -> list[Found]:
    """Light verb + speech noun: "took aim at Clinton", "made the case for a wall", "delivered a
    defense of her husband", "raised concerns that …", "made it clear that …"."""
    out = []
    cues = {f.cue[0] for f in found}
    for token in _select(doc, "LEMMA", LIGHT_VERBS):
        if token.pos_ != "VERB" or token.lemma_.lower() not in LIGHT_VERBS or token.idx in cues \
                or inside_quote(token.idx, quotes):
            continue
        obj = next((c for c in token.children if c.dep_ == "dobj"), None)
        clear = next((c for c in token.children if c.dep_ in ("ccomp", "oprd", "acomp", "xcomp")
                      and c.lower_ == "clear"), None)
        content = None
        cue_end = None
        if clear is not None:
            clause = next((c for c in list(clear.children) + list(token.children)
                           if c.dep_ == "ccomp" and c.i > clear.i), None)
            if clause is not None:
                content, cue_end = _subtree_chars(clause), clear.idx + len(clear)
        elif obj is not None and obj.lemma_.lower() in LIGHT_OBJECTS:
            for child in list(obj.children) + list(token.children):
                if child.i <= obj.i:
                    continue
                if child.dep_ == "prep" and child.lower_ in OBJECT_PREPS:
                    pobj = next((c for c in child.children if c.dep_ in ("pobj", "pcomp")), None)
                    if pobj is not None:
                        content, cue_end = _subtree_chars(pobj), child.idx + len(child)
                        break
                if child.dep_ in ("acl", "ccomp", "relcl") and any(
                        c.dep_ == "mark" and c.lower_ == "that" for c in child.children):
                    content, cue_end = _subtree_chars(child), obj.idx + len(obj)
                    break
        if content is None:
            continue
        subject, _ = _subject(token)
        source = _trim(text, *_source_extent(subject, token)) if subject is not None else None
        content = _trim(text, *content)
        if content[1] <= content[0]:
            continue
        out.append(Found(source, (token.idx, cue_end), content, False, strong=False))
    return out


HEARSAY = frozenset({"reportedly"})  # "allegedly", "supposedly": right 1 time in 4 on train


def _hearsay_adverbs(doc, text: str, quotes) -> list[Found]:
    """"Bloomberg is reportedly considering a run": the adverb is the cue of an unnamed source."""
    out = []
    for token in _select(doc, "LOWER", HEARSAY):
        if token.dep_ != "advmod" or inside_quote(token.idx, quotes):
            continue
        clause = token.head
        content = _trim(text, *_subtree_chars(clause, exclude=[token]))
        if content[1] - content[0] < 8:
            continue
        if content[0] < token.idx < content[1]:
            before, after = _trim(text, content[0], token.idx), _trim(text, token.idx + len(token), content[1])
            content = before if before[1] - before[0] > after[1] - after[0] else after
        out.append(Found(None, (token.idx, token.idx + len(token)), content, False, strong=False))
    return out


def _seeming(doc, text: str, quotes) -> list[Found]:
    """"X seemed to …", "It appears that …": the writer's (or an unnamed) impression; PolNeAR
    marks "seem"/"appear" as cues whose content is the subject and its complement."""
    out = []
    for token in _select(doc, "LEMMA", SEEM_LEMMAS):
        if token.lemma_.lower() not in SEEM_LEMMAS or token.pos_ != "VERB" or inside_quote(token.idx, quotes):
            continue
        complement = next((c for c in token.children if c.dep_ in ("xcomp", "ccomp", "acomp", "attr", "oprd")
                           and c.i > token.i), None)
        if complement is None:
            continue
        subject = next((c for c in token.children if c.dep_ in ("nsubj", "nsubjpass")), None)
        start = subject.left_edge.idx if subject is not None and subject.lower_ != "it" else complement.left_edge.idx
        last = complement.right_edge
        content = _trim(text, start, last.idx + len(last))
        if content[1] <= content[0]:
            continue
        out.append(Found(None, (token.idx, token.idx + len(token)), content, False, strong=False))
    return out


def _adjacent_quote(token, quotes: list[tuple[int, int]], sentence=None) -> tuple[int, int] | None:
    """`“Your Honor,” I said, “I would like …”`: the quotations right before and after the clause."""
    sentence = sentence if sentence is not None else token.sent
    near = [(s, e) for s, e in quotes if sentence.start_char - 2 <= s < sentence.end_char + 2
            or sentence.start_char - 2 <= e <= sentence.end_char + 2]
    if not near:
        return None
    return min(s for s, _ in near), max(e for _, e in near)


def _first_index(token) -> int:
    subject, _ = _subject(token)
    if subject is not None and subject.i < token.i:
        return subject.left_edge.idx
    return token.idx


def _according_to(doc, sent_of) -> list[Found]:
    text = doc_text(doc)
    out = []
    if "ccording to" not in text and "CCORDING TO" not in text:
        return out  # skip a pass over every token
    for token in _select(doc, "LOWER", frozenset({"according"})):
        if token.lower_ != "according" or token.i + 1 >= len(doc) or doc[token.i + 1].lower_ != "to":
            continue
        to = doc[token.i + 1]
        pobj = next((c for c in to.children if c.dep_ == "pobj"), None)
        if pobj is None:
            pobj = next((c for c in token.children if c.dep_ == "pobj"), None)
        if pobj is None:
            continue
        source = _subtree_chars(pobj)
        sentence = sent_of(token)
        clause_head = token.head if sent_of(token.head) == sentence else sentence.root
        while clause_head.dep_ not in ("ROOT",) and clause_head.head != clause_head and clause_head.pos_ not in (
                "VERB", "AUX"):
            clause_head = clause_head.head
        prep = token if token.head == clause_head else token
        content = _subtree_chars(clause_head, exclude=[prep])
        if content[0] >= token.idx and content[0] < source[1]:
            content = (source[1], content[1])
        content = _trim(text, *content)
        if content[1] > content[0] and text[content[1] - 1] == ".":
            content = (content[0], content[1] - 1)
        if content[1] <= content[0]:
            continue
        out.append(Found(_trim(text, *source), (token.idx, to.idx + len(to)), content, False))
    return out


NAME_THEN_ROLE = re.compile(r"((?:[A-Z][\w.'’-]*\s)*[A-Z][\w'’-]+),\s+(?:the|a|an|his|her|their)\s")
# ", who charged Tom Baker on Monday": a relative clause describing a source names others, not the speaker.
RELATIVE_TAIL = re.compile(r",\s+(?:who|whose|which|whom)\b")
# "The Interior Ministry denied the claim. It said …": an "it" source just after another report
# stands for that report's non-person source, which the entity tagger may not have tagged at all.
IT_SOURCE_WINDOW = 300  # characters between that source and the "it"


@dataclass(frozen=True, slots=True)
class SpeakerContext:
    """What a pronoun source's antecedent is chosen from, beyond the named entities.

    ``reported``: what someone is reported to have said (contents, quotations): a person named
    there is talked about, not speaking. ``speaking``: source spans and grammatical subjects, the
    places a person who goes on speaking was last named in."""

    reported: tuple[tuple[int, int], ...] = ()  # each a sorted union of disjoint spans (see _union)
    speaking: tuple[tuple[int, int], ...] = ()
    named: tuple[tuple[int, int, str], ...] = ()  # (start, end, speaker) of sources naming one person
    subjects: tuple[tuple[int, int], ...] = ()  # every named grammatical subject, reported or not
    quotes: tuple[tuple[int, int], ...] = ()

    def talked_about(self, start: int, end: int) -> bool:
        return _covers(self.reported, start, end) and not self.speaks(start, end)

    def speaks(self, start: int, end: int) -> bool:
        return _touches(self.speaking, start, end)


def _union(spans) -> tuple[tuple[int, int], ...]:
    """Spans merged into sorted disjoint ones, so a lookup is one bisection (long articles stay linear)."""
    merged: list[list[int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return tuple((start, end) for start, end in merged)


def _covers(union: tuple[tuple[int, int], ...], start: int, end: int) -> bool:
    i = bisect_right(union, (start, float("inf"))) - 1
    return i >= 0 and union[i][1] >= end


def _touches(union: tuple[tuple[int, int], ...], start: int, end: int) -> bool:
    i = bisect_right(union, (end - 1, float("inf"))) - 1
    return i >= 0 and union[i][1] > start


ANTECEDENT_WINDOW = 3000  # characters back a pronoun's speaker is looked for among speakers and subjects


def _antecedent(candidates: list[tuple[int, int, str]], start: int, context: SpeakerContext | None,
                own: tuple[int, int] | None = None):
    """The name a pronoun at ``start`` stands for: the nearest speaker or subject named before it
    outside anyone's reported words ("Morrow said Baker took it. 'It was complex,' she said" is
    Morrow), else the nearest name outside reported words, else the nearest name outside the
    pronoun's own reported words (``own``)."""
    def in_own(c) -> bool:
        return bool(own) and own[0] <= c[0] and c[1] <= own[1]

    # "Ms. Olivieri found skating a salve, she said": the subject of the pronoun's own indirect report
    # speaks of herself; a name inside its own quotation never speaks
    quoted_own = bool(own) and context is not None and _touches(context.quotes, *own)
    own_subjects = [] if context is None or quoted_own else [
        c for c in candidates if c[1] <= start and in_own(c) and _touches(context.subjects, c[0], c[1])]
    before = [c for c in candidates if c[1] <= start and not in_own(c)]
    if not before and not own_subjects:
        return None, -1
    if context is not None:
        free = [c for c in before if c[1] >= start - ANTECEDENT_WINDOW and not context.talked_about(c[0], c[1])]
        speaking = [c for c in free if context.speaks(c[0], c[1])] + own_subjects
        for pool in (speaking, free):
            if pool:
                best = max(pool, key=lambda c: c[1])
                return best[2], best[1]
    best = max(before, key=lambda c: c[1])
    return best[2], best[1]


def _resolve_speaker(text: str, source: tuple[int, int] | None, entities, canonical,
                     earlier: Sequence[tuple[int, str]] = (), context: SpeakerContext | None = None,
                     content: tuple[int, int] | None = None, denies: bool = False) -> str | None:
    """The canonical name of the source; pronouns go to the nearest fitting named speaker (for a
    denial, the nearest person: "Morrow said Baker hid it. He denied it" is Baker).

    ``earlier``: (end of source, speaker) of the non-person sources of reports before this one."""
    if source is None:
        return None
    start, end = source
    words = text[start:end].strip()
    kind = PRONOUNS.get(words.lower())
    if kind in ("PERSON", "ORG", "GROUP"):
        labels = {"PERSON": ("PERSON",), "ORG": ("ORG", "NORP", "GPE"), "GROUP": ("ORG", "NORP", "GPE",
                                                                              "PERSON")}[kind]
        candidates = [(entity.start, entity.end, name) for entity, name in zip(entities, canonical, strict=True)
                      if entity.label in labels]
        if kind == "PERSON" and context is not None:
            # a source naming someone the tagger missed (a tagged name inside it is a candidate already)
            candidates += [c for c in context.named if not any(c[0] < e and s < c[1] for s, e, _ in candidates)]
        best, best_end = _antecedent(candidates, start, context if kind == "PERSON" and not denies else None,
                                     content)
        if kind == "ORG":  # the source of a report just before, when nearer than any named one
            recent = [(at, name) for at, name in earlier if best_end < at <= start and start - at <= IT_SOURCE_WINDOW]
            if recent:
                return max(recent)[1]
        return best or words
    if relative := RELATIVE_TAIL.search(text, start, end):  # "X, who charged Baker, said": X speaks
        end = relative.start()
        words = text[start:end].strip()
    inside = [(entity, name) for entity, name in zip(entities, canonical, strict=True)
              if entity.start >= start and entity.end <= end and entity.label in (
                  "PERSON", "ORG", "NORP", "GPE")]
    source_text = text[start:end]
    for entity, name in inside:
        if entity.label != "PERSON":
            continue
        ends_source = source_text.rstrip(" ,.").endswith(text[entity.start:entity.end])
        opens_source = entity.start - start <= 4 and text[entity.end:entity.end + 1] in (",", "") or (
            entity.start == start and entity.end == end)
        if ends_source or opens_source:
            return name
    if inside:
        entity, name = inside[0]
        covered = entity.end - entity.start
        if covered >= 0.6 * len(words.removeprefix("the ").removeprefix("The ")):
            return name
    if not inside and (named := NAME_THEN_ROLE.match(words)):
        return named.group(1)  # "Morrow, the attorney general": the name the tagger missed
    m = re.fullmatch(r"(?:the|The) ((?:[a-z]+ ){0,2}([a-z]+))", words)
    if m and not inside:
        # "the department" after "the US State Department": the nearest organisation so named
        head = m.group(2)
        for entity, name in reversed(list(zip(entities, canonical, strict=True))):
            if entity.end <= start and entity.label in ("ORG", "FAC") and re.search(
                    rf"\b{re.escape(head)}\b", name, re.I):
                return name
    return words


QUOTE_MARKS = "\"“”‘’'″"


def _without_stray_marks(text: str, source: tuple[int, int]) -> tuple[int, int]:
    """A source cut from the end of a quotation keeps no quotation mark on its edges ('" Morrow')."""
    start, end = source
    while start < end and (text[start] in QUOTE_MARKS or text[start].isspace()) and not any(
            ch in QUOTE_MARKS for ch in text[start + 1:end]):
        start += 1
    while end > start and text[end - 1] in QUOTE_MARKS and not any(ch in QUOTE_MARKS for ch in text[start:end - 1]):
        end -= 1
    return (start, end) if end > start else source


# The words naming a speaker between a closing quotation mark and its cue ("…,'' Mr. Rubio said"), or
# after the cue ("…,” said Cruz, who …").
SPEAKER_BEFORE_CUE = re.compile(r"\s*([^\s.,;:!?“”\"'][^.;:!?“”\"]{0,80}?)[\s,]*$")
SPEAKER_AFTER_CUE = re.compile(r"\s+([^\s.,;:!?“”\"'][^.,;:!?“”\"]{0,80})")


def _speaker_outside_quote(text: str, item: Found, quotes) -> tuple[int, int] | None:
    """A source the parse found inside the quotation it reports ("Safety," said Grimm → "Safety"):
    the words naming the speaker next to the cue instead, when there are any."""
    start, end = item.source
    quote = next(((qs, qe) for qs, qe in quotes if qs <= start and end <= qe), None)
    if quote is None or quote[0] <= item.cue[0] < quote[1] or quote[1] > item.cue[0]:
        return None
    between = text[quote[1]:item.cue[0]]
    if between.strip(" ,\u00a0"):
        m = SPEAKER_BEFORE_CUE.fullmatch(between)
        if m is None or len(m.group(1).split()) > 8:
            return None
        return _trim(text, quote[1] + m.start(1), quote[1] + m.end(1))
    m = SPEAKER_AFTER_CUE.match(text, item.cue[1])
    if m is None or len(m.group(1).split()) > 8:
        return None
    return _trim(text, m.start(1), m.end(1))


NOT_PERSONS = frozenset({"ORG", "GPE", "NORP", "FAC", "LOC", "EVENT", "PRODUCT", "LAW", "LANGUAGE"})


# "The contrast with Trump, said Doyle and others, would be clear": a speech cue set off by commas
# with a name right after it names its speaker there, whatever the parse made its subject.
INTERJECTED_NAME = re.compile(r"\s+((?:[A-Z][\w'’-]*\.?\s+){0,3}[A-Z][\w'’-]+(?:\s+and\s+others)?)\s*,")


def _interjected_speaker(text: str, item: Found) -> tuple[int, int] | None:
    """The name after an interjected ", said X," when the source found stands just before it."""
    if item.source[1] > item.cue[0] or text[item.cue[0]:item.cue[1]].lower() not in INTERJECTED_SAY:
        return None
    if not text[item.source[1]:item.cue[0]].strip() == ",":
        return None
    m = INTERJECTED_NAME.match(text, item.cue[1])
    if m is None or m.group(1).split()[0] in NOT_A_NAME_START:
        return None
    return _trim(text, m.start(1), m.end(1))


def _speaker_context(doc, found: Sequence[Found], quotes, entities=(), canonical=()) -> SpeakerContext:
    """Reported words (contents, quotations), speaking places (sources, subjects outside them) and
    the speakers named as sources whom the entity tagger missed ("“…,” Morrow told reporters")."""
    reported = _union({item.content for item in found} | {tuple(q) for q in quotes})
    sources = [item.source for item in found if item.source]
    all_subjects = [(token.idx, token.idx + len(token)) for token in doc
                    if token.dep_ == "nsubj" and token.pos_ == "PROPN"]
    subjects = [span for span in all_subjects if not _covers(reported, span[0], span[0] + 1)]
    text = doc_text(doc)
    named = []
    for start, end in {item.source for item in found if item.source and item.strong}:
        span = doc.char_span(start, end, alignment_mode="expand")
        tokens = list(span) if span is not None else []
        roots = [t for t in tokens if not start <= t.head.idx < end or t.head == t]
        if len(roots) == 1 and roots[0].pos_ == "PROPN" and roots[0].ent_type_ not in NOT_PERSONS \
                and roots[0].tag_ == "NNP" and len(roots[0].text) > 1:
            named.append((start, end, _resolve_speaker(text, (start, end), entities, canonical)))
    return SpeakerContext(reported=reported, speaking=_union(sources + subjects), named=tuple(named),
                          subjects=_union(all_subjects), quotes=_union(tuple(q) for q in quotes))


def build_attributions(doc, entities, canonical, sentences: list[tuple[int, int]],
                       cue_model: CueModel | str | None = None) -> list[Attribution]:
    """Attribution records for one parsed article."""
    text = doc_text(doc)
    quotes = quotation_spans(text)
    found = find_attributions(doc, cue_model, quotes)
    for item in found:
        if item.source and (outside := _speaker_outside_quote(text, item, quotes) or _interjected_speaker(text, item)):
            item.source = outside
            if item.content[0] <= outside[0] < item.content[1]:  # the content read past the cue takes no speaker
                rest = _trim(text, outside[1], item.content[1])
                if rest[1] > rest[0]:
                    item.content = rest
        if item.source:
            item.source = _without_stray_marks(text, item.source)
    # Direct quotes: widen a content to the whole quotation it sits in.
    results: list[tuple[Found, bool]] = []
    for item in found:
        direct = False
        for q_start, q_end in quotes:
            overlap = min(q_end, item.content[1]) - max(q_start, item.content[0])
            if overlap > 0.5 * (item.content[1] - item.content[0]) or (
                    q_start <= item.content[0] and item.content[1] <= q_end):
                direct = True
                if not (item.cue[0] >= q_start and item.cue[1] <= q_end):
                    item.content = (min(item.content[0], q_start), max(item.content[1], q_end))
        results.append((item, direct))
    covered = [r[0].content for r in results]
    # Quotes with no cue of their own: the speaker of the attribution just before.
    for q_start, q_end in quotes:
        if any(c[0] <= q_start < c[1] or q_start <= c[0] < q_end for c in covered):
            continue
        previous = [r for r in results if r[0].cue[1] <= q_start and q_start - r[0].content[1] < 400]
        if not previous:
            continue
        last, _ = max(previous, key=lambda r: r[0].content[1])
        between = text[max(last.content[1], last.cue[1]):q_start]
        sentences_between = sum(1 for s, _ in sentences if max(last.content[1], last.cue[1]) < s < q_start)
        if sentences_between > 1 and not between.strip().startswith(("“", '"', "''")):
            continue
        results.append((Found(last.source, last.cue, (q_start, q_end), False, None, antecedent=last.antecedent), True))
        covered.append((q_start, q_end))
    records = []
    seen = set()
    earlier: list[tuple[int, str]] = []  # non-person sources so far, for a later "it"
    context = _speaker_context(doc, [r[0] for r in results], quotes, entities, canonical)
    person_names = {name for entity, name in zip(entities, canonical, strict=True) if entity.label == "PERSON"}

    def _names_a_person(span: tuple[int, int], speaker: str) -> bool:
        words = text[span[0]:span[1]].strip().lower()
        return speaker in person_names or PRONOUNS.get(words) in ("PERSON", "GROUP", "REL")

    for item, direct in sorted(results, key=lambda r: (r[0].content[0], r[0].cue[0])):
        key = (item.cue, item.content)
        if key in seen:
            continue
        seen.add(key)
        if item.source and (dateline := DATELINE.match(text, item.source[0], item.source[1])):
            if dateline.end() < item.source[1]:  # "MOMBASA - Police said": the source is the police
                item.source = (dateline.end(), item.source[1])
        kind = cue_kind(text[item.cue[0]:item.cue[1]], item.denies)  # decided here, once
        speaker = _resolve_speaker(text, item.antecedent or item.source, entities, canonical, earlier, context,
                                   item.content, denies=kind == "denial")
        if item.source and speaker and not item.antecedent and not _names_a_person(item.source, speaker):
            earlier.append((item.source[1], speaker))
        parts = [item.cue, item.content] + ([item.source] if item.source else [])
        start = min(p[0] for p in parts)
        end = max(p[1] for p in parts)
        records.append(
            Attribution(
                start=start, end=end, text=text[start:end],
                source=_span(text, *item.source) if item.source else None,
                speaker=speaker,
                cue=_span(text, *item.cue),
                content=_span(text, *item.content),
                direct=direct,
                polarity="denies" if kind == "denial" else "asserts",
                kind=kind,
            )
        )
    return records
