"""What the dashboard counts and shows: reports of one event, actor places, event types, dated and undated events."""
from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import pandas as pd

from dashboard import params, views
from dashboard.map import map_data
from dashboard.views import details_html
from pipeline.storage import Filters, Report, map_rows, open_store
from pipeline.models import Article, Event
from stores import raw

from app_support import ALL, LEGACY, DEFAULTS, DEFAULT_VISIBLE, WORLD, add_events, all_places, run_app, table


# --- roles and groups (events, not mentions) ---------------------------------------------------------


def _report(db: Path, article_id: str, source: str, place: str, lat: float, lon: float, **fields) -> None:
    """One article with one row at `place` on 2022-09-12 (fields override the row's columns)."""
    from dataclasses import replace

    writer = open_store(db).writer()
    article = Article(article_id, f"text {article_id}", f"{article_id}.txt", source, url=f"https://{article_id}.example/a",
                      title=f"Title {article_id}", published=date(2022, 9, 12), text_hash=f"hash-{article_id}")
    event = Event(f"{article_id}-0", article_id, source, article.url, article.title, "2022-09-12", False,
                  "2022-09-12", "day", "Monday", "explicit", "2022-09-12", place, place, None, f"geonames:{place}",
                  "UA", "Kharkivska", "PPL", "settlement", lat, lon, f"Shelling hit {place} on Monday.", 0,
                  len(place), "strike", 0.8, trigger="Shelling")
    writer.save_article(article, [replace(event, **fields)], [], run_id="test")
    writer.close()


def test_a_row_without_a_group_is_an_event_of_its_own(fresh_events_db):
    _report(fresh_events_db, "solo", "Harbour Post", "Solo", 10.0, 10.0)
    with raw(fresh_events_db) as db:  # as a foreign writer leaves it
        db.execute("UPDATE events SET group_id = NULL WHERE event_id = 'solo-0'")
    [place] = [p for p in all_places(fresh_events_db) if p.name == "Solo"]
    assert place.n_events == 1 and place.events[0].group_id == "solo-0"
    assert place.reports == ((Report("Harbour Post", "Title solo", "https://solo.example/a"),),)


def test_actor_places_are_hidden_until_asked_for(fresh_events_db, monkeypatch):
    _report(fresh_events_db, "act", "Harbour Post", "Moscow", 55.75, 37.62, role="actor",
            sentence="Moscow said the push had failed.", country_code="RU", admin1="Moscow")
    app = run_app(fresh_events_db, monkeypatch)
    assert app.metric[0].value == str(DEFAULT_VISIBLE) and "Moscow" not in list(table(app)["Place"])
    app = run_app(fresh_events_db, monkeypatch, {"role": ["actor"]})
    assert not app.warning and list(table(app)["Place"]) == ["Moscow"]
    assert app.multiselect(key="filter_roles").value == ["actor"]
    app.multiselect(key="filter_roles").set_value(["event", "origin", "destination"]).run()
    assert "role" not in app.query_params  # back at the default: a clean URL
    filters, warnings = params.parse({"role": ["nonsense"]}, DEFAULTS)
    assert filters.roles == ("event", "origin", "destination") and "unknown role" in warnings[0]


def test_reports_of_one_event_count_once_and_list_their_sources(fresh_events_db, monkeypatch):
    for article_id, source in (("r1", "Harbour Post"), ("r2", "Northern Ledger"), ("r3", "Meridian Wire")):
        _report(fresh_events_db, article_id, source, "Chuhuiv", 49.84, 36.69, actors=("Russian forces",))
    app = run_app(fresh_events_db, monkeypatch, {"q": "Chuhuiv"})
    assert [m.value for m in app.metric[:2]] == ["1", "3"]  # one event, three reports
    [place] = [p for p in all_places(fresh_events_db) if p.name == "Chuhuiv"]
    assert place.n_events == 1 and len(place.events) == 1
    data = map_data([place], (), WORLD)
    [event] = data["events"]
    assert sorted(data["sources"][s] for s, _ in event[13]) == ["Harbour Post", "Meridian Wire", "Northern Ledger"]
    assert event[11] == "strike · event location · “Shelling” · Russian forces"
    details = details_html(place.events[0], place.reports[0])
    assert "Reported by 3 sources" in details and "Title r3" in details


def test_a_database_of_an_earlier_dateline_asks_for_a_migration(tmp_path, monkeypatch):
    """A file written by the main of b2a7e5b: the app says which command to run instead of rewriting it on a page
    load; after `migrate` it shows the events."""
    old = tmp_path / "old.db"
    old.write_bytes(LEGACY.read_bytes())
    app = run_app(old, monkeypatch)
    assert not app.exception and "python -m pipeline migrate" in app.error[0].value
    assert LEGACY.read_bytes() == old.read_bytes()  # the app never wrote to it
    open_store(old).migrate()
    app = run_app(old, monkeypatch)
    assert not app.exception and not app.error and int(app.metric[0].value) > 10


