"""The events table as columns in memory, for views whose cost does not grow with the rows read per view.

The app used to answer every view (counts, timeline, map) by reading and summing the matching rows again; at a
million events that is seconds per view per colleague. A Snapshot reads the narrow columns every view filters and
counts on once (in one consistent read, with the change token it was read at), codes text as integers (sorted,
so comparing codes compares text as SQL does), and answers each view with array operations over those codes:
tens of milliseconds at a million rows. Rows themselves (popups, the table, exports) still come from the
database by id. A text search is the one filter the columns cannot answer: the database finds the matching ids.
Results are exactly those of plain SQL over the raw rows (tests/test_snapshot.py compares them for each filter).
"""
from __future__ import annotations

import time
from dataclasses import replace
from functools import cached_property
import numpy as np
import pandas as pd

from ..taxonomy import MAP_ROLES, ROLES
from .map_rows import popup_sizes
from .map_rows import PLACE_NAME
from .reader import GROUP, Reader, default_span, monday, to_date
from .rows import AREA_SEPARATOR, Choices, Filters, Overview, PlaceSummary, Totals

# Rows fetched per round trip while reading the columns.
CHUNK = 50_000
_COLUMNS = ("event_id", "group_id", "article_id", "place_id", "lat", "lon", "event_date", "published_date", "source",
            "event_type", "role", "country_code", "admin1", "geo_precision", "place_label")
# Columns kept as codes (event types twice: as the map names them, and as the type filter does, NULL = "other").
_PLAIN = ("event_id", "group_id", "article_id", "place_id", "event_date", "published_date", "source", "role",
          "country_code", "admin1", "geo_precision", "place_label")
_CODED = (*_PLAIN, "event_type", "type_or_other", "place")
_IDS = ("event_id", "group_id", "article_id")
_SQL = (f"SELECT event_id, {GROUP}, article_id, place_id, lat, lon, event_date, published_date, source, event_type,"
        f" COALESCE(role, 'event'), country_code, admin1, COALESCE(geo_precision, ''), {PLACE_NAME} FROM events")


