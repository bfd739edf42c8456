"""The map's places grouped per zoom and area on the server (dashboard/clusters.py)."""
from __future__ import annotations

import pytest

from dashboard.clusters import (BLOCK_PX, CELL_PX, DEFAULT_SIZE, PLACES_FROM_ZOOM, Area, Viewport, centred, fitted,
                                group)
from pipeline.storage import PlaceSummary


def place(name: str, lat: float, lon: float, n: int = 1) -> PlaceSummary:
    return PlaceSummary(f"geonames:{name}", lat, lon, n, "2022-09-09", "battle", (), name, "point")


KHARKIV, CHUHUIV, QUITO = place("Kharkiv", 49.99, 36.23, 5), place("Chuhuiv", 49.84, 36.69, 2), place("Quito", -0.22, -78.5)


def test_a_reported_viewport_is_read_and_anything_else_is_none():
    view = Viewport.reported({"zoom": 5, "bounds": {"_southWest": {"lat": 40, "lng": 20},
                                                    "_northEast": {"lat": 55, "lng": 50}}})
    assert view == Viewport(5, 40.0, 20.0, 55.0, 50.0)
    width, height = view.size
    assert width == pytest.approx(30 / 360 * 256 * 32)  # 30 degrees of longitude at zoom 5
    for junk in (None, {}, {"zoom": "x", "bounds": {}}, {"zoom": 3, "bounds": {"_southWest": None}},
                 {"zoom": 3, "bounds": {"_southWest": {"lat": 5, "lng": 5}, "_northEast": {"lat": 1, "lng": 1}}}):
        assert Viewport.reported(junk) is None


def test_fitting_picks_the_largest_zoom_that_holds_the_bounds():
    world = fitted(((-50.0, -170.0), (70.0, 170.0)), DEFAULT_SIZE, 9)
    assert world.zoom == 1  # 880 px of room hold 340 degrees at zoom 1 (604 px), not at zoom 2
    oblast = fitted(((49.0, 35.5), (50.5, 38.0)), DEFAULT_SIZE, 9)
    assert oblast.zoom == 8 and oblast.west < 35.5 and oblast.east > 38.0
    assert fitted(((49.99, 36.23), (49.99, 36.23)), DEFAULT_SIZE, 9).zoom == 9  # one point: the closest allowed
    assert centred(49.99, 36.23, 10, DEFAULT_SIZE).size == pytest.approx(DEFAULT_SIZE)


def test_the_area_pads_the_viewport_and_snaps_to_blocks_so_small_pans_share_it():
    view = centred(49.99, 36.23, 8, (1000, 560))
    area = view.area()
    assert all(v % BLOCK_PX == 0 for v in (area.x0, area.y0, area.x1, area.y1))
    assert area.x1 - area.x0 >= 2 * 1000 and area.y1 - area.y0 >= 2 * 560
    assert centred(49.99, 36.27, 8, (1000, 560)).area() == area  # a pan of a few pixels


def test_places_alone_in_their_cell_stay_places_and_close_ones_become_one_cluster():
    far_zoom = centred(30, 0, 2, DEFAULT_SIZE).area()
    alone, clusters = group([KHARKIV, QUITO, CHUHUIV], far_zoom)
    assert alone == [QUITO]
    [cluster] = clusters
    assert (cluster.n_events, cluster.n_places) == (7, 2)
    assert (cluster.south, cluster.west, cluster.north, cluster.east) == (49.84, 36.23, 49.99, 36.69)
    assert 49.84 < cluster.lat < 49.99 and 36.23 < cluster.lon < 36.69
    near = centred(49.9, 36.4, 9, DEFAULT_SIZE).area()  # zoomed in: 30 km apart is over a hundred pixels
    assert group([KHARKIV, QUITO, CHUHUIV], near) == ([KHARKIV, CHUHUIV], [])  # Quito is outside the area


def test_every_event_in_the_area_is_counted_once_whatever_the_zoom():
    places = [place(f"p{i}", 48 + (i % 7) * 0.003, 30 + (i // 7) * 0.004, i + 1) for i in range(49)]
    shapes = set()
    for zoom in range(0, PLACES_FROM_ZOOM + 2):
        area = centred(48.01, 30.012, zoom, (2000, 2000)).area()
        alone, clusters = group(places, area)
        assert sum(p.n_events for p in alone) + sum(c.n_events for c in clusters) == sum(range(1, 50))
        assert all(c.n_places > 1 for c in clusters) and (zoom < PLACES_FROM_ZOOM or not clusters)
        shapes.add((len(alone), len(clusters)))
    assert (0, 1) in shapes and (49, 0) in shapes and len(shapes) >= 3  # one group, every place, and between
    assert BLOCK_PX % CELL_PX == 0


def test_a_map_panned_round_the_world_gets_its_places_in_the_copy_it_shows():
    east_of_the_dateline = centred(0, 185, 4, DEFAULT_SIZE).area()  # the reader panned east past 180°
    fiji = place("Suva", -18.14, 178.44)
    samoa = place("Apia", -13.83, -171.76)  # 188.24° in the copy on screen
    alone, _ = group([fiji, samoa], east_of_the_dateline)
    assert alone == [fiji, samoa]
    assert east_of_the_dateline.wrap(-171.76) == pytest.approx(188.24) and east_of_the_dateline.wrap(178.44) == 178.44
    assert Area(0, 0, 0, 256, 256).wrap(-171.76) == -171.76
