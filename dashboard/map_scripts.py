"""The map's scripts in the page, as folium macros placed verbatim (never compiled as Jinja: macros.py): the
markers' and popups' styles, one marker per place built from JSON data, the view that swaps events in the same
frame, the folding legend, the place names shown once zoomed in, and the layer control.

Article text reaches these scripts only as JSON data and the DOM only through `textContent`.
"""
from __future__ import annotations

import folium
from folium.plugins import HeatMap
from folium.template import Template

from .clusters import PLACES_FROM_ZOOM
from .macros import VerbatimMacro

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
                       font: 12px/1.5 system-ui, sans-serif; box-shadow: 0 1px 4px rgba(0,0,0,.3);
                       max-height: 60vh; overflow-y: auto; }
          .dl-legend-toggle { cursor: pointer; font-weight: 600; user-select: none; }
          .dl-legend:not(.dl-open) .dl-legend-rows { display: none; }
          .dl-name { display: none; position: absolute; left: 100%; top: 50%; transform: translateY(-50%);
                     margin-left: 3px; white-space: nowrap; font: 600 11px/1.2 system-ui, sans-serif;
                     color: #1f2933; text-shadow: 0 0 2px #fff, 0 0 2px #fff, 0 0 3px #fff; pointer-events: none; }
          .dl-labels .dl-name { display: block; }
          .dl-cluster { border-radius: 50%; background: rgba(82, 96, 109, .35); }
          .dl-cluster div { margin: 4px; width: calc(100% - 8px); height: calc(100% - 8px); border-radius: 50%;
                            background: rgba(31, 41, 51, .82); color: #fff; font: 600 11px/1 system-ui, sans-serif;
                            display: flex; align-items: center; justify-content: center; cursor: zoom-in; }
          .dl-legend i { display: inline-block; width: 10px; height: 10px; margin-right: 5px;
                         box-sizing: border-box; vertical-align: -1px; }
          .dl-legend .dl-point { border-radius: 50%; background: #52606d; }
          .dl-legend .dl-region { border-radius: 50%; border: 3px solid #52606d; }
          .dl-legend .dl-country { border-radius: 2px; border: 2px dashed #52606d; }
        </style>
        {% endmacro %}
        """
    )


class PlaceLabels(VerbatimMacro):
    """From LABEL_ZOOM on, each marker carries its place's name, so neighbouring dots can be told apart without
    clicking, tiles or no tiles; farther out the names would only crowd each other."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function (map) {
            function label() { map.getContainer().classList.toggle("dl-labels", map.getZoom() >= {{ this.zoom }}); }
            map.on("zoomend", label);
            label();
        })({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self, zoom: int):
        super().__init__()
        self._name = "PlaceLabels"
        self.zoom = zoom


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
    """The view's markers, built in the browser from one JSON object into the parent feature group: one per place
    (each popup built from that data when it opens) and one per group of close places (a click zooms to them).

    The icon's markup holds only our own palette colour, a shape class and a number; article text goes
    into tooltips and popups through `textContent` only."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function (group, data) {
            var LEGEND_CLEARANCE = [150, 60];  // the folded legend's corner, kept clear of popups
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
            function tip(p) {  // "Kharkiv · 12 events, latest 2025-12-30"
                var latest = p[5] || "undated";
                return p[7] + " · " + (p[3] > 1 ? p[3].toLocaleString("en") + " events, latest " + latest : latest);
            }
            function popup(p) {
                var box = el("div", "dl-popup");
                if (p[3] > 1) { box.appendChild(el("div", "dl-count", p[3].toLocaleString("en") + " events here")); }
                p[6].forEach(function (i) { box.appendChild(eventNode(data.events[i])); });
                var more = p[3] - p[6].length;
                if (!p[6].length) {  // past the view's popup budget: what the marker says, and how to list them
                    box.appendChild(el("div", "dl-event", tip(p)));
                    box.appendChild(el("div", "dl-more", "This view has too many places to list each one's " +
                        "events here: narrow the dates, sources or area, or see the table"));
                } else if (more > 0) {
                    box.appendChild(el("div", "dl-more", "and " + more.toLocaleString("en") +
                        " more; narrow the dates or sources, or see the table"));
                }
                return box;
            }
            data.clusters.forEach(function (c) {  // [lat, lon, events, places, south, west, north, east]
                var size = Math.round(30 + 3 * Math.log10(c[2])), icon = el("div", "", c[2] < 1000 ? String(c[2])
                    : c[2] < 10000 ? (c[2] / 1000).toFixed(1) + "k" : Math.round(c[2] / 1000).toLocaleString("en") + "k");
                var marker = L.marker([c[0], c[1]], {
                    icon: L.divIcon({className: "dl-cluster", iconSize: [size, size], html: icon}), events: c[2]
                });
                marker.bindTooltip(function () {
                    return el("span", "", c[3].toLocaleString("en") + " places · " + c[2].toLocaleString("en") +
                              " events · click to zoom in");
                });
                marker.on("click", function () {
                    group._map.fitBounds([[c[4], c[5]], [c[6], c[7]]], {padding: [40, 40], maxZoom: {{ this.places_zoom }}});
                });
                group.addLayer(marker);
            });
            data.places.forEach(function (p) {
                // 14 px for one event, growing with the log of the count (20 at 16 events, 41 at 100,000)
                var size = Math.round(14 + 1.6 * Math.log2(p[3])), icon = document.createElement("div");
                icon.style.setProperty("--c", data.types[p[2]][1]);
                icon.textContent = p[3] > 1 ? p[3] : "";
                icon.appendChild(el("span", "dl-name", p[7]));  // shown once zoomed in (PlaceLabels)
                var marker = L.marker([p[0], p[1]], {
                    icon: L.divIcon({className: "dl-place dl-" + p[4], iconSize: [size, size], html: icon}),
                    events: p[3]
                });
                marker.bindTooltip(function () { return el("span", "", tip(p)); });
                marker.bindPopup(function () { return popup(p); },
                                 {maxWidth: 380, minWidth: 240, maxHeight: 340, autoPanPadding: [40, 40],
                                  autoPanPaddingBottomRight: LEGEND_CLEARANCE});
                group.addLayer(marker);
            });
        })({{ this._parent.get_name() }}, {{ this.data }});
        {% endmacro %}
        """
    )

    def __init__(self, data: str):
        super().__init__()
        self._name = "PlaceMarkers"
        self.data = data
        self.places_zoom = PLACES_FROM_ZOOM


class EventsView(VerbatimMacro):
    """Puts a view's events and heat map in the layer control, its legend in the corner, and, when the view says
    where, the map on its places (or on the selected event). A filter change or a pan to a new area brings a new
    view into the same map (streamlit-folium swaps the feature group that holds this): the old one's overlays and
    legend go, and the heat map stays on if it was."""

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
                var div = L.DomUtil.create("div", "dl-legend"), rows = document.createElement("div");
                var toggle = div.appendChild(document.createElement("div"));
                toggle.className = "dl-legend-toggle"; toggle.textContent = "Legend";
                rows.className = "dl-legend-rows"; div.appendChild(rows);
                L.DomEvent.disableClickPropagation(div);
                L.DomEvent.disableScrollPropagation(div);
                toggle.addEventListener("click", function () { div.classList.toggle("dl-open"); });
                function row(swatch, text) {
                    var line = rows.appendChild(document.createElement("div"));
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
            // Folded, the legend is a word in the corner that no fitted marker sits under; open, it closes when
            // a popup opens, so it never hides one.
            if (!window.dlLegendHook) {
                map.on("popupopen", function () {
                    if (window.dlView) { window.dlView.legend.getContainer().classList.remove("dl-open"); }
                });
                window.dlLegendHook = true;
            }
            if (view.center) {
                map.setView(view.center, view.zoom);
            } else if (view.bounds) {
                map.fitBounds(view.bounds, {paddingTopLeft: [30, 30], paddingBottomRight: [90, 50],
                                            maxZoom: view.zoom});
            }
            window.dlView = {events: events, heat: heat, legend: legend};
        })({{ this._parent._parent.get_name() }}, {{ this.events.get_name() }}, {{ this.heat.get_name() }},
           {{ this.legend }}, {{ this.view }});
        {% endmacro %}
        """
    )

    def __init__(self, events: folium.FeatureGroup, heat: HeatMap, legend: str, view: str):
        """`legend` and `view` as JSON text: the legend's types and shapes, and where to look."""
        super().__init__()
        self._name = "EventsView"
        self.events, self.heat, self.legend, self.view = events, heat, legend, view
