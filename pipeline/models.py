"""Typed rows that flow through the pipeline: ingest -> extract -> resolve -> date -> events -> store."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date

def stable_id(value: str) -> str:
    """A short deterministic id from stable fields: the same input gets the same row on every run."""
    return hashlib.sha256(value.encode("utf-8", "surrogatepass")).hexdigest()[:20]


# The labels stored on every row, and checked by the tests.
GEO_PRECISIONS = ("settlement", "admin2", "admin1", "country", "other")
DATE_PRECISIONS = ("day", "week", "month", "quarter", "season", "year", "decade", "century", "ref", "none")
# "none": an undated article's event that its text does not date either; it is stored, never drawn on a day.
DATE_BASES = ("explicit", "relative", "publication", "none")


@dataclass(frozen=True)
class Article:
    """One input document, before any NLP. `published` is None when nothing dates it (published.py)."""

    article_id: str
    text: str
    origin: str
    source: str
    url: str | None = None
    title: str | None = None
    published: date | None = None
    published_basis: str = "none"  # published.BASES: given, page, feed, url, option, fetched, text (inferred), none
    text_hash: str = ""
    flags: tuple[str, ...] = ()

    @property
    def published_inferred(self) -> bool:
        """The date was read from the text, not given: the app marks such dates."""
        return self.published_basis == "text"


@dataclass(frozen=True)
class Rejection:
    """An input that could not become an article, with a one-line reason for the user."""

    origin: str
    reason: str


@dataclass(frozen=True)
class Place:
    """A gazetteer entry: a settlement, admin region or country with a representative point."""

    place_id: str
    name: str
    lat: float
    lon: float
    country_code: str
    feature_code: str
    precision: str
    population: int = 0
    geonameid: int | None = None
    admin1_code: str | None = None
    admin1: str | None = None


@dataclass(frozen=True)
class PlaceMention:
    """A place name found in the text and, when possible, the place it refers to."""

    start: int
    end: int
    text: str
    place: Place | None
    confidence: float = 0.0
    alternatives: tuple[str, ...] = ()
    how: str = ""
    reason: str = ""
    role: str = ""  # set by events.py: one of taxonomy.ROLES
    cues: tuple[tuple[str, float], ...] = ()  # what occurrence.py weighed to decide whether this is an event


@dataclass(frozen=True)
class DateMention:
    """A temporal expression normalised against the publication date.

    `value` uses TIMEX3 notation (2022-09-09, 2022-09, 2022, 2022-W36, PRESENT_REF ...);
    `day` is the first calendar day the value covers (None for values with no calendar anchor).
    """

    start: int
    end: int
    text: str
    value: str
    precision: str
    basis: str
    day: date | None = None


@dataclass(frozen=True)
class Event:
    """A place mention in its sentence, dated: a map point when its role is an event location, origin or
    destination; actors, datelines and background places are kept too, so the app can show them on demand."""

    event_id: str
    article_id: str
    source: str
    url: str | None
    title: str | None
    published_date: str | None
    published_inferred: bool
    event_date: str | None
    date_precision: str
    date_text: str
    date_basis: str
    date_value: str
    place_text: str
    place_name: str
    geonameid: int | None
    place_id: str
    country_code: str
    admin1: str | None
    feature_code: str
    geo_precision: str
    lat: float
    lon: float
    sentence: str
    start_char: int
    end_char: int
    event_type: str
    confidence: float
    alternatives: tuple[str, ...] = field(default=())
    role: str = "event"  # taxonomy.ROLES: only event, origin and destination are map points by default
    trigger: str = ""  # the word the event type was read from ("shelled", "protest")
    actors: tuple[str, ...] = field(default=())  # people, organisations, groups that did or underwent it
    place_reason: str = ""  # why the gazetteer entry was chosen (PlaceMention.reason)
    published_basis: str = "given"  # how the article's date was found (published.BASES)


@dataclass(frozen=True)
class Extraction:
    """Everything extracted from one article."""

    article: Article
    places: tuple[PlaceMention, ...]
    dates: tuple[DateMention, ...]
    events: tuple[Event, ...]
