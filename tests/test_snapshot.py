"""The app's in-memory columns (storage.Snapshot) against plain SQL over the raw rows (the Reader and
map_rows.summaries), on both engines, for every kind of filter the sidebar and the URL allow and their mixes:
counts, timeline, map places (with their popups' events), overview and choices must be the same.

The data is written through the store (so reports group as the pipeline groups them), then roughened the way
foreign or older writers leave rows: NULL sources, types, roles and groups, country-level and undated rows."""
from __future__ import annotations

import random
from dataclasses import replace
from datetime import date, timedelta

import pytest
from stores import new_database, raw, wait_until
from stores import rows as raw_rows

from pipeline.models import Article, Event
from pipeline.storage import Filters, Snapshot, map_rows, open_store
from pipeline.taxonomy import MAP_ROLES, ROLES

SOURCES = ["Harbour Post", "Northern Ledger", "Meridian Wire", "Coastal Times"]
TYPES = ["battle", "strike", "territory", "protest", "other"]
# (place id, name, lat, lon, country, admin1, precision): one id at two points, a country, a region
PLACES = [("geonames:1", "Kharkiv", 49.98, 36.25, "UA", "Kharkivska", "settlement"),
          ("geonames:2", "Izyum", 49.21, 37.26, "UA", "Kharkivska", "settlement"),
          ("geonames:3", "Odesa", 46.48, 30.72, "UA", "Odeska", "settlement"),
          ("geonames:3", "Odesa", 46.49, 30.73, "UA", "Odeska", "settlement"),
          ("geonames:4", "Ukraine", 49.0, 32.0, "UA", None, "country"),
          ("geonames:5", "Kharkiv Oblast", 49.5, 36.5, "UA", "Kharkivska", "admin1"),
          ("geonames:6", "Dadu", 26.73, 67.78, "PK", "Sindh", "settlement"),
          ("geonames:7", "Tbilisi", 41.69, 44.83, "GE", "", "settlement")]
FIRST = date(2022, 9, 1)
ARTICLES = 90
ROLE_NAMES = list(ROLES)


@pytest.fixture(scope="module")
def rough_db(engine, tmp_path_factory, request) -> str:
    server = request.getfixturevalue("pg_server") if engine == "postgresql" else None
    name = new_database(engine, tmp_path_factory.mktemp("snapshot"), server)
    store = open_store(name)
    store.migrate()
    writer = store.writer()
    for article, events in rough_articles():
        writer.save_article(article, events, [], run_id="rough")
    writer.close()
    with raw(name) as db, db.transaction():  # what older and foreign writers leave
        db.execute("UPDATE events SET source = NULL WHERE event_id LIKE 'a00%'")
        db.execute("UPDATE events SET event_type = NULL WHERE event_id LIKE 'a01%'")
        db.execute("UPDATE events SET group_id = NULL WHERE event_id LIKE 'a03%'")
        db.execute("UPDATE events SET event_date = NULL WHERE event_id LIKE 'a04%'")
        db.execute("UPDATE events SET geo_precision = NULL WHERE event_id LIKE 'a05%'")
        db.execute("UPDATE events SET admin1 = NULL WHERE event_id LIKE 'a06%'")
        db.execute("UPDATE dateline_meta SET value = value + 1 WHERE key = 'revision'")
    return name


def rough_articles():
    """Articles of one to five place mentions each, over 40 days, at places and dates that overlap."""
    rng = random.Random(11)
    for a in range(ARTICLES):
        source = rng.choice(SOURCES)
        published = FIRST + timedelta(days=rng.randrange(40))
        article = Article(f"a{a:03d}", f"text {a}", f"a{a}.txt", source, f"https://news.example/{a}",
                          f"Report {a} on the fighting", published, "given", f"h{a}")
        events = []
        for i in range(rng.randrange(1, 6)):
            pid, place, lat, lon, cc, admin1, precision = rng.choice(PLACES)
            day = (published - timedelta(days=rng.randrange(3))).isoformat()
            kind = rng.choice(TYPES)
            words = rng.choice(["shelling hit homes", "troops advanced", "crowds marched", "a market burned"])
            events.append(Event(f"a{a:03d}-{i}", article.article_id, source, article.url, article.title,
                                published.isoformat(), False, day, rng.choice(["day", "day", "week", "month"]),
                                "Friday", "relative", day, place, place, 1, pid, cc, admin1, "PPL", precision, lat,
                                lon, f"In {place} {words} on Friday.", 0, len(place), kind, 0.8,
                                role=rng.choice(ROLE_NAMES)))
        yield article, events


def filters_to_try() -> list[Filters]:
    rng = random.Random(5)
    everything = Filters(FIRST - timedelta(days=10), FIRST + timedelta(days=60))
    found = [everything, replace(everything, include_country=True), replace(everything, include_undated=True),
             replace(everything, roles=tuple(ROLE_NAMES)), replace(everything, roles=()), replace(everything, sources=()),
             replace(everything, sources=("Harbour Post", "Nobody")), replace(everything, event_types=("other",)),
             replace(everything, areas=("PK",)), replace(everything, areas=("UA/Kharkivska", "GE")),
             replace(everything, areas=("GE/",)), replace(everything, text="market"),
             replace(everything, text="IZYUM troops"), replace(everything, text="100%_\\"),
             Filters(FIRST + timedelta(days=10), FIRST + timedelta(days=10)),
             Filters(date(2030, 1, 1), date(2030, 2, 1))]
    for _ in range(40):  # mixes of every kind
        start = FIRST + timedelta(days=rng.randrange(-5, 40))
        found.append(Filters(
            start, start + timedelta(days=rng.randrange(0, 200)),
            sources=tuple(rng.sample(SOURCES, rng.randrange(0, 4))) if rng.random() < 0.5 else None,
            include_country=rng.random() < 0.5,
            event_types=tuple(rng.sample(TYPES, rng.randrange(0, 4))) if rng.random() < 0.5 else None,
            areas=tuple(rng.sample(["UA", "PK", "UA/Odeska", "UA/Kharkivska", "GE"], rng.randrange(0, 3))),
            text=rng.choice(["", "", "", "hit", "kharkiv", "report 4"]),
            roles=tuple(rng.sample(ROLE_NAMES, rng.randrange(1, len(ROLE_NAMES)))) if rng.random() < 0.4 else MAP_ROLES,
            include_undated=rng.random() < 0.3))
    return found


