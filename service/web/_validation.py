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
for those models, as pydantic's own JSON Schema (schemas/json/) does.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from litestar.config.app import AppConfig
from litestar.openapi.spec import Schema
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
        if config.get("extra") == "forbid":
            schema.additional_properties = False
        return schema


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
