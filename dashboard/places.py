"""The map's data: one row per distinct place over the filtered events, summed up in one pass.

At 100,000 events a marker per event costs seconds in Python and megabytes of page; the events sit on a
few thousand places, so the map draws one marker per place (its event count, newest date and most
frequent event type) and its popup carries only the place's newest few events. An event is a group of
reports (pipeline/grouping.py): counts are of groups, and each listed event names its reports' sources.
"""
from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from itertools import islice

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
    found = _aggregate(conn, filters)
    if budget is not None:
        per_place = max(1, min(per_place, budget // max(1, len(found))))
    picked = {key: list(islice(place.groups.items(), per_place)) for key, place in found.items()}
    rows = _rows(conn, [rep for events in picked.values() for _, rep in events])
    found_reports = reports(conn, {group for events in picked.values() for group, _ in events})
    result = [PlaceRow(lat, lon, len(place.groups), place.newest, place.event_type(),
                       tuple(rows[rep] for _, rep in picked[key, lat, lon]),
                       tuple(found_reports.get(group, ()) for group, _ in picked[key, lat, lon]))
              for (key, lat, lon), place in found.items()]
    return sorted(result, key=lambda p: (p.newest_date or "", p.n_events), reverse=True)


class _Place:
    """A place's matching reports, summed up as they stream by, newest first."""

    __slots__ = ("newest", "types", "groups")

    def __init__(self, newest: str | None):
        self.newest = newest
        self.types: dict[str, list] = {}  # event type -> [reports, newest date]
        self.groups: dict[str, int] = {}  # event (group) -> its first stored report's rowid; newest first

    def event_type(self) -> str:
        """The type with the most reports; ties go to the more recent, then to the first by name."""
        return max(sorted(self.types), key=lambda t: (self.types[t][0], self.types[t][1] or ""))


def _aggregate(conn: sqlite3.Connection, filters: Filters) -> dict[tuple, _Place]:
    """The matching reports by place, in one pass over narrow rows, newest first (ties by event): so a
    place's first date is its newest, and its events come in the popup's order as they are first seen.

    SQLite's GROUP BY and window functions over these rows took 0.8 s at 100,000 events; this takes 0.3."""
    sql, params = where(filters)
    cursor = conn.cursor()
    cursor.row_factory = None
    cursor.execute(f"SELECT rowid, COALESCE(place_id, ''), lat, lon, COALESCE(event_type, ''), {GROUP}, event_date"
                   f" FROM events {sql} ORDER BY event_date DESC, 6", params)
    found: dict[tuple, _Place] = {}
    for rid, key, lat, lon, event_type, group, day in cursor:
        place = found.get((key, lat, lon))
        if place is None:
            place = found[key, lat, lon] = _Place(day)
        count = place.types.get(event_type)
        if count is None:
            place.types[event_type] = [1, day]
        else:
            count[0] += 1
        first = place.groups.get(group)
        if first is None or rid < first:
            place.groups[group] = rid
    return found


def _rows(conn: sqlite3.Connection, rowids: list[int]) -> dict[int, EventRow]:
    """The full rows of the few reports that make the popups, by rowid."""
    rows = conn.execute(f"SELECT rowid, {ROW_COLUMNS} FROM events WHERE rowid IN (SELECT value FROM json_each(?))",
                        [json.dumps(rowids)])
    return {row[0]: event_row(row, skip=1) for row in rows}


def reports(conn: sqlite3.Connection, groups: set[str]) -> dict[str, tuple[Report, ...]]:
    """Every report of each group, one per article, oldest publication first."""
    found: dict[str, dict[tuple, Report]] = {}
    # Spelled out rather than `{GROUP} IN (...)`, so that SQLite can use the group index (0.045 -> 0.008 s).
    rows = conn.execute(
        f"SELECT {GROUP}, COALESCE(source, ''), title, url, article_id FROM events"
        " WHERE group_id IN (SELECT value FROM json_each(?1))"
        " OR (group_id IS NULL AND event_id IN (SELECT value FROM json_each(?1)))"
        " ORDER BY published_date, event_id",
        [json.dumps(sorted(groups))],
    )
    for group, source, title, url, article_id in rows:
        found.setdefault(group, {}).setdefault((article_id,), Report(source, title, url))
    return {group: tuple(by_article.values()) for group, by_article in found.items()}
