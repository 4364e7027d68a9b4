"""Line-level boilerplate removal with a reason for every removed line.

Extractors leave page furniture in the main text: comment forms, share and
newsletter prompts, "Read more" links, photo credits, copyright and cookie
lines, menus. Each paragraph (one line after normalisation) is judged by

1. line rules: a pattern for a kind of furniture, only on lines short enough
   to be furniture (a long line mentioning "subscribe" is a sentence);
2. line features: a short, quote-free line that starts with a UI verb and
   names a UI object ("Tell us what you think", "Watch the video");
3. block rules that use position: the comment section after a "Comments"
   header in the second half, link lists after a "Related" header, runs of
   menu-like items before the first or after the last prose paragraph, and
   short debris wedged between removed lines;
4. optionally, repetition across the same outlet's articles.

Precision matters more than recall: a line that reads like prose (long,
ending with a full stop, with quotes) is only removed by a specific pattern.
Rules run to a fixpoint so cleaning is idempotent.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from storylens.lexicon.agencies import ANY_AGENCY, PHOTO_AGENCIES
from storylens.lexicon.quotes import DOUBLE_MARKS, GUILLEMETS
from storylens.lexicon.words import WORD, word_count
from storylens.records import Removed

_I = re.IGNORECASE
_EDGE_CHARS = "-–—*•·|[](){}<> \t"
_QUOTES = DOUBLE_MARKS + GUILLEMETS
_MONTHS = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_DATE = (
    r"\d{1,2}(?:st|nd|rd|th)?\s+"
    + _MONTHS
    + r",?\s+\d{4}|"
    + _MONTHS
    + r"\s+\d{1,2}(?:st|nd|rd|th)?,?\s+\d{4}|\d{1,4}[./-]\d{1,2}[./-]\d{1,4}"
)
_TIME = r"\d{1,2}[:.]\d{2}(?:\s*[ap]\.?m\.?)?(?:\s*[a-z]{2,4})?"
# An agency credit: the agencies (lexicon), and "wire" alone ("Staff and wire").
_AGENCY = r"(?:" + ANY_AGENCY + r"|wire)"


@dataclass(frozen=True)
class Rule:
    """One kind of furniture: a pattern on the line's core, and a length cap."""

    label: str
    pattern: re.Pattern[str]
    max_words: int
    search: bool = False  # match anywhere instead of at the start of the core
    prose_ok: bool = False  # may remove a line that reads like a sentence

    def find(self, core: str, words: int, prose: bool) -> str | None:
        """The matched text when the rule applies to this line."""
        if words > self.max_words or (prose and not self.prose_ok):
            return None
        found = self.pattern.search(core) if self.search else self.pattern.match(core)
        return found.group(0) if found is not None else None


def _rules(
    label: str, max_words: int, *patterns: str, search: bool = False, prose_ok: bool = False
) -> list[Rule]:
    """One rule per call: the patterns become one alternation (one regex call per line)."""
    combined = "|".join(f"(?:{pattern})" for pattern in patterns)
    return [Rule(label, re.compile(combined, _I), max_words, search, prose_ok)]


