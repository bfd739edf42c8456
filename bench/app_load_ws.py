"""The dashboard's server under load, without browsers: N websocket clients opening filtered views at once.

bench/app_load.py drives real chromium pages, but on this 2-CPU machine 20 renderers starve the server and
themselves. Here each client speaks Streamlit's own protocol (protobuf over the websocket, as the page does):
it connects, asks for a script run with a shared link's query string (a random filter: a source, a search
word, an event type, a country, country-level points), and times the run until the server reports it
finished, having built everything the page would show (map included). Then it does it again, for the
duration. Errors: connection failures, runs that do not finish within the timeout, exception elements or error
boxes in the page (a database the app cannot read), runs that end in error. The server's peak resident memory
comes from the kernel (VmHWM).

    .venv/bin/python bench/app_load_ws.py [--clients 20] [--duration 120] [--events 100000] [--timeout 60]
                                          [--before CHECKOUT] [--engine sqlite|postgresql]
                                          [--data synthetic|realistic] [--writing]

--data realistic reads bench/realistic_events.py's database (30,000 places, 300 sources, three years) instead of
app_render.py's synthetic one (3,000 places, 6 sources, one year), which the issue's first figures used.

--before names a checkout of older code (`git worktree add /tmp/before COMMIT`): the same load runs against its
app first, on the same data, so the two figures come from one run. Each app gets one warm-up view first (its
caches and, for the current code, its in-memory columns), as a colleague opening the shared link finds it.
On PostgreSQL the data is copied into a database of a throwaway cluster on 127.0.0.1.

--workers N serves the app as `make serve WORKERS=N` does (N Streamlit processes behind Caddy; each view is a new
connection, so new readers spread over them); --kill-one-at S then SIGKILLs one of them S seconds in: the views
in flight on it are counted apart ("cut by the kill": their readers' pages reconnect to another process), and
every other view must go on without error.

--writing runs `python -m pipeline run` on new articles into (a copy of) the database during the load, as fast as
the store takes them: every page must keep working while the data changes under it.

Prints a table and writes bench/results/app_load_ws.json.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import shutil
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import Counter
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import websockets
from streamlit.proto.Alert_pb2 import Alert
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

sys.path.insert(0, str(Path(__file__).resolve().parent))
from app_render import ROOT, Server, _rss_mb  # noqa: E402
from synthetic_events import build_db, on_postgres  # noqa: E402
from dashboard.serve import STICKY_COOKIE, WORKER_HEADER  # noqa: E402
from pipeline_throughput import corpus  # noqa: E402
from stores import PostgresServer, rows  # noqa: E402

import realistic_events  # noqa: E402

RESULTS = ROOT / "bench" / "results" / "app_load_ws.json"
WORDS = ("officials", "arrest", "reporters", "witnesses", "saw", "anonymity")


def views(db: Path) -> list[str]:
    """Query strings a colleague might share: one filter each, drawn from the data itself."""
    with sqlite3.connect(db) as conn:
        sources = [r[0] for r in conn.execute("SELECT DISTINCT source FROM events")]
        types = [r[0] for r in conn.execute("SELECT DISTINCT event_type FROM events")]
        countries = [r[0] for r in conn.execute(
            "SELECT country_code FROM events GROUP BY 1 ORDER BY COUNT(*) DESC LIMIT 10")]
    return ([urlencode({"source": s}) for s in sources] + [urlencode({"q": w}) for w in WORDS]
            + [urlencode({"type": t}) for t in types] + [urlencode({"area": c}) for c in countries]
            + ["country=1", ""])


async def one_view(url: str, query: str, timeout: float) -> tuple[float | None, str | None, str]:
    """Seconds for one script run of the view, or None and what went wrong; and the worker that served it (behind
    the proxy)."""
    parts = urlsplit(url)
    start, worker = time.monotonic(), ""
    try:
        async with websockets.connect(f"ws://{parts.netloc}/_stcore/stream", subprotocols=["streamlit"],
                                      max_size=None, origin=f"http://{parts.netloc}") as ws:
            worker = _sticky(ws.response.headers.get_all("Set-Cookie"))  # Caddy's cookie names the worker
            request = BackMsg()
            request.rerun_script.query_string = query
            await ws.send(request.SerializeToString())
            await asyncio.wait_for(_until_finished(ws), timeout)
            return time.monotonic() - start, None, worker
    except asyncio.TimeoutError:
        return None, "run not finished in time", worker
    except (OSError, websockets.WebSocketException) as error:
        return None, f"connection: {type(error).__name__}", worker
    except RunFailed as error:
        return None, str(error), worker


class RunFailed(Exception):
    """The page showed an exception, or the run ended in error."""


async def _until_finished(ws) -> bool:
    async for raw in ws:
        msg = ForwardMsg()
        msg.ParseFromString(raw)
        kind = msg.WhichOneof("type")
        element = msg.delta.new_element if kind == "delta" and msg.delta.WhichOneof("type") == "new_element" else None
        if element is not None and element.WhichOneof("type") == "exception":
            raise RunFailed(f"exception in the page: {element.exception.message[:80]}")
        if element is not None and element.WhichOneof("type") == "alert" and element.alert.format == Alert.ERROR:
            raise RunFailed(f"error in the page: {element.alert.body[:80]}")  # e.g. a database it cannot read
        if kind == "script_finished":
            if msg.script_finished != ForwardMsg.FINISHED_SUCCESSFULLY:
                raise RunFailed(f"run ended with status {msg.script_finished}")
            return True
    raise RunFailed("connection closed before the run finished")


async def client(url: str, choices: list[str], deadline: float, timeout: float, seed: int, views: list) -> None:
    """Views one after another until `deadline`, each as (start, seconds or None, error or None, worker)."""
    rng = random.Random(seed)
    while time.monotonic() < deadline:
        start = time.monotonic()
        views.append((start, *await one_view(url, rng.choice(choices), timeout)))


async def kill_one(server: Server, at: float, killed: dict) -> None:
    """SIGKILL one Streamlit process behind the proxy at time `at`, as a crash would."""
    cookies = _sticky_cookies(server)
    await asyncio.sleep(max(0.0, at - time.monotonic()))
    worker, pid = next(iter(server.pids.items()))
    killed["peak_rss_mb"] = _rss_mb(*server.pids.values())[1]  # every worker's peak so far, the doomed one's too
    os.kill(pid, signal.SIGKILL)
    killed.update(worker=cookies[worker], at=time.monotonic())


def _sticky(cookies: list[str] | None) -> str:
    return next((c.split(";")[0] for c in cookies or () if c.startswith(STICKY_COOKIE + "=")), "")


def _sticky_cookies(server: Server) -> dict[str, str]:
    """Each worker's sticky cookie (Caddy names the worker of a page, not of a websocket handshake)."""
    found: dict[str, str] = {}
    for _ in range(100):
        with urllib.request.urlopen(server.url, timeout=10) as response:
            found[response.headers[WORKER_HEADER]] = _sticky(response.headers.get_all("Set-Cookie"))
        if len(found) == len(server.pids):
            return found
    raise RuntimeError("the proxy sent every page to the same worker")


