"""Draft in, verified briefing out: the layer that makes any model's output trustworthy.

Pure code, no I/O. Every item that reaches the response has evidence located in the
article; numbers are checked against that evidence, names and date phrases against the
article, dates and places are resolved here rather than by the model, and duplicates are
merged.
What fails is dropped and listed, never silently kept or silently lost.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from schemas import (
    TAXONOMY,
    Actor,
    Attribution,
    Briefing,
    BriefingOptions,
    Casualties,
    DatePrecision,
    Dropped,
    Event,
    EventDate,
    KeyPoint,
    Location,
    Quantity,
    Quote,
    Span,
)
from service.grounding import checks
from service.grounding.actors import actor_country
from service.grounding.anchored import anchored_offset
from service.grounding.checks import Failure
from service.grounding.dates import ResolvedDate, find_date_phrase, resolve_date
from service.grounding.dedupe import merge_duplicates
from service.grounding.draft import Draft, DraftEvent, DraftKeyPoint
from service.grounding.evidence import ArticleText, evidence_text, resolve_refs
from service.grounding.names import unstated_names
from service.grounding.places import place_events
from service.grounding.quotes import DraftQuote, find_quotes, verify_quotes
from service.grounding.taxonomy import refine_taxonomy

log = logging.getLogger(__name__)


@dataclass(slots=True)
class Verified:
    briefing: Briefing
    events: list[Event]
    dropped: list[Dropped] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)


@dataclass(slots=True)
class _Verifier:
    article: ArticleText
    published: date | None
    dropped: list[Dropped] = field(default_factory=list)
    days: list[tuple[int, date]] = field(default_factory=list)  # (evidence start, its day)

    def drop(self, what: str, failure: Failure) -> None:
        """Record a removal; the model's own words go to the log, never to the client."""
        log.info("verification dropped %s: %s", what, failure.detail)
        self.dropped.append(Dropped(what=what, reason=failure.reason))

    def _spans(self, what: str, draft: DraftKeyPoint | DraftEvent, text: str) -> list[Span]:
        spans, problems = resolve_refs(draft.evidence, self.article)
        for problem in problems:
            self.drop(f"{what}.evidence", problem)
        if not spans:
            self.drop(what, Failure("no verifiable evidence", f"no evidence for {text!r}"))
        return spans

    def key_point(self, index: int, draft: DraftKeyPoint) -> KeyPoint | None:
        what = f"key_points[{index}]"
        if not (spans := self._spans(what, draft, draft.text)):
            return None
        if problem := checks.numbers_problem(draft.text, evidence_text(spans), "the key point"):
            self.drop(what, problem)
            return None
        return KeyPoint(text=draft.text.strip(), evidence=spans)

    def event(self, index: int, draft: DraftEvent) -> Event | None:
        what = f"events[{index}]"
        if not (spans := self._spans(what, draft, draft.summary)):
            return None
        evidence = evidence_text(spans)
        if problem := checks.numbers_problem(draft.summary, evidence, "the summary"):
            self.drop(what, problem)
            return None
        return Event(
            id=what,  # the draft's index until duplicates are merged and ids assigned
            type=draft.type,
            taxonomy=refine_taxonomy(TAXONOMY[draft.type], draft.type, evidence),
            summary=draft.summary.strip(),
            actors=self._actors(what, draft),
            location=self._location(what, draft),
            date=self._date(what, draft.when, evidence, spans[0].start, draft.anchor),
            quantities=self._quantities(what, draft, evidence),
            casualties=self._casualties(what, draft, evidence),
            attributed_to=self._attribution(what, draft),
            evidence=spans,
        )

    def _known(self, what: str, name: str | None, label: str) -> str | None:
        """The name if the article writes it; otherwise None, recorded as dropped."""
        if not name:
            return None
        if problem := checks.name_problem(name, self.article.normalised, label):
            self.drop(what, problem)
            return None
        return name.strip()

    def _actors(self, what: str, draft: DraftEvent) -> list[Actor]:
        actors: dict[str, Actor] = {}
        for i, actor in enumerate(draft.actors):
            name = self._known(f"{what}.actors[{i}]", actor.name, "actor")
            if name and name.casefold() not in actors:
                country = self._known(f"{what}.actors[{i}].country", actor.country, "country")
                actors[name.casefold()] = Actor(
                    name=name,
                    role=actor.role,
                    kind=actor.kind,
                    country=country,
                    country_code=actor_country(
                        name, self.article.acronyms, self.article.before(name)
                    ),
                )
        return list(actors.values())

    def _location(self, what: str, draft: DraftEvent) -> Location | None:
        name = self._known(f"{what}.location", draft.location, "location")
        if name is None:
            return None
        return Location(
            name=name,
            country=self._known(f"{what}.location.country", draft.country, "country"),
        )

    def _date(
        self, what: str, phrase: str | None, evidence: str, at: int, anchor: str | None = None
    ) -> EventDate:
        if phrase and (problem := checks.phrase_problem(phrase, self.article.normalised, "date")):
            self.drop(f"{what}.date", problem)
            phrase = None
        if not phrase:  # no usable words from the model: read them from the evidence
            phrase = find_date_phrase(evidence)
        resolved = resolve_date(phrase, self.published)
        shift = anchored_offset(phrase)
        told_against = resolve_date(anchor, self.published).start if anchor else None
        if shift is not None and (start := told_against or self._day_before(at)) is not None:
            # "la veille", "the day before the fighting": a day from the happening it is told
            # against, else from the nearest event told before it
            resolved = ResolvedDate(start + timedelta(days=shift), None, "day")
        elif resolved.precision == "day" and resolved.start is not None:
            self.days.append((at, resolved.start))
        return EventDate(
            phrase=phrase.strip() if phrase else None,
            start=resolved.start,
            end=resolved.end,
            precision=DatePrecision(resolved.precision),
        )

    def _day_before(self, at: int) -> date | None:
        """The day of the nearest event whose evidence starts before `at`."""
        earlier = [(start, day) for start, day in self.days if start < at]
        return max(earlier)[1] if earlier else None

    def _quantities(self, what: str, draft: DraftEvent, evidence: str) -> list[Quantity]:
        kept: list[Quantity] = []
        for i, q in enumerate(draft.quantities):
            if problem := checks.quantity_problem(q.value, q.unit, evidence):
                self.drop(f"{what}.quantities[{i}]", problem)
            else:
                kept.append(Quantity(value=q.value, unit=q.unit.strip(), what=q.what.strip()))
        return kept

    def _casualties(self, what: str, draft: DraftEvent, evidence: str) -> Casualties | None:
        counts: dict[str, int | None] = {"killed": draft.killed, "injured": draft.injured}
        for kind, value in counts.items():
            if value is not None and (problem := checks.casualty_problem(kind, value, evidence)):
                self.drop(f"{what}.casualties.{kind}", problem)
                counts[kind] = None
        if counts["killed"] is None and counts["injured"] is None:
            return None
        return Casualties(killed=counts["killed"], injured=counts["injured"])

    def _attribution(self, what: str, draft: DraftEvent) -> Attribution | None:
        source = self._known(f"{what}.attributed_to", draft.source, "source")
        return Attribution(source=source, disputed=draft.disputed) if source else None