def test_the_columns_answer_every_filter_as_plain_sql_does(rough_db):
    store = open_store(rough_db)
    with store.reading() as reader:
        snapshot = Snapshot.read(reader)
        assert len(snapshot) == reader.totals(Filters(date(1900, 1, 1), date(2100, 1, 1), include_country=True,
                                                      roles=tuple(ROLE_NAMES), include_undated=True)).reports
        assert snapshot.token == reader.change_token()
        assert snapshot.overview() == reader.overview()
        assert snapshot.choices() == reader.choices()
        seen_places = 0
        for filters in filters_to_try():
            keep = snapshot.mask(filters, reader)
            assert snapshot.totals(keep) == reader.totals(filters), filters
            assert snapshot.newest(keep, 25) == [r.event_id for r in reader.events(filters, 25)], filters
            for by in ("source", "type"):
                for weekly in (False, True):
                    assert snapshot.timeline(keep, by, weekly) == reader.timeline(filters, by, weekly), filters
            for per_place, budget in ((3, None), (3, 5)):
                expected = map_rows.summaries(reader, filters, per_place, budget)
                assert snapshot.places(keep, per_place, budget) == expected, filters
                seen_places += len(expected)
        assert seen_places > 100  # the filters were not all empty


def test_a_backlog_loaded_in_batches_and_grouped_once_equals_saving_each_article(engine, db_name, tmp_path,
                                                                                  request, monkeypatch):
    """...also when the neighbourhood of the rows grouped at once is read in many statements."""
    import pipeline.storage.writer

    monkeypatch.setattr(pipeline.storage.writer, "_RANGES_PER_STATEMENT", 3)
    server = request.getfixturevalue("pg_server") if engine == "postgresql" else None
    one_by_one = new_database(engine, tmp_path, server)
    for name in (db_name, one_by_one):
        open_store(name).migrate()
    writer = open_store(one_by_one).writer()
    for article, events in rough_articles():
        writer.save_article(article, events, [], run_id="each")
    writer.close()
    writer = open_store(db_name).writer()
    items = list(rough_articles())
    assert writer.load_backlog([items[:30], items[30:]], run_id="backlog") == ARTICLES
    writer.close()

    def groups(name):
        found: dict[str, set] = {}
        for event_id, group, reason in raw_rows(name, "SELECT event_id, group_id, group_reason FROM events"):
            found.setdefault(group, set()).add((event_id, reason))
        return sorted(sorted(g) for g in found.values())
    assert groups(db_name) == groups(one_by_one)
    assert any(len(g) > 1 for g in groups(db_name))  # some reports did group
    assert raw_rows(db_name, "SELECT COUNT(*) FROM input_log WHERE status = 'stored'") == [(ARTICLES,)]


def test_a_snapshot_reads_one_state_and_an_empty_database(rough_db, empty_db):
    with open_store(empty_db).reading() as reader:
        empty = Snapshot.read(reader)
        keep = empty.mask(Filters(FIRST, FIRST + timedelta(days=9)), reader)
        assert len(empty) == 0 and empty.places(keep, 3) == [] and empty.totals(keep).events == 0
        assert empty.overview() == reader.overview()


def test_the_app_reads_a_new_snapshot_when_the_data_changes_unless_a_reader_just_did(fresh_events_db, monkeypatch):
    from dashboard import data
    store = open_store(fresh_events_db)
    first = data.snapshot(store)
    assert data.snapshot(store) is first  # nothing changed: the same columns
    with raw(fresh_events_db) as db, db.transaction():
        db.execute("DELETE FROM events WHERE event_id = (SELECT MIN(event_id) FROM events)")
        db.execute("UPDATE dateline_meta SET value = value + 1 WHERE key = 'revision'")
    monkeypatch.setattr(data, "REFRESH_FACTOR", 10_000)  # a busy writer: the last read is recent enough
    assert data.snapshot(store) is first
    monkeypatch.setattr(data, "REFRESH_FACTOR", 0)
    second = data.snapshot(store)
    assert second.token == first.token + 1 and len(second) == len(first) - 1
    # A slow read (as at a million rows) happens on a thread of its own: the page gets the last state at once.
    with raw(fresh_events_db) as db, db.transaction():
        db.execute("DELETE FROM events WHERE event_id = (SELECT MIN(event_id) FROM events)")
        db.execute("UPDATE dateline_meta SET value = value + 1 WHERE key = 'revision'")
    monkeypatch.setattr(data, "WAIT_FOR_READ_S", 0)
    assert data.snapshot(store) is second
    assert wait_until(lambda: data._live(store.location.target).current.token == second.token + 1, seconds=10)
    assert len(data.snapshot(store)) == len(second) - 1
