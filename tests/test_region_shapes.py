"""Natural Earth admin-1 shapes: decoding, centres, containment, and matching them to regions."""
from __future__ import annotations

import json

import pytest

from pipeline import region_shapes
from pipeline.gazetteer import normalize_name
from pipeline.gazetteer_build import _shape_of

SQUARE = [(0.0, 0.0), (2.0, 0.0), (2.0, 2.0), (0.0, 2.0), (0.0, 0.0)]
HOLE = [(0.0, 0.0), (1.0, 0.0), (1.0, 1.0), (0.0, 1.0), (0.0, 0.0)]  # wound like the outer ring, as data may be


def test_centroid_weighs_areas_and_takes_holes_out_whatever_their_winding():
    lat, lon = region_shapes.centroid([(True, SQUARE), (False, HOLE)])
    assert lat == pytest.approx(3.5 / 3) and lon == pytest.approx(3.5 / 3)  # (4 * 1 - 1 * 0.5) / 3
    two_islands = [(True, SQUARE), (True, [(x + 10, y) for x, y in reversed(SQUARE)])]
    assert region_shapes.centroid(two_islands) == pytest.approx((1.0, 6.0))


def test_centroid_of_a_region_across_the_antimeridian_stays_there():
    east = [(179.0, 0.0), (180.0, 0.0), (180.0, 1.0), (179.0, 1.0), (179.0, 0.0)]
    west = [(-180.0, 0.0), (-179.0, 0.0), (-179.0, 1.0), (-180.0, 1.0), (-180.0, 0.0)]
    lat, lon = region_shapes.centroid([(True, east), (True, west)])
    assert lat == pytest.approx(0.5) and abs(lon) == pytest.approx(180.0)  # not 0, across the world


def _topology(tmp_path, name="xyz"):
    """One country file: region West (a 1 x 2 box east of 10, 40) and region East beside it, sharing arc 0."""
    topology = {
        "type": "Topology", "transform": {"scale": [1.0, 1.0], "translate": [10.0, 40.0]},
        "objects": {name: {"type": "GeometryCollection", "geometries": [
            {"type": "Polygon", "arcs": [[0, 1]], "properties": {"name": "West"}},
            {"type": "MultiPolygon", "arcs": [[[~0, 2]]], "properties": {"name": "Eastern Province"}},
        ]}},
        "arcs": [[[1, 0], [0, 2]], [[1, 2], [-1, 0], [0, -2], [1, 0]], [[1, 0], [1, 0], [0, 2], [-1, 0]]],
    }
    (tmp_path / f"{name}.topo.json").write_text(json.dumps(topology))


def test_country_shapes_decode_each_region_with_its_centre_and_outline(tmp_path):
    _topology(tmp_path)
    [(code, shapes)] = list(region_shapes.country_shapes(tmp_path))
    west, east = shapes
    assert code == "xyz" and (west.name, east.name) == ("West", "Eastern Province")
    assert west.centre == pytest.approx((41.0, 10.5)) and east.centre == pytest.approx((41.0, 11.5))
    assert west.contains(41.0, 10.5) and not west.contains(41.0, 11.5) and east.contains(41.5, 11.9)
    assert not east.contains(43.0, 11.5)  # beyond the box around it


def test_a_region_takes_the_shape_around_its_point_with_a_like_name(tmp_path):
    _topology(tmp_path)
    [(_, shapes)] = list(region_shapes.country_shapes(tmp_path))
    named = [(normalize_name(s.name), s) for s in shapes]

    def shape_of(region):
        return _shape_of(region, {normalize_name(n) for n in region["names"] if n}, named)

    east = {"lat": 41.2, "lon": 11.8, "names": ["Eastern", ""]}  # "Eastern" starts like "Eastern Province"
    assert shape_of(east).name == "Eastern Province"
    elsewhere = {"lat": 41.2, "lon": 11.8, "names": ["Westmoreland"]}  # inside East, named like neither
    assert shape_of(elsewhere) is None
    by_name = {"lat": 0.0, "lon": 0.0, "names": ["West"]}  # its point is off every shape: the exact name decides
    assert shape_of(by_name).name == "West"


@pytest.mark.parametrize("name, kept", [("ukr.topo.json", True), ("uk.topo.json", True), ("world.topo.json", False),
                                         ("_nul.topo.json", False), ("testing.json", False), ("ukr.json", False)])
def test_country_files_are_the_per_country_topologies(tmp_path, name, kept):
    (tmp_path / name).write_text("{}")
    assert (region_shapes.country_files(tmp_path) == [tmp_path / name]) is kept
