"""A realistic events database of any size (1,000,000 by default), for the load and render benches.

How it is made:
  - Templates come from a real pipeline run over the bundled sample articles (data/articles: 15 articles, 230 rows),
    so each synthetic article has the rows one real article had: their roles, event types, place precisions
    (settlement, admin-1, country...), date precisions and bases, and how far each event date lies from the
    article's publication date.
  - Places: 30,000 from the real gazetteer (data/gazetteer.db): settlements of population >= 1,000, the admin-1
    regions and the countries they lie in; a story happens in one country (Zipf-weighted: a few conflicts carry
    most of the news), and each template place becomes a place of the same precision there.
  - 300 sources of Zipf-like sizes; publication dates spread over three years (2023-2025).
  - 35% of articles retell a story another source published in the last days (same places, dates and types, the
    sentence reworded): the reports the pipeline groups into one event.
  - Written through the storage package's `Writer.load_backlog` (a batch per transaction) and grouped once at
    the end by the pipeline's own grouping (pipeline/grouping.py), as the pipeline would group them.

    .venv/bin/python bench/realistic_events.py [--events 1000000] [--out PATH]

Cached under the system temp dir by size and schema version.
"""
from __future__ import annotations

import argparse
import os
import random
import sqlite3
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from stores import rows  # noqa: E402

from pipeline.models import Article, Event  # noqa: E402
from pipeline.storage import open_store  # noqa: E402
from pipeline.storage.writer import EVENT_COLUMNS  # noqa: E402
from pipeline.storage.schema import SCHEMA_VERSION  # noqa: E402

CACHE = Path(tempfile.gettempdir()) / "dateline-bench"
N_PLACES = 30_000
N_SOURCES = 300
FIRST, DAYS = date(2023, 1, 1), 3 * 365
RETOLD = 0.35
RETELL_WITHIN = 300  # a retelling picks one of the stories published just before
BATCH = 2000


def build(n_events: int, seed: int = 17) -> Path:
    path = CACHE / f"realistic-{n_events}-v{SCHEMA_VERSION}.db"
    if path.exists():
        return path
    CACHE.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    templates = _templates()
    places = _places(rng)
    sources = [f"{rng.choice(['Daily', 'Evening', 'Coastal', 'Northern', 'Valley', 'Capital', 'Frontier'])} "
               f"{rng.choice(['Post', 'Ledger', 'Wire', 'Times', 'Courier', 'Gazette', 'Herald'])} {k:03d}"
               for k in range(N_SOURCES)]
    source_weights = [1 / (k + 1) ** 0.9 for k in range(N_SOURCES)]
    tmp = path.with_suffix(".partial")
    for leftover in CACHE.glob(tmp.name + "*"):
        leftover.unlink()
    store = open_store(tmp)
    store.migrate()
    writer = store.writer()
    start = time.perf_counter()
    stories = _stories(rng, n_events, templates, places, sources, source_weights)
    stored = writer.load_backlog(_batches(stories), run_id="realistic")
    writer.close()
    os.replace(tmp, path)
    print(f"{path}: {stored:,} articles in {time.perf_counter() - start:.0f} s", file=sys.stderr)
    return path


def _templates() -> list[list[Event]]:
    """The rows of each sample article, from a real run of the pipeline."""
    with tempfile.TemporaryDirectory() as folder:
        db = str(Path(folder) / "sample.db")
        subprocess.run([sys.executable, "-m", "pipeline", "run", str(ROOT / "data" / "articles"), "--db", db,
                        "--quiet"], cwd=ROOT, check=True, capture_output=True)
        names = ", ".join(f'"{c}"' for c in EVENT_COLUMNS)
        found: dict[str, list[Event]] = {}
        for row in rows(db, f"SELECT {names} FROM events ORDER BY article_id, start_char"):
            values = dict(zip(EVENT_COLUMNS, row))
            values["alternatives"], values["actors"] = (), ()
            found.setdefault(values["article_id"], []).append(Event(**values))
    return [events for events in found.values() if any(e.event_date and e.published_date for e in events)]


