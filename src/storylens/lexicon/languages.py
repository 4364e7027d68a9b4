"""Languages and scripts: which are written right to left, which without spaces between
words, and what to call them in a message.

The codes are ISO 639-1 as py3langid gives them (``clean.identify_language``) or as a
user states them (``--language``, a manifest, a sidecar); a regional tag ("ar-EG") is
read by its first part.
"""

from __future__ import annotations

import re
from typing import Literal

Direction = Literal["ltr", "rtl"]

# Arabic, Persian, Urdu, Hebrew (and its old code), Pashto, Yiddish, Dhivehi, Sindhi,
# Uyghur, Central Kurdish: written right to left.
RTL_LANGUAGES = frozenset({"ar", "fa", "ur", "he", "iw", "ps", "yi", "dv", "sd", "ug", "ckb"})

NAMES = {
    "en": "English", "ar": "Arabic", "fa": "Persian", "ur": "Urdu", "he": "Hebrew", "iw": "Hebrew",
    "ps": "Pashto", "zh": "Chinese", "ja": "Japanese", "ko": "Korean", "th": "Thai", "fr": "French",
    "de": "German", "es": "Spanish", "pt": "Portuguese", "it": "Italian", "ru": "Russian",
    "uk": "Ukrainian", "tr": "Turkish", "hi": "Hindi", "nl": "Dutch", "pl": "Polish",
}

# Scripts written without spaces between words. Han and kana: each character is counted
# as a word (the convention of word processors for Chinese and Japanese, whose words are
# mostly one or two characters). Thai, Lao, Khmer and Myanmar: a run of letters is a
# phrase of several words; an estimate of the letters per word divides it.
CJK_CHARACTER = re.compile(
    "[\u3040-\u30ff\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f]"
)
SOUTHEAST_ASIAN_RUN = re.compile("[\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff]+")
SOUTHEAST_ASIAN_LETTERS_PER_WORD = 5
UNSPACED_SCRIPT = re.compile(f"{CJK_CHARACTER.pattern}|{SOUTHEAST_ASIAN_RUN.pattern}")

# Sentence ends of scripts whose punctuation the English-trained segmenter does not know:
# the ideographic full stop and full-width marks (no space follows them), the Arabic
# question mark and the Urdu full stop.
SENTENCE_END = re.compile("[。！？｡][」』）”’]*|[؟۔]")


def base_code(language: str | None) -> str | None:
    """'ar-EG' -> 'ar'; None or blank -> None."""
    if not language or not language.strip():
        return None
    return language.strip().lower().replace("_", "-").split("-")[0]


def text_direction(language: str | None) -> Direction:
    """'rtl' for a language written right to left, else 'ltr'."""
    return "rtl" if base_code(language) in RTL_LANGUAGES else "ltr"


def language_name(language: str | None) -> str:
    """'ar' -> 'Arabic'; a code without a name here is shown as the code."""
    code = base_code(language)
    if code is None:
        return "unknown language"
    return NAMES.get(code, code)


# Letters of the scripts written right to left (Hebrew, Arabic and its extensions, Syriac,
# Thaana, N'Ko, the presentation forms), Arabic-Indic and Persian digits among them: a run
# of such text inside an English line (a conflict's "١٥ vs 12", an Arabic outlet's name)
# is isolated, or the line's punctuation and numbers around it are reordered on display.
_RTL = "\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc"
RTL_RUN = re.compile(rf"[{_RTL}](?:[{_RTL}\s\d.,:;()'\"«»%-]*[{_RTL}])?")
RIGHT_TO_LEFT_ISOLATE, POP_DIRECTIONAL_ISOLATE = "\u2067", "\u2069"


def isolate_rtl(text: str) -> str:
    """Plain text with each right-to-left run between Unicode's isolates (RLI ... PDI)."""
    return RTL_RUN.sub(lambda m: RIGHT_TO_LEFT_ISOLATE + m.group() + POP_DIRECTIONAL_ISOLATE, text)
