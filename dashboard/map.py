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
from folium.template import Template

from .basemap import OfflineBasemap
from .macros import VerbatimMacro, js_json
from .places import PlaceRow
from .queries import EventRow

TILES_ENV = "DATELINE_TILES"
NO_TILES = "none"  # DATELINE_TILES=none: the offline basemap alone, and no request for tiles at all
OSM_TILES = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
OSM_ATTRIBUTION = '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors'
MAX_ZOOM = 18
# Fitting the view to one or two close points would otherwise zoom in to street level.
FIT_MAX_ZOOM = 9
# Zoom used to centre the map on one selected event.
FOCUS_ZOOM = 10

# The pipeline's event types (pipeline/taxonomy.py) in Tableau-like colours; unknown types are grey.
EVENT_COLOURS = {
    "battle": "#d62728",
    "strike": "#ff7f0e",
    "territory": "#8c564b",
    "movement": "#1f77b4",
    "displacement": "#17becf",
    "violence_civilians": "#7b0d1e",
    "protest": "#e377c2",
    "riot": "#ff9896",
    "crime": "#393b79",
    "arrest": "#9467bd",
    "legal": "#6b6ecf",
    "accident": "#e7ba52",
    "disaster": "#bcbd22",
    "outbreak": "#637939",
    "election": "#3182bd",
    "government": "#9c9ede",
    "diplomacy": "#2ca02c",
    "economic": "#8ca252",
    "aid": "#31a354",
    "culture": "#de9ed6",
}
OTHER_COLOUR = "#7f7f7f"
# Marker shape per place precision: a disc for a settlement, a ring for a region, a square for a country.
SHAPES = {"settlement": "point", "admin2": "region", "admin1": "region", "other": "region", "country": "country"}
SHAPE_LABELS = {"point": "town or city", "region": "region (admin area)", "country": "whole country"}

ROLE_LABELS = {"event": "event location", "origin": "origin of a movement", "destination": "destination of a movement",
               "dateline": "dateline or caption", "actor": "actor (named by its place)", "background": "background",
               "residence": "where someone lives or is based", "planned": "planned, forecast or denied",
               "context": "named, nothing happened there"}
_BASIS_TEXT = {"relative": "relative to publication", "explicit": "as written"}


def colour(event_type: str) -> str:
    return EVENT_COLOURS.get(event_type, OTHER_COLOUR)


def safe_url(url: str | None) -> str | None:
    """`url` if it is an absolute http(s) link; anything else (javascript:, data:, relative) is no link."""
    if not url:
        return None
    parts = urlsplit(url.strip())
    if parts.scheme.lower() in ("http", "https") and parts.netloc:
        return url.strip()
    return None


_PUBLISHED_HOW = {"url": " (from the article's URL)", "text": " (inferred: read from the article's text)",
                  "option": " (given when the pipeline ran)"}


def date_how(row: EventRow) -> str:
    """How the date was derived, as plain text: “Friday” → 2022-09-09 (relative to publication 2022-09-10)."""
    if row.event_date is None:
        return "undated: the article carries no publication date and the sentence no date of its own"
    published = (row.published_date or "unknown") + _PUBLISHED_HOW.get(row.published_basis, "")
    if row.date_basis == "publication" or not row.date_text:
        return f"no date in the sentence → publication date {published}"
    basis = _BASIS_TEXT.get(row.date_basis, row.date_basis)
    relative = f" {published}" if row.date_basis == "relative" else ""
    return f"“{row.date_text}” → {row.date_value or row.event_date or '?'} ({basis}{relative})"


def date_when(row: EventRow) -> tuple[str, str]:
    """The date to show and, when coarser than a day, its precision ("2022-09", "month")."""
    if row.date_precision and row.date_precision != "day":
        return row.date_value or row.event_date or "undated", row.date_precision
    return row.event_date or "undated", ""


def place_line(row: EventRow) -> str:
    return ", ".join(p for p in (row.place_name, row.admin1, row.country_code) if p) or "unnamed place"


def what_line(row: EventRow) -> str:
    """The event's type, its role and trigger, and who: "strike · event location · “shelled” · Russian forces"."""
    parts = [(row.event_type or "other").replace("_", " "), ROLE_LABELS.get(row.role, row.role)]
    if row.trigger:
        parts.append(f"“{row.trigger}”")
    if row.actors:
        parts.append(", ".join(row.actors))
    return " · ".join(parts)


