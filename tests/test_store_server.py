"""A team's database: PostgreSQL with many writers at once, a writer killed, the server gone mid-run, and every
bad setting told in one line (exit 3, no traceback). Real `python -m pipeline run` processes against the tests'
own PostgreSQL cluster (stores.py) on 127.0.0.1."""
from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from stores import PostgresServer, raw, rows, wait_until

from conftest import build_events_db

from pipeline.storage import CommitInDoubt, open_store
from pipeline.storage.engine import connect, locate

ROOT = Path(__file__).resolve().parent.parent
PLACES = ["Kharkiv", "Izyum", "Odesa", "Lyman", "Kupiansk", "Balakliya", "Mykolaiv", "Kherson"]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]
N = 60  # articles per dump
LONG = 600  # articles in the run whose server is killed
EVENT_FIELDS = "event_id, article_id, event_date, place_id, place_text, start_char, event_type, role"


def cli(*args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pipeline", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=timeout)


def start(*args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "pipeline", *args], cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def dump(path: Path, offset: int, version: int, n: int = N) -> Path:
    """n articles (N unless told), each told of twice by two outlets on one day (so reports group across articles); URLs shared
    with the other dumps; `version` 2 changes the text at every third URL."""
    lines = []
    for k in range(n):
        i = offset + k
        place, day = PLACES[i % len(PLACES)], DAYS[i % len(DAYS)]
        changed = " later" if version == 2 and i % 3 == 0 else ""
        lines.append(json.dumps({
            "text": f"Russian missiles struck {place} on {day}, officials{changed} said in report {i}.",
            "url": f"https://wire.example/{i}", "source": ["Harbour Post", "Northern Ledger"][i % 2],
            "published": "2022-09-10"}))
    path.write_text("\n".join(lines) + "\n")
    return path


def state(db: str) -> tuple:
    """What a run leaves: articles by URL with their text, events, and groups as sets of events."""
    articles = sorted(rows(db, "SELECT url, text FROM articles WHERE status = 'stored'"))
    events = set(rows(db, f"SELECT {EVENT_FIELDS} FROM events"))
    grouped: dict[str, set] = {}
    for event_id, group_id in rows(db, "SELECT event_id, group_id FROM events WHERE role IN ('event', 'origin',"
                                       " 'destination')"):
        grouped.setdefault(group_id, set()).add(event_id)
    return articles, events, sorted(sorted(g) for g in grouped.values())


def single_process(db: str, tmp_path: Path) -> tuple:
    """What one process stores from the articles that won (each URL's surviving text), read in one run."""
    winners = rows(db, "SELECT url, text, source FROM articles WHERE status = 'stored'")
    path = tmp_path / "winners.jsonl"
    path.write_text("".join(json.dumps({"text": t, "url": u, "source": s, "published": "2022-09-10"}) + "\n"
                            for u, t, s in sorted(winners)))
    return path


@pytest.fixture
def pg_db(pg_server) -> str:
    return pg_server.new_database()


def test_four_writers_at_once_store_everything_once_with_the_groups_of_one(pg_server, pg_db, tmp_path):
    dumps = [dump(tmp_path / f"d{n}.jsonl", offset, version)
             for n, (offset, version) in enumerate([(0, 1), (N // 2, 1), (0, 2), (N // 2, 2)])]
    writers = [start("run", str(d), "--db", pg_db, "--quiet") for d in dumps]
    results = [(w.wait(timeout=600), *w.communicate()) for w in writers]
    for code, out, err in results:
        assert code == 0 and "Traceback" not in err and not err.strip(), err  # no deadlock reached the user
    articles, events, groups = state(pg_db)
    assert [u for u, _ in articles] == sorted({f"https://wire.example/{i}" for i in range(N + N // 2)})
    reference = pg_server.new_database()
    assert cli("run", str(single_process(pg_db, tmp_path)), "--db", reference, "--quiet").returncode == 0
    assert state(reference) == (articles, events, groups)  # nothing lost, nothing twice, the same groups


def test_a_writer_killed_mid_run_loses_and_duplicates_nothing(pg_server, pg_db, tmp_path):
    dumps = [dump(tmp_path / f"d{n}.jsonl", offset, 1) for n, offset in enumerate([0, N // 2])]
    victim = start("run", str(dumps[0]), "--db", pg_db, "--quiet")
    other = start("run", str(dumps[1]), "--db", pg_db, "--quiet")
    assert wait_until(lambda: _stored(pg_db) >= 5, seconds=120)
    victim.send_signal(signal.SIGKILL)
    victim.communicate()
    assert other.wait(timeout=600) == 0, other.communicate()[1]
    again = cli("run", str(dumps[0]), "--db", pg_db, "--quiet")
    assert again.returncode == 0, again.stderr
    articles, events, groups = state(pg_db)
    reference = pg_server.new_database()
    assert cli("run", str(single_process(pg_db, tmp_path)), "--db", reference, "--quiet").returncode == 0
    assert len(articles) == N + N // 2 and state(reference) == (articles, events, groups)


def test_the_server_gone_mid_run_ends_the_run_cleanly_and_a_rerun_finishes(tmp_path):
    server = PostgresServer(durable=True).start()
    try:
        db = server.new_database()
        data = dump(tmp_path / "d.jsonl", 0, 1, n=LONG)  # long enough that the kill lands mid-run
        run = start("run", str(data), "--db", db, "--quiet")
        assert wait_until(lambda: _stored(db) >= 3, seconds=120)
        server.kill()
        out, err = run.communicate(timeout=300)
        assert run.returncode == 3 and "Traceback" not in err, err
        assert err.startswith("error: postgresql://dateline@127.0.0.1:") and "not stored: " in err
        unstored = [line for line in err.splitlines() if line.startswith("not stored: ")]
        doubt = [line.split(": ")[1] for line in err.splitlines() if line.startswith("in doubt: ")]
        server.start()
        stored = _stored(db)
        doubt_stored = sum(rows(db, "SELECT COUNT(*) FROM articles WHERE origin = ? AND status = 'stored'", (o,))[0][0]
                           for o in doubt)
        # The article in flight was rolled back whole (no half-written one), or its commit's reply was lost.
        assert 0 < len(unstored) and len(doubt) <= 1
        assert stored + len(unstored) + len(doubt) - doubt_stored == LONG
        assert rows(db, "SELECT COUNT(*) FROM articles a WHERE n_events <> (SELECT COUNT(*) FROM events e"
                        " WHERE e.article_id = a.article_id)") == [(0,)]
        rerun = cli("run", str(data), "--db", db, "--quiet")
        assert rerun.returncode == 0, rerun.stderr
        assert f"{LONG - stored} stored" in rerun.stdout and _stored(db) == LONG
    finally:
        server.remove()


def test_a_connection_lost_at_commit_is_told_as_in_doubt_and_an_error_before_it_is_not(pg_db):
    """The reply to COMMIT never came: the client cannot know whether the server committed, and says so."""
    db = connect(locate(pg_db))
    try:
        with pytest.raises(CommitInDoubt, match="^postgresql://"):
            with db.transaction():
                db.execute("CREATE TABLE written (x INTEGER)")
                with raw(pg_db) as admin:  # the server drops this connection before it commits
                    admin.execute("SELECT pg_terminate_backend(?)", (db.one("SELECT pg_backend_pid()")[0],))
    finally:
        db.close()
    db = connect(locate(pg_db))
    try:
        with pytest.raises(Exception) as failed:  # a statement failing inside the transaction: surely not stored
            with db.transaction():
                db.execute("SELECT 1 / 0")
        assert not isinstance(failed.value, CommitInDoubt)
    finally:
        db.close()


@pytest.mark.parametrize("url, says", [
    ("postgresql://dateline:x@127.0.0.1:1/events", "cannot connect"),  # nothing listens there
    ("mysql://dateline@127.0.0.1/events", "mysql:// is no database Dateline can use"),
])
def test_bad_database_settings_are_one_line(url, says, tmp_path):
    (tmp_path / "a.txt").write_text("Shelling hit Kharkiv on Friday.")
    for command in (["run", str(tmp_path / "a.txt"), "--db", url, "--quiet"], ["migrate", "--db", url]):
        result = cli(*command)
        assert result.returncode == 3 and "Traceback" not in result.stderr, result.stderr
        [line] = result.stderr.strip().splitlines()
        assert line.startswith("error: ") and says in line and ":x@" not in line  # no password in messages


def test_wrong_password_missing_database_and_newer_schema_are_one_line(pg_server, pg_db):
    wrong = pg_db.replace(":dateline-test@", ":wrong@")
    missing = pg_db.rsplit("/", 1)[0] + "/no_such_database"
    open_store(pg_db).migrate()
    newer = pg_server.new_database()
    open_store(newer).migrate()
    with raw(newer) as db:
        db.execute("UPDATE dateline_meta SET value = 99 WHERE key = 'schema_version'")
    for url, says in ((wrong, "password authentication failed"), (missing, "does not exist"),
                      (newer, "newer than this Dateline's")):
        result = cli("migrate", "--db", url)
        assert result.returncode == 3 and "Traceback" not in result.stderr, result.stderr
        [line] = result.stderr.strip().splitlines()
        assert says in line and "wrong@" not in line, line


def _stored(db: str) -> int:
    try:
        return rows(db, "SELECT COUNT(*) FROM articles WHERE status = 'stored'")[0][0]
    except Exception:  # no schema yet, or the server is gone  # noqa: BLE001 - either driver's error
        return 0


def test_cli_waits_for_nothing_it_does_not_need():
    """`--help` and a bad command line answer at once, without touching any database."""
    started = time.monotonic()
    assert cli("run", "--help").returncode == 0 and time.monotonic() - started < 30


def test_copy_moves_a_sqlite_file_to_postgresql_whole_and_only_into_an_empty_database(pg_server, pg_db, tmp_path):
    source = build_events_db(tmp_path / "events.db")
    copied = cli("copy", source, pg_db)
    assert copied.returncode == 0, copied.stderr
    tables = ("articles", "events", "unresolved_places", "input_log")
    assert f"copied {sum(len(rows(source, f'SELECT * FROM {t}')) for t in tables):,} rows" in copied.stdout
    for table in tables:
        assert sorted(rows(pg_db, f"SELECT * FROM {table}"), key=repr) == \
            sorted(rows(source, f"SELECT * FROM {table}"), key=repr), table
    with open_store(source).reading() as before, open_store(pg_db).reading() as after:
        assert (after.overview(), after.choices()) == (before.overview(), before.choices())
    again = cli("copy", source, pg_db)
    assert again.returncode == 3 and again.stderr.strip().endswith("already holds articles: copy into an empty "
                                                                  "database"), again.stderr
    missing = cli("copy", str(tmp_path / "nothing.db"), pg_server.new_database())
    assert missing.returncode == 3 and "no such database" in missing.stderr and "Traceback" not in missing.stderr
