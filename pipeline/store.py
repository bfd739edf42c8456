"""The events database: schema and idempotent writes.

SQLite in WAL mode so the app can read while the pipeline writes; parameterised SQL only. Reports of one event
are grouped (grouping.py) in the same transaction that stores or replaces an article, so no group outlives a
replaced report; a database written before a column existed gets it on the next `connect`.
"""
from __future__ import annotations

import json
import sqlite3
from dataclasses import fields
from datetime import datetime, timezone
from pathlib import Path

from .grouping import Report, group, not_grouped_reason
from .models import Article, Event, PlaceMention, Rejection, stable_id

SCHEMA = """
CREATE TABLE IF NOT EXISTS articles (
    article_id TEXT PRIMARY KEY,
    origin TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('stored', 'rejected')),
    reason TEXT,
    source TEXT,
    url TEXT,
    title TEXT,
    published_date TEXT,
    published_inferred INTEGER,
    published_basis TEXT NOT NULL DEFAULT 'given',
    text_hash TEXT,
    flags TEXT,
    n_events INTEGER NOT NULL DEFAULT 0,
    text TEXT,
    ingested_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS articles_text_hash ON articles(text_hash);
CREATE INDEX IF NOT EXISTS articles_url ON articles(url);

CREATE TABLE IF NOT EXISTS events (
    event_id TEXT PRIMARY KEY,
    article_id TEXT NOT NULL REFERENCES articles(article_id) ON DELETE CASCADE,
    source TEXT, url TEXT, title TEXT,
    published_date TEXT, published_inferred INTEGER,
    event_date TEXT, date_precision TEXT, date_text TEXT, date_basis TEXT, date_value TEXT,
    place_text TEXT, place_name TEXT, geonameid INTEGER, place_id TEXT,
    country_code TEXT, admin1 TEXT, feature_code TEXT, geo_precision TEXT,
    lat REAL NOT NULL, lon REAL NOT NULL,
    sentence TEXT, start_char INTEGER, end_char INTEGER,
    event_type TEXT, confidence REAL, alternatives TEXT,
    role TEXT NOT NULL DEFAULT 'event', "trigger" TEXT NOT NULL DEFAULT '', actors TEXT NOT NULL DEFAULT '[]',
    place_reason TEXT NOT NULL DEFAULT '', group_id TEXT, group_reason TEXT,
    published_basis TEXT NOT NULL DEFAULT 'given'
);
CREATE INDEX IF NOT EXISTS events_date ON events(event_date);
CREATE INDEX IF NOT EXISTS events_source ON events(source);
CREATE INDEX IF NOT EXISTS events_article ON events(article_id);

CREATE TABLE IF NOT EXISTS unresolved_places (
    article_id TEXT NOT NULL REFERENCES articles(article_id) ON DELETE CASCADE,
    place_text TEXT NOT NULL,
    start_char INTEGER NOT NULL,
    PRIMARY KEY (article_id, start_char)
);

CREATE TABLE IF NOT EXISTS input_log (
    run_id TEXT NOT NULL,
    origin TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('stored', 'duplicate', 'rejected')),
    reason TEXT,
    article_id TEXT,
    at TEXT NOT NULL
);
"""

EVENT_COLUMNS = [f.name for f in fields(Event)]
# Columns added after the first release, with what an older database's rows get: the old version stored only
# event locations, so their role is 'event'; their groups are computed when the columns are added.
ADDED_COLUMNS = {
    "role": "TEXT NOT NULL DEFAULT 'event'",
    "trigger": "TEXT NOT NULL DEFAULT ''",
    "actors": "TEXT NOT NULL DEFAULT '[]'",
    "place_reason": "TEXT NOT NULL DEFAULT ''",
    "group_id": "TEXT",
    "group_reason": "TEXT",
    "published_basis": "TEXT NOT NULL DEFAULT 'given'",
}
INDEXES = """
CREATE INDEX IF NOT EXISTS events_group ON events(group_id);
CREATE INDEX IF NOT EXISTS events_role ON events(role);
"""
_REPORT_COLUMNS = [f.name for f in fields(Report)]
# A month-precision date starts up to this many days before a day it overlaps.
_LONGEST_SPAN_DAYS = 31


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def connect(path: str | Path, readonly: bool = False) -> sqlite3.Connection:
    """Open the database; a writer creates it and its schema, a reader never does."""
    path = Path(path)
    if readonly:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30, check_same_thread=False)
    else:
        path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(path, timeout=30)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.executescript(SCHEMA)
        _add_missing_columns(conn)
    conn.execute("PRAGMA foreign_keys=ON")
    conn.row_factory = sqlite3.Row
    return conn


