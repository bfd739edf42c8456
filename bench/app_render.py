"""How fast the dashboard draws at 1,000, 10,000 and 100,000 events, on SQLite and on PostgreSQL, next to the old
one-marker-per-event map.

Builds synthetic events databases (bench/synthetic_events.py: 3,000 settlements of the real gazetteer, 6 sources,
2023; copied with `Store.copy_from` into a PostgreSQL database of a throwaway cluster on 127.0.0.1 for that engine). Serves each
with `streamlit run app.py` on 127.0.0.1 and drives Debian's chromium (playwright; every non-local
request refused) to measure: navigation until the map's clusters show; a filter change until the map
shows the new clusters, twice: one source removed in the sidebar (a view no one has asked for yet, so
nothing of it is cached: a different source each measurement), then the same source added back (the
default view again, which the page load has just cached); bytes the page received (HTTP and the
websocket that carries the map to its iframe, as sent: binary frames are counted decoded); the server's
resident memory. The old approach, one
marker per event with folium's FastMarkerCluster, is measured on the 100,000-event SQLite data for comparison.

    .venv/bin/python bench/app_render.py [--sizes 1000 10000 100000] [--engines sqlite postgresql]
                                         [--timeout 120] [--repeat 3] [--no-legacy] [--data realistic]

Each figure is the median of --repeat measurements on a warm server (after one warm-up visit: imports
done, the default view cached), as a colleague opening the shared link finds it.

Prints a table and writes bench/results/app_render.json. Databases are cached under the system temp dir.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import closing
from dataclasses import asdict, dataclass
from pathlib import Path
from urllib.parse import urlsplit

from playwright.sync_api import Error, sync_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

sys.path.insert(0, str(ROOT / "tests"))

from stores import ENGINES, PostgresServer, _free_port  # noqa: E402  (the tests' throwaway cluster: initdb, pg_ctl on 127.0.0.1)

from synthetic_events import build_db, on_postgres  # noqa: E402

RESULTS = ROOT / "bench" / "results" / "app_render.json"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
MAP_FRAME = "iframe[title*='st_folium']"
DRAWN = ".dl-cluster, .dl-place"  # not .leaflet-marker-icon: the basemap's country names are icons too
SETTLE_S = 2.0

# The old map: every matching event as one point of a FastMarkerCluster, same filter widget, local assets.
LEGACY_APP = '''
import os, sqlite3, sys
import folium, streamlit as st
from folium.plugins import FastMarkerCluster
from streamlit_folium import st_folium
sys.path.insert(0, {root!r})
from dashboard import assets
from dashboard.map import tile_layer
assets.use_local_assets()
path = os.environ["DATELINE_DB"]
conn = sqlite3.connect(f"file:{{path}}?mode=ro", uri=True)
names = [r[0] for r in conn.execute("SELECT DISTINCT source FROM events ORDER BY source")]
chosen = st.sidebar.multiselect("Sources", names, default=names)
marks = ", ".join("?" for _ in chosen) or "NULL"
points = conn.execute(f"SELECT lat, lon FROM events WHERE source IN ({{marks}})", chosen).fetchall()
fmap = folium.Map(location=(20, 10), zoom_start=2, tiles=None)
tile_layer().add_to(fmap)  # the same (refused) tiles as the app; it also gives the map its maxZoom
# The default callback needs Font Awesome markers (a CDN plugin the app does not serve): plain circles.
callback = "function (row) {{ return L.circleMarker(new L.LatLng(row[0], row[1]), {{radius: 6}}); }}"
FastMarkerCluster([list(p) for p in points], callback=callback).add_to(fmap)
st_folium(fmap, key="map", height=560, use_container_width=True, returned_objects=[])
'''


@dataclass
class Result:
    approach: str
    engine: str
    events: int
    places: int
    to_clusters_s: float | None
    filter_redraw_s: float | None  # to a view not cached yet
    cached_redraw_s: float | None  # back to the view the page opened with
    http_bytes: int
    websocket_bytes: int
    server_rss_mb: float
    server_peak_rss_mb: float


def _rss_mb(*pids: int) -> tuple[float, float]:
    """(VmRSS, VmHWM) of the processes `pids` together, in MB, from /proc (a process gone counts nothing)."""
    total = [0.0, 0.0]
    for pid in pids:
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        for i, key in enumerate(("VmRSS", "VmHWM")):
            total[i] += int(fields.get(key, "0").split()[0]) / 1024  # a killed process not yet reaped has none
    return round(total[0], 1), round(total[1], 1)


class Server:
    """`streamlit run script` on a free local port, reading `db`; with `workers`, the app as `make serve` runs it:
    that many Streamlit processes behind Caddy (which compresses what it sends and serves the static files)."""

    def __init__(self, script: Path, db: str, timeout: float, cwd: Path = ROOT, workers: int = 0):
        self.port = _free_port()
        env = {**os.environ, "DATELINE_DB": str(db)}
        env.pop("DATELINE_TILES", None)
        command = ([sys.executable, "-m", "dashboard.serve", "--workers", str(workers), "--port", str(self.port)]
                   if workers else
                   [sys.executable, "-m", "streamlit", "run", str(script), "--server.headless", "true",
                    "--server.port", str(self.port), "--server.address", "127.0.0.1"])
        self.process = subprocess.Popen(
            [*command, "--server.enableStaticServing", "true", "--browser.gatherUsageStats", "false"],
            cwd=cwd, env=env, stdout=subprocess.PIPE if workers else subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            text=True)
        self.pids = {} if workers else {"": self.process.pid}  # the Streamlit processes by address, for memory
        while len(self.pids) < workers and (line := self.process.stdout.readline()):
            if found := re.match(r"worker (\S+) pid (\d+)", line):
                self.pids[found[1]] = int(found[2])
        self.url = f"http://127.0.0.1:{self.port}/"
        deadline = time.monotonic() + timeout
        while True:
            try:
                with urllib.request.urlopen(self.url + "_stcore/health", timeout=2) as response:
                    if response.read() == b"ok":
                        return
            except OSError:
                pass
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"streamlit did not start for {script}")
            time.sleep(0.3)

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def measure(browser, server: Server, approach: str, engine: str, n_events: int, n_places: int, timeout_s: float,
            run: int = 0) -> Result:
    """One visit: load, then remove the `run`-th source (uncached view), then add it back (cached view)."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.route("**/*", lambda route: route.continue_() if urlsplit(route.request.url).hostname == "127.0.0.1"
               else route.abort())
    received = {"http": 0, "ws": 0}
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.on("Network.loadingFinished", lambda e: received.__setitem__("http", received["http"] + e["encodedDataLength"]))
    cdp.on("Network.webSocketFrameReceived",
           lambda e: received.__setitem__("ws", received["ws"] + _frame_bytes(e["response"])))
    timeout_ms = timeout_s * 1000
    to_clusters = redraw = cached = None
    try:
        start = time.monotonic()
        page.goto(server.url)
        page.frame_locator(MAP_FRAME).locator(DRAWN).first.wait_for(timeout=timeout_ms)
        to_clusters = time.monotonic() - start
        page.wait_for_timeout(3000)  # let the rest of the page settle (the map reports its viewport) first
        sources = page.locator("[data-testid='stSidebar'] button[aria-label^='Remove ']")
        name = sources.nth(run % sources.count()).get_attribute("aria-label").removeprefix("Remove ")
        _mark_view(page)
        start = time.monotonic()
        sources.nth(run % sources.count()).click()
        redraw = _until_redrawn(page, start, timeout_s)
        page.wait_for_timeout(1500)
        search = page.locator("[data-testid='stSidebar'] [data-testid='stMultiSelect'] input").first
        search.click()
        search.fill(name.rsplit(" (", 1)[0])
        _mark_view(page)
        start = time.monotonic()
        search.press("Enter")
        cached = _until_redrawn(page, start, timeout_s)
        page.wait_for_timeout(500)
    except Exception as error:  # a timeout is a result too: recorded as None
        print(f"  {approach} {n_events:,}: {type(error).__name__}: {str(error).splitlines()[0]}", file=sys.stderr)
    finally:
        rss, peak = _rss_mb(*server.pids.values())
        context.close()
    return Result(approach, engine, n_events, n_places, _round(to_clusters), _round(redraw), _round(cached), received["http"],
                  received["ws"], rss, peak)


def _mark_view(page) -> None:
    """Remember the view the map shows now, to tell when the next one is drawn."""
    _in_map(page, "() => { window.dlMark = window.dlView; }")


def _until_redrawn(page, start: float, timeout_s: float) -> float | None:
    """Seconds from `start` until the map shows a view other than the marked one, with markers, or None. (Its
    labels may not change: a group's "27k" stays "27k" without a small source.)"""
    while time.monotonic() < start + timeout_s:
        if _in_map(page, f"() => !!window.dlView && window.dlView !== window.dlMark && "
                         f"document.querySelectorAll({json.dumps(DRAWN)}).length > 0"):
            return time.monotonic() - start
        page.wait_for_timeout(25)
    return None


def _in_map(page, script: str):
    """`script`'s value in the newest map frame; None while there is none (a redraw may replace the frame)."""
    try:
        frame = page.locator(MAP_FRAME).last.element_handle(timeout=1000).content_frame()
        return None if frame is None else frame.evaluate(script)
    except Error:  # the frame went away while being read
        return None


def _frame_bytes(response: dict) -> int:
    """A websocket frame's size as sent: CDP gives binary frames (opcode 2) base64-encoded."""
    payload = response["payloadData"]
    if response.get("opcode") == 2:
        return len(payload) * 3 // 4 - payload[-2:].count("=")
    return len(payload.encode())


def _median(runs: list[Result]) -> Result:
    """Each figure's median over the runs (timings, bytes and memory alike); a timeout counts as slowest."""
    def middle(values):
        ordered = sorted(values, key=lambda v: float("inf") if v is None else v)
        return ordered[len(ordered) // 2]
    first = runs[0]
    return Result(first.approach, first.engine, first.events, first.places,
                  *(middle([getattr(r, f) for r in runs]) for f in
                    ("to_clusters_s", "filter_redraw_s", "cached_redraw_s", "http_bytes", "websocket_bytes", "server_rss_mb",
                     "server_peak_rss_mb")))


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def _n_places(db: Path) -> int:
    """Read-only: a writable connection's close would delete the WAL file, and so change the database's
    state that the app's caches are keyed on."""
    with closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True)) as conn:
        return conn.execute("SELECT COUNT(*) FROM (SELECT DISTINCT place_id, lat, lon FROM events)").fetchone()[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10_000, 100_000])
    parser.add_argument("--engines", nargs="+", choices=ENGINES, default=list(ENGINES))
    parser.add_argument("--timeout", type=float, default=120, help="seconds per measurement")
    parser.add_argument("--repeat", type=int, default=3, help="measurements per size after the warm-up (median)")
    parser.add_argument("--no-legacy", action="store_true", help="skip the old one-marker-per-event map")
    parser.add_argument("--proxy", action="store_true", help="serve the app as `make serve` does (behind Caddy)")
    parser.add_argument("--data", choices=("synthetic", "realistic"), default="synthetic",
                        help="realistic: bench/realistic_events.py (30,000 places, 300 sources, three years)")
    args = parser.parse_args()
    if args.data == "realistic":
        from realistic_events import build
    else:
        build = build_db
    results: list[Result] = []
    postgres = PostgresServer().start() if "postgresql" in args.engines else None
    try:
        with sync_playwright() as playwright, tempfile.TemporaryDirectory() as legacy_dir:
            legacy = Path(legacy_dir) / "legacy_app.py"
            legacy.write_text(LEGACY_APP.format(root=str(ROOT)))
            (Path(legacy_dir) / "static").symlink_to(ROOT / "static")  # served beside the script, as for app.py
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            runs = [("places", engine, ROOT / "app.py", n) for n in args.sizes for engine in args.engines]
            if not args.no_legacy:
                runs.append(("per-event FastMarkerCluster", "sqlite", legacy, max(args.sizes)))
            for approach, engine, script, n in runs:
                t = time.monotonic()
                path = build(n)
                db = on_postgres(path, postgres) if engine == "postgresql" else str(path)
                print(f"{approach} {engine} {n:,}: database ready in {time.monotonic() - t:.1f} s", file=sys.stderr)
                results.append(_measure_all(browser, Server(script, db, args.timeout, workers=1 if args.proxy else 0), approach, engine, n,
                                            _n_places(path), args))
            browser.close()
    finally:
        if postgres:
            postgres.remove()
    _report(results)


def _measure_all(browser, server: Server, approach: str, engine: str, n: int, n_places: int, args) -> Result:
    """The median of --repeat visits after a warm-up visit (imports, first compile, the default view cached)."""
    try:
        measure(browser, server, approach, engine, n, n_places, args.timeout)
        runs = []
        for run in range(1, args.repeat + 1):
            time.sleep(SETTLE_S)  # let the server finish the previous session's reruns
            runs.append(measure(browser, server, approach, engine, n, n_places, args.timeout, run))
            print(f"  {approach} {engine} {n:,}: clusters {_show(runs[-1].to_clusters_s)} s, "
                  f"filter {_show(runs[-1].filter_redraw_s)} s, cached {_show(runs[-1].cached_redraw_s)} s",
                  file=sys.stderr)
        return _median(runs)
    finally:
        server.stop()


TIMES = ("to_clusters_s", "filter_redraw_s", "cached_redraw_s")


def _report(results: list[Result]) -> None:
    header = f"{'approach':<29} {'engine':<10} {'events':>8} {'places':>7} {'clusters s':>10} {'filter s':>9} " \
             f"{'cached s':>9} {'HTTP MB':>8} {'WS MB':>7} {'RSS MB':>7} {'peak MB':>8}"
    print(header)
    for r in results:
        print(f"{r.approach:<29} {r.engine:<10} {r.events:>8,} {r.places:>7,} {_show(r.to_clusters_s):>10} "
              f"{_show(r.filter_redraw_s):>9} {_show(r.cached_redraw_s):>9} {r.http_bytes / 1e6:>8.2f} "
              f"{r.websocket_bytes / 1e6:>7.2f} {r.server_rss_mb:>7.0f} {r.server_peak_rss_mb:>8.0f}")
    find = {(r.approach, r.engine, r.events): r for r in results}
    largest = max(r.events for r in results)
    old, new = find.get(("per-event FastMarkerCluster", "sqlite", largest)), find.get(("places", "sqlite", largest))
    old_over_new = _ratios(old, new, (*TIMES, "websocket_bytes", "server_peak_rss_mb"))
    if old_over_new:
        print(f"old / new at {largest:,} events: {old_over_new}")
    postgres_over_sqlite = {n: _ratios(find.get(("places", "postgresql", n)), find.get(("places", "sqlite", n)), TIMES)
                            for n in sorted({r.events for r in results})}
    postgres_over_sqlite = {n: ratios for n, ratios in postgres_over_sqlite.items() if ratios}
    for n, ratios in postgres_over_sqlite.items():
        print(f"postgresql / sqlite at {n:,} events: {ratios}")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps({"results": [asdict(r) for r in results], "old_over_new": old_over_new,
                                   "postgresql_over_sqlite": postgres_over_sqlite}, indent=2))
    print(f"wrote {RESULTS.relative_to(ROOT)}")


def _ratios(a: Result | None, b: Result | None, names: tuple[str, ...]) -> dict[str, float | None]:
    if a is None or b is None:
        return {}
    return {f: round(getattr(a, f) / getattr(b, f), 2) if getattr(a, f) and getattr(b, f) else None for f in names}


def _show(value: float | None) -> str:
    return "timeout" if value is None else f"{value:.2f}"


if __name__ == "__main__":
    main()
