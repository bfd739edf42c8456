"""The folium map: one clustered marker per place, sized and labelled by its event count and coloured by
its most frequent event type; clusters add up the events of their places.

Every string that comes from an article (titles, sentences, places, dates as written, sources, URLs)
is untrusted. It is HTML-escaped here, and it reaches the page only as JSON data, never inside
JavaScript source: folium's own Popup and Tooltip put their content in JavaScript template literals,
where `${...}` in a sentence would run as code even after HTML escaping.
"""
from __future__ import annotations

import html
import json
import math
import os
import re
from collections.abc import Iterable, Sequence
from urllib.parse import urlsplit

import folium
from folium.plugins import MarkerCluster
from folium.template import Template

from .places import PlaceRow
from .queries import EventRow

TILES_ENV = "DATELINE_TILES"
OSM_TILES = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
OSM_ATTRIBUTION = '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors'
MAX_ZOOM = 18
# Fitting the view to one or two close points would otherwise zoom in to street level.
FIT_MAX_ZOOM = 9

# The pipeline's coarse event types (pipeline/events.py) in Tableau 10 colours; unknown types are grey.
EVENT_COLOURS = {
    "battle": "#d62728",
    "strike": "#ff7f0e",
    "territory": "#8c564b",
    "movement": "#1f77b4",
    "protest": "#e377c2",
    "arrest": "#9467bd",
    "diplomacy": "#2ca02c",
    "statement": "#17becf",
    "disaster": "#bcbd22",
}
OTHER_COLOUR = "#7f7f7f"

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


def highlight(sentence: str, place_text: str) -> str:
    """The sentence as HTML with the first occurrence of the place as written in <mark>.

    The stored offsets point into the article, not the sentence, so the place is found by its text
    (exact case first, then any case); each piece is escaped on its own."""
    if not place_text:
        return html.escape(sentence)
    at = sentence.find(place_text)
    end = at + len(place_text)
    if at < 0:
        found = re.search(re.escape(place_text), sentence, re.IGNORECASE)
        if not found:
            return html.escape(sentence)
        at, end = found.span()
    return f"{html.escape(sentence[:at])}<mark>{html.escape(sentence[at:end])}</mark>{html.escape(sentence[end:])}"


def date_html(row: EventRow) -> str:
    """When, at what precision, and how it was derived: “Friday” → 2022-09-09 (relative to publication …)."""
    e = html.escape
    when = f"<b>{e(row.event_date or 'undated')}</b>"
    if row.date_precision and row.date_precision != "day":
        value = row.date_value or row.event_date or "undated"
        when = f"<b>{e(value)}</b> <span class='dl-tag'>{e(row.date_precision)}</span>"
    published = e(row.published_date or "unknown")
    if row.published_inferred:
        published += " (inferred)"
    if row.date_basis == "publication" or not row.date_text:
        how = f"no date in the sentence → publication date {published}"
    else:
        basis = _BASIS_TEXT.get(row.date_basis, e(row.date_basis))
        relative = f" {published}" if row.date_basis == "relative" else ""
        how = f"“{e(row.date_text)}” → {e(row.date_value or row.event_date or '?')} ({basis}{relative})"
    return f"<div class='dl-when'>{when}</div><div class='dl-how'>{how}</div>"


def event_html(row: EventRow) -> str:
    """One event of a popup, every article-derived value escaped."""
    e = html.escape
    place = ", ".join(e(p) for p in (row.place_name, row.admin1, row.country_code) if p)
    link = safe_url(row.url)
    title = e(row.title or "Untitled article")
    if link:
        title = f"<a href=\"{e(link)}\" target=\"_blank\" rel=\"noopener noreferrer\">{title}</a>"
    return (
        "<div class='dl-event'>"
        f"{date_html(row)}"
        f"<div class='dl-where'>{place or 'unnamed place'}"
        f" <span class='dl-muted'>· written “{e(row.place_text)}” · {e(row.geo_precision or '?')}</span></div>"
        f"<div class='dl-source'><span class='dl-dot' style='background:{colour(row.event_type)}'></span>"
        f"{e(row.event_type or 'other')} · <b>{e(row.source or 'unknown source')}</b> · {title}</div>"
        f"<blockquote class='dl-sentence'>{highlight(row.sentence, row.place_text)}</blockquote>"
        "</div>"
    )


