"""Where SQLite and PostgreSQL differ, and nowhere else: opening a database named by a path or a URL, SQL
placeholders, a list as one parameter, what is worth retrying, locks, and turning the drivers' errors into
one line for the user.

The rest of the storage package writes SQL once, with `?` placeholders, plain types and ON CONFLICT upserts,
which both engines read alike; `Db` turns it into each driver's dialect.
"""
from __future__ import annotations

import json
import re
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit

T = TypeVar("T")
SQLITE, POSTGRESQL = "sqlite", "postgresql"
# A write the database asks to run again (a deadlock, a serialization failure, a busy SQLite file) is run again
# this many times, waiting longer each time, before the error reaches the user.
RETRIES = 8
RETRY_WAIT = 0.05
SQLITE_TIMEOUT = 30
CONNECT_TIMEOUT = 10
_QMARK = re.compile(r"\?")


class StoreError(Exception):
    """A database problem told in one line the user can act on (the CLI exits 3 on it, the app shows it)."""


class Unavailable(StoreError):
    """The database server cannot be reached now, or went away: later may work (`watch` waits; `run` exits 3)."""


class CommitInDoubt(Unavailable):
    """The server went away while committing: the transaction may or may not be stored (a re-run settles it)."""


class SchemaError(StoreError):
    """The database's schema is not the one this code reads: older (run `migrate`) or newer (update Dateline)."""


@dataclass(frozen=True)
class Location:
    """A database: an SQLite file or a PostgreSQL server URL, as DATELINE_DB or --db names it."""

    kind: str
    target: str  # the file path, or the PostgreSQL URL

    @property
    def label(self) -> str:
        """A short name for the page: the file's name, or the database's name on its host."""
        if self.kind == SQLITE:
            return Path(self.target).name
        parts = urlsplit(self.target)
        return f"{parts.path.lstrip('/') or 'postgres'} on {parts.hostname or 'localhost'}"

    @property
    def shown(self) -> str:
        """The location for messages: a URL without its password."""
        if self.kind == SQLITE:
            return self.target
        parts = urlsplit(self.target)
        netloc = parts.netloc.rsplit("@", 1)
        host = netloc[-1]
        user = netloc[0].split(":", 1)[0] + "@" if len(netloc) == 2 else ""
        return f"{parts.scheme}://{user}{host}{parts.path}"


def locate(name: str | Path) -> Location:
    """A path or `sqlite:///path` is an SQLite file; `postgresql://` (or `postgres://`) a server; anything else
    with a scheme is refused."""
    text = str(name).strip()
    if not text:
        raise StoreError("no database given (set DATELINE_DB or --db)")
    scheme = text.split("://", 1)[0].lower() if "://" in text else ""
    if not scheme:
        return Location(SQLITE, text)
    if scheme == "sqlite":
        return Location(SQLITE, text[len("sqlite:///"):] if text.lower().startswith("sqlite:///") else text[9:])
    if scheme in ("postgresql", "postgres"):
        return Location(POSTGRESQL, text)
    raise StoreError(f"{scheme}:// is no database Dateline can use; give a file path, sqlite:///path or "
                     "postgresql://user:password@host:port/database")


