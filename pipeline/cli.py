"""`python -m pipeline ...`: parses options, calls the library, turns known failures into one-line errors."""
from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict
from datetime import date
from pathlib import Path

from . import config

EXIT_OK, EXIT_REJECTED, EXIT_USAGE, EXIT_FATAL = 0, 1, 2, 3
EPILOG = f"""exit status:
  0  every input was stored or skipped as a duplicate
  1  the run finished, but some inputs were rejected (each reported on its own line)
  2  the command line is wrong
  3  nothing could be processed, or the database failed mid-run (database, gazetteer or model unavailable;
     a database of another schema version); the articles not stored are listed, and a re-run stores them
130  interrupted (Ctrl-C); every article stored until then is kept

stderr has one line per input that was not stored as given:
  rejected: FILE[:LINE]: REASON   not stored (empty, binary, unreadable, malformed, too large...)
  flagged: FILE[:LINE]: NOTE      stored, with undecodable bytes replaced or a bad 'published' ignored
  not stored: FILE[:LINE]: ...    read but not stored: the database went away mid-run
  in doubt: FILE[:LINE]: ...      the database went away while committing it: stored or not, a re-run settles it

limits: files over {config.MAX_FILE_BYTES // 2**20} MiB are rejected unread (split big dumps); an article over
{config.MAX_ARTICLE_CHARS:,} characters is rejected (no news story is that long); publication dates run from
{config.PUBLISHED_RANGE[0]} to {config.PUBLISHED_RANGE[1]}
"""


def _iso_date(value: str) -> date:
    from .published import plausible

    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date (expected YYYY-MM-DD)") from None
    if not plausible(day):
        low, high = config.PUBLISHED_RANGE
        raise argparse.ArgumentTypeError(f"{value!r} is not a publication date (expected {low} to {high})")
    return day


def _positive(value: str) -> int:
    if not value.isdigit() or int(value) < 1:
        raise argparse.ArgumentTypeError(f"{value!r} is not a number of workers (1 or more)")
    return int(value)


DB_HELP = ("events database: an SQLite file (a path or sqlite:///path) or a PostgreSQL server "
           "(postgresql://user:password@host:port/database); default: DATELINE_DB, else data/events.db")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m pipeline", description="Dateline: news articles -> dated, "
                                     "geolocated events.", epilog=EPILOG,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="ingest articles into the events database", epilog=EPILOG,
                         formatter_class=argparse.RawDescriptionHelpFormatter)
    run.add_argument("paths", nargs="+", metavar="PATH", help="files or folders (.txt, .html, .jsonl, .json, .csv)")
    run.add_argument("--db", default=None, help=DB_HELP)
    run.add_argument("--source", help="source name for articles that do not carry one")
    run.add_argument("--published", type=_iso_date, metavar="YYYY-MM-DD",
                     help="publication date for articles that do not carry one")
    run.add_argument("--quiet", action="store_true", help="no progress bar")
    spread = run.add_mutually_exclusive_group()
    spread.add_argument("--workers", type=_positive, metavar="N",
                        help="extract in N local worker processes (Dask); the rows are those of one process")
    spread.add_argument("--scheduler", metavar="tcp://HOST:8786",
                        help="extract on an existing Dask cluster's workers (they need this project and its gazetteer)")
    watch = sub.add_parser("watch", help="poll the sources file's feeds, sitemaps and pages and store new articles")
    watch.add_argument("--sources", default=str(config.SOURCES), help="the sources file (default data/sources.toml)")
    watch.add_argument("--db", default=None, help=DB_HELP)
    watch.add_argument("--once", action="store_true", help="one round, then exit (for cron)")
    feed = sub.add_parser("sample-feed", help="serve the sample articles on 127.0.0.1 as feeds, released over "
                                              "time, and write the sources file that watches them (no internet)")
    feed.add_argument("paths", nargs="*", default=[str(config.ROOT / "data" / "articles")], metavar="PATH",
                      help="articles to serve (default data/articles)")
    feed.add_argument("--port", type=int, default=8765)
    feed.add_argument("--every", default="20s", help="release one more article this often (default 20s)")
    feed.add_argument("--sources-out", default=str(config.ROOT / "data" / "sources-sample.toml"),
                      help="where to write the sources file for `watch` (default data/sources-sample.toml)")
    ext = sub.add_parser("extract", help="run the extraction on a JSON Lines file, without a database")
    ext.add_argument("--input", required=True, help='JSON Lines: {"id", "text", "published"?}')
    ext.add_argument("--output", required=True, help="JSON Lines of places, dates and events per document")
    ext.add_argument("--grammar-roles", action="store_true",
                     help="roles from the grammar alone, without the occurrence model (to fit that model)")
    ext.add_argument("--place-ranker", metavar="JSON", help="the place ranker's weights (default: the pipeline's "
                     "own), or bench/train_place_ranker.py's folds file: each document by the model that held it out")
    mig = sub.add_parser("migrate", help="create the events database's schema or bring it to this version")
    mig.add_argument("--db", default=None, help=DB_HELP)
    cp = sub.add_parser("copy", help="copy every row of one events database into another, empty one "
                                     "(a team moving its SQLite file to PostgreSQL)")
    cp.add_argument("source", help="the database to copy from (a path or a URL)")
    cp.add_argument("target", help="the empty database to copy into (a path or a URL)")
    gaz = sub.add_parser("build-gazetteer", help="build the GeoNames index (once, at set-up)")
    gaz.add_argument("--path", default=str(config.GAZETTEER_DB))
    gaz.add_argument("--force", action="store_true", help="rebuild even when the index is up to date")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    from .distributed import DistributedFailed
    from .gazetteer import GazetteerMissing
    from .ner import ModelMissing
    from .storage import StoreError

    try:
        if args.command == "run":
            return _run(args)
        if args.command == "migrate":
            return _migrate(args)
        if args.command == "watch":
            return _watch(args)
        if args.command == "copy":
            return _copy(args)
        if args.command == "sample-feed":
            return _sample_feed(args)
        if args.command == "extract":
            return _extract(args)
        return _build_gazetteer(args)
    except (GazetteerMissing, ModelMissing, StoreError, DistributedFailed) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_FATAL
    except KeyboardInterrupt:
        print("interrupted; everything stored so far is kept", file=sys.stderr)
        return 130