def popup_html(place: PlaceRow) -> str:
    """The popup of one place: its newest events, newest first, and how many more there are."""
    shown = len(place.events)
    count = f"<div class='dl-count'>{place.n_events:,} events here</div>" if place.n_events > 1 else ""
    more = place.n_events - shown
    rest = (f"<div class='dl-more'>and {more:,} more; narrow the dates or sources, or see the table</div>"
            if more > 0 else "")
    return f"<div class='dl-popup'>{count}{''.join(event_html(r) for r in place.events)}{rest}</div>"


def tooltip_html(place: PlaceRow) -> str:
    name = html.escape(place.name or "unnamed place")
    latest = html.escape(place.newest_date or "undated")
    if place.n_events == 1:
        return f"{name} · {latest}"
    return f"{name} · {place.n_events:,} events, latest {latest}"


def js_json(value) -> str:
    """JSON that stays data wherever it lands: in an HTML <script> (no `<`, `>`, `&` in clear), or even
    in a JavaScript template literal (no backtick), and on old engines (no raw line separators)."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    for char, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("`", "\\u0060"),
                          ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(char, escaped)
    return text


class PlaceMarkers(folium.MacroElement):
    """One marker per place, built in the browser from one JSON array and added to the parent
    MarkerCluster in one call (`addLayers`): smaller and faster than one folium object each.

    The icon is a disc sized by the place's event count with the count in it; the colour comes from
    our own palette and the count is a number, so no article text reaches the icon's markup."""

    _template = Template(
        """
        {% macro header(this, kwargs) %}
        <style>
          .dl-popup { font: 13px/1.4 system-ui, -apple-system, "Segoe UI", sans-serif; color: #1f2933; }
          .dl-count { font-weight: 600; margin-bottom: 6px; color: #52606d; }
          .dl-more { margin-top: 8px; color: #52606d; font-style: italic; }
          .dl-event + .dl-event { border-top: 1px solid #e4e7eb; margin-top: 8px; padding-top: 8px; }
          .dl-when { font-size: 14px; }
          .dl-how, .dl-muted { color: #616e7c; font-size: 12px; }
          .dl-tag { font-size: 11px; font-weight: 400; background: #e4e7eb; border-radius: 3px; padding: 0 4px; }
          .dl-where, .dl-source { margin-top: 2px; }
          .dl-dot { display: inline-block; width: 9px; height: 9px; border-radius: 50%; margin-right: 4px; }
          .dl-sentence { margin: 6px 0 0; padding: 4px 8px; border-left: 3px solid #cbd2d9; background: #f5f7fa; }
          .dl-sentence mark { background: #ffe58f; padding: 0 1px; }
          .dl-place div { width: 100%; height: 100%; border-radius: 50%; border: 1.5px solid #fff; opacity: .9;
                          box-sizing: border-box; color: #fff; font: 600 11px/1 system-ui, sans-serif;
                          display: flex; align-items: center; justify-content: center;
                          box-shadow: 0 0 2px rgba(0,0,0,.5); }
        </style>
        {% endmacro %}
        {% macro script(this, kwargs) %}
        (function (group, points) {
            var markers = points.map(function (p) {
                var size = p[3];
                var icon = L.divIcon({
                    className: "dl-place", iconSize: [size, size],
                    html: "<div style='background:" + p[2] + "'>" + (p[6] > 1 ? p[6] : "") + "</div>"
                });
                return L.marker([p[0], p[1]], {icon: icon, events: p[6]}).bindTooltip(p[4]).bindPopup(p[5], {
                    maxWidth: 380, minWidth: 240, maxHeight: 340, autoPanPadding: [40, 40]
                });
            });
            group.addLayers(markers);
        })({{ this._parent.get_name() }}, {{ this.points }});
        {% endmacro %}
        """
    )

    def __init__(self, places: Sequence[PlaceRow]):
        super().__init__()
        self._name = "PlaceMarkers"
        self.points = js_json([
            [p.lat, p.lon, colour(p.event_type), _diameter(p.n_events), tooltip_html(p), popup_html(p), p.n_events]
            for p in places
        ])


