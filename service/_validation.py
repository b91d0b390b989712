"""Request bodies validated with the models' own strictness.

Litestar calls pydantic's `model_validate(..., strict=False)` whatever the model says, so a
client's `"5"` would silently become 5 and `false` would become 0. The request models declare
`strict=True` themselves (schemas/article.py); this init plugin passes `strict=None`, which
lets each model's config decide. It reuses a private helper of Litestar 2.25's pydantic
plugin (it turns pydantic errors into Litestar's 400 with field paths); tests/test_strict.py
pins the behaviour, so an upgrade that moves it fails loudly.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from litestar.plugins.pydantic import PydanticInitPlugin
from litestar.plugins.pydantic.plugins.init import _dec_pydantic_v2, is_pydantic_v2_model_class

Decoder = tuple[Callable[[Any], bool], Callable[[Any, Any], Any]]


class ModelStrictnessPlugin(PydanticInitPlugin):
    @classmethod
    def decoders(cls, validate_strict: bool = False) -> list[Decoder]:
        # strict=None is what pydantic takes to mean "as the model says"; Litestar types it bool.
        decode = partial(_dec_pydantic_v2, strict=None)  # type: ignore[arg-type]
        ours: Decoder = (is_pydantic_v2_model_class, decode)
        return [ours, *super().decoders(validate_strict=validate_strict)]
