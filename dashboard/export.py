"""Downloads of exactly the filtered events, as CSV and as GeoJSON, straight from SQL.

Rows go from the cursor to the file one by one (never through the capped table or a DataFrame), in the
same order and with the same WHERE clause as everything else on the page.
"""
from __future__ import annotations

import csv
import io
import json
import sqlite3

from .queries import NEWEST_FIRST, Filters, where

COLUMNS = ("event_id", "event_date", "date_precision", "date_text", "date_basis", "date_value",
           "published_date", "published_inferred", "published_basis", "source", "title", "url", "place_text", "place_name",
           "place_id", "geonameid", "country_code", "admin1", "feature_code", "geo_precision", "lat", "lon",
           "event_type", "confidence", "sentence", "article_id", "role", "trigger", "actors", "place_reason",
           "group_id", "group_reason")
_SELECTED = ", ".join(f'"{c}"' for c in COLUMNS)  # quoted: "trigger" is an SQL keyword
_NUMERIC = {"published_inferred", "geonameid", "lat", "lon", "confidence"}
# A spreadsheet runs a cell that starts with one of these as a formula; article text must not.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _rows(conn: sqlite3.Connection, filters: Filters) -> sqlite3.Cursor:
    sql, params = where(filters)
    return conn.execute(f"SELECT {_SELECTED} FROM events {sql} {NEWEST_FIRST}", params)


def _cell(column: str, value):
    if column not in _NUMERIC and isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def csv_bytes(conn: sqlite3.Connection, filters: Filters) -> bytes:
    """UTF-8 CSV with a header line; text that a spreadsheet would run as a formula gets a leading `'`."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for row in _rows(conn, filters):
        writer.writerow([_cell(c, v) for c, v in zip(COLUMNS, row)])
    return out.getvalue().encode("utf-8")


def geojson_bytes(conn: sqlite3.Connection, filters: Filters) -> bytes:
    """A GeoJSON FeatureCollection: one Point feature per event, the other columns as its properties."""
    out = io.StringIO()
    out.write('{"type":"FeatureCollection","features":[')
    for i, row in enumerate(_rows(conn, filters)):
        properties = dict(zip(COLUMNS, row))
        point = [properties.pop("lon"), properties.pop("lat")]
        feature = {"type": "Feature", "geometry": {"type": "Point", "coordinates": point}, "properties": properties}
        out.write(("," if i else "") + json.dumps(feature, ensure_ascii=False, separators=(",", ":")))
    out.write("]}")
    return out.getvalue().encode("utf-8")
