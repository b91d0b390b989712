"""Request bodies validated, and documented, with the models' own strictness.

Litestar calls pydantic's `model_validate(..., strict=False)` whatever the model says, so a
client's `"5"` would silently become 5 and `false` would become 0. The request models declare
`strict=True` themselves (schemas/article.py); this init plugin passes `strict=None`, which
lets each model's config decide. It reuses a private helper of Litestar 2.25's pydantic
plugin (it turns pydantic errors into Litestar's 400 with field paths); tests/api/test_strict.py
pins the behaviour, so an upgrade that moves it fails loudly.

Litestar's OpenAPI schemas also leave out what `extra="forbid"` means, so the document
allowed unknown fields that the server rejects (schemathesis: "schema-valid request
rejected"). The plugin swaps in a schema plugin that says `additionalProperties: false`
for those models, as pydantic's own JSON Schema (schemas/json/) does, and `true` for models
that allow extra members (a problem's `url` and `cause`): validators that close a schema by
default (Redocly's example check) would otherwise reject the API's own examples. And where
Litestar writes `oneOf` for alternatives that overlap (`date | datetime`: both strings, and
`format` only annotates), it says `anyOf`, as pydantic does: `oneOf` would make a value
that matches both invalid.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial
from typing import Any

from litestar.config.app import AppConfig
from litestar.openapi.spec import Reference, Schema
from litestar.plugins.pydantic import PydanticInitPlugin, PydanticSchemaPlugin
from litestar.plugins.pydantic.plugins.init import _dec_pydantic_v2, is_pydantic_v2_model_class
from litestar.typing import FieldDefinition

Decoder = tuple[Callable[[Any], bool], Callable[[Any, Any], Any]]


class ClosedModelSchemaPlugin(PydanticSchemaPlugin):
    """Pydantic models as Litestar documents them, plus `additionalProperties: false` for
    models that forbid extra fields."""

    @classmethod
    def for_pydantic_model(cls, field_definition: FieldDefinition, schema_creator: Any) -> Schema:
        schema = super().for_pydantic_model(field_definition, schema_creator)
        config = getattr(field_definition.annotation, "model_config", {})
        if config.get("extra") in ("forbid", "allow"):
            schema.additional_properties = config["extra"] == "allow"
        for prop in (schema.properties or {}).values():
            if isinstance(prop, Schema) and _overlapping(prop.one_of):
                prop.any_of, prop.one_of = prop.one_of, None
        return schema


def _overlapping(alternatives: Sequence[Schema | Reference] | None) -> bool:
    """Whether two alternatives can match one value: the same JSON type (formats aside)."""
    types = [
        a.type if isinstance(a.type, str) else tuple(a.type)
        for a in alternatives or ()
        if isinstance(a, Schema) and a.type is not None
    ]
    return len(types) != len(set(types))


class ModelStrictnessPlugin(PydanticInitPlugin):
    @classmethod
    def decoders(cls, validate_strict: bool = False) -> list[Decoder]:
        # strict=None is what pydantic takes to mean "as the model says"; Litestar types it bool.
        decode = partial(_dec_pydantic_v2, strict=None)  # type: ignore[arg-type]
        ours: Decoder = (is_pydantic_v2_model_class, decode)
        return [ours, *super().decoders(validate_strict=validate_strict)]

    def on_app_init(self, app_config: AppConfig) -> AppConfig:
        """Litestar has added its default schema plugin by now (it builds the plugin registry
        after this hook); ours takes its place."""
        app_config.plugins = [
            p for p in app_config.plugins if type(p) is not PydanticSchemaPlugin
        ] + [ClosedModelSchemaPlugin()]
        return super().on_app_init(app_config)
