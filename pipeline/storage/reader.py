"""Every read the dashboard makes, as parameterised SQL that both engines run alike.

Filtering happens in the database, so the app never loads more rows than it shows. User values only ever travel
as parameters; the SQL text is built from fixed fragments and placeholder counts. Small orderings (sources,
types, areas, timeline keys) are done here in Python: PostgreSQL's collation would order text otherwise than
SQLite, and the two engines must show the same page.
"""
from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import fields
from datetime import date, timedelta

from ..taxonomy import MAP_ROLES, ROLES
from .engine import Db
from .rows import AREA_SEPARATOR, Choices, EventRow, Filters, Overview, Totals, UnresolvedRow, UrlState

# Text columns may be NULL in rows from older or foreign writers; the views expect strings.
_TEXT_COLUMNS = {"date_precision", "date_text", "date_basis", "date_value", "place_text", "place_name",
                 "country_code", "geo_precision", "source", "sentence", "event_type", "trigger", "place_reason"}
# A row without a group (written before grouping existed, or by a foreign writer) is an event of its own.
GROUP = "COALESCE(group_id, event_id)"
_COLUMN_SQL = {"group_id": f"{GROUP} AS group_id", "role": "COALESCE(role, 'event') AS role",
               "published_basis": "COALESCE(published_basis, 'given') AS published_basis",
               "trigger": "COALESCE(\"trigger\", '') AS \"trigger\""}
ROW_COLUMNS = ", ".join(
    _COLUMN_SQL.get(f.name) or (f"COALESCE({f.name}, '') AS {f.name}" if f.name in _TEXT_COLUMNS else f.name)
    for f in fields(EventRow)
)
# Newest first; ties broken by publication and id so the order (and the marker cap) is stable; undated last.
NEWEST_FIRST = "ORDER BY event_date DESC NULLS LAST, published_date DESC NULLS LAST, event_id"
_MAP = "COALESCE(role, 'event') IN (" + ", ".join(f"'{r}'" for r in MAP_ROLES) + ")"
# Share of the dated events left out at the early end of the default date range.
SPAN_TRIM = 0.02
# Unresolved names listed at most, the most frequent first.
UNRESOLVED_LIMIT = 200
EXPORT_COLUMNS = ("event_id", "event_date", "date_precision", "date_text", "date_basis", "date_value",
                  "published_date", "published_inferred", "published_basis", "source", "title", "url", "place_text",
                  "place_name", "place_id", "geonameid", "country_code", "admin1", "feature_code", "geo_precision",
                  "lat", "lon", "event_type", "confidence", "sentence", "article_id", "role", "trigger", "actors",
                  "place_reason", "group_id", "group_reason")


