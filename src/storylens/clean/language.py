"""Language identification with the packaged py3langid model (offline, instant)."""

from __future__ import annotations

from functools import lru_cache

MIN_CONFIDENCE = 0.9  # below this the language stays unknown
MIN_CHARS = 40  # too little text for a reliable guess
SAMPLE_CHARS = 4000  # the first few paragraphs decide; saves time on long texts
# Codes the model splits one written language into: a Mandarin news text is scored
# zh 0.89, wuu 0.11 (Wu), and would otherwise fall below MIN_CONFIDENCE.
SAME_WRITTEN_LANGUAGE = {"wuu": "zh", "yue": "zh"}


@lru_cache(maxsize=1)
def _identifier():
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def identify_language(text: str) -> tuple[str | None, float]:
    """ISO 639-1 code and confidence, or (None, confidence) when unsure."""
    sample = text[:SAMPLE_CHARS]
    if sum(ch.isalpha() for ch in sample) < MIN_CHARS:
        return None, 0.0
    ranked = _identifier().rank(sample)
    code, probability = ranked[0][0], float(ranked[0][1])
    if probability < MIN_CONFIDENCE:
        family = SAME_WRITTEN_LANGUAGE.get(code, code)
        probability = float(sum(p for c, p in ranked if SAME_WRITTEN_LANGUAGE.get(c, c) == family))
    return (code if probability >= MIN_CONFIDENCE else None), probability
