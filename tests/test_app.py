"""The dashboard under Streamlit's AppTest: filters and the URL, messages, the map's frame and view, downloads,
unresolved places and the tabs under the map."""
from __future__ import annotations

import csv
import io
import json
import re
from datetime import date

import pytest

from dashboard import data, export
from dashboard.sidebar import COUNTRY, FROM, SOURCES, TO
from pipeline.models import Article, Event
from pipeline.storage import open_store

from app_support import (ALL, DEFAULT_VISIBLE, PANEL_KEY, add_events, map_args, map_markers, open_tab, run_app,
                         shown_events, table)


# --- the app -------------------------------------------------------------------------------------


def test_app_shows_every_event_but_country_points_by_default(events_db, monkeypatch):
    app = run_app(events_db, monkeypatch)
    assert not app.exception
    assert app.title[0].value == "Dateline"
    assert len(table(app)) == DEFAULT_VISIBLE
    assert app.metric[0].value == str(DEFAULT_VISIBLE)
    assert app.date_input(key=FROM).value == date(2022, 9, 1)
    assert app.date_input(key=TO).value == date(2022, 10, 1)
    assert app.multiselect(key=SOURCES).value == ["Harbour Post", "Meridian Wire", "Northern Ledger"]
    assert not app.warning and not app.error
    assert list(table(app)["Date"].dt.date) == sorted(table(app)["Date"].dt.date, reverse=True)
    assert app.query_params == {}  # the default view has a clean URL


def test_source_filter_narrows_the_table_and_the_url(events_db, monkeypatch):
    app = run_app(events_db, monkeypatch)
    app.multiselect(key=SOURCES).set_value(["Northern Ledger"]).run()
    assert not app.exception
    assert set(table(app)["Source"]) == {"Northern Ledger"}
    assert len(table(app)) == 2
    assert app.query_params["source"] == "Northern Ledger"


def test_country_toggle_shows_country_level_points(events_db, monkeypatch):
    app = run_app(events_db, monkeypatch)
    app.toggle(key=COUNTRY).set_value(True).run()
    assert len(table(app)) == DEFAULT_VISIBLE + 1
    assert "country" in set(table(app)["Place precision"])
    assert app.query_params["country"] == "1"


def test_query_params_set_the_filters(events_db, monkeypatch):
    app = run_app(events_db, monkeypatch, {"from": "2022-09-08", "to": "2022-09-10",
                                           "source": ["Harbour Post", "Meridian Wire"], "country": "1"})
    assert not app.exception and not app.warning
    assert app.date_input(key=FROM).value == date(2022, 9, 8)
    assert app.date_input(key=TO).value == date(2022, 9, 10)
    assert app.multiselect(key=SOURCES).value == ["Harbour Post", "Meridian Wire"]
    assert app.toggle(key=COUNTRY).value is True
    shown = table(app)
    assert len(shown) == 4  # Kharkiv twice, Ukraine (country level), the hostile one
    assert all(date(2022, 9, 8) <= d <= date(2022, 9, 10) for d in shown["Date"].dt.date)


@pytest.mark.parametrize("query, mentions", [
    ({"from": "yesterday"}, "from="),
    ({"to": "2022-13-45"}, "to="),
    ({"from": "2022-09-30", "to": "2022-09-01"}, "after"),
    ({"source": "' OR 1=1 --"}, "unknown source"),
    ({"country": "maybe"}, "country="),
    ({"to": "2020-01-01"}, "after"),
])
def test_bad_query_params_warn_and_fall_back(events_db, monkeypatch, query, mentions):
    app = run_app(events_db, monkeypatch, query)
    assert not app.exception and not app.error
    assert any(mentions in w.value for w in app.warning), [w.value for w in app.warning]
    assert len(table(app)) == DEFAULT_VISIBLE


def test_dates_outside_the_data_are_fine(events_db, monkeypatch):
    app = run_app(events_db, monkeypatch, {"from": "2020-01-01", "to": "2030-12-31"})
    assert not app.exception and not app.warning
    assert app.date_input(key=FROM).value == date(2020, 1, 1)
    assert len(table(app)) == DEFAULT_VISIBLE
    assert app.query_params == {"from": "2020-01-01", "to": "2030-12-31"}


def test_an_emptied_date_box_reads_as_its_default(events_db, monkeypatch):
    app = run_app(events_db, monkeypatch)
    app.date_input(key=FROM).set_value(None).run()
    assert not app.exception and app.metric[0].value == str(DEFAULT_VISIBLE)


def test_warning_quotes_url_values_inertly(events_db, monkeypatch):
    app = run_app(events_db, monkeypatch, {"from": "[x](javascript:alert(1))"})
    text = app.warning[0].value
    assert "](" not in text and "\\[x\\]\\(javascript\\:alert\\(1\\)\\)" in text


def test_filters_matching_nothing_say_what_to_do(events_db, monkeypatch):
    app = run_app(events_db, monkeypatch, {"from": "2022-09-02", "to": "2022-09-05"})
    assert not app.exception
    assert "No events match" in app.info[0].value
    assert not app.dataframe
    app = run_app(events_db, monkeypatch, {"source": ""})
    assert "No source is selected" in app.info[0].value


