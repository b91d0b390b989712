"""Which language an article is in: what the request says, else what py3langid finds.

The request's BCP 47 tag wins ("en-GB" → "en"); without one, a language-ID model shipped
inside the py3langid package (no download) decides from the text. Events are extracted for
the languages with a parse (English, French) and for Spanish with the older word rules;
anything else gets no events, and the briefing says so (meta.dropped).
"""

from __future__ import annotations

EXTRACTED_LANGUAGES = ("en", "fr", "es")
"""Languages whose events are extracted: en and fr parsed (service/nlp/pipeline.py), es by the
word rules of service/grounding/lexicon.py (no spaCy 3.8 Spanish pipeline exists on PyPI)."""


def article_language(text: str, declared: str | None) -> str:
    """The article's primary language subtag, lower case ("en", "fr", "uk", …)."""
    if declared and declared.strip():
        return declared.strip().split("-")[0].split("_")[0].lower()
    from py3langid import classify  # its model loads on first use (~0.3 s), not at import

    language, _ = classify(text[:5_000])
    return str(language)
