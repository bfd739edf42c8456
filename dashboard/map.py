"""The folium map: one clustered marker per place, coloured by its most frequent event type and shaped by
how precisely it is placed; a heat-map layer; an offline basemap under the tiles.

Every string that comes from an article (titles, sentences, places, dates as written, sources, URLs)
is untrusted. It reaches the page only as JSON data (never inside JavaScript source: folium's own Popup
and Tooltip put content in template literals, where `${...}` would run), and the page puts it into the
DOM as text nodes (`textContent`), never as markup. Popups are built when opened, from compact data
shared between places (article titles and sources are listed once), which keeps the page small.
"""
from __future__ import annotations

import html
import json
import math
import os
from collections.abc import Sequence
from urllib.parse import urlsplit

import folium
from branca.element import Element
from folium.plugins import HeatMap, MarkerCluster
from folium.template import Template

from .places import PlaceRow
from .queries import EventRow

TILES_ENV = "DATELINE_TILES"
NO_TILES = "none"  # DATELINE_TILES=none: the offline basemap alone, and no request for tiles at all
OSM_TILES = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
OSM_ATTRIBUTION = '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors'
BASEMAP_ATTRIBUTION = "Basemap: Natural Earth (public domain)"
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
    "violence_civilians": "#7b0d1e",
    "protest": "#e377c2",
    "riot": "#ff9896",
    "arrest": "#9467bd",
    "diplomacy": "#2ca02c",
    "disaster": "#bcbd22",
}
OTHER_COLOUR = "#7f7f7f"
# Marker shape per place precision: a disc for a settlement, a ring for a region, a square for a country.
SHAPES = {"settlement": "point", "admin2": "region", "admin1": "region", "other": "region", "country": "country"}
SHAPE_LABELS = {"point": "town or city", "region": "region (admin area)", "country": "whole country"}

ROLE_LABELS = {"event": "event location", "origin": "origin of a movement", "destination": "destination of a movement",
               "dateline": "dateline or caption", "actor": "actor (named by its place)", "background": "background"}
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


def date_how(row: EventRow) -> str:
    """How the date was derived, as plain text: “Friday” → 2022-09-09 (relative to publication 2022-09-10)."""
    published = (row.published_date or "unknown") + (" (inferred)" if row.published_inferred else "")
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
            "articles": [[title or "Untitled article", safe_url(url)] for title, url in articles],
            "events": events, "places": rows}


