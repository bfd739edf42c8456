"""The events database's tables, its schema version, and the migrations between versions: an explicit step
(`python -m pipeline migrate`, which `run` takes first), never a side effect of reading.

Version 1 is the first with a version: a database written before it (the SQLite files of earlier Dateline) has no
`dateline_meta` table and may lack columns added since; migrating adds them, groups the events once if groups
were missing, and records version 1. Version 2 indexes events by admin-1 region: a save looks for the reports it
may group with at the same places or in the same regions, which without it read the whole table on every save.
Version 3 indexes them by place and by region together with the date (replacing both): a save reads only the days
around its own reports, which at a million events was the difference between 14 and 2.6 articles a second.
Version 4 adds what `pipeline watch` keeps: every fetch attempt (`fetches`), and per URL what the last answer said
(`fetched_urls`: its ETag and Last-Modified for the next conditional GET, and whether the item is done with).
Version 5 keeps, per URL, a fingerprint of how its feed or sitemap last listed it (`listed`): an item done with is
taken again when its listing changes (a feed that rewrites an item's text), and only then; and how many fetches
of it failed (`tries`), so that a link that never answers is given up.
"""
from __future__ import annotations

from collections.abc import Callable

from .engine import GROUPING_LOCK, POSTGRESQL, Db, SchemaError

SCHEMA_VERSION = 5
META = "dateline_meta"

_TABLES = """
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
CREATE TABLE IF NOT EXISTS events (
    event_id TEXT PRIMARY KEY,
    article_id TEXT NOT NULL REFERENCES articles(article_id) ON DELETE CASCADE,
    source TEXT, url TEXT, title TEXT,
    published_date TEXT, published_inferred INTEGER,
    event_date TEXT, date_precision TEXT, date_text TEXT, date_basis TEXT, date_value TEXT,
    place_text TEXT, place_name TEXT, geonameid BIGINT, place_id TEXT,
    country_code TEXT, admin1 TEXT, feature_code TEXT, geo_precision TEXT,
    lat {REAL} NOT NULL, lon {REAL} NOT NULL,
    sentence TEXT, start_char INTEGER, end_char INTEGER,
    event_type TEXT, confidence {REAL}, alternatives TEXT,
    role TEXT NOT NULL DEFAULT 'event', "trigger" TEXT NOT NULL DEFAULT '', actors TEXT NOT NULL DEFAULT '[]',
    place_reason TEXT NOT NULL DEFAULT '', group_id TEXT, group_reason TEXT,
    published_basis TEXT NOT NULL DEFAULT 'given'
);
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
CREATE TABLE IF NOT EXISTS fetches (
    source TEXT NOT NULL,
    url TEXT NOT NULL,
    at TEXT NOT NULL,
    status INTEGER,
    bytes BIGINT NOT NULL DEFAULT 0,
    outcome TEXT NOT NULL,
    error TEXT,
    article_id TEXT
);
CREATE TABLE IF NOT EXISTS fetched_urls (
    url TEXT PRIMARY KEY,
    source TEXT NOT NULL,
    etag TEXT,
    last_modified TEXT,
    done INTEGER NOT NULL DEFAULT 0,
    at TEXT NOT NULL,
    listed TEXT,
    tries INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS dateline_meta (key TEXT PRIMARY KEY, value BIGINT NOT NULL);
"""
_INDEXES = """
CREATE INDEX IF NOT EXISTS articles_url ON articles(url);
CREATE UNIQUE INDEX IF NOT EXISTS articles_one_text ON articles(text_hash) WHERE status = 'stored';
CREATE INDEX IF NOT EXISTS events_date ON events(event_date);
CREATE INDEX IF NOT EXISTS events_source ON events(source);
CREATE INDEX IF NOT EXISTS events_article ON events(article_id);
CREATE INDEX IF NOT EXISTS events_group ON events(group_id);
CREATE INDEX IF NOT EXISTS events_role ON events(role);
CREATE INDEX IF NOT EXISTS events_place_date ON events(place_id, event_date);
CREATE INDEX IF NOT EXISTS events_region_date ON events(admin1, event_date);
CREATE INDEX IF NOT EXISTS input_log_run ON input_log(run_id);
CREATE INDEX IF NOT EXISTS fetches_source_at ON fetches(source, at);
"""
# Indexes of earlier versions that newer ones replace.
_DROPPED = ("events_place", "events_region")
# Columns added to the SQLite files of earlier Dateline, with what their old rows get: the first version stored
# only event locations, so their role is 'event'; their groups are made once the columns are there.
_ADDED = {
    "events": {"role": "TEXT NOT NULL DEFAULT 'event'", "trigger": "TEXT NOT NULL DEFAULT ''",
               "actors": "TEXT NOT NULL DEFAULT '[]'", "place_reason": "TEXT NOT NULL DEFAULT ''",
               "group_id": "TEXT", "group_reason": "TEXT", "published_basis": "TEXT NOT NULL DEFAULT 'given'"},
    "articles": {"published_basis": "TEXT NOT NULL DEFAULT 'given'"},
    "fetched_urls": {"listed": "TEXT", "tries": "INTEGER NOT NULL DEFAULT 0"},
}


