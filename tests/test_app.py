"""The dashboard without a browser: the script under Streamlit's AppTest, and its modules one by one."""
from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import replace
from datetime import date
from html import escape
from pathlib import Path

import folium
import pandas as pd
import pytest
from folium.plugins import MarkerCluster
from streamlit.testing.v1 import AppTest

from dashboard import assets, data, export, params, views
from dashboard.clusters import Area
from dashboard.map import OSM_TILES, base_map, events_layer, map_data, map_view, safe_url, tile_layer
from dashboard.views import details_html, highlight
from pipeline.storage import Report
from dashboard.params import Defaults
from pipeline.storage import Filters
from dashboard.sidebar import AREAS, COUNTRY, FROM, SOURCES, TEXT, TO, TYPES
from pipeline.models import Article, Event
from pipeline.storage import Overview, Totals, map_rows, open_store
from pipeline.storage.reader import where
from stores import raw

APP = str(Path(__file__).resolve().parent.parent / "app.py")
LEGACY = Path(__file__).resolve().parent / "data" / "legacy" / "events-b2a7e5b.db"
PANEL_KEY = "panel"
ALL = Filters(date(2022, 1, 1), date(2022, 12, 31), None, include_country=True)
DEFAULT_VISIBLE = 6  # the fixture's 7 events less its one country-level point


def run_app(db, monkeypatch, query: dict | None = None) -> AppTest:
    monkeypatch.setenv("DATELINE_DB", str(db))
    app = AppTest.from_file(APP, default_timeout=60)
    app.query_params.update(query or {})
    return app.run()


def open_tab(app: AppTest, label: str) -> AppTest:
    """Switch the tabs under the map to `label` (only the open tab runs) and rerun, as a click does."""
    if PANEL_KEY not in app.session_state or app.session_state[PANEL_KEY] != label:
        app.session_state[PANEL_KEY] = label
        app.run()
    return app


def table(app: AppTest):
    return open_tab(app, "Events").dataframe[0].value


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


def map_args(app) -> dict:
    [component] = [e for e in app.get("component_instance") if "folium" in e.proto.component_name]
    return json.loads(component.proto.json_args)


def map_markers(app) -> tuple[dict, dict]:
    """The map's data (places and clusters) and where the view moves the map, as the page gets them."""
    group = map_args(app)["feature_group"]
    data = json.JSONDecoder().raw_decode(group[group.index('{"types"'):])[0]
    where = json.JSONDecoder().raw_decode(group[group.rindex("]]], {") + 5:])[0]  # after the legend
    return data, where


def shown_events(data: dict) -> int:
    return sum(p[3] for p in data["places"]) + sum(c[2] for c in data["clusters"])


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


# --- queries ---------------------------------------------------------------------------------------


def test_filters_are_parameters_not_sql():
    injection = "' OR 1=1 --"
    sql, args = where(Filters(date(2022, 9, 1), date(2022, 9, 30), (injection, "B"), False))
    assert injection not in sql and "2022" not in sql
    assert sql.count("?") == len(args) == 7  # dates, 2 sources, the 3 map roles
    assert args == ["2022-09-01", "2022-09-30", injection, "B", "event", "origin", "destination"]


def test_injected_source_matches_nothing(events_db):
    with open_store(events_db).reading() as conn:
        hostile_filter = Filters(ALL.start, ALL.end, ("' OR 1=1 --",), True)
        assert conn.events(hostile_filter, 100) == []
        assert conn.totals(hostile_filter).events == 0
        assert conn.timeline(hostile_filter, "source", False) == []


