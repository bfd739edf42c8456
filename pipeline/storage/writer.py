"""Every write of the events database: an article with its events in one transaction (replacing an earlier
version at the same URL), a rejection, a duplicate, the groups of reports of one event, a fetch attempt.

Rows are written pending (no group yet) and grouped by `group_pending`, which takes every pending row at once: at the
end of the article's own transaction (save_article), or once for a run's batch of articles (the runner), so the
reports of one story copied by fifty outlets are regrouped once per batch, not once per copy. Rows a killed run
left pending are grouped by the next one. Each transaction is run again when the database asks (a deadlock, a busy
file). Writers group one at a time (engine.GROUPING_LOCK, taken after the article's own rows are written, so only
the grouping and the commit wait for it), so two processes storing reports of one event at once cannot each miss
the other; the text of a stored article is unique, so two processes storing the same story from two files store it
once. Every transaction ends by moving the revision counter on, which readers' caches key on.
"""
from __future__ import annotations

import json
from bisect import bisect_right
from dataclasses import fields
from functools import lru_cache
from datetime import date, datetime, timedelta, timezone

from ..grouping import Report, group, not_grouped_reason
from ..models import Article, Event, PlaceMention, Rejection, stable_id
from ..taxonomy import MAP_ROLES
from .engine import GROUPING_LOCK, Db, is_unique_violation, retrying
from .rows import FetchRecord