def _add_missing_columns(conn: sqlite3.Connection) -> None:
    """Bring a database made by an earlier version up to date, and group its events once."""
    present = {row[1] for row in conn.execute("PRAGMA table_info(events)")}
    missing = [name for name in ADDED_COLUMNS if name not in present]
    article_columns = {row[1] for row in conn.execute("PRAGMA table_info(articles)")}
    with conn:
        for name in missing:  # names and types come from ADDED_COLUMNS above, never from input
            conn.execute(f'ALTER TABLE events ADD COLUMN "{name}" {ADDED_COLUMNS[name]}')
        if "published_basis" not in article_columns:
            conn.execute("ALTER TABLE articles ADD COLUMN published_basis TEXT NOT NULL DEFAULT 'given'")
        conn.executescript(INDEXES)
        if missing:
            regroup_all(conn)


def find_duplicate(conn: sqlite3.Connection, article: Article) -> str | None:
    """The id of a stored article with the same normalised text; a changed text at a known URL is no duplicate
    (it replaces the stored version)."""
    row = conn.execute(
        "SELECT article_id FROM articles WHERE status = 'stored' AND text_hash = ? LIMIT 1", (article.text_hash,)
    ).fetchone()
    return row[0] if row else None


def save_article(
    conn: sqlite3.Connection,
    article: Article,
    events: list[Event],
    unresolved: list[PlaceMention],
    run_id: str,
) -> bool:
    """Store an article with its events in one transaction, replacing any earlier version; True when it replaced
    one (a changed text at a known URL)."""
    with conn:
        known = conn.execute("SELECT 1 FROM articles WHERE article_id = ? AND status = 'stored'",
                             (article.article_id,)).fetchone() is not None
        replaced = _reports(conn, "article_id = ?", (article.article_id,))
        conn.execute("DELETE FROM events WHERE article_id = ?", (article.article_id,))
        conn.execute("DELETE FROM unresolved_places WHERE article_id = ?", (article.article_id,))
        conn.execute(
            "INSERT OR REPLACE INTO articles (article_id, origin, status, reason, source, url, title,"
            " published_date, published_inferred, published_basis, text_hash, flags, n_events, text, ingested_at)"
            " VALUES (?, ?, 'stored', NULL, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                article.article_id, article.origin, article.source, article.url, article.title,
                article.published.isoformat() if article.published else None,
                int(article.published_inferred), article.published_basis, article.text_hash, ",".join(article.flags),
                len(events), article.text, _now(),
            ),
        )
        placeholders = ", ".join("?" for _ in EVENT_COLUMNS)
        columns = ", ".join(f'"{c}"' for c in EVENT_COLUMNS)
        conn.executemany(
            f"INSERT OR REPLACE INTO events ({columns}) VALUES ({placeholders})",
            [_event_values(e) for e in events],
        )
        _regroup_around(conn, article.article_id, replaced)
        conn.executemany(
            "INSERT OR REPLACE INTO unresolved_places (article_id, place_text, start_char) VALUES (?, ?, ?)",
            [(article.article_id, m.text, m.start) for m in unresolved],
        )
        _log(conn, run_id, article.origin, "stored", None, article.article_id)
    return known


def run_totals(conn: sqlite3.Connection, run_id: str) -> tuple[int, int]:
    """(events, reports) among the map rows of the articles a run stored, as the dashboard counts them: reports
    are rows whose role makes a map point, events the groups they fall in."""
    row = conn.execute(
        "SELECT COUNT(DISTINCT COALESCE(group_id, event_id)), COUNT(*) FROM events"
        " WHERE role IN ('event', 'origin', 'destination') AND article_id IN"
        " (SELECT article_id FROM input_log WHERE run_id = ? AND status = 'stored')", (run_id,)).fetchone()
    return row[0], row[1]


def _event_values(event: Event) -> tuple:
    values = [getattr(event, c) for c in EVENT_COLUMNS]  # not astuple: it deep-copies every field
    values[EVENT_COLUMNS.index("alternatives")] = json.dumps(list(event.alternatives), ensure_ascii=False)
    values[EVENT_COLUMNS.index("actors")] = json.dumps(list(event.actors), ensure_ascii=False)
    values[EVENT_COLUMNS.index("published_inferred")] = int(event.published_inferred)
    return tuple(values)


def regroup_all(conn: sqlite3.Connection) -> None:
    """Group every event of the database afresh (inside the caller's transaction)."""
    _write_groups(conn, _reports(conn, "1 = 1", ()))


