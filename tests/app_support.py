"""Helpers of the dashboard tests: the app under AppTest on a database, its tabs and table, the map's data as the
page gets it, and rows added to a fixture's database."""
from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from streamlit.testing.v1 import AppTest

from dashboard.clusters import Area
from dashboard.params import Defaults
from pipeline.storage import Filters, map_rows, open_store
from pipeline.models import Article, Event


APP = str(Path(__file__).resolve().parent.parent / "app.py")
LEGACY = Path(__file__).resolve().parent / "data" / "legacy" / "events-b2a7e5b.db"
PANEL_KEY = "panel"
ALL = Filters(date(2022, 1, 1), date(2022, 12, 31), None, include_country=True)
DEFAULT_VISIBLE = 6  # the fixture's 7 events less its one country-level point
DEFAULTS = Defaults(date(2022, 9, 1), date(2022, 10, 1), ("A", "B", "C"), ("battle", "strike"),
                    ("UA", "UA/Donetska"))


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


WORLD = Area(0, 0, 0, 256, 256)  # the whole world at zoom 0


def all_places(db, filters=ALL, per_place=20):
    with open_store(db).reading() as conn:
        return map_rows.places(conn, filters, per_place)


def add_events(db: Path, article_id: str, source: str, days: list[str], place: str, lat: float, lon: float,
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