EVENT_COLUMNS = [f.name for f in fields(Event)]
_REPORT_COLUMNS = [f.name for f in fields(Report)]
_ACTORS_AT = _REPORT_COLUMNS.index("actors")
# Ranges read by one statement (SQLite allows 500 SELECTs in a compound one).
_RANGES_PER_STATEMENT = 200
# Rows kept read (_report): more than the largest neighbourhood a regrouping reads, a few MB.
REPORTS_KEPT = 20_000
# A month-precision date starts up to this many days before a day it overlaps.
_LONGEST_SPAN_DAYS = 31
_MAP = "role IN (" + ", ".join(f"'{r}'" for r in MAP_ROLES) + ")"
STORED, REPLACED, DUPLICATE = "stored", "replaced", "duplicate"
_ARTICLE_INSERT = ("INSERT INTO articles (article_id, origin, status, source, url, title, published_date,"
                   " published_inferred, published_basis, text_hash, flags, n_events, text, ingested_at)"
                   " VALUES (?, ?, 'stored', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
_QUOTED = ", ".join(f'"{c}"' for c in EVENT_COLUMNS)
_EVENT_INSERT = f"INSERT INTO events ({_QUOTED}) VALUES ({', '.join('?' for _ in EVENT_COLUMNS)})"


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


class Writer:
    """Writes through one connection; create one per process (SQLite keeps one writer at a time anyway)."""

    def __init__(self, db: Db):
        self.db = db

    def close(self) -> None:
        self.db.close()

    def find_duplicate(self, article: Article) -> str | None:
        """The id of a stored article with the same normalised text; a changed text at a known URL is no
        duplicate (it replaces the stored version)."""
        row = retrying(lambda: self.db.one("SELECT article_id FROM articles WHERE status = 'stored' AND text_hash = ?",
                                           (article.text_hash,)), self.db.location)
        return row[0] if row else None

    def save_article(self, article: Article, events: list[Event], unresolved: list[PlaceMention],
                     run_id: str, grouped: bool = True) -> str:
        """STORED, REPLACED (a changed text at a known URL) or DUPLICATE (another process stored the same text
        first: logged as such, nothing written). `grouped=False` leaves the rows pending for `group_pending`
        (a replacement still regroups the neighbours of the rows it deletes at once)."""
        outcome = retrying(lambda: self._save(article, events, unresolved, run_id, grouped), self.db.location)
        if outcome == DUPLICATE:
            self.save_duplicate(article.origin, self.find_duplicate(article) or article.article_id, run_id)
        return outcome

    def _save(self, article: Article, events: list[Event], unresolved: list[PlaceMention], run_id: str,
              grouped: bool) -> str:
        try:
            return self._write_article(article, events, unresolved, run_id, grouped)
        except Exception as exc:
            if is_unique_violation(exc):  # the same text stored meanwhile by another process
                return DUPLICATE
            raise

    def _write_article(self, article: Article, events: list[Event], unresolved: list[PlaceMention],
                       run_id: str, grouped: bool) -> str:
        db = self.db
        with db.transaction():
            db.lock(f"article {article.article_id}")  # one writer per article: a replacement sees the last one
            known = db.one("SELECT 1 FROM articles WHERE article_id = ? AND status = 'stored'",
                           (article.article_id,)) is not None
            if known:
                # Its old rows are in other articles' groups: lock before deleting them, as a regrouping writer
                # holding the lock may be rewriting their groups (the other order would deadlock).
                db.lock(GROUPING_LOCK)
                replaced = self._reports("article_id = ?", (article.article_id,), {})
                db.execute("DELETE FROM events WHERE article_id = ?", (article.article_id,))
                db.execute("DELETE FROM unresolved_places WHERE article_id = ?", (article.article_id,))
            db.execute(
                f"{_ARTICLE_INSERT} ON CONFLICT (article_id) DO UPDATE"
                " SET origin = excluded.origin, status = 'stored', reason = NULL, source = excluded.source,"
                " url = excluded.url, title = excluded.title, published_date = excluded.published_date,"
                " published_inferred = excluded.published_inferred, published_basis = excluded.published_basis,"
                " text_hash = excluded.text_hash, flags = excluded.flags, n_events = excluded.n_events,"
                " text = excluded.text, ingested_at = excluded.ingested_at",
                _article_values(article, len(events)))
            db.executemany(_EVENT_INSERT, [_event_values(e) for e in events])
            db.executemany("INSERT INTO unresolved_places (article_id, place_text, start_char) VALUES (?, ?, ?)"
                           " ON CONFLICT (article_id, start_char) DO NOTHING",
                           [(article.article_id, m.text, m.start) for m in unresolved])
            self._log(run_id, article.origin, "stored", None, article.article_id)
            if grouped or known:
                # Rows nobody else sees yet are written; now group one writer at a time, each reading the rows of
                # every writer before it (a statement reads what was committed when it starts).
                db.lock(GROUPING_LOCK)
                self._group(replaced if known else [])
            self._revise()
        return REPLACED if known else STORED

    def load_backlog(self, batches, run_id: str) -> int:
        """Store articles with their events a batch (a list of (article, events)) per transaction, and group them
        all once at the end: a backlog of new articles (a year of an archive) costs one grouping, not one around
        every article. Articles must be new (no replacement); returns how many were stored."""
        stored = 0
        for batch in batches:
            def write() -> None:
                with self.db.transaction():
                    self.db.executemany(_ARTICLE_INSERT, [_article_values(a, len(events)) for a, events in batch])
                    self.db.executemany(_EVENT_INSERT, [_event_values(e) for _, events in batch for e in events])
                    self.db.executemany("INSERT INTO input_log (run_id, origin, status, reason, article_id, at)"
                                        " VALUES (?, ?, 'stored', NULL, ?, ?)",
                                        [(run_id, a.origin, a.article_id, _now()) for a, _ in batch])
                    self._revise()

            retrying(write, self.db.location)
            stored += len(batch)

        self.group_pending()
        return stored

    def save_rejection(self, rejection: Rejection, run_id: str) -> None:
        """Record an input that could not be stored, keyed on where it came from."""
        article_id = "rejected:" + stable_id(rejection.origin)

        def write() -> None:
            with self.db.transaction():
                self.db.execute(
                    "INSERT INTO articles (article_id, origin, status, reason, ingested_at)"
                    " VALUES (?, ?, 'rejected', ?, ?) ON CONFLICT (article_id) DO UPDATE"
                    " SET reason = excluded.reason, ingested_at = excluded.ingested_at",
                    (article_id, rejection.origin, rejection.reason, _now()))
                self._log(run_id, rejection.origin, "rejected", rejection.reason, article_id)
                self._revise()

        retrying(write, self.db.location)

    def save_duplicate(self, origin: str, duplicate_of: str, run_id: str) -> None:
        def write() -> None:
            with self.db.transaction():
                self._log(run_id, origin, "duplicate", f"same article as {duplicate_of}", duplicate_of)

        retrying(write, self.db.location)

    def record_fetch(self, fetch: FetchRecord, etag: str | None = None, last_modified: str | None = None,
                     done: bool = False, listed: str | None = None, failed: bool = False) -> None:
        """Record one fetch attempt and what it says of its URL, in one transaction: validators and the listing's
        fingerprint replace the last ones only when given (a 304 has no validators; "" forgets them), an item once
        done stays done, and a failure counts one more try. Fetches are not events: the revision does not move."""
        def write() -> None:
            with self.db.transaction():
                at = _now()
                self.db.execute(
                    "INSERT INTO fetches (source, url, at, status, bytes, outcome, error, article_id)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    (fetch.source, fetch.url, at, fetch.status, fetch.bytes, fetch.outcome, fetch.error,
                     fetch.article_id))
                self.db.execute(
                    "INSERT INTO fetched_urls (url, source, etag, last_modified, done, at, listed, tries)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
                    " ON CONFLICT (url) DO UPDATE SET source = excluded.source, at = excluded.at,"
                    " etag = COALESCE(excluded.etag, fetched_urls.etag),"
                    " last_modified = COALESCE(excluded.last_modified, fetched_urls.last_modified),"
                    " done = CASE WHEN excluded.done = 1 THEN 1 ELSE fetched_urls.done END,"
                    " listed = COALESCE(excluded.listed, fetched_urls.listed),"
                    " tries = fetched_urls.tries + excluded.tries",
                    (fetch.url, fetch.source, etag, last_modified, int(done), at, listed, int(failed)))

        retrying(write, self.db.location)

    def run_totals(self, run_id: str) -> tuple[int, int]:
        """(events, reports) among the map rows of the articles a run stored, as the dashboard counts them:
        reports are rows whose role makes a map point, events the groups they fall in."""
        row = retrying(lambda: self.db.one(
            f"SELECT COUNT(DISTINCT COALESCE(group_id, event_id)), COUNT(*) FROM events WHERE {_MAP} AND article_id"
            " IN (SELECT article_id FROM input_log WHERE run_id = ? AND status = 'stored')", (run_id,)),
            self.db.location)
        return row[0], row[1]

    def group_pending(self) -> None:
        """Group every pending row (written with grouped=False, or left by a killed run), in one transaction."""
        def write() -> None:
            with self.db.transaction():
                self.db.lock(GROUPING_LOCK)
                self._group([])
                self._revise()

        retrying(write, self.db.location)

    def regroup_all(self) -> None:
        """Group every event of the database afresh (inside the caller's transaction)."""
        self.db.lock(GROUPING_LOCK)
        current: dict[str, tuple] = {}
        self._write_groups(self._reports("1 = 1", (), current), current)

    def _group(self, replaced: list[Report]) -> None:
        """Group the pending rows again with every row that could share an event with them or with the rows a
        replacement just deleted.

        Those are the map rows at the same places or in the same admin-1 regions whose dates overlap a touched row's,
        and every member of the groups they are in (so no group is cut). The rest of the database keeps its groups:
        new articles extend them, a replaced one leaves none behind."""
        current: dict[str, tuple] = {}  # each row's (group, reason) as read, so unchanged rows are not written
        reports = self._reports("group_id IS NULL", (), current)
        touched = [r for r in replaced + reports if r.groupable]
        if touched:
            # An indexed range per place or region and span, each its own SELECT (so both engines search each range
            # by its index), a few hundred to a statement: a store of millions reads only the days around each
            # report (a single window over all of them took in years when one row was old).
            spans = sorted({(c, k, t.span[0], t.span[1]) for t in touched
                            for c, k in (("place_id", t.place_id), ("admin1", t.admin1)) if k})
            nearby: dict[str, Report] = {}  # a row in the ranges of two statements is read twice, kept once
            for at in range(0, len(spans), _RANGES_PER_STATEMENT):
                ranges, params = [], []
                for column, key, lo, hi in spans[at:at + _RANGES_PER_STATEMENT]:
                    ranges.append(f"SELECT event_id FROM events WHERE {column} = ? AND event_date BETWEEN ? AND ?"
                                  f" AND (event_date >= ? OR date_precision IN ('week', 'month'))"
                                  f" AND group_id IS NOT NULL AND {_MAP}")
                    params += [key, _day(lo, -_LONGEST_SPAN_DAYS), hi.isoformat(), _day(lo, -1)]
                nearby.update((r.event_id, r) for r in self._reports(f"event_id IN ({' UNION '.join(ranges)})",
                                                                      params, current))
            overlaps = _overlapping([t.span for t in touched])
            reports += [r for r in nearby.values() if r.groupable and overlaps(r.span)]
        known = {r.event_id for r in reports}
        read: set[str] = set()
        while True:  # take in the whole of every group touched (their ids came with the rows read)
            wanted = sorted({current[e][0] for e in known if current[e][0]} - read)
            if not wanted:
                break
            in_groups, params = self.db.in_list("group_id", wanted)
            more = [r for r in self._reports(in_groups, params, current) if r.event_id not in known]
            read.update(wanted)
            reports += more
            known |= {r.event_id for r in more}
        self._write_groups(reports, current)

    def _reports(self, where: str, params, current: dict[str, tuple]) -> list[Report]:
        """The rows matching `where` as grouping reads them; their stored (group, reason) go into `current`."""
        columns = ", ".join(f'"{c}"' for c in _REPORT_COLUMNS)
        found = []
        for *row, group_id, reason in self.db.all(
                f"SELECT {columns}, group_id, group_reason FROM events WHERE {where}", params):
            found.append(_report(tuple(row)))
            current[found[-1].event_id] = (group_id, reason)
        return found

    def _write_groups(self, reports: list[Report], current: dict[str, tuple]) -> None:
        """Store each report's group and reason; rows whose group did not change are not written."""
        grouped = group(reports)
        changes = []
        for r in reports:
            new = grouped.get(r.event_id) or (r.event_id, not_grouped_reason(r))
            if current.get(r.event_id) != new:
                changes.append((*new, r.event_id))
        self.db.executemany("UPDATE events SET group_id = ?, group_reason = ? WHERE event_id = ?", changes)

    def _log(self, run_id: str, origin: str, status: str, reason: str | None, article_id: str) -> None:
        self.db.execute("INSERT INTO input_log (run_id, origin, status, reason, article_id, at) VALUES (?, ?, ?, ?, ?, ?)",
                        (run_id, origin, status, reason, article_id, _now()))

    def _revise(self) -> None:
        """Move the revision on: the readers' change token."""
        self.db.execute("UPDATE dateline_meta SET value = value + 1 WHERE key = 'revision'")