class Db:
    """One connection, speaking our SQL to either driver. Use `transaction()` for writes."""

    def __init__(self, location: Location, raw: Any, readonly: bool):
        self.location, self.raw, self.readonly = location, raw, readonly
        self.kind = location.kind

    def _sql(self, sql: str) -> str:
        return _QMARK.sub("%s", sql.replace("%", "%%")) if self.kind == POSTGRESQL else sql

    def execute(self, sql: str, params: Sequence = ()):
        cursor = self.raw.cursor()
        cursor.execute(self._sql(sql), tuple(params))
        return cursor

    def executemany(self, sql: str, rows: Iterable[Sequence]) -> None:
        rows = [tuple(r) for r in rows]
        if rows:
            self.raw.cursor().executemany(self._sql(sql), rows)

    def stream(self, sql: str, params: Sequence = (), size: int = 2000) -> Iterator[tuple]:
        """Rows one batch at a time, never all in memory (PostgreSQL: a server-side cursor)."""
        if self.kind == POSTGRESQL:
            with self.raw.transaction():
                cursor = self.raw.cursor(name="dateline_stream")
                cursor.itersize = size
                cursor.execute(self._sql(sql), tuple(params))
                yield from cursor
            return
        yield from self.execute(sql, params)

    def one(self, sql: str, params: Sequence = ()) -> tuple | None:
        return self.execute(sql, params).fetchone()

    def all(self, sql: str, params: Sequence = ()) -> list[tuple]:
        return self.execute(sql, params).fetchall()

    def in_list(self, column: str, values: Iterable) -> tuple[str, list]:
        """`column IN values` with the whole list as one parameter, however long it is."""
        values = list(values)
        if self.kind == POSTGRESQL:
            return f"{column} = ANY(?)", [values]
        return f"{column} IN (SELECT value FROM json_each(?))", [json.dumps(values)]

    def table_exists(self, name: str) -> bool:
        if self.kind == POSTGRESQL:
            return self.one("SELECT to_regclass(?) IS NOT NULL", (name,))[0]
        return self.one("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (name,)) is not None

    def columns(self, table: str) -> set[str]:
        if self.kind == POSTGRESQL:
            return {r[0] for r in self.all("SELECT column_name FROM information_schema.columns WHERE table_name = ?",
                                           (table,))}
        return {r[1] for r in self.all(f"PRAGMA table_info({table})")}  # a fixed name, never input

    @contextmanager
    def transaction(self) -> Iterator[Db]:
        """One transaction (SQLite's holds the file's write lock from its start: one writer at a time)."""
        if self.kind == POSTGRESQL:
            committing = False
            try:
                with self.raw.transaction():
                    yield self
                    committing = True
            except Exception as exc:
                if committing and self.raw.broken:  # the connection died at COMMIT: was it done before? unknown
                    raise CommitInDoubt(f"{self.location.shown}: {_first_line(exc)}") from None
                raise
            return
        self.raw.execute("BEGIN IMMEDIATE")
        try:
            yield self
        except BaseException:
            self.raw.execute("ROLLBACK")
            raise
        self.raw.execute("COMMIT")

    def lock(self, name: str) -> None:
        """Hold `name` until the transaction ends: writers taking the same name go one at a time. PostgreSQL
        takes an advisory lock (in a key space of our own); SQLite's transaction holds the whole file already."""
        if self.kind == POSTGRESQL:
            self.execute("SELECT pg_advisory_xact_lock(?, hashtext(?))", (LOCK_SPACE, name))

    @contextmanager
    def snapshot(self) -> Iterator[Db]:
        """Reads that all see one state of the data, whatever writers commit meanwhile."""
        if self.kind == POSTGRESQL:
            with self.raw.transaction():
                self.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
                yield self
            return
        self.raw.execute("BEGIN")
        try:
            yield self
        finally:
            self.raw.execute("COMMIT")

    def close(self) -> None:
        self.raw.close()


# The first half of every advisory lock key Dateline takes, so its locks cannot meet another application's.
LOCK_SPACE = 7_271_011
# The lock writers take to regroup (one at a time, each seeing every earlier writer's rows).
GROUPING_LOCK = "grouping"


def connect(location: Location, readonly: bool = False) -> Db:
    """A connection; a reader never creates the database. Driver errors become StoreError lines."""
    if location.kind == POSTGRESQL:
        return Db(location, _postgres(location, readonly), readonly)
    return Db(location, _sqlite(location, readonly), readonly)


def _sqlite(location: Location, readonly: bool) -> sqlite3.Connection:
    path = Path(location.target)
    try:
        if readonly:
            conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=SQLITE_TIMEOUT,
                                   check_same_thread=False, isolation_level=None)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(path, timeout=SQLITE_TIMEOUT, isolation_level=None, check_same_thread=False)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
        conn.execute("PRAGMA foreign_keys=ON")
    except (sqlite3.Error, OSError) as exc:
        raise StoreError(f"{path}: cannot open the database: {exc}") from None
    return conn


def _postgres(location: Location, readonly: bool):
    import psycopg

    try:
        conn = psycopg.connect(location.target, connect_timeout=CONNECT_TIMEOUT, autocommit=True)
    except psycopg.Error as exc:
        raise _failure(exc)(f"{location.shown}: cannot connect: {_first_line(exc)}") from None
    if readonly:
        conn.execute("SET default_transaction_read_only = on")
    return conn


def retrying(action: Callable[[], T], location: Location) -> T:
    """`action()`, run again when the database asks for it; other database errors become one StoreError line,
    so a server gone away mid-run ends the run cleanly (the article in flight was rolled back whole)."""
    for attempt in range(RETRIES + 1):
        try:
            return action()
        except Exception as exc:  # the drivers' errors; anything else is re-raised below
            if not is_database_error(exc):
                raise
            if attempt < RETRIES and _retryable(exc):
                time.sleep(RETRY_WAIT * 2 ** attempt)
                continue
            raise _failure(exc)(f"{location.shown}: {_first_line(exc)}") from None
    raise AssertionError("unreachable")


# libpq gives a failed connection no SQLSTATE: a server that answered FATAL refuses this connection for good (a
# wrong password, no such database) unless it said one of these, which pass.
_PASSING_REFUSALS = ("starting up", "shutting down", "too many clients", "in recovery", "not yet accepting")


def _failure(exc: BaseException) -> type[StoreError]:
    """Unavailable for a server not reachable or gone (no answer, the connection lost, an administrator's
    shutdown), StoreError for the rest."""
    if isinstance(exc, sqlite3.Error):
        return StoreError
    state = getattr(exc, "sqlstate", None)
    if state is not None:
        return Unavailable if state.startswith(("08", "57P")) else StoreError
    import psycopg

    if not isinstance(exc, psycopg.OperationalError):
        return StoreError
    text = str(exc)
    return Unavailable if "FATAL:" not in text or any(p in text for p in _PASSING_REFUSALS) else StoreError


def is_database_error(exc: BaseException) -> bool:
    if isinstance(exc, sqlite3.Error):
        return True
    try:
        import psycopg
    except ImportError:
        return False
    return isinstance(exc, psycopg.Error)


def is_unique_violation(exc: BaseException) -> bool:
    if isinstance(exc, sqlite3.IntegrityError):
        return "UNIQUE" in str(exc)
    return getattr(exc, "sqlstate", None) == "23505"


def _retryable(exc: BaseException) -> bool:
    if isinstance(exc, sqlite3.OperationalError):
        return "locked" in str(exc) or "busy" in str(exc)
    # serialization failure, deadlock, lock not available
    return getattr(exc, "sqlstate", None) in ("40001", "40P01", "55P03")


def _first_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split("\n")[0].split()) or type(exc).__name__
    return text[:300]
