"""One score per reading of a place name: a weighted sum of its features, the weights fitted, not tuned by hand.

resolve.py finds the candidate readings of each name and describes each by numbers (`features`): what the entry is
on its own (its kind, its size, whether the text used its main name, a capital), what the text next to it says
(a qualifier it fits: "Paris, Texas"), what the rest of the article says (its country's share of the other names,
the other names that lie near it) and where the source is at home. The ranker weighs them: the best reading is
the one with the highest score, and a reading under `threshold` is no match. bench/train_place_ranker.py fits the
weights (a logistic regression over the public sets' readings, scored out of fold by document) and writes
data/place_ranker.json.
"""
from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from .place_candidates import SMALL_TOWN, Candidate

RANKER_PATH = Path(__file__).parent / "data" / "place_ranker.json"
Features = dict[str, float]

# A settlement's size on a log scale: about 0.5 for a hamlet, 2.4 for a city of a million.
_SIZE_SCALE, _SIZE_DIGITS = 2.6, 6.5
# An admin-1 region weighs as much as a town of its people would, plus this (a district of the Seychelles is not
# what "St. Louis" means), up to the weight of a region of any size.
REGION_SIZE_OFFSET = 0.4
# What the rest of the article and the source say of a reading; the other features are the reading's own weight,
# which decides which readings are plausible enough to be evidence for the other names.
CONTEXT = ("country", "region", "home")
KINDS = ("country", "admin1", "admin2", "other")


def size_score(population: int) -> float:
    return _SIZE_SCALE * math.log10(max(population, 10) + 10) / _SIZE_DIGITS


def own_features(candidate: Candidate, kind_weights: Mapping[str, float]) -> Features:
    """What a reading is on its own: its kind (or a settlement's size), whether the text used its main name, a
    capital, how it was found and how much of the span its name covers. `kind_weights` (the ranker's weights)
    caps a region's size term: a region weighs as a town of its people would, never more than regions do."""
    place, is_main = candidate.place, candidate.is_main
    size = size_score(place.population)
    features: Features = {f"kind_{place.precision}": 1.0} if place.precision in KINDS else {"size": size}
    if place.precision == "admin1":
        features["region_smaller"] = min(0.0, size + REGION_SIZE_OFFSET - kind_weights.get("kind_admin1", 0.0))
    features["main_name"] = float(is_main)
    features["capital"] = float(place.feature_code == "PPLC")
    # Alternate-name lists are full of other places' names: a small town's, a region's, a country's.
    features["alt_small_town"] = float(not is_main and place.precision == "settlement" and place.population < SMALL_TOWN)
    features["alt_region"] = float(not is_main and place.precision in ("admin1", "admin2", "other"))
    features["alt_country"] = float(not is_main and place.precision == "country")
    if candidate.found != "name":
        features[f"found_{candidate.found}"] = 1.0
    features["uncovered"] = 1.0 - candidate.covers
    return features


@dataclass(frozen=True)
class PlaceRanker:
    weights: Mapping[str, float]
    bias: float
    threshold: float  # a reading scoring under this is no match

    @classmethod
    def load(cls, path: Path = RANKER_PATH) -> PlaceRanker:
        data = json.loads(path.read_text(encoding="utf-8"))
        return cls(data["weights"], data.get("bias", 0.0), data["threshold"])

    def score(self, features: Mapping[str, float]) -> float:
        return self.bias + sum(self.weights.get(k, 0.0) * v for k, v in features.items())

    def part(self, features: Mapping[str, float], names: tuple[str, ...]) -> float:
        """What the features `names` add to the score."""
        return sum(self.weights.get(k, 0.0) * features.get(k, 0.0) for k in names)