def test_queries_filter_in_sql(events_db):
    with open_store(events_db).reading() as conn:
        assert conn.overview() == Overview(7, date(2022, 9, 1), date(2022, 10, 1), n_reports=7,
                                                          span=(date(2022, 9, 1), date(2022, 10, 1)))
        assert conn.source_counts() == {"Harbour Post": 4, "Meridian Wire": 1, "Northern Ledger": 2}
        every = conn.events(ALL, 100)
        assert [e.event_date for e in every] == sorted((e.event_date for e in every), reverse=True)
        assert len(conn.events(ALL, 3)) == 3
        no_country = Filters(ALL.start, ALL.end, None, False)
        assert all(e.geo_precision != "country" for e in conn.events(no_country, 100))
        assert conn.totals(no_country) == Totals(events=6, reports=6, articles=4, places=5, sources=3)
        september_8_to_9 = Filters(date(2022, 9, 8), date(2022, 9, 9), ("Harbour Post",), True)
        assert [(e.place_name, e.event_date) for e in conn.events(september_8_to_9, 100)] == [
            ("Kharkiv", "2022-09-09"), ("Kharkiv", "2022-09-08")]
        assert conn.timeline(september_8_to_9, "source", False) == [
            ("2022-09-08", "Harbour Post", 1), ("2022-09-09", "Harbour Post", 1)]
        assert conn.timeline(september_8_to_9, "type", False) == [
            ("2022-09-08", "strike", 1), ("2022-09-09", "battle", 1)]
        # Thursday 8 and Friday 9 September 2022 fall in the week of Monday 5 September.
        assert conn.timeline(september_8_to_9, "source", True) == [("2022-09-05", "Harbour Post", 2)]
        assert conn.totals(Filters(ALL.start, ALL.end, (), True)).events == 0


def test_type_area_and_text_filters_in_sql(events_db):
    def found(**chosen):
        with open_store(events_db).reading() as conn:
            return sorted(e.place_name for e in conn.events(Filters(ALL.start, ALL.end, None, True, **chosen), 100))

    assert found(event_types=("strike", "disaster")) == ["Dadu", "Kharkiv"]
    assert found(event_types=()) == []
    assert found(areas=("PK",)) == ["Dadu"]
    assert found(areas=("PK", "UA/Donetska")) == ["Dadu", "Lyman"]
    assert found(areas=("UA/Kharkivska",)) == ["Izyum", "Kharkiv", "Kharkiv"]
    assert found(text="sindh FLOODS") == ["Dadu"]  # every word, any case, in the sentence
    assert found(text="counteroffensive") == ["Kharkiv", "Kharkiv", "Ukraine"]  # in the title
    assert found(text="quito") == ["Quito <b>bold</b>"]  # in the resolved place name
    assert found(text="%") == [] and found(text="_") == []  # LIKE wildcards match only themselves
    assert found(text="' OR 1=1 --") == []
    with open_store(events_db).reading() as conn:
        choices = conn.choices()
    assert choices.event_types == {"battle": 2, "disaster": 1, "protest": 1, "statement": 1, "strike": 1, "territory": 1}
    assert list(choices.areas)[:3] == ["UA", "EC", "PK"]  # countries first, most events first
    assert choices.areas["UA"] == 5 and choices.areas["UA/Kharkivska"] == 3 and choices.areas["UA/Donetska"] == 1


def test_type_area_and_search_come_from_the_url_and_go_back_to_it(events_db, monkeypatch):
    app = run_app(events_db, monkeypatch, {"type": ["battle", "strike"], "area": "UA/Kharkivska", "q": "shelling"})
    assert not app.exception and not app.warning
    assert app.multiselect(key=TYPES).value == ["battle", "strike"]
    assert app.multiselect(key=AREAS).value == ["UA/Kharkivska"]
    assert app.text_input(key=TEXT).value == "shelling"
    assert list(table(app)["Sentence"]) == ["Shelling hit Kharkiv on Thursday."]
    app.text_input(key=TEXT).set_value("advanced").run()
    assert list(table(app)["Sentence"]) == ["Ukrainian forces advanced near Kharkiv on Friday."]
    assert app.query_params["q"] == "advanced" and app.query_params["area"] == "UA/Kharkivska"
    app.multiselect(key=AREAS).set_value([]).run()
    assert "area" not in app.query_params


def test_unknown_types_and_areas_in_the_url_warn(events_db, monkeypatch):
    app = run_app(events_db, monkeypatch, {"type": "nonsense", "area": ["ZZ", "PK"]})
    assert not app.exception
    warnings = " ".join(w.value for w in app.warning)
    assert "unknown event type" in warnings and "unknown area" in warnings
    assert list(table(app)["Place"]) == ["Dadu"]


