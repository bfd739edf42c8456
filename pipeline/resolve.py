"""Pick the GeoNames entry each place span refers to, or none.

Scoring, in order of weight: an explicit qualifier next to the name ("Balakliya, Kharkiv region",
"Naples, Florida"); the kind of entry (a country name means the country, not a Spanish town that
lists it as an alternate name); the countries and regions the rest of the article is about; size.
"""
from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass

from .gazetteer import ADMIN1_WORDS, Gazetteer, normalize_name
from .models import Place, PlaceMention
from .recognize import PlaceSpan

KIND_SCORE = {"country": 3.6, "admin1": 2.2, "other": 2.2, "admin2": 1.2}
QUALIFIER_BONUS = 4.0
CONTEXT_COUNTRY_BONUS = 1.5
# Each other name of the article that may lie in the same admin-1 region adds this, up to MAX_SUPPORT names.
SUPPORT_BONUS = 0.6
MAX_SUPPORT = 3
SUPPORT_READINGS = 4
MAIN_NAME_BONUS = 0.3
CAPITAL_BONUS = 0.3
# Below this score a bare gazetteer hit (a village that shares a word with the text) is not trusted.
MIN_SCORE = 0.9
# A city this big is what its name means, even where a region of its country has the same name.
BIG_CITY = 300_000
CITY = 100_000
SMALL_TOWN = 10_000
ALT_NAME_PENALTY = 0.5
# Spelling variants of transliterated names that alternate-name lists often lack (Balakliia / Balakliya).
_VARIANTS = [("iya", "ia"), ("ia", "iya"), ("iy", "y"), ("yy", "y"), ("iy", "i"), ("yi", "i"), ("ye", "e"),
             ("kh", "h"), ("j", "y"), ("ou", "u")]
_QUALIFIER_GAP = re.compile(r"^,\s*$")


@dataclass
class _Scored:
    place: Place
    score: float


