"""One parse per article, aligned to the article's own sentences.

The article's sentences (service/grounding/text.py) are what evidence cites, so each is
parsed as its own document: a token's article offset is its sentence's start plus its
offset in the sentence, and nothing has to reconcile two sentence splitters. The parse is
made once per request (ArticleText.parsed) and read by the event rules, verification and
the headline check alike.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from service.nlp.pipeline import pipeline

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span

log = logging.getLogger(__name__)


class _Sentence(Protocol):
    @property
    def start(self) -> int: ...
    @property
    def text(self) -> str: ...


@dataclass(frozen=True, slots=True)
class Entity:
    text: str
    label: str  # spaCy's: PERSON ORG GPE LOC NORP FAC DATE … (en); PER ORG LOC MISC (fr)
    start: int  # article offsets
    end: int
    sentence: int  # the index of its sentence in the article (0-based)


@dataclass(frozen=True, slots=True)
class Parsed:
    language: str
    docs: tuple[Doc, ...]  # one per article sentence, in article order
    starts: tuple[int, ...]  # each sentence's offset in the article
    seconds: float  # how long the parse took

    def doc(self, index: int) -> Doc:
        return self.docs[index]

    def entities(self, labels: frozenset[str] | None = None) -> list[Entity]:
        found = []
        for i, (doc, start) in enumerate(zip(self.docs, self.starts, strict=True)):
            for ent in doc.ents:
                if labels is None or ent.label_ in labels:
                    found.append(_entity(ent, start, i))
        return found


def _entity(ent: Span, offset: int, sentence: int) -> Entity:
    return Entity(ent.text, ent.label_, offset + ent.start_char, offset + ent.end_char, sentence)


def parse(sentences: Sequence[_Sentence], language: str, skip: int = 0) -> Parsed | None:
    """The article's sentences parsed by the language's pipeline, or None without one.

    `skip` characters at the article's start (a dateline: "KYIV, Ukraine (AP) —") are parsed
    as blanks, so a dateline is never a sentence's subject; offsets do not move."""
    nlp = pipeline(language)
    if nlp is None:
        return None
    started = time.perf_counter()
    texts = (
        " " * max(0, min(skip - s.start, len(s.text))) + s.text[max(0, skip - s.start) :]
        for s in sentences
    )
    docs = tuple(nlp.pipe(texts, batch_size=64))
    seconds = time.perf_counter() - started
    log.debug("parsed %d sentences (%s) in %.3f s", len(docs), language, seconds)
    return Parsed(language, docs, tuple(s.start for s in sentences), seconds)
