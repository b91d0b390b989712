"""The map on the pages: country outlines from the vendored world-atlas TopoJSON, drawn
server-side as SVG paths in an equirectangular projection, and one marker per located event.

TopoJSON in a few lines: the file stores each border once as an arc (quantized, delta-encoded
points); a country is rings of arc indices (a negative index `~i` is arc `i` reversed), and
consecutive arcs of a ring share their end point. Decoded once per process, in degrees
projected to `x = lon + 180`, `y = 90 - lat`; each page crops the world to its markers
(the SVG viewBox) and sends only the countries that reach into that box. No tiles, no
script, no request leaves the server: see service/web/static/world-atlas/VENDORED.md.
"""

from __future__ import annotations

import functools
import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from service.web.openapi import STATIC_DIR

ATLAS = STATIC_DIR / "world-atlas" / "countries-110m.json"

Point = tuple[float, float]


@dataclass(frozen=True, slots=True)
class Country:
    name: str
    path: str  # SVG path data in projected degrees
    box: tuple[float, float, float, float]  # min x, min y, max x, max y


@dataclass(frozen=True, slots=True)
class Place:
    """A located event: what a marker stands for."""

    item: str  # the event's id on its page: e1, or 3-e1 on a job page
    href: str  # where selecting it leads
    latitude: float
    longitude: float
    title: str  # the marker's tooltip: place, precision
    label: str = ""  # written beside the marker: the place's name


@dataclass(frozen=True, slots=True)
class Marker:
    item: str
    href: str
    x: float
    y: float
    title: str
    label: str


@dataclass(frozen=True, slots=True)
class MapView:
    view_box: str
    x_scale: float  # the outlines' horizontal squeeze: cos(the view's middle latitude)
    countries: list[Country]
    markers: list[Marker]
    radius: float


def project(latitude: float, longitude: float) -> Point:
    return longitude + 180.0, 90.0 - latitude


def _arcs(topology: dict[str, object]) -> list[list[Point]]:
    transform = topology["transform"]
    assert isinstance(transform, dict)
    (sx, sy), (tx, ty) = transform["scale"], transform["translate"]
    decoded = []
    for arc in topology["arcs"]:  # type: ignore[attr-defined]
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append(project(y * sy + ty, x * sx + tx))
        decoded.append(points)
    return decoded


def _ring(indices: Sequence[int], arcs: list[list[Point]]) -> list[Point]:
    ring: list[Point] = []
    for index in indices:
        arc = arcs[index] if index >= 0 else arcs[~index][::-1]
        ring.extend(arc[1:] if ring else arc)
    return ring


def _path(rings: Iterable[list[Point]]) -> str:
    return " ".join(
        "M" + "L".join(f"{x:.2f},{y:.2f}" for x, y in ring) + "Z" for ring in rings if ring
    )


@functools.cache
def countries() -> tuple[Country, ...]:
    """Every country of the atlas, decoded once."""
    topology = json.loads(ATLAS.read_text(encoding="utf-8"))
    arcs = _arcs(topology)
    found = []
    for geometry in topology["objects"]["countries"]["geometries"]:
        polygons = {"Polygon": [geometry.get("arcs", [])], "MultiPolygon": geometry.get("arcs", [])}
        rings = [
            _ring(ring, arcs)
            for polygon in polygons.get(geometry.get("type"), [])
            for ring in polygon
        ]
        points = [point for ring in rings for point in ring]
        if not points:
            continue
        xs, ys = [x for x, _ in points], [y for _, y in points]
        found.append(
            Country(
                name=str(geometry.get("properties", {}).get("name", "")),
                path=_path(rings),
                box=(min(xs), min(ys), max(xs), max(ys)),
            )
        )
    return tuple(found)


def map_view(places: Sequence[Place]) -> MapView | None:
    """The map of `places`, cropped around them; None when there is nothing to place."""
    if not places:
        return None
    points = [project(p.latitude, p.longitude) for p in places]
    xs, ys = [x for x, _ in points], [y for _, y in points]
    middle_lat = 90.0 - (min(ys) + max(ys)) / 2
    k = max(0.35, math.cos(math.radians(middle_lat)))
    # In screen units (x squeezed by k): room around the markers, at least 14° high, 2:1.
    height = max((max(ys) - min(ys)) * 1.6, 14.0)
    width = max((max(xs) - min(xs)) * k * 1.4, height * 2)
    height = width / 2
    cx, cy = (min(xs) + max(xs)) / 2 * k, (min(ys) + max(ys)) / 2
    left, top = cx - width / 2, cy - height / 2
    # The same box in unsqueezed degrees, for picking the countries that show.
    box = (left / k, top, (left + width) / k, top + height)
    shown = [
        c
        for c in countries()
        if c.box[0] <= box[2] and c.box[2] >= box[0] and c.box[1] <= box[3] and c.box[3] >= box[1]
    ]
    markers = [
        Marker(p.item, p.href, round(x * k, 3), round(y, 3), p.title, p.label)
        for p, (x, y) in zip(places, points, strict=True)
    ]
    return MapView(
        view_box=f"{left:.3f} {top:.3f} {width:.3f} {height:.3f}",
        x_scale=round(k, 5),
        countries=shown,
        markers=markers,
        radius=round(width / 110, 3),
    )
