"""The folium map: clustered circle markers coloured by event type, one per location, with popups.

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

# Events closer than this (in degrees, ~1 m) share a marker.
_SAME_PLACE_DIGITS = 5

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


def popup_html(rows: Sequence[EventRow]) -> str:
    """The popup of one location: its events, newest first (`rows` come newest first)."""
    count = f"<div class='dl-count'>{len(rows)} events here</div>" if len(rows) > 1 else ""
    return f"<div class='dl-popup'>{count}{''.join(event_html(r) for r in rows)}</div>"


def tooltip_html(rows: Sequence[EventRow]) -> str:
    place = html.escape(rows[0].place_name or rows[0].place_text or "unnamed place")
    latest = html.escape(rows[0].event_date or "undated")
    if len(rows) == 1:
        return f"{place} · {latest}"
    return f"{place} · {len(rows)} events, latest {latest}"


def group_by_place(rows: Iterable[EventRow]) -> list[list[EventRow]]:
    """Events at the same coordinates, in first-seen order (so newest first when `rows` are)."""
    groups: dict[tuple[float, float], list[EventRow]] = {}
    for row in rows:
        groups.setdefault((round(row.lat, _SAME_PLACE_DIGITS), round(row.lon, _SAME_PLACE_DIGITS)), []).append(row)
    return list(groups.values())


def js_json(value) -> str:
    """JSON that stays data wherever it lands: in an HTML <script> (no `<`, `>`, `&` in clear), or even
    in a JavaScript template literal (no backtick), and on old engines (no raw line separators)."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    for char, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("`", "\\u0060"),
                          ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(char, escaped)
    return text


class EventMarkers(folium.MacroElement):
    """Circle markers with popup and tooltip, built in the browser from one JSON array and added to
    the parent MarkerCluster in one call (`addLayers`): smaller and faster than one folium object each."""

    _template = Template(
        """
        {% macro header(this, kwargs) %}
        <style>
          .dl-popup { font: 13px/1.4 system-ui, -apple-system, "Segoe UI", sans-serif; color: #1f2933; }
          .dl-count { font-weight: 600; margin-bottom: 6px; color: #52606d; }
          .dl-event + .dl-event { border-top: 1px solid #e4e7eb; margin-top: 8px; padding-top: 8px; }
          .dl-when { font-size: 14px; }
          .dl-how, .dl-muted { color: #616e7c; font-size: 12px; }
          .dl-tag { font-size: 11px; font-weight: 400; background: #e4e7eb; border-radius: 3px; padding: 0 4px; }
          .dl-where, .dl-source { margin-top: 2px; }
          .dl-dot { display: inline-block; width: 9px; height: 9px; border-radius: 50%; margin-right: 4px; }
          .dl-sentence { margin: 6px 0 0; padding: 4px 8px; border-left: 3px solid #cbd2d9; background: #f5f7fa; }
          .dl-sentence mark { background: #ffe58f; padding: 0 1px; }
        </style>
        {% endmacro %}
        {% macro script(this, kwargs) %}
        (function (group, points) {
            var markers = points.map(function (p) {
                return L.circleMarker([p[0], p[1]], {
                    radius: p[3], color: "#ffffff", weight: 1.5, fillColor: p[2], fillOpacity: 0.9
                }).bindTooltip(p[4]).bindPopup(p[5], {
                    maxWidth: 380, minWidth: 240, maxHeight: 340, autoPanPadding: [40, 40]
                });
            });
            group.addLayers(markers);
        })({{ this._parent.get_name() }}, {{ this.points }});
        {% endmacro %}
        """
    )

    def __init__(self, groups: Sequence[Sequence[EventRow]]):
        super().__init__()
        self._name = "EventMarkers"
        self.points = js_json([
            [g[0].lat, g[0].lon, colour(g[0].event_type), _radius(len(g)), tooltip_html(g), popup_html(g)]
            for g in groups
        ])


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


def build_map(rows: Sequence[EventRow]) -> folium.Map:
    """A map of `rows` (newest first), fitted to their bounds."""
    fmap = folium.Map(location=(20, 10), zoom_start=2, tiles=None, control_scale=True, world_copy_jump=True)
    tile_layer().add_to(fmap)
    groups = group_by_place(rows)
    if groups:
        cluster = MarkerCluster(show_coverage_on_hover=False, max_cluster_radius=40)
        cluster.add_child(EventMarkers(groups))
        cluster.add_to(fmap)
        fmap.add_child(Legend(g[0].event_type for g in groups))  # a marker takes its newest event's colour
        lats = [g[0].lat for g in groups]
        lons = [g[0].lon for g in groups]
        fmap.fit_bounds([[min(lats), min(lons)], [max(lats), max(lons)]], padding=(30, 30), max_zoom=FIT_MAX_ZOOM)
    return fmap


def _radius(n_events: int) -> float:
    return round(6 + 2 * math.log2(n_events), 1)
