"""Every read the dashboard makes, as parameterised SQL over a read-only connection.

Filtering happens here, in SQLite, so the app never loads more rows than it shows. User values only
ever travel as `?` parameters; the SQL text is built from fixed fragments and placeholder counts.
"""
from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, fields
from datetime import date

from pipeline.taxonomy import MAP_ROLES, ROLES

AREA_SEPARATOR = "/"  # between a country code and an admin-1 name in an area key ("UA/Kharkivska")


@dataclass(frozen=True)
class Filters:
    """What the sidebar selects. `sources=None` means every source (no condition at all, so events
    whose source is NULL still show); an empty tuple means none."""

    start: date
    end: date
    sources: tuple[str, ...] | None = None
    include_country: bool = False
    event_types: tuple[str, ...] | None = None  # None: every type, as with sources
    areas: tuple[str, ...] = ()  # country codes ("UA") and admin-1 regions ("UA/Kharkivska"); () = anywhere
    text: str = ""  # words that the sentence, the place or the title must contain
    roles: tuple[str, ...] = MAP_ROLES  # what a place mention must be: by default where things happened
    include_undated: bool = False  # events no date was found for (an undated article's, not dated by its text)


@dataclass(frozen=True)
class Overview:
    """The whole database at a glance: what the filters' defaults and the empty states need. Events and reports
    mean what they mean everywhere (the run's summary, the counts above the map): reports are map rows, events
    the groups they make. `span` is the default date range: the days that hold most events, so that a history
    paragraph's 1863 or a misread 2030 does not stretch it; `first_date`/`last_date` bound the date boxes."""

    n_events: int
    first_date: date | None
    last_date: date | None
    n_reports: int = 0
    n_undated: int = 0
    span: tuple[date, date] | None = None


@dataclass(frozen=True)
class Choices:
    """What the multiple-choice filters offer, each value with its number of events."""

    sources: dict[str, int]
    event_types: dict[str, int]
    areas: dict[str, int]
    roles: dict[str, int]


@dataclass(frozen=True)
class Totals:
    """Counts over the filtered rows (not capped): events are groups of reports of one event."""

    events: int
    reports: int
    articles: int
    places: int
    sources: int


@dataclass(frozen=True)
class EventRow:
    """One event as the map popup and the table show it."""

    event_id: str
    event_date: str | None
    date_precision: str
    date_text: str
    date_basis: str
    date_value: str
    published_date: str | None
    published_inferred: bool
    place_text: str
    place_name: str
    country_code: str
    admin1: str | None
    geo_precision: str
    lat: float
    lon: float
    source: str
    title: str | None
    url: str | None
    sentence: str
    event_type: str
    alternatives: tuple[str, ...] = ()  # the other gazetteer places the name could have meant
    role: str = "event"
    trigger: str = ""  # the word the event type was read from
    actors: tuple[str, ...] = ()
    place_reason: str = ""  # why the gazetteer chose this place
    group_id: str = ""  # the event (group of reports) this report belongs to
    published_basis: str = "given"  # how the article's date was found: given, url, option, text, none


# Text columns may be NULL in rows from older or foreign writers; the views expect strings.
_TEXT_COLUMNS = {"date_precision", "date_text", "date_basis", "date_value", "place_text", "place_name",
                 "country_code", "geo_precision", "source", "sentence", "event_type", "trigger", "place_reason"}
# A row without a group (written before grouping existed, or by a foreign writer) is an event of its own.
GROUP = "COALESCE(group_id, event_id)"
_COLUMN_SQL = {"group_id": f"{GROUP} AS group_id", "role": "COALESCE(role, 'event') AS role",
               "published_basis": "COALESCE(published_basis, 'given') AS published_basis"}
ROW_COLUMNS = ", ".join(
    _COLUMN_SQL.get(f.name) or (f"COALESCE({f.name}, '') AS {f.name}" if f.name in _TEXT_COLUMNS else f.name)
    for f in fields(EventRow)
)
# Newest first; ties broken by publication and id so the order (and the marker cap) is stable.
NEWEST_FIRST = "ORDER BY event_date DESC, published_date DESC, event_id"


def _has_events_table(conn: sqlite3.Connection) -> bool:
    """A database file may exist before the pipeline has created its schema (or be empty)."""
    return conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'events'"
    ).fetchone() is not None


