"""The folium map: one clustered marker per place, coloured by its most frequent event type and shaped by
how precisely it is placed; a heat-map layer; an offline basemap under the tiles.

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
from folium.plugins import HeatMap, MarkerCluster

from .basemap import OfflineBasemap
from .labels import SHAPE_LABELS, SHAPES, colour, date_how, date_when, place_line, safe_url, what_line
from .macros import js_json
from .map_scripts import CLUSTER_ICON, EventsView, LayersControl, PlaceLabels, PlaceMarkers, Styles
from pipeline.storage import PlaceRow

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


def map_data(places: Sequence[PlaceRow]) -> dict:
    """Everything the page needs to draw the markers and, on demand, their popups, as plain text.

    places: [lat, lon, type, events, shape, newest date or null, [event indexes, newest first; none past the
             view's popup budget], name]; the page makes each marker's tooltip and size from them
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
        rows.append([round(place.lat, COORDINATE_DECIMALS), round(place.lon, COORDINATE_DECIMALS),
                     index(types, place.event_type or "other"), place.n_events, SHAPES.get(place.geo_precision, "point"),
                     place.newest_date, refs, place.name or "unnamed place"])
    return {"types": [[t, colour(t)] for t in types], "sources": list(sources),
            "articles": [[title or "(no title)", safe_url(url)] for title, url in articles],
            "events": events, "places": rows}


@dataclass(frozen=True)
class MapView:
    """One filtered view's map, ready to draw: the page's data as JSON text, so the cache holds a few
    strings (cheap to copy out on every rerun) rather than thousands of rows to render again."""

    data: str  # map_data() as JSON
    heat: tuple[tuple[float, float, float], ...]  # lat, lon, weight
    legend: str  # [[event type, colour]], [[shape, label]] as JSON
    bounds: tuple[tuple[float, float], tuple[float, float]] | None  # south-west, north-east
    n_places: int
    popup_events: int  # events in the fullest popup


def map_view(places: Sequence[PlaceRow]) -> MapView:
    """The map of `places`: their markers' and popups' data, heat, legend and bounds."""
    types = sorted({p.event_type or "other" for p in places})
    shapes = dict.fromkeys(SHAPES.get(p.geo_precision, "point") for p in places)
    legend = [[[t.replace("_", " "), colour(t)] for t in types], [[s, SHAPE_LABELS[s]] for s in SHAPE_LABELS if s in shapes]]
    bounds = None
    if places:
        lats, lons = [p.lat for p in places], [p.lon for p in places]
        bounds = ((min(lats), min(lons)), (max(lats), max(lons)))
    return MapView(js_json(map_data(places)), _heat(places), js_json(legend), bounds, len(places),
                   max((len(p.events) for p in places), default=0))


def _heat(places: Sequence[PlaceRow]) -> tuple[tuple[float, float, float], ...]:
    """Each place weighted by its count on a log scale, so one busy capital does not wash out the rest."""
    if not places:
        return ()
    top = math.log1p(max(p.n_events for p in places)) or 1.0
    return tuple((round(p.lat, COORDINATE_DECIMALS), round(p.lon, COORDINATE_DECIMALS),
                   round(math.log1p(p.n_events) / top, 3)) for p in places)


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


def events_layer(view: MapView, focus: tuple[float, float] | None = None) -> folium.FeatureGroup:
    """A view's clustered markers, heat map (off until picked) and legend, fitted to its places, or centred
    on `focus` (a selected event)."""
    layer = folium.FeatureGroup(control=False)
    cluster = MarkerCluster(show_coverage_on_hover=False, max_cluster_radius=40, icon_create_function=CLUSTER_ICON)
    cluster.add_child(PlaceMarkers(view.data))
    cluster.add_to(layer)
    heat = HeatMap([list(p) for p in view.heat], show=False, radius=18, blur=14, min_opacity=0.3)
    heat.add_to(layer)
    where = {"center": focus, "zoom": FOCUS_ZOOM} if focus else {"bounds": view.bounds, "zoom": FIT_MAX_ZOOM}
    layer.add_child(EventsView(cluster, heat, view.legend, js_json(where)))
    return layer