def test_selected_row_picks_its_event():
    rows = ["first", "second"]
    selection = type("Selection", (), {"selection": type("Rows", (), {"rows": [1]})()})()
    assert views.selected_event(selection, lambda: rows) == "second"
    unselected = type("Selection", (), {"selection": type("Rows", (), {"rows": []})()})()
    for nothing in (None, unselected):
        assert views.selected_event(nothing, lambda: 1 / 0) is None  # nothing selected: the rows are not read
    stale = type("Selection", (), {"selection": type("Rows", (), {"rows": [5]})()})()
    assert views.selected_event(stale, lambda: rows) is None  # the filters changed since the row was picked


def test_overview_of_a_database_without_schema(tmp_path):
    path = tmp_path / "blank.db"
    path.touch()
    with open_store(path).reading() as conn:
        assert conn.overview() == Overview(0, None, None)


# --- query parameters ------------------------------------------------------------------------------

DEFAULTS = Defaults(date(2022, 9, 1), date(2022, 10, 1), ("A", "B", "C"), ("battle", "strike"),
                    ("UA", "UA/Donetska"))


def test_params_round_trip():
    chosen = Filters(date(2022, 9, 5), date(2022, 9, 20), ("B", "C"), True, ("strike",), ("UA", "UA/Donetska"),
                     "dam burst")
    encoded = params.encode(chosen, DEFAULTS)
    assert encoded == {"from": "2022-09-05", "to": "2022-09-20", "source": ["B", "C"], "type": ["strike"],
                       "area": ["UA", "UA/Donetska"], "q": "dam burst", "country": "1"}
    as_url = {k: v if isinstance(v, list) else [v] for k, v in encoded.items()}
    assert params.parse(as_url, DEFAULTS) == (chosen, [])
    assert params.encode(Filters(DEFAULTS.start, DEFAULTS.end), DEFAULTS) == {}
    assert params.parse({"source": [""]}, DEFAULTS)[0].sources == ()


def test_params_keep_known_sources_and_warn_about_the_rest():
    filters, warnings = params.parse({"source": ["B", "<b>Z</b>"]}, DEFAULTS)
    assert filters.sources == ("B",)
    assert len(warnings) == 1 and "“\\<b\\>Z\\<\\/b\\>”" in warnings[0]


# --- the map -------------------------------------------------------------------------------------


WORLD = Area(0, 0, 0, 256, 256)  # the whole world at zoom 0


def all_places(db, filters=ALL, per_place=20):
    with open_store(db).reading() as conn:
        return map_rows.places(conn, filters, per_place)


def rendered_map(found) -> str:
    """The map as one HTML page: the base map with the view's events in it."""
    fmap = base_map()
    events_layer(map_view(found, (), WORLD, found)).add_to(fmap)
    return fmap.get_root().render()


def hostile_place(events_db):
    return next(p for p in all_places(events_db) if p.events[0].source == "Meridian Wire")


def test_details_escape_everything_from_the_article(events_db, hostile):
    details = details_html(hostile_place(events_db).events[0])
    assert "<script" not in details and "<img" not in details and "<svg" not in details and "<b>bold" not in details
    assert escape(hostile["title"]) in details
    assert escape("<script>alert('sentence')</script> ${alert(2)}") in details
    assert f"<mark>{escape(hostile['place_text'])}</mark>" in details  # the place as written, highlighted
    assert "javascript:" not in details and "<a " not in details  # a javascript: url is no link


def test_marker_shape_follows_place_precision(events_db):
    shapes = {p[7]: p[4] for p in map_data(all_places(events_db), (), WORLD)["places"]}
    assert shapes["Ukraine"] == "country" and shapes["Kharkiv"] == "point"


def test_map_data_carries_article_text_as_text_and_links_only_http(events_db, hostile):
    data = map_data([hostile_place(events_db)], (), WORLD)
    [event] = data["events"]
    assert event[9] == hostile["sentence"] and event[4] == hostile["place_text"]  # raw text, set as textContent
    assert data["articles"] == [[hostile["title"], None]]  # the javascript: url is no link


