"""Both engines for the tests: a throwaway PostgreSQL cluster (Debian's `postgresql`, started on 127.0.0.1 and
stopped by the tests), a fresh database per use on either engine, and raw reads for assertions.

The cluster runs as the `postgres` user when the tests run as root (initdb refuses root), from a temporary
folder that user owns; it listens on 127.0.0.1 only, and the tests' role logs in with a password over TCP (so a
wrong one is refused, as on a real server); the tests administer it through its socket.
"""
from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import sqlite3
import subprocess
import tempfile
import time
import uuid
from contextlib import closing, contextmanager
from pathlib import Path

from pipeline.storage.engine import connect, locate

ENGINES = ("sqlite", "postgresql")
ROLE = "dateline"
PASSWORD = "dateline-test"


def pg_bin() -> Path:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if not found:
        raise RuntimeError("PostgreSQL is not installed (make test installs Debian's postgresql)")
    return Path(found[-1]).parent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PostgresServer:
    """A cluster of our own: `start()`, `new_database()`, `stop()`, and `kill()` to make it go away mid-run.
    `durable=False` (the default, for speed) lets a crash lose the last acknowledged commits; tests that kill
    the server and count what survived need `durable=True`."""

    def __init__(self, durable: bool = False):
        self.durable = durable
        self.dir = Path(tempfile.mkdtemp(prefix="dateline-pg-"))
        self.data = self.dir / "data"
        self.port = _free_port()
        self.bin = pg_bin()
        self._as_postgres = os.geteuid() == 0
        if self._as_postgres:
            account = pwd.getpwnam("postgres")
            os.chown(self.dir, account.pw_uid, account.pw_gid)

    def _run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        command = [str(a) for a in args]
        if self._as_postgres:
            command = ["runuser", "-u", "postgres", "--", *command]
        return subprocess.run(command, capture_output=True, text=True, check=check, timeout=120)

    def start(self) -> PostgresServer:
        if not self.data.exists():
            self._run(self.bin / "initdb", "-D", self.data, "--auth-local=trust", "--auth-host=scram-sha-256",
                      "-U", "postgres", "--no-sync")
        speed = "" if self.durable else "-c fsync=off -c synchronous_commit=off "
        self._run(self.bin / "pg_ctl", "-D", self.data, "-l", self.dir / "log", "-w", "-t", "60", "-o",
                  f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 {speed}-c max_connections=200",
                  "start")
        with closing(self._admin()) as db:
            if not db.one("SELECT 1 FROM pg_roles WHERE rolname = ?", (ROLE,)):
                db.execute(f"CREATE ROLE {ROLE} LOGIN CREATEDB PASSWORD '{PASSWORD}'")
        return self

    def _admin(self):
        return connect(locate(f"postgresql://postgres@/postgres?host={self.dir}&port={self.port}"))

    def url(self, database: str, password: str = PASSWORD) -> str:
        return f"postgresql://{ROLE}:{password}@127.0.0.1:{self.port}/{database}"

    def new_database(self, template: str | None = None) -> str:
        """A new database, empty or a copy of the database at URL `template` (which nobody may be using)."""
        name = "t_" + uuid.uuid4().hex[:12]
        copy = f" TEMPLATE {template.rsplit('/', 1)[1]}" if template else ""
        with closing(self._admin()) as db:
            db.execute(f"CREATE DATABASE {name} OWNER {ROLE}{copy}")
        return self.url(name)

    def stop(self) -> None:
        self._run(self.bin / "pg_ctl", "-D", self.data, "-m", "immediate", "-w", "stop", check=False)

    def kill(self) -> None:
        """The server gone at once, as when its machine fails."""
        self.stop()

    def remove(self) -> None:
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


def new_database(engine: str, folder: Path, server: PostgresServer | None) -> str:
    """A fresh, empty database's name: an SQLite path in `folder`, or a new PostgreSQL database."""
    if engine == "sqlite":
        return str(folder / f"events-{uuid.uuid4().hex[:8]}.db")
    assert server is not None
    return server.new_database()


def copy_database(name: str, folder: Path, server: PostgresServer | None) -> str:
    """A copy of a database, to write to without touching the original."""
    if name.startswith("postgresql://"):
        assert server is not None
        return server.new_database(template=name)
    target = folder / f"copy-{uuid.uuid4().hex[:8]}.db"
    with closing(sqlite3.connect(name)) as src, closing(sqlite3.connect(target)) as dst:
        src.backup(dst)
    return str(target)


@contextmanager
def raw(name: str, readonly: bool = False):
    """A connection for the tests' own assertions, on either engine (the product reads through storage)."""
    db = connect(locate(name), readonly=readonly)
    try:
        yield db
    finally:
        db.close()


def rows(name: str, sql: str, params=(), readonly: bool = False) -> list[tuple]:
    with raw(name, readonly) as db:
        return db.all(sql, params)


def value(name: str, sql: str, params=()):
    found = rows(name, sql, params)
    return found[0][0] if found else None


def wait_until(condition, seconds: float = 30.0, step: float = 0.2) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(step)
    return condition()


def table_counts(db) -> dict[str, int]:
    """Every table of the database and its number of rows (a `Db` from pipeline.storage.engine)."""
    if db.kind == "postgresql":
        names = [r[0] for r in db.all("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")]
    else:
        names = [r[0] for r in db.all("SELECT name FROM sqlite_master WHERE type = 'table'")]
    return {name: db.one(f"SELECT COUNT(*) FROM {name}")[0] for name in sorted(names)}