def test_no_database_says_how_to_make_one(tmp_path, monkeypatch):
    app = run_app(tmp_path / "missing.db", monkeypatch)
    assert not app.exception
    message = app.info[0].value
    assert "make demo" in message and "python -m pipeline run data/articles" in message


def test_empty_database_says_how_to_fill_it(empty_db, monkeypatch):
    app = run_app(empty_db, monkeypatch)
    assert not app.exception
    assert "no events yet" in app.info[0].value
    assert "python -m pipeline run" in app.info[0].value


def test_new_events_show_on_the_next_interaction(fresh_events_db, monkeypatch):
    app = run_app(fresh_events_db, monkeypatch)
    assert len(table(app)) == DEFAULT_VISIBLE
    writer = open_store(fresh_events_db).writer()  # the pipeline writing while the app runs
    article = Article("late", "text", "late.txt", "Late Wire", published=date(2022, 10, 5), text_hash="late")
    event = Event("late-1", "late", "Late Wire", None, "Late", "2022-10-05", False, "2022-10-05", "day",
                  "", "publication", "2022-10-05", "Kyiv", "Kyiv", 703448, "geonames:703448", "UA", "Kyiv",
                  "PPLC", "settlement", 50.45, 30.52, "Kyiv is quiet.", 0, 4, "other", 0.8)
    writer.save_article(article, [event], [], run_id="test")
    writer.close()
    app.run()
    assert len(table(app)) == DEFAULT_VISIBLE + 1  # new day and new source: defaults followed the data
    assert "Late Wire" in app.multiselect(key=SOURCES).value


def test_the_change_token_moves_with_writes_only(fresh_events_db):
    """The app's caches key on it: reading leaves it, every write transaction moves it on."""
    store = open_store(fresh_events_db)
    with store.reading() as reader:
        before = reader.change_token()
    with store.reading() as reader:
        assert reader.change_token() == before and reader.overview().n_events == 7
    writer = store.writer()
    writer.save_duplicate("again.txt", "hp-1", run_id="t")  # a log line is no change of data
    with store.reading() as reader:
        assert reader.change_token() == before
    writer.save_article(Article("new", "text", "new.txt", "Wire", text_hash="new"), [], [], run_id="t")
    writer.close()
    with store.reading() as reader:
        assert reader.change_token() > before


def test_marker_cap_is_announced(fresh_events_db, monkeypatch):
    monkeypatch.setattr(data, "MAX_EVENTS", 2)
    app = run_app(fresh_events_db, monkeypatch)
    assert len(table(app)) == 2 and app.metric[0].value == str(DEFAULT_VISIBLE)
    assert any("table shows the newest 2 of 6 matching reports" in c.value for c in app.caption)
    assert not app.warning


def test_a_filter_change_keeps_the_map_and_swaps_its_events(events_db, monkeypatch):
    """streamlit-folium keys the map's frame on its script: only the events' feature group may change."""
    app = run_app(events_db, monkeypatch)
    before = map_args(app)
    assert shown_events(map_markers(app)[0]) == int(app.metric[0].value)  # fitted: every place in view
    app.multiselect(key=SOURCES).set_value(["Harbour Post"]).run()
    after = map_args(app)
    assert after["script"] == before["script"] and after["feature_group"] != before["feature_group"]
    assert shown_events(map_markers(app)[0]) == int(app.metric[0].value) < shown_events(map_markers(run_app(
        events_db, monkeypatch))[0])


def reported(zoom: int, south: float, west: float, north: float, east: float) -> dict:
    """What streamlit-folium reports after a pan or zoom."""
    return {"zoom": zoom, "bounds": {"_southWest": {"lat": south, "lng": west}, "_northEast": {"lat": north, "lng": east}}}


def test_the_map_sends_the_places_around_the_viewport_and_stays_where_the_reader_put_it(events_db, monkeypatch):
    app = run_app(events_db, monkeypatch)
    data, where = map_markers(app)
    assert "bounds" in where  # the first view fits the map to its places
    assert data["clusters"]  # at the world's zoom, the Donbas towns are one group
    app.session_state["map"] = reported(9, 48.5, 35.0, 50.5, 38.5)  # the reader zoomed in on Kharkiv oblast
    app.run()
    data, where = map_markers(app)
    assert where == {}  # the map stays where the reader put it
    names = {p[7] for p in data["places"]}
    assert {"Kharkiv", "Lyman"} <= names and "Quito" not in names and not data["clusters"]
    app.multiselect(key=SOURCES).set_value(["Harbour Post"]).run()
    assert "bounds" in map_markers(app)[1]  # new filters: the map fits their places again


def test_map_component_gets_local_scripts_only(events_db, monkeypatch):
    app = run_app(events_db, monkeypatch)
    [component] = [e for e in app.get("component_instance") if "folium" in e.proto.component_name]
    args = component.proto.json_args
    links = re.findall(r'"(?:js|css)_links": \[([^\]]*)\]', args)
    assert links and all("/app/static/vendor/" in url for group in links for url in re.findall(r'"([^"]+)"', group))
    assert "cdn" not in args.lower()