def test_rendered_map_carries_no_live_markup_from_articles(events_db):
    assets.use_local_assets()
    page = rendered_map(all_places(events_db))
    assert "<script>alert" not in page and "<img src=x" not in page and "<svg" not in page
    assert "`" not in page  # no template literal anywhere, so `${alert(2)}` in a sentence stays text
    assert not re.search(r"(cdn\.jsdelivr|cdnjs|code\.jquery|bootstrapcdn)", page)
    assert "/app/static/vendor/leaflet/leaflet.js" in page


def test_article_text_is_never_compiled_as_a_template(db_name):
    """folium compiles rendered macros as Jinja templates; `{{ ... }}` in an article must stay text."""
    db = db_name
    _add_events(db, "tpl", "Harbour Post", ["2022-09-03"], "{{ 7*7 }} {% raw %}", 10.0, 20.0)
    page = rendered_map(all_places(db))
    assert '"2022-09-03",[0],"{{ 7*7 }} {% raw %}"' in page  # the marker's name, verbatim, not "49 …"


def test_same_place_is_one_marker_listing_newest_first(events_db):
    found = all_places(events_db)
    assert len(found) == 6  # 7 events on 6 places
    kharkiv = next(p for p in found if p.name == "Kharkiv")
    assert kharkiv.n_events == 2 and kharkiv.newest_date == "2022-09-09"
    assert kharkiv.event_type == "battle"  # one battle, one strike: the tie goes to the newer
    data = map_data([kharkiv], (), WORLD)
    [place] = data["places"]
    assert place[3] == 2 and [data["events"][i][0] for i in place[6]] == ["2022-09-09", "2022-09-08"]
    assert data["events"][place[6][1]][2] == "“Thursday” → 2022-09-08 (relative to publication 2022-09-10)"
    assert ["https://harbour.example/kharkiv"] == [a[1] for a in data["articles"]]


def _add_events(db: Path, article_id: str, source: str, days: list[str], place: str, lat: float, lon: float,
                event_type: str = "battle") -> None:
    store = open_store(db)
    store.migrate()
    writer = store.writer()
    article = Article(article_id, f"text {article_id}", f"{article_id}.txt", source,
                      published=date(2022, 9, 30), text_hash=f"hash-{article_id}")
    events = [Event(f"{article_id}-{i}", article_id, source, None, f"Title {article_id}", "2022-09-30", False,
                    day, "day", day, "explicit", day, place, place, None, f"geonames:{place}", "XX", None,
                    "PPL", "settlement", lat, lon, f"Event {i} in {place}.", 0, len(place),
                    event_type if i else "strike", 0.5)
              for i, day in enumerate(days)]
    writer.save_article(article, events, [], run_id="test")
    writer.close()


def test_a_place_with_three_events_is_one_marker_listing_them_newest_first(fresh_events_db, monkeypatch):
    _add_events(fresh_events_db, "tri", "Harbour Post", ["2022-09-03", "2022-09-21", "2022-09-12"], "Triville",
                10.0, 20.0)
    app = run_app(fresh_events_db, monkeypatch)
    assert not app.exception
    [component] = [e for e in app.get("component_instance") if "folium" in e.proto.component_name]
    events = json.loads(component.proto.json_args)["feature_group"]
    assert events.count('3,"point","2022-09-21",[') == 1  # one marker: 3 events, newest on the 21st
    [triville] = [p for p in all_places(fresh_events_db) if p.name == "Triville"]
    assert (triville.n_events, triville.newest_date, triville.event_type) == (3, "2022-09-21", "battle")
    data = map_data([triville], (), WORLD)
    assert [data["events"][i][0] for i in data["places"][0][6]] == ["2022-09-21", "2022-09-12", "2022-09-03"]


