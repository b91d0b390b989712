"""Split a long article into model-sized chunks on paragraph boundaries.

Sentence ids stay global (chunk two starts at, say, [41]), so evidence cited in any chunk
maps to offsets in the full article with no translation step. Consecutive chunks share
a little text (the last sentence or two) so an event described across a boundary is seen
whole at least once; the duplicates that overlap
creates are merged by verification's de-duplication.
"""

from __future__ import annotations

from collections.abc import Sequence

from service.grounding.text import Sentence


def paragraphs(sentences: Sequence[Sentence], text: str) -> list[list[Sentence]]:
    """Sentences grouped by paragraph: a line break between two sentences starts a new one."""
    groups: list[list[Sentence]] = []
    for sentence in sentences:
        if groups and "\n" not in text[groups[-1][-1].end : sentence.start]:
            groups[-1].append(sentence)
        else:
            groups.append([sentence])
    return groups


def _size(group: Sequence[Sentence]) -> int:
    return sum(len(s.text) + 6 for s in group)  # "[123] " prefix per sentence


def chunk_sentences(
    sentences: Sequence[Sentence], text: str, max_chars: int
) -> list[list[Sentence]]:
    """Chunks of at most ~max_chars of prompt text, each a run of whole paragraphs."""
    if _size(sentences) <= max_chars:
        return [list(sentences)] if sentences else []
    units: list[list[Sentence]] = []
    for paragraph in paragraphs(sentences, text):
        if _size(paragraph) <= max_chars:
            units.append(paragraph)
        else:  # one paragraph longer than a chunk: fall back to sentences
            units.extend([s] for s in paragraph)
    chunks: list[list[Sentence]] = []
    current: list[Sentence] = []
    for unit in units:
        if current and _size(current) + _size(unit) > max_chars:
            chunks.append(current)
            current = _overlap(current, max_chars)
        current = current + unit
    if current and (not chunks or current[-1].id != chunks[-1][-1].id):
        chunks.append(current)
    return chunks


def _overlap(previous: list[Sentence], max_chars: int) -> list[Sentence]:
    """What the next chunk repeats: the last sentences, up to an eighth of a chunk."""
    tail: list[Sentence] = []
    for sentence in reversed(previous):
        if _size([sentence, *tail]) > max_chars // 8:
            break
        tail.insert(0, sentence)
    return tail
