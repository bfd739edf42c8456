"""What the rest of an article says about a reading of one of its names: the countries its other names vote for,
and which of their readings lie near it or inside it (the `country` and `region` features of place_ranker.py).
Read from every name's current ranking; resolve.py re-ranks with it.
"""
from __future__ import annotations

import math
from collections import Counter, defaultdict
from dataclasses import dataclass

from .distance import km
from .homes import Region
from .models import Place

# Each other name of the article that may lie near a candidate adds up to this, up to MAX_SUPPORT names: in
# full when its best reading lies there, half when one of its other plausible readings (within PLAUSIBLE_MARGIN
# of its best on their own weight) does. "Near" is graded: a name that is the candidate's admin-1 region itself
# counts 1x ("Dublin" with "Ohio"); a reading within NEAR_KM counts from 1x at NEAR_KM up to 1 + CLOSE_FACTOR
# times at 0 km (Richmond, Kentucky lies 3 km from the centre of Madison County, Kentucky; Columbus, Georgia and
# Phenix City, Alabama face each other across a river); a town that only shares the admin-1 region counts
# REGION_SHARE: Texas is large, and three of its towns share names with three Iowa towns 20 km apart.
SUPPORT_BONUS = 0.6
CLOSE_FACTOR = 2.0
REGION_SHARE = 0.5
MAX_SUPPORT = 3
# For an admin-1 region the other names lie inside it, which is stronger evidence than lying beside it:
# "Georgia" in an article datelined ATLANTA is the state, though a country outranks a state on its own.
# Not against the region's own namesake city, which they lie beside: "New York" near Brooklyn stays the city.
REGION_SUPPORT_BONUS = 1.5
PLAUSIBLE_MARGIN = 1.0
NEAR_KM = 50.0
_LOCAL = ("settlement", "admin2")  # kinds whose point says where they are (a region's or a country's does not)


@dataclass(frozen=True)
class Context:
    """What the article's other names say: votes for countries, and which names may lie in each region."""

    countries: Counter
    best_regions: dict[Region, set[str]]
    plausible_regions: dict[Region, set[str]]
    # Local readings by 1-degree cell: (lat, lon, name, is the name's best reading).
    cells: dict[tuple[int, int], list[tuple[float, float, str, bool]]]
    # Each name's plausible places. Two names that may be the same place ("St. Louis", "St. Louis Police") are
    # no evidence for each other's readings.
    readings: dict[str, set[str]]
    # Names that may be an admin-1 region itself, by region: whether that is their best reading.
    containers: dict[Region, dict[str, bool]]

    def country_bonus(self, place: Place, name: str, own_vote: str | None) -> tuple[float, int]:
        votes = self.countries[place.country_code] - (own_vote == place.country_code)
        total = sum(self.countries.values()) - (own_vote is not None)
        return votes / (total + 1), votes

    def support(self, place: Place, name: str, inside: bool = False) -> tuple[float, int]:
        """Bonus from the other names that may lie near `place`, and how many there are; `inside`: they lie
        inside `place` itself (an admin-1 region) and that tells it apart from its rivals."""
        if not self.readings:
            return 0.0, 0
        weights: dict[str, float] = defaultdict(float)
        region_weight = REGION_SUPPORT_BONUS if inside else REGION_SHARE * SUPPORT_BONUS
        if place.admin1_code:
            key = (place.country_code, place.admin1_code)
            for other_name in self.plausible_regions.get(key, ()):
                weights[other_name] = region_weight / 2
            for other_name in self.best_regions.get(key, ()):
                weights[other_name] = region_weight
            if not inside:
                for other_name, is_best in self.containers.get(key, {}).items():
                    weights[other_name] = SUPPORT_BONUS * (1 if is_best else 0.5)
        if place.precision in _LOCAL:
            cy, cx = _cell(place.lat, place.lon)
            for dy in (-1, 0, 1):
                for dx in (-1, 0, 1):
                    for lat, lon, other_name, is_best in self.cells.get((cy + dy, cx + dx), ()):
                        d = km(place.lat, place.lon, lat, lon)
                        if d <= NEAR_KM:
                            w = SUPPORT_BONUS * (1 + CLOSE_FACTOR * (1 - d / NEAR_KM)) * (1 if is_best else 0.5)
                            weights[other_name] = max(weights[other_name], w)
        own = self.readings.get(name, set()) | {place.place_id}
        counted = [w for n, w in weights.items() if n != name and not own & self.readings.get(n, set())]
        cap = MAX_SUPPORT * (REGION_SUPPORT_BONUS if inside else SUPPORT_BONUS)
        return min(cap, sum(counted)), len(counted)


NO_CONTEXT = Context(Counter(), {}, {}, {}, {}, {})


def read_context(names) -> Context:
    """Votes and region readings of every name, from its current ranking."""
    countries: Counter[str] = Counter()
    best_regions: dict[Region, set[str]] = defaultdict(set)
    plausible: dict[Region, set[str]] = defaultdict(set)
    cells: dict[tuple[int, int], list] = defaultdict(list)
    readings: dict[str, set[str]] = defaultdict(set)
    containers: dict[Region, dict[str, bool]] = defaultdict(dict)
    for n in names:
        if not n.ranked:
            continue
        best = n.ranked[0]
        if votes(n):
            countries[best.place.country_code] += 1
        # Plausible on their own weight, not on the support they got: support must not feed itself.
        own = max(s.own for s in n.ranked)
        for s in n.ranked:
            if s is not best and s.own < own - PLAUSIBLE_MARGIN:
                continue
            readings[n.name].add(s.place.place_id)
            if s.place.precision == "admin1":
                containers[(s.place.country_code, s.place.admin1_code)][n.name] = s is best
            if s.place.admin1_code:
                (best_regions if s is best else plausible)[(s.place.country_code, s.place.admin1_code)].add(n.name)
            if s.place.precision in _LOCAL:
                cells[_cell(s.place.lat, s.place.lon)].append((s.place.lat, s.place.lon, n.name, s is best))
    return Context(countries, best_regions, plausible, cells, readings, containers)


def _cell(lat: float, lon: float) -> tuple[int, int]:
    return math.floor(lat), math.floor(lon)


def votes(n) -> bool:
    """A name votes for its best reading's country when that reading is one at all."""
    return bool(n.ranked) and n.ranked[0].matched and bool(n.ranked[0].place.country_code)
