"""The folium map: one marker per place, coloured by its most frequent event type and shaped by how precisely
it is placed, or one per group of places close together at the map's zoom (grouped on the server around what the
screen shows: clusters.py); a heat-map layer; an offline basemap under the tiles.

The map comes in two parts: a base map that never changes (basemap, tiles, layer control) and the view's
events as a feature group. streamlit-folium keys its frame on the base map, so a filter change swaps the
feature group in the same frame instead of loading Leaflet and the basemap again in a new one.

Every string that comes from an article (titles, sentences, places, dates as written, sources, URLs)
is untrusted. It reaches the page only as JSON data (never inside JavaScript source: folium's own Popup
and Tooltip put content in template literals, where `${...}` would run), and the page puts it into the
DOM as text nodes (`textContent`), never as markup. Popups are built when opened, from compact data
shared between places (article titles and sources are listed once), which keeps the page small.
"""
from __future__ import annotations

import html
import math
import os
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

import folium
from folium.plugins import HeatMap

from .basemap import OfflineBasemap
from .clusters import Area, Cluster
from .labels import SHAPE_LABELS, SHAPES, colour, date_how, date_when, place_line, safe_url, what_line
from .macros import js_json
from .map_scripts import EventsView, LayersControl, PlaceLabels, PlaceMarkers, Styles
from pipeline.storage import PlaceRow, PlaceSummary

TILES_ENV = "DATELINE_TILES"
# DATELINE_TILES=openstreetmap: OpenStreetMap's public tiles, which a team must choose knowingly (see tile_layer)
OSM_NAME = "openstreetmap"
OSM_TILES = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
OSM_ATTRIBUTION = '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors'
MAX_ZOOM = 18
# Fitting the view to one or two close points would otherwise zoom in to street level.
FIT_MAX_ZOOM = 9
# Zoom used to centre the map on one selected event.
FOCUS_ZOOM = 10
# Zoom from which markers carry their places' names.
LABEL_ZOOM = 7

# Decimals of a marker's coordinates: 11 m, closer than any two gazetteer places the map tells apart.
COORDINATE_DECIMALS = 4


def map_data(places: Sequence[PlaceRow], clusters: Sequence[Cluster], area: Area) -> dict:
    """Everything the page needs to draw the markers and, on demand, their popups, as plain text.

    places: [lat, lon, type, events, shape, newest date or null, [event indexes, newest first; none past the
             view's popup budget], name]; the page makes each marker's tooltip and size from them
    clusters: [lat, lon, events, places, south, west, north, east]
    events: [when, precision, how, place line, place as written, place precision, type, source, article, sentence,
             the alternatives considered, what it is (role, trigger, actors), why this place, [[source, article]
             of every report]]
    articles: [title, http(s) url or null]; type, source and article are indexes into their lists."""
    types: dict[str, int] = {}
    sources: dict[str, int] = {}
    articles: dict[tuple, int] = {}
    events: list[list] = []

    def index(table: dict, key) -> int:
        return table.setdefault(key, len(table))

    rows = []
    for place in places:
        refs = []
        for row, reports in zip(place.events, place.reports or [()] * len(place.events)):
            when, precision = date_when(row)
            refs.append(len(events))
            events.append([when, precision, date_how(row), place_line(row), row.place_text, row.geo_precision,
                           index(types, row.event_type or "other"), index(sources, row.source or "unknown source"),
                           index(articles, (row.title, row.url)), row.sentence,
                           "; ".join(row.alternatives), what_line(row), row.place_reason,
                           [[index(sources, r.source or "unknown source"), index(articles, (r.title, r.url))]
                            for r in reports]])
        rows.append([round(place.lat, COORDINATE_DECIMALS), round(area.wrap(place.lon), COORDINATE_DECIMALS),
                     index(types, place.event_type or "other"), place.n_events, SHAPES.get(place.geo_precision, "point"),
                     place.newest_date, refs, place.name or "unnamed place"])
    return {"types": [[t, colour(t)] for t in types], "sources": list(sources),
            "articles": [[title or "(no title)", safe_url(url)] for title, url in articles],
            "events": events, "places": rows,
            "clusters": [[c.lat, c.lon, c.n_events, c.n_places, round(c.south, COORDINATE_DECIMALS),
                          round(c.west, COORDINATE_DECIMALS), round(c.north, COORDINATE_DECIMALS),
                          round(c.east, COORDINATE_DECIMALS)] for c in clusters]}