@lru_cache(maxsize=REPORTS_KEPT)
def _report(row: tuple) -> Report:
    """A row as grouping reads it. Kept by its whole content, so a big group's members, read again around each
    new report of it, come with what grouping worked out of them last time (words, span, profile)."""
    return Report(**{**dict(zip(_REPORT_COLUMNS, row)), "actors": tuple(json.loads(row[_ACTORS_AT] or "[]"))})


def _article_values(article: Article, n_events: int) -> tuple:
    return (article.article_id, article.origin, article.source, article.url, article.title,
            article.published.isoformat() if article.published else None, int(article.published_inferred),
            article.published_basis, article.text_hash, ",".join(article.flags), n_events, article.text, _now())


def _event_values(event: Event) -> tuple:
    values = [getattr(event, c) for c in EVENT_COLUMNS]  # not astuple: it deep-copies every field
    values[EVENT_COLUMNS.index("alternatives")] = json.dumps(list(event.alternatives), ensure_ascii=False)
    values[EVENT_COLUMNS.index("actors")] = json.dumps(list(event.actors), ensure_ascii=False)
    values[EVENT_COLUMNS.index("published_inferred")] = int(event.published_inferred)
    return tuple(values)


def _day(day: date, shift: int) -> str:
    return (day + timedelta(days=shift)).isoformat()


def _overlapping(spans: list[tuple[date, date]]):
    """A test of whether a span overlaps any of `spans`, by bisection over their union (a batch touches thousands)."""
    merged: list[list[date]] = []
    for lo, hi in sorted(spans):
        if merged and lo <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], hi)
        else:
            merged.append([lo, hi])
    starts = [lo for lo, _ in merged]

    def overlaps(span: tuple[date, date]) -> bool:
        i = bisect_right(starts, span[1]) - 1  # the last stretch starting by the span's end
        return i >= 0 and merged[i][1] >= span[0]

    return overlaps
