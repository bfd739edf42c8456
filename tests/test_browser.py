"""The dashboard in a real browser (Debian's chromium driven by playwright) against `streamlit run`.

What only a browser can show: the map actually draws its markers from the app's own Leaflet files with
every non-local request blocked, and a popup full of hostile article text shows it as text.
"""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
LOCAL_HOSTS = {"127.0.0.1", "localhost"}
MAP_FRAME = "iframe[title*='st_folium']"
MARKERS = ".marker-cluster, .dl-place"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(events_db):
    """`streamlit run app.py` on the fixture database; its URL once it answers."""
    port = _free_port()
    env = {**os.environ, "DATELINE_DB": str(events_db)}
    env.pop("DATELINE_TILES", None)  # the default public tiles: blocked below, as on an offline machine
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
         "--server.port", str(port), "--server.address", "127.0.0.1"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
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
            time.sleep(0.3)  # no browser, no route handler yet
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        process.stdout.close()


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, server):
    """A page on the app that may reach 127.0.0.1 only; `page.requests` and `page.dialogs` record what it
    asked for and any alert()/confirm() that fired."""
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
    page.goto(server)
    yield page
    context.close()


def _external(requests):
    return [(kind, url) for kind, url in requests
            if urlsplit(url).scheme in ("http", "https") and urlsplit(url).hostname not in LOCAL_HOSTS]


def test_map_draws_markers_from_local_scripts_only(page):
    frame = page.frame_locator(MAP_FRAME)
    frame.locator(MARKERS).first.wait_for(timeout=60_000)
    assert frame.locator(MARKERS).count() >= 2
    page.wait_for_timeout(1000)  # let late requests (tiles, fonts) show up too

    local = [url for _, url in page.requests if urlsplit(url).hostname in LOCAL_HOSTS]
    assert any(url.endswith("/app/static/vendor/leaflet/leaflet.js") for url in local)
    assert any(url.endswith("/app/static/vendor/leaflet.markercluster/leaflet.markercluster.js") for url in local)
    external = _external(page.requests)
    assert not [r for r in external if r[0] in ("script", "stylesheet", "font", "xhr", "fetch", "document")]
    # Only basemap tiles were asked for outside (and refused); the markers show without them.
    assert all(kind == "image" and "tile.openstreetmap.org" in url for kind, url in external), external
    assert page.get_by_text("Timeline").is_visible()
    assert not page.dialogs


def test_popup_shows_hostile_article_text_as_text(page, hostile):
    frame = page.frame_locator(MAP_FRAME)
    frame.locator(MARKERS).first.wait_for(timeout=60_000)
    popup = frame.locator(".leaflet-popup-content")
    # Quito stands alone, so the hostile event is a bare place marker; find it by clicking through them.
    markers = frame.locator(".dl-place")
    for i in range(markers.count()):
        markers.nth(i).click()
        popup.wait_for(timeout=5_000)
        if hostile["source"] in popup.inner_text():
            break
    else:
        pytest.fail("no marker opened the hostile event's popup")
    page.wait_for_timeout(500)  # time for an injected onerror/onload to fire, were there one

    text = popup.inner_text()
    assert "<script>alert('sentence')</script>" in text and "${alert(2)}" in text
    assert hostile["title"] in text
    assert popup.locator("mark").inner_text() == hostile["place_text"]
    assert popup.locator("script, img, svg, iframe").count() == 0
    assert popup.locator("a").count() == 0  # the javascript: url is shown as no link at all
    assert not page.dialogs


def test_offline_basemap_draws_countries_without_tiles(page):
    frame = page.frame_locator(MAP_FRAME)
    borders = frame.locator(".leaflet-dl-basemap-pane path")
    borders.first.wait_for(state="attached", timeout=60_000)  # off-screen ones are hidden
    assert borders.count() > 100  # Natural Earth's countries, from the app's own copy
    local = [url for _, url in page.requests if urlsplit(url).hostname in LOCAL_HOSTS]
    assert any(url.endswith("/app/static/vendor/world-atlas/countries-50m.json") for url in local)
    frame.locator(".leaflet-control-zoom-in").click()  # country names show from zoom 3
    frame.locator(".dl-country-label", has_text="Ukraine").first.wait_for(timeout=10_000)
    assert "Natural Earth" in frame.locator(".leaflet-control-attribution").inner_text()


def test_heat_map_layer_can_be_turned_on(page):
    frame = page.frame_locator(MAP_FRAME)
    frame.locator(MARKERS).first.wait_for(timeout=60_000)
    assert frame.locator("canvas.leaflet-heatmap-layer").count() == 0  # off by default
    frame.locator(".leaflet-control-layers").hover()
    frame.locator(".leaflet-control-layers-overlays label", has_text="Heat map").locator("input").check()
    frame.locator("canvas.leaflet-heatmap-layer").wait_for(timeout=10_000)


def _metric(page, label: str) -> str:
    metric = page.locator("[data-testid='stMetric']", has_text=label).first
    return metric.locator("[data-testid='stMetricValue']").inner_text()


def test_a_copied_url_reproduces_the_filtered_view(page, browser, server):
    page.locator("[data-testid='stMetric']").first.wait_for(timeout=60_000)
    assert _metric(page, "Events") == "6"
    search = page.locator("input[aria-label='Search']")
    search.fill("Kharkiv")
    search.press("Enter")
    page.wait_for_url("**q=Kharkiv**", timeout=30_000)
    page.wait_for_function("() => [...document.querySelectorAll('[data-testid=stMetricValue]')]"
                           ".some(e => e.innerText === '2')", timeout=30_000)
    copied = page.url

    other = browser.new_context().new_page()
    try:
        other.goto(copied)
        other.locator("[data-testid='stMetric']").first.wait_for(timeout=60_000)
        assert _metric(other, "Events") == "2"
        assert other.locator("input[aria-label='Search']").input_value() == "Kharkiv"
        markers = other.frame_locator(MAP_FRAME).locator(MARKERS)
        markers.first.wait_for(timeout=60_000)
        assert markers.count() == 1  # both events sit on Kharkiv
    finally:
        other.context.close()


def test_selecting_a_table_row_shows_the_event_and_centres_the_map(page):
    grid = page.locator("[data-testid='stDataFrame']").first
    grid.wait_for(timeout=60_000)
    page.frame_locator(MAP_FRAME).locator(MARKERS).first.wait_for(timeout=60_000)
    grid.scroll_into_view_if_needed()
    box = grid.bounding_box()
    page.mouse.click(box["x"] + 18, box["y"] + 35 + 17)  # the selection box of the first (newest) row
    details = page.locator(".dl-details")
    details.wait_for(timeout=30_000)
    assert "Lyman" in details.inner_text() and "Northern Ledger" in details.inner_text()
    assert details.locator("mark").inner_text() == "Lyman"
    zoom = page.frame_locator(MAP_FRAME).locator("body").evaluate(
        "() => { const map = Object.keys(window).filter(k => k.startsWith('map_')).map(k => window[k])"
        ".find(m => m && m.getZoom); return [m => m.getZoom(), m => m.getCenter().lat]"
        ".map(f => f(map)); }")
    assert zoom[0] == 10 and abs(zoom[1] - 48.99) < 0.01
