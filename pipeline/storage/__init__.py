"""The one door to the events database: the pipeline writes and the dashboard reads through it, on SQLite (a file,
the embedded default) or PostgreSQL (a server, for a team), chosen by the name given (DATELINE_DB or --db).

    store = open_store("data/events.db")            # or "postgresql://user:pass@host:5432/dateline"
    store.migrate()                                 # an explicit step: `python -m pipeline migrate`; `run` does it
    writer = store.writer()                         # refuses a database of another schema version
    with store.reading() as reader:                 # read-only; pooled connections on PostgreSQL
        reader.overview(), reader.totals(filters), map_rows.places(reader, filters, 3)   # plain SQL
        snapshot = Snapshot.read(reader)            # the same views from columns in memory (what the app uses)

Every failure reaches callers as StoreError (SchemaError for a version mismatch, Unavailable for a server that
cannot be reached or went away), one line naming the database and what to do; the engines' differences live in
engine.py and nowhere else.
"""
from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .. import config
from . import fetch_log, map_rows, schema
from .engine import (POSTGRESQL, SQLITE, CommitInDoubt, Db, Location, SchemaError, StoreError, Unavailable, connect,
                     locate, retrying)
from .reader import EXPORT_COLUMNS, Reader
from .rows import (AREA_SEPARATOR, Choices, EventRow, FetchRecord, Filters, Overview, PlaceRow, PlaceSummary, Report,
                   Totals, UnresolvedRow, UrlState)
from .writer import DUPLICATE, REPLACED, STORED, Writer

__all__ = ["AREA_SEPARATOR", "DUPLICATE", "EXPORT_COLUMNS", "POSTGRESQL", "REPLACED", "SQLITE", "STORED", "Choices",
           "CommitInDoubt", "EventRow", "FetchRecord", "Filters", "Location", "Overview", "PlaceRow", "PlaceSummary",
           "Reader", "Report", "SchemaError", "Snapshot", "Store", "StoreError", "Totals", "Unavailable",
           "UnresolvedRow", "UrlState", "Writer", "fetch_log", "map_rows", "open_store"]


def __getattr__(name: str):
    """Snapshot is imported when first asked for: it needs pandas (a quarter of a second), which the app's views use
    and a pipeline process (each writer, each `run`) does not."""
    if name == "Snapshot":
        from .snapshot import Snapshot

        return Snapshot
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


# Connections a PostgreSQL reader pool keeps per app process: a page's reads run in turn, a few pages at once.
POOL_SIZE = 8


class Store:
    """One database. Cheap to make; connections are opened when used. A pooled store (the app's, one per process)
    keeps its PostgreSQL reading connections open between reads."""

    def __init__(self, location: Location, pooled: bool = False):
        self.location, self.pooled = location, pooled
        self._pool = None
        self._pool_lock = threading.Lock()

    @property
    def exists(self) -> bool:
        """Whether there is anything to read: an SQLite file on disk (a server is asked when read)."""
        return self.location.kind != SQLITE or Path(self.location.target).exists()

    def migrate(self) -> str:
        """Create the schema or bring it to this code's version; what was done, in a few words."""
        db = connect(self.location)
        try:
            return retrying(lambda: schema.migrate(db, lambda d: Writer(d).regroup_all()), self.location)
        finally:
            db.close()

    def copy_from(self, source: Store) -> int:
        """Copy every row of `source` (another database, of either engine, at this code's schema version) into
        this one, which must hold no articles yet: how a team moves its SQLite file to PostgreSQL. One
        transaction; returns the number of rows copied."""
        self.migrate()
        target = connect(self.location)
        try:
            with source.reading() as reader:
                if target.one("SELECT COUNT(*) FROM articles")[0]:
                    raise StoreError(f"{self.location.shown} already holds articles: copy into an empty database")
                return retrying(lambda: schema.copy(reader.db, target), self.location)
        finally:
            target.close()

    def writer(self) -> Writer:
        """A writer on a database at this code's schema version (run `migrate` first)."""
        db = connect(self.location)
        try:
            found = schema.version(db)
            if found is None:
                raise SchemaError(f"{self.location.shown} has no Dateline schema yet: run `python -m pipeline migrate`")
            schema.check(db)
        except BaseException:
            db.close()
            raise
        return Writer(db)

    @contextmanager
    def reading(self) -> Iterator[Reader]:
        """A reader on a read-only connection; the schema must be this code's version (or not there yet)."""
        db = self._borrow()
        try:
            reader = Reader(db)
            retrying(lambda: schema.check(db), self.location)
            yield reader
        finally:
            self._give_back(db)

    def _borrow(self) -> Db:
        if self.location.kind == SQLITE or not self.pooled:
            if not self.exists:
                raise StoreError(f"{self.location.target}: no such database yet (run the pipeline first)")
            return connect(self.location, readonly=True)
        with self._pool_lock:
            if self._pool is None:
                self._pool = _pool(self.location)
        try:
            raw = self._pool.getconn()
        except Exception as exc:  # the pool's own timeout or the server's refusal
            raise StoreError(f"{self.location.shown}: cannot connect: {exc}") from None
        return Db(self.location, raw, readonly=True)

    def _give_back(self, db: Db) -> None:
        if self._pool is None:
            db.close()
        else:
            self._pool.putconn(db.raw)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.close()
            self._pool = None


def open_store(name: str | Path | None = None, pooled: bool = False) -> Store:
    return Store(locate(name if name is not None else config.database()), pooled)


def _pool(location: Location):
    from psycopg_pool import ConnectionPool

    connect(location, readonly=True).close()  # a refused connection is told in one line, not after a pool timeout

    def configure(conn) -> None:
        conn.autocommit = True
        conn.execute("SET default_transaction_read_only = on")

    return ConnectionPool(location.target, min_size=1, max_size=POOL_SIZE, configure=configure, open=True,
                          timeout=10, kwargs={"connect_timeout": 10})