def test_counts_over_5000_events_are_right_and_popups_are_capped(db_name):
    db = db_name
    days = [f"2022-{m:02d}-{d:02d}" for m in range(1, 11) for d in range(1, 29)]  # 280 days
    for n in range(25):  # 25 places × 200 events = 5,000 events
        _add_events(db, f"a{n}", f"Source {n % 3}", [days[(n + i) % len(days)] for i in range(200)], f"P{n}",
                    n, -n, event_type="movement")
    found = all_places(db, Filters(date(2022, 1, 1), date(2022, 12, 31)), per_place=20)
    assert len(found) == 25 and sum(p.n_events for p in found) == 5000
    assert all(p.n_events == 200 and len(p.events) == 20 and p.event_type == "movement" for p in found)
    [place] = map_data(found[:1], (), WORLD)["places"]
    assert place[3] == 200 and len(place[6]) == 20  # the popup says "and 180 more"
    narrow = Filters(date(2022, 1, 1), date(2022, 12, 31), ("Source 0",))
    assert sum(p.n_events for p in all_places(db, narrow)) == 9 * 200  # sources of n = 0, 3, …, 24
    with open_store(db).reading() as conn:
        assert conn.totals(narrow).events == 1800


def test_highlight_and_links():
    assert highlight("Shelling hit kharkiv today.", "Kharkiv") == "Shelling hit <mark>kharkiv</mark> today."
    assert highlight("a < b in Lyman", "Lyman") == "a &lt; b in <mark>Lyman</mark>"
    assert highlight("nothing here", "Lyman") == "nothing here"
    assert safe_url("https://x.example/a?b=1") == "https://x.example/a?b=1"
    for url in ("javascript:alert(1)", " JavaScript:alert(1)", "data:text/html,x", "//x.example", "/local", None):
        assert safe_url(url) is None


def test_tiles_only_when_dateline_tiles_names_a_server(monkeypatch):
    monkeypatch.delenv("DATELINE_TILES", raising=False)
    assert tile_layer() is None and "Street map tiles" not in base_map().get_root().render()
    monkeypatch.setenv("DATELINE_TILES", "none")
    assert tile_layer() is None
    monkeypatch.setenv("DATELINE_TILES", "openstreetmap")
    assert tile_layer().tiles == OSM_TILES and "OpenStreetMap" in tile_layer().options["attribution"]
    monkeypatch.setenv("DATELINE_TILES", "https://tiles.intranet.example/{z}/{x}/{y}.png")
    layer = tile_layer()
    assert layer.tiles == "https://tiles.intranet.example/{z}/{x}/{y}.png"
    assert layer.options["attribution"] == "Tiles: tiles.intranet.example"


def test_assets_install_copies_from_node_modules(tmp_path):
    node_modules = tmp_path / "node_modules"
    for src in assets.FILES:
        target = node_modules / src
        if src.endswith("images"):
            target.mkdir(parents=True)
            (target / "layers.png").write_bytes(b"png")
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(src)
    (node_modules / assets.ADMIN1_SOURCE).mkdir(parents=True)  # no country file in it: an empty borders file
    vendor = tmp_path / "vendor"
    assets.install(node_modules, vendor)
    assert assets.missing(vendor) == []
    assert (vendor / "leaflet" / "leaflet.js").read_text() == "leaflet/dist/leaflet.js"
    assert json.loads((vendor / assets.ADMIN1_BORDERS).read_text())["lines"] == []
    (vendor / assets.ADMIN1_BORDERS).unlink()
    assert assets.missing(vendor) == [assets.ADMIN1_BORDERS]
    with pytest.raises(FileNotFoundError, match="npm ci"):
        assets.install(tmp_path / "nowhere", vendor)


def test_use_local_assets_points_folium_at_the_app(monkeypatch):
    for cls in (folium.Map, MarkerCluster):
        monkeypatch.setattr(cls, "default_js", cls.default_js)
        monkeypatch.setattr(cls, "default_css", cls.default_css)
    assets.use_local_assets("/dateline/")
    assert folium.Map.default_js == [("leaflet", "/dateline/app/static/vendor/leaflet/leaflet.js")]
    assets.use_local_assets()
    assert folium.Map.default_js == [("leaflet", "/app/static/vendor/leaflet/leaflet.js")]


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
    _add_events(fresh_events_db, "f", "=HYPERLINK(\"x\")", ["2022-09-05"] * 3, "-Place", 1.0, -2.5)
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
        _add_events(db, f"b{n}", "Harbour Post", days, f"B{n}", n, n)
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
