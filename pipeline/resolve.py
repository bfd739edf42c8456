"""Pick the GeoNames entry each place span refers to, or none.

Each name's candidate readings are described by features (place_ranker.py): the kind of entry (a country name
means the country, not a Spanish town that lists it as an alternate name), its size, an explicit qualifier next to
the name ("Balakliya, Kharkiv region", "Naples, Florida"), the countries and regions the rest of the article is
about, the source's home. The ranker's fitted weights score them; the best reading wins, unless it scores under
the ranker's threshold.
"""
from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass

from .distance import km
from .gazetteer import Gazetteer, normalize_name
from .homes import HOME_KINDS, WHOLE_COUNTRY, Region
from .models import Place, PlaceMention
from .place_ranker import CONTEXT, CONTEXT_PARTS, Features, PlaceRanker, own_features, with_context
from .place_candidates import BIG_CITY, CITY, COUNTY_WORDS, Candidate, CandidateFinder, prefer_cities_over_city_regions
from .recognize import PlaceSpan

# The article's other names vote for a country (feature `country`): its share of their votes, smoothed so that one
# vote is weak. A country named in an article about another country gets this share of the leading country's bonus: naming a
# foreign country is normal, but "Georgia" among Atlanta and Barrow County is the state.
FOREIGN_COUNTRY_SHARE = 0.5
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
# Readings are re-ranked this many times, each round with the context the previous round's readings give.
CONTEXT_ROUNDS = 2
_QUALIFIER_KINDS = ("country", "admin1")
_QUALIFIER_GAP = re.compile(r"^,\s*$")
# Words that make a name a river's, a lake's, an island's...: a place even where the gazetteer lacks it.
_FEATURE = re.compile(r"\b(?:River|Lake|Creek|Islands?|Isle|Mountains?|Valley|Peninsula|Bay|Township|Canyon|Forest|"
                      r"Desert|Falls|Reservoir|Swamp|Sound|Strait|Coast)\b")
_LIST_GO_ON = re.compile(r"^,?\s+(?:and|or|&)\s+(?:the\s+)?[A-Z]")


@dataclass(frozen=True)
class _Qualifier:
    """'Texas' in 'Paris, Texas': the countries and admin-1 regions it can be."""

    text: str
    fits: frozenset[tuple[str, str | None]]
    # More names follow it ("Copenhagen, Hamburg, Brasov"): it may be the next item of a list.
    list_goes_on: bool = False


@dataclass(frozen=True)
class _Context:
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


_NO_CONTEXT = _Context(Counter(), {}, {}, {}, {}, {})


@dataclass(frozen=True)
class _Scored:
    """A candidate reading, its features and its score, and what its context features add (to explain it)."""

    place: Place
    features: Features
    score: float
    own: float  # the score without what the rest of the article and the source say: its weight on its own
    matched: bool  # scores at least the ranker's threshold
    gains: dict[str, float]  # what the qualifier and each context feature add to the score
    country_votes: int = 0
    region_names: int = 0

    @property
    def prior(self) -> float:
        """Its weight without the qualifier either: what the name means with no text around it."""
        return self.own - self.gains["qualifier"]


@dataclass
class _Name:
    """All mentions of one name in an article: one name, one place (one sense per discourse)."""

    name: str
    candidates: list[Candidate]
    qualifier: _Qualifier | None = None
    ranked: list[_Scored] | None = None