def _watch(args) -> int:
    """Rounds until SIGTERM or Ctrl-C (the article in flight is finished first), or one with --once."""
    import signal
    import threading

    from .runner import Runner
    from .sources import load
    from .watch import Watcher, when_available

    settings, sources, problems = load(Path(args.sources))
    for line in problems:
        print(f"sources: {line}", file=sys.stderr)
    if not sources:
        print(f"error: {args.sources}: no source to poll", file=sys.stderr)
        return EXIT_FATAL
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    runner = Runner(args.db) if args.once else when_available(lambda: Runner(args.db), stop)
    if runner is None:  # stopped while waiting for the database
        return EXIT_OK
    watcher = Watcher(runner, sources, settings)
    try:
        watcher.run(args.once, stop)
    finally:
        watcher.fetcher.close()
    return EXIT_OK


def _sample_feed(args) -> int:
    """Serve until SIGTERM or Ctrl-C; the sources file is written before the first request can come."""
    import signal
    import threading

    from .sample_feed import SampleSite, samples, server, sources_file, write_sources
    from .sources import duration

    every = duration(args.every)
    if not every:
        print(f"error: --every {args.every!r} is not a duration like \"20s\"", file=sys.stderr)
        return EXIT_USAGE
    found = samples(args.paths)
    if not found:
        print(f"error: no article to serve in {' '.join(args.paths)}", file=sys.stderr)
        return EXIT_FATAL
    base = f"http://127.0.0.1:{args.port}"
    site = SampleSite(found, every, initial=max(1, len(found) // 2))
    try:
        httpd = server(site, args.port)
        write_sources(Path(args.sources_out), sources_file(found, base))
    except OSError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_FATAL
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    print(f"serving {len(found)} sample articles at {base} ({site.initial} now, one more every {every} s); "
          f"watch them with: python -m pipeline watch --sources {args.sources_out}", flush=True)
    while not stop.wait(1.0):
        pass
    httpd.shutdown()
    httpd.server_close()
    return EXIT_OK


def _migrate(args) -> int:
    from .storage import open_store

    store = open_store(args.db)
    print(f"{store.location.shown}: {store.migrate()}")
    return EXIT_OK


def _copy(args) -> int:
    from .storage import open_store

    source, target = open_store(args.source), open_store(args.target)
    if not source.exists:
        print(f"error: {source.location.shown}: no such database", file=sys.stderr)
        return EXIT_FATAL
    rows = target.copy_from(source)
    print(f"copied {rows:,} rows from {source.location.shown} to {target.location.shown}")
    return EXIT_OK


def _run(args) -> int:
    from .runner import Runner

    spread = None
    if args.workers and args.workers > 1 or args.scheduler:
        from .distributed import DistributedExtractor

        spread = DistributedExtractor(args.workers, args.scheduler)
    try:
        runner = Runner(args.db, source=args.source, published=args.published, extractor=spread)
        summary = runner.run(args.paths, progress=not args.quiet)
    finally:
        if spread is not None:
            spread.close()
    for origin, reason in summary.rejected:
        print(f"rejected: {origin}: {reason}", file=sys.stderr)
    for origin, note in summary.flagged:
        print(f"flagged: {origin}: {note}", file=sys.stderr)
    if summary.store_error:
        print(f"error: {summary.store_error}", file=sys.stderr)
        for origin in summary.unstored:
            print(f"not stored: {origin}: the database was unavailable; run again to store it", file=sys.stderr)
        if summary.in_doubt:
            print(f"in doubt: {summary.in_doubt}: the database went away while storing it; run again to store it"
                  " if it was not", file=sys.stderr)
    print(summary.line())
    if summary.store_error:
        return EXIT_FATAL
    return EXIT_REJECTED if summary.rejected else EXIT_OK


def _extract(args) -> int:
    from .extract import Extractor
    from .ingest import source_of
    from .models import Article
    from .published import decide

    src = Path(args.input)
    if not src.is_file():
        print(f"error: {src}: no such file", file=sys.stderr)
        return EXIT_FATAL
    bad = 0

    def articles():
        nonlocal bad
        with open(src, encoding="utf-8", errors="replace") as f:
            for n, line in enumerate(f, 1):
                if not line.strip():
                    continue
                try:
                    record = json.loads(line)
                    text = record["text"]
                    url = record["url"] if isinstance(record.get("url"), str) and record["url"] else None
                    title = record["title"] if isinstance(record.get("title"), str) else None
                    published, basis, _ = decide(record.get("published"), url, None, text)
                    yield Article(article_id=str(record.get("id", n)), text=text, origin=f"{src}:{n}",
                                  source=source_of(record, None, url, src), url=url, title=title, published=published,
                                  published_basis=basis)
                except (ValueError, KeyError, TypeError) as exc:
                    bad += 1
                    print(f"rejected: {src}:{n}: {type(exc).__name__}: {exc}", file=sys.stderr)

    from .occurrence import MODEL_PATH
    from .place_ranker import rankers

    default, by_article = rankers(Path(args.place_ranker)) if args.place_ranker else (None, None)
    extractor = Extractor(occurrence_model=None if args.grammar_roles else MODEL_PATH, place_ranker=default,
                          rankers=by_article)
    count = 0
    with open(args.output, "w", encoding="utf-8") as out:
        for ex in extractor.extract(articles()):
            out.write(json.dumps(extraction_record(ex), ensure_ascii=False) + "\n")
            count += 1
    print(f"extracted {count} documents, {bad} rejected -> {args.output}")
    return EXIT_REJECTED if bad else EXIT_OK


def extraction_record(ex) -> dict:
    """The evaluation format: places, dates and events with offsets into the input text."""
    a = ex.article
    return {
        "id": a.article_id,
        "published": a.published.isoformat() if a.published else None,
        "published_inferred": a.published_inferred,
        "published_basis": a.published_basis,
        "places": [
            {"start": m.start, "end": m.end, "text": m.text, "lat": m.place.lat, "lon": m.place.lon,
             "geonameid": m.place.geonameid, "name": m.place.name, "country_code": m.place.country_code,
             "feature_code": m.place.feature_code, "geo_precision": m.place.precision, "role": m.role,
             "cues": dict(m.cues)}
            if m.place else
            {"start": m.start, "end": m.end, "text": m.text, "lat": None, "lon": None, "geonameid": None,
             "name": None, "country_code": None, "feature_code": None, "geo_precision": None, "role": m.role}
            for m in ex.places
        ],
        "dates": [{"start": d.start, "end": d.end, "text": d.text, "value": d.value, "precision": d.precision}
                  for d in ex.dates],
        "events": [{**asdict(e), "alternatives": list(e.alternatives), "actors": list(e.actors)} for e in ex.events],
    }


def _build_gazetteer(args) -> int:
    from .gazetteer import Gazetteer, GazetteerMissing
    from .gazetteer_build import build

    path = Path(args.path)
    if not args.force:
        try:
            Gazetteer(path)
            print(f"gazetteer up to date: {path}")
            return EXIT_OK
        except GazetteerMissing:
            pass
    counts = build(path)
    print(f"gazetteer built: {path} ({', '.join(f'{v:,} {k}' for k, v in sorted(counts.items()))})")
    return EXIT_OK
