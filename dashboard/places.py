"""The map's data: one row per distinct place over the filtered events, aggregated in SQLite.

At 100,000 events a marker per event costs seconds in Python and megabytes of page; the events sit on a
few thousand places, so the map draws one marker per place (its event count, newest date and most
frequent event type) and its popup carries only the place's newest few events. An event is a group of
reports (pipeline/grouping.py): counts are of groups, and each listed event names its reports' sources.
"""
from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass

from .queries import GROUP, ROW_COLUMNS, EventRow, Filters, event_row, where


@dataclass(frozen=True)
class Report:
    """One article that reports an event: the popup lists them under "reported by N sources"."""

    source: str
    title: str | None
    url: str | None


@dataclass(frozen=True)
class PlaceRow:
    """One map marker: a place, how many matching events (groups of reports) it has, and its newest
    `events` (newest first, one representative report each) with every report of each."""

    lat: float
    lon: float
    n_events: int
    newest_date: str | None
    event_type: str
    events: tuple[EventRow, ...]
    reports: tuple[tuple[Report, ...], ...] = ()  # per event, in the order of `events`

    @property
    def name(self) -> str:
        return self.events[0].place_name or self.events[0].place_text

    @property
    def geo_precision(self) -> str:
        return self.events[0].geo_precision


def places(conn: sqlite3.Connection, filters: Filters, per_place: int, budget: int | None = None) -> list[PlaceRow]:
    """Every place with matching events, newest first, each with its newest `per_place` events, or fewer
    (at least one) when the places together would carry more than `budget` events: every popup ships with
    the page, and at thousands of places their size decides how fast the map draws."""
    sql, params = where(filters)
    summary = {
        (key, lat, lon): (n, newest, event_type)
        for key, lat, lon, event_type, n, newest in conn.execute(_SUMMARY.format(where=sql, group=GROUP), params)
    }
    if budget is not None:
        per_place = max(1, min(per_place, budget // max(1, len(summary))))
    events: dict[tuple, list[EventRow]] = {}
    # Rank narrow rows (rowid and sort keys), then read the full rows of the few that make a popup:
    # sorting 100,000 wide rows (sentences, titles) costs several times more.
    rows = conn.execute(_NEWEST.format(where=sql, group=GROUP, columns=ROW_COLUMNS), [*params, per_place])
    for row in rows:
        values = tuple(row)
        events.setdefault(values[:3], []).append(event_row(row, skip=3))
    found_reports = reports(conn, {e.group_id for found in events.values() for e in found})
    found = [PlaceRow(key[1], key[2], *summary[key], tuple(events[key]),
                      tuple(found_reports.get(e.group_id, ()) for e in events[key])) for key in summary]
    return sorted(found, key=lambda p: (p.newest_date or "", p.n_events), reverse=True)


def reports(conn: sqlite3.Connection, groups: set[str]) -> dict[str, tuple[Report, ...]]:
    """Every report of each group, one per article, oldest publication first."""
    found: dict[str, dict[tuple, Report]] = {}
    rows = conn.execute(
        f"SELECT {GROUP}, COALESCE(source, ''), title, url, article_id FROM events"
        f" WHERE {GROUP} IN (SELECT value FROM json_each(?)) ORDER BY published_date, event_id",
        [json.dumps(sorted(groups))],
    )
    for group, source, title, url, article_id in rows:
        found.setdefault(group, {}).setdefault((article_id,), Report(source, title, url))
    return {group: tuple(by_article.values()) for group, by_article in found.items()}


# A place is its resolved id at its coordinates (rows from foreign writers may lack the id).
# Per place: the number of events (groups), the newest date, and the event type with the most reports
# (ties: the more recent, then by name).
_SUMMARY = """
WITH f AS (SELECT COALESCE(place_id, '') AS k, lat, lon, COALESCE(event_type, '') AS t, {group} AS g, event_date
           FROM events {where}),
per_place AS (SELECT k, lat, lon, COUNT(DISTINCT g) AS total, MAX(event_date) AS newest FROM f GROUP BY k, lat, lon),
per_type AS (SELECT k, lat, lon, t, ROW_NUMBER() OVER (PARTITION BY k, lat, lon
                                                       ORDER BY COUNT(*) DESC, MAX(event_date) DESC, t) AS rank
             FROM f GROUP BY k, lat, lon, t)
SELECT p.k, p.lat, p.lon, per_type.t, p.total, p.newest FROM per_place p JOIN per_type USING (k, lat, lon)
WHERE per_type.rank = 1
"""
# Per place: its newest events (groups), each by one representative report (the first stored).
_NEWEST = """
WITH f AS (SELECT rowid AS rid, COALESCE(place_id, '') AS k, lat AS la, lon AS lo, {group} AS g, event_date
           FROM events {where}),
per_group AS (SELECT k, la, lo, g, MAX(event_date) AS newest, MIN(rid) AS rep FROM f GROUP BY k, la, lo, g),
ranked AS (SELECT k, la, lo, rep, ROW_NUMBER() OVER (PARTITION BY k, la, lo ORDER BY newest DESC, g) AS rank
           FROM per_group)
SELECT ranked.k, ranked.la, ranked.lo, {columns} FROM ranked JOIN events ON events.rowid = ranked.rep
WHERE ranked.rank <= ? ORDER BY ranked.rank
"""