def needs_upgrade(conn: sqlite3.Connection) -> bool:
    """Whether the events table predates roles and groups (a database from an earlier Dateline)."""
    if not _has_events_table(conn):
        return False
    return not {"role", "group_id"} <= {row[1] for row in conn.execute("PRAGMA table_info(events)")}


# Share of the dated events left out at the early end of the default date range.
SPAN_TRIM = 0.02
_MAP = f"COALESCE(role, 'event') IN ({', '.join(repr(r) for r in MAP_ROLES)})"


def overview(conn: sqlite3.Connection) -> Overview:
    if not _has_events_table(conn):
        return Overview(0, None, None)
    events, reports, undated, latest_published = conn.execute(
        f"SELECT COUNT(DISTINCT {GROUP}), COUNT(*), COUNT(*) - COUNT(event_date), MAX(published_date) FROM events"
        f" WHERE {_MAP}").fetchone()
    days = [(_to_date(d), n) for d, n in conn.execute(
        f"SELECT event_date, COUNT(*) FROM events WHERE {_MAP} AND event_date IS NOT NULL GROUP BY 1 ORDER BY 1")]
    days = [(d, n) for d, n in days if d is not None]
    if not days:
        return Overview(events, None, None, reports, undated)
    return Overview(events, days[0][0], days[-1][0], reports, undated, _span(days, _to_date(latest_published)))


def _span(days: list[tuple[date, int]], latest_published: date | None) -> tuple[date, date]:
    """From the day before which only SPAN_TRIM of the events lie, to the last day no later than the latest
    publication (a date after it is a misreading or a plan): the default range follows the news."""
    total, seen = sum(n for _, n in days), 0
    start = days[0][0]
    for day, n in days:
        seen += n
        if seen > SPAN_TRIM * total:
            start = day
            break
    ends = [d for d, _ in days if latest_published is None or d <= latest_published]
    end = ends[-1] if ends else days[-1][0]
    return start, max(start, end)


def source_counts(conn: sqlite3.Connection) -> dict[str, int]:
    """Events per named source, by name; the sidebar shows these next to each choice."""
    rows = conn.execute(
        "SELECT source, COUNT(*) FROM events WHERE source IS NOT NULL GROUP BY source ORDER BY source"
    )
    return {source: n for source, n in rows}


def choices(conn: sqlite3.Connection) -> Choices:
    return Choices(source_counts(conn), type_counts(conn), area_counts(conn), role_counts(conn))


def role_counts(conn: sqlite3.Connection) -> dict[str, int]:
    """Place mentions per role, in the taxonomy's order (roles no row has are left out)."""
    found = dict(conn.execute("SELECT COALESCE(role, 'event'), COUNT(*) FROM events GROUP BY 1"))
    ordered = [r for r in ROLES if r in found] + sorted(r for r in found if r not in ROLES)
    return {role: found[role] for role in ordered}


def type_counts(conn: sqlite3.Connection) -> dict[str, int]:
    """Events per event type ('other' for none), by name."""
    rows = conn.execute("SELECT COALESCE(event_type, 'other') AS t, COUNT(*) FROM events GROUP BY t ORDER BY t")
    return {event_type: n for event_type, n in rows}


def area_counts(conn: sqlite3.Connection) -> dict[str, int]:
    """Events per country code and per admin-1 region ("UA/Kharkivska"), countries first by count."""
    counts: dict[str, int] = {}
    regions: dict[str, int] = {}
    rows = conn.execute(
        "SELECT country_code, admin1, COUNT(*) FROM events WHERE COALESCE(country_code, '') <> ''"
        " GROUP BY country_code, admin1"
    )
    for country, admin1, n in rows:
        counts[country] = counts.get(country, 0) + n
        if admin1:
            regions[f"{country}{AREA_SEPARATOR}{admin1}"] = n
    ordered = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return dict(ordered + sorted(regions.items(), key=lambda item: (-item[1], item[0])))


