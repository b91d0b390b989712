"""Quotations in an article and who said them, found by code (no model), for every strategy.

A quote is what stands between quotation marks (“…”, "…", «…», „…“), verbatim, marks and
the spaces inside French guillemets left out. One pair of marks is one quote: a speaker's
words interrupted by the attribution (“…,” Sybiha said. “…”) are two quotes, each with its
speaker; a quotation left open at a paragraph's end (the news convention for a quote that
runs on: the next paragraph opens with a new mark) is one quote per paragraph. A quote of one
word ("weaponizing") is a term, not a quotation, and is left out.

The speaker, in order: who the quote's sentences say is speaking (the parse's subject of the
verb of saying or "according to X" / "selon X" for English and French, service/nlp/events.py;
the word rules of mentions.py for other languages: "X said", "said X"); else who the next
sentence of the same paragraph says is speaking; else the speaker of the paragraph's previous
quote, or of the quote left open in the paragraph before (a continuation). A pronoun ("he
said") is the last person named before it; a surname is the fullest name the article gives
that person ("Sybiha" → "Andrii Sybiha"). A quote with no speaker is not returned.

Verification (verify.py) then keeps a quote only if its text is verbatim in the article and
its speaker is named there.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from schemas import Quote, Span
from service.grounding import checks
from service.grounding import mentions as m
from service.grounding.checks import Failure
from service.grounding.evidence import ArticleText
from service.nlp.events import read, speaker

_PAIRS = re.compile(r"“([^“”\n]*)(”|$)|\"([^\"\n]*)(\"|$)|«([^«»\n]*)(»|$)|„([^„“”\n]*)([“”]|$)",
                    re.MULTILINE)  # fmt: skip
_PERSONS = frozenset({"PERSON", "PER"})
_TRIM = " \u00a0\u202f\t"
_TRAILING = ",;:"  # the attribution's punctuation, inside the marks by English convention
# French puts the speaker after the verb: "», a déclaré le ministre Jean Dupont."
_FR_INVERTED = re.compile(
    r"\b(?:a|ont|avait|avaient)\s+(?:déclaré|dit|affirmé|ajouté|indiqué|expliqué|souligné|"
    r"estimé|assuré|précisé|déploré|dénoncé|insisté|confié|lancé|répondu|averti|annoncé)\s+"
    r"(?:(?:le|la|les|l['’])\s*)?(?:[a-zàâçéèêëîïôûù\-]+\s+){0,3}?"
    r"(?P<name>[A-ZÀÂÇÉÈÊ][\w\-]+(?:\s+[A-ZÀÂÇÉÈÊ][\w\-]+)*)"
)


@dataclass(frozen=True, slots=True)
class DraftQuote:
    """A quote before verification: its text, the offset it starts at (None: unknown, to be
    located), its speaker, and the sentence naming the speaker (1-based id) if known."""

    text: str
    speaker: str
    start: int | None = None
    speaker_sentence: int | None = None


@dataclass(frozen=True, slots=True)
class _Quoted:
    start: int
    end: int
    paragraph: int
    open_ended: bool  # no closing mark before the paragraph's end


def _quoted(text: str) -> list[_Quoted]:
    found = []
    paragraph_starts = [0, *(mt.end() for mt in re.finditer(r"\n\s*\n", text))]
    for mt in _PAIRS.finditer(text):
        group = next(g for g in (1, 3, 5, 7) if mt.group(g) is not None)
        start, end = mt.start(group), mt.end(group)
        while start < end and text[start] in _TRIM:
            start += 1
        while end > start and text[end - 1] in _TRIM + _TRAILING:
            end -= 1
        if len(text[start:end].split()) < 2:
            continue
        paragraph = sum(1 for p in paragraph_starts if p <= start) - 1
        found.append(_Quoted(start, end, paragraph, mt.group(group + 1) == ""))
    return found


def _sentence_at(article: ArticleText, offset: int) -> int | None:
    for s in article.sentences:
        if s.start <= offset < s.end:
            return s.id
    return None


def _said_in(article: ArticleText, sentence_id: int) -> str | None:
    """Who the sentence says is speaking, as written there (a name, a body or a pronoun)."""
    sentence = article.sentences[sentence_id - 1]
    if article.language == "fr" and (inverted := _FR_INVERTED.search(sentence.text)):
        return inverted["name"]
    parsed = article.parsed
    if parsed is not None:
        doc = parsed.doc(sentence_id - 1)
        if (who := speaker(doc, read(doc, parsed.language))) is not None:
            # the whole name the parse found around it: "Farmer Maria Lopez" → "Maria Lopez"
            # or the name in apposition: "selon la préfète Fabienne Buccio"
            at = sentence.text.find(who)
            for ent in doc.ents:
                if ent.label_ in _PERSONS and (
                    ent.text in who
                    or who in ent.text
                    or (at >= 0 and 0 <= ent.start_char - (at + len(who)) <= 2)
                ):
                    return ent.text
            return who
    words = m.speakers(sentence.text)
    return words[0].text if words else None


@dataclass(slots=True)
class _People:
    """The people the article names, for pronouns and surnames: (offset, name, sentence id)."""

    named: list[tuple[int, str, int]]

    @classmethod
    def of(cls, article: ArticleText) -> _People:
        named: list[tuple[int, str, int]] = []
        every = [(s.id, n) for s in article.sentences for n in m.names(s.text, s.start)]
        parsed = article.parsed
        if parsed is not None:
            for ent in parsed.entities(_PERSONS):
                named.append((ent.start, m.bare_name(ent.text), ent.sentence + 1))
        else:
            for sid, mention in every:
                if " " in mention.text and not m.is_organisation(mention.text):
                    named.append((mention.start, m.bare_name(mention.text), sid))
        # a person named again by surname alone ("Sybiha called for…"), which NER may miss
        surnames = {name.split()[-1] for _, name, _ in named if " " in name}
        seen = {start for start, _, _ in named}
        for sid, mention in every:
            if mention.text in surnames and mention.start not in seen:
                named.append((mention.start, mention.text, sid))
        named.sort()
        return cls(named)

    def last_before(self, offset: int) -> tuple[str, int] | None:
        before = [(name, sid) for start, name, sid in self.named if start < offset]
        return before[-1] if before else None

    def fullest(self, name: str) -> str:
        """The longest name the article gives whose last word is this one's last word."""
        last = name.split()[-1]
        longer = [n for _, n, _ in self.named if n.split()[-1] == last and len(n) > len(name)]
        return max(longer, key=len) if longer else name


