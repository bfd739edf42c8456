"""The events database: schema and idempotent writes.

SQLite in WAL mode so the app can read while the pipeline writes; parameterised SQL only.
"""
from __future__ import annotations

import json
import sqlite3
from dataclasses import astuple, fields
from datetime import datetime, timezone
from pathlib import Path

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
    event_type TEXT, confidence REAL, alternatives TEXT
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
    conn.execute("PRAGMA foreign_keys=ON")
    conn.row_factory = sqlite3.Row
    return conn


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
) -> None:
    """Store an article with its events in one transaction, replacing any earlier version."""
    with conn:
        conn.execute("DELETE FROM events WHERE article_id = ?", (article.article_id,))
        conn.execute("DELETE FROM unresolved_places WHERE article_id = ?", (article.article_id,))
        conn.execute(
            "INSERT OR REPLACE INTO articles (article_id, origin, status, reason, source, url, title,"
            " published_date, published_inferred, text_hash, flags, n_events, text, ingested_at)"
            " VALUES (?, ?, 'stored', NULL, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                article.article_id, article.origin, article.source, article.url, article.title,
                article.published.isoformat() if article.published else None,
                int(article.published_inferred), article.text_hash, ",".join(article.flags),
                len(events), article.text, _now(),
            ),
        )
        placeholders = ", ".join("?" for _ in EVENT_COLUMNS)
        conn.executemany(
            f"INSERT OR REPLACE INTO events ({', '.join(EVENT_COLUMNS)}) VALUES ({placeholders})",
            [_event_values(e) for e in events],
        )
        conn.executemany(
            "INSERT OR REPLACE INTO unresolved_places (article_id, place_text, start_char) VALUES (?, ?, ?)",
            [(article.article_id, m.text, m.start) for m in unresolved],
        )
        _log(conn, run_id, article.origin, "stored", None, article.article_id)


def _event_values(event: Event) -> tuple:
    values = list(astuple(event))
    values[EVENT_COLUMNS.index("alternatives")] = json.dumps(list(event.alternatives), ensure_ascii=False)
    values[EVENT_COLUMNS.index("published_inferred")] = int(event.published_inferred)
    return tuple(values)


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