def js_json(value) -> str:
    """JSON that stays data wherever it lands: in an HTML <script> (no `<`, `>`, `&` in clear), or even
    in a JavaScript template literal (no backtick), and on old engines (no raw line separators)."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    for char, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("`", "\\u0060"),
                          ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(char, escaped)
    return text


class Verbatim(Element):
    """Text that goes into the page as it is. folium wraps each rendered macro in `Element(text)`, which
    compiles the text as a Jinja template: article text with `{{ ... }}` in it would run on the server."""

    def __init__(self, text: str):
        super().__init__()
        self.text = text

    def render(self, **kwargs) -> str:
        return self.text


class VerbatimMacro(folium.MacroElement):
    """A MacroElement whose rendered header and script are placed verbatim, never compiled again."""

    def render(self, **kwargs) -> None:
        figure = self.get_root()
        module = self._template.module
        for part, target in (("header", figure.header), ("script", figure.script)):
            macro = getattr(module, part, None)
            if macro is not None:
                target.add_child(Verbatim(macro(self, kwargs)), name=self.get_name())
        for child in self._children.values():
            child.render(**kwargs)


class PlaceMarkers(VerbatimMacro):
    """One marker per place, built in the browser from one JSON object and added to the parent
    MarkerCluster in one call (`addLayers`); each popup is built from that data when it opens.

    The icon's markup holds only our own palette colour, a shape class and a number; article text goes
    into tooltips and popups through `textContent` only."""

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
        </style>
        {% endmacro %}
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

    def __init__(self, places: Sequence[PlaceRow]):
        super().__init__()
        self._name = "PlaceMarkers"
        self.data = js_json(map_data(places))


# A cluster shows the events of its places (not the number of places), with markercluster's own styles.
CLUSTER_ICON = """
function (cluster) {
    var n = cluster.getAllChildMarkers().reduce(function (sum, m) { return sum + m.options.events; }, 0);
    var size = n < 100 ? "small" : n < 1000 ? "medium" : "large";
    return L.divIcon({html: "<div><span>" + n + "</span></div>", iconSize: L.point(40, 40),
                      className: "marker-cluster marker-cluster-" + size});
}
"""


class Legend(VerbatimMacro):
    """Which colour is which event type (only those on the map), and which shape is which precision."""

    _template = Template(
        """
        {% macro header(this, kwargs) %}
        <style>
          .dl-legend { background: rgba(255,255,255,.92); padding: 6px 8px; border-radius: 4px;
                       font: 12px/1.5 system-ui, sans-serif; box-shadow: 0 1px 4px rgba(0,0,0,.3); }
          .dl-legend i { display: inline-block; width: 10px; height: 10px; margin-right: 5px;
                         box-sizing: border-box; vertical-align: -1px; }
          .dl-legend .dl-point { border-radius: 50%; background: #52606d; }
          .dl-legend .dl-region { border-radius: 50%; border: 3px solid #52606d; }
          .dl-legend .dl-country { border-radius: 2px; border: 2px dashed #52606d; }
        </style>
        {% endmacro %}
        {% macro script(this, kwargs) %}
        (function (map, types, shapes) {
            var legend = L.control({position: "bottomright"});
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
        })({{ this._parent.get_name() }}, {{ this.types }}, {{ this.shapes }});
        {% endmacro %}
        """
    )

    def __init__(self, places: Sequence[PlaceRow]):
        super().__init__()
        self._name = "Legend"
        types = sorted({p.event_type or "other" for p in places})
        shapes = dict.fromkeys(SHAPES.get(p.geo_precision, "point") for p in places)
        self.types = js_json([[t.replace("_", " "), colour(t)] for t in types])
        self.shapes = js_json([[s, SHAPE_LABELS[s]] for s in SHAPE_LABELS if s in shapes])


class OfflineBasemap(VerbatimMacro):
    """Country shapes, borders and names drawn from Natural Earth data served by the app, in a pane under
    the tiles: when a tile server answers its tiles cover it; when none does, the map is still a map.
    The shapes and their decoder load after the first paint, so the events show first."""

    _template = Template(
        """
        {% macro header(this, kwargs) %}
        <style>
          .leaflet-container { background: #cfe0ec; }
          .dl-country-label { color: #52606d; font: italic 11px/1.1 system-ui, sans-serif; white-space: nowrap;
                              text-align: center; text-shadow: 0 0 2px #fff, 0 0 2px #fff; pointer-events: none; }
          .dl-country-label div { transform: translate(-50%, -50%); display: inline-block; }
        </style>
        {% endmacro %}
        {% macro script(this, kwargs) %}
        (function (map, url, decoder) {
            map.createPane("dl-basemap").style.zIndex = 150;
            map.createPane("dl-basemap-labels").style.zIndex = 160;
            function labelPoint(geometry) {
                var polygons = geometry.type === "Polygon" ? [geometry.coordinates] : geometry.coordinates;
                var best = null, bestArea = -1;
                polygons.forEach(function (polygon) {
                    var ring = polygon[0], w = 180, e = -180, s = 90, n = -90;
                    ring.forEach(function (c) {
                        w = Math.min(w, c[0]); e = Math.max(e, c[0]); s = Math.min(s, c[1]); n = Math.max(n, c[1]);
                    });
                    if ((e - w) * (n - s) > bestArea) { bestArea = (e - w) * (n - s); best = [(s + n) / 2, (w + e) / 2]; }
                });
                return best;
            }
            // Russia, Fiji and Antarctica cross the antimeridian: keep each ring continuous (longitudes past
            // 180) instead of letting Leaflet draw a line across the whole world.
            function unwrap(geometry) {
                var polygons = geometry.type === "Polygon" ? [geometry.coordinates] : geometry.coordinates;
                polygons.forEach(function (polygon) {
                    polygon.forEach(function (ring) {
                        for (var i = 1; i < ring.length; i++) {
                            while (ring[i][0] - ring[i - 1][0] > 180) { ring[i][0] -= 360; }
                            while (ring[i][0] - ring[i - 1][0] < -180) { ring[i][0] += 360; }
                        }
                    });
                });
            }
            // Drawn after the first paint, so the events show first (the shapes take a few hundred ms).
            requestAnimationFrame(function () { setTimeout(draw, 0); });
            function script(src) {
                return new Promise(function (resolve, reject) {
                    var tag = document.createElement("script");
                    tag.src = src; tag.onload = resolve; tag.onerror = reject;
                    document.head.appendChild(tag);
                });
            }
            // Decoded once per page: a filter change redraws the map in the same frame, and reuses them.
            function shapes() {
                if (!window.dlCountries) {
                    window.dlCountries = Promise.all([
                        fetch(url).then(function (response) { return response.json(); }), script(decoder)
                    ]).then(function (loaded) {
                        var countries = topojson.feature(loaded[0], loaded[0].objects.countries);
                        countries.features.forEach(function (f) { if (f.geometry) { unwrap(f.geometry); } });
                        return countries;
                    });
                }
                return window.dlCountries;
            }
            function draw() { shapes().then(function (countries) {
                L.geoJSON(countries, {
                    pane: "dl-basemap", interactive: false,
                    style: {color: "#8795a1", weight: 0.7, fillColor: "#f4f1ea", fillOpacity: 1}
                }).addTo(map);
                var labels = L.layerGroup();
                countries.features.forEach(function (feature) {
                    var name = feature.properties && feature.properties.name;
                    if (!name || !feature.geometry) { return; }
                    var text = document.createElement("div");
                    text.textContent = name;
                    labels.addLayer(L.marker(labelPoint(feature.geometry), {
                        pane: "dl-basemap-labels", interactive: false, keyboard: false,
                        icon: L.divIcon({className: "dl-country-label", html: text, iconSize: null})
                    }));
                });
                function showLabels() {
                    if (map.getZoom() >= 3) { labels.addTo(map); } else { labels.remove(); }
                }
                map.on("zoomend", showLabels);
                showLabels();
                map.attributionControl.addAttribution({{ this.attribution }});
            }); }
        })({{ this._parent.get_name() }}, {{ this.url }}, {{ this.decoder }});
        {% endmacro %}
        """
    )

    def __init__(self, vendor_url: str):
        super().__init__()
        self._name = "OfflineBasemap"
        self.url = js_json(f"{vendor_url}/world-atlas/countries-50m.json")
        self.decoder = js_json(f"{vendor_url}/topojson-client/topojson-client.min.js")
        self.attribution = js_json(BASEMAP_ATTRIBUTION)


def tile_layer() -> folium.TileLayer | None:
    """OpenStreetMap's public tiles unless DATELINE_TILES names another server (an intranet one), or none
    at all with DATELINE_TILES=none."""
    url = os.environ.get(TILES_ENV, "").strip() or OSM_TILES
    if url.lower() == NO_TILES:
        return None
    attribution = OSM_ATTRIBUTION if url == OSM_TILES else f"Tiles: {html.escape(urlsplit(url).netloc or url)}"
    return folium.TileLayer(tiles=url, attr=attribution, max_zoom=MAX_ZOOM, name="Street map tiles", overlay=True)


def heat_layer(places: Sequence[PlaceRow]) -> HeatMap:
    """Where events concentrate, weighted by each place's count on a log scale (so one busy capital
    does not wash out everything else); off until picked in the layer control."""
    top = math.log1p(max(p.n_events for p in places))
    points = [[p.lat, p.lon, round(math.log1p(p.n_events) / top, 3)] for p in places]
    return HeatMap(points, name="Heat map", show=False, radius=18, blur=14, min_opacity=0.3)


def build_map(places: Sequence[PlaceRow], vendor_url: str = "/app/static/vendor") -> folium.Map:
    """A map of `places`, fitted to their bounds, over the offline basemap and the tiles."""
    fmap = folium.Map(location=(20, 10), zoom_start=2, tiles=None, control_scale=True, world_copy_jump=True,
                      max_zoom=MAX_ZOOM)
    fmap.add_child(OfflineBasemap(vendor_url))
    tiles = tile_layer()
    if tiles is not None:
        tiles.add_to(fmap)
    if places:
        cluster = MarkerCluster(name="Events", show_coverage_on_hover=False, max_cluster_radius=40,
                                icon_create_function=CLUSTER_ICON)
        cluster.add_child(PlaceMarkers(places))
        cluster.add_to(fmap)
        heat_layer(places).add_to(fmap)
        fmap.add_child(Legend(places))
        lats = [p.lat for p in places]
        lons = [p.lon for p in places]
        fmap.fit_bounds([[min(lats), min(lons)], [max(lats), max(lons)]], padding=(30, 30), max_zoom=FIT_MAX_ZOOM)
    folium.LayerControl(position="topright", collapsed=True).add_to(fmap)
    return fmap


def _diameter(n_events: int) -> int:
    """Pixels: 14 for one event, growing with the log of the count (20 at 16 events, 41 at 100,000)."""
    return round(14 + 1.6 * math.log2(n_events))
