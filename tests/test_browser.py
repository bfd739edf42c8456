"""The dashboard in a real browser (Debian's chromium driven by playwright) against `streamlit run`.

What only a browser can show: the map actually draws its markers from the app's own Leaflet files with
every non-local request blocked, and a popup full of hostile article text shows it as text.
"""
from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from browser_support import LOCAL_HOSTS, MAP_FRAME, MARKERS, local_page, streamlit_app


@pytest.fixture(scope="module")
def server(events_db):
    """`streamlit run app.py` on the fixture database; its URL once it answers."""
    with streamlit_app(events_db) as url:
        yield url


@pytest.fixture
def page(browser, server):
    page = local_page(browser, server)
    yield page
    page.context.close()


def _external(requests):
    return [(kind, url) for kind, url in requests
            if urlsplit(url).scheme in ("http", "https") and urlsplit(url).hostname not in LOCAL_HOSTS]


def test_map_draws_markers_from_local_scripts_only(page):
    frame = page.frame_locator(MAP_FRAME)
    frame.locator(MARKERS).first.wait_for(timeout=60_000)
    assert frame.locator(MARKERS).count() >= 2
    page.wait_for_timeout(1000)  # let late requests (fonts, anything else) show up too

    local = [url for _, url in page.requests if urlsplit(url).hostname in LOCAL_HOSTS]
    assert any(url.endswith("/app/static/vendor/leaflet/leaflet.js") for url in local)
    assert any(url.endswith("/app/static/vendor/leaflet.heat/leaflet-heat.js") for url in local)
    # Nothing is asked of any other host: no scripts, no fonts, and by default no tiles (DATELINE_TILES unset).
    assert _external(page.requests) == []
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


def test_admin1_borders_load_and_show_only_once_zoomed_in(page):
    frame = page.frame_locator(MAP_FRAME)
    frame.locator(".leaflet-dl-basemap-pane path").first.wait_for(state="attached", timeout=60_000)
    handle = page.locator(MAP_FRAME).element_handle().content_frame()
    admin1 = frame.locator(".leaflet-dl-basemap-pane path[stroke-dasharray='4 3']")
    fetched = lambda: [url for _, url in page.requests if url.endswith("/app/static/vendor/admin1/borders.json")]
    assert handle.evaluate("() => dlView.events._map.getZoom()") < 4  # the fixture's events span the world
    assert admin1.count() == 0 and not fetched()  # a world view neither draws nor downloads them
    while handle.evaluate("() => dlView.events._map.getZoom()") < 4:
        frame.locator(".leaflet-control-zoom-in").click()
        page.wait_for_timeout(400)
    admin1.wait_for(state="attached", timeout=10_000)
    assert len(fetched()) == 1
    # One path holding thousands of borders from the app's own Natural Earth copy.
    assert admin1.get_attribute("d").count("M") > 1000
    frame.locator(".leaflet-control-zoom-out").click()
    admin1.wait_for(state="detached", timeout=10_000)


def test_heat_map_layer_can_be_turned_on(page):
    frame = page.frame_locator(MAP_FRAME)
    frame.locator(MARKERS).first.wait_for(timeout=60_000)
    assert frame.locator("canvas.leaflet-heatmap-layer").count() == 0  # off by default
    frame.locator(".leaflet-control-layers").hover()
    frame.locator(".leaflet-control-layers-overlays label", has_text="Heat map").locator("input").check()
    frame.locator("canvas.leaflet-heatmap-layer").wait_for(timeout=10_000)


def test_a_filter_change_redraws_in_the_same_frame(page):
    """Leaflet, the decoded basemap and the reader's layer choices stay; only the events are swapped."""
    page.frame_locator(MAP_FRAME).locator(MARKERS).first.wait_for(timeout=60_000)
    frame = page.locator(MAP_FRAME).element_handle().content_frame()
    assert frame.evaluate("() => { window.dlBefore = window.dlView; return dlView.events.getLayers()"
                          ".reduce((sum, m) => sum + m.options.events, 0); }") == 6  # every event, in places or groups
    frame.locator(".leaflet-control-layers").hover()
    frame.locator(".leaflet-control-layers-overlays label", has_text="Heat map").locator("input").check()
    page.locator("[data-testid='stSidebar'] button[aria-label^='Remove Northern Ledger']").click()
    frame.wait_for_function("() => window.dlView !== window.dlBefore", timeout=30_000)
    assert page.locator(MAP_FRAME).count() == 1 and not frame.is_detached()
    assert frame.evaluate("() => dlView.events.getLayers().reduce((sum, m) => sum + m.options.events, 0)") == \
        int(_metric(page, "Events")) < 6
    assert frame.locator(".dl-legend").count() == 1
    assert frame.locator("canvas.leaflet-heatmap-layer").count() == 1  # still on, now for the new events
    labels = frame.locator(".leaflet-control-layers-overlays label").all_inner_texts()
    assert [label.strip() for label in labels] == ["Events", "Heat map"]  # no tiles unless DATELINE_TILES


