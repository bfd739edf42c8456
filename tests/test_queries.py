"""The store's reads behind the dashboard (filters as SQL parameters, applied in SQL) and the URL's query
parameters."""
from __future__ import annotations

from datetime import date


from dashboard import params, views
from pipeline.storage import Filters, Overview, Totals, open_store
from dashboard.sidebar import AREAS, TEXT, TYPES
from pipeline.storage.reader import where

from app_support import ALL, DEFAULTS, run_app, table


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
