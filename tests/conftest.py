"""Fixtures for the dashboard and store tests: a small real events database written through the storage package,
on each engine (SQLite and a real PostgreSQL cluster the tests start; see stores.py).

Three sources, several days and places, two events at the same coordinates, one country-level event,
and one article whose every field is hostile (HTML, JavaScript, a `javascript:` link, a template
literal) so the tests can show that none of it runs.
"""
from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from browser_support import CHROMIUM, CHROMIUM_ARGS
from playwright.sync_api import sync_playwright

from stores import ENGINES, PostgresServer, new_database

from pipeline.models import Article, Event
from pipeline.storage import open_store

HOSTILE_TITLE = "<script>alert('title')</script> Breaking"
HOSTILE_SENTENCE = ("Crowds gathered in <img src=x onerror=alert(1)> on Friday, "
                    "<script>alert('sentence')</script> ${alert(2)} `backtick`.")
HOSTILE_PLACE = "<img src=x onerror=alert(1)>"
HOSTILE_URL = "javascript:alert(1)"
HOSTILE_SOURCE = "Meridian Wire"


def _article(article_id: str, source: str, published: date, title: str, url: str | None) -> Article:
    return Article(article_id=article_id, text=f"text of {article_id}", origin=f"{article_id}.txt", source=source,
                   url=url, title=title, published=published, text_hash=f"hash-{article_id}")


def _event(article: Article, n: int, day: str, place: str, lat: float, lon: float, sentence: str, **fields) -> Event:
    base = Event(
        event_id=f"{article.article_id}-{n}", article_id=article.article_id, source=article.source,
        url=article.url, title=article.title, published_date=article.published.isoformat(),
        published_inferred=False, event_date=day, date_precision="day", date_text="Friday",
        date_basis="relative", date_value=day, place_text=place, place_name=place, geonameid=n,
        place_id=f"geonames:{place}", country_code="UA", admin1="Kharkivska", feature_code="PPLA",
        geo_precision="settlement", lat=lat, lon=lon, sentence=sentence, start_char=0, end_char=len(place),
        event_type="battle", confidence=0.9,
    )
    return replace(base, **fields)


def build_events_db(name: str | Path) -> str:
    """Write the fixture articles and events to a new database named `name` (a path or a URL)."""
    harbour1 = _article("hp-1", "Harbour Post", date(2022, 9, 10), "Kharkiv counteroffensive advances",
                        "https://harbour.example/kharkiv")
    harbour2 = _article("hp-2", "Harbour Post", date(2022, 9, 20), "Floods reach Dadu", "https://harbour.example/dadu")
    ledger = _article("nl-1", "Northern Ledger", date(2022, 10, 2), "Lyman recaptured", "http://ledger.example/lyman")
    hostile = _article("mw-1", HOSTILE_SOURCE, date(2022, 9, 15), HOSTILE_TITLE, HOSTILE_URL)
    rows = {
        harbour1: [
            _event(harbour1, 1, "2022-09-09", "Kharkiv", 49.98, 36.25,
                   "Ukrainian forces advanced near Kharkiv on Friday."),
            _event(harbour1, 2, "2022-09-08", "Kharkiv", 49.98, 36.25,
                   "Shelling hit Kharkiv on Thursday.", date_text="Thursday", event_type="strike"),
            _event(harbour1, 3, "2022-09-10", "Ukraine", 49.0, 32.0, "Ukraine said the push continued.",
                   geo_precision="country", admin1=None, date_basis="publication", date_text="",
                   event_type="statement"),
        ],
        harbour2: [
            _event(harbour2, 1, "2022-09-06", "Dadu", 26.73, 67.78, "Floods reached Dadu in Sindh province.",
                   country_code="PK", admin1="Sindh", date_text="Tuesday", event_type="disaster"),
        ],
        ledger: [
            _event(ledger, 1, "2022-10-01", "Lyman", 48.99, 37.80, "Russian troops withdrew from Lyman on Saturday.",
                   date_text="Saturday", admin1="Donetska", event_type="territory"),
            _event(ledger, 2, "2022-09-01", "Izyum", 49.21, 37.25, "Izyum was taken in September.",
                   date_text="September", date_precision="month", date_value="2022-09", date_basis="explicit"),
        ],
        hostile: [
            _event(hostile, 1, "2022-09-09", HOSTILE_PLACE, -0.22, -78.51, HOSTILE_SENTENCE,
                   place_name="Quito <b>bold</b>", country_code="EC", admin1="<i>Pichincha</i>",
                   date_text="<svg onload=alert(3)>", event_type="protest"),
        ],
    }
    store = open_store(name)
    store.migrate()
    writer = store.writer()
    for article, events in rows.items():
        writer.save_article(article, events, [], run_id="fixture")
    writer.close()
    return str(name)


@pytest.fixture(scope="session")
def pg_server():
    """One throwaway PostgreSQL cluster for the session, on 127.0.0.1; each test gets databases of its own."""
    server = PostgresServer().start()
    yield server
    server.remove()


@pytest.fixture(scope="session", params=ENGINES)
def engine(request) -> str:
    """Each test that touches the events database runs on both engines."""
    return request.param


@pytest.fixture
def db_name(engine, tmp_path, request) -> str:
    """A fresh, empty database on the engine under test: an SQLite path or a PostgreSQL URL."""
    server = request.getfixturevalue("pg_server") if engine == "postgresql" else None
    return new_database(engine, tmp_path, server)


@pytest.fixture(scope="session")
def events_db(engine, tmp_path_factory, request) -> str:
    """The fixture database, shared read-only by every test of a session (the browser tests' server too)."""
    server = request.getfixturevalue("pg_server") if engine == "postgresql" else None
    return build_events_db(new_database(engine, tmp_path_factory.mktemp("dateline"), server))


@pytest.fixture
def fresh_events_db(db_name) -> str:
    """A copy of the fixture database a test may write to."""
    return build_events_db(db_name)


@pytest.fixture(scope="session")
def hostile() -> dict[str, str]:
    """The hostile article's fields, as stored."""
    return {"title": HOSTILE_TITLE, "sentence": HOSTILE_SENTENCE, "place_text": HOSTILE_PLACE,
            "url": HOSTILE_URL, "source": HOSTILE_SOURCE}


@pytest.fixture
def empty_db(db_name) -> str:
    """A database with the pipeline's schema and no events, as after a run over nothing."""
    open_store(db_name).migrate()
    return db_name


@pytest.fixture(scope="session")
def browser():
    """One headless Debian chromium for every browser test."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