RULES: list[Rule] = [
    *_rules(
        "comment-form",
        14,
        r"(?:please\s+)?(?:enter|leave|post|add|write|submit|type)\s+(?:your|a|an)\s+"
        r"(?:comment|reply|name|e-?mail|message|response|website)",
        r"you\s+have\s+entered\s+an\s+incorrect\s+e-?mail",
        r"(?:no|\d[\d,.]*k?)\s+(?:comments?|replies|responses)\s*:?\s*$",
        r"(?:all\s+|top\s+rated\s+|recent\s+|latest\s+|reader\s+|user\s+|show\s+)?"
        r"comments?\s*(?:\(\d+\)?)?\s*:?\s*$",
        r"(?:view|show|hide|load|read|see|add|open|close|jump\s+to)\s+"
        r"(?:all\s+|new\s+|more\s+|the\s+)?(?:comments?|replies)\b",
        r"loading\s+comments",
        r"(?:want\s+to\s+)?join\s+(?:the\s+)?(?:discussion|conversation)",
        r"feel\s+free\s+to\s+(?:contribute|comment)",
        r"(?:you\s+must|please)\s+(?:be\s+)?(?:log(?:ged)?\s*in|sign(?:ed)?\s*in|register(?:ed)?)"
        r"\b.*\bto\s+(?:comment|post|reply)",
        r"your\s+e-?mail\s+address\s+will\s+not\s+be\s+published",
        r"required\s+fields\s+are\s+marked",
        r"save\s+my\s+name,?\s+e-?mail",
        r"notify\s+me\s+of\s+(?:new|follow-?up)",
        r"in\s+reply\s+to\b",
        r"comments?\s+(?:are|is)\s+(?:closed|moderated)",
        r"be\s+the\s+first\s+to\s+comment",
        r"(?:tell\s+us|let\s+us\s+know)\s+what\s+you\s+think",
        r"have\s+your\s+say\b",
        r"what\s+do\s+you\s+think\?\s*$",
        r"(?:comentários|comentarios|kommentare|commentaires|commenti|комментарии|"
        r"tinggalkan\s+balasan|留言列表|댓글|コメント)\b.{0,12}$",
    ),
    *_rules(
        "comment-form",
        40,
        r"comment\s+count\s+on\s+this",
        r".*\blet\s+us\s+know\s+in\s+(?:the\s+)?comments",
        r"(?:the\s+)?(?:opinions|views)\s+expressed\s+in\s+(?:the\s+)?(?:reader\s+)?comments",
        prose_ok=True,
    ),
    *_rules(
        "share-prompt",
        15,
        r"(?:read\s+or\s+)?share\s+(?:this|on|via|the|it|with|article|story|post|page)\b",
        r"share\s*:?\s*$",
        r"(?:like|love)\s+(?:this|it)\b.{0,30}\bshare\b",
        r"click\s+to\s+(?:share|email|print|tweet)",
        r"(?:tweet|pin|e-?mail|print|save)\s+(?:this|it)\s*(?:article|story|page)?\s*[!.]?$",
        r"(?:(?:facebook|twitter|whatsapp|linkedin|e-?mail|print|reddit|pinterest|telegram|"
        r"messenger|copy\s+link|flipboard|tumblr|x)[\s,|/·•]*){2,}$",
    ),
    *_rules(
        "share-prompt",
        25,
        # "Stay up to date, follow X on Twitter": a short lead-in before the comma is allowed
        r"(?:[\w '’]{1,30},\s*)?follow\s+(?:us|me|him|her|them|@?[\w.'’]+(?:\s+[\w.'’@()]+){0,6})"
        r"\s+on\s+(?:twitter|facebook|instagram|x|linkedin|youtube|tiktok|threads|telegram|bluesky)",
        prose_ok=True,
    ),
    *_rules(
        "share-prompt",
        30,
        # the outlet addressing its readers about its own accounts, anywhere in the line
        r"\b(?:follow|like|find|join|friend)\s+us\s+(?:on|at)\s+(?:twitter|facebook|instagram|"
        r"linkedin|youtube|tiktok|threads|telegram|bluesky)\b",
        r"\bbecome\s+a\s+fan\s+of\b.*\bon\s+facebook\b",
        search=True,
        prose_ok=True,
    ),
    *_rules(
        "newsletter",
        30,
        r"(?:sign\s*up|subscribe|register|join)\b.*\b(?:newsletters?|inbox|alerts|mailing\s+list|"
        r"digest|briefing)\b",
        r"get\s+(?:the|our)\b.*\b(?:in|to|into)\s+your\s+inbox",
        r"(?:thanks|thank\s+you)\s+for\s+(?:signing\s+up|subscribing)",
        r"there\s+was\s+an\s+error\s+processing\s+your\s+subscription",
        r"keep\s+an\s+eye\s+on\s+your\s+inbox",
        r"(?:click|tap)\s+here\s+to\s+subscribe",
        r"already\s+a\s+subscriber",
        r".*\bby\s+signing\s+up\b",
        r"breaking\s+news\s+(?:e-?mails?|alerts)\b",
        r".*\b(?:you\s+(?:can|may)\s+)?unsubscribe\s+at\s+any\s+time",
        r".*\bdelivered\s+(?:straight\s+)?(?:to\s+your\s+inbox|(?:every|each)\s+(?:weekday|day|"
        r"morning|evening|week)|weekday\s+mornings|daily)\b",
        prose_ok=True,
    ),
    *_rules(
        "newsletter",
        6,
        r".*\bnewsletters?\s*[!.]?$",
        r"subscribe(?:\s+(?:now|today|here))?\s*[!.]?$",
    ),
    *_rules(
        "newsletter",
        25,
        # a pitch ending in its button: "... never miss our top stories Free Sign Up"
        r".*\b(?:free\s+)?sign\s*up(?:\s+(?:now|today|here))?\s*[!.]?$",
    ),
    *_rules(
        "read-more",
        25,
        r"(?:read|see)\s+(?:more|also|next)\b",
        r"also\s+(?:read|see)\b",
        r"also\s+on\s+\S+\.\w+",
        r"related\s*(?:stories|articles|coverage|content|posts?|videos?|topics|news|links|"
        r"reading)?\s*:",
        r"(?:more\s+on\s+this(?:\s+story)?|must\s+read|recommended(?:\s+for\s+you)?)\s*:",
        r"(?:click|tap)\s+here\s+(?:to|for)\s+(?:read|see|more|the\s+full|watch)",
        r".*\bread\s+more\s*[:.…]*$",
        r"explore\s+further\s*:",
        r"original\s+(?:article|story|post)\s+(?:on|at|from)\s+\S",
        # an upper-case label before a link title: "MORE 5 Photos That ...", "PHOTOS: Red Carpet"
        r"(?-i:MORE|RELATED|READ\s+MORE|SEE\s+ALSO|WATCH|PHOTOS|VIDEO)\s*:?\s+\S",
    ),
    *_rules(
        "read-more",
        60,
        r"more\s+information\s*:\s*\S",
        r"editor'?s\s+picks?\b",
        prose_ok=True,
    ),
    *_rules(
        "read-more",
        6,
        r"(?:read\s+more|related(?:\s+(?:stories|articles|coverage|content|posts?|videos?|"
        r"topics|news|links|reading))?|more|more\s+on\s+this(?:\s+story)?|recommended"
        r"(?:\s+(?:for\s+you|stories|articles|reading|videos))?|you\s+(?:may|might)\s+also\s+"
        r"(?:like|enjoy)|don'?t\s+miss|must\s+read|most\s+(?:read|popular|viewed|shared)|"
        r"trending(?:\s+now)?|top\s+stories|latest\s+(?:news|stories|videos)|editor'?s\s+picks|"
        r"further\s+reading|in\s+other\s+news|more\s+stories|more\s+from\s+[\w .]+|"
        r"popular\s+(?:on|in)\s+[\w .]+|other\s+[\w ]+\s+columns|featured(?:\s+[\w]+){0,2}|"
        r"recent\s+(?:posts|stories|[\w ]+shows)|links?\s+to\s+this\s+post|create\s+a\s+link|"
        r"\d+\s+related)"
        r"\s*[:.…]*\s*$",
    ),
    *_rules(
        "photo-credit",
        25,
        r"(?:photo(?:graph)?s?|images?|pictures?|pic|illustration|foto|bild|"
        r"(?:photo|image)\s+credit|file\s+photo|credit)\s*(?:credit)?\s*[:/|©]",
        r"(?:featured\s+)?(?:photo(?:graph)?|image|picture)s?\s+(?:illustration\s+)?"
        r"(?:by|courtesy(?:\s+of)?)\s+\S",

        r"(?:getty\s+images|shutterstock|alamy|istock(?:photo)?|ap\s+photo|afp\s+photo|"
        r"reuters\s*/|epa\s*/)",
    ),
    *_rules(
        "photo-credit",
        35,
        r"\((?:[^()]*\b(?:photo|photograph|image|picture|credit|getty|shutterstock|alamy|istock)"
        r"\b[^()]*|(?:" + "|".join(PHOTO_AGENCIES) + r")\s*/[^()]*)\)\s*$",
        search=True,
        prose_ok=True,
    ),
    *_rules(
        "photo-credit",
        8,
        r"[\w .'’-]+\s*/\s*(?:getty\s+images|afp|reuters|ap|epa|shutterstock|anadolu)"
        r"(?:\s+via\s+getty\s+images)?\s*$",
        r"[\w .'’-]+\s+via\s+(?:getty\s+images|ap|afp|reuters)\s*\.?$",
        # "Jane Doe/The Daily Paper", "(credit) Jane Doe / Agency": a name, a slash, an outlet
        r"(?:credit\s*:?\s*)?(?-i:[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*){1,3})\s*/\s*"
        r"(?:the\s+)?(?-i:[A-Z][\w.'’&-]*(?:\s+[\w.'’&-]+){0,4})(?:,\s*(?:via\s+)?[\w ]+){0,2}\s*\.?$",
    ),
    *_rules(
        "copyright", 40, r"(?:copyright\b|©|\(c\)\s*\d{4}|all\s+rights\s+reserved)", prose_ok=True
    ),
    *_rules(
        "copyright",
        30,
        r"(?<![ÃÂ])©|\ball\s+rights\s+reserved\b|licensed\s+under\s+a\s+creative\s+commons|"
        r"무단\s*전재|無断転載|禁止转载|未经授权|"
        r"this\s+material\s+may\s+not\s+be\s+(?:published|broadcast|rewritten|redistributed)|"
        r"comments\s+and\s+public\s+postings\s+are\s+copyrighted",
        search=True,
        prose_ok=True,
    ),
    *_rules("copyright", 15, r".*\bis\s+a\s+registered\s+trademark\s+of\b"),
    *_rules(
        "cookie-notice",
        60,
        # the site speaks about its own cookies to the reader ("we use", "you accept")
        r"^(?=.*\bcookies?\b)(?=.*\b(?:we|our|you|your|this\s+(?:site|website))\b)"
        r"(?=.*\b(?:use|uses|accept|consent|agree|settings|preferences|browsing|experience|"
        r"continu\w*)\b)",
        r"by\s+(?:continuing|using)\s+(?:to\s+(?:use|browse)\s+)?(?:this|our)\s+(?:site|website)",
        search=True,
        prose_ok=True,
    ),
    *_rules(
        "navigation",
        8,
        r"(?:privacy\s+policy|terms\s+(?:of\s+(?:use|service)|and\s+conditions)|contact\s+us|"
        r"about\s+us|skip\s+to\s+(?:main\s+)?(?:content|navigation)|back\s+to\s+top|"
        r"toggle\s+navigation|jump\s+to\s+navigation|permalink|link\s+permanente|"
        r"lien\s+permanent)\b",
    ),
    *_rules(
        "tags",
        40,
        r"(?:tags?|topics?|filed\s+under|categories|category|posted\s+in|keywords|labels?|"
        r"more\s+about|(?:this\s+(?:article|story|post)\s+(?:is\s+)?)?tagged(?:\s+(?:under|with|as|in))?)"
        r"\s*:",
    ),
    *_rules(
        "timestamp",
        14,
        r"(?:(?:first\s+|last\s+)?(?:published|updated|posted|modified|date)\s*(?:on|at|:)?\s*)?"
        r"(?:[a-z]+,?\s+)?(?:" + _DATE + r")(?:,?\s*(?:at\s+)?" + _TIME + r")?\s*$",
        r"(?:(?:first\s+|last\s+)?(?:published|updated|posted|modified)\s*(?:on|at|:)?\s*)"
        r"(?:" + _TIME + r")(?:\s*(?:on\s+)?(?:[a-z]+,?\s+)?(?:" + _DATE + r"))?\s*$",
        r"(?:about\s+|over\s+)?(?:an?|\d+)\s+(?:seconds?|minutes?|mins?|hours?|hrs?|days?|weeks?|"
        r"months?|years?)\s+ago\s*$",
        # a short label in any language, then a numeric date: "기사입력 : 2018-08-25 15:24"
        r"[^\d\s:]+(?:\s+[^\d\s:]+){0,2}\s*:\s*[\[(]?\s*\d{1,4}[./-]\d{1,2}[./-]\d{1,4}"
        r"(?:,?\s*" + _TIME + r")?\s*[\])]?\s*$",
    ),
    *_rules(
        "reading-time",
        8,
        r"(?:\d+\s*(?:min(?:ute)?s?)\s+(?:read|reading)|reading\s+time|tempo\s+de\s+leitura|"
        r"lesezeit|temps\s+de\s+lecture|tiempo\s+de\s+lectura)\b",
    ),
    *_rules(
        "credit-line",
        40,
        r"(?:additional\s+)?reporting\s+by\b",
        r"(?:writing|editing|edited|compiled|produced)\s+by\b.*[;,]",
        prose_ok=True,
    ),
    *_rules(
        "credit-line",
        20,
        r"[\w .,'’&-]{3,80}\s+contributed\s+(?:reporting|to\s+this\s+(?:report|story|article))",
        prose_ok=True,
    ),
    *_rules(
        "credit-line",
        45,
        r"[\w .,'’&-]{3,300}\s+contributed\s+(?:reporting|to\s+this\s+(?:report|story|article))",
        # "With Jane Doe, John Roe and Ann Poe": the co-reporters of a story (three or more,
        # so a two-part headline "With X Centre Stage, Y Is Next" stays)
        r"with\s+(?-i:[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*){1,3})(?:\s*(?:,|and|&|,\s*and)\s*"
        r"(?-i:[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*){1,3})){2,}\s*\.?$",
        prose_ok=True,
    ),
    *_rules(
        "credit-line",
        10,
        # a wire sign-off: "Doe reported from Washington."
        r"(?-i:[A-Z][\w.'’-]*(?:\s+(?:and\s+)?[A-Z][\w.'’-]*){0,3})\s+reported\s+from\s+"
        r"(?-i:[A-Z][\w.'’-]*)(?:[\s,]+(?-i:[A-Z][\w.'’-]*)){0,3}\s*\.?$",
        prose_ok=True,
    ),
    *_rules(
        "credit-line",
        8,
        r"(?:source|sources|credit|credits)\s*:\s*[\w .&,'’-]{2,60}$",
        r"(?:with|from)\s+" + _AGENCY + r"(?:\s*(?:,|and|&)\s*" + _AGENCY + r")*\s*\.?$",
        _AGENCY + r"(?:\s*(?:,|and|&|/)\s*" + _AGENCY + r")*\s*\.?$",
    ),
    *_rules(
        "byline",
        8,
        r"(?:/\s*)?(?:(?:last\s+)?updated\s+)?(?:by|written\s+by|posted\s+by|reported\s+by|"
        r"words\s+by|author\s*:)\s+"
        r"(?-i:[A-Z][\w.'’-]*)(?:\s+(?-i:[A-Z][\w.'’-]*)){0,3}"
        r"(?:\s*(?:,|and|&)\s*(?-i:[A-Z][\w.'’-]*)(?:\s+(?-i:[A-Z][\w.'’-]*)){0,3})?\s*$",
    ),
    *_rules(
        "markup",
        40,
        r"\[/?(?:button|embed|gallery|vc_\w+|et_pb_\w+)\b",
        search=True,
        prose_ok=True,
    ),
    *_rules(
        "advertisement",
        6,
        r"(?:advertisement|advertising|sponsored(?:\s+content)?|ad|ads|paid\s+content|"
        r"partner\s+content|(?:story|article)\s+continue[sd]\s+below(?:\s+advertisement)?|"
        r"scroll\s+to\s+continue"
        r"(?:\s+with\s+content)?|continue\s+reading(?:\s+the\s+main\s+story|\s+below)?)\s*:?$",
    ),
    *_rules(
        "media-player",
        30,
        r"this\s+is\s+a\s+modal\s+window",
        r"(?:unfortunately,?\s+)?this\s+video\s+is\s+not\s+available",
        r"next\s+video\s+starts",
        r"your\s+browser\s+does\s+not\s+support",
        r"(?:please\s+)?(?:enable|turn\s+on)\s+javascript",
        r"\b(?:media|video|this\s+(?:content|page))\s+requires\s+javascript",
        r"warning\s*:.*\b(?:video|footage|images?|content)\b.*\b(?:graphic|disturbing|offensive)",
        r"this\s+(?:feature|content)\s+is\s+(?:temporarily\s+)?unavailable",
        r"now\s+(?:watching|playing)\s*$",
        r"(?:please\s+)?wait\s*\.{0,3}$",
        r"(?:video|audio)\s+player\b",
        prose_ok=True,
    ),
    *_rules(
        "media-player",
        90,
        # a player's controls flattened into text: "Skip in Skip x Embed x Share ...",
        # "Embed ... autoplay autoplay Copy this code"
        r"\bembed\b.{0,80}\b(?:autoplay|copy\s+this\s+code)\b",
        r"skip\s+in\s+skip\b",
        search=True,
        prose_ok=True,
    ),
    *_rules(
        "photo-credit",
        60,
        r"(?:image|photo)\s+(?:caption|copyright)\b",
        prose_ok=True,
    ),
    *_rules(
        "affiliate-disclosure",
        50,
        r"\baffiliate\s+(?:links?|commissions?|partners?|programs?)\b|"
        r"\b(?:earn|receive|get|make)\s+(?:a\s+)?(?:small\s+)?(?:commission|share\s+of\s+the\s+sale)",
        search=True,
        prose_ok=True,
    ),
    *_rules(
        "author-contact",
        40,
        r"[\w.+-]+@[\w-]+\.[\w.]+|\b(?:may|can)\s+be\s+reached\s+at\b|\bhave\s+a\s+(?:news\s+)?tip\?|"
        r"\b(?:call|reach|contact|text)\b.{0,60}\bat\s+\(?\d{3}\)?[\s.-]\d{3}[\s.-]\d{4}\b",
        search=True,
        prose_ok=True,
    ),
    *_rules(
        "disclaimer",
        40,
        r"\bthe\s+(?:views|opinions)\s+expressed\b.*\b(?:their|his|her|the\s+author'?s?)\s+own\b",
        search=True,
        prose_ok=True,
    ),
    *_rules(
        "update-note",
        20,
        r"stay\s+(?:with|tuned\s+to)\s+[\w .'’-]{1,40}\s+for\s+(?:the\s+latest|updates|more)\b",
        r"(?:updates|more\s+details|more\s+information)\s+will\s+be\s+(?:provided|posted|added)\s+"
        r"(?:as|when)\b",
        r"(?:check\s+back|stay\s+tuned)\s+(?:later\s+)?for\s+(?:updates|more)\b",
        r"this\s+(?:is\s+a\s+)?(?:story|article|report)\s+(?:is\s+)?(?:developing|will\s+be\s+updated)",
        r"this\s+is\s+a\s+(?:breaking|developing)\s+(?:news\s+)?story",
        prose_ok=True,
    ),
    *_rules(
        "ui-prompt",
        25,
        r"\b(?:click|tap)(?:ing)?\s+here\b",
        r"\b(?:download|get)\s+(?:the|our)\s+(?:free\s+)?[\w ]{0,30}\bapp\b",
        r"\bsend\s+us\s+your\s+(?:photos|pictures|images|videos?|tips|stories)\b",
        r"\bvisit\s+\S+\.(?:com|org|net|gov|edu)\S*\s+(?:for|to\s+(?:learn|find|read|see))\s+"
        r"(?:more|further)\b",
        search=True,
        prose_ok=True,
    ),
]

