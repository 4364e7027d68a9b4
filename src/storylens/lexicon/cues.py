"""Verbs of saying, reporting and denial: lemmas, their surface forms, and the kind of
report a cue makes.

The lemma lists are the base: the cue finder (annotate.attributions) reads parsed
lemmas against them. Stages that read a cue's words instead of its parse get their
surface forms from the one inflector, ``inflect``. Annotation decides once what kind of
report each cue makes (``cue_kind``: speech, denial or other) and records it; later
stages read the record.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Literal

CueKind = Literal["speech", "denial", "other"]

SPEECH = frozenset("""
say tell add announce report state claim confirm deny reject dismiss refute dispute warn vow pledge promise
quote indicate note explain stress emphasize emphasise insist argue write tweet post acknowledge admit
concede suggest predict urge ask declare describe reveal allege assert contend agree estimate accuse
criticize criticise complain praise welcome express testify recall mention reply respond answer counter
conclude charge demand threaten caution observe remark repeat reiterate maintain propose recommend
question wonder learn disclose signal hint brag boast joke lament concede inform assure reassure
advise caution cite blame credit predict project forecast acknowledge announce yell shout tout
clarify recite articulate
""".split())  # the last line: verbs that head a PolNeAR *train* cue at least 40 % of the time they occur
DENIAL = frozenset({"deny", "reject", "dismiss", "refute", "dispute", "rebuff", "contradict", "disavow", "rebut",
                    "repudiate", "discount"})
# Verbs that report a statement after it ("…, X said.") or carry on a quotation.
REPORTING = frozenset({
    "say", "add", "tell", "write", "continue", "explain", "note", "state", "report", "announce", "warn",
    "claim", "insist", "argue", "confirm", "ask", "reply", "respond", "conclude", "stress", "emphasize",
    "emphasise", "tweet", "declare", "predict", "caution", "observe", "remark", "recall", "admit",
    "acknowledge", "complain", "suggest", "deny", "concede", "contend", "assert", "allege", "boast",
    "joke", "quip", "counter", "charge"})

# --------------------------------------------------------------------------- the inflector

Tense = Literal["base", "third", "past", "participle", "gerund"]
TENSES: tuple[Tense, ...] = ("base", "third", "past", "participle", "gerund")
IRREGULAR = {  # lemma: (third person, past, past participle)
    "say": ("says", "said", "said"),
    "tell": ("tells", "told", "told"),
    "write": ("writes", "wrote", "written"),
    "speak": ("speaks", "spoke", "spoken"),
}
# A final consonant after one vowel doubles in a stressed last syllable: every one-syllable
# verb ("stop" -> "stopped") and the stressed ones listed ("admit" -> "admitted"), not
# "answer" -> "answered" (spelling cannot tell stress).
_DOUBLES = re.compile(r"[^aeiou][aeiou][bdgmnprt]$")
_SYLLABLE = re.compile(r"[aeiouy]+")
STRESSED_LAST = frozenset("admit commit submit permit omit regret rebut refer prefer occur compel".split())


@lru_cache(maxsize=4096)
def _forms(lemma: str, tense: Tense) -> frozenset[str]:
    if tense == "base":
        return frozenset({lemma})
    if lemma in IRREGULAR:
        if tense != "gerund":
            third, past, participle = IRREGULAR[lemma]
            return frozenset({{"third": third, "past": past, "participle": participle}[tense]})
    consonant_y = lemma.endswith("y") and len(lemma) > 1 and lemma[-2] not in "aeiou"
    doubles = _DOUBLES.search(lemma) and (lemma in STRESSED_LAST or len(_SYLLABLE.findall(lemma)) == 1)
    stem = lemma + lemma[-1] if doubles else lemma
    if tense == "third":
        if consonant_y:
            return frozenset({lemma[:-1] + "ies"})
        return frozenset({lemma + ("es" if lemma.endswith(("s", "x", "z", "ch", "sh")) else "s")})
    if tense in ("past", "participle"):
        if consonant_y:
            return frozenset({lemma[:-1] + "ied"})
        if lemma.endswith("e"):
            return frozenset({lemma + "d"})
        return frozenset({stem + "ed"})
    if lemma.endswith("e") and not lemma.endswith("ee"):
        return frozenset({lemma[:-1] + "ing"})
    return frozenset({stem + "ing"})


def inflect(*lemmas: str, tenses: tuple[Tense, ...] = TENSES) -> frozenset[str]:
    """The surface forms of verbs: ``inflect("deny")`` is deny, denies, denied, denying;
    ``inflect("say", tenses=("past",))`` is said."""
    return frozenset(form for lemma in lemmas for tense in tenses for form in _forms(lemma, tense))


# --------------------------------------------------------------------------- derived sets

# Denial as surface forms, read off a cue's words: every form of "deny" and the noun
# "denial"; the present and past of the others, and only the inflected forms of
# "contradict" and "contest" (the claim-level denial test was written and measured so).
DENIAL_FORMS = (
    inflect("deny") | {"denial"}
    | inflect("reject", "refute", "dismiss", "dispute", tenses=("base", "third", "past"))
    | inflect("contradict", "contest", tenses=("third", "past"))
)

# A cue that puts a statement on record, for an outlet's attribution habit and the
# report's list of who said what: the verbs of saying and denial, without the ones that
# report no statement of the source's own ("learned", "wondered", "cited", "projected",
# "credited") or that the habit was measured without, plus verbs of stance an outlet uses
# as verbs of saying ("called for", "condemned", "defended"). "spoke"/"spoken" count,
# "speak"/"speaking" not ("speaking at a rally"); "according to" is a cue of its own.
NOT_ON_RECORD = frozenset("""
articulate assure brag cite contend counter credit forecast hint joke lament learn project reassure recite
reiterate remark shout tout wonder yell
""".split())
ON_RECORD = frozenset("""
appeal brief call comment condemn contest defend highlight instruct order plead recount underline
""".split())
SPEECH_CUE_LEMMAS = (SPEECH - NOT_ON_RECORD) | ON_RECORD | DENIAL
SPEECH_FORMS = inflect(*sorted(SPEECH_CUE_LEMMAS)) | DENIAL_FORMS | inflect("speak", tenses=("past", "participle")) \
    | {"according"}

# Cue words of a claim as surface forms: stop words for lexical similarity (two claims
# do not state the same thing because both were "said") and the cue of a claim the
# annotator found no attribution for. The past of the common verbs of saying, the present
# of the commonest, and the denial forms.
CLAIM_CUE_LEMMAS = (
    "say tell announce add state report confirm claim warn stress insist note indicate argue explain write "
    "tweet quote declare acknowledge admit emphasize emphasise vow pledge promise reveal allege"
).split()
CLAIM_CUE_WORDS = (
    inflect(*CLAIM_CUE_LEMMAS, tenses=("past",))
    | inflect("say", "tell", "announce", "state", "report", "confirm", "claim", "warn", tenses=("third",))
    | {"say", "saying", "adding", "according"}
    | DENIAL_FORMS
)

# A reporting verb before a time expression: the time is when it was said, and the
# future tense before the verb is not the expression's ("said Friday that he would").
REPORTED_BEFORE_TIME = inflect("say", "tell", "announce", "report", "add", "state", "predict",
                               tenses=("past",)) | {"says"}
# Verbs around a time that dates the report itself ("police said on Tuesday", "on Tuesday,
# the ministry confirmed"): that day is when it was told, not when it happened.
REPORTED_AROUND_TIME = REPORTED_BEFORE_TIME | inflect("confirm", "deny", "tell", "write", tenses=("past",))

_LETTERS = re.compile(r"[a-z]+")


def cue_words(cue: str | None) -> list[str]:
    """A cue's words, lowercase letters only ("didn't deny" -> didn, t, deny)."""
    return _LETTERS.findall((cue or "").lower())


