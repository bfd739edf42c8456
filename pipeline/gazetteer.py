"""The one gateway to GeoNames data: built once into a SQLite index (gazetteer_build.py), then queried by name."""
from __future__ import annotations

import re
import sqlite3
import unicodedata
from functools import lru_cache
from pathlib import Path

from .models import Place

SCHEMA_VERSION = "19"

# Words that name the kind of an admin region; stripped to get its bare name ("Sindh province" -> "Sindh").
ADMIN1_WORDS = ("region", "oblast", "province", "state", "governorate", "prefecture", "territory",
                "voivodeship", "canton", "krai", "republic")
REGION_WORDS = ADMIN1_WORDS + ("county", "district", "department", "municipality", "parish")
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'"})
_NON_WORD = re.compile(r"[^\w' ]+")
_SPACES = re.compile(r"\s+")
# Abbreviations that lead place names, folded to one spelling so that "Mt. Pleasant" finds Mount Pleasant, Iowa
# by its main name (alternate-name lists carry the short form for some places only).
_ABBREVIATIONS = {"mount": "mt", "saint": "st", "sainte": "ste", "fort": "ft"}
# Particles written apart or joined to the name after them.
_PARTICLES = {"de", "du", "la", "le", "van", "von", "mc", "mac"}


def normalize_name(name: str) -> str:
    """Fold a place name for lookup: accents, case, punctuation and spacing do not matter."""
    folded = unicodedata.normalize("NFKD", name.translate(_APOSTROPHES))
    folded = "".join(c for c in folded if not unicodedata.combining(c)).lower()
    folded = folded.replace(".", "")
    folded = _NON_WORD.sub(" ", folded)
    words = [_ABBREVIATIONS.get(w, w) for w in _SPACES.sub(" ", folded).strip().split(" ")]
    joined: list[str] = []
    for w in words:  # "De Soto Parish" is also written "DeSoto Parish", "La Salle" "LaSalle"
        if joined and joined[-1] in _PARTICLES:
            joined[-1] += w
        else:
            joined.append(w)
    folded = " ".join(joined)
    return folded[4:] if folded.startswith("the ") else folded


class GazetteerMissing(RuntimeError):
    """Raised when the index has not been built; the CLI turns it into a one-line hint."""


class Gazetteer:
    """Read-only name lookups against the SQLite index; results cached per process."""

    def __init__(self, path: str | Path):
        path = Path(path)
        if not path.exists():
            raise GazetteerMissing(f"{path}: gazetteer index not built; run `python -m pipeline build-gazetteer`")
        self.path = path
        self._conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
        version = self._conn.execute("SELECT value FROM meta WHERE key = 'version'").fetchone()
        if not version or version[0] != SCHEMA_VERSION:
            raise GazetteerMissing(f"{path}: gazetteer index is outdated; run `python -m pipeline build-gazetteer`")
        self.lookup = lru_cache(maxsize=200_000)(self._lookup)
        self.in_admin1 = lru_cache(maxsize=10_000)(self._in_admin1)

    def _rows_to_places(self, rows) -> tuple[Place, ...]:
        return tuple(
            Place(place_id=r[0], geonameid=r[1], name=r[2], lat=r[3], lon=r[4], country_code=r[5],
                  admin1_code=r[6], admin1=r[7], feature_code=r[8], precision=r[9], population=r[10])
            for r in rows
        )

    def _lookup(self, name: str) -> tuple[tuple[Place, bool], ...]:
        """All places a name may refer to, each with whether the name is its main name."""
        rows = self._conn.execute(
            "SELECT p.place_id, p.geonameid, p.name, p.lat, p.lon, p.country_code, p.admin1_code, p.admin1,"
            " p.feature_code, p.precision, p.population, MAX(n.is_main)"
            " FROM names n JOIN places p ON p.rowid = n.place_row WHERE n.name = ?"
            " GROUP BY p.rowid ORDER BY p.precision = 'settlement', p.population DESC LIMIT 80",
            (normalize_name(name),),
        ).fetchall()
        places = self._rows_to_places([r[:11] for r in rows])
        return tuple(zip(places, (bool(r[11]) for r in rows)))

    def _in_admin1(self, country_code: str, admin1_code: str) -> Place | None:
        """The admin-1 region with this GeoNames code, e.g. ('UA', '07') -> Kharkiv oblast."""
        rows = self._conn.execute(
            "SELECT place_id, geonameid, name, lat, lon, country_code, admin1_code, admin1, feature_code,"
            " precision, population FROM places WHERE precision = 'admin1' AND country_code = ?"
            " AND admin1_code = ? LIMIT 1",
            (country_code, admin1_code),
        ).fetchall()
        return self._rows_to_places(rows)[0] if rows else None