def _places(rng: random.Random) -> dict:
    """Places by (country, precision), and countries by weight."""
    with sqlite3.connect(ROOT / "data" / "gazetteer.db") as gazetteer:
        pool = gazetteer.execute(
            "SELECT place_id, geonameid, name, lat, lon, country_code, admin1, feature_code, precision FROM places"
            " WHERE (precision = 'settlement' AND population >= 1000) OR precision IN ('admin1', 'country')"
            " ORDER BY place_id").fetchall()
    settlements = [p for p in pool if p[8] == "settlement"]
    chosen = rng.sample(settlements, N_PLACES - 4000)
    countries = sorted({p[5] for p in chosen})
    chosen += [p for p in pool if p[8] in ("admin1", "country") and p[5] in countries]
    by: dict[tuple[str, str], list] = {}
    for p in chosen:
        by.setdefault((p[5], p[8]), []).append(p)
    ranked = sorted(countries, key=lambda c: -len(by.get((c, "settlement"), [])))
    weights = [1 / (k + 1) ** 1.1 for k in range(len(ranked))]
    return {"by": by, "countries": ranked, "weights": weights}


def _stories(rng, n_events, templates, places, sources, source_weights):
    """(article, events) in publication order until `n_events` rows."""
    made, recent, k = 0, [], 0
    while made < n_events:
        published = FIRST + timedelta(days=min(DAYS - 1, int(DAYS * made / n_events) + rng.randrange(3)))
        source = rng.choices(sources, source_weights)[0]
        article = Article(f"r{k:07d}", f"text of story {k}", f"realistic/{k}.txt", source,
                          f"https://{source.lower().replace(' ', '-')}.example/{k}", f"Story {k}", published,
                          "given", f"hash-{k}")
        if recent and rng.random() < RETOLD:
            events = [replace(e, event_id=f"{article.article_id}-{i}", article_id=article.article_id, source=source,
                              url=article.url, title=article.title, published_date=published.isoformat(),
                              sentence=e.sentence + " officials confirmed")
                      for i, e in enumerate(rng.choice(recent))]
        else:
            events = _told(rng, article, rng.choice(templates), places)
            recent = (recent + [events])[-RETELL_WITHIN:]
        k += 1
        made += len(events)
        yield article, events


def _told(rng, article: Article, template: list[Event], places: dict) -> list[Event]:
    """The template's rows moved to a country of this story's and to its publication date."""
    country = rng.choices(places["countries"], places["weights"])[0]
    moved: dict[str, tuple] = {}
    events = []
    for i, e in enumerate(template):
        if e.place_id not in moved:
            candidates = places["by"].get((country, e.geo_precision)) or places["by"].get((country, "settlement"))
            moved[e.place_id] = rng.choice(candidates) if e.geo_precision != "country" or not candidates \
                else candidates[0]
        pid, gid, name, lat, lon, cc, admin1, fcode, precision = moved[e.place_id]
        shift = (date.fromisoformat(e.event_date) - date.fromisoformat(e.published_date)).days if e.event_date \
            and e.published_date else None
        day = (article.published + timedelta(days=shift)).isoformat() if shift is not None else None
        events.append(replace(e, event_id=f"{article.article_id}-{i}", article_id=article.article_id,
                              source=article.source, url=article.url, title=article.title,
                              published_date=article.published.isoformat(), event_date=day,
                              date_value=day or e.date_value, place_text=name, place_name=name, geonameid=gid,
                              place_id=pid, country_code=cc, admin1=admin1, feature_code=fcode,
                              geo_precision=precision, lat=lat, lon=lon))
    return events


def _batches(stories):
    batch = []
    for story in stories:
        batch.append(story)
        if len(batch) == BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    args = parser.parse_args()
    path = build(args.events)
    counts = rows(str(path), "SELECT COUNT(*), COUNT(DISTINCT group_id), COUNT(DISTINCT place_id),"
                             " COUNT(DISTINCT source), MIN(event_date), MAX(event_date) FROM events")
    print(path, counts[0])


if __name__ == "__main__":
    main()