@lru_cache(maxsize=4096)
def cue_kind(cue: str | None, denies: bool = False) -> CueKind:
    """What a cue reports: a denial ("denied", "rejected", or a cue the parse read as one:
    ``denies``), a statement ("said", "told", "according to"), or something else ("showed",
    "expects", "opposes"). Remembered: every attribution read back from a stored report asks
    again, and cues repeat ("said")."""
    words = cue_words(cue)
    if denies or any(w in DENIAL_FORMS for w in words):
        return "denial"
    if any(w in SPEECH_FORMS for w in words):
        return "speech"
    return "other"


def is_speech_cue(cue: str | None) -> bool:
    """The cue reports what someone said or denied, not what data showed or what someone
    wants, expects or opposes."""
    return cue_kind(cue) != "other"


# Denying a statement, as opposed to turning down a request or an offer: "rejected the
# appeal" and "dismissed the case" deny no one's claim. Rejecting or dismissing counts
# only when what is rejected is a statement ("rejected claims that ...", "dismissed the
# report as ...").
STATEMENT_DENIAL = frozenset({"deny", "refute", "dispute", "contest", "disavow", "rebut", "contradict"})
STATEMENT_NOUNS = re.compile(
    r"\b(?:that|claims?|reports?|allegations?|accusations?|charges?|suggestions?|assertions?|"
    r"accounts?|rumou?rs?|stor(?:y|ies)|figures?|toll)\b",
    re.I,
)


