"""The app reading while the pipeline writes: no 'database is locked', never a half-written article.

A writer process stores articles steadily (tests/concurrent_writer.py) while this process reads the way the
dashboard does: a fresh read-only connection per read (pipeline.store.connect(readonly=True)) and the
dashboard's own query functions. The issue asks for a minute; the suite runs RW_SECONDS (15 s by default)
and `DATELINE_RW_SECONDS=60 pytest tests/test_concurrency.py` runs the full minute.
"""
from __future__ import annotations

import os
import subprocess
import sys
from contextlib import closing
from datetime import date
from pathlib import Path

from dashboard import places, queries
from dashboard.queries import Filters
from pipeline.store import connect
from pipeline.taxonomy import ROLES

ROOT = Path(__file__).resolve().parent.parent
RW_SECONDS = float(os.environ.get("DATELINE_RW_SECONDS", 15))
EVERYTHING = Filters(start=date(1900, 1, 1), end=date(2100, 12, 31), sources=None, include_country=True,
                     roles=tuple(ROLES))
# Stored articles whose event count disagrees with the events present: a half-written article.
HALF_WRITTEN = ("SELECT COUNT(*) FROM articles a WHERE status = 'stored'"
                " AND n_events <> (SELECT COUNT(*) FROM events e WHERE e.article_id = a.article_id)")


def read_once(db: Path) -> int:
    """One dashboard-style read, all in one snapshot; asserts that its parts agree. Returns the number of reports (rows)."""
    with closing(connect(db, readonly=True)) as conn:
        conn.execute("BEGIN")  # one snapshot for every query below, as a page render would want
        overview = queries.overview(conn)
        totals = queries.totals(conn, EVERYTHING)
        newest = queries.events(conn, EVERYTHING, 50)
        markers = places.places(conn, EVERYTHING, 3)
        [stored_events] = conn.execute("SELECT COALESCE(SUM(n_events), 0) FROM articles").fetchone()
        [half_written] = conn.execute(HALF_WRITTEN).fetchone()
        conn.execute("COMMIT")
    assert half_written == 0
    assert (overview.n_events, overview.n_reports) == (totals.events, totals.reports)
    assert totals.reports == stored_events
    # An event is a group of reports; one group may span places (a town inside a reported region).
    assert totals.events <= totals.reports and sum(m.n_events for m in markers) >= totals.events
    assert len(newest) == min(50, totals.reports)
    return totals.reports


def test_reads_during_steady_writes_never_lock_nor_see_half_articles(tmp_path):
    db = tmp_path / "events.db"
    connect(db).close()  # the schema exists before the first read, as after any pipeline run
    writer = subprocess.Popen([sys.executable, str(ROOT / "tests" / "concurrent_writer.py"), str(db), str(RW_SECONDS)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    seen, reads = [], 0
    while writer.poll() is None:
        seen.append(read_once(db))
        reads += 1
    out, err = writer.communicate()
    assert writer.returncode == 0, err
    writes = int(out)
    assert writes > 20 * RW_SECONDS and reads > 5 * RW_SECONDS, (writes, reads)
    assert len(set(seen)) > reads // 4  # the reads really did land between writes
    with closing(connect(db, readonly=True)) as conn:  # the last read sees the writer's final state
        [final] = conn.execute("SELECT COUNT(*) FROM events").fetchone()
    assert read_once(db) == final > 0  # (not max(seen): replacements may store fewer events than before)