def tooltip_text(place: PlaceRow) -> str:
    name = place.name or "unnamed place"
    latest = place.newest_date or "undated"
    if place.n_events == 1:
        return f"{name} · {latest}"
    return f"{name} · {place.n_events:,} events, latest {latest}"


def map_data(places: Sequence[PlaceRow]) -> dict:
    """Everything the page needs to draw the markers and, on demand, their popups, as plain text.

    places: [lat, lon, type, events, shape, tooltip, diameter, [event indexes, newest first]]
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
        rows.append([place.lat, place.lon, index(types, place.event_type or "other"), place.n_events,
                     SHAPES.get(place.geo_precision, "point"), tooltip_text(place), _diameter(place.n_events), refs])
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
    return tuple((p.lat, p.lon, round(math.log1p(p.n_events) / top, 3)) for p in places)


class Styles(VerbatimMacro):
    """The markers', popups' and legend's styles, in the page's head (which streamlit-folium reads from the
    base map only: a feature group's own head would be lost)."""

    _template = Template(
        """
        {% macro header(this, kwargs) %}
        <style>
          .dl-popup { font: 13px/1.4 system-ui, -apple-system, "Segoe UI", sans-serif; color: #1f2933; }
          .dl-count { font-weight: 600; margin-bottom: 6px; color: #52606d; }
          .dl-more { margin-top: 8px; color: #52606d; font-style: italic; }
          .dl-event + .dl-event { border-top: 1px solid #e4e7eb; margin-top: 8px; padding-top: 8px; }
          .dl-when { font-size: 14px; font-weight: 600; }
          .dl-how, .dl-muted { color: #616e7c; font-size: 12px; }
          .dl-tag { font-size: 11px; font-weight: 400; background: #e4e7eb; border-radius: 3px; padding: 0 4px;
                    margin-left: 4px; }
          .dl-where, .dl-source { margin-top: 2px; }
          .dl-dot { display: inline-block; width: 9px; height: 9px; border-radius: 50%; margin-right: 4px; }
          .dl-sentence { margin: 6px 0 0; padding: 4px 8px; border-left: 3px solid #cbd2d9; background: #f5f7fa; }
          .dl-sentence mark { background: #ffe58f; padding: 0 1px; }
          .dl-place div { width: 100%; height: 100%; border-radius: 50%; border: 1.5px solid #fff; opacity: .9;
                          box-sizing: border-box; color: #fff; font: 600 11px/1 system-ui, sans-serif;
                          display: flex; align-items: center; justify-content: center;
                          box-shadow: 0 0 2px rgba(0,0,0,.5); background: var(--c); }
          .dl-place.dl-region div { background: rgba(255,255,255,.8); border: 4px solid var(--c); color: #1f2933; }
          .dl-place.dl-country div { border-radius: 3px; background: rgba(255,255,255,.8);
                                     border: 3px dashed var(--c); color: #1f2933; }
          .dl-legend { background: rgba(255,255,255,.92); padding: 6px 8px; border-radius: 4px;
                       font: 12px/1.5 system-ui, sans-serif; box-shadow: 0 1px 4px rgba(0,0,0,.3); }
          .dl-legend i { display: inline-block; width: 10px; height: 10px; margin-right: 5px;
                         box-sizing: border-box; vertical-align: -1px; }
          .dl-legend .dl-point { border-radius: 50%; background: #52606d; }
          .dl-legend .dl-region { border-radius: 50%; border: 3px solid #52606d; }
          .dl-legend .dl-country { border-radius: 2px; border: 2px dashed #52606d; }
        </style>
        {% endmacro %}
        """
    )


class LayersControl(VerbatimMacro):
    """The layer control, made once with the map; each view puts its events and heat map in it."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        window.dlLayers = L.control.layers({}, {
            {%- if this.tiles %}"Street map tiles": {{ this.tiles.get_name() }}{% endif -%}
        }, {position: "topright", collapsed: true}).addTo({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self, tiles: folium.TileLayer | None):
        super().__init__()
        self._name = "LayersControl"
        self.tiles = tiles


class PlaceMarkers(VerbatimMacro):
    """One marker per place, built in the browser from one JSON object and added to the parent
    MarkerCluster in one call (`addLayers`); each popup is built from that data when it opens.

    The icon's markup holds only our own palette colour, a shape class and a number; article text goes
    into tooltips and popups through `textContent` only."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function (group, data) {
            function el(tag, cls, text) {
                var node = document.createElement(tag);
                if (cls) { node.className = cls; }
                if (text !== undefined && text !== null) { node.textContent = text; }
                return node;
            }
            function sentence(text, place) {
                var box = el("blockquote", "dl-sentence");
                var at = place ? text.indexOf(place) : -1;
                if (place && at < 0) { at = text.toLowerCase().indexOf(place.toLowerCase()); }
                if (at < 0) { box.textContent = text; return box; }
                box.appendChild(document.createTextNode(text.slice(0, at)));
                box.appendChild(el("mark", "", text.slice(at, at + place.length)));
                box.appendChild(document.createTextNode(text.slice(at + place.length)));
                return box;
            }
            function eventNode(e) {
                var node = el("div", "dl-event"), type = data.types[e[6]];
                var when = node.appendChild(el("div", "dl-when", e[0]));
                if (e[1]) { when.appendChild(el("span", "dl-tag", e[1])); }
                node.appendChild(el("div", "dl-how", e[2]));
                var where = node.appendChild(el("div", "dl-where", e[3] + " "));
                where.appendChild(el("span", "dl-muted", "· written “" + e[4] + "” · " + (e[5] || "?")));
                if (e[10]) { node.appendChild(el("div", "dl-muted", "also considered: " + e[10])); }
                if (e[12]) { node.appendChild(el("div", "dl-muted", "why this place: " + e[12])); }
                var what = node.appendChild(el("div", "dl-source"));
                what.appendChild(el("span", "dl-dot")).style.background = type[1];
                what.appendChild(document.createTextNode(e[11]));
                node.appendChild(sentence(e[9], e[4]));
                var reports = e[13].length ? e[13] : [[e[7], e[8]]];
                var names = reports.map(function (r) { return data.sources[r[0]]; })
                    .filter(function (name, i, all) { return all.indexOf(name) === i; });
                var by = node.appendChild(el("div", "dl-source",
                    "reported by " + names.length + (names.length === 1 ? " source" : " sources") + ": "));
                reports.forEach(function (r, i) {
                    var article = data.articles[r[1]];
                    if (i) { by.appendChild(document.createTextNode("; ")); }
                    by.appendChild(el("b", "", data.sources[r[0]] + " "));
                    if (article[1]) {
                        var link = by.appendChild(el("a", "", article[0]));
                        link.href = article[1]; link.target = "_blank"; link.rel = "noopener noreferrer";
                    } else {
                        by.appendChild(document.createTextNode(article[0]));
                    }
                });
                return node;
            }
            function popup(p) {
                var box = el("div", "dl-popup");
                if (p[3] > 1) { box.appendChild(el("div", "dl-count", p[3].toLocaleString("en") + " events here")); }
                p[7].forEach(function (i) { box.appendChild(eventNode(data.events[i])); });
                var more = p[3] - p[7].length;
                if (more > 0) {
                    box.appendChild(el("div", "dl-more", "and " + more.toLocaleString("en") +
                        " more; narrow the dates or sources, or see the table"));
                }
                return box;
            }
            var markers = data.places.map(function (p) {
                var size = p[6], icon = document.createElement("div");
                icon.style.setProperty("--c", data.types[p[2]][1]);
                icon.textContent = p[3] > 1 ? p[3] : "";
                var marker = L.marker([p[0], p[1]], {
                    icon: L.divIcon({className: "dl-place dl-" + p[4], iconSize: [size, size], html: icon}),
                    events: p[3]
                });
                marker.bindTooltip(function () { return el("span", "", p[5]); });
                marker.bindPopup(function () { return popup(p); },
                                 {maxWidth: 380, minWidth: 240, maxHeight: 340, autoPanPadding: [40, 40]});
                return marker;
            });
            group.addLayers(markers);
        })({{ this._parent.get_name() }}, {{ this.data }});
        {% endmacro %}
        """
    )

    def __init__(self, data: str):
        super().__init__()
        self._name = "PlaceMarkers"
        self.data = data


# A cluster shows the events of its places (not the number of places), with markercluster's own styles.
CLUSTER_ICON = """
function (cluster) {
    var n = cluster.getAllChildMarkers().reduce(function (sum, m) { return sum + m.options.events; }, 0);
    var size = n < 100 ? "small" : n < 1000 ? "medium" : "large";
    return L.divIcon({html: "<div><span>" + n + "</span></div>", iconSize: L.point(40, 40),
                      className: "marker-cluster marker-cluster-" + size});
}
"""


class EventsView(VerbatimMacro):
    """Puts a view's events and heat map in the layer control, its legend in the corner, and the map on its
    places (or on the selected event). A filter change brings a new view into the same map (streamlit-folium
    swaps the feature group that holds this): the old one's overlays and legend go, and the heat map stays
    on if it was."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function (map, events, heat, key, view) {  // key: the legend's event types and shapes
            var layers = window.dlLayers, old = window.dlView, heatShown = old && map.hasLayer(old.heat);
            if (old) {
                old.heat.remove(); old.legend.remove();
                layers.removeLayer(old.events).removeLayer(old.heat);
            }
            layers.addOverlay(events, "Events").addOverlay(heat, "Heat map");
            if (heatShown) { heat.addTo(map); }
            var types = key[0], shapes = key[1], legend = L.control({position: "bottomright"});
            legend.onAdd = function () {
                var div = L.DomUtil.create("div", "dl-legend");
                function row(swatch, text) {
                    var line = div.appendChild(document.createElement("div"));
                    line.appendChild(swatch);
                    line.appendChild(document.createTextNode(text));
                }
                types.forEach(function (t) {
                    var swatch = document.createElement("i");
                    swatch.style.background = t[1]; swatch.style.borderRadius = "50%";
                    row(swatch, t[0]);
                });
                shapes.forEach(function (s) {
                    var swatch = document.createElement("i");
                    swatch.className = "dl-" + s[0];
                    row(swatch, s[1]);
                });
                return div;
            };
            legend.addTo(map);
            if (view.center) {
                map.setView(view.center, view.zoom);
            } else if (view.bounds) {
                map.fitBounds(view.bounds, {padding: [30, 30], maxZoom: view.zoom});
            }
            window.dlView = {events: events, heat: heat, legend: legend};
        })({{ this._parent._parent.get_name() }}, {{ this.events.get_name() }}, {{ this.heat.get_name() }},
           {{ this.legend }}, {{ this.view }});
        {% endmacro %}
        """
    )

    def __init__(self, events: MarkerCluster, heat: HeatMap, view: MapView, focus: tuple[float, float] | None):
        super().__init__()
        self._name = "EventsView"
        self.events, self.heat, self.legend = events, heat, view.legend
        self.view = js_json({"center": focus, "zoom": FOCUS_ZOOM} if focus else
                            {"bounds": view.bounds, "zoom": FIT_MAX_ZOOM})


def tile_layer() -> folium.TileLayer | None:
    """OpenStreetMap's public tiles unless DATELINE_TILES names another server (an intranet one), or none
    at all with DATELINE_TILES=none."""
    url = os.environ.get(TILES_ENV, "").strip() or OSM_TILES
    if url.lower() == NO_TILES:
        return None
    attribution = OSM_ATTRIBUTION if url == OSM_TILES else f"Tiles: {html.escape(urlsplit(url).netloc or url)}"
    return folium.TileLayer(tiles=url, attr=attribution, max_zoom=MAX_ZOOM, name="Street map tiles", overlay=True)


def base_map(vendor_url: str = "/app/static/vendor") -> folium.Map:
    """The map without events: the offline basemap, the tiles and the layer control. It is the same for every
    view, so streamlit-folium keeps its frame (and Leaflet, and the decoded basemap) across filter changes."""
    fmap = folium.Map(location=(20, 10), zoom_start=2, tiles=None, control_scale=True, world_copy_jump=True,
                      max_zoom=MAX_ZOOM)
    fmap.add_child(Styles())
    fmap.add_child(OfflineBasemap(vendor_url))
    tiles = tile_layer()
    if tiles is not None:
        tiles.add_to(fmap)
    fmap.add_child(LayersControl(tiles))
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
    layer.add_child(EventsView(cluster, heat, view, focus))
    return layer


def _diameter(n_events: int) -> int:
    """Pixels: 14 for one event, growing with the log of the count (20 at 16 events, 41 at 100,000)."""
    return round(14 + 1.6 * math.log2(n_events))