def verify(
    draft: Draft,
    article: ArticleText,
    *,
    published: date | None,
    options: BriefingOptions,
    title: str | None = None,
    quotes: Sequence[DraftQuote] | None = None,
) -> Verified:
    """The draft's verified items; `quotes` default to those code finds in the article
    (service/grounding/quotes.py), whatever the strategy."""
    verifier = _Verifier(article=article, published=published)
    key_points = [kp for i, d in enumerate(draft.key_points) if (kp := verifier.key_point(i, d))][
        : options.max_key_points
    ]
    events = [ev for i, d in enumerate(draft.events) if (ev := verifier.event(i, d))]
    events, duplicates = merge_duplicates(events)
    for duplicate, kept in duplicates:
        verifier.drop(
            duplicate.id,
            Failure(f"duplicate of {kept.id}; evidence merged", repr(duplicate.summary)),
        )
    events = [
        ev.model_copy(update={"id": f"e{i}"})
        for i, ev in enumerate(events[: options.max_events], start=1)
    ]
    events = place_events(events, article.text, article.url)  # admin1, country, coordinates
    headline = _grounded_text(
        verifier, "headline", draft.headline, _fallback_headline(article, title)
    )
    summary = _grounded_text(
        verifier,
        "summary",
        draft.summary,
        " ".join(kp.text for kp in key_points) or headline,
    )
    drafts = find_quotes(article) if quotes is None else quotes
    verified_quotes = verify_quotes(drafts, article, verifier.drop)
    return Verified(
        briefing=Briefing(headline=headline, summary=summary, key_points=key_points),
        events=events,
        dropped=verifier.dropped,
        quotes=verified_quotes,
    )


def _grounded_text(verifier: _Verifier, what: str, text: str, fallback: str) -> str:
    """Headline and summary cite no spans, so their numbers must at least be in the article,
    in a sentence that reports something (not one that addresses the model)."""
    text = text.strip()
    if not text:
        verifier.drop(what, Failure("empty; replaced from verified material", "empty"))
        return fallback
    if problem := checks.numbers_problem(text, verifier.article.reported, f"the {what}"):
        verifier.drop(
            what,
            Failure(problem.reason + "; replaced from verified material", problem.detail),
        )
        return fallback
    if unstated := unstated_names(text, verifier.article):
        verifier.drop(
            what,
            Failure(
                f"the {what} names what the article does not; replaced from verified material",
                f"the {what} names {', '.join(map(repr, unstated))}, which the article does not",
            ),
        )
        return fallback
    return text


def _fallback_headline(article: ArticleText, title: str | None) -> str:
    if title and title.strip():
        return title.strip()
    return article.sentences[0].text if article.sentences else ""
