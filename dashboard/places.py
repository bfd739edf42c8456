"""The map's data: one row per distinct place over the filtered events, aggregated in SQLite.

At 100,000 events a marker per event costs seconds in Python and megabytes of page; the events sit on a
few thousand places, so the map draws one marker per place (its event count, newest date and most
frequent event type) and its popup carries only the place's newest few events.
"""
from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from .queries import NEWEST_FIRST, ROW_COLUMNS, EventRow, Filters, event_row, where

# A place is its resolved id at its coordinates (rows from foreign writers may lack the id).
_KEY = "COALESCE(place_id, '') AS place_key, lat AS place_lat, lon AS place_lon"


@dataclass(frozen=True)
class PlaceRow:
    """One map marker: a place, how many matching events it has, and its newest `events` (newest first)."""

    lat: float
    lon: float
    n_events: int
    newest_date: str | None
    event_type: str
    events: tuple[EventRow, ...]

    @property
    def name(self) -> str:
        return self.events[0].place_name or self.events[0].place_text

    @property
    def geo_precision(self) -> str:
        return self.events[0].geo_precision


def places(conn: sqlite3.Connection, filters: Filters, per_place: int) -> list[PlaceRow]:
    """Every place with matching events, newest first, each with its newest `per_place` events."""
    sql, params = where(filters)
    summary = {
        (key, lat, lon): (n, newest, event_type)
        for key, lat, lon, event_type, n, newest in conn.execute(_SUMMARY.format(where=sql), params)
    }
    events: dict[tuple, list[EventRow]] = {}
    # Rank narrow rows (rowid and sort keys), then fetch the full rows of the few that make a popup:
    # sorting 100,000 wide rows (sentences, titles) costs several times more.
    rows = conn.execute(
        f"SELECT {_KEY}, {ROW_COLUMNS} FROM events JOIN ("
        f" SELECT rowid AS ranked_id, ROW_NUMBER() OVER (PARTITION BY COALESCE(place_id, ''), lat, lon"
        f" {NEWEST_FIRST}) AS rank FROM events {sql}) ON events.rowid = ranked_id WHERE rank <= ? ORDER BY rank",
        [*params, per_place],
    )
    for row in rows:
        values = tuple(row)
        events.setdefault(values[:3], []).append(event_row(row, skip=3))
    found = [PlaceRow(key[1], key[2], *summary[key], tuple(events[key])) for key in summary]
    return sorted(found, key=lambda p: (p.newest_date or "", p.n_events), reverse=True)


# Per place: the event type with the most events (ties: the more recent, then by name), the total, the newest date.
_SUMMARY = """
SELECT k, lat, lon, event_type, total, newest FROM (
    SELECT k, lat, lon, event_type, SUM(n) OVER place AS total, MAX(newest) OVER place AS newest,
           ROW_NUMBER() OVER (PARTITION BY k, lat, lon ORDER BY n DESC, newest DESC, event_type) AS rank
    FROM (SELECT COALESCE(place_id, '') AS k, lat, lon, COALESCE(event_type, '') AS event_type,
                 COUNT(*) AS n, MAX(event_date) AS newest
          FROM events {where} GROUP BY 1, 2, 3, 4)
    WINDOW place AS (PARTITION BY k, lat, lon))
WHERE rank = 1
"""