UI_VERBS = frozenset(
    "click tap subscribe sign log login register download share follow join watch listen see "
    "view read check like tweet email e-mail print comment reply save bookmark send tell visit "
    "install support donate enable allow accept contact browse explore discover".split()
)
UI_OBJECTS = frozenset(
    "newsletter newsletters inbox app apps comment comments account email e-mail subscription "
    "podcast podcasts video videos link links below us page site website donation article "
    "articles facebook twitter instagram youtube whatsapp telegram tiktok linkedin feed rss "
    "notifications alerts edition gallery slideshow photos newsroom".split()
)
# Whole lines made only of interface words ("Log In", "- Close", "Please wait").
UI_WORDS = frozenset(
    "home menu search close previous next prev back top skip log in login logout sign up "
    "register subscribe share print email more fullscreen thumbnails toggle navigation open "
    "loading advertisement sponsored videos play pause mute unmute replay chapters captions "
    "settings cancel submit send reply edit delete report view show hide sections "
    "section tweet pin selected off default subtitles descriptions follow".split()
)
_FILLER = frozenset("of to the a an all in up on and & for".split())

# A standalone header after which the rest of the text is reader comments.
COMMENT_HEADER = re.compile(
    r"(?:(?:all\s+|top\s+rated\s+|recent\s+|latest\s+|reader\s+|user\s+)?comments?|"
    r"(?:no|\d[\d,.]*k?)\s+(?:comments?|responses|replies)|leave\s+a\s+(?:reply|comment)|"
    r"post\s+a\s+comment|join\s+(?:the\s+)?discussion|comentários|comentarios|kommentare|"
    r"commentaires|commenti|комментарии|tinggalkan\s+balasan|留言列表|댓글)\s*(?:\(\d+\)?)?\s*:?\s*$",
    _I,
)
# A standalone header introducing a list of links to other articles.
RELATED_HEADER = re.compile(
    r"(?:related(?:\s+[\w]+)?|more|read\s+more|see\s+also|also\s+read|more\s+on\s+this(?:\s+story)?|"
    r"you\s+(?:may|might)\s+also\s+(?:like|enjoy)|don'?t\s+miss|must\s+read|most\s+(?:read|"
    r"popular|viewed|shared)|trending(?:\s+now)?|top\s+stories|latest\s+(?:news|stories|videos)|"
    r"editor'?s\s+picks|further\s+reading|more\s+stories|more\s+from\s+[\w .]+|popular\s+(?:on|in)"
    r"\s+[\w .]+|featured(?:\s+[\w]+){0,2}|recent\s+(?:posts|stories|[\w ]+shows)|"
    r"recommended(?:\s+[\w ]+)?)\s*[:.…]*\s*$",
    _I,
)
_LIST_MARK = re.compile(r"^(?:[-*•·–—]\s|\d{1,3}[.)]\s|\d{1,3}/\d{1,3}\s)")
_SEPARATORS = re.compile(r"\s*[|•·»›]\s*|\s+>\s+")
_SENTENCE_END = re.compile(r"[.!?…][\"”’)]?$")