def load(app: Path, db: str, choices: list[str], args) -> dict:
    """`args.clients` websocket clients asking `app` for views over `args.duration` seconds; with --writing, a
    `pipeline run` process writes new articles into `db` meanwhile, as fast as the store takes them; with
    --kill-one-at, one of the --workers is killed that many seconds in."""
    server = Server(app, db, args.timeout, cwd=app.parent, workers=args.workers)
    views: list[tuple[float, float | None, str | None, str]] = []
    killed: dict = {}
    writer, written = None, {}
    try:
        for _ in server.pids:  # a warm-up view per worker (new connections spread over them)
            warm, error, _ = asyncio.run(one_view(server.url, "", args.timeout * 5))
        if args.writing:
            written["before"] = _articles(db)
            writer = subprocess.Popen([sys.executable, "-m", "pipeline", "run", str(_new_articles()), "--db", db,
                                       "--quiet"], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                      text=True)
        deadline = time.monotonic() + args.duration

        async def run_all():
            tasks = [client(server.url, choices, deadline, args.timeout, seed, views) for seed in range(args.clients)]
            if args.kill_one_at is not None:
                tasks.append(kill_one(server, time.monotonic() + args.kill_one_at, killed))
            await asyncio.gather(*tasks)

        asyncio.run(asyncio.wait_for(run_all(), args.duration + args.timeout + 30))
        final, peak = _rss_mb(*server.pids.values())  # the kernel keeps each one's peak (VmHWM)
        peak = max(peak, killed.get("peak_rss_mb", 0))
    finally:
        server.stop()
        if writer is not None:
            writer.terminate()
            _, err = writer.communicate(timeout=60)
            written["articles_written"] = _articles(db) - written.pop("before")
            written["writer_errors"] = [line for line in err.splitlines() if line.startswith("error:")]
    return {**written, "app": str(app), "workers": args.workers, "first_view_s": round(warm, 2) if warm else error,
            **_figures(views, killed), "server_peak_rss_mb": round(peak), "server_final_rss_mb": round(final)}


