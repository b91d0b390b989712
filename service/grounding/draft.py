"""What the model is asked to return: a draft, loose where small models are weak.

This is the internal half of the two-model design. The public, strict response lives in
`schemas/`; `service.grounding.verify` turns a draft into it. The validators here run
inside instructor with a `validation_context` holding the article, so a draft that cites
evidence the article does not contain is re-asked with the reason. On the last allowed
attempt the context is marked lenient: the draft is accepted and the verifier drops what
still fails, instead of the whole request failing for one bad item.
"""

from __future__ import annotations

import functools
import hashlib
import json
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationInfo,
    WithJsonSchema,
    field_validator,
    model_validator,
)
from pydantic.json_schema import SkipJsonSchema

from schemas import ActorKind, ActorRole, EventType
from service.grounding import checks
from service.grounding.evidence import ArticleText, EvidenceRef, evidence_text, resolve_refs

MAX_KEY_POINTS = 6
MAX_EVENTS = 10
CONTEXT_ARTICLE = "article"
CONTEXT_LENIENT = "lenient"


def _nullish(value: Any) -> Any:
    """Small models write the string "null" (or "none", "") where they mean no value."""
    if isinstance(value, str) and value.strip().lower() in {"", "null", "none", "n/a", "unknown"}:
        return None
    return value


OptStr = Annotated[str | None, BeforeValidator(_nullish)]
OptInt = Annotated[int | None, BeforeValidator(_nullish)]
# The schema the model sees asks for sentence ids only: under llama.cpp's grammar that
# forces short, uncopyable citations. Validation still accepts quotes (and quotes with
# offsets) from models that send them anyway; verification locates those in the article.
Evidence = Annotated[
    list[EvidenceRef],
    Field(min_length=1),
    WithJsonSchema(
        {"type": "array", "items": {"type": "integer"}, "minItems": 1, "maxItems": 4},
    ),
]


def _also_required(*names: str) -> ConfigDict:
    """Ask the model for these fields every time (the grammar then makes it consider them),
    while validation still defaults them when a model leaves them out."""

    def extra(schema: dict[str, Any]) -> None:
        schema["required"] = [*schema.get("required", []), *names]

    return ConfigDict(json_schema_extra=extra)


def _at_most(n: int) -> dict[str, Any]:
    """Cap a list in the schema sent (the grammar stops runaway lists) without rejecting more."""
    return {"maxItems": n}


def _strict_article(info: ValidationInfo) -> ArticleText | None:
    """The article to check against, or None when checks must not raise (lenient/offline)."""
    context = info.context or {}
    if context.get(CONTEXT_LENIENT):
        return None
    article = context.get(CONTEXT_ARTICLE)
    return article if isinstance(article, ArticleText) else None


def _check_refs(refs: list[EvidenceRef], info: ValidationInfo) -> list[EvidenceRef]:
    article = _strict_article(info)
    if article is not None:
        _, problems = resolve_refs(refs, article)
        if problems:
            raise ValueError("; ".join(map(str, problems)) + ". Cite sentence ids such as [3].")
    return refs


class DraftKeyPoint(BaseModel):
    evidence: Evidence
    text: str

    _refs = field_validator("evidence")(_check_refs)


class DraftActor(BaseModel):
    name: str
    role: ActorRole = ActorRole.OTHER
    kind: ActorKind = ActorKind.UNKNOWN
    country: OptStr = None

    @field_validator("name")
    @classmethod
    def _named_in_article(cls, name: str, info: ValidationInfo) -> str:
        article = _strict_article(info)
        if article is not None and (
            problem := checks.name_problem(name, article.normalised, "actor")
        ):
            raise ValueError(f"{problem}; use names as written in the article")
        return name


class DraftQuantity(BaseModel):
    value: float
    unit: str
    what: str = ""


