"""Downloads of exactly the filtered events, as CSV and as GeoJSON, from the store's rows.

Rows go from the database to the file one by one (never through the capped table or a DataFrame), in the
same order and with the same filter as everything else on the page.
"""
from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable

from pipeline.storage import EXPORT_COLUMNS as COLUMNS

_NUMERIC = {"published_inferred", "geonameid", "lat", "lon", "confidence"}
# A spreadsheet runs a cell that starts with one of these as a formula; article text must not.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(column: str, value):
    if column not in _NUMERIC and isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def csv_bytes(rows: Iterable[tuple]) -> bytes:
    """UTF-8 CSV with a header line; text that a spreadsheet would run as a formula gets a leading `'`."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow([_cell(c, v) for c, v in zip(COLUMNS, row)])
    return out.getvalue().encode("utf-8")


def geojson_bytes(rows: Iterable[tuple]) -> bytes:
    """A GeoJSON FeatureCollection: one Point feature per event, the other columns as its properties."""
    out = io.StringIO()
    out.write('{"type":"FeatureCollection","features":[')
    for i, row in enumerate(rows):
        properties = dict(zip(COLUMNS, row))
        point = [properties.pop("lon"), properties.pop("lat")]
        feature = {"type": "Feature", "geometry": {"type": "Point", "coordinates": point}, "properties": properties}
        out.write(("," if i else "") + json.dumps(feature, ensure_ascii=False, separators=(",", ":")))
    out.write("]}")
    return out.getvalue().encode("utf-8")