# --- downloads and unresolved places -------------------------------------------------------------


@pytest.fixture
def downloads(monkeypatch):
    """The download buttons' deferred callables by file name, as the app registered them."""
    from streamlit.runtime.media_file_manager import MediaFileManager

    registered, add_deferred = {}, MediaFileManager.add_deferred

    def record(self, data_callable, mimetype, coordinates, file_name=None, **kwargs):
        registered[file_name] = data_callable
        return add_deferred(self, data_callable, mimetype, coordinates, file_name, **kwargs)

    monkeypatch.setattr(MediaFileManager, "add_deferred", record)
    return registered


def test_downloads_hold_exactly_the_filtered_events(events_db, monkeypatch, downloads):
    app = run_app(events_db, monkeypatch, {"source": ["Harbour Post", "Meridian Wire"]})
    assert not app.exception
    assert [b.label for b in app.get("download_button")] == ["Download 4 reports as CSV",
                                                            "Download 4 reports as GeoJSON"]
    lines = downloads["dateline-events.csv"]().decode().splitlines()
    assert lines[0].split(",")[:3] == ["event_id", "event_date", "date_precision"]
    assert [line.split(",")[0] for line in lines[1:]] == ["mw-1-1", "hp-1-1", "hp-1-2", "hp-2-1"]  # newest first
    collection = json.loads(downloads["dateline-events.geojson"]())
    assert collection["type"] == "FeatureCollection"
    assert [f["properties"]["event_id"] for f in collection["features"]] == ["mw-1-1", "hp-1-1", "hp-1-2", "hp-2-1"]
    quito = collection["features"][0]
    assert quito["geometry"] == {"type": "Point", "coordinates": [-78.51, -0.22]}
    assert quito["properties"]["sentence"].startswith("Crowds gathered in <img")  # data, kept as written
    assert quito["properties"]["role"] == "event" and quito["properties"]["group_id"] == "mw-1-1"


def test_csv_download_is_every_matching_event_and_defuses_formulas(fresh_events_db):
    add_events(fresh_events_db, "f", "=HYPERLINK(\"x\")", ["2022-09-05"] * 3, "-Place", 1.0, -2.5)
    with open_store(fresh_events_db).reading() as conn:
        text = export.csv_bytes(conn.export_rows(ALL)).decode()
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == 10  # not capped: all 7 fixture events and the 3 new ones
    new = [r for r in rows if r["article_id"] == "f"]
    assert {r["source"] for r in new} == {"'=HYPERLINK(\"x\")"} and {r["place_name"] for r in new} == {"'-Place"}
    assert {r["lon"] for r in new} == {"-2.5"}  # numbers stay numbers


def test_unresolved_places_follow_the_filters(fresh_events_db, monkeypatch):
    from pipeline.models import PlaceMention

    writer = open_store(fresh_events_db).writer()
    for article_id, source, published, names in [
        ("u-1", "Harbour Post", date(2022, 9, 12), ["Atlantis", "Atlantis", "<b>Lemuria</b>"]),
        ("u-2", "Northern Ledger", date(2022, 9, 14), ["Atlantis"]),
        ("u-3", "Harbour Post", date(2021, 1, 1), ["Mu"]),  # outside the data's dates
    ]:
        article = Article(article_id, f"text {article_id}", f"{article_id}.txt", source, published=published,
                          text_hash=f"hash-{article_id}")
        mentions = [PlaceMention(i * 10, i * 10 + len(n), n, None) for i, n in enumerate(names)]
        writer.save_article(article, [], mentions, run_id="test")
    writer.close()
    app = open_tab(run_app(fresh_events_db, monkeypatch), "Unresolved places")
    assert any(c.value.startswith("2 place names found") for c in app.caption)
    shown = app.dataframe[0].value
    assert shown.values.tolist() == [["Atlantis", 3, 2], ["<b>Lemuria</b>", 1, 1]]
    app = open_tab(run_app(fresh_events_db, monkeypatch, {"source": "Northern Ledger"}), "Unresolved places")
    assert app.dataframe[0].value.values.tolist() == [["Atlantis", 1, 1]]


def test_only_the_open_tab_under_the_map_runs(events_db, monkeypatch):
    """The chart's and the table's scripts then load after the map, not with it (bench/app_render.py)."""
    app = run_app(events_db, monkeypatch)
    assert [t.label for t in app.tabs] == ["Timeline", "Events", "Unresolved places", "Sources"]
    assert not app.dataframe and [r.key for r in app.radio] == ["timeline_stack"]
    open_tab(app, "Events")
    assert len(app.dataframe) == 1 and not app.radio
    assert len(table(app)) == DEFAULT_VISIBLE
    app.multiselect(key=SOURCES).set_value(["Northern Ledger"]).run()  # a filter change keeps the tab open
    assert app.session_state[PANEL_KEY] == "Events" and len(app.dataframe) == 1
    assert set(app.dataframe[0].value["Source"]) == {"Northern Ledger"}