class Resolver:
    """Resolves all place spans of one article together, so each informs the others."""

    def __init__(self, gazetteer: Gazetteer, ranker: PlaceRanker | None = None):
        self.gazetteer = gazetteer
        self.finder = CandidateFinder(gazetteer)
        self.ranker = ranker or PlaceRanker.load()

    @contextmanager
    def using(self, ranker: PlaceRanker | None) -> Iterator[None]:
        """Resolve with `ranker` meanwhile (None: with this resolver's own)."""
        own = self.ranker
        self.ranker = ranker or own
        try:
            yield
        finally:
            self.ranker = own

    def resolve(self, text: str, spans: list[PlaceSpan],
                homes: Mapping[Region, float] | None = None) -> list[PlaceMention]:
        """`homes`: the source's home regions with their shares (see homes.py); they favour local readings."""
        return self.mentions(spans, self.rank(text, spans, homes))

    def rank(self, text: str, spans: list[PlaceSpan], homes: Mapping[Region, float] | None = None) -> dict[str, _Name]:
        """Every name of the article with its candidate readings, best first (bench/train_place_ranker.py reads
        their features)."""
        names = self._names(text, spans)
        homes = homes or {}
        for n in names.values():
            n.ranked = self._rank(n, _NO_CONTEXT, None, homes)
        for _ in range(CONTEXT_ROUNDS):
            context = _context(names.values())
            for n in names.values():
                own = n.ranked[0].place.country_code if _votes(n) else None
                n.ranked = self._rank(n, context, own, homes)
        return names

    def mentions(self, spans: list[PlaceSpan], names: dict[str, _Name]) -> list[PlaceMention]:
        """Each span's reading, from its name's ranking."""
        # Where a river or lake the gazetteer lacks is placed: worked out once, and only for an article that has one.
        lacking = any(_FEATURE.search(s.text) and not names[normalize_name(s.text)].candidates for s in spans)
        area = self._focus(names) if lacking else None
        return [self._mention(span, names[normalize_name(span.text)], names, area) for span in spans]

    def _names(self, text: str, spans: list[PlaceSpan]) -> dict[str, _Name]:
        """Group mentions by name; a qualifier next to any mention holds for all of them."""
        found = [self.finder.of(s) for s in spans]
        qualifiers = self._qualifiers(text, spans, found)
        names: dict[str, _Name] = {}
        for span, cands, qual in zip(spans, found, qualifiers):
            cands = prefer_cities_over_city_regions(cands)
            n = names.setdefault(normalize_name(span.text), _Name(normalize_name(span.text), cands))
            if not n.candidates:
                n.candidates = cands
            if qual and not n.qualifier:
                n.qualifier = qual
        for span, cands, qual in zip(spans[1:], found[1:], qualifiers):
            # "La." in "Sulphur, La." is Louisiana, not Los Angeles; "Washington" in "Tacoma, Washington" is the
            # state, though a bare "Washington" means the city: a qualifier is a region.
            regions = [c for c in cands if c.place.precision in _QUALIFIER_KINDS]
            if qual and regions:
                names[normalize_name(span.text)].candidates = regions
        for n in names.values():
            # "DeKalb" in an article about DeKalb County is the county (local news shortens it), not DeKalb, Illinois.
            county = next((names[f"{n.name} {w}"] for w in COUNTY_WORDS if f"{n.name} {w}" in names), None)
            if county is not None and n.qualifier is None:
                counties = [c for c in county.candidates if c.place.precision == "admin2"]
                n.candidates = counties or n.candidates
        return names

    def _qualifiers(self, text: str, spans: list[PlaceSpan], candidates) -> list[_Qualifier | None]:
        """For 'A, B' pairs, the countries/regions B can be, which constrain A."""
        quals: list[_Qualifier | None] = [None] * len(spans)
        for i in range(len(spans) - 1):
            if _QUALIFIER_GAP.match(text[spans[i].end:spans[i + 1].start]) and not _in_list(text, spans, i + 1, candidates[i + 1]):
                fits = {(p.country_code, None) if p.precision == "country" else (p.country_code, p.admin1_code)
                        for p in (c.place for c in candidates[i + 1])
                        if p.precision == "country" or (p.precision in ("admin1", "admin2") and p.admin1_code)}
                if fits:
                    quals[i] = _Qualifier(spans[i + 1].text, frozenset(fits), _list_goes_on(text, spans, i + 1))
        return quals

    # ------------------------------------------------------------ ranking

    def _rank(self, n: _Name, context: _Context, own_vote: str | None,
              homes: Mapping[Region, float]) -> list[_Scored]:
        bonuses = [context.country_bonus(c.place, n.name, own_vote) for c in n.candidates]
        leading = max(bonuses, default=(0.0, 0))
        namesake_cities = {(c.place.country_code, c.place.admin1_code) for c in n.candidates
                           if c.place.precision == "settlement"}
        ranked = []
        for candidate, (country, votes) in zip(n.candidates, bonuses):
            place, is_main = candidate.place, candidate.is_main
            if place.precision == "country":
                country = max(country, FOREIGN_COUNTRY_SHARE * leading[0])
            elif not place.country_code:  # a sea or a continent: no country's article rules it out
                country = leading[0]
            inside = place.precision == "admin1" and (place.country_code, place.admin1_code) not in namesake_cities
            region, names = context.support(place, n.name, inside)
            fits = n.qualifier is not None and _fits(place, n.qualifier.fits)
            at_home = 0.0
            if is_main and place.precision in HOME_KINDS:  # "Florida" is also an alternate name of a Californian town
                at_home = max(homes.get((place.country_code, place.admin1_code), 0.0),
                              homes.get((place.country_code, WHOLE_COUNTRY), 0.0))
            features = with_context(own_features(candidate), fits, country, region, at_home)
            ranked.append(self._scored(place, features, votes, names))
        ranked.sort(key=lambda s: -s.score)
        return ranked

    def _scored(self, place: Place, features: Features, votes: int, names: int) -> _Scored:
        score = self.ranker.score(features)
        gains = {k: self.ranker.part(features, CONTEXT_PARTS.get(k, (k,))) for k in ("qualifier", *CONTEXT)}
        return _Scored(place, features, score, score - sum(gains[k] for k in CONTEXT),
                       score >= self.ranker.threshold, gains, votes, names)

    def _focus(self, names: dict[str, _Name]) -> Place | None:
        """The admin-1 region most of the article's places lie in (two at least, and more than half), if any. Not
        a country: a river placed at the middle of the United States would mislead more than help."""
        regions = Counter((n.ranked[0].place.country_code, n.ranked[0].place.admin1_code) for n in names.values()
                          if n.ranked and n.ranked[0].matched and n.ranked[0].place.admin1_code
                          and n.ranked[0].place.precision in HOME_KINDS)
        if not regions:
            return None
        (region, count), = regions.most_common(1)
        return self.gazetteer.in_admin1(*region) if count >= 2 and count * 2 > sum(regions.values()) else None

    def _mention(self, span: PlaceSpan, n: _Name, names: dict[str, _Name], area: Place | None) -> PlaceMention:
        ranked = n.ranked or []
        region = _unlisted_in(n, names)
        if region is not None:
            return PlaceMention(span.start, span.end, span.text, region, 0.5, (), span.how,
                                f"no '{span.text}' listed in {region.name}: placed at {region.name}, as '{n.qualifier.text}' says")
        if not ranked:
            if area is not None and _FEATURE.search(span.text):
                return PlaceMention(span.start, span.end, span.text, area, 0.3, (), span.how,
                                    f"no '{span.text}' in the gazetteer: placed at {area.name}, where the article's "
                                    f"places are")
            return PlaceMention(span.start, span.end, span.text, None, 0.0, (), span.how, "no gazetteer entry")
        if not ranked[0].matched and span.how == "gazetteer":
            return PlaceMention(span.start, span.end, span.text, None, 0.0, (), span.how,
                                f"best candidate ({_describe(ranked[0].place)}) too weak for a name spaCy did not tag")
        best = ranked[0]
        confidence = round(min(0.99, self.ranker.chance(best.score, [s.score for s in ranked])), 2)
        alternatives = tuple(_describe(s.place) for s in ranked[1:4])
        return PlaceMention(span.start, span.end, span.text, best.place, confidence, alternatives, span.how,
                            _reason(span.text, n, ranked))


