"""SQL metacharacters in every filter the dashboard passes to SQL never act as SQL.

The store's reads are called directly, on a writable connection to a real database of each engine (so an injected
statement could do damage), with hostile values in each filter field and in the URL parameters that feed them. The
tables must survive unchanged, and the results must be what the values mean literally: no events for a source,
type or area nobody has, and for a search word exactly the events whose text contains it.
"""
from __future__ import annotations

import csv
import io
import json
from dataclasses import replace
from datetime import date

import pytest
from stores import table_counts

from dashboard import export, params
from pipeline.storage import Filters, Reader, map_rows
from pipeline.storage.engine import connect, locate

HOSTILE = [
    "'; DROP TABLE events; --",
    "' OR '1'='1",
    '" OR ""="',
    "%",
    "_",
    "'",
    '"',
    "\\",
    "Harbour Post' --",
    "x') UNION SELECT name, 1, 1, 1 FROM sqlite_master --",
    "UA/'; DELETE FROM articles; --",
    "*/ OR 1=1 /*",
]
EVERYTHING = Filters(start=date(1900, 1, 1), end=date(2100, 12, 31), include_country=True)
SEARCHED = ("sentence", "place_text", "place_name", "title")


def results(conn: Reader, filters: Filters) -> int:
    """Every read the dashboard makes with `filters`; asserts they agree and returns the event count."""
    n = conn.totals(filters).events
    assert len(conn.events(filters, 10_000)) == n
    for by, weekly in (("source", False), ("type", True), ("'; DROP TABLE events; --", False)):
        assert sum(count for *_, count in conn.timeline(filters, by, weekly)) == n
    assert sum(p.n_events for p in map_rows.places(conn, filters, 3)) == n
    assert len(list(csv.reader(io.StringIO(export.csv_bytes(conn.export_rows(filters)).decode())))) == n + 1
    assert len(json.loads(export.geojson_bytes(conn.export_rows(filters)))["features"]) == n
    conn.unresolved(filters)
    return n


def literal_matches(conn: Reader, text: str) -> int:
    """Events whose searched columns contain every word of `text` as plain characters (ASCII case folded,
    as the search folds), computed in Python rather than SQL."""
    rows = conn.db.all(f"SELECT {', '.join(SEARCHED)} FROM events")
    words = [w.lower() for w in text.split()]
    return sum(all(any(w in (v or "").lower() for v in row) for w in words) for row in rows)


@pytest.fixture
def conn(fresh_events_db):
    db = connect(locate(fresh_events_db))  # writable on purpose: an injected statement could really do harm
    before = table_counts(db)
    assert sorted(before) == ["articles", "dateline_meta", "events", "fetched_urls", "fetches", "input_log",
                              "unresolved_places"]
    yield Reader(db)
    assert table_counts(db) == before
    db.close()


@pytest.mark.parametrize("value", HOSTILE)
def test_sql_safety_choice_filters_match_nothing(conn, value):
    assert results(conn, EVERYTHING) == 7
    for field in ("sources", "event_types", "areas"):
        assert results(conn, replace(EVERYTHING, **{field: (value,)})) == 0, field
    harbour = results(conn, replace(EVERYTHING, sources=("Harbour Post",)))
    assert harbour == 4 and results(conn, replace(EVERYTHING, sources=("Harbour Post", value))) == harbour


@pytest.mark.parametrize("value", HOSTILE)
def test_sql_safety_search_text_is_literal(conn, value):
    assert results(conn, replace(EVERYTHING, text=value)) == literal_matches(conn, value)


def test_sql_safety_search_wildcards_and_quotes_match_literally(conn):
    assert results(conn, replace(EVERYTHING, text="%")) == 0  # no event text holds a percent sign
    assert results(conn, replace(EVERYTHING, text="_")) == 0
    assert results(conn, replace(EVERYTHING, text="'")) == 1  # the hostile article quotes 'sentence'
    assert results(conn, replace(EVERYTHING, text="Kharkiv")) == 3  # two sentences, and one by its title


@pytest.mark.parametrize("value", HOSTILE)
def test_sql_safety_url_parameters(conn, value):
    defaults = params.Defaults(start=date(2022, 9, 1), end=date(2022, 10, 1), sources=("Harbour Post",),
                               event_types=("battle",), areas=("UA",))
    query = {key: [value] for key in params.KEYS}
    filters, warnings = params.parse(query, defaults)
    assert warnings  # every bad value is reported, and falls back to its default
    assert (filters.start, filters.end, filters.sources, filters.event_types, filters.areas) == (
        defaults.start, defaults.end, None, None, ())
    assert results(conn, replace(filters, include_country=True)) == literal_matches(conn, filters.text)
