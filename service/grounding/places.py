"""Verified places, resolved: each event's location gets its admin1, country, ISO code and
coordinates from the offline gazetteer (service/geo), never from the model.

Verification has already checked that the article writes the place's name; this step only
adds what the gazetteer knows, read in the article's context (the countries and the other
places it names, and the event's own evidence, which says which mention is meant). A place
the gazetteer cannot settle keeps its name and the country the article gave, with every
resolved field null and precision `unknown`.
"""

from __future__ import annotations

from collections.abc import Sequence

from schemas import Event, Location
from service.geo import countries
from service.geo.geocode import Resolved, resolve_places


def place_events(events: Sequence[Event], text: str, url: str | None = None) -> list[Event]:
    located = [(event, event.location) for event in events if event.location is not None]
    resolved = iter(
        resolve_places(
            [location.name for _, location in located],
            text,
            anchors=[event.evidence[0].quote for event, _ in located],
            outlet=url,
        )
    )
    return [
        event.model_copy(update={"location": _located(event.location, next(resolved))})
        if event.location is not None
        else event
        for event in events
    ]


def _located(location: Location, place: Resolved) -> Location:
    if place.precision == "unknown":
        return location.model_copy(
            update={"facility": place.facility, "resolved_by": place.rule, "precision": "unknown"}
        )
    return location.model_copy(
        update={
            "admin1": place.admin1,
            "admin1_code": place.admin1_code,
            "admin1_local": place.admin1_local,
            "country": countries.name(place.country) or location.country,
            "country_code": place.country,
            "latitude": _degrees(place.latitude),
            "longitude": _degrees(place.longitude),
            "precision": place.precision,
            "facility": place.facility,
            "resolved_by": place.rule,
        }
    )


def _degrees(value: float | None) -> float | None:
    """Five decimals (about a metre): a centroid's float noise is not precision."""
    return None if value is None else round(value, 5)
