"""A resolved place, and how each kind of answer is built from the gazetteer's entries."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Literal

from service.geo._cities import City
from service.geo._gazetteer import Gazetteer, Region

Precision = Literal["facility", "city", "region", "country", "unknown"]


@dataclass(frozen=True, slots=True)
class Resolved:
    query: str
    name: str | None
    admin1: str | None  # English, where GeoNames has an English name ("North Sulawesi")
    country: str | None  # ISO 3166-1 alpha-2
    latitude: float | None
    longitude: float | None
    precision: Precision  # what the coordinates stand for
    facility: bool  # the text names a facility; the coordinates are its namesake region's
    rule: str  # the step of the rule that decided
    admin1_code: str | None = None  # ISO 3166-2 ("ID-SA"), where GeoNames links one
    admin1_local: str | None = None  # the admin1's local name, where it differs ("Sulawesi Utara")

    def with_admin1(self, admin1: Region | None) -> Resolved:
        if admin1 is None:
            return self
        return replace(self, admin1=admin1.name, admin1_code=admin1.iso, admin1_local=admin1.local)


def unknown(query: str, rule: str, facility: bool = False) -> Resolved:
    return Resolved(query, None, None, None, None, None, "unknown", facility, rule)


def city(gz: Gazetteer, query: str, place: City, rule: str, fac: bool = False) -> Resolved:
    return Resolved(
        query, place.name, None, place.country, place.lat, place.lon, "city", fac, rule
    ).with_admin1(gz.regions.get(place.admin1))


def region(gz: Gazetteer, query: str, sub: Region, rule: str, fac: bool = False) -> Resolved:
    return Resolved(
        query, sub.name, None, sub.country, sub.lat, sub.lon, "region", fac, rule
    ).with_admin1(gz.regions.get(sub.admin1))
