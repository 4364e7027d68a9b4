"""What a count counts, in classes a reader treats as one slot.

"12 people killed", "nine deaths" and "a toll of nine" all give the number of dead; "2,300
people evacuated" and "3,000 forced from their homes" the number displaced. Two outlets
giving incompatible numbers for one class disagree (compare's conflict check); "12 dead"
and "14 injured" do not. Stems are ``lexicon.words.stem`` forms.
"""

from __future__ import annotations

from storylens.lexicon.words import claim_stems

COUNT_CLASSES: dict[str, frozenset[str]] = {
    "dead": frozenset({"kill", "died", "die", "dead", "death", "fatality", "fatal", "liv", "life"}),
    "injured": frozenset({"injur", "injury", "wound", "hurt"}),
    "missing": frozenset({"miss"}),
    "displaced": frozenset({"displac", "evacuat", "evacue", "homeless", "fled", "flee"}),
    "arrested": frozenset({"arrest", "detain", "detaine"}),
}
# "forced 3,000 from their homes", "fled their homes"
DISPLACING_VERBS = frozenset({"forc", "fled", "flee", "driv", "drove"})
HOME_WORDS = frozenset({"hom", "home", "house"})
# The counted phrase of a person's age ("Jennifer Alcorn, 29," -> "age of Jennifer Alcorn"); its
# slot is the surname's, so "Alcorn, 28," meets it.
AGE_PREFIX = "age of "
# Words that say the number is a state of the people counted ("nine people confirmed dead").
STATE_WORDS = frozenset({"dead", "injured", "wounded", "missing", "hurt", "killed", "homeless", "displaced"})
# Verbs whose object is what is counted ("killing 12 people", "forcing 3,000 from their homes").
COUNTING_VERBS = frozenset({
    "kill", "wound", "injure", "arrest", "capture", "displace", "evacuate", "seize", "detain", "rescue",
    "destroy", "launch", "free", "release", "deploy", "withdraw", "force", "leave", "hurt",
})
# Verbs whose subject is what is counted ("125 people died", "a total of 125 people had died").
SUBJECT_COUNTING_VERBS = frozenset({"die", "perish", "drown", "flee", "disappear", "vanish"})
# Words that head a count phrase ("a total of 125 people", "a toll of nine", "hundreds of residents").
TOTAL_WORDS = frozenset({
    "total", "toll", "tally", "count", "number", "dozens", "scores", "hundreds", "thousands", "millions",
})


def count_class(counted: str | None) -> str | None:
    """The slot a counted phrase fills ("people killed" -> "dead"), None when unclear or mixed."""
    if not counted:
        return None
    if counted.lower().startswith(AGE_PREFIX):
        name = counted[len(AGE_PREFIX):].split()
        return "age:" + name[-1].lower() if name else None
    stems = set(claim_stems(counted))
    found = {name for name, members in COUNT_CLASSES.items() if stems & members}
    if stems & DISPLACING_VERBS and stems & HOME_WORDS:
        found.add("displaced")
    return found.pop() if len(found) == 1 else None

# Words of a counted phrase that say how the count is known, not what it counts
# ("people injured and reported", "deaths recorded").
HOW_KNOWN_STEMS = frozenset({"report", "confirm", "believ", "estimat", "record", "list", "count", "feared"})