def line_core(line: str) -> str:
    """The line without list markers, brackets and separators around it.

    A closing bracket that belongs to a bracket inside the line stays.
    """
    core = line.strip(_EDGE_CHARS)
    if line.rstrip().endswith(")") and core.count("(") > core.count(")"):
        core += ")"
    return core


def is_prose(line: str) -> bool:
    """Reads like a sentence of running text: long enough and ends like one."""
    return word_count(line) >= 12 and bool(_SENTENCE_END.search(line))


@lru_cache(maxsize=65536)
def classify_line(line: str) -> str | None:
    """The reason a single line is furniture, or None when it may be content.

    Pure, so cached: the fixpoint passes and repeated page furniture across a
    batch ask about the same lines again and again."""
    core = line_core(line)
    words = word_count(core)
    if not core or words == 0:
        # rules of underscores are tokens to some readers; keep them
        if "_" in line or any(ch.isalnum() for ch in line):
            return None
        return "empty: no letters or digits"
    prose = is_prose(core)
    for rule in RULES:
        matched = rule.find(core, words, prose)
        if matched is not None:
            return f"{rule.label}: '{(matched.strip() or core)[:40]}'"
    return None if prose else _by_features(line, core, words)


def _tokens(core: str) -> list[str]:
    return [w.lower() for w in WORD.findall(core)]


