"""The map's places grouped on the server, per zoom level and around what the screen shows.

At a million events a view has tens of thousands of places; sending every one and clustering them in the browser
cost seconds and megabytes per view, whatever part of the world the reader looks at. Here the places are binned
into square cells of CELL_PX screen pixels at the map's zoom (Web Mercator, as Leaflet draws), and only the cells
of the area around the viewport are sent: a cell with one place is that place's marker (with its popup), a cell
with more is one group marker with their events summed. What a view sends is bounded by the screen, not by rows.

The area is the viewport padded by half a screen on each side and snapped outward to blocks of BLOCK_PX, so small
pans fall in the same area (the same cached view, nothing sent again) and a pan shows markers before the new area
arrives. From PLACES_FROM_ZOOM on, every place is its own marker.
"""
from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from pipeline.storage import PlaceSummary

TILE_PX = 256
CELL_PX = 64
BLOCK_PX = 8 * CELL_PX
PLACES_FROM_ZOOM = 12
MAX_LAT = 85.0511287798  # Web Mercator's edge: Leaflet draws nothing beyond
# The map's size in pixels until the browser has said (the frame is as wide as the page's main column).
DEFAULT_SIZE = (1000, 560)
# EventsView's fitBounds padding, top-left plus bottom-right, in pixels (width, height).
FIT_PADDING = (120, 80)


def _world(zoom: int) -> float:
    return TILE_PX * 2.0 ** zoom


def _x(lon, zoom: int):
    return (np.asarray(lon, dtype=float) + 180.0) / 360.0 * _world(zoom)


def _y(lat, zoom: int):
    s = np.sin(np.radians(np.clip(np.asarray(lat, dtype=float), -MAX_LAT, MAX_LAT)))
    return (0.5 - np.log((1 + s) / (1 - s)) / (4 * math.pi)) * _world(zoom)


def _lon(x, zoom: int):
    return np.asarray(x, dtype=float) / _world(zoom) * 360.0 - 180.0


def _lat(y, zoom: int):
    return np.degrees(np.arctan(np.sinh(math.pi - 2 * math.pi * np.asarray(y, dtype=float) / _world(zoom))))


@dataclass(frozen=True)
class Area:
    """The part of the world a view's markers cover, in whole blocks of pixels at `zoom` (x may pass the world's
    edge once the map has been panned round it): the key of a cached view."""

    zoom: int
    x0: int
    y0: int
    x1: int
    y1: int

    def wrap(self, lon: float) -> float:
        """`lon` moved by whole turns into the copy of the world this area looks at."""
        x = float(_x(lon, self.zoom))
        return lon + 360.0 * round(((self.x0 + self.x1) / 2 - x) / _world(self.zoom))


@dataclass(frozen=True)
class Viewport:
    """What the map shows: its zoom and its south-west and north-east corners."""

    zoom: int
    south: float
    west: float
    north: float
    east: float

    @classmethod
    def reported(cls, value) -> Viewport | None:
        """The viewport streamlit-folium reported ({"zoom": z, "bounds": {"_southWest": {"lat", "lng"},
        "_northEast": {...}}}), or None before the map has said (or if it said something else)."""
        try:
            south_west, north_east = value["bounds"]["_southWest"], value["bounds"]["_northEast"]
            view = cls(int(value["zoom"]), float(south_west["lat"]), float(south_west["lng"]),
                       float(north_east["lat"]), float(north_east["lng"]))
        except (TypeError, KeyError, ValueError):
            return None
        return view if view.north > view.south and view.east > view.west else None

    @property
    def size(self) -> tuple[float, float]:
        """The map's size in pixels."""
        return (float(_x(self.east, self.zoom) - _x(self.west, self.zoom)),
                float(_y(self.south, self.zoom) - _y(self.north, self.zoom)))

    def area(self) -> Area:
        """The viewport padded by half a screen each way, snapped outward to blocks."""
        width, height = self.size
        x0, x1 = float(_x(self.west, self.zoom)) - width / 2, float(_x(self.east, self.zoom)) + width / 2
        y0 = max(0.0, float(_y(self.north, self.zoom)) - height / 2)
        y1 = min(_world(self.zoom), float(_y(self.south, self.zoom)) + height / 2)
        return Area(self.zoom, *(BLOCK_PX * int(math.floor(v / BLOCK_PX)) for v in (x0, y0)),
                    *(BLOCK_PX * int(math.ceil(v / BLOCK_PX)) for v in (x1, y1)))


