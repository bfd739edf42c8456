"""What `pipeline watch` recorded, as the dashboard's Sources panel shows it: per source its last success, its last
error, its articles of the last day and week, and a mark when it is failing or has gone quiet.

A source is *failing* when its last FAILING_FETCHES fetches all failed (a listing that fails three rounds in a row
does, and so does a run of broken pages). It is *quiet* when its newest article is older than QUIET_FACTOR times
its usual gap between articles (the median of its last ones), and at least QUIET_FLOOR old: a wire that files
every ten minutes is quiet after an hour without, a weekly column only after weeks.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from statistics import median

from .reader import Reader

FAILING_FETCHES = 3
QUIET_FACTOR = 3
QUIET_FLOOR = timedelta(hours=6)
GAPS_READ = 20  # a source's newest articles whose gaps make its usual one


@dataclass(frozen=True)
class SourceHealth:
    source: str
    last_success: str | None  # ISO times, UTC
    last_error: str | None
    error: str | None
    articles_24h: int
    articles_7d: int
    failing: bool
    quiet: bool


def last_update(reader: Reader) -> str | None:
    """When an article was last stored (ISO, UTC), None before any."""
    row = reader.db.one("SELECT MAX(ingested_at) FROM articles WHERE status = 'stored'")
    return row[0] if row else None


def health(reader: Reader, now: datetime) -> list[SourceHealth]:
    """Every source `watch` has fetched for, by name."""
    found = []
    for source, last_ok, last_failed in reader.db.all(
            "SELECT source, MAX(CASE WHEN outcome IN ('ok', 'unchanged') THEN at END),"
            " MAX(CASE WHEN outcome NOT IN ('ok', 'unchanged') THEN at END) FROM fetches GROUP BY source"
            " ORDER BY source"):
        recent = reader.db.all("SELECT outcome, error FROM fetches WHERE source = ? ORDER BY at DESC LIMIT ?",
                               (source, FAILING_FETCHES))
        error = next((e for outcome, e in recent if outcome not in ("ok", "unchanged")), None)
        if error is None and last_failed:
            error = reader.db.one("SELECT error FROM fetches WHERE source = ? AND at = ?", (source, last_failed))[0]
        stored = [r[0] for r in reader.db.all(
            "SELECT ingested_at FROM articles WHERE status = 'stored' AND source = ? ORDER BY ingested_at DESC"
            " LIMIT ?", (source, GAPS_READ + 1))]
        day, week = (reader.db.one(
            "SELECT COUNT(*) FROM articles WHERE status = 'stored' AND source = ? AND ingested_at >= ?",
            (source, (now - span).isoformat(timespec="seconds")))[0] for span in (timedelta(days=1), timedelta(days=7)))
        found.append(SourceHealth(source, last_ok, last_failed, error, day, week,
                                  len(recent) == FAILING_FETCHES and all(o not in ("ok", "unchanged") for o, _ in recent),
                                  _quiet(stored, now)))
    return found


def _quiet(newest_first: list[str], now: datetime) -> bool:
    if len(newest_first) < 3:  # too few articles to know its usual pace
        return False
    times = [datetime.fromisoformat(t) for t in newest_first]
    usual = median((a - b) for a, b in zip(times, times[1:]))
    return now - times[0] > max(QUIET_FACTOR * usual, QUIET_FLOOR)