def _regroup_around(conn: sqlite3.Connection, article_id: str, replaced: list[Report]) -> None:
    """Group again the rows that could share an event with the article's rows just written or deleted.

    Those are the article's own rows, the map rows at the same places or in the same admin-1 regions whose dates
    overlap a touched row's, and every member of the groups they are in (so no group is cut). The rest of the
    database keeps its groups: a new article extends them, a replaced one leaves none behind."""
    reports = _reports(conn, "article_id = ?", (article_id,))
    touched = [r for r in replaced + reports if r.groupable]
    if touched:
        lo = min(r.span[0] for r in touched).isoformat()
        hi = max(r.span[1] for r in touched).isoformat()
        nearby = _reports(
            conn, "article_id <> ? AND role IN ('event', 'origin', 'destination')"
            " AND (place_id IN (SELECT value FROM json_each(?)) OR admin1 IN (SELECT value FROM json_each(?)))"
            " AND (event_date BETWEEN date(?, '-1 day') AND ?"
            "      OR (date_precision IN ('week', 'month') AND event_date BETWEEN date(?, ?) AND ?))",
            (article_id, json.dumps(sorted({r.place_id for r in touched})),
             json.dumps(sorted({r.admin1 for r in touched if r.admin1})), lo, hi, lo, f"-{_LONGEST_SPAN_DAYS} days", hi))
        reports += [r for r in nearby if r.groupable and any(_overlap(r.span, t.span) for t in touched)]
    known = {r.event_id for r in reports}
    while True:  # take in the whole of every group touched
        group_ids = json.dumps(sorted({g for (g,) in conn.execute(
            "SELECT DISTINCT group_id FROM events WHERE event_id IN (SELECT value FROM json_each(?))",
            (json.dumps(sorted(known)),)) if g}))
        more = [r for r in _reports(conn, "group_id IN (SELECT value FROM json_each(?))", (group_ids,))
                if r.event_id not in known]
        if not more:
            break
        reports += more
        known |= {r.event_id for r in more}
    _write_groups(conn, reports)


def _overlap(a: tuple, b: tuple) -> bool:
    return a[0] <= b[1] and b[0] <= a[1]


def _reports(conn: sqlite3.Connection, where: str, params: tuple) -> list[Report]:
    columns = ", ".join(f'"{c}"' for c in _REPORT_COLUMNS)
    rows = conn.execute(f"SELECT {columns} FROM events WHERE {where}", params).fetchall()
    return [Report(**{**dict(zip(_REPORT_COLUMNS, row)), "actors": tuple(json.loads(row[_ACTORS_AT] or "[]"))})
            for row in rows]


_ACTORS_AT = _REPORT_COLUMNS.index("actors")


def _write_groups(conn: sqlite3.Connection, reports: list[Report]) -> None:
    """Store each report's group and reason; rows whose group did not change are not written."""
    grouped = group(reports)
    current = {event_id: (g, why) for event_id, g, why in conn.execute(
        "SELECT event_id, group_id, group_reason FROM events WHERE event_id IN (SELECT value FROM json_each(?))",
        (json.dumps([r.event_id for r in reports]),))}
    changes = []
    for r in reports:
        new = grouped.get(r.event_id) or (r.event_id, not_grouped_reason(r))
        if current.get(r.event_id) != new:
            changes.append((*new, r.event_id))
    conn.executemany("UPDATE events SET group_id = ?, group_reason = ? WHERE event_id = ?", changes)


def save_rejection(conn: sqlite3.Connection, rejection: Rejection, run_id: str) -> None:
    """Record an input that could not be stored, keyed on where it came from."""
    article_id = "rejected:" + stable_id(rejection.origin)
    with conn:
        conn.execute(
            "INSERT OR REPLACE INTO articles (article_id, origin, status, reason, ingested_at)"
            " VALUES (?, ?, 'rejected', ?, ?)",
            (article_id, rejection.origin, rejection.reason, _now()),
        )
        _log(conn, run_id, rejection.origin, "rejected", rejection.reason, article_id)


def save_duplicate(conn: sqlite3.Connection, origin: str, duplicate_of: str, run_id: str) -> None:
    with conn:
        _log(conn, run_id, origin, "duplicate", f"same article as {duplicate_of}", duplicate_of)


def _log(conn, run_id, origin, status, reason, article_id) -> None:
    conn.execute(
        "INSERT INTO input_log (run_id, origin, status, reason, article_id, at) VALUES (?, ?, ?, ?, ?, ?)",
        (run_id, origin, status, reason, article_id, _now()),
    )