def version(db: Db) -> int | None:
    """The database's schema version: None for an empty database, 0 for one written before versions."""
    if not db.table_exists(META):
        return 0 if db.table_exists("events") else None
    row = db.one(f"SELECT value FROM {META} WHERE key = 'schema_version'")
    return int(row[0]) if row else 0


def check(db: Db) -> None:
    """Raise SchemaError unless the database is at this code's version (an empty one is no error: nothing yet)."""
    found = version(db)
    if found is None or found == SCHEMA_VERSION:
        return
    if found > SCHEMA_VERSION:
        raise SchemaError(f"{db.location.shown} has schema version {found}, newer than this Dateline's "
                          f"{SCHEMA_VERSION}: update Dateline")
    raise SchemaError(f"{db.location.shown} has schema version {found}, older than this Dateline's "
                      f"{SCHEMA_VERSION}: run `python -m pipeline migrate` (the app never rewrites the database)")


def migrate(db: Db, regroup: Callable[[Db], None]) -> str:
    """Bring the database to SCHEMA_VERSION in one transaction; what was done, in a few words. `regroup(db)`
    groups every event (the writer's), for a database whose events had no groups."""
    found = version(db)
    if found is not None and found > SCHEMA_VERSION:
        check(db)
    if found == SCHEMA_VERSION:
        return f"schema version {SCHEMA_VERSION}, nothing to do"
    with db.transaction():
        db.lock(GROUPING_LOCK)
        missing_groups = found == 0 and "group_id" not in db.columns("events")
        _script(db, _TABLES.format(REAL="DOUBLE PRECISION" if db.kind == POSTGRESQL else "REAL"))
        _add_columns(db)  # to the tables an older version made without them
        _script(db, _INDEXES)
        for index in _DROPPED:  # names of our own, never input
            db.execute(f"DROP INDEX IF EXISTS {index}")
        db.execute(f"INSERT INTO {META} (key, value) VALUES ('schema_version', ?) ON CONFLICT (key) DO UPDATE"
                   " SET value = excluded.value", (SCHEMA_VERSION,))
        db.execute(f"INSERT INTO {META} (key, value) VALUES ('revision', 1) ON CONFLICT (key) DO NOTHING")
        if missing_groups:
            regroup(db)
    if found is None:
        return f"created schema version {SCHEMA_VERSION}"
    return f"migrated schema version {found} to {SCHEMA_VERSION}" + (" and grouped its events" if missing_groups else "")


def _add_columns(db: Db) -> None:
    for table, added in _ADDED.items():
        present = db.columns(table)
        for name, kind in added.items():  # names and types from _ADDED above, never from input
            if name not in present:
                db.execute(f'ALTER TABLE {table} ADD COLUMN "{name}" {kind}')


def _script(db: Db, script: str) -> None:
    for statement in filter(None, (s.strip() for s in script.split(";"))):
        db.execute(statement)


# Tables in the order their rows can be copied (articles before the rows that refer to them).
COPIED = ("articles", "events", "unresolved_places", "input_log", "fetches", "fetched_urls")
COPY_BATCH = 5000


def copy(source: Db, target: Db) -> int:
    """Every row of every table of `source` into `target`, in one transaction; the revision moves on."""
    copied = 0
    with target.transaction():
        target.lock(GROUPING_LOCK)
        for table in COPIED:
            columns = sorted(source.columns(table) & target.columns(table))
            names = ", ".join(f'"{c}"' for c in columns)
            insert = f"INSERT INTO {table} ({names}) VALUES ({', '.join('?' for _ in columns)})"
            batch = []
            for row in source.stream(f"SELECT {names} FROM {table}"):
                batch.append(row)
                if len(batch) == COPY_BATCH:
                    target.executemany(insert, batch)
                    copied, batch = copied + len(batch), []
            target.executemany(insert, batch)
            copied += len(batch)
        target.execute(f"UPDATE {META} SET value = value + 1 WHERE key = 'revision'")
    target.execute("ANALYZE")  # the planner's statistics for the rows just loaded, before anyone reads them
    return copied