def _by_features(line: str, core: str, words: int) -> str | None:
    """Furniture recognised by shape rather than by a known phrase."""
    tokens = _tokens(core)
    quoted = any(q in line for q in _QUOTES)
    if (
        not quoted
        and words <= 12
        and tokens[0] in UI_VERBS
        and any(t in UI_OBJECTS for t in tokens[1:])
    ):
        return "ui-prompt: short imperative line naming an interface object"
    if words <= 8 and core.isupper() and any(t in UI_VERBS for t in tokens):
        return "ui-prompt: all-caps interface line"
    if (
        words <= 4
        and not core.endswith(".")
        and all(t in UI_WORDS or t in _FILLER for t in tokens)
        and (any(t in UI_WORDS for t in tokens))
    ):
        return "ui-element: only interface words"
    if not line.startswith("|") and _menu_line(core):
        return f"navigation: {len(_SEPARATORS.split(core))} short items between separators"
    return None


def _menu_line(core: str) -> bool:
    """ "Home | World | Sport": three or more short wordy items between separators."""
    items = [part for part in _SEPARATORS.split(core) if part.strip()]
    separators = sum(core.count(ch) for ch in "|•»›") + core.count(" > ")
    return (
        len(items) >= 3
        and separators >= 2
        and all(
            0 < word_count(item) <= 4
            and not _SENTENCE_END.search(item)
            and not any(ch.isdigit() for ch in item)
            for item in items
        )
    )