def _unlisted_in(n: _Name, names: dict[str, _Name]) -> Place | None:
    """'Rockingham, Northamptonshire' where the gazetteer lists no Rockingham there: the qualifier's own place,
    which is where the town is, rather than a namesake in another country. Not for a region or country,
    which a qualifier does not locate ('Arkansas, Texas' is a list), nor where the list goes on."""
    if n.qualifier is None or n.qualifier.list_goes_on or any(c.place.precision in _QUALIFIER_KINDS
                                                              for c in n.candidates):
        return None
    if any(_fits(c.place, n.qualifier.fits) or c.place.population >= BIG_CITY for c in n.candidates):
        return None  # "Copenhagen, Hamburg, Brasov and Mannheim": a big city's name before a region is a list item
    qualifier = names.get(normalize_name(n.qualifier.text))
    if qualifier is None or not qualifier.ranked:
        return None
    region = qualifier.ranked[0].place
    return region if region.precision in ("country", "admin1", "admin2") and _fits(region, n.qualifier.fits) else None


def _context(names) -> _Context:
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
        if _votes(n):
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
    return _Context(countries, best_regions, plausible, cells, readings, containers)


def _cell(lat: float, lon: float) -> tuple[int, int]:
    return math.floor(lat), math.floor(lon)



def _votes(n: _Name) -> bool:
    """A name votes for its best reading's country when that reading is one at all."""
    return bool(n.ranked) and n.ranked[0].matched and bool(n.ranked[0].place.country_code)


