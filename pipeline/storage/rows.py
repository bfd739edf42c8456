"""The rows the storage package hands out and the question the dashboard asks it (`Filters`): plain frozen
dataclasses, the same whichever engine holds the data."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ..taxonomy import MAP_ROLES

AREA_SEPARATOR = "/"  # between a country code and an admin-1 name in an area key ("UA/Kharkivska")


@dataclass(frozen=True)
class Filters:
    """What the sidebar selects. `sources=None` means every source (no condition at all, so events
    whose source is NULL still show); an empty tuple means none."""

    start: date
    end: date
    sources: tuple[str, ...] | None = None
    include_country: bool = False
    event_types: tuple[str, ...] | None = None  # None: every type, as with sources
    areas: tuple[str, ...] = ()  # country codes ("UA") and admin-1 regions ("UA/Kharkivska"); () = anywhere
    text: str = ""  # words that the sentence, the place or the title must contain
    roles: tuple[str, ...] = MAP_ROLES  # what a place mention must be: by default where things happened
    include_undated: bool = False  # events no date was found for (an undated article's, not dated by its text)


@dataclass(frozen=True)
class Overview:
    """The whole database at a glance: what the filters' defaults and the empty states need. Events and reports
    mean what they mean everywhere (the run's summary, the counts above the map): reports are map rows, events
    the groups they make. `span` is the default date range: the days that hold most events, so that a history
    paragraph's 1863 or a misread 2030 does not stretch it; `first_date`/`last_date` bound the date boxes."""

    n_events: int
    first_date: date | None
    last_date: date | None
    n_reports: int = 0
    n_undated: int = 0
    span: tuple[date, date] | None = None


@dataclass(frozen=True)
class Choices:
    """What the multiple-choice filters offer, each value with its number of events."""

    sources: dict[str, int]
    event_types: dict[str, int]
    areas: dict[str, int]
    roles: dict[str, int]


@dataclass(frozen=True)
class Totals:
    """Counts over the filtered rows (not capped): events are groups of reports of one event."""

    events: int
    reports: int
    articles: int
    places: int
    sources: int


@dataclass(frozen=True)
class EventRow:
    """One event as the map popup and the table show it."""

    event_id: str
    event_date: str | None
    date_precision: str
    date_text: str
    date_basis: str
    date_value: str
    published_date: str | None
    published_inferred: bool
    place_text: str
    place_name: str
    country_code: str
    admin1: str | None
    geo_precision: str
    lat: float
    lon: float
    source: str
    title: str | None
    url: str | None
    sentence: str
    event_type: str
    alternatives: tuple[str, ...] = ()  # the other gazetteer places the name could have meant
    role: str = "event"
    trigger: str = ""  # the word the event type was read from
    actors: tuple[str, ...] = ()
    place_reason: str = ""  # why the gazetteer chose this place
    group_id: str = ""  # the event (group of reports) this report belongs to
    published_basis: str = "given"  # how the article's date was found: given, url, option, text, none


@dataclass(frozen=True)
class Report:
    """One article that reports an event: the popup lists them under "reported by N sources"."""

    source: str
    title: str | None
    url: str | None


@dataclass(frozen=True)
class PlaceSummary:
    """One place's matching events: the count of events (groups), the newest date, the most reported type, and
    its first `per_place` events in the popup's order (newest first), each as (group id, representative id);
    none for a place past the view's popup budget. Its name and precision are those of all its rows (the least
    by text order, so every view and both engines name it alike)."""

    place_id: str
    lat: float
    lon: float
    n_events: int
    newest_date: str | None
    event_type: str
    events: tuple[tuple[str, str], ...]
    name: str = ""
    geo_precision: str = ""


@dataclass(frozen=True)
class PlaceRow:
    """One map marker: a place, how many matching events (groups of reports) it has, and its newest
    `events` (newest first, one representative report each; none past the view's popup budget) with every
    report of each."""

    lat: float
    lon: float
    n_events: int
    newest_date: str | None
    event_type: str
    events: tuple[EventRow, ...]
    reports: tuple[tuple[Report, ...], ...] = ()  # per event, in the order of `events`
    name: str = ""
    geo_precision: str = ""


@dataclass(frozen=True)
class UnresolvedRow:
    place_text: str
    mentions: int
    articles: int


@dataclass(frozen=True)
class FetchRecord:
    """One fetch attempt by `pipeline watch`: what was asked, what came back, and the article it became (if any)."""

    source: str
    url: str
    outcome: str
    status: int | None = None
    bytes: int = 0
    error: str | None = None
    article_id: str | None = None


@dataclass(frozen=True)
class UrlState:
    """What the last answer for a URL said: validators for the next conditional GET, and whether the item is done
    with (stored, or refused for good), so a later round does not fetch it again."""

    etag: str | None
    last_modified: str | None
    done: bool
    listed: str | None = None  # the fingerprint of how its feed or sitemap last listed it, once taken
    source: str | None = None  # the source that took it in
    tries: int = 0  # failed fetches so far