# --------------------------------------------------------------------------- block rules


BlockRule = Callable[[list[str], dict[int, str]], dict[int, str]]


def _comment_section(lines: list[str], removed: dict[int, str]) -> dict[int, str]:
    """Everything after a comments header in the second half of the text."""
    total = sum(len(line) for line in lines) or 1
    seen = 0
    for i, line in enumerate(lines):
        core = line_core(line)
        if (
            i >= 3
            and (i >= len(lines) / 2 or seen >= total / 2)
            and COMMENT_HEADER.match(core)
            and i + 1 < len(lines)
        ):
            header = core[:40]
            return {j: f"comment-section: after '{header}'" for j in range(i + 1, len(lines))}
        seen += len(line)
    return {}


def _related_lists(lines: list[str], removed: dict[int, str]) -> dict[int, str]:
    """Link titles listed under a "Related" / "Don't miss" header."""
    found: dict[int, str] = {}
    for i, line in enumerate(lines):
        core = line_core(line)
        if not (RELATED_HEADER.match(core) and word_count(core) <= 6):
            continue
        for j in range(i + 1, len(lines)):
            item = lines[j]
            listed = bool(_LIST_MARK.match(item))
            title_like = word_count(item) <= 15 and not _SENTENCE_END.search(item)
            if not (listed or title_like) or (listed and is_prose(item) and word_count(item) > 60):
                break
            found[j] = f"read-more: link listed under '{core[:40]}'"
    return found