def _figures(views: list, killed: dict) -> dict:
    """Runs, errors and times; with a worker killed, the views it cut (in flight on it when it died) apart from the
    rest, and how the views after the kill went."""
    cut = [v for v in views if killed and v[2] and v[3] == killed["worker"] and v[0] < killed["at"]]
    begun = min((v[0] for v in views), default=0.0)
    errors = Counter(v[2] for v in views if v[2] and v not in cut)
    ordered = sorted(v[1] for v in views if v[1] is not None)
    figures = {
        "runs": len(ordered), "errors": sum(errors.values()), "errors_by_kind": dict(errors),
        "median_s": round(statistics.median(ordered), 2) if ordered else None,
        "p95_s": round(ordered[int(0.95 * (len(ordered) - 1))], 2) if ordered else None,
        "max_s": round(ordered[-1], 2) if ordered else None,
        "errors_began_at_s": [round(v[0] - begun, 1) for v in views if v[2] and v not in cut],
    }
    if killed:
        after = [v for v in views if v[0] >= killed["at"]]
        figures.update(views_cut_by_the_kill=len(cut),
                       views_after_the_kill=len(after), errors_after_the_kill=sum(1 for v in after if v[2]))
    return figures


def _articles(db: str) -> int:
    return rows(db, "SELECT COUNT(*) FROM articles WHERE status = 'stored'")[0][0]


def _new_articles(n: int = 5000) -> Path:
    """Articles no database holds yet (the samples repeated with distinct texts), dated in the data's last days."""
    path = Path(tempfile.gettempdir()) / f"dateline-bench-new-{n}.jsonl"
    if not path.exists():
        path.write_text("".join(json.dumps({"text": a.text, "source": a.source, "title": a.title,
                                            "published": "2025-12-20"}) + "\n" for a in corpus(n)))
    return path


def _copy(path: Path, args, postgres) -> str:
    """The database an app reads: the built one, or a copy of it when the run writes into it."""
    if postgres:
        return on_postgres(path, postgres)
    if not args.writing:
        return str(path)
    copy = Path(tempfile.mkdtemp(prefix="dateline-load-")) / path.name
    shutil.copy(path, copy)
    return str(copy)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--duration", type=float, default=120)
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--timeout", type=float, default=60, help="seconds for one script run")
    parser.add_argument("--before", type=Path, help="a checkout of older code to load first, on the same data")
    parser.add_argument("--engine", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--data", choices=("synthetic", "realistic"), default="synthetic")
    parser.add_argument("--writing", action="store_true", help="a pipeline writes new articles during the load")
    parser.add_argument("--workers", type=int, default=0,
                        help="serve the app as `make serve WORKERS=N` does (N processes behind Caddy); 0: one, direct")
    parser.add_argument("--kill-one-at", type=float, help="SIGKILL one worker this many seconds into the load")
    args = parser.parse_args()
    path = build_db(args.events) if args.data == "synthetic" else realistic_events.build(args.events)
    choices = views(path)
    apps = ([args.before.resolve() / "app.py"] if args.before else []) + [ROOT / "app.py"]
    postgres = PostgresServer().start() if args.engine == "postgresql" else None
    try:
        results = [load(app, _copy(path, args, postgres), choices, args) for app in apps]
    finally:
        if postgres:
            postgres.remove()
    summary = {"clients": args.clients, "duration_s": args.duration, "events": args.events, "engine": args.engine,
               "data": args.data, "writing": args.writing,
               "results": results}
    for key in results[0]:
        print(f"{key:<22}" + "".join(f"{str(r.get(key, '')):>40}" for r in results))
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(summary, indent=2))
    print(f"wrote {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