class Snapshot:
    """Every event row's filterable fields, coded; built by `read(reader)`."""

    def __init__(self, token: int, frame: pd.DataFrame, names: dict[str, np.ndarray], seconds: float):
        self.token, self.frame, self.names, self.seconds = token, frame, names, seconds
        self.built = time.monotonic()

    @classmethod
    def read(cls, reader: Reader) -> Snapshot:
        """The columns and the change token of one state of the data, whatever writers commit meanwhile."""
        start = time.perf_counter()
        coders = {c: _Coder(mostly_distinct=c in _IDS) for c in _CODED}
        with reader.db.snapshot():
            token = reader.change_token()
            if reader.has_events():
                cursor = reader.db.execute(_SQL)
                while rows := cursor.fetchmany(CHUNK):  # coded a chunk at a time: only distinct values are kept
                    values = dict(zip(_COLUMNS, zip(*rows)))
                    for column in _PLAIN:
                        coders[column].add(values[column])
                    coders["type_or_other"].add(tuple("other" if t is None else t for t in values["event_type"]))
                    coders["event_type"].add(tuple("" if t is None else t for t in values["event_type"]))
                    # A marker is a place id at a point (one id could be stored at two points by two gazetteers).
                    coders["place"].add(tuple(zip((p or "" for p in values["place_id"]), values["lat"], values["lon"])))
        names: dict[str, np.ndarray] = {}
        columns: dict[str, np.ndarray] = {}
        for column, coder in coders.items():
            columns[column], names[column] = coder.finish()
        return cls(token, pd.DataFrame(columns), names, time.perf_counter() - start)

    def __len__(self) -> int:
        return len(self.frame)

    @cached_property
    def place_labels(self) -> tuple[np.ndarray, np.ndarray]:
        """Each place's name and precision over all its rows, the least by text order (as map_rows names it)."""
        least = self.frame.groupby("place")[["place_label", "geo_precision"]].min()
        labels = np.full(len(self.names["place"]), "", dtype=object)
        precisions = np.full(len(self.names["place"]), "", dtype=object)
        labels[least.index] = self.names["place_label"][least["place_label"].to_numpy()]
        precisions[least.index] = self.names["geo_precision"][least["geo_precision"].to_numpy()]
        return labels, precisions

    # What the filters match

    def mask(self, filters: Filters, reader: Reader | None = None) -> np.ndarray:
        """Which rows `filters` match; a text search asks `reader` for the ids its words match."""
        f, names = self.frame, self.names
        day = f["event_date"].to_numpy()
        lo, hi = _rank(names["event_date"], filters.start.isoformat(), "left"), \
            _rank(names["event_date"], filters.end.isoformat(), "right")
        keep = (day >= lo) & (day < hi)
        if filters.include_undated:
            keep |= day < 0
        if filters.sources is not None:
            keep &= np.isin(f["source"].to_numpy(), _codes(names["source"], filters.sources))
        if filters.event_types is not None:
            keep &= np.isin(f["type_or_other"].to_numpy(), _codes(names["type_or_other"], filters.event_types))
        keep &= np.isin(f["role"].to_numpy(), _codes(names["role"], filters.roles))
        if not filters.include_country:
            keep &= f["geo_precision"].to_numpy() != _code(names["geo_precision"], "country")
        if filters.areas:
            keep &= self._in_areas(filters.areas)
        if filters.text.split():
            if reader is None:
                raise ValueError("a text search needs the database")
            keep &= np.isin(f["event_id"].to_numpy(), _codes(names["event_id"], reader.matching_ids(filters.text)))
        return keep

    def _in_areas(self, areas: tuple[str, ...]) -> np.ndarray:
        f, names = self.frame, self.names
        country = f["country_code"].to_numpy()
        inside = np.isin(country, _codes(names["country_code"], [a for a in areas if AREA_SEPARATOR not in a]))
        for area in (a for a in areas if AREA_SEPARATOR in a):
            code, admin1 = area.split(AREA_SEPARATOR, 1)
            inside |= (country == _code(names["country_code"], code)) & \
                (f["admin1"].to_numpy() == _code(names["admin1"], admin1))
        return inside

    # Views

    def totals(self, keep: np.ndarray) -> Totals:
        f = self.frame[keep]
        return Totals(f["group_id"].nunique(), len(f), f["article_id"].nunique(),
                      f.loc[f["place_id"] >= 0, "place_id"].nunique(), f.loc[f["source"] >= 0, "source"].nunique())

    def timeline(self, keep: np.ndarray, by: str, weekly: bool) -> list[tuple[str, str, int]]:
        """(day, source or type, events): as Reader.timeline reads it from SQL, counted per day × key cell."""
        key, names = ("type_or_other", self.names["type_or_other"]) if by == "type" else ("source", self.names["source"])
        day = self.frame["event_date"].to_numpy()
        rows = np.flatnonzero(keep & (day >= 0))
        width = len(names) + 1  # key codes shifted by one: NULL (-1) is the first
        counts = np.bincount(day[rows].astype(np.int64) * width + self.frame[key].to_numpy()[rows] + 1)
        days = self.names["event_date"]
        buckets: dict[int, str] = {}
        found: dict[tuple[str, str], int] = {}
        for cell, n in zip((cells := np.flatnonzero(counts)).tolist(), counts[cells].tolist()):
            code, k = divmod(cell, width)
            if code not in buckets:
                buckets[code] = monday(days[code]) if weekly else days[code]
            label = names[k - 1] if k else ""
            found[buckets[code], label] = found.get((buckets[code], label), 0) + n
        return [(day, k, n) for (day, k), n in sorted(found.items())]

    def newest(self, keep: np.ndarray, limit: int) -> list[str]:
        """The ids of the newest `limit` matching rows, in Reader.events' order (undated last, then by
        publication, then by id)."""
        rows = np.flatnonzero(keep)
        f = self.frame
        # Descending with NULL (-1) last: sort on minus the code, where NULL becomes the largest.
        day = -f["event_date"].to_numpy()[rows]
        published = -f["published_date"].to_numpy()[rows]
        order = np.lexsort((f["event_id"].to_numpy()[rows], published, day))[:limit]
        return list(self.names["event_id"][f["event_id"].to_numpy()[rows[order]]])

    def places(self, keep: np.ndarray, per_place: int, budget: int | None = None) -> list[PlaceSummary]:
        """Every place with matching rows, newest first (as map_rows.summaries orders them); the newest places'
        first `per_place` events, within `budget` events in all (map_rows.popup_sizes)."""
        return self.with_events(keep, self.summaries(keep), per_place, budget)

    def summaries(self, keep: np.ndarray) -> list[PlaceSummary]:
        """Every place with matching rows, newest first (undated last), then busiest, then by place; no events.
        Counted with bincounts over the codes (a place × type table is a few hundred thousand cells), not by
        grouping: a million rows take a tenth of the time."""
        rows = np.flatnonzero(keep)
        if not len(rows):
            return []
        f = self.frame
        place = f["place"].to_numpy()[rows].astype(np.int64)
        day = f["event_date"].to_numpy()[rows]
        n_places, n_groups = len(self.names["place"]), len(self.names["group_id"])
        pairs = pd.unique(place * n_groups + f["group_id"].to_numpy()[rows])  # each (place, group) once
        events = np.bincount(pairs // n_groups, minlength=n_places)
        newest = np.full(n_places, -1, np.int64)
        np.maximum.at(newest, place, day)
        found = np.flatnonzero(events)
        order = found[np.lexsort((found, -events[found], -newest[found]))]
        n_types = len(self.names["event_type"])
        cell = place * n_types + f["event_type"].to_numpy()[rows]
        reports = np.bincount(cell, minlength=n_places * n_types).reshape(n_places, n_types)
        latest = np.full(n_places * n_types, -1, np.int64)
        np.maximum.at(latest, cell, day)
        # The most reported type, then the one reported latest, then the first by name: argmax takes the first.
        score = reports[order] * (len(self.names["event_date"]) + 2) + latest.reshape(n_places, n_types)[order] + 1
        dominant = np.where(reports[order] > 0, score, -1).argmax(axis=1)
        dates, etypes, keys = self.names["event_date"], self.names["event_type"], self.names["place"]
        labels, precisions = self.place_labels
        return [PlaceSummary(*keys[p], int(events[p]), dates[newest[p]] if newest[p] >= 0 else None, etypes[t], (),
                             labels[p], precisions[p])
                for p, t in zip(order.tolist(), dominant.tolist())]

    def with_events(self, keep: np.ndarray, places: list[PlaceSummary], per_place: int,
                    budget: int | None = None) -> list[PlaceSummary]:
        """`places` (some of summaries(keep), in their order), the first ones with their first `per_place` matching
        events, within `budget` events in all (map_rows.popup_sizes)."""
        per_place, n_listed = popup_sizes(per_place, budget, len(places))
        codes = [self._place_codes[p.place_id, p.lat, p.lon] for p in places[:n_listed]]
        f = self.frame.loc[keep, ["place", "group_id", "event_date", "event_id"]]
        f = f[np.isin(f["place"].to_numpy(), codes)]
        by_group = f.groupby(["place", "group_id"], sort=False).agg(
            newest=("event_date", "max"), first=("event_id", "min")).reset_index()
        listed = self._listed(by_group, per_place)
        return [replace(p, events=tuple(listed.get(code, ()))) for p, code in zip(places, codes)] + places[n_listed:]

    @cached_property
    def _place_codes(self) -> dict[tuple, int]:
        return {key: code for code, key in enumerate(self.names["place"])}

    def _listed(self, by_group: pd.DataFrame, per_place: int) -> dict[int, list[tuple[str, str]]]:
        """The popup's events of each place: newest first, then by group id (codes sort as the ids do)."""
        wanted = by_group.copy()
        wanted["newest"] = -wanted["newest"]
        picked = wanted.sort_values(["place", "newest", "group_id"]).groupby("place", sort=False).head(per_place)
        listed: dict[int, list[tuple[str, str]]] = {}
        groups, ids = self.names["group_id"], self.names["event_id"]
        for p, group, first in zip(picked["place"], picked["group_id"], picked["first"]):
            listed.setdefault(p, []).append((groups[group], ids[first]))
        return listed

    def overview(self) -> Overview:
        """As Reader.overview reads it: the map rows' events, reports, undated count and default date range."""
        f = self.frame[np.isin(self.frame["role"].to_numpy(), _codes(self.names["role"], MAP_ROLES))]
        if f.empty:
            return Overview(0, None, None)
        dated = f["event_date"].to_numpy()
        events, reports, undated = f["group_id"].nunique(), len(f), int((dated < 0).sum())
        published = f["published_date"].max()
        latest = to_date(self.names["published_date"][published]) if published >= 0 else None
        counts = f.loc[dated >= 0, "event_date"].value_counts()
        days = sorted((d, int(n)) for code, n in counts.items() if (d := to_date(self.names["event_date"][code])))
        if not days:
            return Overview(events, None, None, reports, undated)
        return Overview(events, days[0][0], days[-1][0], reports, undated, default_span(days, latest))

    def choices(self) -> Choices:
        """As Reader.choices reads it: each filter's values with their rows."""
        return Choices(self._counts("source"), self._counts("type_or_other"), self._areas(), self._roles())

    def _counts(self, column: str) -> dict[str, int]:
        counts = self.frame[column].value_counts()
        return dict(sorted((self.names[column][c], int(n)) for c, n in counts.items() if c >= 0))

    def _roles(self) -> dict[str, int]:
        found = self._counts("role")
        return {r: found[r] for r in [r for r in ROLES if r in found] + sorted(r for r in found if r not in ROLES)}

    def _areas(self) -> dict[str, int]:
        f = self.frame
        known = f["country_code"].to_numpy() >= 0
        blank = _code(self.names["country_code"], "")
        pairs = f.loc[known & (f["country_code"].to_numpy() != blank)].groupby(["country_code", "admin1"]).size()
        countries: dict[str, int] = {}
        regions: dict[str, int] = {}
        for (c, a), n in pairs.items():
            country = self.names["country_code"][c]
            countries[country] = countries.get(country, 0) + int(n)
            if a >= 0 and self.names["admin1"][a]:
                regions[f"{country}{AREA_SEPARATOR}{self.names['admin1'][a]}"] = int(n)
        by_count = sorted(countries.items(), key=lambda item: (-item[1], item[0]))
        return dict(by_count + sorted(regions.items(), key=lambda item: (-item[1], item[0])))


class _Coder:
    """One column as int32 codes into its sorted distinct values (-1 for NULL), built a chunk at a time. A column
    of few distinct values keeps only those; one of mostly distinct values (ids) is coded whole at the end."""

    def __init__(self, mostly_distinct: bool = False):
        self.met: dict = {}  # distinct value -> its number in the order met
        self.parts: list[np.ndarray] = []
        self.whole: list[np.ndarray] | None = [] if mostly_distinct else None

    def add(self, values: tuple) -> None:
        if not values:
            return
        if self.whole is not None:
            self.whole.append(_objects(values))
            return
        local, uniques = pd.factorize(_objects(values), use_na_sentinel=True)
        known = np.array([self.met.setdefault(u, len(self.met)) for u in uniques] + [-1], dtype=np.int32)
        self.parts.append(known[local])  # the sentinel -1 picks the appended -1

    def finish(self) -> tuple[np.ndarray, np.ndarray]:
        if self.whole is not None:
            if not self.whole:
                return np.zeros(0, np.int32), _objects([])
            codes, uniques = pd.factorize(np.concatenate(self.whole), sort=True, use_na_sentinel=True)
            self.whole = None
            return codes.astype(np.int32), np.asarray(uniques, dtype=object)
        met = _objects(list(self.met))
        order = sorted(range(len(met)), key=met.__getitem__)
        rank = np.empty(len(met) + 1, np.int32)
        rank[order] = np.arange(len(met), dtype=np.int32)
        rank[-1] = -1
        codes = rank[np.concatenate(self.parts)] if self.parts else np.zeros(0, np.int32)
        return codes, met[order] if len(met) else met


def _objects(values) -> np.ndarray:
    """A one-dimensional array of Python objects (tuples stay whole)."""
    return np.fromiter(values, dtype=object, count=len(values))


def _rank(sorted_names: np.ndarray, value: str, side: str) -> int:
    return int(np.searchsorted(sorted_names, value, side=side)) if len(sorted_names) else 0


def _codes(sorted_names: np.ndarray, wanted) -> np.ndarray:
    """The codes of the wanted values that occur (sorted lookups, so a million ids cost milliseconds)."""
    wanted = np.asarray(sorted(set(wanted)), dtype=object)
    if not len(sorted_names) or not len(wanted):
        return np.zeros(0, np.int32)
    at = np.searchsorted(sorted_names, wanted)
    inside = at < len(sorted_names)
    at = at[inside]
    return at[sorted_names[at] == wanted[inside]].astype(np.int32)


def _code(sorted_names: np.ndarray, value: str) -> int:
    found = _codes(sorted_names, [value])
    return int(found[0]) if len(found) else -2  # matches no row (NULL is -1)