def _menu_runs(lines: list[str], removed: dict[int, str]) -> dict[int, str]:
    """Runs of four or more menu-like items before the first / after the last prose line."""
    prose = [i for i, line in enumerate(lines) if is_prose(line)]
    if not prose:
        return {}
    first, last = prose[0], prose[-1]
    found: dict[int, str] = {}

    def menu_item(line: str) -> bool:
        core = line_core(line)
        words = core.split()
        return (
            0 < len(words) <= 3
            and not _SENTENCE_END.search(core)
            and all(w[:1].isupper() or w.lower() in _FILLER for w in words)
            and not any(ch.isdigit() or ch in ":=/@" for ch in core)
            and not any(q in line for q in _QUOTES)
        )

    for segment in (range(0, first), range(last + 1, len(lines))):
        run: list[int] = []
        for i in [*segment, None]:
            if i is not None and menu_item(lines[i]):
                run.append(i)
                continue
            if len(run) >= 4:
                found.update({j: f"navigation: run of {len(run)} menu-like items" for j in run})
            run = []
    return found


def _wedged(lines: list[str], removed: dict[int, str]) -> dict[int, str]:
    """Short non-prose debris between two lines already removed."""
    found: dict[int, str] = {}
    for i in range(1, len(lines) - 1):
        line = lines[i]
        if (
            not removed.get(i - 1, "empty").startswith("empty")
            and not removed.get(i + 1, "empty").startswith("empty")
            and word_count(line) <= 6
            and not any(ch in line for ch in "[]{}();=<>")
            and not line.rstrip().endswith(".")
            and not any(q in line for q in _QUOTES)
            and not line.startswith("|")
        ):
            found[i] = "ui-element: short debris between removed lines"
    return found


