"""The map's data: one row per distinct place over the filtered events.

At 100,000 events a marker per event costs seconds in Python and megabytes of page; the events sit on a few
thousand places, so the map draws one marker per place (its event count, newest date and most frequent event type)
and its popup carries only the place's newest few events. An event is a group of reports (pipeline/grouping.py):
counts are of groups, and each listed event names its reports' sources. A group's listed report is its report
with the smallest event id, the same on either engine.

The places are summed up by the app's in-memory columns (snapshot.py) or, here, by plain SQL over the raw rows
(`summaries`: one pass over narrow rows, what scripts and the tests read); `markers` turns either into markers.
"""
from __future__ import annotations

from dataclasses import replace
from itertools import islice

from .reader import GROUP, Reader, where

# A place's name on a row: as the gazetteer names it, else as the article wrote it.
PLACE_NAME = "COALESCE(NULLIF(place_name, ''), place_text, '')"
from .rows import EventRow, Filters, PlaceRow, PlaceSummary, Report


def places(reader: Reader, filters: Filters, per_place: int, budget: int | None = None) -> list[PlaceRow]:
    """Every place with matching events, newest first, each with its newest `per_place` events, or fewer (at
    least one) when the places together would carry more than `budget` events; past the budget, the newest places
    carry one each and the rest none: every popup ships with the page, and at thousands of places their size
    decides how fast the map draws and how much the page weighs."""
    found = summaries(reader, filters, per_place, budget)
    wanted = listed(found)
    return markers(found, reader.rows_by_id(wanted[0]), reports(reader, wanted[1]))


def listed(found: list[PlaceSummary]) -> tuple[list[str], set[str]]:
    """The rows the places' popups list, and their groups (whose reports the popups name)."""
    return [rep for place in found for _, rep in place.events], {group for place in found for group, _ in place.events}


def markers(found: list[PlaceSummary], rows: dict[str, EventRow],
            found_reports: dict[str, tuple[Report, ...]]) -> list[PlaceRow]:
    """The places as markers, with their listed rows and reports (a row replaced since the places were summed up
    is left out)."""
    result = []
    for place in found:
        events = [(group, rows[rep]) for group, rep in place.events if rep in rows]
        result.append(PlaceRow(place.lat, place.lon, place.n_events, place.newest_date, place.event_type,
                               tuple(row for _, row in events),
                               tuple(found_reports.get(group, ()) for group, _ in events), place.name,
                               place.geo_precision))
    return result


def summaries(reader: Reader, filters: Filters, per_place: int, budget: int | None = None) -> list[PlaceSummary]:
    """The places as plain SQL over the raw rows sums them up, newest first."""
    found = _aggregate(reader, filters)
    named = _names(reader)
    per_place, listed_places = popup_sizes(per_place, budget, len(found))
    ordered = newest_first([PlaceSummary(key, lat, lon, len(place.groups), place.newest, place.event_type(),
                                         tuple(islice(place.groups.items(), per_place)), *named[key, lat, lon])
                            for (key, lat, lon), place in found.items()])
    return [p if k < listed_places else replace(p, events=()) for k, p in enumerate(ordered)]


def popup_sizes(per_place: int, budget: int | None, n_places: int) -> tuple[int, int]:
    """Events listed per place, and how many places (the newest) list theirs, for `budget` events in all."""
    if budget is None:
        return per_place, n_places
    per_place = max(1, min(per_place, budget // max(1, n_places)))
    return per_place, budget // per_place


def _names(reader: Reader) -> dict[tuple, tuple[str, str]]:
    """Each place's name and precision over all its rows: the least by text order."""
    return {(key, lat, lon): (name, precision) for key, lat, lon, name, precision in reader.db.all(
        f"SELECT COALESCE(place_id, ''), lat, lon, MIN({PLACE_NAME}), MIN(COALESCE(geo_precision, '')) FROM events"
        " GROUP BY COALESCE(place_id, ''), lat, lon")}


def newest_first(found: list[PlaceSummary]) -> list[PlaceSummary]:
    """Places with the newest events first, then the busiest, then by id and point: one order on either engine."""
    by_place = sorted(found, key=lambda p: (p.place_id, p.lat, p.lon))
    return sorted(by_place, key=lambda p: (p.newest_date or "", p.n_events), reverse=True)


class _Place:
    """A place's matching reports, summed up as they stream by, newest first."""

    __slots__ = ("newest", "types", "groups")

    def __init__(self, newest: str | None):
        self.newest = newest
        self.types: dict[str, list] = {}  # event type -> [reports, newest date]
        self.groups: dict[str, str] = {}  # event (group) -> its report with the smallest id; newest first

    def event_type(self) -> str:
        """The type with the most reports; ties go to the more recent, then to the first by name."""
        return max(sorted(self.types), key=lambda t: (self.types[t][0], self.types[t][1] or ""))


def _aggregate(reader: Reader, filters: Filters) -> dict[tuple, _Place]:
    """The matching reports by place, in one pass over narrow rows, newest first (ties by event): so a place's
    first date is its newest, and its events come in the popup's order as they are first seen."""
    sql, params = where(filters)
    found: dict[tuple, _Place] = {}
    for event_id, key, lat, lon, event_type, group, day in reader.db.stream(
            f"SELECT event_id, COALESCE(place_id, ''), lat, lon, COALESCE(event_type, ''), {GROUP}, event_date"
            f" FROM events {sql} ORDER BY event_date DESC NULLS LAST, {GROUP}", params):
        place = found.get((key, lat, lon))
        if place is None:
            place = found[key, lat, lon] = _Place(day)
        count = place.types.get(event_type)
        if count is None:
            place.types[event_type] = [1, day]
        else:
            count[0] += 1
        first = place.groups.get(group)
        if first is None or event_id < first:
            place.groups[group] = event_id
    return found


def reports(reader: Reader, groups: set[str]) -> dict[str, tuple[Report, ...]]:
    """Every report of each group, one per article, oldest publication first."""
    found: dict[str, dict[tuple, Report]] = {}
    wanted = sorted(groups)
    in_groups, group_params = reader.db.in_list("group_id", wanted)
    as_events, event_params = reader.db.in_list("event_id", wanted)
    # Spelled out rather than `GROUP IN (...)`, so that the group index serves it (0.045 -> 0.008 s on SQLite).
    rows = reader.db.all(
        f"SELECT {GROUP}, COALESCE(source, ''), title, url, article_id, published_date, event_id FROM events"
        f" WHERE {in_groups} OR (group_id IS NULL AND {as_events})", [*group_params, *event_params])
    for group, source, title, url, article_id, _, _ in sorted(rows, key=lambda r: (r[5] or "", r[6])):
        found.setdefault(group, {}).setdefault((article_id,), Report(source, title, url))
    return {group: tuple(by_article.values()) for group, by_article in found.items()}
