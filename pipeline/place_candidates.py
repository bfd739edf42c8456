"""Candidate readings of a place name: the gazetteer entries a span can mean, and how each was found.

The span's own text (by a main or alternate name), a spelling variant of a transliterated name ("Balakliia" /
"Balakliya"), the region a "... region" phrase names (or the admin-1 region around the city it is named after), a
typo'd all-caps dateline one letter off, or, when nothing else matches, the longest run of words inside the span
that names a well-known place ("Northeast Georgia"). How a reading was found, and how much of the span its name
covers, are features the ranker weighs (place_ranker.py).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from spacy.lang.en.stop_words import STOP_WORDS

from .gazetteer import ADMIN1_WORDS, Gazetteer, normalize_name
from .models import Place
from .recognize import GENERIC_WORDS, PlaceSpan

# How a reading was found (Candidate.found).
FOUND = ("name", "variant", "region", "spelling", "inner")
# A settlement this small is often what other places' alternate names point at.
SMALL_TOWN = 10_000
# A city this big is what its name means, even where a region of its country has the same name.
BIG_CITY = 300_000
CITY = 100_000
# Spelling variants of transliterated names that alternate-name lists often lack (Balakliia / Balakliya).
_VARIANTS = [("iya", "ia"), ("ia", "iya"), ("iy", "y"), ("yy", "y"), ("iy", "i"), ("yi", "i"), ("ye", "e"),
             ("kh", "h"), ("j", "y"), ("ou", "u")]
# Compass points abbreviated ("S.E. Paris", "N. Georgia"): directions, not names, inside a longer span.
_COMPASS = {"n", "s", "e", "w", "ne", "nw", "se", "sw"}
# Region words after a city's name that mean the admin-1 region around it ("Kharkiv region", "Sindh province").
_CLIMBING_WORDS = tuple(w for w in ADMIN1_WORDS if w != "state")
# A county is not the town of its name: 'Boone County' is not Boone, North Carolina.
COUNTY_WORDS = ("county", "parish")
# "Rep. Dave Loebsack, D-Iowa City": a party letter before the member's home town.
_PARTY = re.compile(r"^[DRI]-(?=[A-Z])")


@dataclass(frozen=True)
class Candidate:
    """One reading of a name."""

    place: Place
    is_main: bool  # the text used the entry's main name, not one of its alternate names
    found: str = "name"  # FOUND
    covers: float = 1.0  # the share of the span's words the matched name covers (under 1 for an inner name)


class CandidateFinder:
    def __init__(self, gazetteer: Gazetteer):
        self.gazetteer = gazetteer

    def of(self, span: PlaceSpan) -> list[Candidate]:
        """Every reading the span's text can have, or none."""
        if span.region_word:
            return self._region(span)
        text = _PARTY.sub("", span.text)
        found = [Candidate(p, m) for p, m in self.gazetteer.lookup(text)]
        if not found:
            for variant in _variants(normalize_name(text)):
                found = [Candidate(p, m, "variant") for p, m in self.gazetteer.lookup(variant)]
                if found:
                    break
        if not found and span.how == "dateline" and text.isupper() and len(text) >= 5:
            found = [Candidate(p, False, "spelling") for p in self._near_spellings(text)]
        if not found:
            found = self._inner_name(text)
        return found

    def _inner_name(self, text: str) -> list[Candidate]:
        """'Northeast Georgia', 'Fargo City', 'Henderson County Jail': the longest run of words inside the
        span that names a well-known place (a region, or a town of SMALL_TOWN people by its own name)."""
        words = text.split()
        for size in range(len(words) - 1, 0, -1):
            for start in range(len(words) - size + 1):
                run = words[start:start + size]
                if (run[0].lower() in STOP_WORDS or not run[0][0].isupper() or normalize_name(" ".join(run)) in _COMPASS
                        or all(w.lower() in GENERIC_WORDS for w in run)):
                    continue  # 'S.E. Paris' is not Sé, Macau; 'North West England' is not South Africa's North West
                known = [Candidate(p, m, "inner", size / len(words)) for p, m in self.gazetteer.lookup(" ".join(run))
                         if p.precision != "settlement" or (m and p.population >= SMALL_TOWN)]
                if known:
                    return known
        return []

    def _region(self, span: PlaceSpan) -> list[Candidate]:
        """'Kharkiv region': an admin region of that name, or the admin-1 region around the city of that
        name. 'Laurel County' is only ever a region of that name: a county is not its state. 'State' names a
        region by its own name only ('Kano State', 'Ohio State'); 'San Diego State' (a university, a team) is in
        San Diego, not all over California."""
        name = span.text[: -len(span.region_word)].strip()
        word = span.region_word.lower()
        out: dict[str, Candidate] = {}
        for place, is_main in self.gazetteer.lookup(span.text):
            if place.precision in ("admin1", "admin2", "other"):
                out.setdefault(place.place_id, Candidate(place, is_main))
        found = self.gazetteer.lookup(name)
        for place, is_main in found:
            if place.precision in ("admin2", "other") or (place.precision == "admin1" and word in ADMIN1_WORDS):
                out.setdefault(place.place_id, Candidate(place, is_main, "region"))
            elif word in _CLIMBING_WORDS and place.precision == "settlement" and place.admin1_code:
                region = self.gazetteer.in_admin1(place.country_code, place.admin1_code)
                if region:
                    # Sized like the city, so "Donetsk region" favours Ukraine's Donetsk over Russia's.
                    sized = Place(**{**region.__dict__, "population": place.population})
                    out.setdefault(region.place_id, Candidate(sized, False, "region"))
        if not out and word not in COUNTY_WORDS:
            # 'Lancaster district', 'San Diego State' where no region has the name: the town it is named after.
            out = {p.place_id: Candidate(p, m, "region") for p, m in found if p.precision == "settlement"}
        return list(out.values())

    def _near_spellings(self, name: str) -> list[Place]:
        """Typo'd all-caps datelines ('HARKIV'): big settlements one letter short or one letter longer."""
        target = normalize_name(name)
        spellings = [target[1:], target[:-1]] + [target[:i] + ch + target[i:] for i in range(len(target) + 1)
                                                 for ch in "abcdefghijklmnopqrstuvwxyz"]
        out = [place for s in spellings for place, _ in self.gazetteer.lookup(s)]
        return [p for p in out if p.precision != "settlement" or p.population >= 100_000]


def prefer_cities_over_city_regions(found: list[Candidate]) -> list[Candidate]:
    """Kyiv, Paris, Washington, New York are also admin units of the same name; a bare name means the
    city when the city lies in that unit or is a big one of the same country."""
    cities = [c.place for c in found if c.place.precision == "settlement"]

    def shadowed(region: Place) -> bool:
        name = normalize_name(region.name)
        return any(c.country_code == region.country_code and normalize_name(c.name) == name
                   and c.population >= (CITY if c.admin1_code == region.admin1_code else BIG_CITY) for c in cities)

    return [c for c in found if not (c.place.precision in ("admin1", "admin2") and shadowed(c.place))]


def _variants(name: str) -> list[str]:
    return [name.replace(a, b) for a, b in _VARIANTS if a in name]