_BLOCK_KINDS = ("newsletter", "comment-form", "share-prompt")


def _inside_blocks(lines: list[str], removed: dict[int, str]) -> dict[int, str]:
    """A line inside a newsletter / comment / share widget: the lines on both
    sides were removed for the same kind ("Pick Six Newsletter", pitch,
    "Thanks for signing up!")."""
    found: dict[int, str] = {}
    for i in range(1, len(lines) - 1):
        before, after = removed.get(i - 1, ""), removed.get(i + 1, "")
        kind = before.split(":")[0]
        if (
            kind in _BLOCK_KINDS
            and after.split(":")[0] == kind
            and word_count(lines[i]) <= 20
            and not any(q in lines[i] for q in _QUOTES)
        ):
            found[i] = f"{kind}: inside a {kind} block"
    return found


def _trailing_lists(lines: list[str], removed: dict[int, str]) -> dict[int, str]:
    """Three or more list items that end the text right after page furniture
    ("Related: ...", a newsletter box): links to other stories."""
    end = len(lines)
    while end > 0 and end - 1 in removed:
        end -= 1
    start = end
    while start > 0 and _LIST_MARK.match(lines[start - 1]) and start - 1 not in removed:
        start -= 1
    if end - start < 3 or start == 0:
        return {}
    if start - 1 in removed:
        return {i: "read-more: link list closing the page" for i in range(start, end)}
    return {}


def _menu_rows(lines: list[str], removed: dict[int, str]) -> dict[int, str]:
    """A lone '| Home | World |' row is a menu; consecutive rows are a table."""
    found: dict[int, str] = {}
    for i, line in enumerate(lines):
        if not line.startswith("|"):
            continue
        neighbours = [lines[j] for j in (i - 1, i + 1) if 0 <= j < len(lines)]
        if any(n.startswith("|") for n in neighbours):
            continue
        core = line_core(line)
        if _menu_line(core):
            found[i] = f"navigation: {len(_SEPARATORS.split(core))} short items in a lone row"
    return found


BLOCK_RULES: tuple[BlockRule, ...] = (
    _comment_section,
    _related_lists,
    _menu_runs,
    _menu_rows,
    _inside_blocks,
    _trailing_lists,
)


def remove_boilerplate(
    lines: Sequence[str],
    *,
    title: str | None = None,
    repeated: Callable[[str], bool] | None = None,
) -> tuple[list[str], list[Removed]]:
    """Split paragraphs into kept lines and removed lines with reasons.

    Runs every rule on the kept lines until nothing more is removed, so the
    result is a fixpoint: cleaning the kept lines again removes nothing.
    ``repeated`` says whether a line recurs across the outlet's other articles.
    """
    kept = list(lines)
    removed: list[tuple[int, Removed]] = []  # (original position, record)
    positions = list(range(len(kept)))
    title_key = _key(title) if title else None
    while True:
        marks: dict[int, str] = {}
        if title_key and kept and _key(kept[0]) == title_key:
            marks[0] = "title-repeat: same as the document title"
        for i, line in enumerate(kept):
            reason = classify_line(line)
            if reason is None and repeated is not None and not is_prose(line) and repeated(line):
                reason = "repeated: recurs in the outlet's other articles"
            if reason:
                marks.setdefault(i, reason)
        for rule in BLOCK_RULES:
            for i, reason in rule(kept, marks).items():
                marks.setdefault(i, reason)
        for i, reason in _wedged(kept, marks).items():
            marks.setdefault(i, reason)
        if not marks:
            break
        removed.extend((positions[i], Removed(text=kept[i], reason=marks[i])) for i in marks)
        keep = [i for i in range(len(kept)) if i not in marks]
        kept = [kept[i] for i in keep]
        positions = [positions[i] for i in keep]
    removed.sort(key=lambda item: item[0])
    return kept, [_place_credit(record, at, lines) for at, record in removed]


def _place_credit(record: Removed, at: int, lines: Sequence[str]) -> Removed:
    """Say where a credit line stood: a wire credit heads or closes a text,
    while a credit between paragraphs is a picture's ("ASSOCIATED PRESS.")."""
    if not record.reason.startswith("credit-line"):
        return record
    before = any(is_prose(line) for line in lines[:at])
    after = any(is_prose(line) for line in lines[at + 1 :])
    where = "mid-text" if before and after else ("at the end" if before else "at the start")
    return Removed(text=record.text, reason=f"{record.reason} ({where})")


def _key(text: str) -> str:
    return " ".join(_tokens(text))