def where(filters: Filters) -> tuple[str, list]:
    """The WHERE clause and its parameters for `filters`."""
    dated = "event_date >= ? AND event_date <= ?"
    clauses = [f"({dated} OR event_date IS NULL)" if filters.include_undated else dated]
    params: list = [filters.start.isoformat(), filters.end.isoformat()]
    for column, chosen in (("source", filters.sources), ("COALESCE(event_type, 'other')", filters.event_types)):
        if chosen is not None:
            clauses.append(f"{column} IN ({', '.join('?' for _ in chosen)})" if chosen else "0")
            params.extend(chosen)
    clauses.append(f"COALESCE(role, 'event') IN ({', '.join('?' for _ in filters.roles)})" if filters.roles else "0")
    params.extend(filters.roles)
    if not filters.include_country:
        clauses.append("(geo_precision IS NULL OR geo_precision <> 'country')")
    if filters.areas:
        clauses.append(_areas_clause(filters.areas, params))
    for word in filters.text.split():
        clauses.append("(sentence LIKE ? ESCAPE '\\' OR place_text LIKE ? ESCAPE '\\'"
                       " OR place_name LIKE ? ESCAPE '\\' OR title LIKE ? ESCAPE '\\')")
        params.extend([f"%{_escape_like(word)}%"] * 4)
    return "WHERE " + " AND ".join(clauses), params


def _areas_clause(areas: tuple[str, ...], params: list) -> str:
    """Events in any of the countries, or any of the admin-1 regions."""
    countries = [a for a in areas if AREA_SEPARATOR not in a]
    regions = [a.split(AREA_SEPARATOR, 1) for a in areas if AREA_SEPARATOR in a]
    parts = []
    if countries:
        parts.append(f"country_code IN ({', '.join('?' for _ in countries)})")
        params.extend(countries)
    for country, admin1 in regions:
        parts.append("(country_code = ? AND admin1 = ?)")
        params.extend([country, admin1])
    return "(" + " OR ".join(parts) + ")"


def _escape_like(word: str) -> str:
    """A search word matched literally: LIKE's wildcards in it are escaped."""
    return word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def totals(conn: sqlite3.Connection, filters: Filters) -> Totals:
    sql, params = where(filters)
    row = conn.execute(
        f"SELECT COUNT(DISTINCT {GROUP}), COUNT(*), COUNT(DISTINCT article_id), COUNT(DISTINCT place_id),"
        f" COUNT(DISTINCT source) FROM events {sql}",
        params,
    ).fetchone()
    return Totals(*row)


def events(conn: sqlite3.Connection, filters: Filters, limit: int) -> list[EventRow]:
    """The newest `limit` events matching `filters`."""
    sql, params = where(filters)
    rows = conn.execute(f"SELECT {ROW_COLUMNS} FROM events {sql} {NEWEST_FIRST} LIMIT ?", [*params, limit])
    return [event_row(r) for r in rows]


def timeline_counts(conn: sqlite3.Connection, filters: Filters, by: str, weekly: bool) -> list[tuple[str, str, int]]:
    """(day, source or event type, events) over every matching event (not capped); with `weekly`, the
    day is the Monday of the event's week. Aggregated here so the chart gets hundreds of rows, not 100,000."""
    sql, params = where(filters)
    bucket = "date(event_date, '-6 days', 'weekday 1')" if weekly else "event_date"
    key = "COALESCE(event_type, 'other')" if by == "type" else "COALESCE(source, '')"
    rows = conn.execute(
        f"SELECT {bucket} AS bucket, {key} AS k, COUNT(*) FROM events {sql} AND event_date IS NOT NULL"
        " GROUP BY 1, 2 ORDER BY 1, 2", params
    )
    return [tuple(r) for r in rows]


def event_row(row: sqlite3.Row, skip: int = 0) -> EventRow:
    """The EventRow in `row`'s columns after the first `skip` (which a caller selected for itself)."""
    values = dict(zip(row.keys()[skip:], tuple(row)[skip:]))
    values["published_inferred"] = bool(values["published_inferred"])  # stored as 0/1
    values["alternatives"] = _json_list(values["alternatives"])
    values["actors"] = _json_list(values["actors"])
    return EventRow(**values)


def _json_list(stored: str | None) -> tuple[str, ...]:
    """A stored JSON list of strings; anything else (NULL, a foreign writer's text) is none."""
    try:
        found = json.loads(stored or "[]")
    except ValueError:
        return ()
    return tuple(str(a) for a in found) if isinstance(found, list) else ()


def _to_date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value[:10]) if value else None
    except ValueError:
        return None
