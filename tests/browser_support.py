"""Real-browser plumbing shared by the browser tests: `streamlit run app.py` in a subprocess, and
Debian's chromium (driven by playwright) on pages that may reach 127.0.0.1 only."""
from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from dashboard.serve import free_port

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
LOCAL_HOSTS = {"127.0.0.1", "localhost"}
MAP_FRAME = "iframe[title*='st_folium']"
MARKERS = ".dl-cluster, .dl-place"


@contextmanager
def streamlit_app(db: Path, env: dict[str, str] | None = None, args: tuple[str, ...] = (), port: int | None = None):
    """The app served on `db` (with extra environment and command-line options); yields its URL."""
    port = port or free_port()
    environment = {**os.environ, "DATELINE_DB": str(db), **(env or {})}
    environment.pop("DATELINE_TILES", None)  # the default: no tile server, nothing asked of a third party
    if "DATELINE_PASSWORD_HASH" not in (env or {}):
        environment.pop("DATELINE_PASSWORD_HASH", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
         "--server.port", str(port), "--server.address", "127.0.0.1", *args],
        cwd=ROOT, env=environment, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(url + "_stcore/health", timeout=2) as response:
                    if response.read() == b"ok":
                        break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"streamlit did not start:\n{process.stdout.read().decode(errors='replace')[-3000:]}")
            time.sleep(0.3)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        process.stdout.close()


def local_page(browser, url: str):
    """A new page on `url` that may reach 127.0.0.1 only; `page.requests` and `page.dialogs` record what
    it asked for and any alert()/confirm() that fired."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.requests, page.dialogs = [], []
    page.on("request", lambda request: page.requests.append((request.resource_type, request.url)))
    page.on("dialog", lambda dialog: (page.dialogs.append(dialog.message), dialog.dismiss()))

    def only_local(route):
        if urlsplit(route.request.url).hostname in LOCAL_HOSTS:
            route.continue_()
        else:
            route.abort()

    page.route("**/*", only_local)
    page.goto(url)
    return page
