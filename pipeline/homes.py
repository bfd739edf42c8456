"""Where each source is at home: the admin-1 regions its articles keep naming, learnt while reading them.

A local paper names its own town bare ("Richmond", "Dublin"); which Richmond shows in the paper's other
articles, which name places around it (Lieberman et al.'s "local lexicon" of a source). Learnt while reading,
and used for an article with what the source's other articles said, never the article itself (extract.py
reads a few articles ahead, so a source's first articles have a home too); a source that writes about
everywhere (a wire, a folder of mixed files) has no region above the share and no home. A source whose home the
sources file declares (`region`) has that home from its first article, and learns no other.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable

from .models import PlaceMention

Region = tuple[str, str]  # (country code, GeoNames admin-1 code); admin-1 WHOLE_COUNTRY for all of a country
WHOLE_COUNTRY = ""
# A source has a home once this many of its articles have been read...
MIN_ARTICLES = 3
# ...and a region is home when at least this share of them named a place in it.
MIN_SHARE = 0.3
# The kinds of place that lie in one admin-1 region, and so can teach and take a home.
HOME_KINDS = ("settlement", "admin2", "admin1")
# Only places resolved with this confidence teach a home: a source whose "Dublin" was read as Ireland's on size
# alone would otherwise learn Leinster and read every later "Dublin" there.
MIN_CONFIDENCE = 0.8


class SourceHomes:
    """Per source: how many articles were read, and in how many of them each admin-1 region was named."""

    def __init__(self) -> None:
        self._articles: Counter[str] = Counter()
        self._regions: dict[str, Counter[Region]] = defaultdict(Counter)
        self._declared: dict[str, Region] = {}

    def declare(self, source: str, region: Region) -> None:
        """The source's home, as its team says (the sources file's `region`): it replaces what reading would learn."""
        self._declared[source] = region

    def shares(self, source: str, without: frozenset[Region] | None = None) -> dict[Region, float]:
        """The source's home regions with the share of its articles that named them; empty until known.
        `without`: what one of the articles already read taught (learn's answer), left out so that it is
        not its own evidence."""
        if source in self._declared:
            return {self._declared[source]: 1.0}
        n = self._articles[source] - (without is not None)
        if n < MIN_ARTICLES:
            return {}
        own = without or frozenset()
        counts = {r: c - (r in own) for r, c in self._regions[source].items()}
        return {r: c / n for r, c in counts.items() if c / n >= MIN_SHARE}

    def learn(self, source: str, mentions: Iterable[PlaceMention]) -> frozenset[Region]:
        """Count one more article of `source`, and each region its confidently resolved local places lie in,
        once; returns those regions."""
        taught = frozenset((m.place.country_code, m.place.admin1_code) for m in mentions
                           if m.place is not None and m.place.precision in HOME_KINDS and m.place.admin1_code
                           and m.confidence >= MIN_CONFIDENCE)
        self._articles[source] += 1
        self._regions[source].update(taught)
        return taught