class Resolver:
    """Resolves all place spans of one article together, so each informs the others."""

    def __init__(self, gazetteer: Gazetteer):
        self.gazetteer = gazetteer

    def resolve(self, text: str, spans: list[PlaceSpan]) -> list[PlaceMention]:
        candidates = [self._candidates(s) for s in spans]
        qualifiers = self._qualifiers(text, spans, candidates)
        names = [normalize_name(s.text) for s in spans]
        # First pass without context: each name's likely readings. Names whose likely readings share a
        # region support each other ("Gainesville" and "Georgia"); the top readings give the countries.
        first = [self._rank(c, q, Counter(), {}) for c, q in zip(candidates, qualifiers)]
        readers: dict[tuple[str, str], set[str]] = defaultdict(set)
        countries: Counter[str] = Counter()
        for name, ranked in zip(names, first):
            for s in ranked[:SUPPORT_READINGS]:
                if s.place.admin1_code:
                    readers[(s.place.country_code, s.place.admin1_code)].add(name)
            if ranked and ranked[0].score >= MIN_SCORE:
                countries[ranked[0].place.country_code] += 1
        mentions = []
        for span, name, cands, qual in zip(spans, names, candidates, qualifiers):
            support = {key: len(who - {name}) for key, who in readers.items()}
            mentions.append(self._mention(span, self._rank(cands, qual, countries, support)))
        return mentions

    # ------------------------------------------------------------ candidates

    def _candidates(self, span: PlaceSpan) -> list[tuple[Place, bool]]:
        if span.region_word:
            return self._region_candidates(span)
        found = list(self.gazetteer.lookup(span.text))
        if not found:
            for variant in _variants(normalize_name(span.text)):
                found = list(self.gazetteer.lookup(variant))
                if found:
                    break
        if not found and span.how == "dateline" and span.text.isupper() and len(span.text) >= 5:
            found = [(p, False) for p in self._near_spellings(span.text)]
        return _prefer_cities_over_city_regions(found)

    def _region_candidates(self, span: PlaceSpan) -> list[tuple[Place, bool]]:
        """'Kharkiv region': an admin region of that name, or the admin-1 region around the city of that
        name. 'Laurel County' is only ever a region of that name: a county is not its state."""
        name = span.text[: -len(span.region_word)].strip()
        climb = span.region_word.lower() in ADMIN1_WORDS
        out: dict[str, tuple[Place, bool]] = {}
        for place, is_main in self.gazetteer.lookup(span.text) + self.gazetteer.lookup(name):
            if place.precision in ("admin1", "admin2", "other"):
                out.setdefault(place.place_id, (place, is_main))
            elif climb and place.precision == "settlement" and place.admin1_code:
                region = self.gazetteer.in_admin1(place.country_code, place.admin1_code)
                if region:
                    # Sized like the city, so "Donetsk region" favours Ukraine's Donetsk over Russia's.
                    sized = Place(**{**region.__dict__, "population": place.population})
                    out.setdefault(region.place_id, (sized, False))
        return list(out.values())

    def _near_spellings(self, name: str) -> list[Place]:
        """Typo'd all-caps datelines ('HARKIV'): big settlements one letter short or one letter longer."""
        target = normalize_name(name)
        spellings = [target[1:], target[:-1]] + [target[:i] + ch + target[i:] for i in range(len(target) + 1)
                                                 for ch in "abcdefghijklmnopqrstuvwxyz"]
        out = [place for s in spellings for place, _ in self.gazetteer.lookup(s)]
        return [p for p in out if p.precision != "settlement" or p.population >= 100_000]

    def _qualifiers(self, text: str, spans: list[PlaceSpan], candidates) -> list[set[tuple[str, str | None]]]:
        """For 'A, B' pairs, the countries/regions B can be, which constrain A."""
        quals: list[set[tuple[str, str | None]]] = [set() for _ in spans]
        for i in range(len(spans) - 1):
            if _QUALIFIER_GAP.match(text[spans[i].end:spans[i + 1].start]):
                for place, _ in candidates[i + 1]:
                    if place.precision == "country":
                        quals[i].add((place.country_code, None))
                    elif place.precision in ("admin1", "admin2") and place.admin1_code:
                        quals[i].add((place.country_code, place.admin1_code))
        return quals

    # ------------------------------------------------------------ ranking

    def _rank(self, candidates, qualifier, countries: Counter, support: dict) -> list[_Scored]:
        total_c = sum(countries.values()) or 1
        ranked = []
        for place, is_main in candidates:
            score = KIND_SCORE.get(place.precision) or _size_score(place.population)
            score += MAIN_NAME_BONUS * is_main + CAPITAL_BONUS * (place.feature_code == "PPLC")
            if not is_main and place.precision == "settlement" and place.population < SMALL_TOWN:
                score -= ALT_NAME_PENALTY  # small towns' alternate-name lists are full of other places' names
            if qualifier and _fits(place, qualifier):
                score += QUALIFIER_BONUS
            score += CONTEXT_COUNTRY_BONUS * countries[place.country_code] / total_c
            if place.admin1_code:
                score += SUPPORT_BONUS * min(MAX_SUPPORT, support.get((place.country_code, place.admin1_code), 0))
            ranked.append(_Scored(place, score))
        ranked.sort(key=lambda s: -s.score)
        return ranked

    def _mention(self, span: PlaceSpan, ranked: list[_Scored]) -> PlaceMention:
        if not ranked or (ranked[0].score < MIN_SCORE and span.how == "gazetteer"):
            return PlaceMention(span.start, span.end, span.text, None, 0.0, (), span.how)
        best = ranked[0]
        margin = best.score - ranked[1].score if len(ranked) > 1 else 2.0
        confidence = round(min(0.99, 0.5 + margin / 4), 2)
        alternatives = tuple(_describe(s.place) for s in ranked[1:4])
        return PlaceMention(span.start, span.end, span.text, best.place, confidence, alternatives, span.how)


def _size_score(population: int) -> float:
    """About 0.5 for a hamlet, 2.4 for a city of a million: size breaks ties, context can outweigh it."""
    return 2.6 * math.log10(max(population, 10) + 10) / 6.5


def _fits(place: Place, qualifier: set[tuple[str, str | None]]) -> bool:
    return any(place.country_code == cc and (a1 is None or place.admin1_code == a1) for cc, a1 in qualifier)


def _prefer_cities_over_city_regions(found: list[tuple[Place, bool]]) -> list[tuple[Place, bool]]:
    """Kyiv, Paris, Washington, New York are also admin units of the same name; a bare name means the
    city when the city lies in that unit or is a big one of the same country."""
    cities = [p for p, _ in found if p.precision == "settlement"]

    def shadowed(region: Place) -> bool:
        name = normalize_name(region.name)
        return any(c.country_code == region.country_code and normalize_name(c.name) == name
                   and c.population >= (CITY if c.admin1_code == region.admin1_code else BIG_CITY) for c in cities)

    return [(p, m) for p, m in found if not (p.precision in ("admin1", "admin2") and shadowed(p))]


def _variants(name: str) -> list[str]:
    return [name.replace(a, b) for a, b in _VARIANTS if a in name]


def _describe(place: Place) -> str:
    parts = [place.name, place.admin1 if place.precision == "settlement" else place.precision, place.country_code]
    return ", ".join(p for p in parts if p)