# A cluster shows the events of its places (not the number of places), with markercluster's own styles.
CLUSTER_ICON = """
function (cluster) {
    var n = cluster.getAllChildMarkers().reduce(function (sum, m) { return sum + m.options.events; }, 0);
    var size = n < 100 ? "small" : n < 1000 ? "medium" : "large";
    return L.divIcon({html: "<div><span>" + n + "</span></div>", iconSize: L.point(40, 40),
                      className: "marker-cluster marker-cluster-" + size});
}
"""


class Legend(folium.MacroElement):
    """Which colour is which event type (only the colours on the map)."""

    _template = Template(
        """
        {% macro header(this, kwargs) %}
        <style>
          .dl-legend { background: rgba(255,255,255,.92); padding: 6px 8px; border-radius: 4px;
                       font: 12px/1.5 system-ui, sans-serif; box-shadow: 0 1px 4px rgba(0,0,0,.3); }
          .dl-legend i { display: inline-block; width: 10px; height: 10px; border-radius: 50%; margin-right: 5px; }
        </style>
        {% endmacro %}
        {% macro script(this, kwargs) %}
        (function (map, html) {
            var legend = L.control({position: "bottomright"});
            legend.onAdd = function () {
                var div = L.DomUtil.create("div", "dl-legend");
                div.innerHTML = html;
                return div;
            };
            legend.addTo(map);
        })({{ this._parent.get_name() }}, {{ this.html }});
        {% endmacro %}
        """
    )

    def __init__(self, event_types: Iterable[str]):
        super().__init__()
        self._name = "Legend"
        self.html = js_json("<br>".join(
            f"<i style='background:{colour(t)}'></i>{html.escape(t or 'other')}" for t in sorted(set(event_types))
        ))


def tile_layer() -> folium.TileLayer:
    """OpenStreetMap's public tiles unless DATELINE_TILES names another server (an intranet one)."""
    url = os.environ.get(TILES_ENV, "").strip() or OSM_TILES
    attribution = OSM_ATTRIBUTION if url == OSM_TILES else f"Tiles: {html.escape(urlsplit(url).netloc or url)}"
    return folium.TileLayer(tiles=url, attr=attribution, max_zoom=MAX_ZOOM)


def build_map(places: Sequence[PlaceRow]) -> folium.Map:
    """A map of `places`, fitted to their bounds."""
    fmap = folium.Map(location=(20, 10), zoom_start=2, tiles=None, control_scale=True, world_copy_jump=True)
    tile_layer().add_to(fmap)
    if places:
        cluster = MarkerCluster(show_coverage_on_hover=False, max_cluster_radius=40,
                                icon_create_function=CLUSTER_ICON)
        cluster.add_child(PlaceMarkers(places))
        cluster.add_to(fmap)
        fmap.add_child(Legend(p.event_type for p in places))
        lats = [p.lat for p in places]
        lons = [p.lon for p in places]
        fmap.fit_bounds([[min(lats), min(lons)], [max(lats), max(lons)]], padding=(30, 30), max_zoom=FIT_MAX_ZOOM)
    return fmap


def _diameter(n_events: int) -> int:
    """Pixels: 14 for one event, growing with the log of the count (20 at 16 events, 41 at 100,000)."""
    return round(14 + 1.6 * math.log2(n_events))
