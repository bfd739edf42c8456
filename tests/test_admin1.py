"""Admin-1 borders for the offline basemap: which arcs are kept, how they are simplified and written."""
from __future__ import annotations

import json

from dashboard import admin1

# Two regions side by side, quantised and delta-encoded as TopoJSON stores them: arc 0 is the border
# they share (x = 1 from y = 0 to y = 2, with a midpoint on the line), arcs 1 and 2 their outer edges.
TWO_REGIONS = {
    "type": "Topology",
    "transform": {"scale": [1.0, 1.0], "translate": [10.0, 40.0]},
    "objects": {"xyz": {"type": "GeometryCollection", "geometries": [
        {"type": "Polygon", "arcs": [[0, 1]], "properties": {"name": "West"}},
        {"type": "MultiPolygon", "arcs": [[[~0, 2]]], "properties": {"name": "East"}},
    ]}},
    "arcs": [
        [[1, 0], [0, 1], [0, 1]],
        [[1, 2], [-1, 0], [0, -2], [1, 0]],
        [[1, 0], [1, 0], [0, 2], [-1, 0]],
    ],
}


def _decode(flat: list[int], grid: int) -> list[tuple[float, float]]:
    """What the page does with a written line: running sums of the steps, back in degrees."""
    lat, lon, points = flat[0], flat[1], [(flat[0] / grid, flat[1] / grid)]
    for i in range(2, len(flat), 2):
        lat, lon = lat + flat[i], lon + flat[i + 1]
        points.append((lat / grid, lon / grid))
    return points


def test_only_the_border_two_regions_share_is_kept_and_decoded_to_degrees():
    arcs = list(admin1.internal_arcs(TWO_REGIONS))
    assert arcs == [[(11.0, 40.0), (11.0, 41.0), (11.0, 42.0)]]  # lon, lat; the outer edges are the country's


def test_simplify_drops_points_on_the_line_and_keeps_corners():
    assert admin1.simplify([(0.0, 0.0), (1.0, 0.001), (2.0, 0.0)], tolerance=0.01) == [(0.0, 0.0), (2.0, 0.0)]
    corner = [(0.0, 0.0), (1.0, 1.0), (2.0, 0.0)]
    assert admin1.simplify(corner, tolerance=0.01) == corner


def test_a_country_across_the_antimeridian_is_drawn_on_one_side():
    lines = [[(178.0, 65.0), (179.5, 66.0)], [(179.8, 66.0), (-179.0, 66.5)], [(170.0, 64.0), (171.0, 64.5)]]
    moved = admin1.across_antimeridian(lines)
    assert moved[1] == [(179.8, 66.0), (181.0, 66.5)]  # most of it lies east of 0, so it stays past 180
    assert moved[0] == lines[0] and moved[2] == lines[2]
    ukraine = [[(30.0, 50.0), (31.0, 50.5)]]
    assert admin1.across_antimeridian(ukraine) == ukraine


def test_build_writes_each_countrys_borders_as_steps_and_skips_other_files(tmp_path):
    (tmp_path / "xyz.topo.json").write_text(json.dumps(TWO_REGIONS))
    (tmp_path / "world.topo.json").write_text(json.dumps(TWO_REGIONS))  # not a country's admin-1 file
    (tmp_path / "xyz.json").write_text("{}")  # the same country as GeoJSON: not read
    target = tmp_path / "out" / "borders.json"
    assert admin1.build(tmp_path, target) == 1
    written = json.loads(target.read_text())
    assert written["grid"] == admin1.GRID
    [line] = written["lines"]
    assert _decode(line, written["grid"]) == [(40.0, 11.0), (42.0, 11.0)]  # lat, lon; the midpoint simplified away
