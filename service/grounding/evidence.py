"""Turn the model's evidence references into verified spans of the article.

The model may cite a sentence id (preferred: it cannot misquote an id) or a quote. Either
way the span returned carries the article's own offsets; nothing the model says about
offsets is trusted.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property

from pydantic import BaseModel

from schemas import Span
from service.grounding.checks import Failure
from service.grounding.instructions import addresses_the_model
from service.grounding.mentions import acronyms, dateline_end
from service.grounding.names import folded_words, lowercase_words
from service.grounding.text import NormalisedText, Sentence
from service.nlp import Parsed, article_language, parse


class QuoteRef(BaseModel):
    """A quote with the model's own idea of its offsets, which are ignored and recomputed."""

    quote: str
    start: int | None = None
    end: int | None = None


EvidenceRef = int | str | QuoteRef


@dataclass(frozen=True)
class ArticleText:
    """The article as grounding sees it: its text, its numbered sentences, and what is
    derived from them, each computed once on first use.

    A request builds one (BriefingService) and hands the same object to the draft's
    validators (through instructor's validation context) and to verification, so the
    article is normalised once per request (`normalised`), and each sentence is tested once
    for addressing the model (`instructions`), however many items cite it.
    """

    text: str
    sentences: Sequence[Sentence]
    declared_language: str | None = None  # the request's `language`, if it gave one
    url: str | None = None  # the request's `url`: its country domain is the outlet's country

    def sentence(self, sentence_id: int) -> Sentence | None:
        if 1 <= sentence_id <= len(self.sentences):
            return self.sentences[sentence_id - 1]
        return None

    @cached_property
    def language(self) -> str:
        """The article's language: the request's tag, else detected (service/nlp)."""
        return article_language(self.text, self.declared_language)

    @cached_property
    def parsed(self) -> Parsed | None:
        """The article's one parse, shared by everything that reads syntax; None for a
        language without a pipeline."""
        return parse(self.sentences, self.language, skip=dateline_end(self.text))

    @cached_property
    def words(self) -> set[str]:
        """The article's words, folded (accents, case): what a headline's names are checked
        against (service/grounding/names.py)."""
        return folded_words(self.text)

    @cached_property
    def lower_words(self) -> set[str]:
        """The words the article writes in lower case somewhere (common words, not names)."""
        return lowercase_words(self.text)

    @cached_property
    def acronyms(self) -> dict[str, str]:
        """ "the Rapid Support Forces (RSF)": the article's own definitions."""
        return acronyms(self.text)

    def before(self, name: str) -> str:
        """The words written just before a name's first mention in its sentence ("Ukraine's
        foreign ministry spokesman" before "Taras Hlushko")."""
        at = self.text.find(name)
        if at < 0:
            return ""
        start = max(*(self.text.rfind(mark, 0, at) for mark in ".,;:\n—"), at - 60)
        return self.text[start + 1 : at]

    @cached_property
    def normalised(self) -> NormalisedText:
        """The article's one normalisation pass: the folded text and its offset map, for
        quotes (`locate`), names and date phrases (service/grounding/checks.py)."""
        return NormalisedText(self.text)

    @cached_property
    def instructions(self) -> tuple[bool, ...]:
        """Per sentence, in order: whether it addresses the model (so cannot be evidence)."""
        return tuple(addresses_the_model(s.text) for s in self.sentences)

    @cached_property
    def reported(self) -> str:
        """The sentences that report something, joined: what a headline or summary (which
        cite no spans) may take its numbers from."""
        flags = zip(self.sentences, self.instructions, strict=True)
        return " ".join(s.text for s, instruction in flags if not instruction)


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
        span = Span(quote=sentence.text, start=sentence.start, end=sentence.end)
        return _instruction(span) if article.instructions[ref - 1] else span
    stripped = ref.strip().strip("[]")
    if stripped.isdigit():  # small models often send "[4]" or "4" as a string
        return resolve_ref(int(stripped), article)
    found = article.normalised.locate(ref)
    if found is None:
        return Failure(
            "evidence quote not found in the article",
            f"quote not found in the article: {_clip(ref)!r}",
        )
    start, end = found
    return _not_an_instruction(Span(quote=article.text[start:end], start=start, end=end))


def _not_an_instruction(span: Span) -> Span | Failure:
    return _instruction(span) if addresses_the_model(span.quote) else span


def _instruction(span: Span) -> Failure:
    return Failure(
        "evidence is an instruction to the model, not reported content",
        f"evidence addresses the model: {_clip(span.quote)!r}",
    )


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
