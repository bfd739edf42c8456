"""The offline basemap: Natural Earth country shapes, borders and names, and admin-1 borders once zoomed
in, served by the app itself."""
from __future__ import annotations

from folium.template import Template

from .macros import VerbatimMacro, js_json

BASEMAP_ATTRIBUTION = "Basemap: Natural Earth (public domain)"
# Admin-1 borders (states, provinces) show from this zoom on: at a whole-world view they are clutter.
ADMIN1_ZOOM = 4


class OfflineBasemap(VerbatimMacro):
    """Country shapes, borders and names drawn from Natural Earth data served by the app, in a pane under
    the tiles: when a tile server answers its tiles cover it; when none does, the map is still a map.
    The shapes and their decoder load after the first paint, so the events show first; the admin-1
    borders (admin1.py) load the first time the map is zoomed in to ADMIN1_ZOOM."""

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
        (function (map, url, decoder, admin1Url, admin1Zoom) {
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
            // [[lat, lon, dlat, dlon, ...]] in 1/grid degrees, each position a step from the one before.
            function admin1Lines() {
                if (!window.dlAdmin1) {
                    window.dlAdmin1 = fetch(admin1Url).then(function (response) { return response.json(); })
                        .then(function (data) {
                            return data.lines.map(function (flat) {
                                var lat = flat[0], lon = flat[1], line = [[lat / data.grid, lon / data.grid]];
                                for (var i = 2; i < flat.length; i += 2) {
                                    lat += flat[i]; lon += flat[i + 1];
                                    line.push([lat / data.grid, lon / data.grid]);
                                }
                                return line;
                            });
                        });
                }
                return window.dlAdmin1;
            }
            function draw() { shapes().then(function (countries) {
                L.geoJSON(countries, {
                    pane: "dl-basemap", interactive: false,
                    style: {color: "#7b8794", weight: 0.9, fillColor: "#f4f1ea", fillOpacity: 1}
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
                var admin1 = null;
                function showAdmin1() {
                    if (map.getZoom() < admin1Zoom) { if (admin1) { admin1.remove(); } return; }
                    admin1Lines().then(function (lines) {
                        admin1 = admin1 || L.polyline(lines, {pane: "dl-basemap", interactive: false,
                                                              color: "#aab4be", weight: 0.7, dashArray: "4 3"});
                        if (map.getZoom() >= admin1Zoom) { admin1.addTo(map); }
                    });
                }
                map.on("zoomend", showAdmin1);
                showAdmin1();
                map.attributionControl.addAttribution({{ this.attribution }});
            }); }
        })({{ this._parent.get_name() }}, {{ this.url }}, {{ this.decoder }}, {{ this.admin1 }}, {{ this.admin1_zoom }});
        {% endmacro %}
        """
    )

    def __init__(self, vendor_url: str):
        super().__init__()
        self._name = "OfflineBasemap"
        self.url = js_json(f"{vendor_url}/world-atlas/countries-50m.json")
        self.decoder = js_json(f"{vendor_url}/topojson-client/topojson-client.min.js")
        self.admin1 = js_json(f"{vendor_url}/admin1/borders.json")
        self.admin1_zoom = ADMIN1_ZOOM
        self.attribution = js_json(BASEMAP_ATTRIBUTION)