@dataclass(frozen=True)
class MapView:
    """One filtered view's map around one area, ready to draw: the page's data as JSON text, so the cache holds a
    few strings (cheap to copy out on every rerun) rather than thousands of rows to render again."""

    data: str  # map_data() as JSON
    heat: tuple[tuple[float, float, float], ...]  # lat, lon, weight
    legend: str  # [[event type, colour]], [[shape, label]] as JSON
    popup_events: int  # events in the fullest popup


def map_view(places: Sequence[PlaceRow], clusters: Sequence[Cluster], area: Area,
             every_place: Sequence[PlaceSummary]) -> MapView:
    """The map of `places` and `clusters` in `area`: their markers' and popups' data, heat and legend (the legend
    names the types and shapes of `every_place` of the view, so it does not change as the reader pans)."""
    types = sorted({p.event_type or "other" for p in every_place})
    shapes = dict.fromkeys(SHAPES.get(p.geo_precision, "point") for p in every_place)
    legend = [[[t.replace("_", " "), colour(t)] for t in types], [[s, SHAPE_LABELS[s]] for s in SHAPE_LABELS if s in shapes]]
    return MapView(js_json(map_data(places, clusters, area)), _heat(places, clusters, area), js_json(legend),
                   max((len(p.events) for p in places), default=0))


def bounds(places: Sequence[PlaceSummary]) -> tuple[tuple[float, float], tuple[float, float]] | None:
    """South-west and north-east corners of the places, None without any."""
    if not places:
        return None
    lats, lons = [p.lat for p in places], [p.lon for p in places]
    return (min(lats), min(lons)), (max(lats), max(lons))


def _heat(places: Sequence[PlaceRow], clusters: Sequence[Cluster], area: Area) -> tuple[tuple[float, float, float], ...]:
    """Each marker weighted by its count on a log scale, so one busy capital does not wash out the rest."""
    points = [(p.lat, area.wrap(p.lon), p.n_events) for p in places] + [(c.lat, c.lon, c.n_events) for c in clusters]
    if not points:
        return ()
    top = math.log1p(max(n for _, _, n in points)) or 1.0
    return tuple((round(lat, COORDINATE_DECIMALS), round(lon, COORDINATE_DECIMALS), round(math.log1p(n) / top, 3))
                 for lat, lon, n in points)


def tile_layer() -> folium.TileLayer | None:
    """No tiles unless DATELINE_TILES names a server (an intranet one, or `openstreetmap` for the public
    tiles): every tile request tells its server which areas the team is looking at, so by default the map
    draws the offline basemap alone and nothing leaves the machine."""
    url = os.environ.get(TILES_ENV, "").strip()
    if url.lower() in ("", "none"):
        return None
    if url.lower() == OSM_NAME:
        url = OSM_TILES
    attribution = OSM_ATTRIBUTION if url == OSM_TILES else f"Tiles: {html.escape(urlsplit(url).netloc or url)}"
    return folium.TileLayer(tiles=url, attr=attribution, max_zoom=MAX_ZOOM, name="Street map tiles", overlay=True)


def base_map(vendor_url: str = "/app/static/vendor") -> folium.Map:
    """The map without events: the offline basemap, the tiles and the layer control. It is the same for every
    view, so streamlit-folium keeps its frame (and Leaflet, and the decoded basemap) across filter changes."""
    fmap = folium.Map(location=(20, 10), zoom_start=2, tiles=None, control_scale=True, world_copy_jump=True)
    fmap.options["max_zoom"] = MAX_ZOOM  # on the map itself: Leaflet takes it from a tile layer, often there is none
    fmap.add_child(Styles())
    fmap.add_child(OfflineBasemap(vendor_url))
    tiles = tile_layer()
    if tiles is not None:
        tiles.add_to(fmap)
    fmap.add_child(LayersControl(tiles))
    fmap.add_child(PlaceLabels(LABEL_ZOOM))
    return fmap


def events_layer(view: MapView, where: dict | None = None) -> folium.FeatureGroup:
    """A view's markers, heat map (off until picked) and legend; the map moves only when `where` says to: fitted
    to {"bounds": ...} or centred on {"center": ...} (a selected event); a pan's new area leaves it where it is."""
    layer = folium.FeatureGroup(control=False)
    markers = folium.FeatureGroup(control=False)
    markers.add_child(PlaceMarkers(view.data))
    markers.add_to(layer)
    heat = HeatMap([list(p) for p in view.heat], show=False, radius=18, blur=14, min_opacity=0.3)
    heat.add_to(layer)
    layer.add_child(EventsView(markers, heat, view.legend, js_json(where or {})))
    return layer
