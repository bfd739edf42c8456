"""A synthetic events database for the render and load benches: events concentrated on 3,000 settlements sampled
from the real gazetteer (data/gazetteer.db, population >= 1,000; Zipf-like weights, so a few places carry many
events), 6 sources of unequal size, dates over 2023, ten events an article. Written through the pipeline's own store
(real schema, SQLite); `on_postgres` copies it into a PostgreSQL database. Cached under the system temp dir by size
and schema version. realistic_events.py makes the other kind, modelled on a real pipeline run.
"""
from __future__ import annotations

import os
import random
import sqlite3
import sys
import tempfile
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from stores import PostgresServer  # noqa: E402

from pipeline.models import Article, Event  # noqa: E402
from pipeline.storage import open_store  # noqa: E402
from pipeline.storage.schema import SCHEMA_VERSION  # noqa: E402

CACHE = Path(tempfile.gettempdir()) / "dateline-bench"
N_PLACES = 3000
SOURCES = {"Harbour Post": 30, "Northern Ledger": 25, "Meridian Wire": 20, "Coastal Times": 12,
           "Valley Courier": 8, "Desert Gazette": 5}
TYPES = ["battle", "strike", "territory", "movement", "protest", "arrest", "diplomacy", "statement", "disaster"]
EVENTS_PER_ARTICLE = 10


def build_db(n_events: int, seed: int = 7) -> Path:
    """An SQLite database of `n_events` synthetic events (cached: the same seed and schema give the same data)."""
    path = CACHE / f"events-{n_events}-v{SCHEMA_VERSION}.db"
    if path.exists():
        return path
    CACHE.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    with sqlite3.connect(ROOT / "data" / "gazetteer.db") as gazetteer:
        pool = gazetteer.execute(
            "SELECT place_id, geonameid, name, lat, lon, country_code, admin1, feature_code FROM places"
            " WHERE precision = 'settlement' AND population >= 1000 ORDER BY place_id").fetchall()
    places = rng.sample(pool, N_PLACES)
    weights = [1 / (rank + 1) ** 0.8 for rank in range(N_PLACES)]
    sources, source_weights = list(SOURCES), list(SOURCES.values())
    first = date(2023, 1, 1)
    tmp = path.with_suffix(".partial")
    for leftover in CACHE.glob(tmp.name + "*"):
        leftover.unlink()
    store = open_store(tmp)
    store.migrate()
    writer = store.writer()
    for a in range(n_events // EVENTS_PER_ARTICLE):
        source = rng.choices(sources, source_weights)[0]
        published = first + timedelta(days=rng.randrange(365))
        article = Article(f"a{a}", f"text {a}", f"a{a}.txt", source, f"https://news.example/{a}",
                          f"Officials report developments in the region, day {a}", published, "given", f"h{a}")
        events = []
        for i in range(EVENTS_PER_ARTICLE):
            pid, gid, name, lat, lon, cc, admin1, fcode = rng.choices(places, weights)[0]
            day = max(first, published - timedelta(days=rng.randrange(5))).isoformat()
            kind = rng.choice(TYPES)
            sentence = (f"Local officials said that {name} saw a {kind} on that day, according to several "
                        f"witnesses who spoke to reporters from {source} on condition of anonymity.")
            events.append(Event(f"a{a}-{i}", article.article_id, source, article.url, article.title,
                                published.isoformat(), False, day, "day", "Monday", "relative", day, name, name,
                                gid, pid, cc, admin1, fcode, "settlement", lat, lon, sentence, 0, len(name),
                                kind, 0.8))
        writer.save_article(article, events, [], run_id="bench")
    writer.close()
    os.replace(tmp, path)
    return path


def on_postgres(path: Path, server: PostgresServer) -> str:
    """The same rows in a new database of `server`: the URL the app is pointed at."""
    url = server.new_database()
    open_store(url).copy_from(open_store(path))
    return url