def _reason(text: str, n: _Name, ranked: list[_Scored]) -> str:
    """One line on why the best candidate won: its own weight, or the part of its score that put it
    ahead of the candidate that weighs most on its own."""
    best = ranked[0]
    if len(ranked) == 1:
        return f"only candidate for '{text}'"
    heaviest = max(ranked, key=lambda s: s.prior)
    if heaviest is best or heaviest.prior == best.prior:
        kind = best.place.precision
        if kind == "settlement" or all(s.place.precision == kind for s in ranked):
            return f"largest of {len(ranked)} '{text}' candidates"
        return f"the {kind} named '{text}', ahead of {len(ranked) - 1} other candidates"
    gains = {k: best.gains[k] - heaviest.gains[k] for k in ("qualifier", *CONTEXT)}
    cause = max(gains, key=gains.get)
    if cause == "qualifier":
        return f"matches qualifier '{n.qualifier.text}'"
    if cause == "home":
        return f"in {best.place.admin1 or best.place.admin1_code}, where the source's other articles are set"
    if cause == "region":
        region = best.place.admin1 or best.place.admin1_code
        others = "1 other place" if best.region_names == 1 else f"{best.region_names} other places"
        return f"near {others} in the article (same admin-1, {region}, or within {NEAR_KM:.0f} km)"
    return f"same country ({best.place.country_code}) as {best.country_votes} other places in the article"


def _in_list(text: str, spans: list[PlaceSpan], i: int, candidates: list[Candidate]) -> bool:
    """'Washington, New York and Chicago': a big city's name that a list goes on after is a list item,
    not a qualifier ('Paris, Texas, and Dallas' still qualifies: no big city is called Texas)."""
    if not any(c.place.precision == "settlement" and c.place.population >= CITY for c in candidates):
        return False
    return _list_goes_on(text, spans, i)


def _list_goes_on(text: str, spans: list[PlaceSpan], i: int) -> bool:
    if _LIST_GO_ON.match(text[spans[i].end:]):
        return True
    return i + 1 < len(spans) and _QUALIFIER_GAP.match(text[spans[i].end:spans[i + 1].start]) is not None


def _fits(place: Place, qualifier: frozenset[tuple[str, str | None]]) -> bool:
    return any(place.country_code == cc and (a1 is None or place.admin1_code == a1) for cc, a1 in qualifier)


def _describe(place: Place) -> str:
    """"Lebanon, Ohio, US", "Boone County, admin2 in Kentucky, US", "Georgia, country, GE": same-named
    alternatives must read differently."""
    kind = place.precision
    if kind == "settlement":
        kind = place.admin1
    elif kind == "admin2" and place.admin1:
        kind = f"admin2 in {place.admin1}"
    return ", ".join(p for p in (place.name, kind, place.country_code) if p)
