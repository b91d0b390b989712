"""The linguistic layer: each article parsed once (tokens, lemmas, dependencies, entities).

spaCy's small pipelines for English and French (`pipeline.py`, loaded once per process),
the language decided from the request or detected (`language.py`), one `Parsed` per article
aligned to the article's own sentences (`parse.py`), what a clause says in syntax: subject,
agent, object, negation, modality, the places and dates attached to it (`clauses.py`), and
the field's dictionaries compiled into tables (`dictionary.py`: PETRARCH2's CAMEO verbs and
Phoenix agents, data/NOTICE.md). It imports nothing else of the service, so verification,
candidates, the geocoder and the headline check can all share one parse.
"""

from service.nlp.language import EXTRACTED_LANGUAGES, article_language
from service.nlp.parse import Parsed, parse

__all__ = ["EXTRACTED_LANGUAGES", "Parsed", "article_language", "parse"]
