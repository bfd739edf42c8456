"""How the dashboard names and colours what the pipeline stores: event types' colours, marker shapes, roles,
and the plain-text lines a popup, the table and the details panel show for an event (dates, places, what).

Plain text only: whatever reaches the page from here goes in as text, never as markup (map_scripts.py, views.py).
"""
from __future__ import annotations

from urllib.parse import urlsplit

from pipeline.storage import EventRow

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
                  "option": " (given when the pipeline ran)", "page": " (from the page's own metadata)",
                  "feed": " (from the feed that listed it)",
                "fetched": " (the day Dateline fetched it: neither page nor feed gave a date)"}


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
