"""The writer of tests/test_concurrency.py: stores articles through the storage package, steadily, for a
given number of seconds, and prints how many it wrote.

Every third write replaces an earlier article (same id, new text, a different number of events), the write
most likely to show a reader a half-written article if the store's transactions were wrong.

    python tests/concurrent_writer.py DB SECONDS
"""
from __future__ import annotations

import sys
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.models import Article, Event  # noqa: E402
from pipeline.storage import open_store  # noqa: E402

SOURCES = ("Harbour Post", "Northern Ledger", "Meridian Wire")
PAUSE = 0.01  # seconds between writes: steady (faster than the real pipeline stores), not a tight loop


def article(n: int, version: int) -> Article:
    return Article(article_id=f"w{n}", text=f"article {n}, version {version}", origin=f"writer:{n}",
                   source=SOURCES[n % len(SOURCES)], url=f"https://wire.example/{n}", title=f"Story {n}",
                   published=date(2022, 9, 1) + timedelta(days=n % 60), text_hash=f"hash-{n}-{version}")


def events(a: Article, version: int, count: int) -> list[Event]:
    day = a.published.isoformat()
    return [Event(
        event_id=f"{a.article_id}-{version}-{j}", article_id=a.article_id, source=a.source, url=a.url,
        title=a.title, published_date=day, published_inferred=False, event_date=day, date_precision="day",
        date_text="Friday", date_basis="relative", date_value=day, place_text=f"Place {j}", place_name=f"Place {j}",
        geonameid=j, place_id=f"geonames:{j}", country_code="UA", admin1=None, feature_code="PPL",
        geo_precision="settlement", lat=48.0 + j / 10, lon=36.0 + j / 10, sentence=f"Something at Place {j}.",
        start_char=j, end_char=j + 7, event_type="battle", confidence=0.9) for j in range(count)]


def main(db: str, seconds: float) -> int:
    writer = open_store(db).writer()
    deadline = time.monotonic() + seconds
    writes = 0
    while time.monotonic() < deadline:
        n, version = (writes // 3, writes) if writes % 3 == 2 else (writes, 0)
        a = article(n, version)
        writer.save_article(a, events(a, version, 1 + writes % 17), [], run_id="writer")
        writes += 1
        time.sleep(PAUSE)
    writer.close()
    return writes


if __name__ == "__main__":
    print(main(sys.argv[1], float(sys.argv[2])))