def centred(lat: float, lon: float, zoom: int, size: tuple[float, float]) -> Viewport:
    """The viewport of a map of `size` pixels centred on a point at `zoom`."""
    x, y = float(_x(lon, zoom)), float(_y(lat, zoom))
    width, height = size
    return Viewport(zoom, float(_lat(y + height / 2, zoom)), float(_lon(x - width / 2, zoom)),
                    float(_lat(y - height / 2, zoom)), float(_lon(x + width / 2, zoom)))


def fitted(bounds: tuple[tuple[float, float], tuple[float, float]], size: tuple[float, float],
           max_zoom: int) -> Viewport:
    """The viewport Leaflet's fitBounds gives `bounds` (south-west, north-east) on a map of `size` pixels: the
    largest zoom, up to `max_zoom`, at which they fit inside EventsView's padding."""
    (south, west), (north, east) = bounds
    room = (max(1.0, size[0] - FIT_PADDING[0]), max(1.0, size[1] - FIT_PADDING[1]))
    span = (float(_x(east, 0) - _x(west, 0)), float(_y(south, 0) - _y(north, 0)))
    scales = [r / s for r, s in zip(room, span) if s > 0]
    zoom = min(max_zoom, int(math.floor(math.log2(min(scales))))) if scales else max_zoom
    zoom = max(0, zoom)
    middle_y = (float(_y(south, zoom)) + float(_y(north, zoom))) / 2
    return centred(float(_lat(middle_y, zoom)), (west + east) / 2, zoom, size)


@dataclass(frozen=True)
class Cluster:
    """Places close together at this zoom, as one marker: at their events' centre, with their events summed and
    the box that holds them (a click zooms to it)."""

    lat: float
    lon: float
    n_events: int
    n_places: int
    south: float
    west: float
    north: float
    east: float


def group(places: Sequence[PlaceSummary], area: Area) -> tuple[list[PlaceSummary], list[Cluster]]:
    """The places in `area` alone in their cell (in the order given), and the cells of several, as clusters."""
    if not places:
        return [], []
    zoom = area.zoom
    lat = np.fromiter((p.lat for p in places), float, len(places))
    lon = np.fromiter((p.lon for p in places), float, len(places))
    n = np.fromiter((p.n_events for p in places), float, len(places))
    x, y = _x(lon, zoom), _y(lat, zoom)
    turns = np.round(((area.x0 + area.x1) / 2 - x) / _world(zoom))  # into the copy of the world the area shows
    x, lon = x + turns * _world(zoom), lon + 360.0 * turns
    inside = np.flatnonzero((x >= area.x0) & (x < area.x1) & (y >= area.y0) & (y < area.y1))
    if zoom >= PLACES_FROM_ZOOM:
        return [places[i] for i in inside], []
    cells = pd.DataFrame({"cx": np.floor(x[inside] / CELL_PX), "cy": np.floor(y[inside] / CELL_PX),
                          "i": inside, "n": n[inside], "xn": x[inside] * n[inside], "yn": y[inside] * n[inside],
                          "lat": lat[inside], "lon": lon[inside]})
    sums = cells.groupby(["cx", "cy"], sort=False).agg(
        places=("i", "size"), first=("i", "min"), n=("n", "sum"), xn=("xn", "sum"), yn=("yn", "sum"),
        south=("lat", "min"), north=("lat", "max"), west=("lon", "min"), east=("lon", "max"))
    alone = np.sort(sums.loc[sums["places"] == 1, "first"].to_numpy())
    several = sums[sums["places"] > 1]
    clusters = [Cluster(round(float(_lat(yn / n_, zoom)), 4), round(float(_lon(xn / n_, zoom)), 4), int(n_), int(k),
                        s, w, no, e)
                for k, n_, xn, yn, s, no, w, e in zip(several["places"], several["n"], several["xn"], several["yn"],
                                                     several["south"], several["north"], several["west"],
                                                     several["east"])]
    return [places[i] for i in alone], clusters
