"""The dashboard under load: many browser sessions changing filters at once on 100,000 events.

Issue 6 asks whether the app holds up when a team uses it together: no errors, a redraw time people can
live with, and a server that does not grow without bound. This serves the synthetic database of
`bench/app_render.py` (`build_db`, same data) with `streamlit run app.py` on 127.0.0.1 and opens one
headless chromium with one browser context per session (playwright's async API; every request to another
host goes to a closed local port, so nothing leaves the machine). Sessions open the app `--stagger`
seconds apart, as people arrive (all 20 opening at the same instant timed out on a busy 2-core machine),
each recording the time until the map's clusters show ("first load"); then each, for `--duration`
seconds, changes one filter at a time, picked by a seeded RNG per session: removes or re-adds a source
in the sidebar's "Sources", types a word into "Search" and presses Enter (a word that matches nothing
gives "No events match"), clears the search, or flips "Show country-level points". A redraw is timed
from the change until the script run it started has finished and the map's cluster and marker labels
differ from before (or the page says "No events match"). The synthetic events are all settlements, so
the country-level toggle changes no marker: its redraw ends when its run does.

Errors counted, by kind: redraw timeouts, first loads that never showed clusters, uncaught page errors,
Streamlit exception boxes, "database is locked" anywhere in an exception or alert, websockets to the
server that closed while their session was running, and HTTP responses ≥ 500. The server's resident
memory (with any children) is sampled every 0.5 s from /proc.

The browsers and the server share this machine's CPUs (the load average and CPU count at the start are
reported): on a 2-core machine the redraw times include chromium laying out and drawing all the pages,
not only the server's work. Bounded: every wait has `--timeout`, the whole run has a deadline (arrivals
+ first load + duration + one redraw + a margin), and the server is always stopped.

    .venv/bin/python bench/app_load.py [--sessions 20] [--duration 120] [--events 100000] [--timeout 60] [--stagger 2]

Prints a table and writes bench/results/app_load.json.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import random
import statistics
import sys
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path

from playwright.async_api import Error as PlaywrightError
from playwright.async_api import Page, async_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent))

from app_render import CHROMIUM, CHROMIUM_ARGS, DRAWN, MAP_FRAME, ROOT, Server, _rss_mb  # noqa: E402
from synthetic_events import SOURCES, TYPES, build_db  # noqa: E402

RESULTS = ROOT / "bench" / "results" / "app_load.json"
# Chromium never proxies loopback, so this refuses every other host inside the browser itself.
BROWSER_ARGS = CHROMIUM_ARGS + ["--proxy-server=127.0.0.1:9"]
NO_MATCH_WORD = "zeppelin"  # in no synthetic sentence, place or title
SEARCH_WORDS = TYPES[:5] + [NO_MATCH_WORD]
EMPTY_TEXT = "No events match"
MARGIN_S = 30

# Before a change: remember the map's labels and watch the app for the end of a script run.
ARM_JS = """([frameSelector, drawnSelector]) => {
  const app = document.querySelector("[data-testid='stApp']");
  const frame = [...document.querySelectorAll(frameSelector)].pop();
  const doc = frame && frame.contentDocument;
  window.__load = {before: doc ? [...doc.querySelectorAll(drawnSelector)].map(e => e.textContent).join('|') : '',
                   runEnded: false};
  window.__loadObserver?.disconnect();
  window.__loadObserver = new MutationObserver(records => {
    if (records.some(r => r.oldValue === 'running') && app.dataset.testScriptState === 'notRunning')
      window.__load.runEnded = true;
  });
  window.__loadObserver.observe(app, {attributes: true, attributeOldValue: true,
                                      attributeFilter: ['data-test-script-state']});
}"""
# After it: "map", "empty" or "run" once the redraw is complete, else false (polled in the page).
DONE_JS = """([frameSelector, drawnSelector, emptyText, changesMap]) => {
  if (!window.__load.runEnded) return false;
  const alerts = [...document.querySelectorAll("[data-testid='stAlert']")];
  if (alerts.some(e => e.textContent.includes(emptyText))) return 'empty';
  if (!changesMap) return 'run';
  const frame = [...document.querySelectorAll(frameSelector)].pop();
  const doc = frame && frame.contentDocument;
  const now = doc ? [...doc.querySelectorAll(drawnSelector)].map(e => e.textContent).join('|') : '';
  return now !== '' && now !== window.__load.before ? 'map' : false;
}"""
# Text of every exception box and alert on the page, checked after each redraw.
PROBLEMS_JS = """() => [...document.querySelectorAll("[data-testid='stException'], [data-testid='stAlert']")]
  .map(e => [e.dataset.testid, e.textContent])"""


@dataclass
class Session:
    index: int
    first_load_s: float | None = None
    redraws: list[tuple[str, float]] = field(default_factory=list)  # (action, seconds)
    errors: dict[str, int] = field(default_factory=dict)
    error_samples: list[str] = field(default_factory=list)

    def error(self, kind: str, detail: str) -> None:
        self.errors[kind] = self.errors.get(kind, 0) + 1
        if len(self.error_samples) < 5:
            self.error_samples.append(f"{kind}: {detail[:200]}")


async def run_session(browser, url: str, session: Session, duration_s: float, timeout_s: float,
                      stagger_s: float) -> None:
    rng = random.Random(session.index)
    await asyncio.sleep(session.index * stagger_s)
    context = await browser.new_context(viewport={"width": 1400, "height": 1000})
    context.set_default_timeout(timeout_s * 1000)
    page = await context.new_page()
    running = True

    def on_response(response) -> None:
        if response.status >= 500:
            session.error("HTTP >= 500", f"{response.status} {response.url}")

    def on_websocket(websocket) -> None:
        def on_close(_) -> None:
            if running:  # not the close of the context at the end
                session.error("websocket closed", websocket.url)
        websocket.on("close", on_close)

    page.on("pageerror", lambda error: session.error("page error", str(error)))
    page.on("response", on_response)
    page.on("websocket", on_websocket)
    try:
        start = time.monotonic()
        try:
            await page.goto(url, timeout=timeout_s * 1000)
            left_s = max(0.0, timeout_s - (time.monotonic() - start))  # one budget for the whole first load
            await page.frame_locator(MAP_FRAME).locator(DRAWN).first.wait_for(timeout=left_s * 1000)
        except PlaywrightError as error:
            session.error("first load failed", str(error).splitlines()[0])
            return
        session.first_load_s = time.monotonic() - start
        end = time.monotonic() + duration_s
        outcome = "map"
        while time.monotonic() < end:
            try:
                action, changes_map = await change_filter(page, rng, outcome == "empty")
            except PlaywrightError as error:
                session.error("filter change failed", str(error).splitlines()[0])
                outcome = "unknown"
                continue
            start = time.monotonic()
            try:
                outcome = await (await page.wait_for_function(
                    DONE_JS, arg=[MAP_FRAME, DRAWN, EMPTY_TEXT, changes_map], polling=50,
                    timeout=timeout_s * 1000)).json_value()
                session.redraws.append((action, time.monotonic() - start))
            except PlaywrightError as error:
                session.error("redraw timeout", f"{action}: {str(error).splitlines()[0]}")
                outcome = "unknown"
            await check_page(page, session)
    finally:
        running = False
        await context.close()


async def change_filter(page: Page, rng: random.Random, empty: bool) -> tuple[str, bool]:
    """Make one filter change (armed to time it); return its name and whether it changes the map."""
    sidebar = page.locator("[data-testid='stSidebar']")
    sources = sidebar.locator("[data-testid='stMultiSelect']").filter(has_text="Sources")
    search = sidebar.locator("input[aria-label='Search']")
    n_selected = await sources.locator(".react-aria-ComboBox [data-tag]").count()
    text = await search.input_value()
    if empty:  # only the search can empty the map here: clear it
        choices = ["clear search"]
    else:
        choices = ["search", "toggle country-level"] + (["clear search"] if text else [])
        choices += (["remove source"] if n_selected > 1 else []) + (["add source"] if n_selected < len(SOURCES) else [])
    action = rng.choice(choices)
    await page.evaluate(ARM_JS, [MAP_FRAME, DRAWN])
    if action == "remove source":
        await sources.locator("button[aria-label^='Remove ']").nth(rng.randrange(n_selected)).click()
    elif action == "add source":
        await sources.locator("input").click()
        options = page.locator("[role='option']")
        await options.first.wait_for()
        await options.nth(rng.randrange(await options.count())).click()
        await page.keyboard.press("Escape")
    elif action == "toggle country-level":
        await sidebar.locator("[data-testid='stCheckbox']").filter(has_text="Show country-level points").locator("label").click()
    else:
        await search.fill("" if action == "clear search" else rng.choice([w for w in SEARCH_WORDS if w != text]))
        await search.press("Enter")
    return action, action != "toggle country-level"


async def check_page(page: Page, session: Session) -> None:
    for testid, text in await page.evaluate(PROBLEMS_JS):
        if "database is locked" in text:
            session.error("database is locked", text)
        elif testid == "stException":
            session.error("exception box", text)


async def sample_memory(pid: int, samples: list[tuple[float, float]]) -> None:
    """(server RSS MB with children, machine MemAvailable MB) every 0.5 s until cancelled."""
    while True:
        samples.append((_tree_rss_mb(pid), _mem_available_mb()))
        await asyncio.sleep(0.5)


def _tree_rss_mb(pid: int) -> float:
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    return _rss_mb(pid)[0] + sum(_tree_rss_mb(int(child)) for child in children)


def _mem_available_mb() -> float:
    line = next(l for l in Path("/proc/meminfo").read_text().splitlines() if l.startswith("MemAvailable:"))
    return round(int(line.split()[1]) / 1024, 1)


async def run(args) -> dict:
    db = build_db(args.events)
    machine = {"cpus": os.cpu_count(), "load_average_start": os.getloadavg(),
               "mem_available_mb_start": _mem_available_mb()}
    sessions = [Session(i) for i in range(args.sessions)]
    memory: list[tuple[float, float]] = []
    server = Server(ROOT / "app.py", db, args.timeout)
    finished = True
    try:
        sampler = asyncio.create_task(sample_memory(server.process.pid, memory))
        async with async_playwright() as playwright:
            browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=BROWSER_ARGS)
            deadline = args.sessions * args.stagger + args.timeout + args.duration + args.timeout + MARGIN_S
            try:
                await asyncio.wait_for(asyncio.gather(
                    *(run_session(browser, server.url, s, args.duration, args.timeout, args.stagger)
                      for s in sessions)), deadline)
            except asyncio.TimeoutError:
                finished = False
            await browser.close()
        sampler.cancel()
        machine["load_average_end"] = os.getloadavg()
        server_rss = {"peak_mb": max(max(m for m, _ in memory), _rss_mb(server.process.pid)[1]),
                      "final_mb": _tree_rss_mb(server.process.pid)}
    finally:
        server.stop()
    machine["mem_available_mb_min"] = min(a for _, a in memory)
    return _summary(args, sessions, machine, server_rss, finished)


def _summary(args, sessions: list[Session], machine: dict, server_rss: dict, finished: bool) -> dict:
    redraws = [s for session in sessions for _, s in session.redraws]
    by_action: dict[str, list[float]] = {}
    for session in sessions:
        for action, seconds in session.redraws:
            by_action.setdefault(action, []).append(seconds)
    errors = sum((Counter(s.errors) for s in sessions), Counter())
    return {
        "config": {"sessions": args.sessions, "duration_s": args.duration, "events": args.events,
                   "timeout_s": args.timeout, "stagger_s": args.stagger},
        "machine": machine,
        "finished_before_deadline": finished,
        "redraws": len(redraws),
        "errors": dict(errors),
        "error_samples": [sample for s in sessions for sample in s.error_samples][:20],
        "redraw_s": _stats(redraws),
        "redraw_s_by_action": {action: _stats(values) for action, values in sorted(by_action.items())},
        "first_load_s": _stats([s.first_load_s for s in sessions if s.first_load_s is not None]),
        "server_rss_mb": server_rss,
        "sessions": [asdict(s) for s in sessions],
    }


def _stats(values: list[float]) -> dict:
    if not values:
        return {"n": 0, "median": None, "p95": None, "max": None}
    ordered = sorted(values)
    p95 = ordered[math.ceil(0.95 * len(ordered)) - 1]  # nearest rank
    return {"n": len(values), "median": round(statistics.median(values), 2), "p95": round(p95, 2),
            "max": round(ordered[-1], 2)}


def _report(summary: dict) -> None:
    c, m, r, f = summary["config"], summary["machine"], summary["redraw_s"], summary["first_load_s"]
    errors = ", ".join(f"{k} {v}" for k, v in sorted(summary["errors"].items())) or "none"
    rows = [
        ("sessions (opened s apart)", f"{c['sessions']} ({c['stagger_s']:g})"), ("duration s (each, after its first load)", c["duration_s"]),
        ("events", f"{c['events']:,}"), ("redraws done", summary["redraws"]),
        ("errors", f"{sum(summary['errors'].values())} ({errors})"),
        ("redraw s median / p95 / max", f"{_show(r['median'])} / {_show(r['p95'])} / {_show(r['max'])}"),
        ("first load s median / p95", f"{_show(f['median'])} / {_show(f['p95'])} ({f['n']} of {c['sessions']} loaded)"),
        ("server RSS MB peak / final", f"{summary['server_rss_mb']['peak_mb']:.0f} / {summary['server_rss_mb']['final_mb']:.0f}"),
        ("machine: CPUs, load average at start", f"{m['cpus']}, {m['load_average_start'][0]:.2f}"),
        ("machine: least memory available MB", f"{m['mem_available_mb_min']:.0f}"),
        ("finished before the deadline", "yes" if summary["finished_before_deadline"] else "NO (sessions cut off)"),
    ]
    for name, value in rows:
        print(f"{name:<42} {value}")
    for action, stats in summary["redraw_s_by_action"].items():
        print(f"  {action:<40} n {stats['n']:>4}  median {_show(stats['median'])}  p95 {_show(stats['p95'])}")
    for sample in summary["error_samples"][:5]:
        print(f"  error: {sample}")
    print(f"Redraw times include chromium rendering {c['sessions']} pages on the same {m['cpus']} CPUs as the server.")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(summary, indent=2))
    print(f"wrote {RESULTS.relative_to(ROOT)}")


def _show(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--duration", type=float, default=120, help="seconds of filter changes per session")
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--timeout", type=float, default=60, help="seconds for one first load or one redraw")
    parser.add_argument("--stagger", type=float, default=2, help="seconds between one session's opening and the next's")
    _report(asyncio.run(run(parser.parse_args())))


if __name__ == "__main__":
    main()
