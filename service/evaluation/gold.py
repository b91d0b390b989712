"""Hand-written gold annotations and the articles they describe (see seeds/README.md)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from schemas import Article, EventType


class GoldQuantity(BaseModel):
    value: float
    unit: str


class GoldPlace(BaseModel):
    """Where the event happened, as a correct resolver returns it (schemas.Location's fields).

    Coordinates are null where the annotator cannot vouch for them; a resolver's answer is
    then judged on the unit, admin1 and country alone.
    """

    model_config = ConfigDict(extra="forbid")

    name: str
    admin1: str | None = None
    admin1_code: str | None = Field(
        default=None, description="ISO 3166-2 of the admin1 (`ID-SA`), where one exists."
    )
    country_code: str | None = None
    precision: Literal["city", "region", "country", "facility", "unknown"]
    facility: bool = False
    latitude: float | None = None
    longitude: float | None = None


class GoldEvent(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str
    type: EventType
    also_ok: list[EventType] = Field(default_factory=list)
    location: str | None = None
    place: GoldPlace | None = None
    date: dt.date | None = None
    date_phrase: str | None = None
    initiator: str | None = None
    quantities: list[GoldQuantity] = Field(default_factory=list)
    killed: int | None = None
    injured: int | None = None
    attributed_to: str | None = None
    disputed: bool = False
    evidence: list[str] = Field(min_length=1)
    happening: str | None = Field(
        default=None,
        description="Merge gold (seeds/merge/): events of different articles with the same "
        "`happening` are one real-world event; an event without one is reported only here.",
    )

    def accepts(self, event_type: str) -> bool:
        return event_type == self.type or event_type in self.also_ok


class GoldFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    annotator: str
    events: list[GoldEvent]


class GoldCase(BaseModel):
    name: str
    article: Article
    gold: GoldFile


def load_case(text_path: Path) -> GoldCase:
    """An article file, its metadata (NAME.json) and its gold (NAME.gold.json)."""
    meta_path = text_path.with_suffix(".json")
    meta = json.loads(meta_path.read_text(encoding="utf-8")) if meta_path.is_file() else {}
    meta.pop("file", None)
    gold_path = text_path.with_name(text_path.stem + ".gold.json")
    if not gold_path.is_file():
        raise FileNotFoundError(f"no gold file {gold_path.name} beside {text_path.name}")
    return GoldCase(
        name=text_path.stem,
        article=Article.model_validate({"text": text_path.read_text(encoding="utf-8"), **meta}),
        gold=GoldFile.model_validate_json(gold_path.read_text(encoding="utf-8")),
    )


def find_cases(paths: list[Path]) -> list[GoldCase]:
    """Every article with a gold file under the given files or folders, by name."""
    texts: list[Path] = []
    for path in paths:
        if path.is_dir():
            texts.extend(
                p for p in path.glob("*.txt") if p.with_name(p.stem + ".gold.json").exists()
            )
        else:
            texts.append(path)
    return [load_case(p) for p in sorted(set(texts))]
