"""Turn the model's evidence references into verified spans of the article.

The model may cite a sentence id (preferred: it cannot misquote an id) or a quote. Either
way the span returned carries the article's own offsets; nothing the model says about
offsets is trusted.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from pydantic import BaseModel

from schemas import Span
from service.grounding.checks import Failure
from service.grounding.instructions import addresses_the_model
from service.grounding.text import Sentence, locate


class QuoteRef(BaseModel):
    """A quote with the model's own idea of its offsets, which are ignored and recomputed."""

    quote: str
    start: int | None = None
    end: int | None = None


EvidenceRef = int | str | QuoteRef


@dataclass(frozen=True, slots=True)
class ArticleText:
    """The article as verification sees it: its text and its numbered sentences."""

    text: str
    sentences: Sequence[Sentence]

    def sentence(self, sentence_id: int) -> Sentence | None:
        if 1 <= sentence_id <= len(self.sentences):
            return self.sentences[sentence_id - 1]
        return None


def resolve_ref(ref: EvidenceRef, article: ArticleText) -> Span | Failure:
    """A verified span for one reference, or why it cannot be verified."""
    if isinstance(ref, bool):  # bool is an int subclass; True is not sentence 1
        return Failure("evidence is not a sentence id or a quote", f"{ref!r} is not evidence")
    if isinstance(ref, QuoteRef):
        return resolve_ref(ref.quote, article)
    if isinstance(ref, int):
        sentence = article.sentence(ref)
        if sentence is None:
            return Failure(
                "evidence sentence id does not exist",
                f"sentence id {ref} does not exist (the article has {len(article.sentences)})",
            )
        return _not_an_instruction(
            Span(quote=sentence.text, start=sentence.start, end=sentence.end)
        )
    stripped = ref.strip().strip("[]")
    if stripped.isdigit():  # small models often send "[4]" or "4" as a string
        return resolve_ref(int(stripped), article)
    found = locate(ref, article.text)
    if found is None:
        return Failure(
            "evidence quote not found in the article",
            f"quote not found in the article: {_clip(ref)!r}",
        )
    start, end = found
    return _not_an_instruction(Span(quote=article.text[start:end], start=start, end=end))


def _not_an_instruction(span: Span) -> Span | Failure:
    if addresses_the_model(span.quote):
        return Failure(
            "evidence is an instruction to the model, not reported content",
            f"evidence addresses the model: {_clip(span.quote)!r}",
        )
    return span


def resolve_refs(
    refs: Iterable[EvidenceRef], article: ArticleText
) -> tuple[list[Span], list[Failure]]:
    """Verified spans (deduplicated, in article order) and why any refs were rejected."""
    spans: dict[tuple[int, int], Span] = {}
    problems: list[Failure] = []
    for ref in refs:
        result = resolve_ref(ref, article)
        if isinstance(result, Span):
            spans.setdefault((result.start, result.end), result)
        else:
            problems.append(result)
    return [spans[k] for k in sorted(spans)], problems


def evidence_text(spans: Iterable[Span]) -> str:
    return "\n".join(span.quote for span in spans)


def _clip(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
