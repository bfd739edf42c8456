"""Does storing get slower as the store grows? `pipeline run` of the same new articles into an empty database and
into one that already holds a million events (bench/realistic_events.py), in one run.

The articles are the bundled samples repeated with distinct texts (as in bench/pipeline_throughput.py), dated in
the big store's last months, so their reports meet stored ones when they are grouped. The time is the whole
`run` path in one process with the model loaded once (extraction, grouping, writing).

    .venv/bin/python bench/store_growth.py [--docs 1000] [--events 1000000] [--engines sqlite postgresql]

Prints a table and writes bench/results/store_growth.json.
"""
from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from dataclasses import replace
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from pipeline_throughput import corpus  # noqa: E402
from realistic_events import build  # noqa: E402
from stores import PostgresServer, rows  # noqa: E402

from pipeline.extract import Extractor  # noqa: E402
from pipeline.runner import Runner  # noqa: E402
from pipeline.storage import open_store  # noqa: E402

RESULTS = ROOT / "bench" / "results" / "store_growth.json"
PUBLISHED = date(2025, 11, 20)


def timed_run(db: str, docs, extractor: Extractor) -> float:
    runner = Runner(db, extractor=extractor)
    runner.ingestor.read = lambda paths: iter(docs)
    start = time.perf_counter()
    summary = runner.run(["-"])
    seconds = time.perf_counter() - start
    assert summary.stored == len(docs), summary.line()
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=1000)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--engines", nargs="+", default=["sqlite"], choices=["sqlite", "postgresql"])
    args = parser.parse_args()
    big = build(args.events)
    docs = [replace(a, published=PUBLISHED) for a in corpus(args.docs)]
    extractor = Extractor()
    list(extractor.extract(docs[:20]))  # warm-up: caches, lazy imports
    results = {}
    server = PostgresServer(durable=True).start() if "postgresql" in args.engines else None
    try:
        with tempfile.TemporaryDirectory() as folder:
            for engine in args.engines:
                if engine == "sqlite":
                    empty, full = str(Path(folder) / "empty.db"), str(Path(folder) / "full.db")
                    shutil.copy(big, full)
                else:
                    empty, full = server.new_database(), server.new_database()
                    open_store(full).copy_from(open_store(big))
                [(before,)] = rows(full, "SELECT COUNT(*) FROM events")
                for label, db in (("empty", empty), ("full", full)):
                    seconds = timed_run(db, docs, extractor)
                    results[f"{engine}_{label}"] = {"events_before": 0 if label == "empty" else before,
                                                    "seconds": round(seconds, 2),
                                                    "articles_per_s": round(len(docs) / seconds, 2)}
                results[f"{engine}_full_over_empty"] = round(results[f"{engine}_full"]["articles_per_s"]
                                                             / results[f"{engine}_empty"]["articles_per_s"], 3)
    finally:
        if server:
            server.remove()
    for key, value in results.items():
        print(f"{key:<28} {value}")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps({"documents": len(docs), "results": results}, indent=2))
    print(f"wrote {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
