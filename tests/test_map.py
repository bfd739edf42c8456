"""The map: one marker per place, its shape, popups, escaping of everything an article brings, tiles and local
assets."""
from __future__ import annotations

import json
import re
from datetime import date
from html import escape

import folium
import pytest
from folium.plugins import MarkerCluster

from dashboard import assets
from dashboard.map import OSM_TILES, base_map, events_layer, map_data, map_view, safe_url, tile_layer
from dashboard.views import details_html, highlight
from pipeline.storage import Filters, open_store

from app_support import WORLD, add_events, all_places, run_app


# --- the map -------------------------------------------------------------------------------------


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
    add_events(db, "tpl", "Harbour Post", ["2022-09-03"], "{{ 7*7 }} {% raw %}", 10.0, 20.0)
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


def test_a_place_with_three_events_is_one_marker_listing_them_newest_first(fresh_events_db, monkeypatch):
    add_events(fresh_events_db, "tri", "Harbour Post", ["2022-09-03", "2022-09-21", "2022-09-12"], "Triville",
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
        add_events(db, f"a{n}", f"Source {n % 3}", [days[(n + i) % len(days)] for i in range(200)], f"P{n}",
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