# "Deny" in the sense of withholding something from someone: "will be denied entry into the EU",
# "denied him bail", "denying them to more established outlets". What follows the cue is the
# thing withheld, or whom it is withheld from; no statement is disputed.
WITHHELD = re.compile(
    r"^(?:(?:him|her|them|us|me|you)\s+(?:to\b|the\b|an?\b|access|entry|bail|permission|\w+ing\b)|"
    r"(?:the\s+|an?\s+|any\s+|further\s+)?(?:entry|access|bail|visas?|permission|permits?|asylum|parole|"
    r"admission|licen[cs]es?|medical\s+(?:care|treatment)|treatment|food|water|funds?|funding|benefits?|"
    r"rights?|(?:a|the)\s+(?:right|chance|hearing|place|seat|request|opportunity)|opportunit(?:y|ies)|"
    r"service|passage|landing|boarding|membership|custody|credit|insurance|coverage|exemptions?)\b)",
    re.I,
)


# What a denial of knowing denies: "denies (that) he knew Cohen had paid her" negates his
# knowing, not the payment; only a claim about knowing ("Trump knew about the deal") is its target.
KNOWING = re.compile(
    r"^(?:that\s+)?(?:he|she|they|it|we|i|the\s+\w+|[A-Z]\w+)\s+(?:had\s+)?(?:ever\s+)?"
    r"(?:knew|known|was\s+aware|were\s+aware|been\s+aware|was\s+told|were\s+told)\b",
)
KNOWLEDGE_WORDS = re.compile(r"\b(?:knew|know|knows|known|knowledge|aware|unaware|told)\b", re.I)


def denies_a_statement(cue: str, content: str) -> bool:
    """Whether a denial cue with this content disputes a statement (see STATEMENT_DENIAL)."""
    if WITHHELD.match(content.strip()):
        return False
    word = cue.lower().split()[-1] if cue.strip() else ""
    if any(word.startswith(lemma[:5]) for lemma in STATEMENT_DENIAL) or word.startswith("deni"):
        return True
    return bool(STATEMENT_NOUNS.search(content[:60]))

# An interjected speaker: "The contrast, said Doyle and others, would be clear" ("says" likewise).
INTERJECTED_SAY = inflect("say", tenses=("third", "past"))
# Capitalised words after such a cue that begin no speaker's name ("…, said Tuesday, …").
NOT_A_NAME_START = frozenset({"The", "A", "An", "On", "In", "At", "Last", "This", "That", "Monday", "Tuesday",
                              "Wednesday", "Thursday", "Friday", "Saturday", "Sunday", "Today", "Yesterday"})