class DraftEvent(BaseModel):
    model_config = _also_required("actors", "location", "when", "source")

    evidence: Evidence
    type: EventType
    summary: str
    actors: list[DraftActor] = Field(default_factory=list, json_schema_extra=_at_most(4))
    location: OptStr = None
    country: OptStr = None
    when: OptStr = None
    quantities: list[DraftQuantity] = Field(default_factory=list, json_schema_extra=_at_most(3))
    killed: OptInt = None
    injured: OptInt = None
    source: OptStr = None
    disputed: bool = False
    # the date words of the happening a "the day before"/"la veille" is told against: set by
    # the staged rules from the parse, never asked of a model (not in the JSON schema)
    anchor: SkipJsonSchema[str | None] = None

    _refs = field_validator("evidence")(_check_refs)

    @field_validator("when")
    @classmethod
    def _copied_date(cls, when: str | None, info: ValidationInfo) -> str | None:
        article = _strict_article(info)
        if (
            when
            and article is not None
            and (problem := checks.phrase_problem(when, article.normalised, "when"))
        ):
            raise ValueError(f"{problem}; copy the date words or use null")
        return when

    @model_validator(mode="after")
    def _numbers_in_evidence(self, info: ValidationInfo) -> DraftEvent:
        article = _strict_article(info)
        if article is None:
            return self
        spans, _ = resolve_refs(self.evidence, article)
        evidence = evidence_text(spans)
        problems = [checks.quantity_problem(q.value, q.unit, evidence) for q in self.quantities] + [
            checks.casualty_problem(kind, value, evidence)
            for kind, value in (("killed", self.killed), ("injured", self.injured))
            if value is not None
        ]
        if found := [str(p) for p in problems if p]:
            raise ValueError("; ".join(found) + "; give only numbers the evidence states")
        return self


class Draft(BaseModel):
    """Brief the article: headline, summary, key points and events, each with evidence ids."""

    model_config = _also_required("key_points", "events")

    headline: str
    summary: str
    key_points: list[DraftKeyPoint] = Field(
        default_factory=list, json_schema_extra=_at_most(MAX_KEY_POINTS)
    )
    events: list[DraftEvent] = Field(default_factory=list, json_schema_extra=_at_most(MAX_EVENTS))

    @classmethod
    def model_json_schema(cls, *args: Any, **kwargs: Any) -> dict[str, Any]:
        """The schema instructor sends: without titles and defaults, which only cost tokens.

        Draft's is generated once per set of arguments (pydantic takes ~4 ms, and the closed
        schema of service/llm/choices.py starts from it on every miss), and each caller gets
        its own copy, free to change. Subclasses (instructor makes one per call when given
        Draft itself) are generated every time: the memo holds Draft's alone."""
        try:
            key: Any = (args, tuple(sorted(kwargs.items()))) if cls is Draft else None
            schema = _SCHEMAS.get(key) if key is not None else None
        except TypeError:  # an unhashable argument: not kept
            key, schema = None, None
        if schema is None:
            generated = super().model_json_schema(*args, **kwargs)
            title = generated.get("title", cls.__name__)
            schema = {**_lean(generated), "title": title}
            if key is not None:
                _SCHEMAS[key] = schema
        copied: dict[str, Any] = _copy(schema)
        return copied


_SCHEMAS: dict[Any, dict[str, Any]] = {}


def _copy(node: Any) -> Any:
    """A JSON schema's copy (dicts and lists copied, leaves shared), ~3× faster than deepcopy."""
    if isinstance(node, dict):
        return {k: _copy(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_copy(v) for v in node]
    return node


def _lean(node: Any) -> Any:
    """Drop titles and defaults; write `X | None` as `"type": [X, "null"]` (fewer tokens)."""
    if isinstance(node, dict):
        options = node.get("anyOf")
        if (
            isinstance(options, list)
            and len(options) == 2
            and options[1] == {"type": "null"}
            and set(options[0]) == {"type"}
        ):
            node = {k: v for k, v in node.items() if k != "anyOf"} | {
                "type": [options[0]["type"], "null"]
            }
        return {k: _lean(v) for k, v in node.items() if k not in ("title", "default")}
    if isinstance(node, list):
        return [_lean(v) for v in node]
    return node


@functools.cache
def draft_schema_hash() -> str:
    """Part of the cache key: a change to what we ask the model for changes its answers."""
    schema = json.dumps(Draft.model_json_schema(), sort_keys=True).encode()
    return hashlib.sha256(schema).hexdigest()[:12]
