"""Take the README's screenshot: the dashboard on the sample articles, offline, with a popup open.

Serves `app.py` on data/events.db (run `make pipeline` first), drives Debian's chromium with every
non-local request refused (so the map shows the offline basemap, as on a network without tiles),
opens a shared link to the example article's events, opens the popup of its newest place and writes
docs/dashboard.png.

    .venv/bin/python docs/make_screenshot.py [--db data/events.db] [--out docs/dashboard.png]
"""
from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
MAP_FRAME = "iframe[title*='st_folium']"


def _serve(db: Path) -> tuple[subprocess.Popen, str]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
         "--server.port", str(port), "--server.address", "127.0.0.1"],
        cwd=ROOT, env={**os.environ, "DATELINE_DB": str(db)}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url + "_stcore/health", timeout=2):
                return process, url
        except OSError:
            time.sleep(0.3)
    process.terminate()
    sys.exit("make_screenshot: streamlit did not start")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=ROOT / "data" / "events.db")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "dashboard.png")
    args = parser.parse_args()
    if not args.db.exists():
        sys.exit(f"make_screenshot: {args.db} does not exist; run `make pipeline` first")
    process, url = _serve(args.db)
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1500, "height": 1000})
            page.route("**/*", lambda route: route.continue_()
                       if urlsplit(route.request.url).hostname == "127.0.0.1" else route.abort())
            page.goto(url + "?source=fox-news")
            frame = page.frame_locator(MAP_FRAME)
            frame.locator(".leaflet-dl-basemap-pane path").first.wait_for(state="attached", timeout=60_000)
            frame.locator(".dl-place").first.click()
            frame.locator(".leaflet-popup-content").wait_for(timeout=10_000)
            page.wait_for_timeout(1000)
            args.out.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(args.out))
            browser.close()
    finally:
        process.terminate()
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