def _resolve(
    article: ArticleText, people: _People, said: str, sentence_id: int
) -> tuple[str, int] | None:
    """The speaker's name and the sentence that names them, or None."""
    if m.is_pronoun(m.Mention(said, 0, 0)):
        sentence = article.sentences[sentence_id - 1]
        where = sentence.start + max(0, sentence.text.find(said))
        last = people.last_before(where)
        if last is None:
            return None
        name, named_in = last
        return people.fullest(name), named_in
    name = m.bare_name(said.strip())
    return (people.fullest(name) if name[:1].isupper() else name), sentence_id


def find_quotes(article: ArticleText) -> list[DraftQuote]:
    """The article's quotes with their speakers, in article order. An article without
    quotation marks is not parsed for them."""
    quotations = _quoted(article.text)
    if not quotations:
        return []
    people = _People.of(article)
    found: list[DraftQuote] = []
    previous: tuple[_Quoted, str, int] | None = None
    for quoted in quotations:
        first = _sentence_at(article, quoted.start)
        last = _sentence_at(article, max(quoted.start, quoted.end - 1))
        if first is None or last is None:
            continue
        resolved = None
        ids = [last, *range(first, last)] + ([last + 1] if _same_paragraph(article, last) else [])
        for sid in ids:
            said = _said_in(article, sid)
            if said and (resolved := _resolve(article, people, said, sid)):
                break
        if resolved is None and previous is not None:
            before, name, sid = previous
            if before.paragraph == quoted.paragraph or (
                before.open_ended and before.paragraph == quoted.paragraph - 1
            ):
                resolved = (name, sid)
        if resolved is None:
            continue
        name, sid = resolved
        found.append(DraftQuote(article.text[quoted.start : quoted.end], name, quoted.start, sid))
        previous = (quoted, name, sid)
    return found


def _same_paragraph(article: ArticleText, sentence_id: int) -> bool:
    """Whether the next sentence exists and follows this one in the same paragraph."""
    if sentence_id >= len(article.sentences):
        return False
    this, after = article.sentences[sentence_id - 1], article.sentences[sentence_id]
    return "\n" not in article.text[this.end : after.start]


def verify_quotes(
    drafts: Sequence[DraftQuote], article: ArticleText, drop: Callable[[str, Failure], None]
) -> list[Quote]:
    """The quotes whose text is verbatim in the article and whose speaker it names, with
    their evidence; each other one is passed to `drop` with the reason."""
    kept: list[Quote] = []
    for i, draft in enumerate(drafts):
        what = f"quotes[{i}]"
        start = _verbatim(draft, article.text)
        if start is None:
            drop(what, Failure("quote not verbatim in the article", repr(draft.text)))
            continue
        if m.is_pronoun(m.Mention(draft.speaker.strip(), 0, 0)) or not draft.speaker.strip():
            drop(f"{what}.speaker", Failure("speaker not named", repr(draft.speaker)))
            continue
        if problem := checks.name_problem(draft.speaker, article.normalised, "speaker"):
            drop(f"{what}.speaker", problem)
            continue
        end = start + len(draft.text)
        evidence = [Span(quote=draft.text, start=start, end=end)]
        named_in = article.sentence(draft.speaker_sentence or 0)
        if named_in is not None and not (named_in.start <= start and end <= named_in.end):
            evidence.append(Span(quote=named_in.text, start=named_in.start, end=named_in.end))
        kept.append(
            Quote(
                id=f"q{len(kept) + 1}",
                text=draft.text,
                speaker=draft.speaker.strip(),
                speaker_sentence=named_in.id if named_in is not None else None,
                evidence=evidence,
            )
        )
    return kept


def _verbatim(draft: DraftQuote, text: str) -> int | None:
    """Where the quote's exact text stands in the article: at its own offset, else first
    found; None when the article does not contain it character for character."""
    if not draft.text.strip():
        return None
    if draft.start is not None and text[draft.start : draft.start + len(draft.text)] == draft.text:
        return draft.start
    found = text.find(draft.text)
    return None if found < 0 else found