class Reader:
    """Reads through one connection (read-only for the app)."""

    def __init__(self, db: Db):
        self.db = db

    def change_token(self) -> int:
        """Moves on with every write: what the app's cache keys on (0 for a database with nothing yet)."""
        if not self.db.table_exists("dateline_meta"):
            return 0
        row = self.db.one("SELECT value FROM dateline_meta WHERE key = 'revision'")
        return int(row[0]) if row else 0

    def has_events(self) -> bool:
        return self.db.table_exists("events")

    def overview(self) -> Overview:
        if not self.has_events():
            return Overview(0, None, None)
        events, reports, undated, latest = self.db.one(
            f"SELECT COUNT(DISTINCT {GROUP}), COUNT(*), COUNT(*) - COUNT(event_date), MAX(published_date) FROM events"
            f" WHERE {_MAP}")
        days = [(to_date(d), n) for d, n in self.db.all(
            f"SELECT event_date, COUNT(*) FROM events WHERE {_MAP} AND event_date IS NOT NULL GROUP BY event_date")]
        days = sorted((d, n) for d, n in days if d is not None)
        if not days:
            return Overview(events, None, None, reports, undated)
        return Overview(events, days[0][0], days[-1][0], reports, undated, default_span(days, to_date(latest)))

    def choices(self) -> Choices:
        return Choices(self.source_counts(), self._counts("COALESCE(event_type, 'other')"), self.area_counts(),
                       self.role_counts())

    def source_counts(self) -> dict[str, int]:
        """Events per named source, by name; the sidebar shows these next to each choice."""
        return dict(sorted(self.db.all("SELECT source, COUNT(*) FROM events WHERE source IS NOT NULL GROUP BY source")))

    def role_counts(self) -> dict[str, int]:
        """Place mentions per role, in the taxonomy's order (roles no row has are left out)."""
        found = self._counts("COALESCE(role, 'event')")
        ordered = [r for r in ROLES if r in found] + sorted(r for r in found if r not in ROLES)
        return {role: found[role] for role in ordered}

    def _counts(self, expression: str) -> dict[str, int]:
        return dict(sorted(self.db.all(f"SELECT {expression}, COUNT(*) FROM events GROUP BY {expression}")))

    def area_counts(self) -> dict[str, int]:
        """Events per country code and per admin-1 region ("UA/Kharkivska"), countries first by count."""
        counts: dict[str, int] = {}
        regions: dict[str, int] = {}
        for country, admin1, n in self.db.all("SELECT country_code, admin1, COUNT(*) FROM events"
                                              " WHERE COALESCE(country_code, '') <> '' GROUP BY country_code, admin1"):
            counts[country] = counts.get(country, 0) + n
            if admin1:
                regions[f"{country}{AREA_SEPARATOR}{admin1}"] = n
        ordered = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
        return dict(ordered + sorted(regions.items(), key=lambda item: (-item[1], item[0])))

    def totals(self, filters: Filters) -> Totals:
        sql, params = where(filters)
        return Totals(*self.db.one(
            f"SELECT COUNT(DISTINCT {GROUP}), COUNT(*), COUNT(DISTINCT article_id), COUNT(DISTINCT place_id),"
            f" COUNT(DISTINCT source) FROM events {sql}", params))

    def events(self, filters: Filters, limit: int) -> list[EventRow]:
        """The newest `limit` events matching `filters`."""
        sql, params = where(filters)
        cursor = self.db.execute(f"SELECT {ROW_COLUMNS} FROM events {sql} {NEWEST_FIRST} LIMIT ?", [*params, limit])
        names = [d[0] for d in cursor.description]
        return [event_row(names, row) for row in cursor.fetchall()]

    def matching_ids(self, text: str) -> list[str]:
        """The ids of the rows a search matches (what the in-memory columns cannot answer)."""
        params: list = []
        clauses = " AND ".join(text_clauses(text, params))
        return [r[0] for r in self.db.stream(f"SELECT event_id FROM events WHERE {clauses}", params)]

    def rows_by_id(self, event_ids: list[str]) -> dict[str, EventRow]:
        ids, params = self.db.in_list("event_id", event_ids)
        cursor = self.db.execute(f"SELECT {ROW_COLUMNS} FROM events WHERE {ids}", params)
        names = [d[0] for d in cursor.description]
        return {row.event_id: row for row in (event_row(names, r) for r in cursor.fetchall())}

    def timeline(self, filters: Filters, by: str, weekly: bool) -> list[tuple[str, str, int]]:
        """(day, source or event type, events) over every matching event (not capped); with `weekly`, the day
        is the Monday of the event's week. Counted in the database per day, so the chart gets hundreds of rows,
        not 100,000; weeks are summed here (engines count weeks differently)."""
        sql, params = where(filters)
        key = "COALESCE(event_type, 'other')" if by == "type" else "COALESCE(source, '')"
        found: dict[tuple[str, str], int] = {}
        for day, k, n in self.db.all(f"SELECT event_date, {key}, COUNT(*) FROM events {sql}"
                                     f" AND event_date IS NOT NULL GROUP BY event_date, {key}", params):
            bucket = monday(day) if weekly else day
            found[bucket, k] = found.get((bucket, k), 0) + n
        return [(day, k, n) for (day, k), n in sorted(found.items())]

    def unresolved(self, filters: Filters, limit: int = UNRESOLVED_LIMIT) -> list[UnresolvedRow]:
        """Place names the pipeline found but could not place, with how often and in how many articles: the
        filters apply through their article (its source, its publication date within the range)."""
        if not self.db.table_exists("unresolved_places"):
            return []
        clauses = ["a.status = 'stored'", "a.published_date >= ?", "a.published_date <= ?"]
        params: list = [filters.start.isoformat(), filters.end.isoformat()]
        if filters.sources is not None:
            clauses.append(f"a.source IN ({', '.join('?' for _ in filters.sources)})" if filters.sources else "1 = 0")
            params.extend(filters.sources)
        rows = self.db.all(
            "SELECT u.place_text, COUNT(*), COUNT(DISTINCT u.article_id) FROM unresolved_places u"
            f" JOIN articles a ON a.article_id = u.article_id WHERE {' AND '.join(clauses)} GROUP BY u.place_text",
            params)
        return [UnresolvedRow(*r) for r in sorted(rows, key=lambda r: (-r[1], r[0]))[:limit]]

    def url_states(self, urls: list[str]) -> dict[str, UrlState]:
        """What the last answers for `urls` said (those never fetched are absent)."""
        clause, params = self.db.in_list("url", urls)
        return {url: UrlState(etag or None, modified or None, bool(done), listed, source, tries)
                for url, etag, modified, done, listed, source, tries in self.db.all(
                    "SELECT url, etag, last_modified, done, listed, source, tries FROM fetched_urls"
                    f" WHERE {clause}", params)}

    def export_rows(self, filters: Filters) -> Iterator[tuple]:
        """Exactly the filtered events, newest first, in EXPORT_COLUMNS order, streamed."""
        sql, params = where(filters)
        columns = ", ".join(f'"{c}"' for c in EXPORT_COLUMNS)
        yield from self.db.stream(f"SELECT {columns} FROM events {sql} {NEWEST_FIRST}", params)