def test_a_click_on_a_group_zooms_in_and_the_places_come_from_the_server(page):
    frame = page.frame_locator(MAP_FRAME)
    group = frame.locator(".dl-cluster").first  # the Donbas towns, one group at the world's zoom
    group.wait_for(timeout=60_000)
    handle = page.locator(MAP_FRAME).element_handle().content_frame()
    zoom = handle.evaluate("() => { window.dlBefore = window.dlView; return dlView.events._map.getZoom(); }")
    group.click()
    handle.wait_for_function("() => window.dlView !== window.dlBefore", timeout=30_000)  # the new area's markers
    assert handle.evaluate("() => dlView.events._map.getZoom()") > zoom
    frame.locator(".dl-place", has_text="").first.wait_for(timeout=10_000)
    names = frame.locator(".dl-name").all_text_contents()
    assert {"Kharkiv", "Lyman"} <= set(names)
    page.wait_for_timeout(1500)  # the map stays where the click put it: no fit back to the whole view
    assert handle.evaluate("() => dlView.events._map.getZoom()") > zoom


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


def _open_events_tab(page):
    """The table lives in the Events tab under the map (only the open tab is drawn)."""
    page.get_by_role("tab", name="Events").click()
    grid = page.locator("[data-testid='stDataFrame']").first
    grid.wait_for(timeout=30_000)
    return grid


def test_selecting_a_table_row_shows_the_event_and_centres_the_map(page):
    page.frame_locator(MAP_FRAME).locator(MARKERS).first.wait_for(timeout=60_000)
    assert page.locator("[data-testid='stDataFrame']").count() == 0  # the Timeline tab is open first
    grid = _open_events_tab(page)
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


def test_hostile_text_stays_text_in_tooltip_table_and_details(browser, server, hostile):
    page = local_page(browser, server + "?source=Meridian%20Wire")
    try:
        frame = page.frame_locator(MAP_FRAME)
        marker = frame.locator(".dl-place").first
        marker.wait_for(timeout=60_000)
        marker.hover()
        tooltip = frame.locator(".leaflet-tooltip")
        tooltip.wait_for(timeout=10_000)
        assert "<b>bold</b>" in tooltip.inner_text()  # the resolved name, as text
        assert tooltip.locator("b, img, script").count() == 0

        grid = _open_events_tab(page)
        grid.scroll_into_view_if_needed()
        box = grid.bounding_box()
        page.mouse.click(box["x"] + 18, box["y"] + 35 + 17)  # select the one row
        details = page.locator(".dl-details")
        details.wait_for(timeout=30_000)
        page.wait_for_timeout(500)  # time for an injected onerror/onload to fire, were there one
        text = details.inner_text()
        assert hostile["title"] in text and "<script>alert('sentence')</script>" in text
        assert details.locator("mark").inner_text() == hostile["place_text"]
        assert details.locator("script, img, svg, iframe, a").count() == 0  # javascript: url: no link
        assert page.locator("img[src='x']").count() == 0  # nothing injected anywhere on the page
        assert not page.dialogs
    finally:
        page.context.close()


def test_areas_box_enter_picks_the_one_exact_match(page):
    """Typing a country and pressing Enter selects that country, not every region whose letters follow in order
    ("Syria" once also added Sofia City and Buenos Aires)."""
    page.frame_locator(MAP_FRAME).locator(MARKERS).first.wait_for(timeout=60_000)
    box = page.locator("section[data-testid='stSidebar'] [data-testid='stMultiSelect']").filter(
        has_text="Countries and regions").locator("input")
    box.click()
    box.type("Pakistan")
    page.wait_for_timeout(500)
    box.press("Enter")
    page.wait_for_function("() => window.location.search.includes('area=')", timeout=20_000)
    page.wait_for_timeout(1000)
    query = page.evaluate("() => window.location.search")
    assert "area=PK" in query and query.count("area=") == 1, query


def _overlaps(a, b) -> bool:
    return a["x"] < b["x"] + b["width"] and b["x"] < a["x"] + a["width"] and \
        a["y"] < b["y"] + b["height"] and b["y"] < a["y"] + a["height"]


def test_legend_never_covers_markers_or_popups(page):
    frame = page.frame_locator(MAP_FRAME)
    frame.locator(MARKERS).first.wait_for(timeout=60_000)
    page.wait_for_timeout(1000)  # the fitted view has settled
    legend = frame.locator(".dl-legend")
    assert frame.locator(".dl-legend-rows").is_hidden()  # folded: a word in the corner
    folded = legend.bounding_box()
    markers = frame.locator(MARKERS)
    for i in range(markers.count()):
        box = markers.nth(i).bounding_box()
        assert box is None or not _overlaps(box, folded), "a marker sits under the folded legend"
    frame.locator(".dl-legend-toggle").click()
    assert frame.locator(".dl-legend-rows").is_visible() and "battle" in legend.inner_text()
    frame.locator(".dl-place").first.click()
    frame.locator(".leaflet-popup-content").wait_for(timeout=5_000)
    page.wait_for_timeout(500)
    assert frame.locator(".dl-legend-rows").is_hidden()  # a popup folds the legend away
    assert not _overlaps(frame.locator(".leaflet-popup").bounding_box(), legend.bounding_box())


def test_markers_carry_place_names_once_zoomed_in(page):
    frame = page.frame_locator(MAP_FRAME)
    frame.locator(MARKERS).first.wait_for(timeout=60_000)
    assert frame.locator(".dl-name").first.is_hidden()  # far out, names would crowd each other
    handle = page.locator(MAP_FRAME).element_handle().content_frame()
    handle.evaluate("() => { var m = Object.values(window).find(v => v && v._container && v.setView);"
                    " m.setView([49.6, 37.0], 8); }")
    frame.locator(".dl-name", has_text="Izyum").wait_for(state="visible", timeout=10_000)
    assert frame.locator(".dl-name", has_text="Izyum").is_visible()