def test_every_event_type_has_its_colour():
    from dashboard.labels import EVENT_COLOURS
    from pipeline.taxonomy import EVENT_TYPES

    assert set(EVENT_COLOURS) == set(EVENT_TYPES) - {"other"}
    assert len(set(EVENT_COLOURS.values())) == len(EVENT_COLOURS)


def test_popups_carry_fewer_events_when_there_are_many_places(db_name):
    db = db_name
    days = [f"2022-09-{d:02d}" for d in range(1, 6)]
    for n in range(4):
        add_events(db, f"b{n}", "Harbour Post", days, f"B{n}", n, n)
    with open_store(db).reading() as conn:
        roomy = map_rows.places(conn, ALL, per_place=3, budget=100)
        tight = map_rows.places(conn, ALL, per_place=3, budget=8)
        starved = map_rows.places(conn, ALL, per_place=3, budget=1)
    assert [len(p.events) for p in roomy] == [3] * 4
    assert [len(p.events) for p in tight] == [2] * 4  # 8 events over 4 places
    # Past the budget the newest places list one event and the rest none; every place keeps its marker and count.
    assert [len(p.events) for p in starved] == [1, 0, 0, 0] and all(p.n_events == 5 for p in starved)
    assert [p.name for p in starved] == [p.name for p in roomy] and all(p.name.startswith("B") for p in starved)


# --- dates the reader can trust ------------------------------------------------------------------


def _dated_db(path, dates_and_published):
    """A database of one article per (event date, publication date); None for an undated event."""
    from conftest import _article, _event

    store = open_store(path)
    store.migrate()
    writer = store.writer()
    for n, (day, published) in enumerate(dates_and_published):
        article = _article(f"a{n}", "Wire", published or date(2020, 1, 1), f"story {n}", f"https://wire.example/{n}")
        event = _event(article, n, day, "Kharkiv", 49.98, 36.25, "Shelling hit Kharkiv.",
                       **({"date_precision": "none", "date_basis": "none", "published_basis": "none",
                           "published_date": None} if day is None else {}))
        writer.save_article(article, [event], [], run_id="t")
    writer.close()
    return path


def test_default_range_is_the_span_holding_most_events(db_name):
    days = [(f"2016-12-{d:02d}", date(2016, 12, 20)) for d in range(1, 20)] * 3
    outliers = [("1863-11-19", date(2016, 12, 20)), ("2030-12-31", date(2016, 12, 20))]
    db = _dated_db(db_name, days + outliers)
    with open_store(db).reading() as conn:
        found = conn.overview()
    assert (found.first_date, found.last_date) == (date(1863, 11, 19), date(2030, 12, 31))  # the boxes reach all
    assert found.span == (date(2016, 12, 1), date(2016, 12, 19))  # a history date and a misread one do not count


def test_undated_events_are_behind_a_toggle_off_by_default(db_name, monkeypatch):
    db = _dated_db(db_name, [("2022-09-09", date(2022, 9, 10)), (None, None)])
    with open_store(db).reading() as conn:
        assert conn.overview().n_undated == 1
        dated = Filters(date(2022, 9, 1), date(2022, 9, 30))
        assert conn.totals(dated).reports == 1
        assert conn.totals(replace(dated, include_undated=True)).reports == 2
        assert conn.timeline(replace(dated, include_undated=True), "source", False) == [
            ("2022-09-09", "Wire", 1)]  # no day to stand on
    app = run_app(db, monkeypatch)
    assert app.toggle(key="filter_undated").value is False and app.metric[1].value == "1"
    app.toggle(key="filter_undated").set_value(True).run()
    assert app.metric[1].value == "2" and app.query_params.get("undated") == "1"
    assert "undated" in list(table(app)["Dated by"])


def test_an_inferred_publication_date_says_so(db_name):
    from dashboard.labels import date_how

    db = _dated_db(db_name, [("2022-09-10", date(2022, 9, 10))])
    with open_store(db).reading() as conn:
        [row] = conn.events(Filters(date(2022, 9, 1), date(2022, 9, 30)), 10)
    inferred = replace(row, published_basis="text", date_basis="publication", date_text="")
    assert "inferred" in date_how(inferred)
    assert "inferred" in views.dated_by(replace(inferred, date_basis="relative", date_text="Friday"))


def test_the_timeline_stacks_the_busiest_sources_and_sums_the_rest():
    counts = [("2022-09-0%d" % (1 + i % 3), f"Source {i}", i + 1) for i in range(20)]
    frame = views.fold_sources(pd.DataFrame(counts, columns=["day", "key", "events"]), 5)
    assert frame["events"].sum() == sum(range(1, 21))  # no event lost
    assert sorted(set(frame["key"])) == sorted([f"Source {i}" for i in range(15, 20)] + ["15 other sources"])
    few = pd.DataFrame(counts[:6], columns=["day", "key", "events"])
    assert views.fold_sources(few, 5).equals(few)  # one band for one source would only rename it