def where(filters: Filters) -> tuple[str, list]:
    """The WHERE clause and its parameters for `filters`."""
    dated = "event_date >= ? AND event_date <= ?"
    clauses = [f"({dated} OR event_date IS NULL)" if filters.include_undated else dated]
    params: list = [filters.start.isoformat(), filters.end.isoformat()]
    for column, chosen in (("source", filters.sources), ("COALESCE(event_type, 'other')", filters.event_types)):
        if chosen is not None:
            clauses.append(f"{column} IN ({', '.join('?' for _ in chosen)})" if chosen else "1 = 0")
            params.extend(chosen)
    clauses.append(f"COALESCE(role, 'event') IN ({', '.join('?' for _ in filters.roles)})" if filters.roles
                   else "1 = 0")
    params.extend(filters.roles)
    if not filters.include_country:
        clauses.append("(geo_precision IS NULL OR geo_precision <> 'country')")
    if filters.areas:
        clauses.append(_areas_clause(filters.areas, params))
    clauses += text_clauses(filters.text, params)
    return "WHERE " + " AND ".join(clauses), params


def text_clauses(text: str, params: list) -> list[str]:
    """A condition per word of a search: the sentence, the place or the title contains it (any case)."""
    clauses = []
    for word in text.split():
        clauses.append("(lower(sentence) LIKE ? ESCAPE '\\' OR lower(place_text) LIKE ? ESCAPE '\\'"
                       " OR lower(place_name) LIKE ? ESCAPE '\\' OR lower(title) LIKE ? ESCAPE '\\')")
        params.extend([f"%{_escape_like(word.lower())}%"] * 4)
    return clauses


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


def event_row(names: list[str], row: tuple) -> EventRow:
    values = dict(zip(names, row))
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


def to_date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value[:10]) if value else None
    except ValueError:
        return None


def monday(day: str) -> str:
    found = to_date(day)
    return (found - timedelta(days=found.weekday())).isoformat() if found else day


def default_span(days: list[tuple[date, int]], latest_published: date | None) -> tuple[date, date]:
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
