"""Pick the GeoNames entry each place span refers to, or none.

Each name's candidate readings are described by features (place_ranker.py): the kind of entry (a country name
means the country, not a Spanish town that lists it as an alternate name), its size, an explicit qualifier next to
the name ("Balakliya, Kharkiv region", "Naples, Florida"), the countries and regions the rest of the article is
about, the source's home. The ranker's fitted weights score them; the best reading wins, unless it scores under
the ranker's threshold.
"""
from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass

from .gazetteer import Gazetteer, normalize_name
from .homes import HOME_KINDS, WHOLE_COUNTRY, Region
from .models import Place, PlaceMention
from .place_candidates import BIG_CITY, CITY, COUNTY_WORDS, Candidate, CandidateFinder, prefer_cities_over_city_regions
from .place_context import NEAR_KM, NO_CONTEXT, Context, read_context, votes
from .place_ranker import CONTEXT, CONTEXT_PARTS, Features, PlaceRanker, own_features, with_context
from .recognize import PlaceSpan

# The article's other names vote for a country (feature `country`): its share of their votes, smoothed so that one
# vote is weak. A country named in an article about another country gets this share of the leading country's bonus: naming a
# foreign country is normal, but "Georgia" among Atlanta and Barrow County is the state.
FOREIGN_COUNTRY_SHARE = 0.5
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
            n.ranked = self._rank(n, NO_CONTEXT, None, homes)
        for _ in range(CONTEXT_ROUNDS):
            context = read_context(names.values())
            for n in names.values():
                own = n.ranked[0].place.country_code if votes(n) else None
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

    def _rank(self, n: _Name, context: Context, own_vote: str | None,
              homes: Mapping[Region, float]) -> list[_Scored]:
        bonuses = [context.country_bonus(c.place, n.name, own_vote) for c in n.candidates]
        leading = max(bonuses, default=(0.0, 0))
        namesake_cities = {(c.place.country_code, c.place.admin1_code) for c in n.candidates
                           if c.place.precision == "settlement"}
        ranked = []
        for candidate, (country, n_votes) in zip(n.candidates, bonuses):
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
            ranked.append(self._scored(place, features, n_votes, names))
        ranked.sort(key=lambda s: -s.score)
        return ranked

    def _scored(self, place: Place, features: Features, n_votes: int, names: int) -> _Scored:
        score = self.ranker.score(features)
        gains = {k: self.ranker.part(features, CONTEXT_PARTS.get(k, (k,))) for k in ("qualifier", *CONTEXT)}
        return _Scored(place, features, score, score - sum(gains[k] for k in CONTEXT),
                       score >= self.ranker.threshold, gains, n_votes, names)

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
