"""The app reading while the pipeline writes: no 'database is locked', never a half-written article.

A writer process stores articles steadily (tests/concurrent_writer.py) while this process reads the way the
dashboard does: the store's read-only connections and its reads, on each engine. The issue asks for a minute; the suite runs RW_SECONDS (15 s by default)
and `DATELINE_RW_SECONDS=60 pytest tests/test_concurrency.py` runs the full minute.
"""
from __future__ import annotations

import os
import subprocess
import sys
from datetime import date
from pathlib import Path

from stores import value

from pipeline.storage import Filters, map_rows, open_store
from pipeline.taxonomy import ROLES

ROOT = Path(__file__).resolve().parent.parent
RW_SECONDS = float(os.environ.get("DATELINE_RW_SECONDS", 15))
EVERYTHING = Filters(start=date(1900, 1, 1), end=date(2100, 12, 31), sources=None, include_country=True,
                     roles=tuple(ROLES))
# Stored articles whose event count disagrees with the events present: a half-written article.
HALF_WRITTEN = ("SELECT COUNT(*) FROM articles a WHERE status = 'stored'"
                " AND n_events <> (SELECT COUNT(*) FROM events e WHERE e.article_id = a.article_id)")


def read_once(db: str) -> int:
    """One dashboard-style read, all in one snapshot; asserts that its parts agree. Returns the number of reports (rows)."""
    with open_store(db).reading() as reader, reader.db.snapshot():  # one state for every query, as a page wants
        overview = reader.overview()
        totals = reader.totals(EVERYTHING)
        newest = reader.events(EVERYTHING, 50)
        markers = map_rows.places(reader, EVERYTHING, 3)
        [stored_events] = reader.db.one("SELECT COALESCE(SUM(n_events), 0) FROM articles")
        [half_written] = reader.db.one(HALF_WRITTEN)
    assert half_written == 0
    assert (overview.n_events, overview.n_reports) == (totals.events, totals.reports)
    assert totals.reports == stored_events
    # An event is a group of reports; one group may span places (a town inside a reported region).
    assert totals.events <= totals.reports and sum(m.n_events for m in markers) >= totals.events
    assert len(newest) == min(50, totals.reports)
    return totals.reports


def test_reads_during_steady_writes_never_lock_nor_see_half_articles(db_name):
    db = db_name
    open_store(db).migrate()  # the schema exists before the first read, as after any pipeline run
    writer = subprocess.Popen([sys.executable, str(ROOT / "tests" / "concurrent_writer.py"), db, str(RW_SECONDS)],
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
    final = value(db, "SELECT COUNT(*) FROM events")  # the last read sees the writer's final state
    assert read_once(db) == final > 0  # (not max(seen): replacements may store fewer events than before)
